import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMemeMirrorError } from '../errors.js';
import { euclidean } from './distance.js';
import { MemeIndex } from './memory_index.js';
import { randomRows, seededRandom } from './testing.js';
import type { Box, FaceInput, MatchResult } from './index_types.js';

/** Distances of float32 embeddings of order 1, checked against hand-computed values. */
const EPS = 1e-6;

const fileRecord = (path: string) => ({ path, size: 1000, mtimeMs: 1.7e12, sha256: 'ab'.repeat(32) });
const face = (embedding: number[], box: Box = [1, 2, 3, 4], score = 0.9): FaceInput => ({
  box,
  score,
  embedding: new Float32Array(embedding),
});

/** Reference search: every row's distance, sorted by distance then position. */
function bruteForce(rows: Float32Array, dims: number, query: Float32Array, k: number) {
  const all = [];
  for (let i = 0; i < rows.length / dims; i++) {
    all.push({ face: i, distance: euclidean(query, rows.subarray(i * dims, (i + 1) * dims)) });
  }
  return all.sort((a, b) => a.distance - b.distance || a.face - b.face).slice(0, k);
}

test('empty index: no faces, no files, empty search', () => {
  const index = MemeIndex.empty('faceapi-expr-v1@1', 4, '2024-01-01T00:00:00.000Z');
  assert.equal(index.size, 0);
  assert.deepEqual(index.files(), []);
  assert.deepEqual(index.header, {
    formatVersion: 1,
    modelId: 'faceapi-expr-v1@1',
    dims: 4,
    createdAt: '2024-01-01T00:00:00.000Z',
  });
  assert.deepEqual(index.search(new Float32Array(4), 3), []);
  assert.equal(index.fileByPath('a.jpg'), undefined);
});

test('empty index: rejects bad modelId and dims', () => {
  for (const [modelId, dims] of [['', 4], ['m@1', 0], ['m@1', 2.5]] as const) {
    assert.throws(() => MemeIndex.empty(modelId, dims), (e) => isMemeMirrorError(e, 'INVALID_OPTION'));
  }
});

test('match: golden distances, nearest first, with file, box and score', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile(fileRecord('a.jpg'), [face([0, 0], [10, 20, 30, 40], 0.5), face([3, 4])]);
  index.upsertFile(fileRecord('b/c.png'), [face([1, 1], [5, 6, 7, 8], 0.75)]);
  index.upsertFile(fileRecord('none.gif'), []);

  const results: MatchResult[] = index.match(new Float32Array([0.1, 0.2]), 5);
  assert.deepEqual(
    results.map(({ file, box, score }) => ({ file, box, score })),
    [
      { file: 'a.jpg', box: [10, 20, 30, 40], score: 0.5 },
      { file: 'b/c.png', box: [5, 6, 7, 8], score: 0.75 },
      { file: 'a.jpg', box: [1, 2, 3, 4], score: 0.9 },
    ],
  );
  // sqrt(0.1^2 + 0.2^2), sqrt(0.9^2 + 0.8^2), sqrt(2.9^2 + 3.8^2)
  const golden = [0.2236068, 1.2041595, 4.7801674];
  results.forEach((r, i) => assert.ok(Math.abs(r.distance - golden[i]!) < EPS, `${r.distance} vs ${golden[i]}`));
  assert.equal(index.fileByPath('a.jpg')?.faces, 2);
  assert.equal(index.fileByPath('none.gif')?.faces, 0);
  assert.equal(index.size, 3);
});

test('search equals brute force on 10k random 32-d vectors, for several k', () => {
  const dims = 32;
  const random = seededRandom(42);
  const rows = randomRows(random, 10_000, dims);
  const index = MemeIndex.empty('m@1', dims);
  // 100 files of 100 faces.
  for (let f = 0; f < 100; f++) {
    const faces = Array.from({ length: 100 }, (_, j) => {
      const row = f * 100 + j;
      return { box: [0, 0, 1, 1] as Box, score: 1, embedding: rows.subarray(row * dims, (row + 1) * dims) };
    });
    index.upsertFile(fileRecord(`${f}.jpg`), faces);
  }
  assert.equal(index.size, 10_000);
  for (const k of [1, 3, 10, 100, 1000, 10_000, 12_000]) {
    const query = randomRows(random, 1, dims);
    assert.deepEqual(index.search(query, k), bruteForce(rows, dims, query, k), `k = ${k}`);
  }
  // A stored row is its own nearest neighbour at distance 0.
  assert.deepEqual(index.search(rows.slice(1234 * dims, 1235 * dims), 1), [{ face: 1234, distance: 0 }]);
});

test('search: ties go to the lower face position', () => {
  const index = MemeIndex.empty('m@1', 1);
  index.upsertFile(fileRecord('a.jpg'), [face([2]), face([-1]), face([1]), face([-2])]);
  assert.deepEqual(index.search(new Float32Array([0]), 4), [
    { face: 1, distance: 1 },
    { face: 2, distance: 1 },
    { face: 0, distance: 2 },
    { face: 3, distance: 2 },
  ]);
  assert.deepEqual(index.search(new Float32Array([0]), 3), [
    { face: 1, distance: 1 },
    { face: 2, distance: 1 },
    { face: 0, distance: 2 },
  ]);
});

test('search: validates query size, k and values', () => {
  const index = MemeIndex.empty('m@1', 32);
  assert.throws(
    () => index.search(new Float32Array(7), 1),
    (e) => isMemeMirrorError(e, 'DIMENSION_MISMATCH') && e.message === 'Cannot compare embeddings of different sizes (32 vs. 7)',
  );
  for (const k of [0, -1, 1.5, Number.NaN, Infinity]) {
    assert.throws(
      () => index.search(new Float32Array(32), k),
      (e) => isMemeMirrorError(e, 'INVALID_OPTION') && e.message === `Expected k to be a positive integer, but got ${k}`,
    );
  }
  const query = new Float32Array(32);
  query[3] = Number.NaN;
  assert.throws(() => index.search(query, 1), (e) => isMemeMirrorError(e, 'INVALID_OPTION') && /element 3 is NaN/.test(e.message));
});

test('upsertFile: replaces a previous entry of the same path in place', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile(fileRecord('a.jpg'), [face([0, 0]), face([1, 0])]);
  index.upsertFile(fileRecord('b.jpg'), [face([5, 5])]);
  index.upsertFile({ ...fileRecord('a.jpg'), size: 2000 }, [face([9, 9], [7, 7, 7, 7], 0.25)]);

  assert.equal(index.size, 2);
  assert.deepEqual(
    index.files().map((f) => [f.path, f.size, f.faces]),
    [
      ['a.jpg', 2000, 1],
      ['b.jpg', 1000, 1],
    ],
  );
  assert.deepEqual(index.match(new Float32Array([0, 0]), 10), [
    { file: 'b.jpg', box: [1, 2, 3, 4], score: 0.9, distance: Math.sqrt(50) },
    { file: 'a.jpg', box: [7, 7, 7, 7], score: 0.25, distance: Math.sqrt(162) },
  ]);
});

test('upsertFile: embeddings may be views of the index storage itself', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile(fileRecord('b.jpg'), [face([2, 2]), face([3, 3])]);
  index.upsertFile(fileRecord('a.jpg'), [face([1, 1])]);
  // b's first row as a live view; re-adding b moves a's row over it.
  const view = index.toData().embeddings.subarray(0, 2);
  index.upsertFile(fileRecord('b.jpg'), [face([9, 9]), { box: [0, 0, 1, 1], score: 1, embedding: view }]);
  assert.deepEqual([index.embedding(0), index.embedding(1), index.embedding(2)], [
    new Float32Array([1, 1]),
    new Float32Array([9, 9]),
    new Float32Array([2, 2]),
  ]);
});

test('upsertFile: a bad face changes nothing', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile(fileRecord('a.jpg'), [face([0, 0])]);
  const before = index.toData();
  assert.throws(
    () => index.upsertFile(fileRecord('a.jpg'), [face([1, 1]), face([1, 2, 3])]),
    (e) => isMemeMirrorError(e, 'DIMENSION_MISMATCH') && e.message === 'Cannot compare embeddings of different sizes (2 vs. 3)',
  );
  assert.throws(() => index.upsertFile(fileRecord('b.jpg'), [face([1, Infinity])]), (e) => isMemeMirrorError(e, 'INVALID_OPTION'));
  assert.throws(() => index.upsertFile(fileRecord('b.jpg'), [face([1, 1], [1, 2, 3] as unknown as Box)]), (e) =>
    isMemeMirrorError(e, 'INVALID_OPTION'),
  );
  for (const path of ['', '/abs.jpg', 'win\\dows.jpg']) {
    assert.throws(() => index.upsertFile(fileRecord(path), []), (e) => isMemeMirrorError(e, 'INVALID_OPTION'), path);
  }
  assert.deepEqual(index.toData(), before);
});

test('upsertFile: keeps the error of a failed image, omits it otherwise', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile({ ...fileRecord('bad.jpg'), error: 'CORRUPT_IMAGE: truncated' }, []);
  index.upsertFile(fileRecord('good.jpg'), []);
  assert.equal(index.fileByPath('bad.jpg')?.error, 'CORRUPT_IMAGE: truncated');
  assert.equal('error' in index.fileByPath('good.jpg')!, false);
});

test('accessors return copies', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile(fileRecord('a.jpg'), [face([1, 2])]);
  index.files()[0]!.path = 'changed';
  index.fileByPath('a.jpg')!.faces = 99;
  index.face(0).box[0] = 99;
  index.embedding(0)[0] = 99;
  assert.deepEqual(index.fileByPath('a.jpg'), { ...fileRecord('a.jpg'), faces: 1 });
  assert.deepEqual(index.face(0), { file: 0, box: [1, 2, 3, 4], score: 0.9 });
  assert.deepEqual(index.embedding(0), new Float32Array([1, 2]));
  assert.throws(() => index.face(1), (e) => isMemeMirrorError(e, 'INVALID_OPTION'));
});

test('removeFile: drops its faces and renumbers later files', () => {
  const index = MemeIndex.empty('m@1', 1);
  index.upsertFile(fileRecord('a.jpg'), [face([1])]);
  index.upsertFile(fileRecord('b.jpg'), [face([2]), face([3])]);
  index.upsertFile(fileRecord('c.jpg'), [face([4])]);
  assert.equal(index.removeFile('b.jpg'), true);
  assert.equal(index.removeFile('b.jpg'), false);
  assert.equal(index.size, 2);
  assert.deepEqual(index.files().map((f) => f.path), ['a.jpg', 'c.jpg']);
  assert.deepEqual([index.face(0).file, index.face(1).file], [0, 1]);
  assert.deepEqual(index.match(new Float32Array([4]), 5).map((r) => [r.file, r.distance]), [
    ['c.jpg', 0],
    ['a.jpg', 3],
  ]);
  assert.equal(index.fileByPath('c.jpg')?.faces, 1);
});

test('random upserts and removes keep search equal to brute force over the expected contents', () => {
  const dims = 8;
  const random = seededRandom(99);
  const index = MemeIndex.empty('m@1', dims);
  /** What the index should hold: path -> faces. */
  const expected = new Map<string, FaceInput[]>();
  for (let step = 0; step < 400; step++) {
    const path = `memes/${Math.floor(random() * 40)}.jpg`;
    if (random() < 0.3) {
      assert.equal(index.removeFile(path), expected.delete(path));
    } else {
      const count = Math.floor(random() * 4);
      const rows = randomRows(random, count, dims);
      const faces = Array.from({ length: count }, (_, j) =>
        face(Array.from(rows.subarray(j * dims, (j + 1) * dims)), [step, j, 1, 1], random()),
      );
      index.upsertFile(fileRecord(path), faces);
      expected.set(path, faces);
    }
    if (step % 20 !== 19) continue;

    // Contents: same files with the right face counts; the data passes fromData's consistency checks.
    assert.deepEqual(
      new Map(index.files().map((f) => [f.path, f.faces])),
      new Map([...expected].map(([p, faces]) => [p, faces.length])),
    );
    assert.doesNotThrow(() => MemeIndex.fromData(index.toData()));
    // Search: every face, ranked like a brute force over the expected contents.
    const query = randomRows(random, 1, dims);
    const reference = [...expected].flatMap(([file, faces]) =>
      faces.map((f) => ({ file, box: f.box, score: f.score, distance: euclidean(query, f.embedding) })),
    );
    reference.sort((a, b) => a.distance - b.distance);
    assert.equal(index.size, reference.length);
    if (reference.length > 0) assert.deepEqual(index.match(query, reference.length), reference);
  }
});

test('fromData: rejects inconsistent data', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile(fileRecord('a.jpg'), [face([1, 2])]);
  const data = index.toData();
  const cases = [
    { ...data, files: [{ ...data.files[0]!, faces: 2 }] },
    { ...data, faces: [{ ...data.faces[0]!, file: 1 }] },
    { ...data, embeddings: new Float32Array(3) },
    { ...data, files: [data.files[0]!, data.files[0]!] },
    { ...data, header: { ...data.header, formatVersion: 2 } },
  ];
  for (const bad of cases) assert.throws(() => MemeIndex.fromData(bad), (e) => isMemeMirrorError(e, 'INVALID_OPTION'));
});

test('refreshFile replaces a record and keeps its faces', () => {
  const index = MemeIndex.empty('m@1', 2);
  index.upsertFile({ path: 'a.jpg', size: 1, mtimeMs: 1, sha256: 'x' }, [{ box: [0, 0, 1, 1], score: 1, embedding: [1, 2] }]);
  assert.equal(index.refreshFile({ path: 'a.jpg', size: 1, mtimeMs: 99, sha256: 'x' }), true);
  assert.equal(index.fileByPath('a.jpg')?.mtimeMs, 99);
  assert.equal(index.fileByPath('a.jpg')?.faces, 1);
  assert.deepEqual([...index.embedding(0)], [1, 2]);
  assert.equal(index.refreshFile({ path: 'b.jpg', size: 1, mtimeMs: 1, sha256: 'y' }), false);
});

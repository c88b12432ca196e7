import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isMemeMirrorError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { decodeIndex, encodeIndex, readIndexHeader } from './format.js';
import { MemeIndex } from './memory_index.js';
import { randomIndex } from './testing.js';

const small = () => randomIndex(1, { fileCount: 6, facesPerFile: 2, dims: 4, modelId: 'faceapi-expr-v1@1' });

/** Recomputes the trailing SHA-256 after a deliberate edit, so only the edited field is wrong. */
function rehash(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 32;
  bytes.set(createHash('sha256').update(bytes.subarray(0, end)).digest(), end);
  return bytes;
}

async function rejectsWith(bytes: Uint8Array, code: ErrorCode, message?: RegExp, expect = {}): Promise<void> {
  await assert.rejects(decodeIndex(bytes, expect), (e) => {
    assert.ok(isMemeMirrorError(e, code), `expected ${code}, got ${String(e)}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('round trip: decode(encode(index)) holds exactly the same data, and re-encodes to the same bytes', async () => {
  const index = randomIndex(3, { fileCount: 50, facesPerFile: 3, dims: 16 });
  const bytes = await encodeIndex(index);
  const decoded = await decodeIndex(bytes);
  assert.deepEqual(decoded.toData(), index.toData());
  assert.deepEqual(decoded.header, index.header);
  assert.ok(decoded.files().some((f) => f.error !== undefined && f.faces === 0));
  assert.deepEqual(await encodeIndex(decoded), bytes);
});

test('round trip: an empty index', async () => {
  const index = MemeIndex.empty('m@1', 64, '2024-05-06T07:08:09.000Z');
  const decoded = await decodeIndex(await encodeIndex(index));
  assert.deepEqual(decoded.toData(), index.toData());
  assert.equal(decoded.size, 0);
});

test('layout: golden bytes of a one-face index', async () => {
  const index = MemeIndex.empty('m@1', 3, '2024-01-01T00:00:00.000Z');
  index.upsertFile({ path: 'ab.jpg', size: 5, mtimeMs: 6, sha256: 'ff' }, [
    { box: [1, 2, 3, 4], score: 0.5, embedding: new Float32Array([0.25, -1, 2]) },
  ]);
  const bytes = await encodeIndex(index);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (from: number, to: number) => new TextDecoder().decode(bytes.subarray(from, to));

  const header = '{"modelId":"m@1","dims":3,"faceCount":1,"fileCount":1,"createdAt":"2024-01-01T00:00:00.000Z"}';
  const files = '[{"path":"ab.jpg","size":5,"mtimeMs":6,"sha256":"ff","faces":1}]';
  assert.equal(text(0, 8), 'MEMEIDX\0');
  assert.equal(view.getUint32(8, true), 1);
  assert.equal(view.getUint32(12, true), header.length);
  assert.equal(text(16, 16 + header.length), header);
  const filesAt = 16 + header.length + 4;
  assert.equal(view.getUint32(filesAt - 4, true), files.length);
  assert.equal(text(filesAt, filesAt + files.length), files);
  const faceAt = filesAt + files.length;
  assert.deepEqual(
    [view.getUint32(faceAt, true), ...[4, 12, 20, 28, 36].map((o) => view.getFloat64(faceAt + o, true))],
    [0, 1, 2, 3, 4, 0.5],
  );
  const embeddingsAt = Math.ceil((faceAt + 44) / 4) * 4;
  assert.deepEqual(bytes.subarray(faceAt + 44, embeddingsAt), new Uint8Array(embeddingsAt - faceAt - 44));
  assert.deepEqual([0, 4, 8].map((o) => view.getFloat32(embeddingsAt + o, true)), [0.25, -1, 2]);
  assert.equal(bytes.length, embeddingsAt + 12 + 32);
  // preamble + header + files length + files + 1 face + 3 bytes padding + 3 floats + checksum
  assert.equal(embeddingsAt, 224);
  assert.equal(bytes.length, 16 + 93 + 4 + 64 + 44 + 3 + 12 + 32);
  const digest = createHash('sha256').update(bytes.subarray(0, bytes.length - 32)).digest();
  assert.deepEqual(bytes.subarray(bytes.length - 32), new Uint8Array(digest));
});

test('any changed byte is refused: INDEX_CORRUPT, or INDEX_MISMATCH in the version field', async () => {
  const bytes = await encodeIndex(small());
  for (const mask of [0x01, 0xff]) {
    for (let at = 0; at < bytes.length; at++) {
      const damaged = bytes.slice();
      damaged[at]! ^= mask;
      const code = at >= 8 && at < 12 ? 'INDEX_MISMATCH' : 'INDEX_CORRUPT';
      await rejectsWith(damaged, code, undefined, { modelId: 'faceapi-expr-v1@1', dims: 4 });
    }
  }
});

test('a damaged byte in the embeddings is a checksum mismatch', async () => {
  const bytes = await encodeIndex(small());
  bytes[bytes.length - 40]! ^= 0x10;
  await rejectsWith(bytes, 'INDEX_CORRUPT', /^The input is a damaged meme-mirror index \(checksum mismatch\)/);
});

test('a truncated or extended file is INDEX_CORRUPT', async () => {
  const bytes = await encodeIndex(small());
  const n = bytes.length;
  for (const length of [0, 5, 8, 12, 16, 40, 120, n - 33, n - 32, n - 1]) {
    await rejectsWith(bytes.subarray(0, length), 'INDEX_CORRUPT', undefined);
  }
  await rejectsWith(bytes.subarray(0, n - 1), 'INDEX_CORRUPT', new RegExp(`\\(${n - 1} bytes, but its header describes ${n}`));
  const longer = new Uint8Array(n + 1);
  longer.set(bytes);
  await rejectsWith(longer, 'INDEX_CORRUPT', /truncated or damaged/);
});

test('bad magic names the source', async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0]);
  await rejectsWith(png, 'INDEX_CORRUPT', /^photo\.png is not a meme-mirror index \(bad magic\)$/, { source: 'photo.png' });
  await rejectsWith(new TextEncoder().encode('MEMEID'), 'INDEX_CORRUPT', /truncated to 6 bytes/);
  await rejectsWith(new TextEncoder().encode('MEMO'), 'INDEX_CORRUPT', /bad magic/);
});

test('another model or dims than expected is INDEX_MISMATCH saying which and how to re-index', async () => {
  const bytes = await encodeIndex(small());
  await rejectsWith(
    bytes,
    'INDEX_MISMATCH',
    /^memes\.idx was made by model "faceapi-expr-v1@1" \(4 dims\), but model "human-expr@2" is expected; re-index with `meme-mirror index <folder> --out memes\.idx`$/,
    { modelId: 'human-expr@2', source: 'memes.idx' },
  );
  await rejectsWith(bytes, 'INDEX_MISMATCH', /but model "faceapi-expr-v1@1" with 64 dims is expected/, {
    modelId: 'faceapi-expr-v1@1',
    dims: 64,
  });
  const ok = await decodeIndex(bytes, { modelId: 'faceapi-expr-v1@1', dims: 4 });
  assert.equal(ok.size, small().size);
});

test('another format version is INDEX_MISMATCH, even with a valid checksum', async () => {
  const bytes = await encodeIndex(small());
  new DataView(bytes.buffer).setUint32(8, 2, true);
  await rejectsWith(rehash(bytes), 'INDEX_MISMATCH', /is in index format version 2, but this meme-mirror reads version 1/);
  assert.throws(() => readIndexHeader(bytes), (e) => isMemeMirrorError(e, 'INDEX_MISMATCH'));
});

test('a well-checksummed file with inconsistent contents is INDEX_CORRUPT', async () => {
  const index = MemeIndex.empty('m@1', 2, '2024-01-01T00:00:00.000Z');
  index.upsertFile({ path: 'a.jpg', size: 1, mtimeMs: 1, sha256: 'ff' }, [
    { box: [0, 0, 1, 1], score: 1, embedding: new Float32Array([1, 2]) },
  ]);
  const bytes = await encodeIndex(index);
  const view = new DataView(bytes.buffer);
  const filesLengthAt = 16 + view.getUint32(12, true);
  view.setUint32(filesLengthAt + 4 + view.getUint32(filesLengthAt, true), 7, true);
  await rejectsWith(rehash(bytes), 'INDEX_CORRUPT', /face's file to be an integer in \[0, 1\), but got 7/);
});

test('readIndexHeader reads a prefix without the body', async () => {
  const index = small();
  const bytes = await encodeIndex(index);
  const headerEnd = 16 + new DataView(bytes.buffer).getUint32(12, true);
  const expected = {
    formatVersion: 1,
    modelId: 'faceapi-expr-v1@1',
    dims: 4,
    faceCount: index.size,
    fileCount: 6,
    createdAt: '2024-01-02T03:04:05.678Z',
  };
  assert.deepEqual(readIndexHeader(bytes.subarray(0, headerEnd)), expected);
  assert.deepEqual(readIndexHeader(bytes), expected);
  assert.throws(() => readIndexHeader(bytes.subarray(0, headerEnd - 1)), (e) => isMemeMirrorError(e, 'INDEX_CORRUPT'));
});

test('decodes bytes at an offset that is not a multiple of 4', async () => {
  const index = small();
  const bytes = await encodeIndex(index);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const decoded = await decodeIndex(shifted.subarray(1));
  assert.deepEqual(decoded.toData(), index.toData());
});

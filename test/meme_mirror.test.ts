// The library API as a developer uses it, on real images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemeMirror, buildIndex, isMemeMirrorError, EXPRESSION_MODELS, DEFAULT_EXPRESSION_MODEL } from '../src/index.js';
import { dataPath } from './helpers/data.js';
import { tempDir } from './helpers/workspace.js';

const seed = dataPath('memes/imgflip-seed');
const yale = dataPath('expressions/yale');
const HAPPY = yale ? join(yale, 'happy/subject02.happy.png') : '';

let mm: MemeMirror;
let dir: { path: string; dispose: () => Promise<void> };
let indexFile = '';
/** Faces found in the 287 imgflip-seed memes, counted by the full index build below. */
let seedSummary: Awaited<ReturnType<typeof buildIndex>> | undefined;

before(async () => {
  dir = await tempDir();
  mm = await MemeMirror.create();
  if (seed) {
    indexFile = join(dir.path, 'seed.idx');
    seedSummary = await buildIndex(mm, { inputs: [seed], out: indexFile });
  }
});
after(async () => {
  mm?.close();
  await dir?.dispose();
});

test('faces are found in at least 255 of the 287 imgflip-seed memes', { skip: !seed }, () => {
  const summary = seedSummary!;
  const withFace = summary.images - summary.noFace - summary.errors.length;
  console.log(`imgflip-seed: ${withFace}/${summary.images} memes with a face, ${summary.faces} faces, ${summary.errors.length} errors`);
  assert.equal(summary.images, 287);
  assert.equal(summary.errors.length, 0);
  assert.ok(withFace >= 255, `expected faces in >= 255 memes, got ${withFace}`);
});

test('the default model is registered, with its id and size', () => {
  const entry = EXPRESSION_MODELS[DEFAULT_EXPRESSION_MODEL];
  assert.equal(mm.modelId, entry.id);
  assert.equal(mm.model.dims, entry.dims);
  assert.ok(entry.dims <= 64);
});

test('embed takes a path, encoded bytes or pixels, with the same result', { skip: !yale }, async () => {
  const fromPath = await mm.embed(HAPPY);
  const fromBytes = await mm.embed(new Uint8Array(await readFile(HAPPY)));
  const { image } = await mm.decode(HAPPY);
  const fromPixels = await mm.embed(image);
  assert.equal(fromPath.file, HAPPY);
  assert.equal(fromBytes.file, '<buffer>');
  assert.equal(fromPixels.file, '<pixels>');
  assert.equal(fromPath.faces.length, 1);
  assert.deepEqual(fromBytes.faces, fromPath.faces);
  assert.deepEqual(fromPixels.faces, fromPath.faces);
  assert.equal(fromPath.model, mm.modelId);
  assert.deepEqual([fromPath.width, fromPath.height], [320, 243]);
});

test('match: the top k meme faces per face, nearest first, as plain data', { skip: !seed || !yale }, async () => {
  await mm.loadIndex(indexFile);
  const result = await mm.match(HAPPY, { top: 3 });
  assert.equal(result.faces.length, 1);
  const face = result.faces[0]!;
  assert.equal(face.matches.length, 3);
  assert.ok(face.matches[0]!.distance <= face.matches[1]!.distance && face.matches[1]!.distance <= face.matches[2]!.distance);
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'results survive JSON unchanged');
  // The nearest meme face is the nearest by brute force too.
  const query = (await mm.embed(HAPPY)).faces[0]!.embedding;
  const index = mm.index!;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < index.size; i++) {
    const e = index.embedding(i);
    best = Math.min(best, Math.sqrt(e.reduce((sum, v, j) => sum + (v - query[j]!) ** 2, 0)));
  }
  assert.ok(Math.abs(face.matches[0]!.distance - best) < 1e-6);
});

test('match without an index, a bad top, or after close() fails with a typed error', { skip: !yale }, async () => {
  const bare = await MemeMirror.create();
  await assert.rejects(bare.match(HAPPY), (e: unknown) => isMemeMirrorError(e, 'INVALID_OPTION') && /Expected an index/.test(e.message));
  if (seed) {
    await bare.loadIndex(indexFile);
    await assert.rejects(bare.match(HAPPY, { top: 0 }), (e: unknown) => isMemeMirrorError(e, 'INVALID_OPTION') && /but got 0/.test(e.message));
  }
  bare.close();
  await assert.rejects(bare.embed(HAPPY), (e: unknown) => isMemeMirrorError(e, 'CLOSED'));
});

test('an unknown model name lists the valid ones', async () => {
  await assert.rejects(
    // @ts-expect-error: not a model name, on purpose
    MemeMirror.create({ model: 'gpt-face' }),
    (e: unknown) => isMemeMirrorError(e, 'INVALID_OPTION') && e.message.includes(DEFAULT_EXPRESSION_MODEL) && e.message.includes("'gpt-face'"),
  );
});

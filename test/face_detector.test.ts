// FaceDetector on real images: tight crops, several faces, options, and no tensor leak.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MemeMirror, FaceDetector, nodeRuntime } from '../src/index.js';
import type { RgbImage } from '../src/index.js';
import { dataPath } from './helpers/data.js';
import { readFaceSet } from './helpers/csv.js';

const mux = dataPath('expressions/muxspace');
const seed = dataPath('memes/imgflip-seed');
/** imgflip-seed memes with more than one person in them. */
const MULTI_FACE_MEMES = ['Robots.jpg', 'Gaga-Baby.jpg', 'Heres-Johnny.jpg', 'Will-Ferrell.jpg'];
/** Every 20th muxspace photo: 193 tight 350x350 face crops. */
const TIGHT_SAMPLE_STEP = 20;

let mm: MemeMirror;
before(async () => {
  mm = await MemeMirror.create();
});
after(() => mm?.close());

async function decode(path: string): Promise<RgbImage> {
  return (await mm.decode(path)).image;
}

test('tight crops: padding and a second look finds the faces the first look misses', { skip: !mux }, async () => {
  const runtime = await nodeRuntime();
  const once = await FaceDetector.create(runtime, { padRetry: 0 });
  const sample = readFaceSet(mux!).filter((_, i) => i % TIGHT_SAMPLE_STEP === 0);
  let foundOnce = 0;
  let found = 0;
  let padded = 0;
  for (const face of sample) {
    const image = await decode(face.path);
    if ((await once.detect(image)).length > 0) foundOnce++;
    const faces = await mm.detector.detect(image);
    if (faces.length > 0) found++;
    if (faces[0]?.padded) padded++;
  }
  console.log(`muxspace sample: ${foundOnce}/${sample.length} found without padding, ${found} with (${padded} padded)`);
  // Measured: 156/193 without padding, 193/193 with.
  assert.ok(found / sample.length >= 0.97, `expected >= 97% found, got ${found}/${sample.length}`);
  assert.ok(found - foundOnce >= 20, `expected padding to find many more faces (${foundOnce} -> ${found})`);
});

test('padded faces come back in the coordinates of the original image', { skip: !mux }, async () => {
  const sample = readFaceSet(mux!).filter((_, i) => i % TIGHT_SAMPLE_STEP === 0);
  for (const face of sample) {
    const image = await decode(face.path);
    const [first] = await mm.detector.detect(image);
    if (!first?.padded) continue;
    const [x, y, w, h] = first.box;
    assert.ok(x >= 0 && y >= 0 && x + w <= image.width + 1e-6 && y + h <= image.height + 1e-6, `box ${first.box} inside ${image.width}x${image.height}`);
    // A tight crop is mostly face.
    assert.ok(w * h > 0.25 * image.width * image.height, `a tight crop's face fills the image, got ${first.box}`);
    const nose = first.landmarks[1]!;
    assert.ok(nose[0] > x && nose[0] < x + w && nose[1] > y && nose[1] < y + h, 'landmarks shifted back with the box');
    return;
  }
  assert.fail('no padded face in the sample');
});

test('several faces come back largest first, with boxes in pixels and in 0..1', { skip: !seed }, async () => {
  for (const name of MULTI_FACE_MEMES) {
    const image = await decode(join(seed!, name));
    const faces = await mm.detector.detect(image);
    assert.ok(faces.length >= 2, `${name}: expected several faces, got ${faces.length}`);
    for (let i = 1; i < faces.length; i++) {
      const prev = faces[i - 1]!.box;
      const cur = faces[i]!.box;
      assert.ok(prev[2] * prev[3] >= cur[2] * cur[3], `${name}: faces not ordered by size`);
    }
    for (const face of faces) {
      assert.equal(face.landmarks.length, 468);
      assert.ok(face.score > 0 && face.score <= 1);
      const [rx, ry, rw, rh] = face.boxRaw;
      assert.ok(Math.abs(rx * image.width - face.box[0]) < 1e-6 && Math.abs(rw * image.width - face.box[2]) < 1e-6);
      assert.ok(Math.abs(ry * image.height - face.box[1]) < 1e-6 && Math.abs(rh * image.height - face.box[3]) < 1e-6);
    }
  }
});

test('maxFaces keeps the largest faces; minFaceSize drops small ones', { skip: !seed }, async () => {
  const runtime = await nodeRuntime();
  const image = await decode(join(seed!, 'Robots.jpg'));
  const all = await mm.detector.detect(image);
  assert.ok(all.length >= 2, `expected several faces, got ${all.length}`);
  const one = await (await FaceDetector.create(runtime, { maxFaces: 1 })).detect(image);
  assert.equal(one.length, 1);
  assert.deepEqual(one[0]!.box, all[0]!.box);
  const huge = await (await FaceDetector.create(runtime, { minFaceSize: 10_000, padRetry: 0 })).detect(image);
  assert.equal(huge.length, 0);
});

test('detecting and embedding leaves no tensor behind', { skip: !seed }, async () => {
  const runtime = await nodeRuntime();
  const image = await decode(join(seed!, 'Robots.jpg'));
  await mm.embedFaces(image); // first call may allocate lasting state (weights, kernels)
  const before = runtime.tf.memory().numTensors;
  for (let i = 0; i < 5; i++) await mm.embedFaces(image);
  assert.equal(runtime.tf.memory().numTensors, before);
});

test('a closed detector refuses to work', async () => {
  const detector = await FaceDetector.create(await nodeRuntime());
  detector.close();
  await assert.rejects(detector.detect({ data: new Uint8Array(3), width: 1, height: 1 }), { code: 'CLOSED' });
});

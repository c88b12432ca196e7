// meme-mirror's own run of face-api's expression network (src/expression/faceapi_net.ts) against
// face-api's own code path, on real faces: the same features and logits at 112 px, the crop made on
// the bytes equal to tf.image.cropAndResize, and other sides and the quarter read-out well-formed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { MemeMirror } from '../src/index.js';
import type { DetectedFace, RgbImage } from '../src/index.js';
import { nodeRuntime } from '../src/runtime/node_runtime.js';
import type { ModelRuntime } from '../src/runtime/runtime_types.js';
import { FACEAPI_INPUT_SIZE, faceApiCropBox, faceApiExpressions, loadFaceApiExpression } from '../src/expression/faceapi_features.js';
import { FACEAPI_QUARTERS, cropFace } from '../src/expression/faceapi_net.js';
import type { Box } from '../src/face/face_types.js';
import { dataPath } from './helpers/data.js';

const yale = dataPath('expressions/yale');
let mm: MemeMirror;
let runtime: ModelRuntime;
before(async () => {
  mm = await MemeMirror.create({ model: 'faceapi-hellinger' });
  runtime = await nodeRuntime();
  await loadFaceApiExpression(runtime);
});
after(() => mm?.close());

/** face-api's own path: crop on the whole image's tensor, toNetInput, its extractor and classifier. */
async function faceApiOwn(image: RgbImage, faces: readonly DetectedFace[]): Promise<{ features: Float32Array; logits: Float32Array }> {
  const { tf, faceapi } = runtime;
  const net = faceapi.nets.faceExpressionNet;
  const crops = tf.tidy(() => {
    const boxes = faces.map((f) => tfBox(image, faceApiCropBox(f)));
    return tf.unstack(tf.image.cropAndResize(tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32'), boxes, faces.map(() => 0), [FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE]));
  });
  const features = net.faceFeatureExtractor.forwardInput(await faceapi.toNetInput(crops as Tensor3D[]));
  const logits = net.runNet(features);
  const out = { features: Float32Array.from(await features.data()), logits: Float32Array.from(await logits.data()) };
  tf.dispose([...crops, features, logits]);
  return out;
}

function tfBox(image: RgbImage, [x, y, w, h]: Box): [number, number, number, number] {
  return [y / image.height, x / image.width, (y + h) / image.height, (x + w) / image.width];
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test('at 112 px the features and logits are face-api\'s own, for two faces in one batch', { skip: !yale }, async () => {
  const a = await mm.decode(`${yale}/surprised/subject04.surprised.png`);
  const faces = await mm.detector.detect(a.image);
  assert.equal(faces.length, 1);
  const twice = [faces[0]!, { ...faces[0]!, box: [faces[0]!.box[0] + 6, faces[0]!.box[1] - 4, faces[0]!.box[2], faces[0]!.box[3]] as Box }];
  const ours = await faceApiExpressions(runtime, a.image, twice);
  const theirs = await faceApiOwn(a.image, twice);
  for (let i = 0; i < 2; i++) {
    assert.ok(maxDiff(ours[i]!.features, theirs.features.subarray(i * 256, (i + 1) * 256)) < 1e-4);
    assert.ok(maxDiff(ours[i]!.logits, theirs.logits.subarray(i * 7, (i + 1) * 7)) < 1e-4);
  }
  // The shifted crop is another input: the check is not vacuous.
  assert.ok(maxDiff(ours[0]!.features, ours[1]!.features) > 1e-2);
});

test('the crop made on the bytes equals tf.image.cropAndResize, inside and across the border', { skip: !yale }, async () => {
  const { image } = await mm.decode(`${yale}/happy/subject02.happy.png`);
  const { tf } = runtime;
  for (const [box, side] of [
    [[100, 60, 120, 120], 112],
    [[-30, -20, 200, 200], 96],
    [[250, 180, 150, 90], 64],
  ] as [Box, number][]) {
    const ours = cropFace(image, box, side);
    const ref = tf.tidy(() => tf.image.cropAndResize(tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32'), [tfBox(image, box)], [0], [side, side]));
    const theirs = await ref.data();
    ref.dispose();
    // Both sample bilinearly; they differ only by float rounding (values are 0..255).
    assert.ok(maxDiff(ours, theirs) < 1e-2, `box ${box} at ${side} px differs by ${maxDiff(ours, theirs)}`);
  }
});

test('other sides and the quarter read-out: the right sizes, the quarters average to the pooled features', { skip: !yale }, async () => {
  const { image } = await mm.decode(`${yale}/happy/subject03.happy.png`);
  const faces = await mm.detector.detect(image);
  const before = runtime.tf.memory().numTensors;
  for (const side of [96, 112]) {
    const [out] = await faceApiExpressions(runtime, image, faces, { side, quarters: true });
    assert.equal(out!.features.length, 256);
    assert.equal(out!.logits.length, 7);
    assert.equal(out!.quarters!.length, FACEAPI_QUARTERS);
    // 96 px gives 6x6 maps (quarters 3x3, disjoint): their mean is exactly the pooled mean.
    if (side === 96) {
      const mean = new Float32Array(256);
      for (let q = 0; q < 4; q++) for (let c = 0; c < 256; c++) mean[c]! += out!.quarters![q * 256 + c]! / 4;
      assert.ok(maxDiff(mean, out!.features) < 1e-4);
    }
  }
  assert.equal(runtime.tf.memory().numTensors, before, 'no tensor left behind');
  await assert.rejects(
    import('../src/expression/faceapi_net.js').then(({ runFaceApiNet, faceApiNetParams }) => runFaceApiNet(runtime, faceApiNetParams(runtime), [new Float32Array(10)], 96)),
    /Expected a 96x96 RGB crop \(27648 floats\), but got 10 floats at face 0/,
  );
});

// meme-mirror's own run of face-api's expression network (src/expression/faceapi_net.ts) against
// face-api's own code path, on real faces: the same features and logits at 112 px, the crop made on
// the bytes equal to tf.image.cropAndResize, other sides well-formed, the face-mesh crop, and the
// ONNX Runtime engine equal to the TensorFlow.js one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { MemeMirror } from '../src/index.js';
import type { DetectedFace } from '../src/index.js';
import { loadOnnxRuntime, nodeRuntime } from '../src/runtime/node_runtime.js';
import type { ModelRuntime } from '../src/runtime/runtime_types.js';
import { FACEAPI_BOX_CROP, faceCropBox, faceApiExpressions, loadFaceApiExpression } from '../src/expression/faceapi_features.js';
import {
  FACEAPI_FEATURES,
  cropAndResizeBox,
  cropFace,
  faceApiNetEngine,
  faceApiNetParams,
  runFaceApiNet,
  runFaceApiNetTf,
  runFaceApiOwn,
} from '../src/expression/faceapi_net.js';
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
  const theirs = await runFaceApiOwn(runtime, a.image, twice.map((f) => faceCropBox(f, FACEAPI_BOX_CROP)));
  for (let i = 0; i < 2; i++) {
    assert.ok(maxDiff(ours[i]!.features, theirs[i]!.features) < 1e-4);
    assert.ok(maxDiff(ours[i]!.logits, theirs[i]!.logits) < 1e-4);
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
    const ref = tf.tidy(() => tf.image.cropAndResize(tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32'), [cropAndResizeBox(image, box)], [0], [side, side]));
    const theirs = await ref.data();
    ref.dispose();
    // Both sample bilinearly; they differ only by float rounding (values are 0..255).
    assert.ok(maxDiff(ours, theirs) < 1e-2, `box ${box} at ${side} px differs by ${maxDiff(ours, theirs)}`);
  }
});

test('other sides: the right sizes, no tensor left behind, and a wrong crop size refused', { skip: !yale }, async () => {
  const { image } = await mm.decode(`${yale}/happy/subject03.happy.png`);
  const faces = await mm.detector.detect(image);
  const before = runtime.tf.memory().numTensors;
  const bySide = [];
  for (const side of [80, 88, 96, 112]) {
    const [out] = await faceApiExpressions(runtime, image, faces, { side, crop: { basis: 'mesh', scale: 1.1 } });
    assert.equal(out!.features.length, FACEAPI_FEATURES);
    assert.equal(out!.logits.length, 7);
    bySide.push(out!);
  }
  assert.equal(runtime.tf.memory().numTensors, before, 'no tensor left behind');
  // A happy face is happy at every side (face-api's class 1).
  for (const out of bySide) assert.equal(out.logits.indexOf(Math.max(...out.logits)), 1);
  await assert.rejects(runFaceApiNet(runtime, faceApiNetParams(runtime), [new Float32Array(10)], 96), /Expected a 96x96 RGB crop \(27648 floats\), but got 10 floats at face 0/);
});

test('the face-mesh crop keeps its scale when the face touches the border; the box crop does not', { skip: !yale }, async () => {
  const { image } = await mm.decode(`${yale}/happy/subject05.happy.png`);
  const [face] = await mm.detector.detect(image);
  // Cut the photo tightly around the face, as 48x48 sets and close-ups are: the detector box is then clipped.
  const [x, y, w, h] = face!.box;
  const cx = Math.round(x + w / 2);
  const cy = Math.round(y + h / 2);
  const half = Math.round(0.43 * Math.max(w, h)); // the whole face inside, its detector box clipped
  const tight = await mm.decode(
    await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } })
      .extract({ left: cx - half, top: cy - half, width: 2 * half, height: 2 * half })
      .png()
      .toBuffer(),
  );
  const [tightFace] = await mm.detector.detect(tight.image);
  assert.ok(tightFace, 'a face is found in the tight crop');
  const eyes = (f: DetectedFace): number => Math.hypot(f.landmarks[263]![0] - f.landmarks[33]![0], f.landmarks[263]![1] - f.landmarks[33]![1]);
  const ratio = (f: DetectedFace, crop: 'box' | 'mesh'): number => faceCropBox(f, { basis: crop, scale: 1 })[2] / eyes(f);
  // Crop side in eye distances: the mesh crop within 10% in both images, the box crop over 10% tighter when clipped.
  assert.ok(Math.abs(ratio(tightFace!, 'mesh') / ratio(face!, 'mesh') - 1) < 0.1, `mesh: ${ratio(face!, 'mesh').toFixed(2)} vs ${ratio(tightFace!, 'mesh').toFixed(2)}`);
  assert.ok(ratio(tightFace!, 'box') / ratio(face!, 'box') < 0.9, `box: ${ratio(face!, 'box').toFixed(2)} vs ${ratio(tightFace!, 'box').toFixed(2)}`);
});

test('in Node the network runs on ONNX Runtime, with the outputs of the TensorFlow.js engine at every side', { skip: !yale }, async () => {
  assert.equal(faceApiNetEngine(runtime), process.env['MEME_MIRROR_ONNX'] === '0' ? 'tfjs' : 'onnxruntime', runtime.onnxUnavailable);
  if (!runtime.onnx) return;
  const { image } = await mm.decode(`${yale}/surprised/subject07.surprised.png`);
  const faces = await mm.detector.detect(image);
  const params = faceApiNetParams(runtime);
  // 88 px makes an odd map (11 px) on the way down: TensorFlow's 'same' padding puts the odd pixel after.
  for (const side of [112, 96, 88, 75]) {
    const crops = [1.2, 0.9].map((scale) => cropFace(image, faceCropBox(faces[0]!, { basis: 'mesh', scale }), side));
    const onnx = await runFaceApiNet(runtime, params, crops, side);
    const tf = await runFaceApiNetTf(runtime, params, crops, side);
    for (let i = 0; i < crops.length; i++) {
      assert.ok(maxDiff(onnx[i]!.features, tf[i]!.features) < 1e-4, `${side} px face ${i}: features differ by ${maxDiff(onnx[i]!.features, tf[i]!.features)}`);
      assert.ok(maxDiff(onnx[i]!.logits, tf[i]!.logits) < 1e-4, `${side} px face ${i}: logits differ by ${maxDiff(onnx[i]!.logits, tf[i]!.logits)}`);
    }
    assert.ok(maxDiff(onnx[0]!.features, onnx[1]!.features) > 1e-2, 'the two crops are different inputs');
  }
});

test('MEME_MIRROR_ONNX=0 keeps ONNX Runtime out and says why; otherwise onnxruntime-node loads', () => {
  assert.deepEqual(loadOnnxRuntime({ MEME_MIRROR_ONNX: '0' }), { onnxUnavailable: 'turned off by MEME_MIRROR_ONNX=0' });
  const loaded = loadOnnxRuntime({});
  assert.ok('onnx' in loaded, 'onnxUnavailable' in loaded ? loaded.onnxUnavailable : '');
  assert.equal(typeof loaded.onnx.InferenceSession.create, 'function');
});

test('MEME_MIRROR_ONNX_THREADS sets the sessions\' threads (default 2 at most); a bad value is refused with what was given', () => {
  const threads = (env: NodeJS.ProcessEnv): number | undefined => {
    const loaded = loadOnnxRuntime(env);
    return 'onnxThreads' in loaded ? loaded.onnxThreads : undefined;
  };
  assert.equal(threads({ MEME_MIRROR_ONNX_THREADS: '1' }), 1);
  assert.equal(threads({ MEME_MIRROR_ONNX_THREADS: '3' }), 3);
  const byDefault = threads({});
  assert.ok(byDefault === 1 || byDefault === 2, `default ${byDefault}`);
  for (const bad of ['0', 'two', '1.5', '-2']) {
    assert.throws(() => loadOnnxRuntime({ MEME_MIRROR_ONNX_THREADS: bad }), new RegExp(`Expected MEME_MIRROR_ONNX_THREADS to be a whole number from 1 to 64, but got '${bad}'`));
  }
});

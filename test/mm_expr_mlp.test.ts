// The committed mm-expr-mlp weights reproduce, through the real pipeline, the figures the training
// run measured on people it never saw (CI does not retrain). Also: sizes, a unit-length head output
// and a bounded eye coordinate, no tensor leak. Its speed is measured by `npm run bench`, not here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemeMirror } from '../src/index.js';
import { nodeRuntime } from '../src/runtime/node_runtime.js';
import { readFaceSetFolder } from '../src/eval/face_set.js';
import { evaluateFaceSet } from '../src/eval/evaluate.js';
import { MmExprMlp, decodeMmExprWeights } from '../src/expression/mm_expr_mlp.js';
import { mmExprDims } from '../src/expression/mm_expr_embedding.js';
import { MM_EXPR_MLP_WEIGHTS } from '../src/expression/weights/mm_expr_mlp_weights.js';
import { dataPath } from './helpers/data.js';

/**
 * How far a re-measured figure may be from the one the training run wrote. Both come from the same
 * code on the same images; what differs is float rounding between the cached teacher outputs and a
 * fresh run (and the WASM build), which moves a few faces across a tie at most.
 */
const TOLERANCE = 0.01;

let mm: MemeMirror;
before(async () => {
  mm = await MemeMirror.create({ model: 'mm-expr-mlp' });
});
after(() => mm?.close());

test('the committed weights decode to the sizes they declare', () => {
  const params = decodeMmExprWeights(MM_EXPR_MLP_WEIGHTS);
  assert.equal(mm.model.id, MmExprMlp.ID);
  assert.equal(mm.model.dims, mmExprDims(params));
  assert.ok(mm.model.dims >= 16 && mm.model.dims <= 64, `16 to 64 floats, got ${mm.model.dims}`);
});

test('every face gets the model size: a unit-length head output, then the eye coordinate within its weight; no tensor is left behind', async () => {
  const yale = dataPath('expressions/yale');
  if (!yale) return;
  const { image } = await mm.decode(`${yale}/happy/subject01.happy.png`);
  const faces = await mm.detector.detect(image);
  const runtime = await nodeRuntime();
  await mm.model.embed(image, faces);
  const before = runtime.tf.memory().numTensors;
  const [embedding] = await mm.model.embed(image, faces);
  assert.equal(runtime.tf.memory().numTensors, before);
  assert.equal(embedding!.length, mm.model.dims);
  const { eye } = MM_EXPR_MLP_WEIGHTS;
  assert.ok(eye.weight > 0, 'the committed model has an eye coordinate');
  assert.ok(Math.abs(Math.hypot(...embedding!.subarray(0, -1)) - 1) < 1e-5);
  // A smiling face narrows its eyes: below the training faces' mean opening, inside the weight.
  const last = embedding![embedding!.length - 1]!;
  assert.ok(last < 0 && last > -eye.weight, `eye coordinate ${last}, weight ${eye.weight}`);
});

for (const expected of MM_EXPR_MLP_WEIGHTS.testSamples) {
  const folder = dataPath(`expressions/${expected.set}`);
  test(`${expected.set}: held-out figures as trained (±${TOLERANCE})`, { skip: !folder }, async () => {
    const set = await readFaceSetFolder(folder!);
    const result = await evaluateFaceSet(mm, [{ name: 'mm-expr-mlp', model: mm.model }], set, {
      heldOut: true,
      ...(expected.limit !== null ? { limit: expected.limit } : {}),
    });
    const m = result.models[0]!;
    const got = {
      images: result.evaluated,
      triplet: m.triplet.accuracy,
      hardTriplet: m.hardTriplet.accuracy,
      precisionAt3: m.precision.precision,
      leakage: m.leakage.leakage,
      leakageOtherLabel: m.leakage.otherLabel,
    };
    console.log(`${expected.set}: ${JSON.stringify(got)}`);
    assert.equal(got.images, expected.images);
    for (const key of ['triplet', 'hardTriplet', 'precisionAt3', 'leakage', 'leakageOtherLabel'] as const) {
      const want = expected[key];
      if (want === null) assert.ok(Number.isNaN(got[key]), `${key}: expected none (no identities), got ${got[key]}`);
      else assert.ok(Math.abs(got[key] - want) <= TOLERANCE, `${key}: expected ${want} ±${TOLERANCE}, got ${got[key].toFixed(4)}`);
    }
  });
}

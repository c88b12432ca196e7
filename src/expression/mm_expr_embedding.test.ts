import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point3 } from '../face/face_types.js';
import { gaussian, seededRandom } from '../util/random.js';
import { headInput } from './head_inputs.js';
import type { TeacherOutputs } from './head_inputs.js';
import { eyeOpening, meshFeatures } from './mesh_features.js';
import { mlpForward } from './mlp_head.js';
import type { MlpWeights } from './mlp_head.js';
import { mmExprDims, mmExprEmbedding } from './mm_expr_embedding.js';
import type { MmExprParams } from './mm_expr_embedding.js';

const EPS = 1e-6;
const random = seededRandom(7);
const head: MlpWeights = {
  inputMean: new Float32Array(7),
  inputScale: new Float32Array(7).fill(1),
  layers: [{ inputs: 7, outputs: 3, activation: 'linear', weights: Float32Array.from({ length: 21 }, () => gaussian(random)), bias: new Float32Array(3) }],
};
const mesh: Point3[] = Array.from({ length: 468 }, (): Point3 => [gaussian(random) * 50 + 200, gaussian(random) * 60 + 200, gaussian(random) * 20]);
const teachers: TeacherOutputs = {
  faceapi: { features: new Float32Array(256), logits: Float32Array.from({ length: 7 }, () => gaussian(random)) },
  mesh: meshFeatures(mesh),
};

test('without an eye coordinate the embedding is the head output at unit length', () => {
  const params: MmExprParams = { inputs: 'logits', hellingerWeight: 0, heads: [head] };
  const got = mmExprEmbedding(params, teachers);
  assert.equal(got.length, mmExprDims(params));
  assert.deepEqual(got, mlpForward(head, headInput('logits', teachers)));
});

test('the eye coordinate follows the unit-length head output: weight * tanh((opening - mean) / scale)', () => {
  const opening = eyeOpening(teachers.mesh!)!;
  const params: MmExprParams = { inputs: 'logits', hellingerWeight: 0, heads: [head], eye: { weight: 0.4, mean: opening - 0.01, scale: 0.02 } };
  const got = mmExprEmbedding(params, teachers);
  assert.equal(got.length, 4);
  assert.equal(mmExprDims(params), 4);
  const unit = mlpForward(head, headInput('logits', teachers));
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(got[k]! - unit[k]!) < EPS);
  assert.ok(Math.abs(got[3]! - 0.4 * Math.tanh(0.5)) < EPS, `got ${got[3]}`);
  // Never further than the weight from the centre, however wide open the eyes read.
  const wide = mmExprEmbedding({ ...params, eye: { weight: 0.4, mean: opening - 1, scale: 0.02 } }, teachers);
  assert.ok(Math.abs(wide[3]! - 0.4) < EPS);
});

test('a face without a mesh sits at the eye coordinate centre; a model that needs the mesh says so', () => {
  const params: MmExprParams = { inputs: 'logits', hellingerWeight: 0, heads: [head], eye: { weight: 0.4, mean: 0.1, scale: 0.02 } };
  assert.equal(mmExprEmbedding(params, { ...teachers, mesh: meshFeatures([]) })[3], 0);
  const { mesh: _, ...withoutMesh } = teachers;
  assert.throws(() => mmExprEmbedding(params, withoutMesh), /needs the face-mesh features/);
});

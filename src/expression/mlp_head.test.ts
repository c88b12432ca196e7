import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFloat32Base64, encodeFloat32Base64, l2Normalise, mlpForward } from './mlp_head.js';
import type { MlpWeights } from './mlp_head.js';

const EPS = 1e-6;

test('Float32 arrays survive base64 exactly', () => {
  const values = Float32Array.from([0, -1.5, 3.25e-8, 1e30, Number.MIN_VALUE, -0]);
  assert.deepEqual(decodeFloat32Base64(encodeFloat32Base64(values)), values);
  const long = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
  assert.deepEqual(decodeFloat32Base64(encodeFloat32Base64(long)), long);
});

test('a two-layer MLP computes standardise -> relu(xW1 + b1) -> W2 + b2 -> unit length', () => {
  const model: MlpWeights = {
    inputMean: Float32Array.from([1, 2]),
    inputScale: Float32Array.from([2, 4]),
    layers: [
      { inputs: 2, outputs: 2, weights: Float32Array.from([1, -1, 2, 1]), bias: Float32Array.from([0, 0.5]), activation: 'relu' },
      { inputs: 2, outputs: 2, weights: Float32Array.from([1, 0, 1, 3]), bias: Float32Array.from([0, 1]), activation: 'linear' },
    ],
  };
  // x = [(3-1)/2, (6-2)/4] = [1, 1]; h = relu([1*1 + 1*2, 1*-1 + 1*1 + 0.5]) = [3, 0.5]; y = [3 + 0.5, 0.5*3 + 1] = [3.5, 2.5]
  const raw = mlpForward(model, Float32Array.from([3, 6]), false);
  assert.ok(Math.abs(raw[0]! - 3.5) < EPS && Math.abs(raw[1]! - 2.5) < EPS, `got ${Array.from(raw)}`);
  const unit = mlpForward(model, Float32Array.from([3, 6]));
  const norm = Math.hypot(3.5, 2.5);
  assert.ok(Math.abs(unit[0]! - 3.5 / norm) < EPS && Math.abs(unit[1]! - 2.5 / norm) < EPS);
});

test('an input of the wrong size is refused with both sizes', () => {
  const model: MlpWeights = { inputMean: new Float32Array(3), inputScale: new Float32Array(3).fill(1), layers: [] };
  assert.throws(() => mlpForward(model, new Float32Array(2)), /input of 3 floats .* but got 2/);
});

test('l2Normalise leaves a zero vector at zero', () => {
  assert.deepEqual(l2Normalise(new Float32Array(3)), new Float32Array(3));
});

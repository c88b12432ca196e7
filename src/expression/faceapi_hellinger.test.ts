import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hellingerEmbedding } from './faceapi_hellinger.js';

const EPS = 1e-6;
const norm = (v: Float32Array): number => Math.sqrt(v.reduce((a, b) => a + b * b, 0));

test('the embedding is a unit vector (square roots of a distribution)', () => {
  const e = hellingerEmbedding(Float32Array.from([3, -1, 0.5, 2, -4, 0, 1]));
  assert.ok(Math.abs(norm(e) - 1) < EPS);
  assert.ok(e.every((v) => v >= 0));
});

test('equal logits give the uniform distribution', () => {
  const e = hellingerEmbedding(new Float32Array(7).fill(5));
  for (const v of e) assert.ok(Math.abs(v - Math.sqrt(1 / 7)) < EPS);
});

test('temperature 1 is the plain softmax; 2 softens it', () => {
  const logits = Float32Array.from([4, 0, 0, 0, 0, 0, 0]);
  const plain = Math.exp(4) / (Math.exp(4) + 6);
  assert.ok(Math.abs(hellingerEmbedding(logits, 1)[0]! - Math.sqrt(plain)) < EPS);
  const soft = Math.exp(2) / (Math.exp(2) + 6);
  assert.ok(Math.abs(hellingerEmbedding(logits, 2)[0]! - Math.sqrt(soft)) < EPS);
});

test('huge logits do not overflow', () => {
  const e = hellingerEmbedding(Float32Array.from([1000, 999, 0, 0, 0, 0, 0]));
  assert.ok(e.every(Number.isFinite));
  assert.ok(Math.abs(norm(e) - 1) < EPS);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMemeMirrorError } from '../errors.js';
import { euclidean, squaredEuclidean, squaredEuclideanAt } from './distance.js';

/** Float32 inputs round to about 1e-7 relative; the sums below are of order 1. */
const EPS = 1e-6;

test('euclidean: 3-4-5 triangle is exact', () => {
  assert.equal(euclidean([0, 0], [3, 4]), 5);
  assert.equal(squaredEuclidean([0, 0], [3, 4]), 25);
});

test('euclidean: golden value on float32 embeddings', () => {
  const a = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const b = new Float32Array([0.4, 0.3, 0.2, 0.1]);
  // 0.3^2 + 0.1^2 + 0.1^2 + 0.3^2 = 0.2
  assert.ok(Math.abs(squaredEuclidean(a, b) - 0.2) < EPS);
  assert.ok(Math.abs(euclidean(a, b) - Math.sqrt(0.2)) < EPS);
  assert.equal(euclidean(a, a), 0);
});

test('squaredEuclideanAt: compares rows of flat matrices at offsets', () => {
  const matrix = new Float32Array([9, 9, 1, 2, 3, 9]);
  const query = new Float32Array([7, 1, 2, 5]);
  // row [1, 2, 3] of matrix (offset 2) vs [1, 2, 5] of query (offset 1): 0 + 0 + 4
  assert.equal(squaredEuclideanAt(matrix, 2, query, 1, 3), 4);
  assert.equal(squaredEuclideanAt(matrix, 0, query, 0, 0), 0);
});

test('euclidean: different sizes throw DIMENSION_MISMATCH naming both', () => {
  assert.throws(
    () => euclidean(new Float32Array(64), new Float32Array(7)),
    (e) =>
      isMemeMirrorError(e, 'DIMENSION_MISMATCH') &&
      e.message === 'Cannot compare embeddings of different sizes (64 vs. 7)',
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMemeMirrorError } from '../errors.js';
import { TopK, topK } from './top_k.js';
import { seededRandom } from './testing.js';

/** The reference: sort everything by value, then index. */
function bruteForce(values: ArrayLike<number>, k: number) {
  return Array.from(values, (value, index) => ({ index, value }))
    .sort((a, b) => a.value - b.value || a.index - b.index)
    .slice(0, k);
}

test('topK equals a full sort on random data, for several k', () => {
  const random = seededRandom(7);
  const values = Float64Array.from({ length: 1000 }, () => random());
  for (const k of [0, 1, 2, 7, 100, 999, 1000, 1500]) {
    assert.deepEqual(topK(values, k), bruteForce(values, k), `k = ${k}`);
  }
});

test('topK breaks ties by the lower index', () => {
  const random = seededRandom(8);
  // Only 20 distinct values among 500: many ties.
  const values = Array.from({ length: 500 }, () => Math.floor(random() * 20));
  for (const k of [1, 5, 30, 250, 500]) {
    assert.deepEqual(topK(values, k), bruteForce(values, k), `k = ${k}`);
  }
  assert.deepEqual(topK([3, 1, 1, 3, 1], 4), [
    { index: 1, value: 1 },
    { index: 2, value: 1 },
    { index: 4, value: 1 },
    { index: 0, value: 3 },
  ]);
});

test('TopK: streaming, fewer pushes than k', () => {
  const top = new TopK(5);
  top.push(10, 2.5);
  top.push(11, -1);
  assert.equal(top.size, 2);
  assert.deepEqual(top.sorted(), [
    { index: 11, value: -1 },
    { index: 10, value: 2.5 },
  ]);
});

test('TopK: k must be an integer >= 0', () => {
  for (const k of [-1, 1.5, Number.NaN]) {
    assert.throws(
      () => new TopK(k),
      (e) => isMemeMirrorError(e, 'INVALID_OPTION') && e.message === `Expected k to be an integer >= 0, but got ${k}`,
    );
  }
});

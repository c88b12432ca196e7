import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxArea, clipBox, iou, landmarkBounds, mirrorBox, normaliseBox, squareCrop, unpadBox } from './geometry.js';
import type { Box } from './face_types.js';

const EPS = 1e-9;

test('boxArea is width times height and never negative', () => {
  assert.equal(boxArea([0, 0, 10, 20]), 200);
  assert.equal(boxArea([0, 0, -5, 20]), 0);
});

test('clipBox keeps a box inside the image', () => {
  assert.deepEqual(clipBox([-10, -5, 30, 30], 100, 100), [0, 0, 20, 25]);
  assert.deepEqual(clipBox([90, 90, 30, 30], 100, 100), [90, 90, 10, 10]);
  assert.deepEqual(clipBox([10, 10, 5, 5], 100, 100), [10, 10, 5, 5]);
  assert.deepEqual(clipBox([200, 200, 5, 5], 100, 100), [100, 100, 0, 0]);
});

test('unpadBox moves a box back by the padding', () => {
  assert.deepEqual(unpadBox([50, 40, 10, 10], 20, 30), [30, 10, 10, 10]);
});

test('normaliseBox divides by the image size', () => {
  assert.deepEqual(normaliseBox([50, 25, 100, 50], 200, 100), [0.25, 0.25, 0.5, 0.5]);
});

test('iou: identical 1, disjoint 0, half overlap 1/3', () => {
  const a: Box = [0, 0, 10, 10];
  assert.equal(iou(a, a), 1);
  assert.equal(iou(a, [20, 20, 10, 10]), 0);
  assert.ok(Math.abs(iou(a, [5, 0, 10, 10]) - 50 / 150) < EPS);
  assert.equal(iou([0, 0, 0, 0], [0, 0, 0, 0]), 0);
});

test('squareCrop centres a square of scale times the longer side', () => {
  const [x, y, w, h] = squareCrop([10, 20, 40, 80], 0.5);
  assert.equal(w, 40);
  assert.equal(h, 40);
  assert.equal(x + w / 2, 30);
  assert.equal(y + h / 2, 60);
});

test('landmarkBounds: the bounds of the points, unclipped (points may lie outside the image); none without points', () => {
  assert.deepEqual(landmarkBounds([[5, 7, 0], [-3, 20, 1], [12, 2, -1]]), [-3, 2, 15, 18]);
  assert.equal(landmarkBounds([]), undefined);
});

test('mirrorBox flips a box left to right, and twice is the identity', () => {
  assert.deepEqual(mirrorBox([10, 5, 30, 20], 100), [60, 5, 30, 20]);
  assert.deepEqual(mirrorBox(mirrorBox([-4, 5, 30, 20], 64), 64), [-4, 5, 30, 20]);
});

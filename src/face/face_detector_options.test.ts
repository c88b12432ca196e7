import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FACE_DETECTOR_DEFAULTS, resolveFaceDetectorOptions } from './face_detector_options.js';
import type { FaceDetectorOptions } from './face_detector_options.js';
import { isMemeMirrorError } from '../errors.js';

test('uses the defaults when nothing is given', () => {
  assert.deepEqual(resolveFaceDetectorOptions(), FACE_DETECTOR_DEFAULTS);
  assert.deepEqual(resolveFaceDetectorOptions({}), FACE_DETECTOR_DEFAULTS);
});

const CAN_SET: [keyof FaceDetectorOptions, number][] = [
  ['maxFaces', 3],
  ['minScore', 0.8],
  ['minFaceSize', 0],
  ['padRetry', 0],
];
for (const [key, value] of CAN_SET) {
  test(`can set ${key}; the rest keep their defaults`, () => {
    const resolved = resolveFaceDetectorOptions({ [key]: value });
    assert.deepEqual(resolved, { ...FACE_DETECTOR_DEFAULTS, [key]: value });
  });
}

test('undefined clears an option back to its default', () => {
  assert.equal(resolveFaceDetectorOptions({ maxFaces: undefined }).maxFaces, FACE_DETECTOR_DEFAULTS.maxFaces);
});

const BAD: [keyof FaceDetectorOptions, number, RegExp][] = [
  ['maxFaces', 0, /Expected maxFaces to be an integer from 1 to 100, but got 0/],
  ['maxFaces', 2.5, /but got 2.5/],
  ['minScore', 1.5, /Expected minScore to be a number from 0 to 1, but got 1.5/],
  ['minFaceSize', -1, /Expected minFaceSize/],
  ['padRetry', Number.NaN, /Expected padRetry/],
];
for (const [key, value, message] of BAD) {
  test(`rejects ${key} = ${value} with a message saying what was expected`, () => {
    assert.throws(
      () => resolveFaceDetectorOptions({ [key]: value }),
      (error: unknown) => isMemeMirrorError(error, 'INVALID_OPTION') && message.test(error.message),
    );
  });
}

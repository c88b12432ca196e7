import { MemeMirrorError } from '../errors.js';
import { withDefaults } from '../util/options.js';

export interface FaceDetectorOptions {
  /** Most faces returned per image, largest first. Defaults to 10. */
  maxFaces?: number;
  /** Lowest detector confidence kept, 0..1. Defaults to 0.5. */
  minScore?: number;
  /** Smallest face kept: the shorter side of its box, in pixels. Defaults to 24. */
  minFaceSize?: number;
  /**
   * When nothing is found, pad the image on every side by this fraction of its size and look again:
   * the detector misses faces that fill the whole frame (tight crops). 0 turns the retry off.
   * Defaults to 0.4.
   */
  padRetry?: number;
}

export type ResolvedFaceDetectorOptions = Required<FaceDetectorOptions>;

export const FACE_DETECTOR_DEFAULTS: ResolvedFaceDetectorOptions = Object.freeze({
  maxFaces: 10,
  minScore: 0.5,
  minFaceSize: 24,
  padRetry: 0.4,
});

function check(name: string, value: number, ok: boolean, expected: string): void {
  if (!ok) throw new MemeMirrorError('INVALID_OPTION', `Expected ${name} to be ${expected}, but got ${value}`);
}

/** Fills every option, validating each; nothing below this sees `undefined`. */
export function resolveFaceDetectorOptions(options: FaceDetectorOptions = {}): ResolvedFaceDetectorOptions {
  const o = withDefaults(FACE_DETECTOR_DEFAULTS, options);
  check('maxFaces', o.maxFaces, Number.isInteger(o.maxFaces) && o.maxFaces >= 1 && o.maxFaces <= 100, 'an integer from 1 to 100');
  check('minScore', o.minScore, o.minScore >= 0 && o.minScore <= 1, 'a number from 0 to 1');
  check('minFaceSize', o.minFaceSize, Number.isFinite(o.minFaceSize) && o.minFaceSize >= 0, 'a number of pixels >= 0');
  check('padRetry', o.padRetry, o.padRetry >= 0 && o.padRetry <= 2, 'a fraction from 0 to 2');
  return o;
}

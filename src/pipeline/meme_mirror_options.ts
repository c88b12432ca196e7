import { MemeMirrorError } from '../errors.js';
import { DEFAULT_EXPRESSION_MODEL } from '../expression/models.js';
import type { ExpressionModelName } from '../expression/models.js';
import type { FaceDetectorOptions } from '../face/face_detector_options.js';
import type { DecodeOptions } from '../image/decode_options.js';
import type { BackendName } from '../runtime/runtime_types.js';

/** Creation-time settings of a MemeMirror. Every field is optional. */
export interface MemeMirrorOptions {
  /** Expression model by name (see EXPRESSION_MODELS). Defaults to DEFAULT_EXPRESSION_MODEL. */
  model?: ExpressionModelName;
  /** Compute backend. Defaults to 'wasm'. */
  backend?: BackendName;
  /** Face detection settings. Defaults to FACE_DETECTOR_DEFAULTS. */
  detector?: FaceDetectorOptions;
  /** Image decoding settings (pixel limit). Defaults to the decoder's defaults. */
  decode?: DecodeOptions;
  /** Path of an index file to load for `match`. Defaults to none (call `loadIndex` or pass one per call). */
  index?: string;
}

export interface ResolvedMemeMirrorOptions {
  model: ExpressionModelName;
  backend: BackendName;
  detector: FaceDetectorOptions;
  decode: DecodeOptions;
  index: string | undefined;
}

export function resolveMemeMirrorOptions(options: MemeMirrorOptions = {}): ResolvedMemeMirrorOptions {
  if (options.index !== undefined && typeof options.index !== 'string') {
    throw new MemeMirrorError('INVALID_OPTION', `Expected index to be a file path, but got ${typeof options.index}`);
  }
  return {
    model: options.model ?? DEFAULT_EXPRESSION_MODEL,
    backend: options.backend ?? 'wasm',
    detector: { ...options.detector },
    decode: { ...options.decode },
    index: options.index,
  };
}

/** Per-call settings of `match`. */
export interface MatchOptions {
  /** How many memes per face, nearest first. Defaults to 3. */
  top?: number;
}

export const DEFAULT_TOP = 3;

export function resolveTop(top: number | undefined): number {
  const k = top ?? DEFAULT_TOP;
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    throw new MemeMirrorError('INVALID_OPTION', `Expected top to be an integer from 1 to 1000, but got ${k}`);
  }
  return k;
}

import { MemeMirrorError } from '../errors.js';

/** Options for decoding one image. Every field is optional; see `resolveDecodeOptions()`. */
export interface DecodeOptions {
  /**
   * Largest `width * height` to decode. Larger images are refused from their header alone, before any
   * pixel data is decompressed (decompression-bomb guard). Defaults to 40_000_000 (e.g. 8000x5000).
   */
  maxPixels?: number;
}

/** `DecodeOptions` with every field filled in. */
export type ResolvedDecodeOptions = Readonly<Required<DecodeOptions>>;

export const DEFAULT_DECODE_OPTIONS: ResolvedDecodeOptions = Object.freeze({ maxPixels: 40_000_000 });

/** Fills in the defaults and checks every value; throws MemeMirrorError('INVALID_OPTION') for a bad one. */
export function resolveDecodeOptions(options: DecodeOptions = {}): ResolvedDecodeOptions {
  const maxPixels = options.maxPixels ?? DEFAULT_DECODE_OPTIONS.maxPixels;
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    throw new MemeMirrorError(
      'INVALID_OPTION',
      `Expected maxPixels to be a positive integer, but got ${describeValue(maxPixels)}`,
    );
  }
  return Object.freeze({ maxPixels });
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

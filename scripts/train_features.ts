/**
 * Teacher features for training the expression head, extracted once per image and cached outside
 * the repository (~/.cache/meme-mirror/train-features, or $MEME_MIRROR_CACHE/train-features).
 *
 * One record of Float32 per image, in the order of the set's files.json; written in chunks of
 * CHUNK_SIZE images (chunk-<n>.f32, renamed into place when complete) so that a killed run resumes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Bump when what is extracted changes: old caches are then ignored. */
export const FEATURES_VERSION = 1;
export const CHUNK_SIZE = 400;

/** Record layout: [name, length] in order. */
export const LAYOUT = [
  ['detected', 1], // 1 found by the detector, 2 found after padding, 0 whole image used as the face
  ['box', 4], // face box in px [x, y, w, h]
  ['size', 2], // image width, height
  ['faLogits', 7], // face-api expression logits (neutral happy sad angry fearful disgusted surprised)
  ['faFeatures', 256], // face-api pooled features the classifier reads
  ['emotion', 7], // human emotion probabilities (angry disgust fear happy sad surprise neutral)
  ['faLogitsFlip', 7], // the same three on the mirrored image
  ['faFeaturesFlip', 256],
  ['emotionFlip', 7],
  ['landmarks', 468 * 3], // face-mesh points in px, zeros when none
] as const;

export type FieldName = (typeof LAYOUT)[number][0];

export const FIELD_OFFSET = {} as Record<FieldName, number>;
export const FIELD_LENGTH = {} as Record<FieldName, number>;
let offset = 0;
for (const [name, length] of LAYOUT) {
  FIELD_OFFSET[name] = offset;
  FIELD_LENGTH[name] = length;
  offset += length;
}
/** Floats per record. */
export const RECORD_SIZE = offset;

export function field(records: Float32Array, index: number, name: FieldName): Float32Array {
  const start = index * RECORD_SIZE + FIELD_OFFSET[name];
  return records.subarray(start, start + FIELD_LENGTH[name]);
}

/** Root of the shared data: $MEME_MIRROR_DATA, else ../shared/data beside the project (as test/helpers/data.ts). */
export const DATA_DIR = resolve(process.env['MEME_MIRROR_DATA'] ?? new URL('../../shared/data', import.meta.url).pathname);

export const CACHE_DIR = resolve(
  process.env['MEME_MIRROR_CACHE'] ?? join(homedir(), '.cache', 'meme-mirror'),
  `train-features-v${FEATURES_VERSION}`,
);

/** One image of a cached set, as listed in files.json. */
export interface CachedFile {
  file: string;
  label: string;
  identity: string;
}

export function setDir(set: string): string {
  return join(CACHE_DIR, set.replace(/[\\/]/g, '_'));
}

export function chunkPath(set: string, chunk: number): string {
  return join(setDir(set), `chunk-${String(chunk).padStart(4, '0')}.f32`);
}

export function chunkCount(files: number): number {
  return Math.ceil(files / CHUNK_SIZE);
}

/** A set's cached features: its files and one record per file. */
export interface CachedSet {
  set: string;
  files: CachedFile[];
  records: Float32Array;
}

/** Reads a fully extracted set from the cache. */
export function loadCachedSet(set: string): CachedSet {
  const files = JSON.parse(readFileSync(join(setDir(set), 'files.json'), 'utf8')) as CachedFile[];
  const records = new Float32Array(files.length * RECORD_SIZE);
  for (let c = 0; c < chunkCount(files.length); c++) {
    const path = chunkPath(set, c);
    if (!existsSync(path)) throw new Error(`Expected cached features ${path}; run the extraction first`);
    const buf = readFileSync(path);
    const chunk = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    records.set(chunk, c * CHUNK_SIZE * RECORD_SIZE);
  }
  return { set, files, records };
}

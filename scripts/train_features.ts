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
export const FEATURES_VERSION = 3;
export const CHUNK_SIZE = 400;

/** Record layout: [name, length] in order. */
export const LAYOUT = [
  ['detected', 1], // 1 found by the detector, 2 found after padding, 0 whole image used as the face
  ['box', 4], // face box in px [x, y, w, h]
  ['size', 2], // image width, height
  // face-api's expression network at its own 112 px: logits (neutral happy sad angry fearful
  // disgusted surprised), the 256 pooled features, the means of the 4 quarters of the last maps.
  ['faLogits', 7],
  ['faFeatures', 256],
  ['faQuarters', 1024],
  ['faLogitsFlip', 7], // the same on the mirrored image
  ['faFeaturesFlip', 256],
  ['faQuartersFlip', 1024],
  // The same network on smaller crops (faceapi_net.ts): what a head within 5 ms a face can read.
  ['fa96Logits', 7],
  ['fa96Features', 256],
  ['fa96Quarters', 1024],
  ['fa96LogitsFlip', 7],
  ['fa96FeaturesFlip', 256],
  ['fa96QuartersFlip', 1024],
  ['fa80Logits', 7],
  ['fa80Features', 256],
  ['fa80Quarters', 1024],
  ['fa80LogitsFlip', 7],
  ['fa80FeaturesFlip', 256],
  ['fa80QuartersFlip', 1024],
  ['emotion', 7], // human emotion probabilities (angry disgust fear happy sad surprise neutral), a baseline
  ['landmarks', 468 * 3], // face-mesh points in px, zeros when none
] as const;

export type FieldName = (typeof LAYOUT)[number][0];

/** The crop sides face-api's network is cached at, with the prefix of their fields. */
export const CACHED_SIDES = [
  [112, 'fa'],
  [96, 'fa96'],
  [80, 'fa80'],
] as const;
export type CachedSide = (typeof CACHED_SIDES)[number][0];

/** The field prefix of a cached side; an error that lists the cached sides for any other. */
export function sidePrefix(side: number): (typeof CACHED_SIDES)[number][1] {
  const found = CACHED_SIDES.find(([s]) => s === side);
  if (!found) throw new Error(`Expected a head input on a crop of ${CACHED_SIDES.map(([s]) => s).join(', ')} px (the cached sides), but got ${side}`);
  return found[1];
}

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

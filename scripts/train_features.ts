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
import type { FaceCrop } from '../src/expression/faceapi_features.js';

/** Bump when what is extracted changes: old caches are then ignored. */
export const FEATURES_VERSION = 5;
export const CHUNK_SIZE = 400;

/**
 * The crops face-api's network is cached on (faceapi_features.ts), with the prefix of their fields:
 * 'fa' is face-api's own 112 px on 0.9x the detector box (v1 and the baselines); the others are
 * face-mesh crops: 'm112' the distilled teacher, the rest what a head within 5 ms a face can read.
 */
export const CACHED_CROPS = [
  { prefix: 'fa', side: 112, crop: { basis: 'box', scale: 0.9 } },
  { prefix: 'm112', side: 112, crop: { basis: 'mesh', scale: 1.2 } },
  { prefix: 'm96', side: 96, crop: { basis: 'mesh', scale: 1.2 } },
  { prefix: 'm88a', side: 88, crop: { basis: 'mesh', scale: 1.1 } },
  { prefix: 'm88b', side: 88, crop: { basis: 'mesh', scale: 1.25 } },
  { prefix: 'm80a', side: 80, crop: { basis: 'mesh', scale: 1.1 } },
  { prefix: 'm80b', side: 80, crop: { basis: 'mesh', scale: 1.25 } },
] as const satisfies readonly { prefix: string; side: number; crop: FaceCrop }[];
export type CropPrefix = (typeof CACHED_CROPS)[number]['prefix'];

/** Per cached crop: face-api's logits (neutral happy sad angry fearful disgusted surprised), its 256 pooled features, the same on the mirror image. */
const cropFields = <P extends CropPrefix>(p: P) =>
  [
    [`${p}Logits`, 7],
    [`${p}Features`, 256],
    [`${p}LogitsFlip`, 7],
    [`${p}FeaturesFlip`, 256],
  ] as const;

/** Record layout: [name, length] in order. */
export const LAYOUT = [
  ['detected', 1], // 1 found by the detector, 2 found after padding, 0 whole image used as the face
  ['box', 4], // face box in px [x, y, w, h]
  ['size', 2], // image width, height
  ...CACHED_CROPS.flatMap(({ prefix }) => cropFields(prefix)),
  ['emotion', 7], // human emotion probabilities (angry disgust fear happy sad surprise neutral), a baseline
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

/** The cached crop a head input reads (same side and crop), or an error that lists the cached ones. */
export function cachedCropOf(side: number, crop: FaceCrop): CropPrefix {
  const found = CACHED_CROPS.find((c) => c.side === side && c.crop.basis === crop.basis && c.crop.scale === crop.scale);
  if (!found) {
    const list = CACHED_CROPS.map((c) => `${c.side} px on ${c.crop.scale}x ${c.crop.basis}`).join(', ');
    throw new Error(`Expected a head input on one of the cached crops (${list}), but got ${side} px on ${crop.scale}x ${crop.basis}`);
  }
  return found.prefix;
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

import { createHash } from 'node:crypto';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { MemeMirrorError, describeError, isMemeMirrorError } from '../errors.js';
import { decodeImageBuffer } from '../image/decode_node.js';
import type { RgbImage } from '../image/image_types.js';
import { MemeIndex } from '../index/memory_index.js';
import type { FaceInput, FileInput } from '../index/index_types.js';
import { readIndexFile, writeIndexFile } from '../index/store_node.js';
import { listImages } from './image_files.js';
import type { MemeMirror } from './meme_mirror.js';

/** What happened to one image during indexing. */
export type IndexFileStatus = 'embedded' | 'reused' | 'error';

export interface IndexProgress {
  /** Images handled so far, including this one. */
  done: number;
  total: number;
  /** The image's path as stored in the index. */
  file: string;
  status: IndexFileStatus;
  faces: number;
  error?: string;
}

export interface BuildIndexOptions {
  /** Images and folders to index (folders recursively). */
  inputs: readonly string[];
  /** The index file to create or update. */
  out: string;
  /** Ignore an existing index file and start afresh. Defaults to false. */
  rebuild?: boolean;
  /** Write the index after this many newly embedded images, so a killed run resumes. Defaults to 25. */
  checkpointEvery?: number;
  onProgress?: (event: IndexProgress) => void;
  /** Stop early (the index written so far is kept). */
  signal?: AbortSignal;
}

export interface IndexSummary {
  out: string;
  model: string;
  /** Images looked at. */
  images: number;
  /** Faces in the index. */
  faces: number;
  /** Images embedded in this run (new or changed). */
  embedded: number;
  /** Images whose earlier embeddings were kept (unchanged). */
  reused: number;
  /** Images dropped from the index because they are gone. */
  removed: number;
  /** Images with no face. */
  noFace: number;
  errors: { file: string; error: string }[];
  seconds: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The path an image is stored under: relative to the index file's folder, '/' separators. */
export function storedPath(indexFile: string, image: string): string {
  return relative(dirname(resolve(indexFile)), image).split(sep).join('/');
}

async function openOrCreate(mm: MemeMirror, out: string, rebuild: boolean): Promise<MemeIndex> {
  if (rebuild) return MemeIndex.empty(mm.modelId, mm.model.dims);
  try {
    return await readIndexFile(out, { modelId: mm.modelId, dims: mm.model.dims });
  } catch (error) {
    if (isMemeMirrorError(error, 'NOT_FOUND')) return MemeIndex.empty(mm.modelId, mm.model.dims);
    if (isMemeMirrorError(error, 'INDEX_MISMATCH') || isMemeMirrorError(error, 'INDEX_CORRUPT')) {
      throw new MemeMirrorError(error.code, `${error.message}. To start afresh, add --rebuild.`, { file: out, cause: error });
    }
    throw error;
  }
}

interface Prepared {
  path: string;
  stored: string;
  record?: FileInput;
  image?: RgbImage;
  reuse: boolean;
  error?: string;
}

/**
 * Builds or updates an index file: embeds every face of every new or changed image, keeps the
 * embeddings of unchanged ones (same size and time, or same sha256), drops images that are gone.
 * One bad image is recorded with its error and skipped. The file is written atomically every
 * `checkpointEvery` embedded images and at the end, so a killed run loses little and resumes.
 */
export async function buildIndex(mm: MemeMirror, options: BuildIndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const out = resolve(options.out);
  const checkpointEvery = options.checkpointEvery ?? 25;
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new MemeMirrorError('INVALID_OPTION', `Expected checkpointEvery to be a positive integer, but got ${checkpointEvery}`);
  }
  const index = await openOrCreate(mm, out, options.rebuild ?? false);
  await removeStaleTempFiles(out);
  const images = (await listImages(options.inputs)).filter((p) => p !== out && !p.startsWith(`${out}.tmp-`));

  const present = new Set(images.map((p) => storedPath(out, p)));
  let removed = 0;
  for (const file of index.files()) {
    if (!present.has(file.path)) removed += index.removeFile(file.path) ? 1 : 0;
  }

  // Reads, hashes and decodes one image; runs ahead of detection so disk and decoding overlap the models.
  async function prepare(path: string): Promise<Prepared> {
    const stored = storedPath(out, path);
    try {
      const info = await stat(path);
      const known = index.fileByPath(stored);
      if (known && !known.error && known.size === info.size && known.mtimeMs === info.mtimeMs) {
        return { path, stored, reuse: true };
      }
      const bytes = await readFile(path);
      const record: FileInput = { path: stored, size: info.size, mtimeMs: info.mtimeMs, sha256: sha256(bytes) };
      if (known && !known.error && known.sha256 === record.sha256) return { path, stored, record, reuse: true };
      const image = await decodeImageBuffer(bytes, { ...mm.options.decode, name: path });
      return { path, stored, record, image, reuse: false };
    } catch (error) {
      return { path, stored, reuse: false, error: describeError(error) };
    }
  }

  const summary: IndexSummary = {
    out,
    model: mm.modelId,
    images: images.length,
    faces: 0,
    embedded: 0,
    reused: 0,
    removed,
    noFace: 0,
    errors: [],
    seconds: 0,
  };
  let sinceCheckpoint = removed;
  let next = images[0] === undefined ? undefined : prepare(images[0]);
  for (let i = 0; i < images.length && next; i++) {
    const item = await next;
    next = images[i + 1] === undefined || options.signal?.aborted ? undefined : prepare(images[i + 1]!);
    let status: IndexFileStatus;
    let error = item.error;
    if (item.reuse) {
      status = 'reused';
      summary.reused++;
      // Same content under a new time stamp: keep the faces, refresh the record.
      if (item.record) index.refreshFile(item.record);
    } else if (item.image && item.record && !error) {
      try {
        const { faces, embeddings } = await mm.embedFaces(item.image);
        index.upsertFile(
          item.record,
          faces.map((face, f): FaceInput => ({ box: face.box, score: face.score, embedding: embeddings[f]! })),
        );
        status = 'embedded';
        summary.embedded++;
        sinceCheckpoint++;
      } catch (caught) {
        error = describeError(caught);
        status = 'error';
      }
    } else {
      status = 'error';
    }
    if (status === 'error') {
      const info = await stat(item.path).catch(() => undefined);
      index.upsertFile(
        { path: item.stored, size: info?.size ?? 0, mtimeMs: info?.mtimeMs ?? 0, sha256: '', error: error ?? 'unknown error' },
        [],
      );
      summary.errors.push({ file: item.path, error: error ?? 'unknown error' });
      sinceCheckpoint++;
    }
    const faces = index.fileByPath(item.stored)?.faces ?? 0;
    options.onProgress?.({ done: i + 1, total: images.length, file: item.stored, status, faces, ...(error ? { error } : {}) });
    if (sinceCheckpoint >= checkpointEvery) {
      await writeIndexFile(out, index);
      sinceCheckpoint = 0;
    }
    if (options.signal?.aborted) break;
  }
  await writeIndexFile(out, index);
  for (const file of index.files()) {
    if (!file.error && file.faces === 0) summary.noFace++;
  }
  summary.faces = index.size;
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/** Removes temporary files that a killed run left beside the index (`<out>.tmp-<pid>-<random>`). */
async function removeStaleTempFiles(out: string): Promise<void> {
  const prefix = `${basename(out)}.tmp-`;
  const names = await readdir(dirname(out)).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dirname(out), n), { force: true })));
}

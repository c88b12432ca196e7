/**
 * The server's meme collection: a folder, its index (made or updated at start with the CLI's
 * incremental indexer, kept outside the folder by default), and the index as the page gets it, with
 * paths relative to the collection folder.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { describeError } from '../errors.js';
import { encodeIndex } from '../index/format.js';
import { MemeIndex } from '../index/memory_index.js';
import type { IndexedFace, IndexedFile } from '../index/index_types.js';
import { buildIndex } from '../pipeline/indexer.js';
import type { IndexProgress, IndexSummary } from '../pipeline/indexer.js';
import type { MemeMirror } from '../pipeline/meme_mirror.js';
import type { CollectionStatus } from './api_types.js';

/** The index as served: collection-relative paths, its encoded bytes and a version of them. */
export interface ServedIndex {
  index: MemeIndex;
  bytes: Uint8Array;
  /** Start of the SHA-256 of `bytes` (the checksum the format ends with): changes when the index does. */
  version: string;
}

/** Hex digits of the served index's checksum used as its version. */
const VERSION_CHARS = 16;
const EMPTY_HINT = 'Drop your own memes on the page, or start the server with a folder of memes: npm start -- --memes DIR';

/**
 * Rewrites an index's paths from relative-to-the-index-file to relative-to-`collection`, dropping files
 * outside the collection; files, faces and embeddings keep their order (so ties break as in the CLI).
 */
export function collectionView(index: MemeIndex, indexFile: string, collection: string): MemeIndex {
  const base = dirname(resolve(indexFile));
  const data = index.toData();
  const dims = index.dims;
  const newPosition: number[] = [];
  const files: IndexedFile[] = [];
  data.files.forEach((file) => {
    const path = relative(collection, resolve(base, file.path));
    if (path === '' || path.startsWith('..') || isAbsolute(path)) {
      newPosition.push(-1);
      return;
    }
    newPosition.push(files.length);
    files.push({ ...file, path: path.split(sep).join('/') });
  });
  const faces: IndexedFace[] = [];
  const embeddings = new Float32Array(data.faces.length * dims);
  data.faces.forEach((face, i) => {
    const to = newPosition[face.file]!;
    if (to < 0) return;
    embeddings.set(data.embeddings.subarray(i * dims, (i + 1) * dims), faces.length * dims);
    faces.push({ ...face, file: to });
  });
  return MemeIndex.fromData({ header: data.header, files, faces, embeddings: embeddings.subarray(0, faces.length * dims) });
}

/** Readable names by path from the collection's index.csv ("file,name,..."), when it has one. */
export async function readTitles(collection: string): Promise<Record<string, string>> {
  const csv = join(collection, 'index.csv');
  const titles: Record<string, string> = {};
  if (!existsSync(csv)) return titles;
  const lines = createInterface({ input: createReadStream(csv, 'utf8'), crlfDelay: Infinity });
  let fileColumn = -1;
  let nameColumn = -1;
  for await (const line of lines) {
    const cells = splitCsvLine(line);
    if (fileColumn < 0) {
      fileColumn = cells.indexOf('file');
      nameColumn = cells.indexOf('name');
      if (fileColumn < 0 || nameColumn < 0) return titles;
      continue;
    }
    const file = cells[fileColumn];
    const name = cells[nameColumn];
    if (file && name) titles[file] = name;
  }
  return titles;
}

/** One CSV line's cells (RFC 4180 quotes; no line breaks inside cells). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export class MemeCollection {
  /** The collection folder, or null. */
  readonly dir: string | null;
  readonly indexFile: string;
  readonly #mm: MemeMirror;
  #state: CollectionStatus['state'];
  #progress: { done: number; total: number } | null = null;
  #message: string;
  #served: ServedIndex | undefined;
  #titles: Record<string, string> = {};
  #summary: IndexSummary | undefined;

  constructor(mm: MemeMirror, dir: string | null, indexFile: string) {
    this.#mm = mm;
    this.dir = dir;
    this.indexFile = indexFile;
    this.#state = dir ? 'indexing' : 'empty';
    this.#message = dir ? 'Indexing the collection' : `The server has no meme collection. ${EMPTY_HINT}`;
  }

  status(): CollectionStatus {
    const index = this.#served?.index;
    return {
      state: this.#state,
      name: this.dir ? this.dir.split(sep).pop() || this.dir : null,
      images: index ? index.files().length : 0,
      faces: index ? index.size : 0,
      progress: this.#state === 'indexing' ? this.#progress : null,
      message: this.#message,
    };
  }

  get served(): ServedIndex | undefined {
    return this.#served;
  }

  get titles(): Record<string, string> {
    return this.#titles;
  }

  get summary(): IndexSummary | undefined {
    return this.#summary;
  }

  /**
   * Indexes the folder (new and changed images only) and serves the result; a collection with no folder
   * serves an empty index. Never throws: a failure becomes the 'error' state with its message.
   */
  async load(options: { signal?: AbortSignal; onProgress?: (event: IndexProgress) => void } = {}): Promise<void> {
    const mm = this.#mm;
    if (!this.dir) {
      this.#served = await serve(MemeIndex.empty(mm.modelId, mm.model.dims));
      return;
    }
    const dir = this.dir;
    try {
      await mkdir(dirname(this.indexFile), { recursive: true });
      this.#titles = await readTitles(dir).catch(() => ({}));
      this.#summary = await buildIndex(mm, {
        inputs: [dir],
        out: this.indexFile,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (event) => {
          this.#progress = { done: event.done, total: event.total };
          this.#message = `Indexing the collection: ${event.done} of ${event.total} images`;
          options.onProgress?.(event);
        },
      });
      await mm.loadIndex(this.indexFile);
      const view = collectionView(mm.index!, this.indexFile, dir);
      this.#served = await serve(view);
      if (view.size === 0) {
        this.#state = 'empty';
        this.#message = `The folder ${dir} has no image with a face. ${EMPTY_HINT}`;
      } else {
        this.#state = 'ready';
        this.#message = `${view.size} meme faces in ${view.files().length} images`;
      }
    } catch (error) {
      this.#state = 'error';
      this.#message = `Cannot index ${dir}: ${describeError(error)}`;
      this.#served = await serve(MemeIndex.empty(mm.modelId, mm.model.dims));
    }
  }

  /** The absolute path of an indexed image from its collection-relative path, or undefined. */
  imagePath(path: string): { file: string; record: IndexedFile } | undefined {
    if (!this.dir || !this.#served) return undefined;
    const record = this.#served.index.fileByPath(path);
    if (!record || record.error) return undefined;
    return { file: join(this.dir, ...path.split('/')), record };
  }
}

async function serve(index: MemeIndex): Promise<ServedIndex> {
  const bytes = await encodeIndex(index);
  const checksum = Buffer.from(bytes.subarray(bytes.length - 32)).toString('hex');
  return { index, bytes, version: checksum.slice(0, VERSION_CHARS) };
}

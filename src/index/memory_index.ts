/**
 * The meme index in memory: files, faces and one contiguous Float32Array of embeddings,
 * searched exactly (brute force Euclidean with a bounded top-k heap). Loads no model.
 */
import { MemeMirrorError } from '../errors.js';
import { assertSameSize, squaredEuclideanAt } from './distance.js';
import { TopK } from './top_k.js';
import { INDEX_FORMAT_VERSION } from './index_types.js';
import type {
  Box,
  FaceInput,
  FileInput,
  IndexData,
  IndexHeader,
  IndexedFace,
  IndexedFile,
  MatchResult,
  SearchHit,
} from './index_types.js';

/** Rows of embedding storage reserved the first time a face is added. */
const INITIAL_CAPACITY_ROWS = 64;

/**
 * Files, faces and embeddings of one expression model, searchable by exact Euclidean distance.
 * Create with `MemeIndex.empty(modelId, dims)`, `MemeIndex.fromData(data)` or `decodeIndex(bytes)`.
 */
export class MemeIndex {
  readonly header: Readonly<IndexHeader>;
  readonly #files: IndexedFile[];
  readonly #positionOfPath = new Map<string, number>();
  readonly #faces: IndexedFace[];
  /** Row-major embeddings; rows past #faces.length are spare capacity. */
  #rows: Float32Array;

  private constructor(header: IndexHeader, files: IndexedFile[], faces: IndexedFace[], rows: Float32Array) {
    this.header = Object.freeze({ ...header });
    this.#files = files;
    this.#faces = faces;
    this.#rows = rows;
    files.forEach((file, i) => this.#positionOfPath.set(file.path, i));
  }

  /**
   * An index with no files.
   * @param modelId the expression model whose embeddings it will hold, e.g. "faceapi-expr-v1@1".
   * @param dims the embedding length, a positive integer.
   * @param createdAt ISO 8601 timestamp. Defaults to now.
   */
  static empty(modelId: string, dims: number, createdAt: string = new Date().toISOString()): MemeIndex {
    checkHeader({ formatVersion: INDEX_FORMAT_VERSION, modelId, dims, createdAt });
    return new MemeIndex({ formatVersion: INDEX_FORMAT_VERSION, modelId, dims, createdAt }, [], [], new Float32Array(0));
  }

  /**
   * An index from plain data (copied), checked for consistency: unique valid paths, face counts that
   * match the faces table, boxes and scores finite, embeddings of faces.length * dims finite numbers.
   * Throws INVALID_OPTION saying what is wrong.
   */
  static fromData(data: IndexData): MemeIndex {
    const { header, files, faces, embeddings } = data;
    checkHeader(header);
    if (header.formatVersion !== INDEX_FORMAT_VERSION) {
      invalid(`Expected index format version ${INDEX_FORMAT_VERSION}, but got ${header.formatVersion}`);
    }
    const paths = new Set<string>();
    for (const file of files) {
      checkFile(file);
      if (!Number.isInteger(file.faces) || file.faces < 0) {
        invalid(`Expected the face count of ${file.path} to be an integer >= 0, but got ${file.faces}`);
      }
      if (paths.has(file.path)) invalid(`File ${file.path} is listed twice`);
      paths.add(file.path);
    }
    const counted = new Array<number>(files.length).fill(0);
    for (const face of faces) {
      if (!Number.isInteger(face.file) || face.file < 0 || face.file >= files.length) {
        invalid(`Expected a face's file to be an integer in [0, ${files.length}), but got ${face.file}`);
      }
      checkFace(face.box, face.score);
      counted[face.file]!++;
    }
    files.forEach((file, i) => {
      if (counted[i] !== file.faces) invalid(`File ${file.path} says it has ${file.faces} faces, but ${counted[i]} are listed`);
    });
    if (embeddings.length !== faces.length * header.dims) {
      invalid(`Expected ${faces.length} x ${header.dims} = ${faces.length * header.dims} embedding numbers, but got ${embeddings.length}`);
    }
    checkFinite(embeddings, 'the embeddings');
    return new MemeIndex(
      header,
      files.map((f) => ({ ...f })),
      faces.map((f) => ({ file: f.file, box: [...f.box], score: f.score })),
      embeddings.slice(),
    );
  }

  /** The model id of every embedding. */
  get modelId(): string {
    return this.header.modelId;
  }

  /** The embedding length. */
  get dims(): number {
    return this.header.dims;
  }

  /** Number of faces. */
  get size(): number {
    return this.#faces.length;
  }

  /** Every file looked at (copies), in index order. */
  files(): IndexedFile[] {
    return this.#files.map((f) => ({ ...f }));
  }

  /** The record of one file (a copy), or undefined if it is not in the index. */
  fileByPath(path: string): IndexedFile | undefined {
    const position = this.#positionOfPath.get(path);
    return position === undefined ? undefined : { ...this.#files[position]! };
  }

  /** Face `i` (a copy), 0 <= i < size. */
  face(i: number): IndexedFace {
    const face = this.#faceAt(i);
    return { file: face.file, box: [...face.box], score: face.score };
  }

  /** The embedding of face `i` (a copy), 0 <= i < size. */
  embedding(i: number): Float32Array {
    this.#faceAt(i);
    return this.#rows.slice(i * this.dims, (i + 1) * this.dims);
  }

  /**
   * Adds a file and its faces, replacing any previous entry of the same path (its position in the
   * files table is kept). A file with no faces is recorded too, so a re-index can skip it.
   * Throws DIMENSION_MISMATCH for an embedding of the wrong length, INVALID_OPTION for a bad record.
   */
  upsertFile(file: FileInput, faces: readonly FaceInput[]): void {
    checkFile(file);
    // Checked and copied before any change, so a bad face changes nothing, and embeddings that are
    // views of this index's own storage survive the compaction below.
    const embeddings = new Float32Array(faces.length * this.dims);
    faces.forEach((face, j) => {
      checkFace(face.box, face.score);
      assertSameSize(this.dims, face.embedding.length);
      checkFinite(face.embedding, `the embedding of a face in ${file.path}`);
      embeddings.set(face.embedding, j * this.dims);
    });
    const record: IndexedFile = {
      path: file.path,
      size: file.size,
      mtimeMs: file.mtimeMs,
      sha256: file.sha256,
      faces: faces.length,
    };
    if (file.error !== undefined) record.error = file.error;

    let position = this.#positionOfPath.get(file.path);
    if (position === undefined) {
      position = this.#files.push(record) - 1;
      this.#positionOfPath.set(file.path, position);
    } else {
      this.#dropFaces(position, false);
      this.#files[position] = record;
    }
    this.#reserve(this.#faces.length + faces.length);
    this.#rows.set(embeddings, this.#faces.length * this.dims);
    for (const face of faces) this.#faces.push({ file: position, box: [...face.box], score: face.score });
  }

  /**
   * Replaces the record of a file already in the index (new size or time stamp, same content) and
   * keeps its faces. Returns false if the path is not in the index.
   */
  refreshFile(file: FileInput): boolean {
    checkFile(file);
    const position = this.#positionOfPath.get(file.path);
    if (position === undefined) return false;
    const old = this.#files[position]!;
    const record: IndexedFile = { path: file.path, size: file.size, mtimeMs: file.mtimeMs, sha256: file.sha256, faces: old.faces };
    if (file.error !== undefined) record.error = file.error;
    this.#files[position] = record;
    return true;
  }

  /** Removes a file and its faces; returns false if it was not in the index. */
  removeFile(path: string): boolean {
    const position = this.#positionOfPath.get(path);
    if (position === undefined) return false;
    this.#dropFaces(position, true);
    this.#files.splice(position, 1);
    this.#positionOfPath.delete(path);
    for (let i = position; i < this.#files.length; i++) this.#positionOfPath.set(this.#files[i]!.path, i);
    return true;
  }

  /**
   * The `k` faces nearest to `query` by exact Euclidean distance, nearest first (ties: lower face
   * position first). Returns fewer than k when the index has fewer faces.
   * Throws DIMENSION_MISMATCH for a query of the wrong length, INVALID_OPTION for k that is not a
   * positive integer or a query that holds NaN or infinity.
   */
  search(query: ArrayLike<number>, k: number): SearchHit[] {
    assertSameSize(this.dims, query.length);
    if (!Number.isInteger(k) || k < 1) invalid(`Expected k to be a positive integer, but got ${k}`);
    checkFinite(query, 'the query');
    const dims = this.dims;
    const top = new TopK(Math.min(k, this.size));
    for (let i = 0; i < this.size; i++) {
      // Squared distance orders the same as distance: take the root of the k kept only.
      top.push(i, squaredEuclideanAt(query, 0, this.#rows, i * dims, dims));
    }
    return top.sorted().map(({ index, value }) => ({ face: index, distance: Math.sqrt(value) }));
  }

  /** Like `search`, resolved to plain results: file path, box, score and distance. */
  match(query: ArrayLike<number>, k: number): MatchResult[] {
    return this.search(query, k).map(({ face, distance }) => {
      const f = this.#faces[face]!;
      return { file: this.#files[f.file]!.path, box: [...f.box], score: f.score, distance };
    });
  }

  /**
   * The index as plain data. `embeddings` is a view of the live storage: valid until the next
   * change of the index, copy it to keep it.
   */
  toData(): IndexData {
    return {
      header: { ...this.header },
      files: this.files(),
      faces: this.#faces.map((f) => ({ file: f.file, box: [...f.box], score: f.score })),
      embeddings: this.#rows.subarray(0, this.size * this.dims),
    };
  }

  #faceAt(i: number): IndexedFace {
    const face = Number.isInteger(i) ? this.#faces[i] : undefined;
    if (face === undefined) invalid(`Expected a face position in [0, ${this.size}), but got ${i}`);
    return face;
  }

  /** Grows the embedding storage (doubling) to hold at least `rows` rows. */
  #reserve(rows: number): void {
    if (rows * this.dims <= this.#rows.length) return;
    const capacity = Math.max(rows, 2 * (this.#rows.length / this.dims), INITIAL_CAPACITY_ROWS);
    const grown = new Float32Array(capacity * this.dims);
    grown.set(this.#rows.subarray(0, this.size * this.dims));
    this.#rows = grown;
  }

  /**
   * Removes the faces of the file at `position`, keeping faces and embedding rows contiguous and in order.
   * With `fileRemoved`, faces of later files are renumbered for the file table shrinking by one.
   */
  #dropFaces(position: number, fileRemoved: boolean): void {
    const dims = this.dims;
    let kept = 0;
    for (let i = 0; i < this.#faces.length; i++) {
      const face = this.#faces[i]!;
      if (face.file === position) continue;
      if (fileRemoved && face.file > position) face.file--;
      if (kept !== i) {
        this.#faces[kept] = face;
        this.#rows.copyWithin(kept * dims, i * dims, (i + 1) * dims);
      }
      kept++;
    }
    this.#faces.length = kept;
  }
}

function invalid(message: string): never {
  throw new MemeMirrorError('INVALID_OPTION', message);
}

function checkHeader(header: IndexHeader): void {
  if (typeof header.modelId !== 'string' || header.modelId === '') {
    invalid(`Expected modelId to be a non-empty string, but got ${JSON.stringify(header.modelId)}`);
  }
  if (!Number.isInteger(header.dims) || header.dims < 1) {
    invalid(`Expected dims to be a positive integer, but got ${header.dims}`);
  }
  if (typeof header.createdAt !== 'string') {
    invalid(`Expected createdAt to be an ISO 8601 string, but got ${JSON.stringify(header.createdAt)}`);
  }
}

function checkFile(file: FileInput): void {
  if (typeof file !== 'object' || file === null) invalid(`Expected a file record, but got ${JSON.stringify(file)}`);
  const { path } = file;
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\')) {
    invalid(`Expected a file path relative to the collection root with '/' separators, but got ${JSON.stringify(path)}`);
  }
  if (!Number.isFinite(file.size) || file.size < 0) {
    invalid(`Expected size of ${path} to be a finite number >= 0, but got ${file.size}`);
  }
  if (!Number.isFinite(file.mtimeMs)) invalid(`Expected mtimeMs of ${path} to be a finite number, but got ${file.mtimeMs}`);
  if (typeof file.sha256 !== 'string') invalid(`Expected sha256 of ${path} to be a hex string, but got ${file.sha256}`);
  if (file.error !== undefined && typeof file.error !== 'string') {
    invalid(`Expected error of ${path} to be a string, but got ${JSON.stringify(file.error)}`);
  }
}

function checkFace(box: Box, score: number): void {
  if (!Array.isArray(box) || box.length !== 4 || !box.every(Number.isFinite)) {
    invalid(`Expected a face box of 4 finite numbers [x, y, w, h], but got ${JSON.stringify(box)}`);
  }
  if (!Number.isFinite(score)) invalid(`Expected a face score to be a finite number, but got ${score}`);
}

function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) invalid(`Expected ${what} to hold finite numbers, but element ${i} is ${values[i]}`);
  }
}

/**
 * Plain, serialisable data of a meme index. Coordinates are pixels of the original image;
 * paths are relative to the collection root with '/' separators.
 */

/** The index format version this code writes and reads. */
export const INDEX_FORMAT_VERSION = 1;

/** A face box in pixels of the original image: left, top, width, height. */
export type Box = [x: number, y: number, w: number, h: number];

/** What an index says about itself. */
export interface IndexHeader {
  /** Index format version; see INDEX_FORMAT_VERSION. */
  formatVersion: number;
  /** The expression model that made every embedding, e.g. "faceapi-expr-v1@1". */
  modelId: string;
  /** Length of every embedding. */
  dims: number;
  /** When the index was created: an ISO 8601 timestamp. */
  createdAt: string;
}

/** One image looked at, including images with no face or that failed (so a re-index skips them). */
export interface IndexedFile {
  /** Relative to the collection root, '/' separators. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** SHA-256 of the content, lowercase hex. */
  sha256: string;
  /** How many faces of this file are in the index. */
  faces: number;
  /** Why the image could not be used, when it could not. */
  error?: string;
}

/** A file record as given to `upsertFile`: its face count comes from the faces given with it. */
export type FileInput = Omit<IndexedFile, 'faces'>;

/** One face in the index; its embedding is row `i` of the embeddings matrix. */
export interface IndexedFace {
  /** Position of its file in the files table. */
  file: number;
  /** Where the face is, in pixels of the original image. */
  box: Box;
  /** Face detector confidence. */
  score: number;
}

/** A face as given to `upsertFile`. */
export interface FaceInput {
  box: Box;
  score: number;
  /** Expression embedding of length `dims`. */
  embedding: ArrayLike<number>;
}

/** Everything an index holds; embeddings are one row-major Float32Array of faces.length * dims. */
export interface IndexData {
  header: IndexHeader;
  files: IndexedFile[];
  faces: IndexedFace[];
  embeddings: Float32Array;
}

/** A search hit: a face position in the index and its Euclidean distance to the query. */
export interface SearchHit {
  face: number;
  distance: number;
}

/** A search hit resolved to plain data. */
export interface MatchResult {
  /** File path relative to the collection root. */
  file: string;
  /** Face box in pixels of the original image. */
  box: Box;
  /** Face detector confidence. */
  score: number;
  /** Euclidean distance between the query and this face's embedding. */
  distance: number;
}

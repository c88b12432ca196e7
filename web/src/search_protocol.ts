/** Messages between the page and the search worker (web/src/search_worker.ts). Plain, cloneable data. */
import type { Box } from '../../src/index/index_types.js';

/** Where a meme comes from: the server's collection, or the images you added in this browser. */
export type MemeSource = 'collection' | 'yours';

/** Path prefix of your own memes: they sit beside the collection's, under this folder name. */
export const YOURS_PREFIX = 'yours/';

/** One face of one of your memes, as stored in IndexedDB and sent to the worker. */
export interface YourFace {
  box: Box;
  score: number;
  embedding: number[];
}

/** One of your memes as the worker indexes it. */
export interface YourMemeEntry {
  /** 'yours/<name>': unique among your memes. */
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  faces: YourFace[];
}

export type SearchRequest =
  | { type: 'load-collection'; url: string; modelId: string; dims: number }
  | { type: 'upsert-yours'; memes: YourMemeEntry[] }
  | { type: 'remove-yours'; paths: string[] }
  | { type: 'search'; embedding: Float32Array; k: number };

export interface CollectionLoaded {
  files: number;
  faces: number;
  modelId: string;
  dims: number;
  /** The distance that scores 0 (see match_score.ts); undefined for fewer than 2 faces. */
  scale: number | undefined;
  /** Every image with a face (the ones a search can show), with its version. */
  shown: { path: string; version: string }[];
}

export interface YoursChanged {
  files: number;
  faces: number;
  scale: number | undefined;
}

export interface ShownMatch {
  /** Relative to the collection, '/' separators; your memes are under YOURS_PREFIX. */
  file: string;
  source: MemeSource;
  /** The meme face's box in pixels of the meme image. */
  box: Box;
  /** Euclidean distance between expression embeddings: 0 is the same expression. */
  distance: number;
  /** 0..1, 1 = the same expression; undefined when the collection is too small to scale it. */
  score: number | undefined;
  /** The start of the image's SHA-256: changes when the image does (cache keys of its URLs). */
  version: string;
}

export interface SearchResult {
  matches: ShownMatch[];
  /** Time of the search itself inside the worker, ms. */
  ms: number;
}

export interface SearchResults {
  'load-collection': CollectionLoaded;
  'upsert-yours': YoursChanged;
  'remove-yours': YoursChanged;
  search: SearchResult;
}

export type SearchResponse =
  | { id: number; ok: true; value: SearchResults[keyof SearchResults] }
  | { id: number; ok: false; error: { code: string; message: string } };

/**
 * Public API of the meme index: storage format and exact nearest-neighbour search. Loads no model.
 * Every file but `store_node.ts` (the Node file adapter) runs in a browser or Web Worker too: browser
 * code imports `./memory_index.js` and `./format.js` directly, since this barrel pulls in `node:fs`.
 */
export { euclidean, squaredEuclidean } from './distance.js';
export { INDEX_FORMAT_VERSION } from './index_types.js';
export type {
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
export { MemeIndex } from './memory_index.js';
export { decodeIndex, encodeIndex, readIndexHeader } from './format.js';
export type { DecodeExpectations, IndexFileHeader } from './format.js';
export { readIndexFile, writeIndexFile } from './store_node.js';

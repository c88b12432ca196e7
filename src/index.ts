/**
 * meme-mirror's public API. Everything not exported here is internal.
 *
 *     import { MemeMirror } from 'meme-mirror';
 *     const mm = await MemeMirror.create({ index: 'memes.idx' });
 *     const { faces } = await mm.match('me.jpg', { top: 3 });
 *     mm.close();
 */
export { MemeMirror } from './pipeline/meme_mirror.js';
export type { EmbeddedFaces } from './pipeline/meme_mirror.js';
export type { MemeMirrorOptions, MatchOptions } from './pipeline/meme_mirror_options.js';
export type {
  FaceEmbedding,
  FaceMatches,
  ImageEmbeddings,
  ImageInput,
  ImageMatches,
  MemeMatch,
} from './pipeline/pipeline_types.js';
export { buildIndex, storedPath } from './pipeline/indexer.js';
export type { BuildIndexOptions, IndexProgress, IndexSummary, IndexFileStatus } from './pipeline/indexer.js';
export { listImages, IMAGE_EXTENSIONS } from './pipeline/image_files.js';

export { MemeMirrorError, ERROR_CODES, isMemeMirrorError } from './errors.js';
export type { ErrorCode } from './errors.js';

export { decodeImageFile, decodeImageBuffer } from './image/decode_node.js';
export type { RgbImage } from './image/image_types.js';
export type { DecodeOptions } from './image/decode_options.js';

export { FaceDetector, FACE_DETECTOR_DEFAULTS } from './face/index.js';
export type { Box, DetectedFace, Point3, FaceDetectorOptions } from './face/index.js';

export { EXPRESSION_MODELS, DEFAULT_EXPRESSION_MODEL, createExpressionModel, FACEAPI_EXPRESSIONS } from './expression/index.js';
export type { ExpressionModel, ExpressionModelName } from './expression/index.js';

export { MemeIndex, encodeIndex, decodeIndex, readIndexHeader, readIndexFile, writeIndexFile, euclidean, INDEX_FORMAT_VERSION } from './index/index.js';
export type { IndexData, IndexedFace, IndexedFile, IndexHeader, MatchResult, SearchHit } from './index/index.js';

export { downloadAll, fetchList, fetchImgflip, parseDownloadList } from './collection/index.js';
export type { DownloadEntry, DownloadOptions, DownloadProgress, DownloadSummary } from './collection/index.js';

export { nodeRuntime } from './runtime/node_runtime.js';
export { BACKENDS } from './runtime/runtime_types.js';
export type { BackendName, ModelRuntime } from './runtime/runtime_types.js';

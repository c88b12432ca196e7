// Public API of the collection stage: building a folder of meme images to index.
export type {
  BytesProgress,
  DownloadEntry,
  DownloadProgress,
  DownloadStatus,
  DownloadSummary,
  FailedDownload,
  ImgflipMeme,
} from './collection_types.js';
export { downloadAll, fetchList } from './download.js';
export { parseDownloadList } from './download_list.js';
export { resolveDownloadOptions } from './download_options.js';
export type { DownloadOptions, FetchLike, ResolvedDownloadOptions } from './download_options.js';
export { fetchImgflip, IMGFLIP_API_URL } from './imgflip.js';
export type { ImgflipOptions } from './imgflip.js';

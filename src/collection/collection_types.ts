// Plain, serialisable data of the collection stage (downloading meme images).
import type { ErrorCode } from '../errors.js';

/** One file to download into the output folder. */
export interface DownloadEntry {
  /** An http(s) URL. */
  url: string;
  /** The file name (no folder) to save it under in the output folder. */
  file: string;
  /** The expected sha256 of the file, 64 lowercase hex digits; absent when unknown. */
  sha256?: string;
}

export type DownloadStatus = 'downloaded' | 'skipped' | 'failed';

/** Reported once per entry, when it is finished (downloaded, skipped because already there, or failed). */
export interface DownloadProgress {
  /** How many entries are finished, this one included. */
  done: number;
  total: number;
  file: string;
  url: string;
  status: DownloadStatus;
  /** Size of the file in bytes; 0 when failed. */
  bytes: number;
  /** Why it failed; only when status is 'failed'. */
  error?: string;
}

/** Reported after each chunk received for a file. */
export interface BytesProgress {
  file: string;
  /** Bytes received so far in this attempt. */
  received: number;
  /** The size announced by the server (Content-Length), when it announced one. */
  expected: number | undefined;
}

export interface FailedDownload {
  url: string;
  file: string;
  error: string;
  code: ErrorCode;
}

/** What a batch did; file names are relative to the output folder, in the order of the entries. */
export interface DownloadSummary {
  downloaded: string[];
  skipped: string[];
  failed: FailedDownload[];
}

/** One meme of imgflip's `get_memes` API; width and height in pixels. */
export interface ImgflipMeme {
  id: string;
  name: string;
  url: string;
  width: number;
  height: number;
  box_count: number;
}

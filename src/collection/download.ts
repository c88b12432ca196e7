// Downloads a batch of files: bounded concurrency, retries with backoff, idle timeout, sha256 check, atomic rename.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MemeMirrorError, describeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { DownloadEntry, DownloadStatus, DownloadSummary } from './collection_types.js';
import { isHttpUrl, parseDownloadList } from './download_list.js';
import { resolveDownloadOptions } from './download_options.js';
import type { DownloadOptions, ResolvedDownloadOptions } from './download_options.js';
import { isSafeFileName } from './file_names.js';
import { hasErrorCode } from '../util/atomic_file_node.js';
import { sha256File } from '../util/sha256_file_node.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Backoff delays are multiplied by a random factor in [1 - JITTER, 1 + JITTER). */
const JITTER = 0.25;

/** What one failed attempt threw, and whether trying again may help. */
class AttemptError extends MemeMirrorError {
  readonly retry: boolean;
  constructor(code: ErrorCode, message: string, retry: boolean) {
    super(code, message);
    this.retry = retry;
  }
}

type EntryResult =
  | { status: Exclude<DownloadStatus, 'failed'>; bytes: number }
  | { status: 'failed'; bytes: 0; error: MemeMirrorError };

/**
 * Downloads every entry into `outDir` (created when missing) and returns what happened; one file's failure never
 * stops the others. A file already there is skipped without a request when its sha256 matches, or when no sha256
 * is given. Each download streams to `<file>.part`, is checked against its sha256, then fsynced and renamed, so
 * the final name only ever holds complete, verified content. Throws only for bad options or entries
 * (INVALID_OPTION), or when a progress callback throws.
 */
export async function downloadAll(
  entries: readonly DownloadEntry[],
  outDir: string,
  options: DownloadOptions = {},
): Promise<DownloadSummary> {
  const opts = resolveDownloadOptions(options);
  checkEntries(entries);
  await mkdir(outDir, { recursive: true });

  const results: EntryResult[] = [];
  let next = 0;
  let done = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < entries.length) {
      const index = next++;
      const entry = entries[index]!;
      const result = await downloadEntry(entry, outDir, opts);
      results[index] = result;
      done += 1;
      opts.onProgress({
        done,
        total: entries.length,
        file: entry.file,
        url: entry.url,
        status: result.status,
        bytes: result.bytes,
        ...(result.status === 'failed' && { error: result.error.message }),
      });
    }
  };
  const workers = Array.from({ length: Math.min(opts.concurrency, entries.length) }, () =>
    worker().catch((error: unknown) => {
      stopped = true; // a throwing callback: let the others finish their current file, then report it
      throw error;
    }),
  );
  const rejected = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;

  const summary: DownloadSummary = { downloaded: [], skipped: [], failed: [] };
  results.forEach((result, i) => {
    const { url, file } = entries[i]!;
    if (result.status === 'failed') {
      summary.failed.push({ url, file, error: result.error.message, code: result.error.code });
    } else {
      summary[result.status].push(file);
    }
  });
  return summary;
}

/** Reads a download list file (see `parseDownloadList`) and downloads it into `outDir` (see `downloadAll`). */
export async function fetchList(
  listPath: string,
  outDir: string,
  options: DownloadOptions = {},
): Promise<DownloadSummary> {
  let text: string;
  try {
    text = await readFile(listPath, 'utf8');
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
    const message = `Download list ${listPath} does not exist`;
    throw new MemeMirrorError('NOT_FOUND', message, { file: listPath, cause: error });
  }
  return downloadAll(parseDownloadList(text, listPath), outDir, options);
}

function checkEntries(entries: readonly DownloadEntry[]): void {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const problem = entryProblem(entry, seen);
    if (problem !== undefined) throw new MemeMirrorError('INVALID_OPTION', `Expected entries[${i}].${problem}`);
    seen.add(entry.file.toLowerCase());
  });
}

/** What is wrong with an entry, as the end of an "Expected entries[i]." message; undefined when nothing. */
function entryProblem({ url, file, sha256 }: DownloadEntry, seen: ReadonlySet<string>): string | undefined {
  if (!isHttpUrl(url)) return `url to be an http(s) URL, but got "${url}"`;
  if (!isSafeFileName(file)) {
    return `file to be a plain file name (no folder, no leading ".", no ".part" suffix), but got "${file}"`;
  }
  if (seen.has(file.toLowerCase())) return `file names to be unique (ignoring case), but "${file}" comes twice`;
  if (sha256 !== undefined && !SHA256_HEX.test(sha256)) return `sha256 to be 64 lowercase hex digits, but got "${sha256}"`;
  return undefined;
}

/** Skips, or downloads with retries, one entry; never throws. */
async function downloadEntry(
  entry: DownloadEntry,
  outDir: string,
  opts: ResolvedDownloadOptions,
): Promise<EntryResult> {
  const path = join(outDir, entry.file);
  let attempts = 0;
  try {
    await rm(`${path}.part`, { force: true }); // a stale part from a killed run: its content is unknown
    const present = await presentSize(path, entry.sha256);
    if (present !== undefined) return { status: 'skipped', bytes: present };
    for (;;) {
      attempts += 1;
      try {
        return { status: 'downloaded', bytes: await downloadOnce(entry, path, opts) };
      } catch (error) {
        const retry = error instanceof AttemptError ? error.retry : true; // network errors from fetch
        if (!retry || attempts > opts.retries) throw error;
        await sleep(opts.backoffMs * 2 ** (attempts - 1) * (1 - JITTER + Math.random() * 2 * JITTER));
      }
    }
  } catch (error) {
    const code = error instanceof MemeMirrorError ? error.code : 'DOWNLOAD_FAILED';
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const message = `GET ${entry.url} failed${tries}: ${describeWithCause(error)}`;
    const failure = new MemeMirrorError(code, message, { file: entry.file, cause: error });
    return { status: 'failed', bytes: 0, error: failure };
  }
}

/** The size of the file at `path` when it is there with the expected sha256 (or any content when none is given). */
async function presentSize(path: string, sha256: string | undefined): Promise<number | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`${path} is in the way: it is not a file`);
    const { size } = info;
    if (sha256 === undefined || (await sha256File(path)) === sha256) return size;
    await rm(path); // wrong content under the final name: it must not outlive a failed download
    return undefined;
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** One request: streams the body to `<path>.part`, checks it, renames it to `path`; returns its size. */
async function downloadOnce(entry: DownloadEntry, path: string, opts: ResolvedDownloadOptions): Promise<number> {
  const part = `${path}.part`;
  const controller = new AbortController();
  const stalled = new AttemptError('DOWNLOAD_FAILED', `no data received for ${opts.timeoutMs} ms`, true);
  const timer = setTimeout(() => controller.abort(stalled), opts.timeoutMs);
  let file: FileHandle | undefined;
  try {
    const response = await opts.fetch(entry.url, { signal: controller.signal });
    timer.refresh();
    if (!response.ok) {
      await response.body?.cancel();
      const { status, statusText } = response;
      const retry = status >= 500 || status === 408 || status === 429;
      throw new AttemptError('DOWNLOAD_FAILED', `HTTP ${status} ${statusText}`.trim(), retry);
    }
    const expected = declaredLength(response);
    const tooLarge = new AttemptError('DOWNLOAD_FAILED', `larger than maxBytes (${opts.maxBytes} bytes)`, false);
    if (expected !== undefined && expected > opts.maxBytes) throw tooLarge;

    const hash = createHash('sha256');
    file = await open(part, 'w');
    let received = 0;
    const reader = response.body?.getReader(); // no body (204...): an empty file
    while (reader !== undefined) {
      const chunk = await reader.read();
      if (chunk.done) break;
      timer.refresh();
      received += chunk.value.byteLength;
      if (received > opts.maxBytes) {
        await reader.cancel();
        throw tooLarge;
      }
      hash.update(chunk.value);
      await file.write(chunk.value);
      opts.onBytes({ file: entry.file, received, expected });
    }
    if (expected !== undefined && received < expected) {
      throw new AttemptError('DOWNLOAD_FAILED', `body truncated: received ${received} of ${expected} bytes`, true);
    }
    const actual = hash.digest('hex');
    if (entry.sha256 !== undefined && actual !== entry.sha256) {
      throw new AttemptError('CHECKSUM_MISMATCH', `expected sha256 ${entry.sha256}, got ${actual}`, true);
    }
    await file.sync();
    await file.close();
    file = undefined;
    await rename(part, path);
    return received;
  } catch (error) {
    await file?.close().catch(() => {}); // already failing: the first error is the one to report
    await rm(part, { force: true });
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

/** Content-Length, when it gives the size of the body we read (not when the body was decompressed on the way). */
function declaredLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** "fetch failed (connect ECONNREFUSED ...)": fetch puts the useful part in `cause`. */
export function describeWithCause(error: unknown): string {
  const cause = error instanceof Error && !(error instanceof MemeMirrorError) ? error.cause : undefined;
  return cause === undefined ? describeError(error) : `${describeError(error)} (${describeError(cause)})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

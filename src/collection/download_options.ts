import { MemeMirrorError } from '../errors.js';
import type { BytesProgress, DownloadProgress } from './collection_types.js';

/** The part of `fetch` the downloader uses; `globalThis.fetch` fits. */
export type FetchLike = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface DownloadOptions {
  /** How many files download at the same time. Defaults to 4. */
  concurrency?: number;
  /** How many times a failed download is tried again, so up to `retries + 1` requests per file. Defaults to 3. */
  retries?: number;
  /** Wait before the first retry in ms, doubled at each retry, +-25% jitter (500, 1000, 2000...). Defaults to 500. */
  backoffMs?: number;
  /** A request that receives no bytes (headers or body) for this many ms is aborted and retried. Defaults to 30000. */
  timeoutMs?: number;
  /** The largest file accepted, in bytes; a larger one fails without retry. Defaults to 50 MiB (52428800). */
  maxBytes?: number;
  /** The fetch function to use. Defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Called once per entry when it is finished. Defaults to doing nothing. */
  onProgress?: (event: DownloadProgress) => void;
  /** Called after each chunk received. Defaults to doing nothing. */
  onBytes?: (event: BytesProgress) => void;
}

export type ResolvedDownloadOptions = Required<DownloadOptions>;

const MIB = 1024 * 1024;

/** Fills every option with its default and checks the numbers; throws INVALID_OPTION on a bad value. */
export function resolveDownloadOptions(options: DownloadOptions = {}): ResolvedDownloadOptions {
  return {
    concurrency: checkNumber('concurrency', options.concurrency ?? 4, 1, true),
    retries: checkNumber('retries', options.retries ?? 3, 0, true),
    backoffMs: checkNumber('backoffMs', options.backoffMs ?? 500, 0, false),
    timeoutMs: checkNumber('timeoutMs', options.timeoutMs ?? 30_000, 1, false),
    maxBytes: checkNumber('maxBytes', options.maxBytes ?? 50 * MIB, 1, true),
    fetch: options.fetch ?? globalThis.fetch,
    onProgress: options.onProgress ?? (() => {}),
    onBytes: options.onBytes ?? (() => {}),
  };
}

/** Checks that `value` is a finite number (an integer when `integer`) >= `min`. */
export function checkNumber(name: string, value: number, min: number, integer: boolean): number {
  const ok = Number.isFinite(value) && value >= min && (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    throw new MemeMirrorError('INVALID_OPTION', `Expected ${name} to be ${kind} >= ${min}, but got ${String(value)}`);
  }
  return value;
}

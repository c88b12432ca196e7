// imgflip's public meme templates (https://imgflip.com/api: GET /get_memes, no key needed).
import { join } from 'node:path';
import { MemeMirrorError, describeError } from '../errors.js';
import type { DownloadSummary, ImgflipMeme } from './collection_types.js';
import { describeWithCause, downloadAll } from './download.js';
import { isHttpUrl } from './download_list.js';
import { checkNumber, resolveDownloadOptions } from './download_options.js';
import type { DownloadOptions, ResolvedDownloadOptions } from './download_options.js';
import { sanitizeFileName, uniqueFileNames, urlExtension } from './file_names.js';
import { writeFileAtomic } from '../util/atomic_file_node.js';
import { sha256File } from '../util/sha256_file_node.js';

export const IMGFLIP_API_URL = 'https://api.imgflip.com/get_memes';
/** Written in the output folder; one row per meme whose image is there. */
export const IMGFLIP_INDEX_FILE = 'index.csv';
const INDEX_HEADER = 'file,name,url,sha256,width,height';
const MEME_FIELDS = [
  ['id', 'string'],
  ['name', 'string'],
  ['url', 'string'],
  ['width', 'number'],
  ['height', 'number'],
  ['box_count', 'number'],
] as const satisfies readonly (readonly [keyof ImgflipMeme, string])[];
const API_SHAPE = '{ success: true, data: { memes: [{ id, name, url, width, height, box_count }] } }';

export interface ImgflipOptions extends DownloadOptions {
  /** The `get_memes` endpoint. Defaults to 'https://api.imgflip.com/get_memes'. */
  apiUrl?: string;
  /** How many memes to take, in the API's order (most popular first). Defaults to 100. */
  limit?: number;
}

/**
 * Downloads imgflip's meme templates into `outDir`, each named after the meme (sanitised) with its URL's
 * extension, then writes `index.csv` there atomically (`file,name,url,sha256,width,height`, one row per image
 * present). Images already there are skipped. Throws DOWNLOAD_FAILED when the API cannot be read or does not
 * answer the documented shape (the API request gets `timeoutMs` in all, not per chunk); one image's failure is
 * only reported in the summary.
 */
export async function fetchImgflip(outDir: string, options: ImgflipOptions = {}): Promise<DownloadSummary> {
  const { apiUrl = IMGFLIP_API_URL, limit = 100, ...downloadOptions } = options;
  checkNumber('limit', limit, 1, true);
  if (!isHttpUrl(apiUrl)) throw new MemeMirrorError('INVALID_OPTION', `Expected apiUrl to be an http(s) URL, but got "${apiUrl}"`);
  const opts = resolveDownloadOptions(downloadOptions);
  const memes = (await getMemes(apiUrl, opts)).slice(0, limit);
  const names = memes.map((meme) => sanitizeFileName(meme.name) + urlExtension(meme.url));
  const files = uniqueFileNames(names, [IMGFLIP_INDEX_FILE]);
  const summary = await downloadAll(
    memes.map((meme, i) => ({ url: meme.url, file: files[i]! })),
    outDir,
    opts,
  );

  const present = new Set([...summary.downloaded, ...summary.skipped]);
  const rows = [INDEX_HEADER];
  for (const [i, meme] of memes.entries()) {
    const file = files[i]!;
    if (!present.has(file)) continue;
    const sha256 = await sha256File(join(outDir, file));
    rows.push([file, meme.name, meme.url, sha256, meme.width, meme.height].map(csvField).join(','));
  }
  await writeFileAtomic(join(outDir, IMGFLIP_INDEX_FILE), `${rows.join('\n')}\n`);
  return summary;
}

async function getMemes(apiUrl: string, opts: ResolvedDownloadOptions): Promise<ImgflipMeme[]> {
  let text: string;
  try {
    const response = await opts.fetch(apiUrl, { signal: AbortSignal.timeout(opts.timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    text = await response.text();
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${opts.timeoutMs} ms` : describeWithCause(error);
    throw new MemeMirrorError('DOWNLOAD_FAILED', `GET ${apiUrl} failed: ${reason}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw badAnswer(apiUrl, `got invalid JSON (${describeError(error)})`);
  }
  return parseGetMemes(json, apiUrl);
}

/** Checks the shape of a `get_memes` answer; `apiUrl` is only for messages. Throws DOWNLOAD_FAILED. */
function parseGetMemes(json: unknown, apiUrl: string): ImgflipMeme[] {
  if (!isRecord(json)) throw badAnswer(apiUrl, `got ${describeValue(json)}`);
  if (json['success'] !== true) {
    const message = typeof json['error_message'] === 'string' ? `: ${json['error_message']}` : '';
    throw badAnswer(apiUrl, `success is ${describeValue(json['success'])}${message}`);
  }
  const memes = isRecord(json['data']) ? json['data']['memes'] : undefined;
  if (!Array.isArray(memes)) throw badAnswer(apiUrl, `data.memes is ${describeValue(memes)}`);
  return memes.map((meme: unknown, i) => {
    const where = `data.memes[${i}]`;
    if (!isRecord(meme)) throw badAnswer(apiUrl, `${where} is ${describeValue(meme)}`);
    for (const [key, type] of MEME_FIELDS) {
      if (typeof meme[key] !== type) throw badAnswer(apiUrl, `${where}.${key} is ${describeValue(meme[key])}, not a ${type}`);
    }
    if (!isHttpUrl(meme['url'] as string)) throw badAnswer(apiUrl, `${where}.url is not an http(s) URL`);
    const { id, name, url, width, height, box_count } = meme as unknown as ImgflipMeme;
    return { id, name, url, width, height, box_count };
  });
}

function badAnswer(apiUrl: string, what: string): MemeMirrorError {
  return new MemeMirrorError(
    'DOWNLOAD_FAILED',
    `Expected ${apiUrl} to answer imgflip's get_memes JSON ${API_SHAPE}, but ${what}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

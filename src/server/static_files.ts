/** Serving files from fixed folders: no path leaves its folder, types are explicit, caching by ETag. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { HttpError } from './http_error.js';

export const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
});

/**
 * The file `urlPath` names inside `root` (percent-decoded), or an HttpError: 400 for a malformed or
 * escaping path. Whether it exists is checked when it is sent.
 */
export function safeJoin(root: string, urlPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, 'BAD_PATH', `Expected a percent-encoded path, but got '${urlPath}'`);
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw new HttpError(400, 'BAD_PATH', `Expected a plain path, but got '${urlPath}'`);
  const path = resolve(root, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  const inside = relative(root, path);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new HttpError(400, 'BAD_PATH', `The path '${urlPath}' leaves its folder`);
  if (inside.split(/[\\/]/).some((part) => part.startsWith('.'))) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${urlPath}`);
  return path;
}

export interface SendFileOptions {
  /** Cache-Control header. Defaults to 'no-cache' (always revalidate by ETag). */
  cacheControl?: string;
  /** Content type; defaults to the one of the file's ending. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Sends a file with its type, length and ETag (304 when the client has it); 404 when it is not a file. */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, options: SendFileOptions = {}): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${req.url ?? 'this path'}`);
  const type = options.contentType ?? CONTENT_TYPES[extname(file).toLowerCase()];
  if (!type) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${req.url ?? 'this path'}`);
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    'Content-Type': type,
    'Cache-Control': options.cacheControl ?? 'no-cache',
    ETag: etag,
    ...options.headers,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': info.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(file);
    stream.on('error', fail);
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res).on('finish', done);
  });
}

/** Sends bytes from memory with a strong ETag (the caller's version). */
export function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  type: string,
  version: string,
  cacheControl = 'no-cache',
): void {
  const etag = `"${version}"`;
  const headers = { 'Content-Type': type, 'Cache-Control': cacheControl, ETag: etag };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const require = createRequire(import.meta.url);

/** A folder of an installed package, relative to its main file's folder (as node_runtime.ts finds them). */
export function packageFolder(pkg: string, relativeToMain: string): string {
  return join(dirname(require.resolve(pkg)), relativeToMain);
}

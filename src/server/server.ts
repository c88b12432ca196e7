/**
 * `meme-mirror serve`: the live web app's server. It serves the built page, the models and WASM
 * files from node_modules, the collection's index and images, and the HTTP API (POST /api/match).
 * It never receives camera frames: the page processes them itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MemeMirrorError, describeError } from '../errors.js';
import { EXPRESSION_MODELS } from '../expression/models.js';
import type { IndexProgress } from '../pipeline/indexer.js';
import { MemeMirror } from '../pipeline/meme_mirror.js';
import { DEFAULT_NAME, MatchQueue, checkContentType, matchBody, parseTop, readBody } from './api_match.js';
import type { ServerInfo } from './api_types.js';
import { MemeCollection } from './collection.js';
import { HttpError, sendError, sendJson, toHttpError } from './http_error.js';
import { PACKAGE_ROOT, resolveServerOptions } from './server_options.js';
import type { ResolvedServerOptions, ServerOptions } from './server_options.js';
import { packageFolder, safeJoin, sendBytes, sendFile } from './static_files.js';
import { Thumbnails } from './thumbnails.js';

/**
 * What the page may do: its own scripts and WASM, workers, requests to this server only
 * (connect-src 'self': a frame could not be sent elsewhere even by mistake), the camera.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Model and WASM files change only with the installed packages. */
const LONG_CACHE = 'public, max-age=86400';

export interface ServerEvents {
  /** Each image the start-up indexing handles. */
  onProgress?: (event: IndexProgress) => void;
  /** Messages for the operator (errors of requests that failed on the server's side). */
  log?: (line: string) => void;
}

export interface MemeMirrorServer {
  /** Where the app is, e.g. http://localhost:8080/ */
  readonly url: string;
  readonly port: number;
  readonly options: ResolvedServerOptions;
  readonly collection: MemeCollection;
  /** Settles when the collection is indexed and served (or has failed: see collection.status()). */
  readonly ready: Promise<void>;
  /** Stops indexing (keeping what is done), closes connections and releases the models. */
  close(): Promise<void>;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Starts the server: listens at once, then indexes the collection in the background (see `ready`). */
export async function startServer(options: ServerOptions = {}, events: ServerEvents = {}): Promise<MemeMirrorServer> {
  const o = resolveServerOptions(options);
  if (!existsSync(join(o.webRoot, 'index.html'))) {
    throw new MemeMirrorError('NOT_FOUND', `The web app is not built in ${o.webRoot}: run \`npm run build:web\` (npm start does it for you)`, {
      file: o.webRoot,
    });
  }
  const log = events.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const mm = await MemeMirror.create({ model: o.model, decode: { maxPixels: o.maxPixels } });
  const collection = new MemeCollection(mm, o.memes, o.index);
  const thumbnails = new Thumbnails(o.cacheDir);
  const queue = new MatchQueue(o.maxQueuedMatches);
  const version = packageVersion();
  const folders = {
    humanModels: packageFolder('@vladmandic/human', '../models'),
    faceapiModels: packageFolder('@vladmandic/face-api', '../model'),
    wasm: packageFolder('@tensorflow/tfjs-backend-wasm', '.'),
    ownModels: join(PACKAGE_ROOT, 'models'),
  };

  function info(): ServerInfo {
    const served = collection.served;
    const name = Object.entries(EXPRESSION_MODELS).find(([, m]) => m.id === mm.modelId)?.[0] ?? o.model;
    return {
      app: 'meme-mirror',
      version,
      model: { name, id: mm.modelId, dims: mm.model.dims },
      collection: collection.status(),
      index: `/api/index${served ? `?v=${served.version}` : ''}`,
      titles: collection.titles,
      maxBodyBytes: o.maxBodyBytes,
    };
  }

  function cors(req: IncomingMessage): Record<string, string> {
    if (!o.corsOrigin) return {};
    const origin = req.headers.origin;
    const allowed = o.corsOrigin === '*' ? '*' : origin === o.corsOrigin ? origin : undefined;
    return allowed ? { 'Access-Control-Allow-Origin': allowed, Vary: 'Origin' } : {};
  }

  async function apiMatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'OPTIONS' && o.corsOrigin) {
      res.writeHead(204, { ...cors(req), 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Expected POST with an image body, but got ${req.method}`, { Allow: 'POST' });
    }
    const top = parseTop(url.searchParams.get('top'));
    const name = url.searchParams.get('name') || DEFAULT_NAME;
    checkContentType(req.headers['content-type']);
    const served = collection.served;
    const status = collection.status();
    if (!served || status.state === 'indexing') {
      throw new HttpError(503, 'INDEXING', `The server is still indexing its memes (${status.message}); try again shortly`, { 'Retry-After': '5' });
    }
    const body = await readBody(req, o.maxBodyBytes);
    const result = await queue.run(() => matchBody(mm, served.index, body, top, name));
    sendJson(res, 200, result, cors(req));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/api/match') return apiMatch(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Expected GET for ${path}, but got ${req.method}`, { Allow: 'GET, HEAD' });
    }
    if (path === '/api/info') return sendJson(res, 200, info());
    if (path === '/api/index') {
      const served = collection.served;
      if (!served) throw new HttpError(503, 'INDEXING', 'The collection is still being indexed; GET /api/info says how far it is', { 'Retry-After': '5' });
      return sendBytes(req, res, served.bytes, 'application/octet-stream', served.version);
    }
    if (path.startsWith('/api/')) throw new HttpError(404, 'NOT_FOUND', `No API at ${path}; see docs/api.md`);
    if (path.startsWith('/thumbs/') || path.startsWith('/memes/')) {
      const memePath = decodeMemePath(path.slice(path.indexOf('/', 1) + 1));
      const image = collection.imagePath(memePath);
      if (!image) throw new HttpError(404, 'NOT_FOUND', `No meme ${memePath} in the collection`);
      if (path.startsWith('/memes/')) return sendFile(req, res, image.file, { cacheControl: LONG_CACHE });
      const thumb = await thumbnails.get(image.file, image.record.sha256);
      return sendBytes(req, res, thumb, 'image/jpeg', image.record.sha256.slice(0, 16), LONG_CACHE);
    }
    if (path.startsWith('/models/human/')) return sendModel(req, res, folders.humanModels, path.slice('/models/human/'.length));
    if (path.startsWith('/models/faceapi/')) return sendModel(req, res, folders.faceapiModels, path.slice('/models/faceapi/'.length));
    if (path.startsWith('/models/meme-mirror/')) return sendModel(req, res, folders.ownModels, path.slice('/models/meme-mirror/'.length));
    if (path.startsWith('/wasm/')) {
      if (!path.endsWith('.wasm')) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${path}`);
      return sendFile(req, res, safeJoin(folders.wasm, path.slice('/wasm/'.length)), { cacheControl: LONG_CACHE });
    }
    const file = path === '/' ? 'index.html' : path.slice(1);
    const headers: Record<string, string> = file === 'index.html' ? { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } : {};
    if (file === 'sw.js') headers['Service-Worker-Allowed'] = '/';
    return sendFile(req, res, safeJoin(o.webRoot, file), { headers });
  }

  async function sendModel(req: IncomingMessage, res: ServerResponse, folder: string, file: string): Promise<void> {
    if (!/\.(json|bin)$/.test(file)) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${req.url}`);
    return sendFile(req, res, safeJoin(folder, file), { cacheControl: LONG_CACHE });
  }

  const server: Server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    route(req, res).catch((error: unknown) => {
      const http = toHttpError(error);
      if (http.status >= 500 && http.code === 'INTERNAL') log(`meme-mirror serve: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendError(res, new HttpError(http.status, http.code, http.message, { ...http.headers, ...cors(req) }));
      // A refused upload: answered at once, the rest of its body discarded, then the connection closed.
      if (http.headers['Connection'] === 'close') req.resume();
    });
  });
  server.requestTimeout = 60_000;

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    mm.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new MemeMirrorError('INVALID_OPTION', `Port ${o.port} is in use: pick another with --port N (or PORT=N), or stop what uses it`, { cause: error });
    }
    throw new MemeMirrorError('INVALID_OPTION', `Cannot listen on ${o.host}:${o.port}: ${describeError(error)}`, { cause: error });
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host === '127.0.0.1' || o.host === '::1' || o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host;
  const stop = new AbortController();
  const ready = collection.load({ signal: stop.signal, ...(events.onProgress ? { onProgress: events.onProgress } : {}) });

  return {
    url: `http://${shownHost}:${port}/`,
    port,
    options: o,
    collection,
    ready,
    async close() {
      stop.abort();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await ready;
      mm.close();
    },
  };
}

/** A meme path from a URL: percent-decoded, '/'-separated, no empty, '.' or '..' segment. */
function decodeMemePath(encoded: string): string {
  let path: string;
  try {
    path = decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, 'BAD_PATH', `Expected a percent-encoded path, but got '${encoded}'`);
  }
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..') || path.includes('\\') || path.includes('\0')) {
    throw new HttpError(400, 'BAD_PATH', `Expected a path inside the collection, but got '${path}'`);
  }
  return path;
}

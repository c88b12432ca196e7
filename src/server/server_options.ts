import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemeMirrorError } from '../errors.js';
import { DEFAULT_EXPRESSION_MODEL, isExpressionModelName } from '../expression/models.js';
import type { ExpressionModelName } from '../expression/models.js';

/** The project (package) folder: the server finds the built page, models and WASM files from it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Creation-time settings of the server. Every field is optional. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. Defaults to 8080. */
  port?: number;
  /** Address to listen on. Defaults to '127.0.0.1' (this machine only). */
  host?: string;
  /** The meme collection folder, or null for none (the page then says how to add memes). Defaults to null. */
  memes?: string | null;
  /**
   * The collection's index file, made or updated at start. Defaults to a file in `cacheDir` named after
   * the folder and the model, so a read-only collection folder is never written to.
   */
  index?: string;
  /** Where the server keeps what it makes (indexes, thumbnails). Defaults to $XDG_CACHE_HOME/meme-mirror or ~/.cache/meme-mirror. */
  cacheDir?: string;
  /** Expression model by name (EXPRESSION_MODELS). Defaults to DEFAULT_EXPRESSION_MODEL. */
  model?: ExpressionModelName;
  /** The built web app (scripts/build-web.mjs). Defaults to <package>/dist/web. */
  webRoot?: string;
  /** Largest POST /api/match body, in bytes. Defaults to 10 MiB. */
  maxBodyBytes?: number;
  /** Largest image POST /api/match decodes, in pixels. Defaults to 40 000 000. */
  maxPixels?: number;
  /** POST /api/match requests waiting at most; more are refused with 503. Defaults to 8. */
  maxQueuedMatches?: number;
  /** Origin allowed to call /api/match from another site's page (CORS), or '*'. Defaults to none. */
  corsOrigin?: string | null;
}

export type ResolvedServerOptions = Required<ServerOptions>;

export const DEFAULT_PORT = 8080;
const MIB = 1024 * 1024;

export const SERVER_DEFAULTS: Omit<ResolvedServerOptions, 'index' | 'cacheDir'> = Object.freeze({
  port: DEFAULT_PORT,
  host: '127.0.0.1',
  memes: null,
  model: DEFAULT_EXPRESSION_MODEL,
  webRoot: join(PACKAGE_ROOT, 'dist', 'web'),
  maxBodyBytes: 10 * MIB,
  maxPixels: 40_000_000,
  maxQueuedMatches: 8,
  corsOrigin: null,
});

function invalid(message: string): never {
  throw new MemeMirrorError('INVALID_OPTION', message);
}

/** $XDG_CACHE_HOME/meme-mirror, else ~/.cache/meme-mirror. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'meme-mirror');
}

/**
 * The index file of a collection folder inside `cacheDir`: '<folder name>-<hash of its absolute path>.<model>.idx',
 * one per folder and model, so switching either keeps the other's index.
 */
export function cachedIndexPath(cacheDir: string, memes: string, model: string): string {
  const folder = resolve(memes);
  const hash = createHash('sha256').update(folder).digest('hex').slice(0, 12);
  const name = basename(folder).replace(/[^A-Za-z0-9._-]+/g, '_') || 'memes';
  return join(cacheDir, `${name}-${hash}.${model}.idx`);
}

/**
 * The collection when none is named: $MEME_MIRROR_MEMES, else the shared seed collection
 * ($MEME_MIRROR_DATA/memes/imgflip-seed, or ../shared/data/memes/imgflip-seed beside the project)
 * where it exists, else null.
 */
export function defaultMemesDir(env: NodeJS.ProcessEnv = process.env, root: string = PACKAGE_ROOT): string | null {
  if (env['MEME_MIRROR_MEMES']) return resolve(env['MEME_MIRROR_MEMES']);
  const data = env['MEME_MIRROR_DATA'] ? resolve(env['MEME_MIRROR_DATA']) : resolve(root, '..', 'shared', 'data');
  const seed = join(data, 'memes', 'imgflip-seed');
  return existsSync(seed) ? seed : null;
}

/** Fills every option, validating each; nothing below this sees `undefined`. */
export function resolveServerOptions(options: ServerOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedServerOptions {
  const port = options.port ?? SERVER_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) invalid(`Expected port to be an integer from 0 to 65535, but got ${port}`);
  const model = options.model ?? SERVER_DEFAULTS.model;
  if (!isExpressionModelName(model)) invalid(`Expected model to be an expression model name, but got '${String(model)}'`);
  const positive = (name: string, value: number) => {
    if (!Number.isSafeInteger(value) || value < 1) invalid(`Expected ${name} to be a positive integer, but got ${value}`);
    return value;
  };
  const memes = options.memes === undefined || options.memes === null ? null : resolve(options.memes);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir(env));
  return {
    port,
    host: options.host ?? SERVER_DEFAULTS.host,
    memes,
    index: options.index !== undefined ? resolve(options.index) : memes ? cachedIndexPath(cacheDir, memes, model) : '',
    cacheDir,
    model,
    webRoot: resolve(options.webRoot ?? SERVER_DEFAULTS.webRoot),
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes),
    maxPixels: positive('maxPixels', options.maxPixels ?? SERVER_DEFAULTS.maxPixels),
    maxQueuedMatches: positive('maxQueuedMatches', options.maxQueuedMatches ?? SERVER_DEFAULTS.maxQueuedMatches),
    corsOrigin: options.corsOrigin ?? null,
  };
}

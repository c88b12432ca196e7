/**
 * POST /api/match: an image body in, the JSON of `meme-mirror match --json` out. Bodies are limited
 * in bytes (before and while reading) and decoded images in pixels; every refusal is a JSON error.
 */
import type { IncomingMessage } from 'node:http';
import type { MemeIndex } from '../index/memory_index.js';
import type { MemeMirror } from '../pipeline/meme_mirror.js';
import type { ImageMatches } from '../pipeline/pipeline_types.js';
import type { MatchJson } from './api_types.js';
import { HttpError } from './http_error.js';

/** Most memes per face a request may ask for. */
export const MAX_TOP = 50;
export const DEFAULT_TOP = 3;
/** What a body is called in the result when the request gives no `name`. */
export const DEFAULT_NAME = '<buffer>';

/**
 * The `match --json` line of a result: boxes rounded to pixels, meme paths as the index has them
 * (the server's index is relative to the collection). Mirrors cli/commands/match_command.ts.
 */
export function toMatchJson(result: ImageMatches, file: string): MatchJson {
  return {
    file,
    faces: result.faces.map((face) => ({
      box: face.box.map((v) => Math.round(v)),
      score: face.score,
      matches: face.matches.map((m) => ({ file: m.file, box: m.box.map((v) => Math.round(v)), distance: m.distance })),
    })),
  };
}

/** `top` from the query string: 1..MAX_TOP, DEFAULT_TOP when absent. */
export function parseTop(value: string | null): number {
  if (value === null || value === '') return DEFAULT_TOP;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) {
    throw new HttpError(400, 'INVALID_OPTION', `Expected top to be a whole number from 1 to ${MAX_TOP}, but got '${value}'`);
  }
  return n;
}

/** Content types that are surely not an image; anything else is decoded and judged by its bytes. */
export function checkContentType(header: string | undefined): void {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Expected the image itself as the request body (e.g. Content-Type: image/jpeg), but got a ${type} form; send the file's bytes, not a form`,
    );
  }
  if (type.startsWith('text/') || type === 'application/json' || type.endsWith('+json') || type.endsWith('+xml')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Expected an image body (Content-Type image/jpeg, image/png, image/webp, image/gif or application/octet-stream), but got ${type}`);
  }
}

/** Reads a request body of at most `limit` bytes; refuses a larger one from its Content-Length or as it streams. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (size: string) =>
    new HttpError(413, 'BODY_TOO_LARGE', `Expected a body of at most ${limit} bytes, but got ${size}`, { Connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(`${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge('more');
    chunks.push(chunk);
  }
  if (size === 0) throw new HttpError(400, 'EMPTY_BODY', 'Expected an image as the request body, but the body is empty');
  return Buffer.concat(chunks, size);
}

/** Runs match requests one after another, refusing new ones when `maxQueued` already wait. */
export class MatchQueue {
  readonly maxQueued: number;
  #waiting = 0;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(maxQueued: number) {
    this.maxQueued = maxQueued;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#waiting >= this.maxQueued) {
      throw new HttpError(503, 'BUSY', `The server is matching ${this.#waiting} images already; try again in a moment`, { 'Retry-After': '1' });
    }
    this.#waiting++;
    const run = this.#tail.then(task, task).finally(() => {
      this.#waiting--;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

/** Matches one image body against the served index. */
export async function matchBody(mm: MemeMirror, index: MemeIndex, body: Uint8Array, top: number, name: string): Promise<MatchJson> {
  const result = await mm.match(body, { top, index });
  return toMatchJson(result, name);
}

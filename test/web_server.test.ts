// `meme-mirror serve` on a small collection: the API the page and other apps use, its limits and errors,
// and POST /api/match giving exactly what `meme-mirror match --json` gives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeIndex } from '../src/index/format.js';
import type { MatchJson, ServerInfo } from '../src/server/api_types.js';
import { startServer } from '../src/server/server.js';
import type { MemeMirrorServer } from '../src/server/server.js';
import { runCli } from './helpers/cli.js';
import { dataPath } from './helpers/data.js';
import { copySome, tempDir } from './helpers/workspace.js';

const seed = dataPath('memes/imgflip-seed');
const yale = dataPath('expressions/yale');
const skip = !seed || !yale;
/** Small enough that the test can exceed it cheaply, large enough for a Yale face (about 50 KB). */
const MAX_BODY = 150_000;
/** Refuses the test's 2000x1000 image by its pixels. */
const MAX_PIXELS = 1_000_000;
const MEME_COUNT = 6;

let work: Awaited<ReturnType<typeof tempDir>>;
let server: MemeMirrorServer;
let memes: string;
let names: string[];

async function api(path: string, init?: RequestInit): Promise<Response> {
  return fetch(new URL(path, server.url), init);
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const body = (await response.json()) as { error: { status: number; code: string; message: string } };
  assert.equal(body.error.status, response.status);
  return body.error;
}

before(async () => {
  if (skip) return;
  work = await tempDir('meme-mirror-serve-');
  memes = join(work.path, 'memes');
  await mkdir(memes);
  names = await copySome(seed, memes, MEME_COUNT);
  const webRoot = join(work.path, 'web');
  await mkdir(webRoot);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>test page</title>');
  server = await startServer(
    { port: 0, memes, cacheDir: join(work.path, 'cache'), webRoot, maxBodyBytes: MAX_BODY, maxPixels: MAX_PIXELS },
    { log: () => undefined },
  );
  await server.ready;
});

after(async () => {
  await server?.close();
  await work?.dispose();
});

test('info, index, page: the collection indexed into the cache, paths relative to the collection', { skip }, async () => {
  const info = (await (await api('/api/info')).json()) as ServerInfo;
  assert.equal(info.collection.state, 'ready', info.collection.message);
  assert.equal(info.collection.images, MEME_COUNT);
  assert.ok(info.collection.faces > 0);
  assert.match(info.model.id, /@\d+$/);
  assert.equal(info.maxBodyBytes, MAX_BODY);
  assert.deepEqual((await readdir(memes)).sort(), [...names].sort(), 'nothing is written into the collection folder');
  assert.ok(server.options.index.startsWith(join(work.path, 'cache')), server.options.index);

  const response = await api(info.index);
  assert.equal(response.status, 200);
  const index = await decodeIndex(new Uint8Array(await response.arrayBuffer()), { modelId: info.model.id, dims: info.model.dims });
  assert.deepEqual(index.files().map((f) => f.path).sort(), [...names].sort());
  const again = await api(info.index, { headers: { 'If-None-Match': response.headers.get('etag') ?? '' } });
  assert.equal(again.status, 304);

  const page = await api('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
  assert.equal((await api('/models/human/blazeface.json')).status, 200);
  assert.equal((await api('/models/faceapi/face_expression_model-weights_manifest.json')).status, 200);
  assert.equal((await api('/wasm/tfjs-backend-wasm-simd.wasm')).headers.get('content-type'), 'application/wasm');
});

test('images and thumbnails of indexed memes only; no path escapes', { skip }, async () => {
  const name = names[0]!;
  const full = await api(`/memes/${encodeURIComponent(name)}`);
  assert.equal(full.status, 200);
  assert.deepEqual(Buffer.from(await full.arrayBuffer()), await readFile(join(memes, name)));
  const thumb = await api(`/thumbs/${encodeURIComponent(name)}`);
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
  assert.ok(Math.max(meta.width, meta.height) <= 320, `${meta.width}x${meta.height}`);
  assert.equal((await errorOf(await api('/memes/no-such-meme.jpg'))).code, 'NOT_FOUND');
  assert.equal((await api('/memes/..%2f..%2fetc%2fpasswd')).status, 400);
  for (const escape of ['/models/human/..%2f..%2fpackage.json', '/wasm/..%2f..%2f..%2fpackage.json', '/..%2fpackage.json']) {
    const response = await api(escape);
    assert.ok(response.status === 400 || response.status === 404, `${escape}: ${response.status}`);
  }
});

test('POST /api/match gives exactly the JSON of `meme-mirror match --json` with the same index', { skip }, async () => {
  const face = join(yale!, 'happy', 'subject01.happy.png');
  const response = await api(`/api/match?top=3&name=${encodeURIComponent(face)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'image/png' },
    body: await readFile(face),
  });
  assert.equal(response.status, 200);
  const fromApi = (await response.json()) as MatchJson;
  // Run from the collection folder, the CLI shows meme paths relative to it, as the server does.
  const cli = await runCli(['match', face, '--index', server.options.index, '--json', '--top', '3'], memes);
  assert.equal(cli.code, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout.trim()) as MatchJson;
  assert.deepEqual(fromApi, fromCli);
  assert.equal(fromApi.faces.length, 1);
  assert.equal(fromApi.faces[0]!.matches.length, 3);
});

test('POST /api/match refuses bad requests with clear JSON errors', { skip }, async () => {
  const post = (body: BodyInit, type = 'image/png', query = '') =>
    api(`/api/match${query}`, { method: 'POST', headers: { 'Content-Type': type }, body });
  let e = await errorOf(await post(new Uint8Array(0)));
  assert.deepEqual([e.status, e.code], [400, 'EMPTY_BODY']);
  e = await errorOf(await post('{"image": "me.jpg"}', 'application/json'));
  assert.deepEqual([e.status, e.code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
  assert.match(e.message, /but got application\/json/);
  e = await errorOf(await post('--x\r\n', 'multipart/form-data; boundary=x'));
  assert.deepEqual([e.status, e.code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
  e = await errorOf(await post('hello, this is not an image'));
  assert.deepEqual([e.status, e.code], [415, 'NOT_AN_IMAGE']);
  e = await errorOf(await post(new Uint8Array(MAX_BODY + 1), 'application/octet-stream'));
  assert.deepEqual([e.status, e.code], [413, 'BODY_TOO_LARGE']);
  assert.match(e.message, new RegExp(`at most ${MAX_BODY} bytes`));
  const wide = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#888' } }).png().toBuffer();
  e = await errorOf(await post(Uint8Array.from(wide)));
  assert.deepEqual([e.status, e.code], [413, 'IMAGE_TOO_LARGE']);
  e = await errorOf(await post(Uint8Array.from(wide), 'image/png', '?top=0'));
  assert.deepEqual([e.status, e.code], [400, 'INVALID_OPTION']);
  const get = await api('/api/match');
  assert.equal(get.headers.get('allow'), 'POST');
  assert.deepEqual([(await errorOf(get)).code], ['METHOD_NOT_ALLOWED']);
  assert.equal((await errorOf(await api('/api/nothing'))).status, 404);
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).jpeg().toBuffer();
  const noFace = await post(Uint8Array.from(jpeg), 'image/jpeg');
  assert.equal(noFace.status, 200);
  assert.deepEqual(await noFace.json(), { file: '<buffer>', faces: [] });
});

test('with no collection the server serves an empty index and says how to add memes', { skip }, async () => {
  const webRoot = join(work.path, 'web');
  const empty = await startServer({ port: 0, memes: null, cacheDir: join(work.path, 'cache2'), webRoot }, { log: () => undefined });
  try {
    await empty.ready;
    const info = (await (await fetch(new URL('/api/info', empty.url))).json()) as ServerInfo;
    assert.equal(info.collection.state, 'empty');
    assert.match(info.collection.message, /--memes DIR/);
    const bytes = new Uint8Array(await (await fetch(new URL(info.index, empty.url))).arrayBuffer());
    assert.equal((await decodeIndex(bytes)).size, 0);
    const e = await fetch(new URL('/api/match', empty.url), { method: 'POST', body: 'x' });
    assert.equal(e.status, 415);
  } finally {
    await empty.close();
  }
});

// The web app's plain logic, in Node: flow limiter, frame statistics, search worker core, scores,
// names, camera messages, the y4m writer and the server's option and path rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeIndex } from '../src/index/format.js';
import { MemeIndex } from '../src/index/memory_index.js';
import { collectionView, splitCsvLine } from '../src/server/collection.js';
import { checkContentType, parseTop, toMatchJson } from '../src/server/api_match.js';
import { HttpError } from '../src/server/http_error.js';
import { cachedIndexPath, defaultMemesDir, resolveServerOptions, SERVER_DEFAULTS } from '../src/server/server_options.js';
import { safeJoin } from '../src/server/static_files.js';
import { fitSize, rgbFromRgba } from '../src/image/decode_browser.js';
import { autoBackend, resolveBrowserRuntimeOptions } from '../src/runtime/browser_runtime_options.js';
import { cameraErrorMessage } from '../web/src/camera.js';
import { FlowLimiter } from '../web/src/flow_limiter.js';
import { FrameStats } from '../web/src/frame_stats.js';
import { distanceScale, matchScore, quantile } from '../web/src/match_score.js';
import { MemeSearch } from '../web/src/meme_search.js';
import { encodePath, prettyTitle, titleFromPath } from '../web/src/meme_names.js';
import { uniqueYourPath } from '../web/src/your_memes.js';
import { rgbToI420 } from './helpers/y4m.js';

const EPS = 1e-9;
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('flow limiter: one frame in flight, the newest waiting frame replaces older ones', async () => {
  const started: number[] = [];
  const gates = new Map<number, ReturnType<typeof deferred>>();
  let inFlight = 0;
  let maxInFlight = 0;
  const limiter = new FlowLimiter<number>(async (n) => {
    started.push(n);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const gate = deferred();
    gates.set(n, gate);
    await gate.promise;
    inFlight--;
  });
  limiter.offer(1);
  limiter.offer(2);
  limiter.offer(3);
  limiter.offer(4);
  assert.equal(limiter.busy, true);
  assert.deepEqual(started, [1]);
  gates.get(1)!.resolve();
  await tick();
  await tick();
  assert.deepEqual(started, [1, 4], 'frames 2 and 3 were dropped for the newer 4');
  gates.get(4)!.resolve();
  await limiter.idle();
  assert.equal(limiter.busy, false);
  assert.equal(maxInFlight, 1);
  assert.deepEqual(limiter.stats, { processed: 2, dropped: 2 });
});

test('flow limiter: a failing frame is reported and the next one still runs; clear() drops the waiting one', async () => {
  const errors: unknown[] = [];
  const seen: number[] = [];
  const limiter = new FlowLimiter<number>(
    async (n) => {
      seen.push(n);
      await tick();
      if (n === 1) throw new Error('boom');
    },
    (error) => errors.push(error),
  );
  limiter.offer(1);
  limiter.offer(2);
  await limiter.idle();
  assert.deepEqual(seen, [1, 2]);
  assert.equal(errors.length, 1);
  limiter.offer(3);
  limiter.offer(4);
  limiter.clear();
  await limiter.idle();
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(limiter.stats, { processed: 3, dropped: 1 });
});

test('frame stats: rate over the window and mean stage times', () => {
  const stats = new FrameStats(1000);
  assert.equal(stats.snapshot(0).fps, 0);
  for (let i = 0; i <= 10; i++) stats.add(i * 100, { detect: 50, embed: 20 + i, search: 2 });
  const s = stats.snapshot(1000);
  assert.ok(Math.abs(s.fps - 10) < EPS, `${s.fps}`);
  assert.equal(s.frames, 11);
  assert.ok(Math.abs(s.stages.embed - 25) < EPS);
  assert.equal(stats.snapshot(5000).frames, 0, 'old frames leave the window');
  stats.add(6000, { detect: 1, embed: 1, search: 1 });
  stats.reset();
  assert.equal(stats.snapshot(6000).frames, 0);
});

function indexOf(rows: number[][], paths: string[], modelId = 'test@1'): MemeIndex {
  const index = MemeIndex.empty(modelId, 2, '2024-01-01T00:00:00.000Z');
  rows.forEach((embedding, i) =>
    index.upsertFile({ path: paths[i]!, size: 1, mtimeMs: 0, sha256: `${i}`.padStart(64, 'a') }, [{ box: [0, 0, 10, 10], score: 0.9, embedding }]),
  );
  return index;
}

test('search: the collection and your memes together, nearest first; scores fall with distance', async () => {
  const search = new MemeSearch();
  const bytes = await encodeIndex(indexOf([[0, 0], [1, 0], [0, 1], [3, 3]], ['a.jpg', 'sub/b.jpg', 'c.jpg', 'd.jpg']));
  const loaded = await search.loadCollection(bytes, 'test@1', 2);
  assert.equal(loaded.faces, 4);
  assert.deepEqual(loaded.shown.map((s) => s.path), ['a.jpg', 'sub/b.jpg', 'c.jpg', 'd.jpg']);
  assert.ok(loaded.scale !== undefined && loaded.scale > 0);
  let found = search.search([0.9, 0], 3);
  assert.deepEqual(found.map((m) => m.file), ['sub/b.jpg', 'a.jpg', 'c.jpg']);
  assert.ok(found[0]!.score! >= found[1]!.score! && found[1]!.score! >= found[2]!.score!);
  search.upsertYours([{ path: 'yours/me.png', size: 5, mtimeMs: 1, sha256: 'f'.repeat(64), faces: [{ box: [1, 2, 3, 4], score: 1, embedding: [0.95, 0] }] }]);
  found = search.search([0.9, 0], 3);
  assert.deepEqual(found.map((m) => [m.file, m.source]), [['yours/me.png', 'yours'], ['sub/b.jpg', 'collection'], ['a.jpg', 'collection']]);
  search.removeYours(['yours/me.png']);
  assert.equal(search.search([0.9, 0], 1)[0]!.file, 'sub/b.jpg');
  assert.throws(() => search.upsertYours([{ path: 'me.png', size: 1, mtimeMs: 1, sha256: '', faces: [] }]), /start with 'yours\/'/);
  await assert.rejects(search.loadCollection(bytes, 'other@2', 2), { code: 'INDEX_MISMATCH' });
});

test('search: an empty collection searches to nothing, your memes still match', async () => {
  const search = new MemeSearch();
  await search.loadCollection(await encodeIndex(MemeIndex.empty('test@1', 2)), 'test@1', 2);
  assert.deepEqual(search.search([0, 0], 3), []);
  const changed = search.upsertYours([
    { path: 'yours/a.png', size: 1, mtimeMs: 1, sha256: '1', faces: [{ box: [0, 0, 1, 1], score: 1, embedding: [0, 0] }] },
    { path: 'yours/b.png', size: 1, mtimeMs: 1, sha256: '2', faces: [{ box: [0, 0, 1, 1], score: 1, embedding: [1, 1] }] },
  ]);
  assert.equal(changed.faces, 2);
  assert.ok(changed.scale !== undefined, 'your memes set the scale when the collection has no faces');
  assert.deepEqual(search.search([0.1, 0.1], 3).map((m) => m.file), ['yours/a.png', 'yours/b.png']);
});

test('scores: scale from nearest-neighbour distances, clamped 0..1', () => {
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.equal(distanceScale([indexOf([[0, 0]], ['a'])]), undefined);
  const scale = distanceScale([indexOf([[0, 0], [0, 1], [0, 3]], ['a', 'b', 'c'])]);
  assert.equal(scale, 2, 'nearest distances are 1, 1, 2: the 95th percentile is 2');
  assert.equal(matchScore(0, 2), 1);
  assert.equal(matchScore(1, 2), 0.5);
  assert.equal(matchScore(5, 2), 0);
  assert.equal(matchScore(1, undefined), undefined);
});

test('meme names and paths', () => {
  assert.equal(titleFromPath('10-Guy.jpg'), '10 Guy');
  assert.equal(titleFromPath('yours/cat_face.final.png'), 'cat face.final');
  assert.equal(prettyTitle('1990s-First-World-Problems'), '1990s First World Problems');
  assert.equal(prettyTitle('Ancient Aliens Guy'), 'Ancient Aliens Guy');
  assert.equal(encodePath('sub dir/a#b?.jpg'), 'sub%20dir/a%23b%3F.jpg');
  assert.equal(uniqueYourPath('a.png', new Set()), 'yours/a.png');
  assert.equal(uniqueYourPath('a.png', new Set(['yours/a.png', 'yours/a-2.png'])), 'yours/a-3.png');
  assert.equal(uniqueYourPath('../x/y.png', new Set()), 'yours/_x_y.png');
});

test('camera messages say what happened and always offer the photo path', () => {
  for (const reason of ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'Insecure', 'Unsupported', 'Weird']) {
    const message = cameraErrorMessage(reason);
    assert.match(message, /Use a photo/, reason);
  }
  assert.match(cameraErrorMessage('NotAllowedError'), /refused/);
  assert.match(cameraErrorMessage('NotFoundError'), /No camera/);
});

test('browser runtime options: default, set, refused; auto backend never picks a software GPU', () => {
  assert.equal(resolveBrowserRuntimeOptions().backend, 'auto');
  assert.equal(resolveBrowserRuntimeOptions({ backend: 'wasm' }).backend, 'wasm');
  assert.equal(resolveBrowserRuntimeOptions({ wasmPath: '/w/' }).wasmPath, '/w/');
  assert.throws(() => resolveBrowserRuntimeOptions({ backend: 'gpu' as 'wasm' }), /Expected backend to be one of auto, webgl, wasm, but got 'gpu'/);
  assert.equal(autoBackend({ available: true, software: false, renderer: 'ANGLE (NVIDIA)' }), 'webgl');
  assert.equal(autoBackend({ available: true, software: true, renderer: 'SwiftShader' }), 'wasm');
  assert.equal(autoBackend({ available: false, software: false, renderer: '' }), 'wasm');
});

test('browser decoding helpers: RGBA to RGB, fitting a size', () => {
  const rgb = rgbFromRgba([1, 2, 3, 255, 4, 5, 6, 0], 2, 1);
  assert.deepEqual([...rgb.data], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => rgbFromRgba([1, 2, 3], 1, 1), /Expected 1 x 1 x 4 = 4 RGBA bytes, but got 3/);
  assert.deepEqual(fitSize(1280, 720, 640), { width: 640, height: 360 });
  assert.deepEqual(fitSize(320, 243, 640), { width: 320, height: 243 });
});

test('y4m: grey maps to studio-swing luma with neutral chroma', () => {
  const grey = new Uint8Array(2 * 2 * 3).fill(255);
  const yuv = rgbToI420(grey, 2, 2);
  assert.deepEqual([...yuv], [235, 235, 235, 235, 128, 128]);
  assert.deepEqual([...rgbToI420(new Uint8Array(12), 2, 2)], [16, 16, 16, 16, 128, 128]);
});

test('server options: defaults, the cache index path, the default collection', () => {
  const o = resolveServerOptions({ memes: '/m/seed', cacheDir: '/c' }, {});
  assert.equal(o.port, SERVER_DEFAULTS.port);
  assert.equal(o.host, '127.0.0.1');
  assert.equal(o.index, cachedIndexPath('/c', '/m/seed', o.model));
  assert.match(o.index, /^\/c\/seed-[0-9a-f]{12}\.[a-z-]+\.idx$/);
  assert.notEqual(cachedIndexPath('/c', '/m/seed', 'a'), cachedIndexPath('/c', '/n/seed', 'a'));
  assert.equal(resolveServerOptions({ memes: '/m', index: 'x.idx' }, {}).index, resolve('x.idx'));
  assert.equal(resolveServerOptions({}, {}).memes, null);
  assert.throws(() => resolveServerOptions({ port: 70000 }, {}), /port to be an integer from 0 to 65535, but got 70000/);
  assert.throws(() => resolveServerOptions({ maxBodyBytes: 0 }, {}), /maxBodyBytes to be a positive integer/);
  assert.equal(defaultMemesDir({ MEME_MIRROR_MEMES: '/x/y' }), '/x/y');
  assert.equal(defaultMemesDir({ MEME_MIRROR_DATA: join(tmpdir(), 'no-such-data-folder') }), null);
});

test('server paths: nothing leaves its folder', () => {
  assert.equal(safeJoin('/srv/web', '/app.js'), '/srv/web/app.js');
  assert.equal(safeJoin('/srv/web', 'icons/icon%20a.svg'), '/srv/web/icons/icon a.svg');
  for (const bad of ['/../secret', '/%2e%2e/secret', '/a/../../b', '/%E0%A4%A']) {
    assert.throws(() => safeJoin('/srv/web', bad), (e: unknown) => e instanceof HttpError && e.status === 400, bad);
  }
  assert.throws(() => safeJoin('/srv/web', '/.git/config'), (e: unknown) => e instanceof HttpError && e.status === 404);
});

test('api: top, content types and the match --json shape', () => {
  assert.equal(parseTop(null), 3);
  assert.equal(parseTop('7'), 7);
  for (const bad of ['0', '51', '2.5', 'x']) assert.throws(() => parseTop(bad), (e: unknown) => e instanceof HttpError && e.status === 400);
  for (const ok of [undefined, 'image/png', 'application/octet-stream', 'application/x-www-form-urlencoded']) checkContentType(ok);
  for (const bad of ['text/plain', 'application/json', 'multipart/form-data; boundary=x']) {
    assert.throws(() => checkContentType(bad), (e: unknown) => e instanceof HttpError && e.status === 415, bad);
  }
  const json = toMatchJson(
    { file: '<buffer>', faces: [{ box: [1.4, 2.6, 3.5, 4], score: 0.9, matches: [{ file: 'a.jpg', box: [0.2, 0, 9.7, 10], distance: 0.25 }] }] },
    'me.jpg',
  );
  assert.deepEqual(json, { file: 'me.jpg', faces: [{ box: [1, 3, 4, 4], score: 0.9, matches: [{ file: 'a.jpg', box: [0, 0, 10, 10], distance: 0.25 }] }] });
});

test('collection view: paths relative to the collection, outside files dropped, order kept', () => {
  const index = indexOf([[0, 0], [1, 1], [2, 2]], ['../memes/b.jpg', '../other/x.jpg', '../memes/sub/a.jpg']);
  const view = collectionView(index, '/cache/seed.idx', '/memes');
  assert.deepEqual(view.files().map((f) => f.path), ['b.jpg', 'sub/a.jpg']);
  assert.deepEqual([...view.embedding(1)], [2, 2]);
  assert.equal(view.face(1).file, 1);
  assert.deepEqual(splitCsvLine('a,"b, c","d ""e"""'), ['a', 'b, c', 'd "e"']);
});

// The live web app end to end, in a real headless Chromium (Debian's, driven by playwright-core) whose
// fake camera plays a video made here from Yale faces: neutral, happy, surprised, 2 s each, looping.
// Served by the real `meme-mirror serve` on the shared imgflip-seed collection. Forces WASM for
// determinism and prints the frame rate and stage times it measured.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MatchJson, ServerInfo } from '../src/server/api_types.js';
import { DEFAULT_EXPRESSION_MODEL, EXPRESSION_MODELS } from '../src/expression/models.js';
import { dataPath } from './helpers/data.js';
import { ROOT, chromiumArgs, chromiumPath } from './helpers/web.js';
import { runCli, startCli } from './helpers/cli.js';
import { writeY4m } from './helpers/y4m.js';

const seed = dataPath('memes/imgflip-seed');
const yale = dataPath('expressions/yale');
const browserPath = chromiumPath();
const skip = !seed || !yale || !browserPath;

/** Screenshots, the video, the still frame and the test's own index: gitignored, kept between runs. */
const OUT = join(ROOT, 'test-output', 'web-e2e');
/** Named by the default model, so a model change builds a new index instead of tripping on the old one. */
const INDEX = join(OUT, `imgflip-seed.${EXPRESSION_MODELS[DEFAULT_EXPRESSION_MODEL].id.replace(/[^\w.-]/g, '_')}.idx`);
const SUBJECT = 'subject01';
const SCENES = [
  { label: 'neutral', file: `neutral/${SUBJECT}.normal.png` },
  { label: 'happy', file: `happy/${SUBJECT}.happy.png` },
  { label: 'surprised', file: `surprised/${SUBJECT}.surprised.png` },
];
const SCENE_SECONDS = 2;
/** Dropped on the page as one of your memes. */
const YOURS = 'happy/subject02.happy.png';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 667 };
/** Distances of the same pixels in Node's and Chromium's WASM backends agree to far better than this. */
const DISTANCE_TOLERANCE = 1e-3;
/** How long the test watches the live matches: more than one loop of the video. */
const WATCH_MS = 9000;
const SAMPLE_MS = 150;

let server: ChildProcess | undefined;
let serverLog = '';
let origin = '';
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const requests: { url: string; method: string; body: number }[] = [];
const pageErrors: string[] = [];

interface ShownMatch {
  file: string;
  distance: number;
}

async function shownMatches(): Promise<ShownMatch[]> {
  return page.$$eval('[data-testid="match"]', (items) =>
    items.map((li) => ({ file: (li as HTMLElement).dataset['file'] ?? '', distance: Number((li as HTMLElement).dataset['distance']) })),
  );
}

async function waitForMatches(timeout: number): Promise<ShownMatch[]> {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="match"]').length === 3, undefined, { timeout, polling: 100 });
  return shownMatches();
}

async function startServer(): Promise<void> {
  server = startCli(['serve', '--port', '0', '--memes', seed!, '--index', INDEX, '--cache', join(OUT, 'cache')], ROOT, {
    ...process.env,
    PORT: '',
  });
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /serving (http:\/\/\S+?)\/?\s/.exec(out);
      if (found) resolve(found[1]!);
    });
    server!.on('exit', (code) => reject(new Error(`meme-mirror serve exited (${code}):\n${serverLog}`)));
  });
  // The first run indexes the 287 memes (about 45 s on 2 cores); later runs reuse the index.
  for (;;) {
    const info = (await (await fetch(`${origin}/api/info`)).json()) as ServerInfo;
    if (info.collection.state === 'ready') return;
    if (info.collection.state !== 'indexing') throw new Error(`The collection is ${info.collection.state}: ${info.collection.message}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  if (skip) return;
  await mkdir(OUT, { recursive: true });
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const video = join(OUT, 'faces.y4m');
  await writeY4m(video, SCENES.map((s) => ({ file: join(yale!, s.file), seconds: SCENE_SECONDS })));
  await startServer();
  browser = await chromium.launch({ executablePath: browserPath!, args: chromiumArgs(video), headless: true });
  context = await browser.newContext({ viewport: DESKTOP, permissions: ['clipboard-read', 'clipboard-write'] });
  // Every request of the page, its workers and its service worker.
  context.on('request', (request) => {
    requests.push({ url: request.url(), method: request.method(), body: request.postDataBuffer()?.length ?? 0 });
  });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('websocket', (ws) => requests.push({ url: ws.url(), method: 'WEBSOCKET', body: 0 }));
  await page.goto(`${origin}/?backend=wasm`);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

test('live: the camera face gets 3 memes, nearest first, on WASM', { skip, timeout: 90_000 }, async () => {
  const matches = await waitForMatches(75_000);
  assert.equal(matches.length, 3);
  for (const m of matches) assert.ok(existsSync(join(seed!, m.file)), `${m.file} is a file of the collection`);
  assert.ok(matches[0]!.distance <= matches[1]!.distance && matches[1]!.distance <= matches[2]!.distance, JSON.stringify(matches));
  assert.equal(await page.textContent('[data-testid="backend-name"]'), 'wasm');
  const overlayInk = () =>
    page.$eval('#overlay', (c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) ink += data[i]! > 0 ? 1 : 0;
      return ink;
    });
  assert.ok((await overlayInk()) > 0, 'the face box and landmarks are drawn');
  await page.click('[data-testid="overlay-toggle"]');
  await page.waitForTimeout(500);
  assert.equal(await overlayInk(), 0, 'the toggle hides them');
  await page.click('[data-testid="overlay-toggle"]');
});

test('live: the matches change when the expression changes; frame rate and stage times', { skip, timeout: 60_000 }, async () => {
  const tensors = () => page.$eval('[data-testid="fps"]', (fps) => Number((fps as HTMLElement).dataset['tensors']));
  const tensorsBefore = await tensors();
  const seen: string[] = [];
  const started = Date.now();
  while (Date.now() - started < WATCH_MS) {
    const matches = await shownMatches();
    assert.equal(matches.length, 3);
    const signature = matches.map((m) => m.file).join(' | ');
    if (seen[seen.length - 1] !== signature) seen.push(signature);
    await page.waitForTimeout(SAMPLE_MS);
  }
  const distinct = new Set(seen);
  console.log(`web e2e: ${distinct.size} distinct top-3 sets in ${WATCH_MS / 1000} s, ${seen.length - 1} changes:\n  ${[...distinct].join('\n  ')}`);
  assert.ok(distinct.size >= 2, `the matches never changed: ${seen.join(' / ')}`);
  assert.ok(seen.length >= 3, 'the matches changed more than once (the video loops)');
  // Leak check: dozens of frames later, the engine holds no more tensors (the models' weights only).
  const tensorsAfter = await tensors();
  assert.ok(tensorsBefore > 0 && tensorsAfter <= tensorsBefore, `tensors: ${tensorsBefore} -> ${tensorsAfter}`);

  // Plain expressions only inside page functions: tsx would wrap a named helper in __name().
  const figures = await page.$eval('[data-testid="fps"]', (fps) => ({
    fps: Number((fps as HTMLElement).dataset['fps']),
    processed: Number((fps as HTMLElement).dataset['processed']),
    dropped: Number((fps as HTMLElement).dataset['dropped']),
    cameraFrames: Number((fps as HTMLElement).dataset['cameraFrames']),
    searchInWorker: Number((document.querySelector('[data-testid="time-search"]') as HTMLElement).dataset['inWorker']),
    detect: Number((document.querySelector('[data-testid="time-detect"]') as HTMLElement).dataset['ms']),
    embed: Number((document.querySelector('[data-testid="time-embed"]') as HTMLElement).dataset['ms']),
    search: Number((document.querySelector('[data-testid="time-search"]') as HTMLElement).dataset['ms']),
  }));
  console.log(
    `web e2e: headless Chromium, WASM: ${figures.fps.toFixed(1)} fps; detect ${figures.detect.toFixed(0)} ms, embed ${figures.embed.toFixed(0)} ms, ` +
      `search ${figures.search.toFixed(1)} ms (worker round trip; last search inside the worker ${figures.searchInWorker.toFixed(2)} ms); ` +
      `${figures.processed} frames processed of ${figures.cameraFrames} the camera showed, ${figures.dropped} replaced in the flow limiter's slot; ` +
      `${tensorsAfter} tensors alive before and after (${tensorsBefore})`,
  );
  assert.ok(figures.fps > 0 && figures.detect > 0 && figures.embed > 0 && figures.search > 0, JSON.stringify(figures));
  assert.match((await page.textContent('[data-testid="fps"]')) ?? '', /fps/);
  await page.screenshot({ path: join(OUT, 'desktop.png') });
});

test('a still frame and a photo get the top match `meme-mirror match --json` gives (same index)', { skip, timeout: 90_000 }, async () => {
  await page.click('[data-testid="freeze"]');
  await page.waitForSelector('[data-testid="still"]:not([hidden])');
  assert.equal(await page.getAttribute('[data-testid="freeze"]', 'aria-pressed'), 'true');
  const frozen = await shownMatches();
  const png = await page.$eval('[data-testid="still"]', (c) => (c as HTMLCanvasElement).toDataURL('image/png'));
  const still = join(OUT, 'still.png');
  await writeFile(still, Buffer.from(png.replace(/^data:image\/png;base64,/, ''), 'base64'));
  await page.waitForTimeout(500);
  assert.deepEqual(await shownMatches(), frozen, 'frozen matches stay');

  const photo = join(yale!, SCENES[2]!.file);
  await page.setInputFiles('[data-testid="photo-input"]', photo);
  await page.waitForFunction(() => /Your photo/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const fromPhoto = await shownMatches();

  // From the collection folder, the CLI prints meme paths relative to it, as the page has them.
  const cli = await runCli(['match', still, photo, '--index', INDEX, '--json', '--top', '3'], seed!);
  assert.equal(cli.code, 0, cli.stderr);
  const [forStill, forPhoto] = cli.stdout.trim().split('\n').map((line) => JSON.parse(line) as MatchJson);
  for (const [what, page3, cli3] of [['still frame', frozen, forStill], ['photo', fromPhoto, forPhoto]] as const) {
    const top = cli3!.faces[0]!.matches;
    console.log(`web e2e: ${what}: page ${page3.map((m) => `${m.file} ${m.distance.toFixed(4)}`).join(', ')}; CLI ${top.map((m) => `${m.file} ${m.distance.toFixed(4)}`).join(', ')}`);
    assert.equal(page3[0]!.file, top[0]!.file, `${what}: top match`);
    assert.ok(Math.abs(page3[0]!.distance - top[0]!.distance) < DISTANCE_TOLERANCE, `${what}: ${page3[0]!.distance} vs ${top[0]!.distance}`);
  }
});

test('keyboard and the meme viewer: open, download, copy, close; back to the camera; f freezes', { skip, timeout: 30_000 }, async () => {
  const top = (await shownMatches())[0]!;
  await page.focus('[data-testid="match"] button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="viewer"][open]');
  assert.match((await page.getAttribute('[data-testid="viewer-image"]', 'alt')) ?? '', /meme/);
  await page.waitForFunction(() => (document.querySelector('[data-testid="viewer-image"]') as HTMLImageElement).naturalWidth > 0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-meme')]);
  assert.equal(download.suggestedFilename(), top.file.split('/').pop());
  await page.click('#copy-meme');
  await page.waitForFunction(() => /Copied|failed/.test(document.querySelector('#viewer-status')?.textContent ?? ''));
  assert.match((await page.textContent('#viewer-status')) ?? '', /Copied/);
  const clipboardTypes = await page.evaluate(async () => (await navigator.clipboard.read()).flatMap((item) => [...item.types]));
  assert.deepEqual(clipboardTypes, ['image/png']);
  const canShare = await page.evaluate(() => typeof navigator.canShare === 'function');
  assert.equal(await page.isHidden('#share-meme'), !canShare || (await page.isHidden('#share-meme')), 'Share shows only where Web Share takes files');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="viewer"]:not([open])', { state: 'attached' });
  await page.click('[data-testid="camera-button"]');
  await page.waitForSelector('[data-testid="still"][hidden]', { state: 'attached' });
  await page.locator('body').press('f');
  assert.equal(await page.getAttribute('[data-testid="freeze"]', 'aria-pressed'), 'true');
  await page.locator('body').press('f');
  assert.equal(await page.getAttribute('[data-testid="freeze"]', 'aria-pressed'), 'false');
  for (const img of await page.$$('img')) assert.notEqual(await img.getAttribute('alt'), null, 'every image has alt text');
});

test('your own memes: a dropped image is indexed in the browser, kept, and matched', { skip, timeout: 60_000 }, async () => {
  const file = join(yale!, YOURS);
  const bytes = (await readFile(file)).toString('base64');
  await page.evaluate(
    ({ b64, name }) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { b64: bytes, name: basename(file) },
  );
  await page.waitForFunction(() => /Added 1 of 1/.test(document.querySelector('[data-testid="yours-status"]')?.textContent ?? ''), undefined, {
    timeout: 30_000,
  });
  // The same image as a photo: its nearest meme is itself, one of yours.
  await page.setInputFiles('[data-testid="photo-input"]', file);
  await page.waitForFunction(() => /Your photo/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const [top] = await shownMatches();
  assert.equal(top!.file, `yours/${basename(file)}`);
  assert.ok(top!.distance < 1e-5, `${top!.distance}`);
  assert.equal(await page.getAttribute('[data-testid="match"]', 'data-source'), 'yours');
  await page.click('[data-testid="camera-button"]');
  await waitForMatches(15_000);
});

test('backend switch: WebGL and back to WASM, frames keep flowing', { skip, timeout: 120_000 }, async () => {
  await page.selectOption('[data-testid="backend"]', 'webgl');
  await page.waitForFunction(() => /Running on webgl|Cannot start/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const on = await page.textContent('[data-testid="backend-name"]');
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'none';
  });
  if (on === 'webgl') {
    // The figures were reset at the switch: the first WebGL frame (shaders compile on it) sets them.
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="time-detect"]') as HTMLElement).dataset['ms']) > 0, undefined, { timeout: 60_000 });
    const figure = async (id: string) => Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-ms'));
    console.log(
      `web e2e: WebGL on '${renderer}': first frame (with shader compilation) detect ${(await figure('time-detect')).toFixed(0)} ms, ` +
        `embed ${(await figure('time-embed')).toFixed(0)} ms`,
    );
  } else {
    console.log(`web e2e: WebGL did not start (renderer '${renderer}'): ${await page.textContent('[data-testid="status"]')}`);
  }
  await page.selectOption('[data-testid="backend"]', 'wasm');
  await page.waitForFunction(() => document.querySelector('[data-testid="backend-name"]')?.textContent === 'wasm', undefined, { timeout: 45_000 });
  await page.waitForFunction(() => Number((document.querySelector('[data-testid="fps"]') as HTMLElement).dataset['fps']) > 0, undefined, { timeout: 30_000 });
});

test('phone layout (375x667): the camera and the 3 memes side by side fit the screen', { skip, timeout: 30_000 }, async () => {
  await page.setViewportSize(PHONE);
  await waitForMatches(15_000);
  await page.waitForTimeout(500);
  // Both in page coordinates, in one go (a scroll between two reads would skew viewport coordinates).
  const { boxes, video } = await page.evaluate(() => ({
    boxes: Array.from(document.querySelectorAll('[data-testid="match"]')).map((li) => {
      const r = li.getBoundingClientRect();
      return { top: r.top + scrollY, bottom: r.bottom + scrollY, right: r.right, width: r.width };
    }),
    video: (() => {
      const r = document.querySelector('[data-testid="viewport"]')!.getBoundingClientRect();
      return { top: r.top + scrollY, bottom: r.bottom + scrollY, right: r.right, width: r.width };
    })(),
  }));
  await page.screenshot({ path: join(OUT, 'phone.png') });
  assert.ok(boxes.every((b) => Math.abs(b.top - boxes[0]!.top) < 1), 'the three memes are in one row');
  assert.ok(boxes.every((b) => b.right <= PHONE.width && b.bottom <= PHONE.height), JSON.stringify(boxes));
  assert.ok(video.width <= PHONE.width && video.bottom <= boxes[0]!.top, JSON.stringify({ video, boxes }));
  await page.setViewportSize(DESKTOP);
});

test('PWA: installable, and offline once loaded the service worker serves the app, models and index; your memes are still there', { skip, timeout: 90_000 }, async () => {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Installable as an app: Chromium's own check finds nothing against it but the test's private profile.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
  const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[] };
  assert.deepEqual(manifest.errors, []);
  await cdp.detach();
  await context.setOffline(true);
  try {
    await page.reload();
    const matches = await waitForMatches(60_000);
    assert.equal(matches.length, 3);
    const reachable = await page.evaluate(() => fetch('/api/not-cached').then(() => true, () => false));
    assert.equal(reachable, false, 'the server really is out of reach');
    await page.waitForFunction(() => /added 1 meme/.test(document.querySelector('[data-testid="yours-status"]')?.textContent ?? ''), undefined, {
      timeout: 15_000,
    });
  } finally {
    await context.setOffline(false);
  }
});

test('without a camera: a clear message, and a pasted photo is matched', { skip, timeout: 60_000 }, async () => {
  const denied = await browser!.newContext({ viewport: DESKTOP });
  denied.on('request', (request) => {
    requests.push({ url: request.url(), method: request.method(), body: request.postDataBuffer()?.length ?? 0 });
  });
  // As when the user refuses the camera prompt.
  await denied.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  try {
    const refused = await denied.newPage();
    refused.on('pageerror', (error) => pageErrors.push(error.message));
    await refused.goto(`${origin}/?backend=wasm&sw=0`);
    await refused.waitForSelector('[data-testid="camera-message"]:not([hidden])');
    assert.match((await refused.textContent('[data-testid="camera-message"]')) ?? '', /refused.*Use a photo/s);
    await refused.waitForFunction(() => /Ready on wasm/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''), undefined, {
      timeout: 45_000,
    });
    const bytes = (await readFile(join(yale!, SCENES[1]!.file))).toString('base64');
    await refused.evaluate((b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, bytes);
    await refused.waitForFunction(() => document.querySelectorAll('[data-testid="match"]').length === 3, undefined, { timeout: 30_000 });
    assert.match((await refused.textContent('[data-testid="status"]')) ?? '', /Your photo/);
    await refused.screenshot({ path: join(OUT, 'no-camera.png') });
  } finally {
    await denied.close();
  }
});

test('no request carries camera frames off the device', { skip }, () => {
  assert.ok(requests.length > 0);
  const offDevice = requests.filter((r) => !r.url.startsWith(`${origin}/`) && !/^(data|blob):/.test(r.url));
  assert.deepEqual(offDevice, [], 'every request goes to the local server');
  const sending = requests.filter((r) => !['GET', 'HEAD'].includes(r.method) || r.body > 0);
  assert.deepEqual(sending, [], 'no request sends a body (no POST, no upload of a frame)');
  assert.deepEqual(pageErrors, []);
  console.log(`web e2e: ${requests.length} requests, all GET to ${origin}, none with a body`);
});

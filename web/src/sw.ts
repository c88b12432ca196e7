/// <reference lib="webworker" />
/**
 * The service worker: the app works offline once loaded. The app shell, the models and the WASM
 * files are cached at install; the collection's index and the meme images are cached as they are
 * fetched (the page asks for its thumbnails to be cached once the index is in). Only same-origin GET
 * requests are touched; nothing is ever sent anywhere.
 */
export {};
declare const self: ServiceWorkerGlobalScope;
/** Set by scripts/build-web.mjs: a hash of the shell, and the shell's URLs. */
declare const __SW_VERSION__: string;
declare const __SW_SHELL__: string[];

const PREFIX = 'meme-mirror-';
/** The shell, models and WASM of this version of the app. */
const APP_CACHE = `${PREFIX}app-${__SW_VERSION__}`;
/** The collection: index, thumbnails, images (their URLs carry the image's hash), kept across versions. */
const DATA_CACHE = `${PREFIX}data-1`;
/** Cached as they are fetched. */
const DATA_PATHS = /^\/(thumbs|memes)\//;

/** What the page needs to run with no network, besides the shell. */
const MODEL_FILES = [
  '/models/human/blazeface.json',
  '/models/human/blazeface.bin',
  '/models/human/facemesh.json',
  '/models/human/facemesh.bin',
  '/models/faceapi/face_expression_model-weights_manifest.json',
  '/models/faceapi/face_expression_model.bin',
  '/wasm/tfjs-backend-wasm.wasm',
  '/wasm/tfjs-backend-wasm-simd.wasm',
  '/wasm/tfjs-backend-wasm-threaded-simd.wasm',
];

/** Answered from the network when it is there (fresh), else from the cache. */
const NETWORK_FIRST = [/^\/$/, /^\/index\.html$/, /^\/api\/info$/, /^\/api\/index$/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const app = await caches.open(APP_CACHE);
      await app.addAll(__SW_SHELL__);
      // Models are best effort: a server without one of them still gets the shell cached.
      await Promise.all(MODEL_FILES.map((url) => app.add(url).catch(() => undefined)));
      // The page fetched the collection before this worker controlled it: fetch it again for offline use.
      await cacheCollection().catch(() => undefined);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== APP_CACHE && name !== DATA_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

/** Caches /api/info and the index it names (the network-first fallbacks of an offline start). */
async function cacheCollection(): Promise<void> {
  const data = await caches.open(DATA_CACHE);
  const response = await fetch('/api/info', { cache: 'no-cache' });
  if (!response.ok) return;
  const info = (await response.clone().json()) as { index?: unknown };
  await data.put('/api/info', response);
  if (typeof info.index === 'string' && info.index.startsWith('/api/index')) {
    const index = await fetch(info.index);
    if (index.ok) await data.put('/api/index', index);
  }
}

/**
 * The network's answer, kept under `key` (the URL without its query: one copy per resource); the
 * kept copy when the network fails.
 */
async function networkFirst(request: Request, cacheName: string, key: string): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request: Request, store: string | undefined): Promise<Response> {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (store && response.status === 200) await (await caches.open(store)).put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(new Request('/'), APP_CACHE, '/'));
  } else if (NETWORK_FIRST.some((re) => re.test(path))) {
    event.respondWith(networkFirst(request, path.startsWith('/api/') ? DATA_CACHE : APP_CACHE, path));
  } else {
    event.respondWith(cacheFirst(request, DATA_PATHS.test(path) ? DATA_CACHE : undefined));
  }
});

/** The page sends the URLs of the collection's thumbnails once its index is in, to have them offline. */
self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; urls?: unknown } | null;
  if (data?.type !== 'cache' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u): u is string => typeof u === 'string' && u.startsWith('/'));
  event.waitUntil(
    (async () => {
      const cache = await caches.open(DATA_CACHE);
      const missing: string[] = [];
      for (const url of urls) if (!(await cache.match(url))) missing.push(url);
      // A few at a time, so the live page keeps the server's attention.
      const CONCURRENCY = 4;
      for (let i = 0; i < missing.length; i += CONCURRENCY) {
        await Promise.all(missing.slice(i, i + CONCURRENCY).map((url) => cache.add(url).catch(() => undefined)));
      }
    })(),
  );
});

/**
 * The page: camera -> flow limiter -> FacePipeline (detect, embed in the page; search in the worker)
 * -> the 3 nearest memes. Also photos (upload, paste), freezing, the meme viewer, your own memes
 * (drop, IndexedDB) and the backend switch. Nothing here sends a camera frame anywhere.
 */
import { describeError } from '../../src/errors.js';
import { decodeImageBlob, fitSize, rgbFromSource } from '../../src/image/decode_browser.js';
import type { RgbImage } from '../../src/image/image_types.js';
import { autoBackend, isBrowserBackendName } from '../../src/runtime/browser_runtime.js';
import type { BrowserBackendChoice, BrowserBackendName } from '../../src/runtime/browser_runtime.js';
import type { ServerInfo } from '../../src/server/api_types.js';
import { CameraError, everyVideoFrame, startCamera } from './camera.js';
import { imagesFromDrop, isImageFile } from './dropped_files.js';
import { FacePipeline, SHOWN_MATCHES } from './face_pipeline.js';
import type { FrameResult } from './face_pipeline.js';
import { FlowLimiter } from './flow_limiter.js';
import { FrameStats, STAGES } from './frame_stats.js';
import { canCopyImages, canShareFiles, copyImage, shareImage } from './meme_actions.js';
import { downloadName, encodePath, isYours, prettyTitle, titleFromPath } from './meme_names.js';
import { renderMatchList, scoreText } from './matches_view.js';
import { drawOverlay } from './overlay.js';
import { SearchClient } from './search_client.js';
import type { ShownMatch } from './search_protocol.js';
import { YourMemesStore, entryOf, sha256Hex, uniqueYourPath } from './your_memes.js';
import type { StoredMeme } from './your_memes.js';

/** Longer side of a camera frame as processed; the detector needs no more. */
const MAX_FRAME_SIDE = 640;
/** Longer side of a photo or one of your memes as processed (larger ones are scaled down). */
const MAX_PHOTO_SIDE = 1920;
/** How long without a face before the page says so, ms. */
const NO_FACE_NOTICE_MS = 1000;
/** How often the speed figures refresh when frames are slow, ms. */
const STATS_REFRESH_MS = 500;
/** How often /api/info is asked while the server indexes, ms. */
const INDEXING_POLL_MS = 1000;
const BACKEND_KEY = 'meme-mirror.backend';

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

const ui = {
  status: el<HTMLParagraphElement>('status'),
  viewport: el<HTMLDivElement>('viewport'),
  video: el<HTMLVideoElement>('video'),
  still: el<HTMLCanvasElement>('still'),
  overlay: el<HTMLCanvasElement>('overlay'),
  cameraMessage: el<HTMLDivElement>('camera-message'),
  freeze: el<HTMLButtonElement>('freeze'),
  cameraButton: el<HTMLButtonElement>('camera-button'),
  photoInput: el<HTMLInputElement>('photo-input'),
  showOverlay: el<HTMLInputElement>('show-overlay'),
  backend: el<HTMLSelectElement>('backend'),
  fps: el<HTMLElement>('fps'),
  backendName: el<HTMLElement>('backend-name'),
  matches: el<HTMLOListElement>('matches'),
  matchesNote: el<HTMLParagraphElement>('matches-note'),
  addFiles: el<HTMLInputElement>('add-files'),
  addFolder: el<HTMLInputElement>('add-folder'),
  yoursStatus: el<HTMLParagraphElement>('yours-status'),
  clearYours: el<HTMLButtonElement>('clear-yours'),
  viewer: el<HTMLDialogElement>('viewer'),
  viewerTitle: el<HTMLHeadingElement>('viewer-title'),
  viewerImage: el<HTMLImageElement>('viewer-image'),
  viewerScore: el<HTMLParagraphElement>('viewer-score'),
  viewerStatus: el<HTMLParagraphElement>('viewer-status'),
  copyMeme: el<HTMLButtonElement>('copy-meme'),
  downloadMeme: el<HTMLAnchorElement>('download-meme'),
  shareMeme: el<HTMLButtonElement>('share-meme'),
  removeMeme: el<HTMLButtonElement>('remove-meme'),
  dropZone: el<HTMLDivElement>('drop-zone'),
  stageTimes: Object.fromEntries(STAGES.map((s) => [s, el<HTMLElement>(`time-${s}`)])) as Record<(typeof STAGES)[number], HTMLElement>,
};

/** live: camera frames flow; frozen: the last frame stays; photo: a still picture; off: no camera. */
type Mode = 'starting' | 'live' | 'frozen' | 'photo' | 'off';

const state = {
  mode: 'starting' as Mode,
  info: undefined as ServerInfo | undefined,
  pipeline: undefined as FacePipeline | undefined,
  stream: undefined as MediaStream | undefined,
  stopFrames: undefined as (() => void) | undefined,
  last: undefined as FrameResult | undefined,
  lastFaceAt: 0,
  shown: [] as ShownMatch[],
  yours: new Map<string, StoredMeme>(),
  yourUrls: new Map<string, string>(),
  store: undefined as YourMemesStore | undefined,
  viewing: undefined as ShownMatch | undefined,
};

const search = new SearchClient('/search_worker.js');
const stats = new FrameStats();
const grab = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
const limiter = new FlowLimiter<number>(processLiveFrame, (error) => setStatus(`A frame failed: ${describeError(error)}`));
let frameNumber = 0;
/** Frames the camera has shown since frames started flowing (where the browser counts them). */
let cameraFrames = 0;
let firstPresented: number | undefined;

function setStatus(text: string): void {
  ui.status.textContent = text;
}

function setAspect(width: number, height: number): void {
  ui.viewport.style.aspectRatio = `${width} / ${height}`;
}

// ---- frames ------------------------------------------------------------------------------------

async function processLiveFrame(): Promise<void> {
  const pipeline = state.pipeline;
  const { videoWidth, videoHeight } = ui.video;
  if (state.mode !== 'live' || !pipeline || videoWidth === 0) return;
  const { width, height } = fitSize(videoWidth, videoHeight, MAX_FRAME_SIDE);
  const image = rgbFromSource(ui.video, width, height, grab);
  const result = await pipeline.process(image);
  show(result, true);
}

function show(result: FrameResult, live: boolean): void {
  state.last = result;
  const now = performance.now();
  drawOverlayFor(result);
  if (live) stats.add(now, result.times);
  showStats();
  if (result.faces.length > 0) {
    state.lastFaceAt = now;
    renderMatches(result.matches);
    ui.matchesNote.textContent = result.matches.length === 0 ? noMemesNote() : '';
  } else if (!live) {
    renderMatches([]);
    ui.matchesNote.textContent = 'No face found in this picture. Try one where a face looks at the camera.';
  } else if (now - state.lastFaceAt > NO_FACE_NOTICE_MS) {
    ui.matchesNote.textContent = noMemes() ? noMemesNote() : 'No face in view: look at the camera.';
  }
}

function drawOverlayFor(result: FrameResult | undefined): void {
  if (result) drawOverlay(ui.overlay, result.image.width, result.image.height, result.faces, ui.showOverlay.checked);
}

function showStats(): void {
  const snapshot = stats.snapshot(performance.now());
  ui.fps.textContent = snapshot.frames >= 2 ? `${snapshot.fps.toFixed(1)} fps` : '–';
  ui.fps.dataset['fps'] = snapshot.fps.toFixed(2);
  // How many camera frames were processed and how many the flow limiter dropped for newer ones.
  ui.fps.dataset['processed'] = String(limiter.stats.processed);
  ui.fps.dataset['dropped'] = String(limiter.stats.dropped);
  ui.fps.dataset['cameraFrames'] = String(cameraFrames);
  // Tensors alive in the page's TensorFlow.js engine: a leak shows as a count that keeps growing.
  if (state.pipeline) ui.fps.dataset['tensors'] = String(state.pipeline.models.numTensors());
  if (state.last) ui.stageTimes.search.dataset['inWorker'] = state.last.searchInWorker.toFixed(3);
  for (const stage of STAGES) {
    const ms = snapshot.stages[stage];
    ui.stageTimes[stage].textContent = snapshot.frames > 0 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : '–';
    ui.stageTimes[stage].dataset['ms'] = ms.toFixed(2);
  }
  ui.backendName.textContent = state.pipeline?.backend ?? '–';
}

function startFrames(): void {
  state.stopFrames?.();
  stats.reset();
  firstPresented = undefined;
  cameraFrames = 0;
  state.stopFrames = everyVideoFrame(ui.video, (presented) => {
    if (presented !== undefined) {
      firstPresented ??= presented;
      cameraFrames = presented - firstPresented + 1;
    }
    limiter.offer(++frameNumber);
  });
}

function stopFrames(): void {
  state.stopFrames?.();
  state.stopFrames = undefined;
  limiter.clear();
}

/** Shows `image` in the still canvas (exactly the pixels matched). */
function showStill(image: RgbImage, mirrored: boolean): void {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    rgba[j] = image.data[i]!;
    rgba[j + 1] = image.data[i + 1]!;
    rgba[j + 2] = image.data[i + 2]!;
    rgba[j + 3] = 255;
  }
  ui.still.width = image.width;
  ui.still.height = image.height;
  ui.still.getContext('2d')!.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
  ui.still.hidden = false;
  ui.video.hidden = true;
  ui.viewport.classList.toggle('mirrored', mirrored);
  setAspect(image.width, image.height);
}

function showVideo(): void {
  ui.still.hidden = true;
  ui.video.hidden = false;
  ui.viewport.classList.add('mirrored');
  ui.viewport.classList.remove('frozen');
  if (ui.video.videoWidth > 0) setAspect(ui.video.videoWidth, ui.video.videoHeight);
}

function setMode(mode: Mode): void {
  state.mode = mode;
  ui.freeze.setAttribute('aria-pressed', String(mode === 'frozen'));
  ui.freeze.textContent = mode === 'frozen' ? 'Unfreeze' : 'Freeze';
  ui.freeze.disabled = !(mode === 'live' || mode === 'frozen');
  ui.cameraButton.hidden = !(mode === 'photo' || mode === 'off');
  ui.cameraButton.textContent = state.stream ? 'Back to camera' : 'Try the camera again';
  ui.viewport.classList.toggle('frozen', mode === 'frozen');
}

async function freeze(): Promise<void> {
  if (state.mode !== 'live') return;
  setMode('frozen');
  stopFrames();
  await limiter.idle();
  if (state.last) showStill(state.last.image, true);
  ui.viewport.classList.add('frozen');
  setStatus('Frozen: the memes stay as they are. Open one to copy, download or share it.');
}

function goLive(): void {
  if (!state.stream) return;
  ui.cameraMessage.hidden = true;
  showVideo();
  setMode('live');
  if (state.pipeline) setStatus(`Live on ${state.pipeline.backend}: make a face.`);
  startFrames();
}

async function backToCamera(): Promise<void> {
  if (state.stream) {
    goLive();
    return;
  }
  await openCamera();
}

async function openCamera(): Promise<void> {
  try {
    state.stream = await startCamera(ui.video);
  } catch (error) {
    const message = error instanceof CameraError ? error.message : `The camera could not start: ${describeError(error)}`;
    ui.cameraMessage.textContent = message;
    ui.cameraMessage.hidden = false;
    setMode(state.mode === 'photo' ? 'photo' : 'off');
    setStatus('No camera: use a photo instead.');
    return;
  }
  if (state.mode !== 'photo') goLive();
  else setMode('photo');
}

// ---- photos -------------------------------------------------------------------------------------

async function usePhoto(blob: Blob, name: string): Promise<void> {
  const pipeline = state.pipeline;
  if (!pipeline) {
    setStatus('The models are still loading; try again in a moment.');
    return;
  }
  stopFrames();
  setMode('photo');
  await limiter.idle();
  stats.reset();
  setStatus(`Matching ${name}…`);
  try {
    const image = await decodeImageBlob(blob, { name, maxSide: MAX_PHOTO_SIDE });
    ui.cameraMessage.hidden = true;
    showStill(image, false);
    const result = await pipeline.process(image);
    show(result, false);
    setStatus(`Your photo: ${result.faces.length === 0 ? 'no face found' : `${result.faces.length} face${result.faces.length > 1 ? 's' : ''}, the largest matched`}.`);
  } catch (error) {
    setStatus(describeError(error));
  }
}

// ---- matches ------------------------------------------------------------------------------------

function memeTitle(path: string): string {
  if (isYours(path)) return titleFromPath(path);
  const title = state.info?.titles[path];
  return title ? prettyTitle(title) : titleFromPath(path);
}

function yourUrl(path: string): string | undefined {
  let url = state.yourUrls.get(path);
  const meme = state.yours.get(path);
  if (!url && meme) {
    url = URL.createObjectURL(meme.blob);
    state.yourUrls.set(path, url);
  }
  return url;
}

function thumbUrl(match: { file: string; version: string }): string {
  return isYours(match.file) ? (yourUrl(match.file) ?? '') : `/thumbs/${encodePath(match.file)}?v=${match.version}`;
}

function fullUrl(match: ShownMatch): string {
  return isYours(match.file) ? (yourUrl(match.file) ?? '') : `/memes/${encodePath(match.file)}?v=${match.version}`;
}

function renderMatches(matches: ShownMatch[]): void {
  renderMatchList(ui.matches, matches, state.shown, { title: memeTitle, thumbUrl, onOpen: openViewer }, SHOWN_MATCHES);
  state.shown = matches;
}

/** True when there is nothing to match against: an empty collection and none of your memes. */
function noMemes(): boolean {
  return (state.info?.collection.faces ?? 0) === 0 && ![...state.yours.values()].some((m) => m.faces.length > 0);
}

function noMemesNote(): string {
  return state.info?.collection.state === 'empty' || state.info?.collection.state === 'error'
    ? state.info.collection.message
    : 'No memes to match yet: drop images on this page to add your own.';
}

// ---- the meme viewer ----------------------------------------------------------------------------

function openViewer(match: ShownMatch): void {
  state.viewing = match;
  const title = memeTitle(match.file);
  const url = fullUrl(match);
  ui.viewerTitle.textContent = title;
  ui.viewerImage.src = url;
  ui.viewerImage.alt = `${title} (meme, full size)`;
  ui.viewerScore.textContent = [scoreText(match), `distance ${match.distance.toFixed(3)}`, match.file].filter(Boolean).join(' · ');
  ui.viewerStatus.textContent = '';
  ui.downloadMeme.href = url;
  ui.downloadMeme.download = downloadName(match.file);
  ui.copyMeme.hidden = !canCopyImages();
  ui.shareMeme.hidden = !canShareFiles();
  ui.removeMeme.hidden = match.source !== 'yours';
  ui.viewer.showModal();
}

async function viewerAction(name: string, action: (match: ShownMatch) => Promise<string>): Promise<void> {
  const match = state.viewing;
  if (!match) return;
  try {
    ui.viewerStatus.textContent = await action(match);
  } catch (error) {
    ui.viewerStatus.textContent = `${name} failed: ${describeError(error)}`;
  }
}

// ---- your memes ---------------------------------------------------------------------------------

function showYoursCount(): void {
  const n = state.yours.size;
  ui.clearYours.hidden = n === 0;
  ui.yoursStatus.textContent = n === 0 ? '' : `You have added ${n} meme${n === 1 ? '' : 's'} in this browser.`;
}

async function embedYours(meme: Omit<StoredMeme, 'faces' | 'modelId'>, pipeline: FacePipeline): Promise<StoredMeme> {
  const image = await decodeImageBlob(meme.blob, { name: meme.path, maxSide: MAX_PHOTO_SIDE });
  const { faces, embeddings } = await pipeline.embedAll(image);
  return {
    ...meme,
    modelId: pipeline.modelId,
    faces: faces.map((f, i) => ({ box: f.box, score: f.score, embedding: Array.from(embeddings[i] ?? []) })),
  };
}

async function addYours(files: File[]): Promise<void> {
  const pipeline = state.pipeline;
  const store = state.store;
  if (!pipeline || !store) {
    ui.yoursStatus.textContent = 'The models are still loading; drop your memes again in a moment.';
    return;
  }
  const images = files.filter(isImageFile);
  if (images.length === 0) {
    ui.yoursStatus.textContent = 'Nothing to add: drop image files (JPEG, PNG, WebP, GIF) or a folder of them.';
    return;
  }
  const known = new Set([...state.yours.values()].map((m) => m.id));
  let added = 0;
  let noFace = 0;
  const failed: string[] = [];
  for (const [i, file] of images.entries()) {
    ui.yoursStatus.textContent = `Adding ${i + 1} of ${images.length}: ${file.name}…`;
    try {
      const id = await sha256Hex(file);
      if (known.has(id)) continue;
      const meme = await embedYours(
        { id, path: uniqueYourPath(file.name, new Set(state.yours.keys())), blob: file, size: file.size, lastModified: file.lastModified, addedAt: Date.now() },
        pipeline,
      );
      await store.put(meme);
      state.yours.set(meme.path, meme);
      known.add(id);
      await search.request({ type: 'upsert-yours', memes: [entryOf(meme)] });
      added++;
      if (meme.faces.length === 0) noFace++;
    } catch (error) {
      failed.push(`${file.name} (${describeError(error)})`);
    }
  }
  showYoursCount();
  const parts = [`Added ${added} of ${images.length} image${images.length === 1 ? '' : 's'}.`];
  if (noFace > 0) parts.push(`${noFace} had no face and will not show up as a match.`);
  if (failed.length > 0) parts.push(`Could not read: ${failed.join(', ')}.`);
  ui.yoursStatus.textContent = parts.join(' ');
}

async function loadYours(pipeline: FacePipeline): Promise<void> {
  try {
    state.store = await YourMemesStore.open();
  } catch (error) {
    ui.yoursStatus.textContent = `Your memes cannot be kept in this browser (${describeError(error)}).`;
    return;
  }
  const stored = await state.store.list();
  const ready: StoredMeme[] = [];
  for (const meme of stored) {
    // Made by another expression model (an update): embed again from the kept image.
    const current = meme.modelId === pipeline.modelId ? meme : await embedYours(meme, pipeline).catch(() => undefined);
    if (!current) continue;
    if (current !== meme) await state.store.put(current);
    state.yours.set(current.path, current);
    ready.push(current);
  }
  if (ready.length > 0) await search.request({ type: 'upsert-yours', memes: ready.map(entryOf) });
  showYoursCount();
}

async function removeYours(paths: string[]): Promise<void> {
  for (const path of paths) {
    const meme = state.yours.get(path);
    if (meme) await state.store?.delete(meme.id);
    state.yours.delete(path);
    const url = state.yourUrls.get(path);
    if (url) URL.revokeObjectURL(url);
    state.yourUrls.delete(path);
  }
  await search.request({ type: 'remove-yours', paths });
  showYoursCount();
  renderMatches(state.shown.filter((m) => !paths.includes(m.file)));
}

// ---- start --------------------------------------------------------------------------------------

async function fetchInfo(): Promise<ServerInfo> {
  const response = await fetch('/api/info', { cache: 'no-cache' });
  if (!response.ok) throw new Error(`The server did not answer /api/info (HTTP ${response.status})`);
  return (await response.json()) as ServerInfo;
}

/** Waits while the server indexes its collection, showing how far it is. */
async function readyInfo(): Promise<ServerInfo> {
  for (;;) {
    const info = await fetchInfo();
    if (info.collection.state !== 'indexing') return info;
    const p = info.collection.progress;
    setStatus(`The server is indexing its memes${p ? `: ${p.done} of ${p.total}` : ''}…`);
    await new Promise((resolve) => setTimeout(resolve, INDEXING_POLL_MS));
  }
}

function backendChoice(): BrowserBackendChoice {
  const fromUrl = new URLSearchParams(location.search).get('backend');
  const chosen = fromUrl ?? localStorage.getItem(BACKEND_KEY) ?? 'auto';
  return chosen === 'auto' || isBrowserBackendName(chosen) ? chosen : 'auto';
}

async function switchBackend(choice: BrowserBackendChoice): Promise<void> {
  const pipeline = state.pipeline;
  if (!pipeline) return;
  localStorage.setItem(BACKEND_KEY, choice);
  const backend: BrowserBackendName = choice === 'auto' ? autoBackend(pipeline.models.webgl) : choice;
  const wasLive = state.mode === 'live';
  stopFrames();
  await limiter.idle();
  setStatus(`Switching to ${backend}…`);
  try {
    await pipeline.setBackend(backend);
    setStatus(`Running on ${backend}.`);
  } catch (error) {
    setStatus(describeError(error));
  }
  // The figures of the old backend say nothing of the new one.
  stats.reset();
  showStats();
  if (wasLive) startFrames();
}

function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || new URLSearchParams(location.search).get('sw') === '0') return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('meme-mirror: no offline support:', error);
  });
}

function cacheForOffline(urls: string[]): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.active?.postMessage({ type: 'cache', urls }))
    .catch(() => undefined);
}

function wireControls(): void {
  ui.video.addEventListener('resize', () => {
    if (!ui.video.hidden) setAspect(ui.video.videoWidth, ui.video.videoHeight);
  });
  ui.freeze.addEventListener('click', () => void (state.mode === 'frozen' ? goLive() : freeze()));
  ui.cameraButton.addEventListener('click', () => void backToCamera());
  ui.photoInput.addEventListener('change', () => {
    const file = ui.photoInput.files?.[0];
    if (file) void usePhoto(file, file.name);
    ui.photoInput.value = '';
  });
  ui.showOverlay.addEventListener('change', () => drawOverlayFor(state.last));
  ui.backend.addEventListener('change', () => void switchBackend(ui.backend.value as BrowserBackendChoice));
  ui.addFiles.addEventListener('change', () => {
    void addYours([...(ui.addFiles.files ?? [])]);
    ui.addFiles.value = '';
  });
  ui.addFolder.addEventListener('change', () => {
    void addYours([...(ui.addFolder.files ?? [])]);
    ui.addFolder.value = '';
  });
  ui.clearYours.addEventListener('click', () => {
    if (confirm(`Remove all ${state.yours.size} of your memes from this browser?`)) void removeYours([...state.yours.keys()]);
  });
  ui.copyMeme.addEventListener('click', () =>
    void viewerAction('Copy', async (m) => {
      await copyImage(fullUrl(m));
      return 'Copied: paste it into your chat.';
    }),
  );
  ui.shareMeme.addEventListener('click', () =>
    void viewerAction('Share', async (m) => ((await shareImage(fullUrl(m), downloadName(m.file), memeTitle(m.file))) ? 'Shared.' : '')),
  );
  ui.removeMeme.addEventListener('click', () =>
    void viewerAction('Remove', async (m) => {
      await removeYours([m.file]);
      ui.viewer.close();
      return '';
    }),
  );

  document.addEventListener('paste', (event) => {
    if (event.target instanceof Element && event.target.closest('input, textarea, [contenteditable]')) return;
    const file = [...(event.clipboardData?.files ?? [])].find(isImageFile);
    if (!file) return;
    event.preventDefault();
    void usePhoto(file, file.name || 'pasted image');
  });

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || ui.viewer.open) return;
    if (event.target instanceof Element && event.target.closest('input[type="text"], textarea, select, [contenteditable]')) return;
    if (event.key === 'f') {
      event.preventDefault();
      ui.freeze.click();
    } else if (event.key === 'l') {
      event.preventDefault();
      ui.showOverlay.click();
    }
  });

  // Drag and drop anywhere adds your own memes.
  let dragDepth = 0;
  const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    dragDepth++;
    ui.dropZone.hidden = false;
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) ui.dropZone.hidden = true;
  });
  document.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    dragDepth = 0;
    ui.dropZone.hidden = true;
    void imagesFromDrop(event.dataTransfer).then(addYours);
  });

  setInterval(showStats, STATS_REFRESH_MS);
}

async function main(): Promise<void> {
  registerServiceWorker();
  wireControls();
  renderMatches([]);
  setMode('starting');
  const choice = backendChoice();
  ui.backend.value = choice;
  // Ask for the camera while the models load: the permission prompt comes at once.
  const camera = openCamera();
  setStatus('Loading the meme index and the models…');
  const info = await readyInfo();
  state.info = info;
  const loaded = await search.request({ type: 'load-collection', url: info.index, modelId: info.model.id, dims: info.model.dims });
  if (info.collection.state !== 'ready') ui.matchesNote.textContent = info.collection.message;
  cacheForOffline(loaded.shown.map((m) => thumbUrl({ file: m.path, version: m.version })));
  state.pipeline = await FacePipeline.create({ model: info.model.name, modelId: info.model.id, backend: choice }, search);
  showStats();
  await loadYours(state.pipeline);
  await camera;
  const memes = info.collection.name ? `${loaded.faces} meme faces in ${info.collection.name}` : 'no meme collection on the server';
  if (state.mode === 'live') {
    setStatus(`Live on ${state.pipeline.backend}: make a face. ${memes[0]!.toUpperCase()}${memes.slice(1)}.`);
  } else if (state.mode === 'off') {
    setStatus(`Ready on ${state.pipeline.backend}: no camera, so use a photo.`);
  }
  if (noMemes()) ui.matchesNote.textContent = noMemesNote();
}

main().catch((error: unknown) => {
  setStatus(`meme-mirror could not start: ${describeError(error)}`);
  console.error(error);
});

// npm run bench [-- --limit N] [--json]: speed of each stage on imgflip-seed, each figure beside a
// peer measured in the same run (a ratio), with the machine noted. Speed lives here, not in tests.
import { cpus, totalmem } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { FACEAPI_BOX_CROP, faceCropBox } from '../src/expression/faceapi_features.js';
import { cropFace, faceApiNetEngine, faceApiNetParams, runFaceApiNet, runFaceApiNetTf, runFaceApiOwn } from '../src/expression/faceapi_net.js';
import { HEAD_INPUTS } from '../src/expression/head_inputs.js';
import { MmExprMlp } from '../src/expression/mm_expr_mlp.js';
import { MemeMirror, MemeIndex, buildIndex, listImages, nodeRuntime } from '../src/index.js';
import type { RgbImage } from '../src/index.js';
import { decodeImageBuffer } from '../src/image/decode_node.js';
import { dataPath } from '../test/helpers/data.js';
import { tempDir } from '../test/helpers/workspace.js';

const { values } = parseArgs({ options: { limit: { type: 'string' }, json: { type: 'boolean' } } });
const seed = dataPath('memes/imgflip-seed');
if (!seed) {
  console.error('bench needs ../shared/data/memes/imgflip-seed (or MEME_MIRROR_DATA)');
  process.exit(1);
}
const files = (await listImages([seed])).slice(0, values.limit ? Number(values.limit) : undefined);

const now = (): number => performance.now();
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
};
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const mm = await MemeMirror.create();
const runtime = await nodeRuntime();
const { tf, human } = runtime;

// Warm-up: first calls compile kernels.
const warm = await decodeImageBuffer(await readFile(files[0]!));
await mm.embedFaces(warm);

const headSpec = mm.model instanceof MmExprMlp ? HEAD_INPUTS[mm.model.inputs] : undefined;
const netParams = faceApiNetParams(runtime);

const decodeMs: number[] = [];
const faceApiMs: number[] = [];
const cropMs: number[] = [];
const networkMs: number[] = [];
const networkTfMs: number[] = [];
const detectMs: number[] = [];
const humanMs: number[] = [];
const embedPerFaceMs: number[] = [];
let faces = 0;
for (const file of files) {
  const bytes = await readFile(file);
  let t = now();
  const image: RgbImage = await decodeImageBuffer(bytes, { name: file });
  decodeMs.push(now() - t);

  // Peer: bare human.detect on the same pixels, same models and settings, no padding or sorting.
  const input = tf.tidy(() => tf.expandDims(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), 0) as Tensor4D);
  t = now();
  await human.detect(input);
  humanMs.push(now() - t);
  input.dispose();

  t = now();
  const found = await mm.detector.detect(image);
  detectMs.push(now() - t);
  if (found.length > 0) {
    t = now();
    await mm.model.embed(image, found);
    embedPerFaceMs.push((now() - t) / found.length);
    t = now();
    // Peer: face-api's own code path on the same faces (v1's crop, its 112 px).
    await runFaceApiOwn(runtime, image, found.map((f) => faceCropBox(f, FACEAPI_BOX_CROP)));
    faceApiMs.push((now() - t) / found.length);
    if (headSpec) {
      // The parts of the embed stage: the crops, then face-api's network on them (the rest is the mesh read-out and the head).
      t = now();
      const crops = found.map((f) => cropFace(image, faceCropBox(f, headSpec.crop), headSpec.side));
      cropMs.push((now() - t) / found.length);
      t = now();
      await runFaceApiNet(runtime, netParams, crops, headSpec.side);
      networkMs.push((now() - t) / found.length);
      // Peer: the same network on TensorFlow.js's WASM backend (the browser's CPU engine).
      t = now();
      await runFaceApiNetTf(runtime, netParams, crops, headSpec.side);
      networkTfMs.push((now() - t) / found.length);
    }
    faces += found.length;
  }
}

// Index throughput (read, hash, decode ahead, detect, embed, checkpoint writes) against the sum of
// the three stages timed one by one above.
const dir = await tempDir();
let t = now();
const summary = await buildIndex(mm, { inputs: files, out: join(dir.path, 'bench.idx') });
const indexSeconds = (now() - t) / 1000;
await dir.dispose();
const stageSeconds = (sum(decodeMs) + sum(detectMs) + sum(embedPerFaceMs)) / 1000;

// Search: exact top-3 over a 100,000-face index, against a full sort of all distances.
const DIMS = mm.model.dims;
const N = 100_000;
const big = MemeIndex.empty('bench@0', DIMS);
const random = (seedValue: number) => () => ((seedValue = (seedValue * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const rnd = random(42);
for (let i = 0; i < N / 100; i++) {
  big.upsertFile(
    { path: `f${i}.jpg`, size: 1, mtimeMs: 0, sha256: '' },
    Array.from({ length: 100 }, () => ({ box: [0, 0, 1, 1] as [number, number, number, number], score: 1, embedding: Array.from({ length: DIMS }, rnd) })),
  );
}
const queries = Array.from({ length: 50 }, () => Float32Array.from({ length: DIMS }, rnd));
t = now();
for (const q of queries) big.search(q, 3);
const searchMs = (now() - t) / queries.length;
const { embeddings } = big.toData();
t = now();
for (const q of queries) {
  const d = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < DIMS; j++) s += (embeddings[i * DIMS + j]! - q[j]!) ** 2;
    d[i] = s;
  }
  Array.from(d.keys()).sort((a, b) => d[a]! - d[b]!).slice(0, 3);
}
const sortMs = (now() - t) / queries.length;
mm.close();

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, tfjs ${tf.version_core} ${tf.getBackend()} backend`;
const result = {
  machine,
  model: mm.modelId,
  images: files.length,
  faces,
  medianMs: {
    decode: median(decodeMs),
    detect: median(detectMs),
    humanDetect: median(humanMs),
    embedPerFace: median(embedPerFaceMs),
    embedCropPerFace: median(cropMs),
    embedNetworkPerFace: median(networkMs),
    networkOnTfjsWasmPerFace: median(networkTfMs),
    faceApiOwnCallPerFace: median(faceApiMs),
  },
  networkEngine: faceApiNetEngine(runtime),
  embedVsFaceApi: median(embedPerFaceMs) / median(faceApiMs),
  networkVsTfjs: median(networkMs) / median(networkTfMs),
  /** Issue 4: the embedding may add at most 5 ms a face on top of detection and landmarks. */
  embedBarMs: 5,
  detectVsHuman: median(detectMs) / median(humanMs),
  index: { seconds: indexSeconds, imagesPerSecond: files.length / indexSeconds, stageSeconds, vsStages: indexSeconds / stageSeconds, faces: summary.faces },
  search: { faces: N, dims: DIMS, top3Ms: searchMs, fullSortMs: sortMs, speedup: sortMs / searchMs },
};
if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (x: number, d = 1): string => x.toFixed(d);
  console.log(`meme-mirror bench on ${machine}
imgflip-seed: ${files.length} images, ${faces} faces, model ${result.model}

stage (median per image)        ms      peer in the same run
  decode (sharp, RGB)       ${f(result.medianMs.decode).padStart(8)}
  detect (FaceDetector)     ${f(result.medianMs.detect).padStart(8)}      bare human.detect ${f(result.medianMs.humanDetect)} ms (ratio ${f(result.detectVsHuman, 2)})
  embed (per face)          ${f(result.medianMs.embedPerFace, 2).padStart(8)}      face-api's own expression call ${f(result.medianMs.faceApiOwnCallPerFace, 2)} ms (ratio ${f(result.embedVsFaceApi, 2)}); ${f((100 * result.medianMs.embedPerFace) / result.medianMs.humanDetect)}% of human.detect
    of which crop ${f(result.medianMs.embedCropPerFace, 2)} ms, network ${f(result.medianMs.embedNetworkPerFace, 2)} ms${headSpec ? ` (${headSpec.side} px)` : ''} on ${result.networkEngine}${runtime.onnx ? ` (${runtime.onnxThreads ?? 1} threads)` : ''}, the rest mesh read-out + head; bar: at most ${result.embedBarMs} ms on top of detect
    the network on TensorFlow.js WASM  ${f(result.medianMs.networkOnTfjsWasmPerFace, 2)} ms (ratio ${f(result.networkVsTfjs, 2)})${runtime.onnxUnavailable ? `; ONNX Runtime not in use: ${runtime.onnxUnavailable}` : ''}

index throughput            ${f(result.index.imagesPerSecond)} img/s (${f(result.index.seconds)} s = ${f(result.index.vsStages, 2)}x the ${f(result.index.stageSeconds)} s of the stages timed alone)
search top-3 of ${N} faces   ${f(result.search.top3Ms, 2)} ms      full sort ${f(result.search.fullSortMs, 1)} ms (${f(result.search.speedup)}x faster)`);
}

/**
 * Extracts the teacher features of every training image once (train_features.ts has the layout):
 * decode, detect (whole image when no face is found), face-api's expression network on each of CACHED_CROPS
 * (logits, pooled features), on the image and on its mirror image, human's emotion
 * model (a baseline) and the face mesh. Runs WORKERS child processes (tfjs's WASM backend uses one thread each).
 *
 *   tsx scripts/train_extract.ts              extracts every set train.ts needs (resumes)
 *   tsx scripts/train_extract.ts --worker SET CHUNK...   (internal) one worker's chunks
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemeMirror } from '../src/pipeline/meme_mirror.js';
import { nodeRuntime } from '../src/runtime/node_runtime.js';
import { faceApiExpressionsInBoxes, faceCropBox } from '../src/expression/faceapi_features.js';
import { mirrorBox } from '../src/face/geometry.js';
import { humanEmotions } from '../src/expression/human_emotion.js';
import { wholeImageFace } from '../src/eval/whole_image_face.js';
import { readFaceSetFolder } from '../src/eval/face_set.js';
import { seededRandom, shuffle } from '../src/util/random.js';
import type { RgbImage } from '../src/image/image_types.js';
import type { DetectedFace } from '../src/face/face_types.js';
import {
  CACHED_CROPS,
  CHUNK_SIZE,
  DATA_DIR,
  FIELD_LENGTH,
  FIELD_OFFSET,
  RECORD_SIZE,
  chunkCount,
  chunkPath,
  setDir,
} from './train_features.js';
import type { CachedFile, FieldName } from './train_features.js';

/** Parallel extraction processes (the machine has 2 cores; WASM runs one thread per process). */
export const WORKERS = Number(process.env['MEME_MIRROR_WORKERS'] ?? 2);

/** A set to extract: its folder under DATA_DIR and, for big sets, at most this many images per label. */
export interface ExtractSpec {
  set: string;
  perLabel?: number;
}

const SUBSET_SEED = 4;

/** The files of a set to extract, seeded: all of them, or up to perLabel of each label. */
async function chooseFiles(spec: ExtractSpec): Promise<CachedFile[]> {
  const faceSet = await readFaceSetFolder(join(DATA_DIR, spec.set));
  const all = faceSet.entries.map((e) => ({ file: e.file, label: e.label, identity: e.identity }));
  if (spec.perLabel === undefined) return all;
  const byLabel = new Map<string, CachedFile[]>();
  for (const f of all) byLabel.set(f.label, [...(byLabel.get(f.label) ?? []), f]);
  const random = seededRandom(SUBSET_SEED);
  const chosen: CachedFile[] = [];
  for (const label of [...byLabel.keys()].sort()) chosen.push(...shuffle(byLabel.get(label)!, random).slice(0, spec.perLabel));
  return chosen;
}

function mirror(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      const dst = (y * width + (width - 1 - x)) * 3;
      out[dst] = data[src]!;
      out[dst + 1] = data[src + 1]!;
      out[dst + 2] = data[src + 2]!;
    }
  }
  return { ...image, data: out } as RgbImage;
}

/** Extracts one worker's chunks of a set. */
async function runWorker(set: string, chunks: number[]): Promise<void> {
  const files = JSON.parse(readFileSync(join(setDir(set), 'files.json'), 'utf8')) as CachedFile[];
  const mm = await MemeMirror.create();
  const runtime = await nodeRuntime();
  for (const chunk of chunks) {
    const path = chunkPath(set, chunk);
    if (existsSync(path)) continue;
    const part = files.slice(chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE);
    const out = new Float32Array(part.length * RECORD_SIZE);
    for (let i = 0; i < part.length; i++) {
      const put = (name: FieldName, values: ArrayLike<number>): void => {
        if (values.length !== FIELD_LENGTH[name]) throw new Error(`${name}: expected ${FIELD_LENGTH[name]} values, got ${values.length}`);
        out.set(values, i * RECORD_SIZE + FIELD_OFFSET[name]);
      };
      const { image } = await mm.decode(join(DATA_DIR, set, part[i]!.file));
      const found = await mm.detector.detect(image);
      const face: DetectedFace = found[0] ?? wholeImageFace(image);
      put('detected', [found[0] ? (found[0].padded ? 2 : 1) : 0]);
      put('box', face.box);
      put('size', [image.width, image.height]);
      const flipped = mirror(image);
      for (const { prefix, side, crop } of CACHED_CROPS) {
        const box = faceCropBox(face, crop);
        const [fa] = await faceApiExpressionsInBoxes(runtime, image, [box], side);
        const [faF] = await faceApiExpressionsInBoxes(runtime, flipped, [mirrorBox(box, image.width)], side);
        put(`${prefix}Logits`, fa!.logits);
        put(`${prefix}Features`, fa!.features);
        put(`${prefix}LogitsFlip`, faF!.logits);
        put(`${prefix}FeaturesFlip`, faF!.features);
      }
      const [emo] = await humanEmotions(runtime, image, [face]);
      put('emotion', emo!);
      if (face.landmarks.length === 468) put('landmarks', face.landmarks.flat());
    }
    writeFileSync(`${path}.tmp`, Buffer.from(out.buffer));
    renameSync(`${path}.tmp`, path);
    process.stderr.write(`  ${set} chunk ${chunk} done (${part.length} images)\n`);
  }
  mm.close();
}

function runChild(set: string, chunks: number[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', set, ...chunks.map(String)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      // The workers run side by side on the machine's cores: one ONNX Runtime thread each.
      env: { ...process.env, MEME_MIRROR_ONNX_THREADS: '1' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`extraction worker for ${set} exited with ${code}`))));
  });
}

/** Extracts every spec'd set that is not cached yet, WORKERS processes at a time. */
export async function extractSets(specs: readonly ExtractSpec[]): Promise<void> {
  for (const spec of specs) {
    const dir = setDir(spec.set);
    mkdirSync(dir, { recursive: true });
    const files = await chooseFiles(spec);
    const listPath = join(dir, 'files.json');
    const list = JSON.stringify(files);
    if (!existsSync(listPath) || readFileSync(listPath, 'utf8') !== list) {
      if (existsSync(listPath)) throw new Error(`${listPath} lists other files than this run would; delete ${dir} to re-extract`);
      writeFileSync(listPath, list);
    }
    const missing = [...Array(chunkCount(files.length)).keys()].filter((c) => !existsSync(chunkPath(spec.set, c)));
    if (missing.length === 0) continue;
    const started = performance.now();
    process.stderr.write(`extracting ${spec.set}: ${files.length} images, ${missing.length} chunks to do, ${WORKERS} workers\n`);
    const shares = [...Array(WORKERS).keys()].map((w) => missing.filter((_, i) => i % WORKERS === w)).filter((s) => s.length > 0);
    await Promise.all(shares.map((chunks) => runChild(spec.set, chunks)));
    process.stderr.write(`extracted ${spec.set} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

if (process.argv[2] === '--worker') {
  const [, , , set, ...chunks] = process.argv;
  await runWorker(set!, chunks.map(Number));
}

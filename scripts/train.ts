/**
 * `npm run train`: trains meme-mirror's expression embedding (mm-expr-mlp) from ../shared/data only
 * ($MEME_MIRROR_DATA overrides), seeded, on 2 CPU cores.
 *
 *  1. Extracts the teacher outputs of every image once into the cache (train_extract.ts; resumes).
 *  2. Trains the head on the people of CK+48 and muxspace that are not held out (src/eval/split.ts)
 *     and on a class-capped sample of FER2013's training split, each face also mirrored.
 *  3. Measures it against the baselines on held-out people only: Yale (never trained on), the
 *     held-out people of CK+48 and muxspace, FER2013's test split.
 *  4. Writes the weights and those figures to src/expression/weights/mm_expr_mlp_weights.ts.
 *
 * Options: --steps N, --seed N, --inputs faceapi|faceapi+emotion, --hidden N, --dims N,
 * --config JSON (any TrainConfig field), --dry-run (no file written), --out FILE, --no-extract
 * (use what the cache holds; sets not fully extracted are left out: for experiments only).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFaceSetFolder } from '../src/eval/face_set.js';
import type { FaceSet } from '../src/eval/face_set.js';
import { chooseEntries } from '../src/eval/select.js';
import { duplicateGroups } from '../src/eval/duplicates.js';
import { sha256File } from '../src/util/sha256_file_node.js';
import type { ModelEval, SetEval } from '../src/eval/evaluate.js';
import { EXPRESSION_LABELS } from '../src/eval/labels.js';
import { hardTripletAccuracy, identityLeakage, precisionAtK, tripletAccuracy } from '../src/eval/metrics.js';
import { formatSetEval } from '../src/eval/report.js';
import { isHeldOut } from '../src/eval/split.js';
import { softmax } from '../src/eval/baselines.js';
import { hellingerEmbedding } from '../src/expression/faceapi_hellinger.js';
import { FACEAPI_INPUT_SIZE, FACEAPI_TEACHER_CROP } from '../src/expression/faceapi_features.js';
import { HEAD_INPUTS, headInput, isHeadInputName } from '../src/expression/head_inputs.js';
import type { HeadInputName, TeacherOutputs } from '../src/expression/head_inputs.js';
import { encodeFloat32Base64 } from '../src/expression/mlp_head.js';
import { MESH_FEATURES, eyeOpening, meshFeatures } from '../src/expression/mesh_features.js';
import { mmExprEmbedding } from '../src/expression/mm_expr_embedding.js';
import type { EyeCoordinate, MmExprParams } from '../src/expression/mm_expr_embedding.js';
import type { MlpWeights } from '../src/expression/mlp_head.js';
import { DATA_DIR, cachedCropOf, field, loadCachedSet } from './train_features.js';
import type { CachedSet, CropPrefix } from './train_features.js';
import { extractSets } from './train_extract.js';
import type { ExtractSpec } from './train_extract.js';
import { DEFAULT_TRAIN_CONFIG, eyeStatistics, setDeidentifiedTargets, trainHead, useWasmBackend } from './train_model.js';
import type { Example, TrainConfig } from './train_model.js';

/**
 * Validation: the people of each set held out of training (src/eval/split.ts), all of them, logged
 * against the baselines. `testLimit`: the seeded sample (eval's --limit, seed 1) whose figures are
 * written beside the weights for test/mm_expr_mlp.test.ts to re-measure through the real pipeline
 * in a few minutes.
 */
const VALIDATION_SETS: readonly { set: string; testLimit?: number }[] = [
  { set: 'expressions/yale' },
  { set: 'expressions/ckplus48' },
  { set: 'expressions/muxspace', testLimit: 500 },
  { set: 'expressions/fer2013-test', testLimit: 500 },
];

/** FER2013's training split is capped per label: enough faces for scale, within the hour of extraction. */
const FER_TRAIN_PER_LABEL = 2000;

const TRAIN_SPECS: ExtractSpec[] = [
  { set: 'expressions/ckplus48' },
  { set: 'expressions/muxspace' },
  { set: 'expressions/fer2013-train', perLabel: FER_TRAIN_PER_LABEL },
];
const VALIDATION_SPECS: ExtractSpec[] = [{ set: 'expressions/yale' }, { set: 'expressions/fer2013-test' }];

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    steps: { type: 'string' },
    seed: { type: 'string' },
    inputs: { type: 'string' },
    hidden: { type: 'string' },
    dims: { type: 'string' },
    'dry-run': { type: 'boolean' },
    out: { type: 'string' },
    config: { type: 'string' },
    ensemble: { type: 'string' },
    'no-extract': { type: 'boolean' },
  },
});
const inputName = (values.inputs ?? 'faceapi112m120+mesh') as HeadInputName;
if (!isHeadInputName(inputName)) throw new Error(`Expected --inputs to be one of ${Object.keys(HEAD_INPUTS).join(', ')}, but got '${inputName}'`);
const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  ...(values.config ? (JSON.parse(values.config) as Partial<TrainConfig>) : {}),
  ...(values.steps ? { steps: Number(values.steps) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values.hidden ? { hidden: Number(values.hidden) } : {}),
  ...(values.dims ? { dims: Number(values.dims) } : {}),
};

const started = performance.now();
if (!values['no-extract']) await extractSets([...TRAIN_SPECS, ...VALIDATION_SPECS]);

/** A cached set, or undefined (said loudly) when --no-extract and it is not fully extracted. */
function cached(set: string): CachedSet | undefined {
  try {
    return loadCachedSet(set);
  } catch (error) {
    if (!values['no-extract']) throw error;
    log(`!!! ${set} is not fully extracted: left out of this run`);
    return undefined;
  }
}
const extractSeconds = (performance.now() - started) / 1000;

await useWasmBackend();

const LABELS = [...EXPRESSION_LABELS] as string[];
/** The cached crop the head reads, and the one whose face-api outputs are distilled into it. */
const headCrop = cachedCropOf(HEAD_INPUTS[inputName].side, HEAD_INPUTS[inputName].crop);
const TEACHER_CROP: CropPrefix = cachedCropOf(FACEAPI_INPUT_SIZE, FACEAPI_TEACHER_CROP);
const setName = (set: string): string => set.split('/').pop()!;

/** The teacher outputs of a cached crop (by default the one the head input reads). */
function teachersOf(c: CachedSet, i: number, flip: boolean, prefix: CropPrefix = headCrop): TeacherOutputs {
  const f = (name: 'Logits' | 'Features'): Float32Array => field(c.records, i, `${prefix}${name}${flip ? 'Flip' : ''}`);
  return {
    faceapi: { features: f('Features'), logits: f('Logits') },
    emotion: field(c.records, i, 'emotion'), // not mirrored: a baseline only
    mesh: meshFeatures(field(c.records, i, 'landmarks'), flip),
  };
}

// Training examples: every face of a person not held out, and its mirror image.
const examples: Example[] = [];
const groups = new Map<string, number>();
const moments = new Map<string, number>();
/** The recorded sequence an image is a frame of, from CK+'s file names (S010_004_00000017.png), else undefined. */
function sequenceOf(file: string): string | undefined {
  return /(?:^|\/)(S\d+_\d+)_\d+\.\w+$/.exec(file)?.[1];
}
/** Per example: face-api's inner features (log 1 + x) and the mesh geometry, the de-identified distillation targets' source. */
const innerTeachers: Float32Array[] = [];
function innerTeacher(t: TeacherOutputs): Float32Array {
  const out = new Float32Array(256 + MESH_FEATURES);
  for (let k = 0; k < 256; k++) out[k] = Math.log1p(Math.max(0, t.faceapi.features[k]!));
  out.set(t.mesh!, 256);
  return out;
}
/**
 * The eye coordinate's centre and unit come from the training faces of these sets. FER2013's 48x48
 * in-the-wild faces are left out: their mesh eye openings spread 1.7x as widely (SD 0.039 against
 * CK+'s 0.023 and muxspace's 0.022) and hardly follow the label (means by label 0.095 to 0.105; CK+
 * surprise 0.118 against disgust 0.091), noise that would shrink the coordinate on every other face.
 */
const EYE_STATISTICS_SETS = ['expressions/ckplus48', 'expressions/muxspace'];
const eyeOpenings: number[] = [];
/**
 * The sha256 of every held-out image of every validation set: a training image with the same bytes
 * is the same photo, and is left out (FER2013 files 314 of its test photos in its training split too).
 */
const validationFaceSets = new Map<string, FaceSet>();
const validationDigests = new Map<string, string>(); // path -> sha256, reused by the report's duplicates
for (const { set } of VALIDATION_SETS) {
  const faceSet = await readFaceSetFolder(join(DATA_DIR, set));
  validationFaceSets.set(set, faceSet);
  for (const e of chooseEntries(faceSet, { heldOut: true })) validationDigests.set(e.path, await sha256File(e.path));
}
const validationDigestSet = new Set(validationDigests.values());
for (const spec of TRAIN_SPECS) {
  const c = cached(spec.set);
  if (!c) continue;
  const name = setName(spec.set);
  let used = 0;
  let seen = 0;
  for (const [i, f] of c.files.entries()) {
    if (isHeldOut(name, f.identity)) continue;
    // One file open at a time (12,000 at once could run out of file handles).
    if (validationDigestSet.has(await sha256File(join(DATA_DIR, spec.set, f.file)))) {
      seen++;
      continue;
    }
    const label = LABELS.indexOf(f.label);
    if (label < 0) throw new Error(`${spec.set}: label '${f.label}' is not one of ${LABELS.join(', ')}`);
    const key = f.identity === '' ? `${name}/#${i}` : `${name}/${f.identity}`;
    if (!groups.has(key)) groups.set(key, groups.size);
    // Frames of one recorded sequence (CK+: three near-identical peak frames) are one moment, like a
    // face and its mirror image: neither positives nor negatives of each other.
    const moment = `${name}/${sequenceOf(f.file) ?? `#${i}`}`;
    if (!moments.has(moment)) moments.set(moment, moments.size);
    for (const flip of [false, true]) {
      // The head reads its own input; the distilled teacher is face-api at its own 112 px on the mesh crop.
      const teacher112 = teachersOf(c, i, flip, TEACHER_CROP);
      const own = teachersOf(c, i, flip);
      examples.push({
        x: headInput(inputName, own),
        label,
        group: groups.get(key)!,
        image: moments.get(moment)!,
        teacherLogits: teacher112.faceapi.logits,
        inputLogits: own.faceapi.logits,
      });
      innerTeachers.push(innerTeacher(teacher112));
      const opening = !flip && EYE_STATISTICS_SETS.includes(spec.set) ? eyeOpening(own.mesh!) : undefined;
      if (opening !== undefined) eyeOpenings.push(opening);
    }
    used++;
  }
  log(`${spec.set}: ${used} of ${c.files.length} images for training${seen > 0 ? ` (${seen} left out: the same bytes as a validation image)` : ''}`);
}

setDeidentifiedTargets(examples, innerTeachers);
/** Heads trained from seeds seed, seed+1, ...: their outputs side by side (an ensemble). */
const ensemble = Number(values.ensemble ?? 1);
const heads: MlpWeights[] = [];
let trainSeconds = 0;
for (let h = 0; h < ensemble; h++) {
  const result = await trainHead(examples, LABELS.length, { ...config, seed: config.seed + h }, log);
  heads.push(result.weights);
  trainSeconds += result.seconds;
}
log(`trained in ${trainSeconds.toFixed(0)} s`);
const eye: EyeCoordinate | undefined = config.eyeWeight > 0 ? { weight: config.eyeWeight, ...eyeStatistics(eyeOpenings) } : undefined;
if (eye) log(`eye coordinate: weight ${eye.weight}, mean ${eye.mean.toFixed(4)}, scale ${eye.scale.toFixed(4)} (${eyeOpenings.length} faces)`);
const params: MmExprParams = { inputs: inputName, hellingerWeight: config.hellingerWeight, heads, ...(eye ? { eye } : {}) };

// Validation on held-out people, against the baselines, from the same cached teacher outputs.
function measure(name: string, id: string, embeddings: Float32Array[], labels: string[], identities: string[]): ModelEval {
  const data = { embeddings, labels, identities };
  return {
    name,
    id,
    dims: embeddings[0]?.length ?? 0,
    triplet: tripletAccuracy(data),
    hardTriplet: hardTripletAccuracy(data),
    precision: precisionAtK(data),
    leakage: identityLeakage(data),
    msPerFace: Number.NaN,
  };
}

/** Figures of this run's model on the test samples, as written beside the weights. */
interface TestFigures {
  set: string;
  limit: number | null;
  images: number;
  triplet: number;
  hardTriplet: number;
  precisionAt3: number;
  leakage: number;
  leakageOtherLabel: number;
}

const validation: SetEval[] = [];
const testFigures: TestFigures[] = [];
for (const { set, testLimit } of VALIDATION_SETS) {
  const c = cached(set);
  if (!c) continue;
  const faceSet = validationFaceSets.get(set)!;
  const row = new Map(c.files.map((f, i) => [f.file, i]));
  const entries = chooseEntries(faceSet, { heldOut: true });
  const rows = entries.map((e) => row.get(e.file)!);
  const labels = entries.map((e) => e.label);
  const identities = faceSet.hasIdentities ? entries.map((e) => e.identity) : entries.map(() => '');
  const sample = chooseEntries(faceSet, { heldOut: true, ...(testLimit !== undefined ? { limit: testLimit } : {}) });
  const sampled = measure(
    'mm-expr-mlp',
    'mm-expr-mlp (this run)',
    sample.map((e) => mmExprEmbedding(params, teachersOf(c, row.get(e.file)!, false))),
    sample.map((e) => e.label),
    sample.map((e) => (faceSet.hasIdentities ? e.identity : '')),
  );
  testFigures.push({
    set: setName(set),
    limit: testLimit ?? null,
    images: sample.length,
    triplet: round(sampled.triplet.accuracy),
    hardTriplet: round(sampled.hardTriplet.accuracy),
    precisionAt3: round(sampled.precision.precision),
    leakage: round(sampled.leakage.leakage),
    leakageOtherLabel: round(sampled.leakage.otherLabel),
  });
  const logits = (i: number): Float32Array => field(c.records, i, 'faLogits');
  const models: ModelEval[] = [
    measure('mm-expr-mlp', 'mm-expr-mlp (this run)', rows.map((i) => mmExprEmbedding(params, teachersOf(c, i, false))), labels, identities),
    measure('faceapi-hellinger', 'faceapi-hellinger@1', rows.map((i) => hellingerEmbedding(logits(i))), labels, identities),
    measure('faceapi-probs', 'faceapi-probs@1', rows.map((i) => softmax(logits(i))), labels, identities),
    measure('faceapi-probs-mesh', 'faceapi-probs-mesh@1', rows.map((i) => softmax(field(c.records, i, `${TEACHER_CROP}Logits`))), labels, identities),
    measure('faceapi-features', 'faceapi-features@1', rows.map((i) => Float32Array.from(field(c.records, i, 'faFeatures'))), labels, identities),
    measure('human-emotion', 'human-emotion@1', rows.map((i) => Float32Array.from(field(c.records, i, 'emotion'))), labels, identities),
    measure('mesh-geometry', 'mesh-geometry@1', rows.map((i) => meshFeatures(field(c.records, i, 'landmarks'))), labels, identities),
  ];
  const found = rows.filter((i) => field(c.records, i, 'detected')[0]! > 0).length;
  const labelCounts: Record<string, number> = {};
  for (const l of [...labels].sort()) labelCounts[l] = (labelCounts[l] ?? 0) + 1;
  const evaluation: SetEval = {
    folder: join(DATA_DIR, set),
    name: setName(set),
    images: faceSet.entries.length,
    evaluated: entries.length,
    found,
    fallback: entries.length - found,
    failed: 0,
    people: faceSet.hasIdentities ? new Set(identities).size : 0,
    hasIdentities: faceSet.hasIdentities,
    heldOut: true,
    labels: labelCounts,
    duplicates: await duplicateGroups(entries, async (path) => validationDigests.get(path) ?? sha256File(path)),
    models,
  };
  validation.push(evaluation);
  for (const line of formatSetEval(evaluation)) log(line);
  for (const m of models.slice(0, 2)) {
    log(`  P@3 by label, ${m.id}: ${Object.entries(m.precision.byLabel).map(([l, v]) => `${l} ${v.toFixed(2)}`).join(', ')}`);
  }
  log('');
}

const seconds = (performance.now() - started) / 1000;
log(`extraction ${extractSeconds.toFixed(0)} s, training ${trainSeconds.toFixed(0)} s, total ${seconds.toFixed(0)} s`);

if (!values['dry-run']) {
  const out = values.out ?? new URL('../src/expression/weights/mm_expr_mlp_weights.ts', import.meta.url).pathname;
  writeFileSync(out, weightsModule(heads, testFigures, validation));
  log(`wrote ${out}`);
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10000) / 10000 : Number.NaN;
}

function weightsModule(trained: readonly MlpWeights[], figures: readonly TestFigures[], sets: readonly SetEval[]): string {
  const full = sets.map((s) => {
    const m = s.models[0]!;
    return {
      set: s.name,
      images: s.evaluated,
      triplet: round(m.triplet.accuracy),
      hardTriplet: round(m.hardTriplet.accuracy),
      precisionAt3: round(m.precision.precision),
      leakage: round(m.leakage.leakage),
      leakageOtherLabel: round(m.leakage.otherLabel),
    };
  });
  const b64 = (a: Float32Array): string => `'${encodeFloat32Base64(a)}'`;
  return `// Generated by \`npm run train\` (scripts/train.ts): do not edit by hand.
// The trained head of mm-expr-mlp (its id: MmExprMlp.ID); docs/expression-model.md is its model card.
import type { HeadInputName } from '../head_inputs.js';

export const MM_EXPR_MLP_WEIGHTS = {
  inputs: '${inputName}' satisfies HeadInputName,
  hellingerWeight: ${config.hellingerWeight},${eye ? `\n  /** How open the eyes are, one coordinate after the heads' unit output (mm_expr_embedding.ts EyeCoordinate). */\n  eye: ${JSON.stringify(eye)},` : ''}
  training: ${JSON.stringify({ ...config, ensemble, examples: examples.length, seconds: Math.round(trainSeconds) })},
  /** Figures on every held-out person of each validation set (from the cached teacher outputs). */
  validation: ${JSON.stringify(full, null, 2).replace(/\n/g, '\n  ')},
  /** The same on eval's seeded samples (--held-out --limit N): test/mm_expr_mlp.test.ts re-measures these through the pipeline. */
  testSamples: ${JSON.stringify(figures, null, 2).replace(/\n/g, '\n  ')},
  heads: [
${trained
  .map(
    (w) => `    {
      inputMean: ${b64(w.inputMean)},
      inputScale: ${b64(w.inputScale)},
      layers: [
${w.layers.map((l) => `        { inputs: ${l.inputs}, outputs: ${l.outputs}, activation: '${l.activation}', weights: ${b64(l.weights)}, bias: ${b64(l.bias)} },`).join('\n')}
      ],
    },`,
  )
  .join('\n')}
  ],
} as const;
`;
}

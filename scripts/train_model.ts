/**
 * Trains the expression head (an MLP on teacher outputs) with TensorFlow.js: a supervised contrastive
 * loss whose positives are *other people* with the same label and whose negatives include the same
 * person with another label (weighted up), so identity is pushed out by construction; plus the
 * teachers distilled into the embedding (a linear read-out must recover face-api's softened
 * probabilities) and a label read-out. Seeded; the trained layers come out as plain arrays.
 */
import { createRequire } from 'node:module';
import type * as tfc from '@tensorflow/tfjs-core';
import { randomInt, seededRandom, shuffle } from '../src/util/random.js';
import type { DenseLayer, MlpWeights } from '../src/expression/mlp_head.js';

const require = createRequire(import.meta.url);
/** TensorFlow.js with every op's gradient registered (the union package does that; tfjs-core alone does not). */
export const tf = require('@tensorflow/tfjs') as typeof tfc;
type Variable = tfc.Variable;
type Scalar = tfc.Scalar;

/** Runs training on tfjs's WASM backend (dense layers train fine there; a few ms a step on one core). */
export async function useWasmBackend(): Promise<void> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(path: string): void };
  wasm.setWasmPaths(`${require.resolve('@tensorflow/tfjs-backend-wasm').replace(/[^/]+$/, '')}`);
  await tf.setBackend('wasm');
  await tf.ready();
}

/** One training example: the head's input for one face (or its mirror image). */
export interface Example {
  x: Float32Array;
  /** Index into the label list. */
  label: number;
  /** Who: faces of one person share a group; a face without identity is its own group. */
  group: number;
  /** Which image: a face and its mirror image share it. */
  image: number;
  /** face-api's logits on this face, distilled into the embedding. */
  teacherLogits: Float32Array;
  /** face-api's logits on the head's own crop: the Hellinger vector placed beside the head reads these. */
  inputLogits: Float32Array;
  /** What distinguishes this face from its person's other faces in the teachers' inner signals (setDeidentifiedTargets). */
  deidentified?: Float32Array;
}

/**
 * De-identified distillation targets: each face's inner teacher signals (face-api's pooled features,
 * mesh geometry) minus the mean of its person's faces, standardised. What is left is how this face
 * differs from the same person's other faces: expression (and light, pose), not who it is. Only for
 * people with 2 or more images; mesh parts only where the mesh exists (flag at MESH offset + 0).
 */
export function setDeidentifiedTargets(examples: Example[], inner: readonly Float32Array[]): void {
  const dims = inner[0]?.length ?? 0;
  const byGroup = new Map<number, number[]>();
  examples.forEach((e, i) => byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), i]));
  const deltas = new Map<number, Float32Array>();
  for (const ids of byGroup.values()) {
    if (new Set(ids.map((i) => examples[i]!.image)).size < 2) continue;
    const mean = new Float32Array(dims);
    for (const i of ids) inner[i]!.forEach((v, k) => (mean[k]! += v / ids.length));
    for (const i of ids) deltas.set(i, inner[i]!.map((v, k) => v - mean[k]!));
  }
  const sd = new Float32Array(dims);
  for (const d of deltas.values()) d.forEach((v, k) => (sd[k]! += (v * v) / deltas.size));
  for (const [i, d] of deltas) examples[i]!.deidentified = d.map((v, k) => v / Math.max(Math.sqrt(sd[k]!), 1e-3));
}

export interface TrainConfig {
  seed: number;
  hidden: number;
  dims: number;
  steps: number;
  learningRate: number;
  /** Similarity temperature of the contrastive loss. */
  temperature: number;
  /** Weight of a same-person, other-label negative in the contrastive loss (1 = as any negative). */
  samePersonNegativeWeight: number;
  /**
   * Weight of the anchor's own faces with the *same* label in the softmax denominator (0 = left out).
   * Above 0 they compete with the positives (other people, same label): the same person making the
   * same face must come no nearer than someone else making it, which is what identity leakage counts.
   */
  samePersonSameLabelWeight: number;
  /** Weights of the label read-out and of the distilled teacher in the loss. */
  labelWeight: number;
  distilWeight: number;
  /**
   * Weight of relational distillation: the cosine similarity of two faces' embeddings should stay
   * the Bhattacharyya coefficient of face-api's softened distributions (the v1 geometry), so that
   * what the labels do not say (a wink, a sleepy face) keeps the teacher's graded distances.
   */
  relationalWeight: number;
  /** Temperature of face-api's softmax in the relational target (2: the v1 geometry; 1: its raw probabilities). */
  relationalTemperature: number;
  /** Weight of the de-identified inner teacher signals, read out linearly from the embedding. */
  deidentifiedWeight: number;
  /** Temperature of the distilled face-api probabilities. */
  distilTemperature: number;
  /** Standard deviation of Gaussian noise on the standardised inputs. */
  inputNoise: number;
  /** People per batch (up to imagesPerPerson faces each, several labels) and single faces per batch. */
  peoplePerBatch: number;
  imagesPerPerson: number;
  singlesPerBatch: number;
  weightDecay: number;
  /** A face and its mirror image are positives of each other (else neither positive nor negative). */
  mirrorPositives: boolean;
  /** Weight of face-api's Hellinger vector beside the head's output (mm_expr_embedding.ts); 0 = head alone. */
  hellingerWeight: number;
  /**
   * Weight of the eye-opening coordinate placed after the head's unit output (mm_expr_embedding.ts
   * EyeCoordinate); 0 = none. It is set after training, not learnt: trained with it inside the
   * contrastive loss, the head gave the same held-out figures (docs/expression-model.md).
   */
  eyeWeight: number;
}

/**
 * The configuration of the committed model, chosen on the held-out people of every validation set
 * together (docs/expression-model.md lists what else was measured).
 */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  seed: 1,
  hidden: 64,
  dims: 32,
  steps: 2000,
  learningRate: 1e-3,
  temperature: 0.1,
  samePersonNegativeWeight: 30,
  samePersonSameLabelWeight: 0,
  labelWeight: 0.5,
  distilWeight: 0.5,
  distilTemperature: 2,
  deidentifiedWeight: 1,
  relationalWeight: 200,
  relationalTemperature: 2,
  inputNoise: 0.4,
  peoplePerBatch: 24,
  imagesPerPerson: 6,
  singlesPerBatch: 96,
  weightDecay: 1e-4,
  mirrorPositives: false,
  hellingerWeight: 0,
  eyeWeight: 0.4,
};

/** Mean and spread of eye openings (the eye coordinate's centre and unit). */
export function eyeStatistics(openings: readonly number[]): { mean: number; scale: number } {
  if (openings.length === 0) throw new Error('Expected training faces with a face mesh for the eye coordinate, but got none');
  const mean = openings.reduce((a, b) => a + b, 0) / openings.length;
  const scale = Math.sqrt(openings.reduce((a, v) => a + (v - mean) ** 2, 0) / openings.length);
  if (!(scale > 0)) throw new Error(`Expected eye openings that vary, but all ${openings.length} are ${mean}`);
  return { mean, scale };
}

/** Mean and spread of each input over the training examples. */
export function inputStatistics(examples: readonly Example[]): { mean: Float32Array; scale: Float32Array } {
  const dims = examples[0]!.x.length;
  const mean = new Float32Array(dims);
  const sq = new Float64Array(dims);
  for (const { x } of examples) for (let i = 0; i < dims; i++) mean[i]! += x[i]! / examples.length;
  for (const { x } of examples) for (let i = 0; i < dims; i++) sq[i]! += (x[i]! - mean[i]!) ** 2 / examples.length;
  const scale = Float32Array.from(sq, (v) => Math.max(Math.sqrt(v), 1e-3));
  return { mean, scale };
}

/** Draws batches: whole people with several labels (same-person negatives) plus single faces, labels balanced by sqrt(count). */
class BatchSampler {
  readonly #random: () => number;
  readonly #people: number[][];
  readonly #byLabel: number[][];
  readonly #labelCdf: number[];

  constructor(readonly examples: readonly Example[], readonly config: TrainConfig) {
    this.#random = seededRandom(config.seed * 7919 + 1);
    const groups = new Map<number, number[]>();
    examples.forEach((e, i) => groups.set(e.group, [...(groups.get(e.group) ?? []), i]));
    this.#people = [...groups.values()].filter((ids) => new Set(ids.map((i) => examples[i]!.label)).size >= 2);
    const labels = Math.max(...examples.map((e) => e.label)) + 1;
    this.#byLabel = Array.from({ length: labels }, () => []);
    examples.forEach((e, i) => this.#byLabel[e.label]!.push(i));
    const weights = this.#byLabel.map((ids) => Math.sqrt(ids.length));
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.#labelCdf = weights.map((w) => (acc += w / total));
  }

  get people(): number {
    return this.#people.length;
  }

  next(): number[] {
    const batch: number[] = [];
    const random = this.#random;
    for (let p = 0; p < this.config.peoplePerBatch && this.#people.length > 0; p++) {
      const person = this.#people[randomInt(random, this.#people.length)]!;
      batch.push(...shuffle([...person], random).slice(0, this.config.imagesPerPerson));
    }
    for (let s = 0; s < this.config.singlesPerBatch; s++) {
      const u = random();
      const label = Math.max(0, this.#labelCdf.findIndex((c) => u <= c));
      const ids = this.#byLabel[label]!;
      batch.push(ids[randomInt(random, ids.length)]!);
    }
    return batch;
  }
}

function glorot(random: () => number, inputs: number, outputs: number): Float32Array {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * limit);
}

export interface TrainResult {
  weights: MlpWeights;
  seconds: number;
  finalLoss: number;
}

/** Trains the head on the examples; returns its weights (input statistics folded in). */
export async function trainHead(examples: readonly Example[], labelCount: number, config: TrainConfig, log: (line: string) => void): Promise<TrainResult> {
  const started = performance.now();
  const random = seededRandom(config.seed);
  const { mean, scale } = inputStatistics(examples);
  const dims = mean.length;
  const standardised = examples.map(({ x }) => x.map((v, i) => (v - mean[i]!) / scale[i]!));
  const w1 = tf.variable(tf.tensor2d(glorot(random, dims, config.hidden), [dims, config.hidden]));
  const b1 = tf.variable(tf.zeros([config.hidden]));
  const w2 = tf.variable(tf.tensor2d(glorot(random, config.hidden, config.dims), [config.hidden, config.dims]));
  const b2 = tf.variable(tf.zeros([config.dims]));
  const zDims = config.dims + (config.hellingerWeight > 0 ? 7 : 0);
  const wLabel = tf.variable(tf.tensor2d(glorot(random, zDims, labelCount), [zDims, labelCount]));
  const bLabel = tf.variable(tf.zeros([labelCount]));
  const wDistil = tf.variable(tf.tensor2d(glorot(random, zDims, 7), [zDims, 7]));
  const bDistil = tf.variable(tf.zeros([7]));
  const targetDims = examples.find((e) => e.deidentified)?.deidentified?.length ?? 1;
  const wDeident = tf.variable(tf.tensor2d(glorot(random, zDims, targetDims), [zDims, targetDims]));
  const trained = [w1, b1, w2, b2];
  const optimizer = tf.train.adam(config.learningRate);
  const sampler = new BatchSampler(examples, config);
  log(`training: ${examples.length} examples, ${sampler.people} people with several labels, ${config.steps} steps`);
  let smoothed = Number.NaN;
  for (let step = 0; step < config.steps; step++) {
    const batch = sampler.next();
    const n = batch.length;
    const xData = new Float32Array(n * dims);
    batch.forEach((id, r) => {
      const x = standardised[id]!;
      for (let i = 0; i < dims; i++) xData[r * dims + i] = x[i]! + config.inputNoise * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    });
    // Masks: positives (same label, another person); the log-weights of the softmax denominator
    // (-inf for the anchor itself and its own same-label faces, log w for its own other-label faces).
    const pos = new Float32Array(n * n);
    const logW = new Float32Array(n * n);
    const hasPos = new Float32Array(n);
    for (let a = 0; a < n; a++) {
      const ea = examples[batch[a]!]!;
      for (let k = 0; k < n; k++) {
        const ek = examples[batch[k]!]!;
        const samePerson = ea.group === ek.group;
        const sameLabel = ea.label === ek.label;
        if (config.mirrorPositives && a !== k && ea.image === ek.image) {
          pos[a * n + k] = 1;
          hasPos[a] = 1;
        } else if (a === k || ea.image === ek.image) logW[a * n + k] = -1e4;
        else if (samePerson && sameLabel) logW[a * n + k] = config.samePersonSameLabelWeight > 0 ? Math.log(config.samePersonSameLabelWeight) : -1e4;
        else if (samePerson) logW[a * n + k] = Math.log(config.samePersonNegativeWeight);
        else if (sameLabel) {
          pos[a * n + k] = 1;
          hasPos[a] = 1;
        }
      }
    }
    const labels = Int32Array.from(batch, (id) => examples[id]!.label);
    const teacher = new Float32Array(n * 7);
    batch.forEach((id, r) => teacher.set(examples[id]!.teacherLogits, r * 7));
    const own = new Float32Array(n * 7);
    batch.forEach((id, r) => own.set(examples[id]!.inputLogits, r * 7));
    const targets = new Float32Array(n * targetDims);
    const hasTarget = new Float32Array(n);
    batch.forEach((id, r) => {
      const t = examples[id]!.deidentified;
      if (t) {
        targets.set(t, r * targetDims);
        hasTarget[r] = 1;
      }
    });
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const x = tf.tensor2d(xData, [n, dims]);
        const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const e = tf.add(tf.matMul(h, w2), b2);
        // Beside face-api's Hellinger vector (softmax at temperature 2, square roots), when asked.
        const full =
          config.hellingerWeight > 0
            ? tf.concat([tf.mul(tf.sqrt(tf.softmax(tf.div(tf.tensor2d(own, [n, 7]), 2))), config.hellingerWeight), tf.div(e, tf.add(tf.norm(e, 'euclidean', 1, true), 1e-8))], 1)
            : e;
        const z = tf.div(full, tf.add(tf.norm(full, 'euclidean', 1, true), 1e-8));
        const sim = tf.div(tf.matMul(z, z, false, true), config.temperature);
        const posT = tf.tensor2d(pos, [n, n]);
        const lse = tf.logSumExp(tf.add(sim, tf.tensor2d(logW, [n, n])), 1);
        const posCount = tf.sum(posT, 1);
        const posSim = tf.div(tf.sum(tf.mul(sim, posT), 1), tf.maximum(posCount, 1));
        const anchorMask = tf.tensor1d(hasPos);
        const contrastive = tf.div(tf.sum(tf.mul(tf.sub(lse, posSim), anchorMask)), tf.maximum(tf.sum(anchorMask), 1));
        const labelLogits = tf.add(tf.matMul(tf.mul(z, 10), wLabel), bLabel);
        const labelLoss = tf.mean(tf.sub(tf.logSumExp(labelLogits, 1), tf.sum(tf.mul(labelLogits, tf.oneHot(tf.tensor1d(labels, 'int32'), labelCount)), 1)));
        const teacherProbs = tf.softmax(tf.div(tf.tensor2d(teacher, [n, 7]), config.distilTemperature));
        const studentLogits = tf.add(tf.matMul(tf.mul(z, 10), wDistil), bDistil);
        const distil = tf.mean(tf.sum(tf.mul(teacherProbs, tf.sub(tf.log(tf.add(teacherProbs, 1e-8)), tf.logSoftmax(studentLogits))), 1));
        const predicted = tf.matMul(tf.mul(z, 10), wDeident);
        const squared = tf.mean(tf.square(tf.sub(predicted, tf.tensor2d(targets, [n, targetDims]))), 1);
        const targetMask = tf.tensor1d(hasTarget);
        const deidentified = tf.div(tf.sum(tf.mul(squared, targetMask)), tf.maximum(tf.sum(targetMask), 1));
        const hTeacher = tf.sqrt(tf.softmax(tf.div(tf.tensor2d(teacher, [n, 7]), config.relationalTemperature)));
        const offDiagonal = tf.sub(1, tf.eye(n));
        const relational = tf.div(
          tf.sum(tf.mul(tf.square(tf.sub(tf.matMul(z, z, false, true), tf.matMul(hTeacher, hTeacher, false, true))), offDiagonal)),
          n * (n - 1),
        );
        const decay = tf.mul(tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))), config.weightDecay);
        return tf.addN([contrastive, tf.mul(labelLoss, config.labelWeight), tf.mul(distil, config.distilWeight), tf.mul(deidentified, config.deidentifiedWeight), tf.mul(relational, config.relationalWeight), decay]) as Scalar;
      }),
    );
    optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
    const loss = (await value.data())[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    smoothed = Number.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
    if ((step + 1) % 500 === 0 || step === config.steps - 1) log(`  step ${step + 1}/${config.steps} loss ${smoothed.toFixed(4)}`);
  }
  const layer = async (w: Variable, b: Variable, activation: DenseLayer['activation']): Promise<DenseLayer> => ({
    inputs: w.shape[0]!,
    outputs: w.shape[1]!,
    weights: Float32Array.from(await w.data()),
    bias: Float32Array.from(await b.data()),
    activation,
  });
  const weights: MlpWeights = {
    inputMean: mean,
    inputScale: scale,
    layers: [await layer(w1, b1, 'relu'), await layer(w2, b2, 'linear')],
  };
  tf.dispose([...trained, wLabel, bLabel, wDistil, bDistil, wDeident]);
  optimizer.dispose();
  return { weights, seconds: (performance.now() - started) / 1000, finalLoss: smoothed };
}

/**
 * `meme-mirror eval`: embeds the largest face of every image of labelled face sets with one or more
 * models and measures how well each embedding finds the same expression on other people (metrics.ts).
 * Each image is decoded and searched for faces once; every model embeds the same face.
 */
import { describeError } from '../errors.js';
import { MemeMirrorError } from '../errors.js';
import type { ExpressionModel } from '../expression/expression_types.js';
import { EXPRESSION_MODELS, isExpressionModelName } from '../expression/models.js';
import type { DetectedFace } from '../face/face_types.js';
import type { MemeMirror } from '../pipeline/meme_mirror.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { BASELINE_MODELS } from './baselines.js';
import { duplicateGroups } from './duplicates.js';
import type { DuplicateGroup } from './duplicates.js';
import type { FaceSet, FaceSetEntry } from './face_set.js';
import { DEFAULT_K, DEFAULT_SEED, DEFAULT_TRIPLETS, hardTripletAccuracy, identityLeakage, precisionAtK, tripletAccuracy } from './metrics.js';
import type { LeakageResult, PrecisionResult, TripletResult } from './metrics.js';
import { chooseEntries } from './select.js';
import { wholeImageFace } from './whole_image_face.js';

/** Every embedding eval can measure: the expression models and the baselines. */
export const EVAL_MODEL_NAMES: readonly string[] = Object.freeze([...Object.keys(EXPRESSION_MODELS), ...Object.keys(BASELINE_MODELS)]);

/** What each eval model is, for --help and messages. */
export function evalModelDescriptions(): [name: string, description: string][] {
  return [
    ...Object.entries(EXPRESSION_MODELS).map(([name, m]): [string, string] => [name, m.description]),
    ...Object.entries(BASELINE_MODELS).map(([name, m]): [string, string] => [name, `baseline: ${m.description}`]),
  ];
}

/** Resolves a comma-separated list of model names ('all' = every one); unknown names are an error that lists the valid ones. */
export function resolveEvalModels(list: string): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const out: string[] = [];
  for (const name of names) {
    if (name === 'all') out.push(...EVAL_MODEL_NAMES);
    else if (EVAL_MODEL_NAMES.includes(name)) out.push(name);
    else throw new MemeMirrorError('INVALID_OPTION', `Expected --model to list models among ${EVAL_MODEL_NAMES.join(', ')} (or all), but got '${name}'`);
  }
  if (out.length === 0) throw new MemeMirrorError('INVALID_OPTION', 'Expected at least one model, but got none');
  return [...new Set(out)];
}

export function createEvalModel(name: string, runtime: ModelRuntime): Promise<ExpressionModel> {
  if (isExpressionModelName(name)) return EXPRESSION_MODELS[name].create(runtime);
  if (Object.hasOwn(BASELINE_MODELS, name)) return BASELINE_MODELS[name as keyof typeof BASELINE_MODELS].create(runtime);
  throw new MemeMirrorError('INVALID_OPTION', `Expected a model among ${EVAL_MODEL_NAMES.join(', ')}, but got '${name}'`);
}

export interface EvalOptions {
  /** At most this many images per set, drawn with the seed. Defaults to all. */
  limit?: number;
  /** Only the people the trained models never saw (split.ts). Defaults to false. */
  heldOut?: boolean;
  /** Triplets per triplet metric. Defaults to DEFAULT_TRIPLETS (20,000). */
  triplets?: number;
  /** Seed of the triplets and of --limit. Defaults to DEFAULT_SEED. */
  seed?: number;
  /** Called after each image. */
  onProgress?: (done: number, total: number, file: string) => void;
  /** Called for an image that cannot be read (it is left out). */
  onError?: (file: string, message: string) => void;
}

export interface ModelEval {
  name: string;
  id: string;
  dims: number;
  triplet: TripletResult;
  hardTriplet: TripletResult;
  precision: PrecisionResult;
  leakage: LeakageResult;
  /** Mean time of model.embed() per face, in ms (it includes the networks the model runs). */
  msPerFace: number;
}

export interface SetEval {
  folder: string;
  name: string;
  /** Images in index.csv. */
  images: number;
  /** Images measured (after --held-out and --limit, without unreadable ones). */
  evaluated: number;
  /** Of those, images where the detector found a face. */
  found: number;
  /** Of those, images where no face was found and the whole image was used as the face. */
  fallback: number;
  /** Images that could not be read. */
  failed: number;
  people: number;
  hasIdentities: boolean;
  heldOut: boolean;
  labels: Record<string, number>;
  /** Groups of byte-identical images among those measured (the same photo filed twice). */
  duplicates: DuplicateGroup[];
  models: ModelEval[];
}

/** Embeddings already computed in this run, by model and image path. */
export type EmbeddingCache = Map<string, Float32Array>;

export interface NamedModel {
  name: string;
  model: ExpressionModel;
}

/** Evaluates every model on one face set. */
export async function evaluateFaceSet(
  mm: MemeMirror,
  models: readonly NamedModel[],
  set: FaceSet,
  options: EvalOptions = {},
  cache: EmbeddingCache = new Map(),
): Promise<SetEval> {
  const entries = chooseEntries(set, options);
  const kept: FaceSetEntry[] = [];
  const embeddings = models.map((): Float32Array[] => []);
  const time = models.map(() => ({ ms: 0, faces: 0 }));
  let found = 0;
  let failed = 0;
  for (const [done, entry] of entries.entries()) {
    const cached = models.map(({ model }) => cache.get(`${model.id}\u0000${entry.path}`));
    if (cached.every((e) => e !== undefined)) {
      kept.push(entry);
      cached.forEach((e, m) => embeddings[m]!.push(e!));
      options.onProgress?.(done + 1, entries.length, entry.file);
      continue;
    }
    try {
      const { image } = await mm.decode(entry.path);
      const faces = await mm.detector.detect(image);
      if (faces[0]) found++;
      const face: DetectedFace = faces[0] ?? wholeImageFace(image);
      const vectors: Float32Array[] = [];
      for (const [m, { model }] of models.entries()) {
        let vector = cached[m];
        if (vector === undefined) {
          const started = performance.now();
          [vector] = await model.embed(image, [face]);
          time[m]!.ms += performance.now() - started;
          time[m]!.faces++;
          if (!vector) throw new MemeMirrorError('DIMENSION_MISMATCH', `${model.id} returned no embedding for a face`);
          cache.set(`${model.id}\u0000${entry.path}`, vector);
        }
        vectors.push(vector);
      }
      kept.push(entry);
      vectors.forEach((v, m) => embeddings[m]!.push(v));
    } catch (error) {
      if (error instanceof MemeMirrorError && error.code === 'MODEL_LOAD_FAILED') throw error;
      failed++;
      options.onError?.(entry.file, describeError(error));
    }
    options.onProgress?.(done + 1, entries.length, entry.file);
  }
  const labels = kept.map((e) => e.label);
  const identities = kept.map((e) => e.identity);
  const labelCounts: Record<string, number> = {};
  for (const label of [...labels].sort()) labelCounts[label] = (labelCounts[label] ?? 0) + 1;
  const tripletOptions = { count: options.triplets ?? DEFAULT_TRIPLETS, seed: options.seed ?? DEFAULT_SEED };
  return {
    folder: set.folder,
    name: set.name,
    images: set.entries.length,
    evaluated: kept.length,
    found,
    fallback: kept.length - found,
    failed,
    people: set.hasIdentities ? new Set(identities).size : 0,
    hasIdentities: set.hasIdentities,
    heldOut: options.heldOut ?? false,
    labels: labelCounts,
    duplicates: await duplicateGroups(kept),
    models: models.map(({ name, model }, m): ModelEval => {
      const data = { embeddings: embeddings[m]!, labels, identities: set.hasIdentities ? identities : identities.map(() => '') };
      return {
        name,
        id: model.id,
        dims: model.dims,
        triplet: tripletAccuracy(data, tripletOptions),
        hardTriplet: hardTripletAccuracy(data, tripletOptions),
        precision: precisionAtK(data, DEFAULT_K),
        leakage: identityLeakage(data, DEFAULT_K),
        msPerFace: time[m]!.faces > 0 ? time[m]!.ms / time[m]!.faces : Number.NaN,
      };
    }),
  };
}

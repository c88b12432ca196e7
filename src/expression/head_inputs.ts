/**
 * What the trained expression head reads: the outputs of the shipped networks, turned into one
 * vector. Training (scripts/train.ts) and inference (mm_expr_mlp.ts) both build it here, so they
 * cannot drift apart.
 */
import type { FaceApiExpressionOutput } from './faceapi_features.js';
import { FACEAPI_FEATURES, FACEAPI_QUARTERS } from './faceapi_net.js';
import { MESH_FEATURES } from './mesh_features.js';

/** Floor of the probabilities before their logarithm. */
const PROB_FLOOR = 1e-6;

/** Teacher outputs for one face. */
export interface TeacherOutputs {
  /** face-api's expression network on a crop of the head input's side (quarters when it reads them). */
  faceapi: FaceApiExpressionOutput;
  /** human's 7 emotion probabilities, when the head reads them. */
  emotion?: Float32Array;
  /** meshFeatures() of the face's landmarks, when the head reads them. */
  mesh?: Float32Array;
}

/** One way of building the head's input. */
export interface HeadInputSpec {
  /** Side of the crop face-api's network reads (its cost grows with the square of it). */
  side: number;
  /** Which of face-api's inner read-outs, as log(1 + x): none, the 256 pooled features, or the 4 x 256 quarter means. */
  inner: 'none' | 'pooled' | 'quarters';
  /** face-api's 7 logits follow (always). Then the logarithms of human's 7 emotion probabilities? */
  emotion: boolean;
  /** Then the pose-normalised face-mesh geometry (mesh_features.ts)? */
  mesh: boolean;
}

/** The input variants a head can be trained on. */
export const HEAD_INPUTS = Object.freeze({
  faceapi: { side: 112, inner: 'pooled', emotion: false, mesh: false },
  'faceapi+emotion': { side: 112, inner: 'pooled', emotion: true, mesh: false },
  'faceapi+mesh': { side: 112, inner: 'pooled', emotion: false, mesh: true },
  logits: { side: 112, inner: 'none', emotion: false, mesh: false },
  'logits+mesh': { side: 112, inner: 'none', emotion: false, mesh: true },
  /** On a 96 px crop: within the 5 ms a face that the embedding may add (docs/expression-model.md). */
  'faceapi96+mesh': { side: 96, inner: 'pooled', emotion: false, mesh: true },
  'faceapi96q+mesh': { side: 96, inner: 'quarters', emotion: false, mesh: true },
  'faceapi96q': { side: 96, inner: 'quarters', emotion: false, mesh: false },
  'faceapiq+mesh': { side: 112, inner: 'quarters', emotion: false, mesh: true },
  'faceapi80+mesh': { side: 80, inner: 'pooled', emotion: false, mesh: true },
  'faceapi80q+mesh': { side: 80, inner: 'quarters', emotion: false, mesh: true },
} satisfies Record<string, HeadInputSpec>);

export type HeadInputName = keyof typeof HEAD_INPUTS;

export function isHeadInputName(name: string): name is HeadInputName {
  return Object.hasOwn(HEAD_INPUTS, name);
}

/** Floats in the head's input for a variant. */
export function headInputSize(name: HeadInputName): number {
  const spec: HeadInputSpec = HEAD_INPUTS[name];
  const inner = spec.inner === 'pooled' ? FACEAPI_FEATURES : spec.inner === 'quarters' ? FACEAPI_QUARTERS : 0;
  return inner + 7 + (spec.emotion ? 7 : 0) + (spec.mesh ? MESH_FEATURES : 0);
}

/** Builds the head's input vector from the teacher outputs of one face. */
export function headInput(name: HeadInputName, teachers: TeacherOutputs): Float32Array {
  const spec: HeadInputSpec = HEAD_INPUTS[name];
  const out = new Float32Array(headInputSize(name));
  let k = 0;
  if (spec.inner !== 'none') {
    const inner = spec.inner === 'pooled' ? teachers.faceapi.features : teachers.faceapi.quarters;
    const length = spec.inner === 'pooled' ? FACEAPI_FEATURES : FACEAPI_QUARTERS;
    if (!inner || inner.length !== length) {
      throw new Error(`The ${name} head input needs face-api's ${spec.inner} read-out (${length} floats), but got ${inner?.length ?? 'none'}`);
    }
    for (let i = 0; i < length; i++) out[k++] = Math.log1p(Math.max(0, inner[i]!));
  }
  out.set(teachers.faceapi.logits.subarray(0, 7), k);
  k += 7;
  if (spec.emotion) {
    const emotion = teachers.emotion;
    if (!emotion) throw new Error(`The ${name} head input needs human's emotion probabilities`);
    for (let i = 0; i < 7; i++) out[k++] = Math.log(Math.max(PROB_FLOOR, emotion[i] ?? 0));
  }
  if (spec.mesh) {
    const mesh = teachers.mesh;
    if (!mesh || mesh.length !== MESH_FEATURES) throw new Error(`The ${name} head input needs ${MESH_FEATURES} mesh features`);
    out.set(mesh, k);
  }
  return out;
}

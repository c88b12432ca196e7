/**
 * What the trained expression head reads: the outputs of the shipped networks, turned into one
 * vector. Training (scripts/train.ts) and inference (mm_expr_mlp.ts) both build it here, so they
 * cannot drift apart.
 */
import type { FaceApiExpressionOutput } from './faceapi_features.js';
import { FACEAPI_BOX_CROP } from './faceapi_features.js';
import type { FaceCrop } from './faceapi_features.js';
import { FACEAPI_FEATURES } from './faceapi_net.js';
import { MESH_FEATURES } from './mesh_features.js';

/** Floor of the probabilities before their logarithm. */
const PROB_FLOOR = 1e-6;

/** Teacher outputs for one face. */
export interface TeacherOutputs {
  /** face-api's expression network on the head input's crop. */
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
  /** How the face is cropped for it. */
  crop: FaceCrop;
  /** face-api's 256 pooled features, as log(1 + x), first? Its 7 logits follow in any case. */
  pooled: boolean;
  /** Then the logarithms of human's 7 emotion probabilities? */
  emotion: boolean;
  /** Then the pose-normalised face-mesh geometry (mesh_features.ts)? */
  mesh: boolean;
}

const BOX = FACEAPI_BOX_CROP;
const mesh = (scale: number): FaceCrop => Object.freeze({ basis: 'mesh', scale });

/**
 * The input variants a head can be trained on (scripts/train.ts --inputs). 'faceapi...' read face-api
 * at its own 112 px on 0.9x the detector box (mm-expr-mlp@1); 'faceapiNNmSSS' on an NN px crop of
 * SSS/100 times the face-mesh bounds (see faceapi_features.ts); mm-expr-mlp@2, @3 and @4 read 'faceapi112m120+mesh'.
 */
export const HEAD_INPUTS = Object.freeze({
  faceapi: { side: 112, crop: BOX, pooled: true, emotion: false, mesh: false },
  'faceapi+emotion': { side: 112, crop: BOX, pooled: true, emotion: true, mesh: false },
  'faceapi+mesh': { side: 112, crop: BOX, pooled: true, emotion: false, mesh: true },
  logits: { side: 112, crop: BOX, pooled: false, emotion: false, mesh: false },
  'logits+mesh': { side: 112, crop: BOX, pooled: false, emotion: false, mesh: true },
  'faceapi112m120+mesh': { side: 112, crop: mesh(1.2), pooled: true, emotion: false, mesh: true },
  'faceapi96m120+mesh': { side: 96, crop: mesh(1.2), pooled: true, emotion: false, mesh: true },
  'faceapi88m110+mesh': { side: 88, crop: mesh(1.1), pooled: true, emotion: false, mesh: true },
  'faceapi88m125+mesh': { side: 88, crop: mesh(1.25), pooled: true, emotion: false, mesh: true },
  'faceapi80m110+mesh': { side: 80, crop: mesh(1.1), pooled: true, emotion: false, mesh: true },
  'faceapi80m125+mesh': { side: 80, crop: mesh(1.25), pooled: true, emotion: false, mesh: true },
  'faceapi88m110': { side: 88, crop: mesh(1.1), pooled: true, emotion: false, mesh: false },
} satisfies Record<string, HeadInputSpec>);

export type HeadInputName = keyof typeof HEAD_INPUTS;

export function isHeadInputName(name: string): name is HeadInputName {
  return Object.hasOwn(HEAD_INPUTS, name);
}

/** Floats in the head's input for a variant. */
export function headInputSize(name: HeadInputName): number {
  const spec: HeadInputSpec = HEAD_INPUTS[name];
  return (spec.pooled ? FACEAPI_FEATURES : 0) + 7 + (spec.emotion ? 7 : 0) + (spec.mesh ? MESH_FEATURES : 0);
}

/** Builds the head's input vector from the teacher outputs of one face. */
export function headInput(name: HeadInputName, teachers: TeacherOutputs): Float32Array {
  const spec: HeadInputSpec = HEAD_INPUTS[name];
  const out = new Float32Array(headInputSize(name));
  let k = 0;
  if (spec.pooled) {
    const { features } = teachers.faceapi;
    if (features.length !== FACEAPI_FEATURES) {
      throw new Error(`The ${name} head input needs face-api's ${FACEAPI_FEATURES} pooled features, but got ${features.length}`);
    }
    for (let i = 0; i < FACEAPI_FEATURES; i++) out[k++] = Math.log1p(Math.max(0, features[i]!));
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

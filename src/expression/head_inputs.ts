/**
 * What the trained expression head reads: the outputs of the shipped networks, turned into one
 * vector. Training (scripts/train.ts) and inference (mm_expr_mlp.ts) both build it here, so they
 * cannot drift apart.
 */
import type { FaceApiExpressionOutput } from './faceapi_features.js';
import { MESH_FEATURES } from './mesh_features.js';

/** Floor of the probabilities before their logarithm. */
const PROB_FLOOR = 1e-6;

/** Teacher outputs for one face. */
export interface TeacherOutputs {
  faceapi: FaceApiExpressionOutput;
  /** human's 7 emotion probabilities, when the head reads them. */
  emotion?: Float32Array;
  /** meshFeatures() of the face's landmarks, when the head reads them. */
  mesh?: Float32Array;
}

/** The input variants a head can be trained on, with their size. */
export const HEAD_INPUTS = Object.freeze({
  /** face-api: log(1 + the 256 pooled features), then its 7 logits. */
  faceapi: 256 + 7,
  /** faceapi, then the logarithms of human's 7 emotion probabilities. */
  'faceapi+emotion': 256 + 7 + 7,
  /** faceapi, then pose-normalised face-mesh geometry (mesh_features.ts; zeros and a 0 flag without a mesh). */
  'faceapi+mesh': 256 + 7 + MESH_FEATURES,
  /** face-api's 7 logits alone. */
  logits: 7,
  /** face-api's 7 logits and the mesh geometry, without the pooled features (which carry identity). */
  'logits+mesh': 7 + MESH_FEATURES,
});

export type HeadInputName = keyof typeof HEAD_INPUTS;

export function headInputUsesEmotion(name: HeadInputName): boolean {
  return name === 'faceapi+emotion';
}

export function headInputUsesMesh(name: HeadInputName): boolean {
  return name === 'faceapi+mesh' || name === 'logits+mesh';
}

/** Builds the head's input vector from the teacher outputs of one face. */
export function headInput(name: HeadInputName, teachers: TeacherOutputs): Float32Array {
  const out = new Float32Array(HEAD_INPUTS[name]);
  const { features, logits } = teachers.faceapi;
  if (name === 'logits') {
    out.set(logits.subarray(0, 7), 0);
    return out;
  }
  if (name === 'logits+mesh') {
    out.set(logits.subarray(0, 7), 0);
    const mesh = teachers.mesh;
    if (!mesh || mesh.length !== MESH_FEATURES) throw new Error(`The ${name} head input needs ${MESH_FEATURES} mesh features`);
    out.set(mesh, 7);
    return out;
  }
  for (let i = 0; i < 256; i++) out[i] = Math.log1p(Math.max(0, features[i] ?? 0));
  out.set(logits.subarray(0, 7), 256);
  if (headInputUsesEmotion(name)) {
    const emotion = teachers.emotion;
    if (!emotion) throw new Error(`The ${name} head input needs human's emotion probabilities`);
    for (let i = 0; i < 7; i++) out[263 + i] = Math.log(Math.max(PROB_FLOOR, emotion[i] ?? 0));
  }
  if (headInputUsesMesh(name)) {
    const mesh = teachers.mesh;
    if (!mesh || mesh.length !== MESH_FEATURES) throw new Error(`The ${name} head input needs ${MESH_FEATURES} mesh features`);
    out.set(mesh, 263);
  }
  return out;
}

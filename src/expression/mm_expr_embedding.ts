/**
 * The embedding function of mm-expr-mlp: one or more trained heads (an ensemble of seeds), beside
 * face-api's Hellinger vector (v1) if asked, as one unit vector. Pure: training, tests, Node and the
 * browser all call this.
 */
import { hellingerEmbedding } from './faceapi_hellinger.js';
import { headInput } from './head_inputs.js';
import type { HeadInputName, TeacherOutputs } from './head_inputs.js';
import { eyeOpening } from './mesh_features.js';
import { l2Normalise, mlpForward } from './mlp_head.js';
import type { MlpWeights } from './mlp_head.js';

/**
 * How open the eyes are (mesh_features.ts eyeOpening), as one more coordinate after the unit-length
 * rest: `weight * tanh((opening - mean) / scale)`, with the training faces' mean and spread. No
 * training label depends on the eyes alone (a sleepy face, a squint, a wink), so a head trained on
 * the labels weighs them too little; this coordinate keeps them. tanh saturates past about one
 * spread, so that a mesh that misreads the eyes (a turned head, sunglasses, a blurred face) moves
 * a face by at most `weight`. A face without a mesh sits at the centre (0).
 */
export interface EyeCoordinate {
  weight: number;
  mean: number;
  scale: number;
}

export interface MmExprParams {
  /** What the heads read (head_inputs.ts). */
  inputs: HeadInputName;
  /**
   * Weight of face-api's Hellinger vector (unit length) placed before the heads' outputs (each of
   * unit length); 0 = the heads alone. Squared distances add up: w^2 d_hellinger^2 + sum d_head^2.
   */
  hellingerWeight: number;
  /** Heads trained alike from different seeds; their unit outputs are concatenated. */
  heads: MlpWeights[];
  /** The eye-opening coordinate after the rest (reads the mesh); absent = none. */
  eye?: EyeCoordinate;
}

/** The eye coordinate of one face (0 at the training mean; 0 without a mesh). */
function eyeCoordinate(eye: EyeCoordinate, mesh: Float32Array | undefined): number {
  if (!mesh) throw new Error('The eye coordinate of mm-expr-mlp needs the face-mesh features');
  const opening = eyeOpening(mesh);
  return opening === undefined ? 0 : eye.weight * Math.tanh((opening - eye.mean) / eye.scale);
}

/** Size of the embedding the parameters give. */
export function mmExprDims(params: MmExprParams): number {
  const heads = params.heads.reduce((n, head) => n + (head.layers[head.layers.length - 1]?.outputs ?? 0), 0);
  return (params.hellingerWeight > 0 ? 7 : 0) + heads + (params.eye ? 1 : 0);
}

export function mmExprEmbedding(params: MmExprParams, teachers: TeacherOutputs): Float32Array {
  const input = headInput(params.inputs, teachers);
  const out = new Float32Array(mmExprDims(params));
  let k = 0;
  if (params.hellingerWeight > 0) {
    const base = hellingerEmbedding(teachers.faceapi.logits);
    for (let i = 0; i < 7; i++) out[k++] = base[i]! * params.hellingerWeight;
  }
  for (const head of params.heads) {
    const v = mlpForward(head, input);
    out.set(v, k);
    k += v.length;
  }
  // The heads' part at unit length, then the eye coordinate (if any) after it.
  out.set(l2Normalise(out.subarray(0, k)));
  if (params.eye) out[k] = eyeCoordinate(params.eye, teachers.mesh);
  return out;
}

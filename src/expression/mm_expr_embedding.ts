/**
 * The embedding function of mm-expr-mlp: one or more trained heads (an ensemble of seeds), beside
 * face-api's Hellinger vector (v1) if asked, as one unit vector. Pure: training, tests, Node and the
 * browser all call this.
 */
import { hellingerEmbedding } from './faceapi_hellinger.js';
import { headInput } from './head_inputs.js';
import type { HeadInputName, TeacherOutputs } from './head_inputs.js';
import { l2Normalise, mlpForward } from './mlp_head.js';
import type { MlpWeights } from './mlp_head.js';

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
}

/** Size of the embedding the parameters give. */
export function mmExprDims(params: MmExprParams): number {
  const heads = params.heads.reduce((n, head) => n + (head.layers[head.layers.length - 1]?.outputs ?? 0), 0);
  return (params.hellingerWeight > 0 ? 7 : 0) + heads;
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
  return l2Normalise(out);
}

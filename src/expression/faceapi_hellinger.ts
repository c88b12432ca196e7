import type { DetectedFace } from '../face/face_types.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError } from '../errors.js';
import type { ExpressionModel } from './expression_types.js';
import { FACEAPI_EXPRESSIONS, faceApiExpressions, loadFaceApiExpression } from './faceapi_features.js';

/**
 * Softmax temperature. At 1 most faces saturate on one class (a grin and a faint smile both read
 * [0, 1, 0, ...]) and distances collapse to 0; at 2 they stay graded with the same neighbours on the
 * Yale faces (docs/expression-model.md).
 */
export const HELLINGER_TEMPERATURE = 2;

/**
 * Expression embedding v1: the square roots of face-api's 7 expression probabilities, softened
 * (softmax of logits / HELLINGER_TEMPERATURE). Euclidean distance between square-rooted
 * distributions is sqrt(2) times their Hellinger distance: a true metric on distributions, from 0
 * (same) to sqrt(2) (nothing in common). See docs/expression-model.md for what was measured.
 */
export function hellingerEmbedding(logits: Float32Array, temperature = HELLINGER_TEMPERATURE): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) max = Math.max(max, v);
  const exp = logits.map((v) => Math.exp((v - max) / temperature));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => Math.sqrt(v / sum));
}

export class FaceApiHellinger implements ExpressionModel {
  static readonly ID = 'faceapi-hellinger@1';
  readonly id = FaceApiHellinger.ID;
  readonly dims = FACEAPI_EXPRESSIONS.length;
  #runtime: ModelRuntime | undefined;

  private constructor(runtime: ModelRuntime) {
    this.#runtime = runtime;
  }

  static async create(runtime: ModelRuntime): Promise<FaceApiHellinger> {
    await loadFaceApiExpression(runtime);
    return new FaceApiHellinger(runtime);
  }

  async embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    if (!this.#runtime) throw new MemeMirrorError('CLOSED', `${this.id} was used after close()`);
    const outputs = await faceApiExpressions(this.#runtime, image, faces);
    return outputs.map(({ logits }) => hellingerEmbedding(logits));
  }

  close(): void {
    this.#runtime = undefined;
  }
}

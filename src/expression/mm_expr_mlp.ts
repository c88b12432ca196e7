import type { DetectedFace } from '../face/face_types.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError } from '../errors.js';
import type { ExpressionModel } from './expression_types.js';
import { faceApiExpressions, loadFaceApiExpression } from './faceapi_features.js';
import { HEAD_INPUTS } from './head_inputs.js';
import type { HeadInputName } from './head_inputs.js';
import { humanEmotions, loadHumanEmotion } from './human_emotion.js';
import { meshFeatures } from './mesh_features.js';
import { decodeFloat32Base64 } from './mlp_head.js';
import type { DenseLayer, MlpWeights } from './mlp_head.js';
import { mmExprDims, mmExprEmbedding } from './mm_expr_embedding.js';
import type { EyeCoordinate, MmExprParams } from './mm_expr_embedding.js';

/** Floats of the embedding (the committed weights are checked against it when loaded). */
export const MM_EXPR_MLP_DIMS = 33;

/** One committed head as stored: Float32 arrays in base64. */
interface StoredHead {
  inputMean: string;
  inputScale: string;
  layers: readonly { inputs: number; outputs: number; activation: DenseLayer['activation']; weights: string; bias: string }[];
}

/** The committed weights as stored. */
interface StoredWeights {
  inputs: HeadInputName;
  hellingerWeight: number;
  heads: readonly StoredHead[];
  eye?: EyeCoordinate;
}

/** Decodes committed weights, checking every array has the size its layer says. */
export function decodeMmExprWeights(stored: StoredWeights): MmExprParams {
  const params: MmExprParams = { inputs: stored.inputs, hellingerWeight: stored.hellingerWeight, heads: stored.heads.map(decodeHead) };
  const eye = stored.eye;
  if (!eye) return params;
  if (![eye.weight, eye.mean, eye.scale].every(Number.isFinite) || eye.scale <= 0) {
    throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected mm-expr-mlp's eye coordinate to hold finite numbers and a positive scale, but got ${JSON.stringify(eye)}`);
  }
  return { ...params, eye: { weight: eye.weight, mean: eye.mean, scale: eye.scale } };
}

function decodeHead(stored: StoredHead): MlpWeights {
  const layers = stored.layers.map((l, i): DenseLayer => {
    const layer = { inputs: l.inputs, outputs: l.outputs, activation: l.activation, weights: decodeFloat32Base64(l.weights), bias: decodeFloat32Base64(l.bias) };
    if (layer.weights.length !== l.inputs * l.outputs || layer.bias.length !== l.outputs) {
      throw new MemeMirrorError(
        'MODEL_LOAD_FAILED',
        `Expected layer ${i} of mm-expr-mlp to hold ${l.inputs}x${l.outputs} weights and ${l.outputs} biases, but got ${layer.weights.length} and ${layer.bias.length}`,
      );
    }
    return layer;
  });
  const head = { inputMean: decodeFloat32Base64(stored.inputMean), inputScale: decodeFloat32Base64(stored.inputScale), layers };
  if (head.inputMean.length !== head.inputScale.length || head.inputMean.length !== layers[0]?.inputs) {
    throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected mm-expr-mlp's input statistics to match its first layer (${layers[0]?.inputs} inputs), but got ${head.inputMean.length}`);
  }
  return head;
}

/**
 * Expression embedding v4 (issue 4; v3's recipe, trained without the training photos that are
 * byte for byte validation photos): a small trained head on what face-api's expression network
 * sees (its 256 pooled features and 7 logits, on a 112 px crop of 1.2x the face-mesh bounds) and on
 * pose-normalised face-mesh geometry, trained so that the same expression on *other people* is near
 * and the same person with another expression is far; then one coordinate for how open the eyes
 * are (sleepy, squinting, winking faces, which no training label isolates). Model card:
 * docs/expression-model.md; training: `npm run train`.
 */
export class MmExprMlp implements ExpressionModel {
  static readonly ID = 'mm-expr-mlp@4';
  readonly id = MmExprMlp.ID;
  readonly dims: number;
  /** What the head reads (head_inputs.ts): the crop side and read-outs of face-api's network. */
  readonly inputs: HeadInputName;
  readonly #params: MmExprParams;
  #runtime: ModelRuntime | undefined;

  private constructor(runtime: ModelRuntime, params: MmExprParams) {
    this.#runtime = runtime;
    this.#params = params;
    this.dims = mmExprDims(params);
    this.inputs = params.inputs;
  }

  static async create(runtime: ModelRuntime): Promise<MmExprMlp> {
    // Loaded on first use: the weights (a few hundred KB of base64) cost nothing to users of other models.
    const { MM_EXPR_MLP_WEIGHTS } = await import('./weights/mm_expr_mlp_weights.js');
    const params = decodeMmExprWeights(MM_EXPR_MLP_WEIGHTS);
    if (mmExprDims(params) !== MM_EXPR_MLP_DIMS) {
      throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected the committed mm-expr-mlp weights to give ${MM_EXPR_MLP_DIMS} floats, but they give ${mmExprDims(params)}`);
    }
    await loadFaceApiExpression(runtime);
    if (HEAD_INPUTS[params.inputs].emotion) await loadHumanEmotion(runtime);
    return new MmExprMlp(runtime, params);
  }

  async embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    const runtime = this.#runtime;
    if (!runtime) throw new MemeMirrorError('CLOSED', `${this.id} was used after close()`);
    const params = this.#params;
    const spec = HEAD_INPUTS[params.inputs];
    const faceapi = await faceApiExpressions(runtime, image, faces, { side: spec.side, crop: spec.crop });
    const emotion = spec.emotion ? await humanEmotions(runtime, image, faces) : undefined;
    const usesMesh = spec.mesh || params.eye !== undefined;
    return faces.map((face, i) =>
      mmExprEmbedding(params, {
        faceapi: faceapi[i]!,
        ...(emotion ? { emotion: emotion[i]! } : {}),
        ...(usesMesh ? { mesh: meshFeatures(face.landmarks) } : {}),
      }),
    );
  }

  close(): void {
    this.#runtime = undefined;
  }
}

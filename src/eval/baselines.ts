/**
 * Baseline embeddings for `meme-mirror eval` (issue 4): what the shipped networks give without any
 * training of ours, an identity descriptor as a control and a random floor. They are not offered to
 * `index` or `match`; the eval command lists them beside EXPRESSION_MODELS.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ExpressionModel } from '../expression/expression_types.js';
import { FACEAPI_BOX_CROP, FACEAPI_EXPRESSIONS, FACEAPI_TEACHER_CROP, faceApiExpressions, loadFaceApiExpression } from '../expression/faceapi_features.js';
import type { FaceApiExpressionOutput, FaceCrop } from '../expression/faceapi_features.js';
import { FACEAPI_FEATURES } from '../expression/faceapi_net.js';
import { HUMAN_EMOTIONS, humanEmotions, loadHumanEmotion } from '../expression/human_emotion.js';
import { MESH_FEATURES, meshFeatures } from '../expression/mesh_features.js';
import type { DetectedFace } from '../face/face_types.js';
import { squareCrop } from '../face/geometry.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError, describeError } from '../errors.js';
import { gaussian, seededRandom } from '../util/random.js';

/** Softmax of logits (max-subtracted, so large logits do not overflow). */
export function softmax(logits: Float32Array): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) max = Math.max(max, v);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

/** Shared shape of the baselines: an id, a size and a function of one face. */
abstract class Baseline implements ExpressionModel {
  abstract readonly id: string;
  abstract readonly dims: number;
  protected runtime: ModelRuntime | undefined;

  constructor(runtime: ModelRuntime) {
    this.runtime = runtime;
  }

  protected live(): ModelRuntime {
    if (!this.runtime) throw new MemeMirrorError('CLOSED', `${this.id} was used after close()`);
    return this.runtime;
  }

  abstract embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]>;

  close(): void {
    this.runtime = undefined;
  }
}

/** A read-out of face-api's expression network on one crop of each face, as it is. */
class FaceApiReadOut extends Baseline {
  constructor(
    runtime: ModelRuntime,
    readonly id: string,
    readonly dims: number,
    readonly crop: FaceCrop,
    readonly read: (out: FaceApiExpressionOutput) => Float32Array,
  ) {
    super(runtime);
  }

  async embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    return (await faceApiExpressions(this.live(), image, faces, { crop: this.crop })).map(this.read);
  }
}

/** human's emotion model: its 7 probabilities. */
class HumanEmotionProbabilities extends Baseline {
  readonly id = 'human-emotion@1';
  readonly dims = HUMAN_EMOTIONS.length;
  embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    return humanEmotions(this.live(), image, faces);
  }
}

/** Pose-normalised face-mesh geometry as it is (mesh_features.ts): no network beyond the face mesh. */
class MeshGeometry extends Baseline {
  readonly id = 'mesh-geometry@1';
  readonly dims = MESH_FEATURES;
  async embed(_image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    this.live();
    return faces.map((face) => meshFeatures(face.landmarks));
  }
}

/** Crop of human's face description model, as a multiple of the face box (human feeds its mesh crop). */
const FACERES_CROP_SCALE = 1.2;
const FACERES_INPUT_SIZE = 224;
const FACERES_DESCRIPTOR = 1024;

interface GraphModelLike {
  execute(input: Tensor, outputs?: string[]): Tensor | Tensor[];
}

/** The descriptor is an inner node (human reads it the same way); the graph's outputs are gender and age. */
const FACERES_DESCRIPTOR_NODE = 'global_pooling/Mean';

const faceresModels = new WeakMap<ModelRuntime, Promise<GraphModelLike>>();

/** human's face description model (HSE FaceRes): its 1024-float identity descriptor. A control, not an expression model. */
class FaceResIdentity extends Baseline {
  readonly id = 'faceres-identity@1';
  readonly dims = FACERES_DESCRIPTOR;

  static load(runtime: ModelRuntime): Promise<GraphModelLike> {
    let promise = faceresModels.get(runtime);
    if (!promise) {
      const base = (runtime.human.config as { modelBasePath?: string }).modelBasePath ?? '';
      const url = `${base.endsWith('/') ? base : `${base}/`}faceres.json`;
      const tf = (runtime.human as unknown as { tf: { loadGraphModel(url: string): Promise<GraphModelLike> } }).tf;
      promise = tf.loadGraphModel(url).catch((error: unknown) => {
        faceresModels.delete(runtime);
        throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot load human's faceres model from ${url}: ${describeError(error)}`, { cause: error });
      });
      faceresModels.set(runtime, promise);
    }
    return promise;
  }

  async embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    if (faces.length === 0) return [];
    const runtime = this.live();
    const model = await FaceResIdentity.load(runtime);
    const { tf } = runtime;
    const boxes = faces.map((face) => {
      const [x, y, w, h] = squareCrop(face.box, FACERES_CROP_SCALE);
      return [y / image.height, x / image.width, (y + h) / image.height, (x + w) / image.width];
    });
    const input = tf.tidy(() => {
      const pixels = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32');
      const size = FACERES_INPUT_SIZE;
      return tf.image.cropAndResize(pixels, boxes, new Array<number>(faces.length).fill(0), [size, size]);
    });
    let outputs: Tensor[] = [];
    try {
      const out = model.execute(input, [FACERES_DESCRIPTOR_NODE]);
      outputs = Array.isArray(out) ? out : [out];
      const descriptor = outputs.find((t) => t.shape[1] === FACERES_DESCRIPTOR);
      if (!descriptor) throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected faceres to output a ${FACERES_DESCRIPTOR}-float descriptor, but got shapes ${outputs.map((t) => `[${t.shape.join(',')}]`).join(' ')}`);
      const data = await descriptor.data();
      return faces.map((_, i) => Float32Array.from(data.subarray(i * FACERES_DESCRIPTOR, (i + 1) * FACERES_DESCRIPTOR)));
    } finally {
      tf.dispose([input, ...outputs]);
    }
  }
}

const RANDOM_DIMS = 16;

/** FNV-1a over the pixels and the box: the same face always gets the same random vector. */
function faceSeed(image: RgbImage, face: DetectedFace): number {
  let h = 0x811c9dc5;
  const mix = (v: number): void => {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  const step = Math.max(1, Math.floor(image.data.length / 4096));
  for (let i = 0; i < image.data.length; i += step) mix(image.data[i]!);
  for (const v of face.box) mix(Math.round(v));
  return h >>> 0;
}

/** A random unit vector per face, seeded by the face: the floor every real embedding must clear. */
class RandomEmbedding extends Baseline {
  readonly id = 'random@1';
  readonly dims = RANDOM_DIMS;
  async embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
    this.live();
    return faces.map((face) => {
      const random = seededRandom(faceSeed(image, face));
      const v = Float32Array.from({ length: RANDOM_DIMS }, () => gaussian(random));
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
  }
}

/** The baselines by name. */
export const BASELINE_MODELS = Object.freeze({
  'faceapi-probs': {
    description: "face-api's 7 expression probabilities, raw (its 112 px on 0.9x the detector box, as v1)",
    create: (runtime: ModelRuntime): Promise<ExpressionModel> =>
      faceApiReadOut(runtime, 'faceapi-probs@1', FACEAPI_EXPRESSIONS.length, FACEAPI_BOX_CROP, ({ logits }) => softmax(logits)),
  },
  'faceapi-probs-mesh': {
    description: "the same on 1.2x the face-mesh bounds (the crop mm-expr-mlp distils since @2), a stronger baseline",
    create: (runtime: ModelRuntime): Promise<ExpressionModel> =>
      faceApiReadOut(runtime, 'faceapi-probs-mesh@1', FACEAPI_EXPRESSIONS.length, FACEAPI_TEACHER_CROP, ({ logits }) => softmax(logits)),
  },
  'faceapi-features': {
    description: "face-api's 256-float pooled features (what its classifier reads)",
    create: (runtime: ModelRuntime): Promise<ExpressionModel> => faceApiReadOut(runtime, 'faceapi-features@1', FACEAPI_FEATURES, FACEAPI_BOX_CROP, ({ features }) => features),
  },
  'human-emotion': {
    description: "human's emotion model (oarriaga mini-Xception): 7 probabilities",
    create: async (runtime: ModelRuntime): Promise<ExpressionModel> => {
      await loadHumanEmotion(runtime);
      return new HumanEmotionProbabilities(runtime);
    },
  },
  'mesh-geometry': {
    description: 'pose-normalised face-mesh geometry (key points and distances in a frame of the face)',
    create: async (runtime: ModelRuntime): Promise<ExpressionModel> => new MeshGeometry(runtime),
  },
  'faceres-identity': {
    description: "human's face description model (HSE FaceRes) 1024-float identity descriptor: a control",
    create: async (runtime: ModelRuntime): Promise<ExpressionModel> => {
      await FaceResIdentity.load(runtime);
      return new FaceResIdentity(runtime);
    },
  },
  random: {
    description: `a random ${RANDOM_DIMS}-float unit vector per face (seeded by the face): the floor`,
    create: async (runtime: ModelRuntime): Promise<ExpressionModel> => new RandomEmbedding(runtime),
  },
});

export type BaselineName = keyof typeof BASELINE_MODELS;

async function faceApiReadOut(runtime: ModelRuntime, id: string, dims: number, crop: FaceCrop, read: (out: FaceApiExpressionOutput) => Float32Array): Promise<ExpressionModel> {
  await loadFaceApiExpression(runtime);
  return new FaceApiReadOut(runtime, id, dims, crop, read);
}

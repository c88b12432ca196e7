import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { DetectedFace } from '../face/face_types.js';
import { squareCrop } from '../face/geometry.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError, describeError } from '../errors.js';

/** Side of the square face crop face-api's expression network reads. */
export const FACEAPI_INPUT_SIZE = 112;
/**
 * Crop side as a multiple of the longer side of the face-mesh box. face-api's network was trained on
 * tight detector boxes: on the Yale faces a crop of 0.9x gave the best expression neighbours and
 * 1.3x and wider lost most of them (docs/expression-model.md).
 */
export const FACEAPI_CROP_SCALE = 0.9;

/** The 7 classes of face-api's expression network, in its output order. */
export const FACEAPI_EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;

/** What face-api's expression network says of one face. */
export interface FaceApiExpressionOutput {
  /** The classifier's 7 logits, in FACEAPI_EXPRESSIONS order (softmax gives its probabilities). */
  logits: Float32Array;
  /** The 256-float pooled feature vector the classifier reads. */
  features: Float32Array;
}

const loaded = new WeakMap<ModelRuntime, Promise<void>>();

/** Loads face-api's expression network into the runtime once per process. */
export function loadFaceApiExpression(runtime: ModelRuntime): Promise<void> {
  let promise = loaded.get(runtime);
  if (!promise) {
    const net = runtime.faceapi.nets.faceExpressionNet;
    promise = net.isLoaded
      ? Promise.resolve()
      : runtime.loadFaceExpressionNet().catch((error: unknown) => {
          loaded.delete(runtime);
          throw new MemeMirrorError(
            'MODEL_LOAD_FAILED',
            `Cannot load face-api's expression model from ${runtime.faceapiModelBase}: ${describeError(error)}`,
            { cause: error },
          );
        });
    loaded.set(runtime, promise);
  }
  return promise;
}

/** Runs face-api's expression network on a square crop of each face (one batch for all faces). */
export async function faceApiExpressions(
  runtime: ModelRuntime,
  image: RgbImage,
  faces: readonly DetectedFace[],
): Promise<FaceApiExpressionOutput[]> {
  if (faces.length === 0) return [];
  await loadFaceApiExpression(runtime);
  const { tf, faceapi } = runtime;
  const net = faceapi.nets.faceExpressionNet;
  const boxes = faces.map((face) => {
    const [x, y, w, h] = squareCrop(face.box, FACEAPI_CROP_SCALE);
    // cropAndResize wants [y1, x1, y2, x2] in 0..1 of the image.
    return [y / image.height, x / image.width, (y + h) / image.height, (x + w) / image.width];
  });
  const crops = tf.tidy(() => {
    const pixels = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32');
    const batch = tf.image.cropAndResize(pixels, boxes, new Array<number>(faces.length).fill(0), [
      FACEAPI_INPUT_SIZE,
      FACEAPI_INPUT_SIZE,
    ]);
    return tf.unstack(batch) as ReturnType<typeof tf.tensor3d>[];
  });
  let features: Tensor4D | undefined;
  let logits: Tensor2D | undefined;
  try {
    const input = await faceapi.toNetInput(crops);
    features = net.faceFeatureExtractor.forwardInput(input);
    const feats = features;
    logits = net.runNet(feats);
    const [featureData, logitData] = await Promise.all([features.data(), logits.data()]);
    const featureDims = featureData.length / faces.length;
    const classes = FACEAPI_EXPRESSIONS.length;
    return faces.map((_, i) => ({
      logits: Float32Array.from(logitData.subarray(i * classes, (i + 1) * classes)),
      features: Float32Array.from(featureData.subarray(i * featureDims, (i + 1) * featureDims)),
    }));
  } finally {
    tf.dispose([...crops, ...(features ? [features] : []), ...(logits ? [logits] : [])]);
  }
}

import type { Box, DetectedFace } from '../face/face_types.js';
import { landmarkBounds, squareCrop } from '../face/geometry.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError, describeError } from '../errors.js';
import { FACEAPI_INPUT_SIZE, cropFace, faceApiNetParams, runFaceApiNet } from './faceapi_net.js';
import type { FaceApiNetOutput } from './faceapi_net.js';

export { FACEAPI_INPUT_SIZE } from './faceapi_net.js';
/**
 * How a face is cropped for the network: a square `scale` times the longer side of a box, centred on
 * it. `basis` 'box' uses the detector's box (clipped to the image, so it shrinks on faces that touch
 * the border: 48x48 crops, close-ups); 'mesh' uses the bounds of the 468 face-mesh points, which do
 * not, so a face is cropped at the same scale in a tight crop and in a whole photo (the box when a
 * face has no mesh). docs/expression-model.md has the measurements.
 */
export interface FaceCrop {
  basis: 'box' | 'mesh';
  scale: number;
}

/** face-api's network on 0.9x the detector box (v1, faceapi-hellinger and the face-api baselines). */
export const FACEAPI_BOX_CROP: FaceCrop = Object.freeze({ basis: 'box', scale: 0.9 });

/**
 * face-api's network at its 112 px on 1.2x the face-mesh bounds: the crop whose outputs mm-expr-mlp@2 to @4
 * distils (scripts/train.ts) and the 'faceapi-probs-mesh' baseline.
 */
export const FACEAPI_TEACHER_CROP: FaceCrop = Object.freeze({ basis: 'mesh', scale: 1.2 });

/** The square crop box of a face (pixels; may reach outside the image, which reads as black). */
export function faceCropBox(face: DetectedFace, crop: FaceCrop): Box {
  const basis = crop.basis === 'mesh' ? (landmarkBounds(face.landmarks) ?? face.box) : face.box;
  return squareCrop(basis, crop.scale);
}

/** The 7 classes of face-api's expression network, in its output order. */
export const FACEAPI_EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;

/** What face-api's expression network says of one face (logits in FACEAPI_EXPRESSIONS order). */
export type FaceApiExpressionOutput = FaceApiNetOutput;

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

export interface FaceApiExpressionOptions {
  /** Side of the square crop the network reads. Defaults to FACEAPI_INPUT_SIZE (face-api's own). */
  side?: number;
  /** How each face is cropped. Defaults to FACEAPI_BOX_CROP (v1). */
  crop?: FaceCrop;
}

/** Runs face-api's expression network on a square crop of each face (one batch for all faces). */
export async function faceApiExpressions(
  runtime: ModelRuntime,
  image: RgbImage,
  faces: readonly DetectedFace[],
  options: FaceApiExpressionOptions = {},
): Promise<FaceApiExpressionOutput[]> {
  const crop = options.crop ?? FACEAPI_BOX_CROP;
  return faceApiExpressionsInBoxes(runtime, image, faces.map((face) => faceCropBox(face, crop)), options.side ?? FACEAPI_INPUT_SIZE);
}

/** Runs face-api's expression network on given square crop boxes of an image (pixels), one batch. */
export async function faceApiExpressionsInBoxes(runtime: ModelRuntime, image: RgbImage, boxes: readonly Box[], side: number): Promise<FaceApiExpressionOutput[]> {
  if (boxes.length === 0) return [];
  await loadFaceApiExpression(runtime);
  const crops = boxes.map((box) => cropFace(image, box, side));
  return runFaceApiNet(runtime, faceApiNetParams(runtime), crops, side);
}

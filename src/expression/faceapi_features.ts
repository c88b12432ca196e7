import type { Box, DetectedFace } from '../face/face_types.js';
import { squareCrop } from '../face/geometry.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError, describeError } from '../errors.js';
import { cropFace, faceApiNetParams, runFaceApiNet } from './faceapi_net.js';
import type { FaceApiNetOutput } from './faceapi_net.js';

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
  /** Also return the means of the four quarters of the last feature maps. Defaults to false. */
  quarters?: boolean;
}

/** The square crop box face-api's network reads for a face (pixels; may reach outside the image). */
export function faceApiCropBox(face: DetectedFace): Box {
  return squareCrop(face.box, FACEAPI_CROP_SCALE);
}

/** Runs face-api's expression network on a square crop of each face (one batch for all faces). */
export async function faceApiExpressions(
  runtime: ModelRuntime,
  image: RgbImage,
  faces: readonly DetectedFace[],
  options: FaceApiExpressionOptions = {},
): Promise<FaceApiExpressionOutput[]> {
  if (faces.length === 0) return [];
  await loadFaceApiExpression(runtime);
  const side = options.side ?? FACEAPI_INPUT_SIZE;
  const crops = faces.map((face) => cropFace(image, faceApiCropBox(face), side));
  return runFaceApiNet(runtime, faceApiNetParams(runtime), crops, side, { quarters: options.quarters ?? false });
}

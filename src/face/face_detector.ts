import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { FaceResult } from '@vladmandic/human';
import { MemeMirrorError } from '../errors.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { serialise } from '../runtime/serialise.js';
import { resolveFaceDetectorOptions } from './face_detector_options.js';
import type { FaceDetectorOptions, ResolvedFaceDetectorOptions } from './face_detector_options.js';
import type { Box, DetectedFace, Point3 } from './face_types.js';
import { boxArea, clipBox, iou, normaliseBox, unpadBox } from './geometry.js';

/** Grey used to pad tight crops before a second look. */
const PAD_VALUE = 128;
/** Faces the detector looks for before the largest `maxFaces` are kept. */
const DETECT_AT_LEAST = 20;
/** Faces overlapping more than this (IoU) are one face seen twice. */
const DUPLICATE_IOU = 0.5;

/**
 * Finds every face in an image with human's BlazeFace detector and face mesh, largest first.
 * `await FaceDetector.create(runtime, options)`; `detect(image)`; `close()`.
 */
export class FaceDetector {
  readonly options: ResolvedFaceDetectorOptions;
  #runtime: ModelRuntime | undefined;

  private constructor(runtime: ModelRuntime, options: ResolvedFaceDetectorOptions) {
    this.#runtime = runtime;
    this.options = options;
  }

  static async create(runtime: ModelRuntime, options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    return new FaceDetector(runtime, resolveFaceDetectorOptions(options));
  }

  /** Every face in the image, largest first; an empty array when there is none. */
  async detect(image: RgbImage): Promise<DetectedFace[]> {
    const runtime = this.#live();
    let faces = await this.#detectIn(runtime, image, 0, 0);
    const pad = this.options.padRetry;
    if (faces.length === 0 && pad > 0) {
      const padX = Math.round(image.width * pad);
      const padY = Math.round(image.height * pad);
      faces = (await this.#detectIn(runtime, image, padX, padY)).map((face) => ({ ...face, padded: true }));
    }
    return faces;
  }

  close(): void {
    // The models belong to the process-wide runtime and stay loaded for other users.
    this.#runtime = undefined;
  }

  #live(): ModelRuntime {
    if (!this.#runtime) throw new MemeMirrorError('CLOSED', 'FaceDetector was used after close()');
    return this.#runtime;
  }

  async #detectIn(runtime: ModelRuntime, image: RgbImage, padX: number, padY: number): Promise<DetectedFace[]> {
    const { tf, human } = runtime;
    const { maxFaces, minScore, minFaceSize } = this.options;
    const input = tf.tidy(() => {
      const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const padded =
        padX > 0 || padY > 0
          ? tf.pad(pixels, [[padY, padY], [padX, padX], [0, 0]], PAD_VALUE)
          : pixels;
      return tf.expandDims(padded, 0) as Tensor4D;
    });
    let results: FaceResult[];
    try {
      // human is one instance per process and is not re-entrant: one detection at a time.
      results = await serialise(human, async () =>
        (await human.detect(input, {
          face: { detector: { maxDetected: Math.max(maxFaces, DETECT_AT_LEAST), minConfidence: minScore } },
        })).face,
      );
    } finally {
      input.dispose();
    }
    const faces: DetectedFace[] = [];
    for (const result of results) {
      const box = clipBox(unpadBox(result.box as Box, padX, padY), image.width, image.height);
      if (Math.min(box[2], box[3]) < minFaceSize) continue;
      if (result.boxScore < minScore) continue;
      if (faces.some((f) => iou(f.box, box) > DUPLICATE_IOU)) continue;
      const landmarks: Point3[] = result.mesh.map((p) => [(p[0] ?? 0) - padX, (p[1] ?? 0) - padY, p[2] ?? 0]);
      faces.push({
        box,
        boxRaw: normaliseBox(box, image.width, image.height),
        score: result.boxScore,
        landmarks,
        padded: false,
      });
    }
    faces.sort((a, b) => boxArea(b.box) - boxArea(a.box));
    return faces.slice(0, maxFaces);
  }
}

import type { DetectedFace } from '../face/face_types.js';
import type { RgbImage } from '../image/image_types.js';

/** An expression embedding model: faces in, one vector of `dims` floats per face out. */
export interface ExpressionModel {
  /** Stable id with version, e.g. "faceapi-hellinger@1"; index files record it and refuse others. */
  readonly id: string;
  readonly dims: number;
  /** One embedding per face, in the order of `faces`. Euclidean distance = expression difference. */
  embed(image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]>;
  close(): void;
}

import type { Box } from '../face/face_types.js';
import type { RgbImage } from '../image/image_types.js';

/** What the facade accepts as an image: a file path, encoded bytes, or decoded pixels. */
export type ImageInput = string | Uint8Array | RgbImage;

/** One face with its expression embedding: the `embed --json` contract. */
export interface FaceEmbedding {
  /** Pixels of the orientation-corrected image: [x, y, width, height]. */
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /** The expression embedding (model and dims are on the image result). */
  embedding: number[];
}

export interface ImageEmbeddings {
  /** The file as given, or '<buffer>' / '<pixels>'. */
  file: string;
  /** Id of the expression model, e.g. "faceapi-hellinger@1". */
  model: string;
  dims: number;
  /** Width and height of the decoded image, in pixels. */
  width: number;
  height: number;
  /** Faces, largest first. */
  faces: FaceEmbedding[];
}

/** One meme face near a query face. */
export interface MemeMatch {
  /** The meme's path, as stored in the index (relative to the index file's folder). */
  file: string;
  /** The meme face's box in pixels of the meme image. */
  box: Box;
  /** Euclidean distance between the expression embeddings: 0 is the same expression. */
  distance: number;
}

/** The matches of one face of the query image. */
export interface FaceMatches {
  box: Box;
  score: number;
  /** Nearest first. */
  matches: MemeMatch[];
}

/** The `match --json` contract. */
export interface ImageMatches {
  file: string;
  faces: FaceMatches[];
}

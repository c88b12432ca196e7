/** A box as [x, y, width, height]. */
export type Box = [x: number, y: number, width: number, height: number];

/** A landmark as [x, y, z]: x and y in the space the field names; z is relative depth. */
export type Point3 = [x: number, y: number, z: number];

/** One face found in an image. Plain, serialisable data. */
export interface DetectedFace {
  /** Face box in pixels of the decoded (orientation-corrected) image, clipped to it. */
  box: Box;
  /** The same box in 0..1 of the image width and height. */
  boxRaw: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /** The 468 face-mesh landmarks in pixels of the image (MediaPipe FaceMesh topology). */
  landmarks: Point3[];
  /** True when the face was found only after padding the image (a tight crop). */
  padded: boolean;
}

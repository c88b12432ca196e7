import type { Box, Point3 } from './face_types.js';

/** Box area in square pixels. */
export function boxArea(box: Box): number {
  return Math.max(0, box[2]) * Math.max(0, box[3]);
}

/** Clips a box to an image of the given size; a box fully outside becomes zero-sized at the edge. */
export function clipBox(box: Box, width: number, height: number): Box {
  const x0 = Math.min(Math.max(box[0], 0), width);
  const y0 = Math.min(Math.max(box[1], 0), height);
  const x1 = Math.min(Math.max(box[0] + box[2], 0), width);
  const y1 = Math.min(Math.max(box[1] + box[3], 0), height);
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Moves a box found in a padded image back to the original's coordinates. */
export function unpadBox(box: Box, padX: number, padY: number): Box {
  return [box[0] - padX, box[1] - padY, box[2], box[3]];
}

/** Normalises a pixel box to 0..1 of the image size. */
export function normaliseBox(box: Box, width: number, height: number): Box {
  return [box[0] / width, box[1] / height, box[2] / width, box[3] / height];
}

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * A square crop box around a face, `scale` times the longer side of its box, centred on it.
 * The expression network was trained on tight detector boxes; see docs/expression-model.md.
 */
export function squareCrop(box: Box, scale: number): Box {
  const side = Math.max(box[2], box[3]) * scale;
  const cx = box[0] + box[2] / 2;
  const cy = box[1] + box[3] / 2;
  return [cx - side / 2, cy - side / 2, side, side];
}

/**
 * The bounds of a set of landmarks (e.g. the 468 face-mesh points), unclipped: unlike a detector's
 * box, it does not shrink when the face touches the image border, so crops made from it keep the
 * same scale on tight crops (48x48 faces) and on whole photos. Undefined without points.
 */
export function landmarkBounds(points: readonly Point3[]): Box | undefined {
  if (points.length === 0) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}

/** The same box in the image mirrored left to right (an image `width` pixels wide). */
export function mirrorBox(box: Box, width: number): Box {
  return [width - box[0] - box[2], box[1], box[2], box[3]];
}

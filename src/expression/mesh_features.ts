/**
 * Pose-normalised face-mesh geometry: a few dozen numbers that describe how a face is deformed
 * (mouth, eyes, brows), whatever its position, size and roll in the image. Indices are MediaPipe
 * FaceMesh's 468-point topology (human's mesh): 33/263 outer eye corners, 61/291 mouth corners, ...
 */
import type { Point3 } from '../face/face_types.js';

/** Landmarks kept, as [subject's right side or centre, its mirror partner] pairs (centre points pair with themselves). */
const KEY_POINTS: readonly (readonly [number, number])[] = [
  // mouth: corners, outer top/bottom, inner top/bottom, inner corners, upper and lower lip sides
  [61, 291], [0, 0], [17, 17], [13, 13], [14, 14], [78, 308], [40, 270], [91, 321],
  // eyes: outer and inner corners, upper and lower lids
  [33, 263], [133, 362], [159, 386], [145, 374],
  // brows: outer, middle, inner, outer-lower
  [70, 300], [105, 334], [107, 336], [46, 276],
  // nose: tip, base, wings; chin
  [1, 1], [2, 2], [98, 327], [152, 152],
];

type DistancePair = readonly [readonly [number, number], readonly [number, number]];

/** Upper lid to lower lid, right eye and left eye (eyeOpening reads it). */
const EYE_OPENING: DistancePair = [[159, 145], [386, 374]];

/** Distances (divided by the distance between the outer eye corners), as [right, left] pairs. */
const DISTANCES: readonly DistancePair[] = [
  [[61, 291], [61, 291]], // mouth width
  [[13, 14], [13, 14]], // inner mouth opening
  [[0, 17], [0, 17]], // outer mouth height
  EYE_OPENING,
  [[105, 159], [334, 386]], // brow over the upper lid
  [[107, 336], [107, 336]], // inner brows apart
  [[107, 133], [336, 362]], // inner brow over the inner eye corner
  [[46, 33], [276, 263]], // outer brow over the outer eye corner
  [[61, 1], [291, 1]], // mouth corner to nose tip
  [[145, 61], [374, 291]], // lower lid to mouth corner (cheek raise)
  [[0, 1], [0, 1]], // upper lip to nose tip
  [[17, 152], [17, 152]], // lower lip to chin
  [[1, 152], [1, 152]], // nose tip to chin (jaw drop)
];

const isCentre = ([a, b]: readonly [number, number]): boolean => a === b;
const isCentreDistance = ([r, l]: DistancePair): boolean => r[0] === l[0] && r[1] === l[1];

/**
 * Floats mesh features give: a flag (1 = a mesh was there), x and y of each key point (a centre
 * point once, a pair for each side), then each distance (once in the centre, per side for a pair).
 */
export const MESH_FEATURES =
  1 +
  KEY_POINTS.reduce((n, pair) => n + (isCentre(pair) ? 2 : 4), 0) +
  DISTANCES.reduce((n, pair) => n + (isCentreDistance(pair) ? 1 : 2), 0);

const MESH_POINTS = 468;

/** Where meshFeatures() puts the two eye openings (the subject's right eye, then the left). */
const EYE_OPENING_AT = (() => {
  let k = 1 + KEY_POINTS.reduce((n, pair) => n + (isCentre(pair) ? 2 : 4), 0);
  for (const pair of DISTANCES) {
    if (pair === EYE_OPENING) return k;
    k += isCentreDistance(pair) ? 1 : 2;
  }
  throw new Error('mesh_features.ts lists no eye-opening distance');
})();

/**
 * How open the eyes are: the mean of the two lid-to-lid distances of meshFeatures(), in units of
 * the distance between the outer eye corners (about 0.1 open, 0.07 narrowed); undefined without a
 * mesh. The same for a face and its mirror image.
 */
export function eyeOpening(features: Float32Array): number | undefined {
  if (features.length !== MESH_FEATURES) throw new Error(`Expected ${MESH_FEATURES} mesh features, but got ${features.length}`);
  if (features[0] !== 1) return undefined;
  return (features[EYE_OPENING_AT]! + features[EYE_OPENING_AT + 1]!) / 2;
}

/**
 * Geometry of one face mesh, in a frame of the face itself: origin at the nose tip, x from the
 * subject's right outer eye corner to the left one, y towards the chin (at right angles to x, in the
 * plane of the eyes and chin), lengths in units of the distance between the outer eye corners.
 * `mirror` gives the features of the mirror image of the face (left and right swapped), so that
 * training can use mirrored faces without running the mesh again. No mesh (e.g. a 48x48 crop the
 * detector did not find) gives zeros with the flag at 0.
 */
export function meshFeatures(landmarks: readonly Point3[] | Float32Array, mirror = false): Float32Array {
  const out = new Float32Array(MESH_FEATURES);
  const flat = landmarks instanceof Float32Array;
  const count = flat ? landmarks.length / 3 : landmarks.length;
  if (count !== MESH_POINTS || (flat && landmarks.every((v) => v === 0))) return out;
  const at = (i: number): [number, number, number] => {
    if (flat) return [landmarks[i * 3]!, landmarks[i * 3 + 1]!, landmarks[i * 3 + 2]!];
    const p = (landmarks as readonly Point3[])[i]!;
    return [p[0], p[1], p[2]];
  };
  const sub = (a: readonly number[], b: readonly number[]): number[] => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
  const dot = (a: readonly number[], b: readonly number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const origin = at(1);
  const xAxis = sub(at(263), at(33));
  const scale = Math.hypot(...xAxis) || 1;
  const ux = xAxis.map((v) => v / scale);
  const eyesMid = at(33).map((v, k) => (v + at(263)[k]!) / 2);
  const down = sub(at(152), eyesMid);
  const along = dot(down, ux);
  const yRaw = down.map((v, k) => v - along * ux[k]!);
  const yNorm = Math.hypot(...yRaw) || 1;
  const uy = yRaw.map((v) => v / yNorm);
  const frame = (i: number): [number, number] => {
    const d = sub(at(i), origin);
    return [dot(d, ux) / scale, dot(d, uy) / scale];
  };
  let k = 0;
  out[k++] = 1;
  for (const [right, left] of KEY_POINTS) {
    if (isCentre([right, left])) {
      const [x, y] = frame(right);
      out[k++] = mirror ? -x : x;
      out[k++] = y;
      continue;
    }
    // Mirrored: a point takes its partner's place, x negated.
    for (const i of mirror ? [left, right] : [right, left]) {
      const [x, y] = frame(i);
      out[k++] = mirror ? -x : x;
      out[k++] = y;
    }
  }
  const distance = ([a, b]: readonly [number, number]): number => Math.hypot(...sub(at(a), at(b))) / scale;
  for (const pair of DISTANCES) {
    if (isCentreDistance(pair)) out[k++] = distance(pair[0]);
    else for (const side of mirror ? [pair[1], pair[0]] : pair) out[k++] = distance(side);
  }
  return out;
}

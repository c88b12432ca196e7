/**
 * Euclidean distance between expression embeddings: the one metric of the meme index.
 * Plain loops over typed arrays, so it runs the same in Node, a browser and a Web Worker.
 */
import { MemeMirrorError } from '../errors.js';

/**
 * Throws DIMENSION_MISMATCH unless two embedding sizes are equal.
 * The message names both sizes, `expected` first (MediaPipe `cosine_similarity.ts`).
 */
export function assertSameSize(expected: number, received: number): void {
  if (expected !== received) {
    throw new MemeMirrorError(
      'DIMENSION_MISMATCH',
      `Cannot compare embeddings of different sizes (${expected} vs. ${received})`,
    );
  }
}

/**
 * Squared Euclidean distance between two rows: `dims` numbers of `a` starting at `aOffset` and
 * of `b` starting at `bOffset`. No checks, so a search can call it once per row of a flat matrix.
 * Sums in double precision, in index order.
 */
export function squaredEuclideanAt(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  dims: number,
): number {
  let sum = 0;
  for (let i = 0; i < dims; i++) {
    const d = a[aOffset + i]! - b[bOffset + i]!;
    sum += d * d;
  }
  return sum;
}

/** Squared Euclidean distance between two whole embeddings; throws DIMENSION_MISMATCH if their sizes differ. */
export function squaredEuclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertSameSize(a.length, b.length);
  return squaredEuclideanAt(a, 0, b, 0, a.length);
}

/** Euclidean distance between two whole embeddings; throws DIMENSION_MISMATCH if their sizes differ. */
export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.sqrt(squaredEuclidean(a, b));
}

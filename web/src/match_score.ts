/**
 * A readable match score from a distance, whatever the expression model: a distance is measured
 * against how close the collection's own faces come to each other, so no model's range is written
 * down here. score = 1 - distance / scale, clamped to 0..1, where scale is a high percentile of the
 * nearest-neighbour distances inside the collection: a match that far off is as poor as the
 * collection's loneliest faces get.
 */
import type { MemeIndex } from '../../src/index/memory_index.js';
import { squaredEuclideanAt } from '../../src/index/distance.js';

/** Faces whose nearest neighbour is measured (all of them in a collection this small or smaller). */
export const SCALE_SAMPLE = 1000;
/** The percentile of nearest-neighbour distances that scores 0. */
export const SCALE_PERCENTILE = 0.95;

/** Deterministic pseudo-random integers (a 32-bit LCG, Numerical Recipes constants), so scores are reproducible. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** The `p` quantile (0..1) of `values` (nearest rank); NaN for no values. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * The distance that scores 0 for these indexes together: the SCALE_PERCENTILE of the distances from
 * (up to SCALE_SAMPLE) faces to their nearest other face. Undefined for fewer than 2 faces or when
 * every face sits on another.
 */
export function distanceScale(indexes: readonly MemeIndex[], sample = SCALE_SAMPLE): number | undefined {
  const dims = indexes[0]?.dims ?? 0;
  const size = indexes.reduce((n, index) => n + index.size, 0);
  if (size < 2) return undefined;
  const rows = new Float32Array(size * dims);
  let at = 0;
  for (const index of indexes) {
    for (let i = 0; i < index.size; i++, at++) rows.set(index.embedding(i), at * dims);
  }
  let picked = Array.from({ length: size }, (_, i) => i);
  if (size > sample) {
    // A seeded partial shuffle: the same faces every time for the same collection size.
    const next = lcg(size);
    for (let i = 0; i < sample; i++) {
      const j = i + (next() % (size - i));
      [picked[i], picked[j]] = [picked[j]!, picked[i]!];
    }
    picked = picked.slice(0, sample);
  }
  const nearest = picked.map((i) => {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < size; j++) {
      if (j !== i) best = Math.min(best, squaredEuclideanAt(rows, i * dims, rows, j * dims, dims));
    }
    return Math.sqrt(best);
  });
  const scale = quantile(nearest, SCALE_PERCENTILE);
  return scale > 0 ? scale : undefined;
}

/** 0..1 (1 = the same expression); undefined without a scale. */
export function matchScore(distance: number, scale: number | undefined): number | undefined {
  if (scale === undefined || !Number.isFinite(distance)) return undefined;
  return Math.min(1, Math.max(0, 1 - distance / scale));
}

/**
 * Deterministic random data for the index tests and the atomic-write child process.
 * Not part of the public API.
 */
import { seededRandom } from '../util/random.js';
import { MemeIndex } from './memory_index.js';
import type { Box } from './index_types.js';

export { seededRandom };

/** `count` rows of `dims` numbers uniform in [-1, 1), row-major. */
export function randomRows(random: () => number, count: number, dims: number): Float32Array {
  const rows = new Float32Array(count * dims);
  for (let i = 0; i < rows.length; i++) rows[i] = random() * 2 - 1;
  return rows;
}

/**
 * An index of `fileCount` files with `facesPerFile` random faces each (file i is "memes/<i>.jpg");
 * every fifth file has no face and every tenth an error, as a real collection would.
 */
export function randomIndex(
  seed: number,
  options: { fileCount: number; facesPerFile: number; dims: number; modelId?: string },
): MemeIndex {
  const random = seededRandom(seed);
  const index = MemeIndex.empty(options.modelId ?? 'test-model@1', options.dims, '2024-01-02T03:04:05.678Z');
  for (let i = 0; i < options.fileCount; i++) {
    const faceCount = i % 5 === 4 ? 0 : options.facesPerFile;
    const rows = randomRows(random, faceCount, options.dims);
    const faces = Array.from({ length: faceCount }, (_, j) => ({
      box: [random() * 500, random() * 500, 10 + random() * 90, 10 + random() * 90] as Box,
      score: random(),
      embedding: rows.subarray(j * options.dims, (j + 1) * options.dims),
    }));
    const file = {
      path: `memes/${i}.jpg`,
      size: Math.floor(random() * 1e6),
      mtimeMs: 1.7e12 + random() * 1e9,
      sha256: Array.from({ length: 32 }, () => Math.floor(random() * 256).toString(16).padStart(2, '0')).join(''),
    };
    index.upsertFile(i % 10 === 9 ? { ...file, error: 'CORRUPT_IMAGE: truncated JPEG' } : file, faces);
  }
  return index;
}

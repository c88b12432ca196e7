/** Which images of a face set eval measures (no model imported here: training uses it too). */
import type { FaceSet, FaceSetEntry } from './face_set.js';
import { DEFAULT_SEED } from './metrics.js';
import { seededRandom, shuffle } from '../util/random.js';
import { isHeldOut } from './split.js';

export interface SelectOptions {
  /** Only the people the trained models never saw (split.ts). Defaults to false. */
  heldOut?: boolean;
  /** At most this many images, drawn with the seed. Defaults to all. */
  limit?: number;
  /** Defaults to DEFAULT_SEED. */
  seed?: number;
}

/** The entries eval measures: the held-out people if asked, then a seeded sample of `limit`. */
export function chooseEntries(set: FaceSet, options: SelectOptions): FaceSetEntry[] {
  let entries = set.entries;
  if (options.heldOut) entries = entries.filter((e) => isHeldOut(set.name, e.identity));
  if (options.limit !== undefined && entries.length > options.limit) {
    const order = shuffle([...entries.keys()], seededRandom(options.seed ?? DEFAULT_SEED)).slice(0, options.limit).sort((a, b) => a - b);
    entries = order.map((i) => entries[i]!);
  }
  return entries;
}


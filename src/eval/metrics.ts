/**
 * Metrics of an expression embedding on a labelled face set (issue 4): do a face's nearest faces make
 * the same expression, and are they other people? Pure functions of embeddings, labels and identities.
 * Distances are Euclidean, as in the meme index. A tie counts half.
 */
import { MemeMirrorError } from '../errors.js';
import { randomInt, seededRandom } from '../util/random.js';

/** Embeddings of a face set with what is known of each face. */
export interface LabelledEmbeddings {
  embeddings: readonly Float32Array[];
  /** Canonical labels (labels.ts), one per embedding. */
  labels: readonly string[];
  /** Identities, one per embedding; '' where unknown (then cross-identity metrics fall back, see below). */
  identities: readonly string[];
}

export const DEFAULT_TRIPLETS = 20_000;
export const DEFAULT_SEED = 1;
/** How many neighbours P@k and leakage look at. */
export const DEFAULT_K = 3;

export interface TripletResult {
  /** Share of triplets whose positive is nearer the anchor than the negative; NaN when none could be drawn. */
  accuracy: number;
  /** How many triplets were drawn (fewer than asked only when none is possible). */
  triplets: number;
}

interface Packed {
  n: number;
  dims: number;
  data: Float32Array;
}

function pack(embeddings: readonly Float32Array[]): Packed {
  const n = embeddings.length;
  const dims = embeddings[0]?.length ?? 0;
  const data = new Float32Array(n * dims);
  embeddings.forEach((e, i) => {
    if (e.length !== dims) {
      throw new MemeMirrorError('DIMENSION_MISMATCH', `Cannot compare embeddings of different sizes (${dims} vs. ${e.length}) at face ${i}`);
    }
    data.set(e, i * dims);
  });
  return { n, dims, data };
}

function squaredDistance(p: Packed, i: number, j: number): number {
  const { data, dims } = p;
  let sum = 0;
  const a = i * dims;
  const b = j * dims;
  for (let k = 0; k < dims; k++) {
    const d = data[a + k]! - data[b + k]!;
    sum += d * d;
  }
  return sum;
}

function checkLengths(set: LabelledEmbeddings): void {
  const n = set.embeddings.length;
  if (set.labels.length !== n || set.identities.length !== n) {
    throw new MemeMirrorError(
      'INVALID_OPTION',
      `Expected one label and one identity per embedding (${n}), but got ${set.labels.length} labels and ${set.identities.length} identities`,
    );
  }
}

function groupBy(keys: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

/** True when every face has an identity, so that "another person" means something. */
export function hasIdentities(set: LabelledEmbeddings): boolean {
  return set.identities.length > 0 && set.identities.every((id) => id !== '');
}

export interface TripletOptions {
  /** Defaults to DEFAULT_TRIPLETS. */
  count?: number;
  /** Defaults to DEFAULT_SEED. */
  seed?: number;
}

/**
 * Draws up to `tries` candidates from `pool` and returns the first that `ok` accepts, else the first
 * accepted one found by a full scan from a random start, else -1.
 */
function pick(pool: readonly number[], ok: (j: number) => boolean, random: () => number): number {
  for (let t = 0; t < 16; t++) {
    const j = pool[randomInt(random, pool.length)]!;
    if (ok(j)) return j;
  }
  const start = randomInt(random, pool.length);
  for (let t = 0; t < pool.length; t++) {
    const j = pool[(start + t) % pool.length]!;
    if (ok(j)) return j;
  }
  return -1;
}

/**
 * Cross-identity triplet accuracy: anchor, positive = the same label on *another* person, negative =
 * another label (anyone). Without identities, the positive is any other face with the same label.
 * Anchors are drawn uniformly among the faces that have a positive; positives and negatives uniformly.
 */
export function tripletAccuracy(set: LabelledEmbeddings, options: TripletOptions = {}): TripletResult {
  checkLengths(set);
  return sampleTriplets(set, options, false);
}

/**
 * Hard triplet accuracy: as tripletAccuracy, but the negative is the anchor's *own* person with another
 * label, so identity pulls the wrong way. NaN (0 triplets) on a set without identities.
 */
export function hardTripletAccuracy(set: LabelledEmbeddings, options: TripletOptions = {}): TripletResult {
  checkLengths(set);
  if (!hasIdentities(set)) return { accuracy: Number.NaN, triplets: 0 };
  return sampleTriplets(set, options, true);
}

function sampleTriplets(set: LabelledEmbeddings, options: TripletOptions, hard: boolean): TripletResult {
  const count = options.count ?? DEFAULT_TRIPLETS;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const p = pack(set.embeddings);
  const { labels, identities } = set;
  const crossIdentity = hasIdentities(set);
  const byLabel = groupBy(labels);
  const byIdentity = groupBy(identities);
  const all = [...Array(p.n).keys()];
  const samePerson = (a: number, j: number): boolean => (crossIdentity ? identities[j] === identities[a] : j === a);
  // The anchors with at least one positive (and, when hard, one own-person negative).
  const anchors = all.filter((a) => {
    const hasPositive = byLabel.get(labels[a]!)!.some((j) => !samePerson(a, j));
    if (!hasPositive) return false;
    return !hard || byIdentity.get(identities[a]!)!.some((j) => labels[j] !== labels[a]);
  });
  if (anchors.length === 0 || (!hard && byLabel.size < 2)) return { accuracy: Number.NaN, triplets: 0 };
  let correct = 0;
  for (let t = 0; t < count; t++) {
    const a = anchors[randomInt(random, anchors.length)]!;
    const pos = pick(byLabel.get(labels[a]!)!, (j) => !samePerson(a, j), random);
    const negPool = hard ? byIdentity.get(identities[a]!)! : all;
    const neg = pick(negPool, (j) => labels[j] !== labels[a], random);
    const dp = squaredDistance(p, a, pos);
    const dn = squaredDistance(p, a, neg);
    correct += dp < dn ? 1 : dp === dn ? 0.5 : 0;
  }
  return { accuracy: correct / count, triplets: count };
}

/** The k nearest of `candidates` to face `q` (nearest first). */
function nearest(p: Packed, q: number, k: number, candidate: (j: number) => boolean): number[] {
  const idx: number[] = [];
  const dist: number[] = [];
  for (let j = 0; j < p.n; j++) {
    if (j === q || !candidate(j)) continue;
    const d = squaredDistance(p, q, j);
    if (idx.length === k && d >= dist[k - 1]!) continue;
    let at = Math.min(idx.length, k - 1);
    if (idx.length < k) {
      idx.push(j);
      dist.push(d);
      at = idx.length - 1;
    }
    while (at > 0 && dist[at - 1]! > d) {
      idx[at] = idx[at - 1]!;
      dist[at] = dist[at - 1]!;
      at--;
    }
    idx[at] = j;
    dist[at] = d;
  }
  return idx;
}

export interface PrecisionResult {
  /** Mean over queries of the share of the top k that carry the query's label. */
  precision: number;
  /** The same share for k faces drawn at random from the candidates (expected value). */
  chance: number;
  /** Precision by the query's label. */
  byLabel: Record<string, number>;
  queries: number;
}

/**
 * Cross-identity P@k: for each face, the share of its k nearest faces among *other people's* that carry
 * its label. Without identities, the k nearest among all other faces.
 */
export function precisionAtK(set: LabelledEmbeddings, k = DEFAULT_K): PrecisionResult {
  checkLengths(set);
  const p = pack(set.embeddings);
  const { labels, identities } = set;
  const crossIdentity = hasIdentities(set);
  const labelCount = groupBy(labels);
  const identityLabel = groupBy(identities.map((id, i) => `${id}\u0000${labels[i]}`));
  const identityCount = groupBy(identities);
  const sums = new Map<string, { hits: number; queries: number }>();
  let total = 0;
  let chance = 0;
  let queries = 0;
  for (let q = 0; q < p.n; q++) {
    const top = nearest(p, q, k, (j) => !crossIdentity || identities[j] !== identities[q]);
    if (top.length === 0) continue;
    const share = top.filter((j) => labels[j] === labels[q]).length / top.length;
    total += share;
    const sameLabel = labelCount.get(labels[q]!)!.length - 1;
    const candidates = crossIdentity ? p.n - identityCount.get(identities[q]!)!.length : p.n - 1;
    const ownSameLabel = crossIdentity ? identityLabel.get(`${identities[q]}\u0000${labels[q]}`)!.length - 1 : 0;
    chance += (sameLabel - ownSameLabel) / candidates;
    queries++;
    const s = sums.get(labels[q]!) ?? { hits: 0, queries: 0 };
    s.hits += share;
    s.queries++;
    sums.set(labels[q]!, s);
  }
  const byLabel: Record<string, number> = {};
  for (const [label, s] of [...sums].sort(([a], [b]) => a.localeCompare(b))) byLabel[label] = s.hits / s.queries;
  return { precision: queries > 0 ? total / queries : Number.NaN, chance: queries > 0 ? chance / queries : Number.NaN, byLabel, queries };
}

export interface LeakageResult {
  /** Mean over queries of the share of the top k among all other faces that are the query's own person. */
  leakage: number;
  /** The same share for k faces drawn at random (expected value). */
  chance: number;
  /**
   * As `leakage`, but leaving out the query's own faces with the *same* label: a same-person,
   * same-expression face is a right answer, and some sets hold near-identical frames of one
   * expression (CK+: 3 per sequence). This counts only "the same person making another face".
   */
  otherLabel: number;
  otherLabelChance: number;
  /**
   * Among the query's k nearest faces *with its own label*, the share that are its own person: the
   * leakage this model would have if it never confused expressions (its order within a label kept).
   * A same-person, same-expression photo (another light, a frame of the same recording) is the
   * nearest right answer for any embedding that sees the face, so on sets with such photos this stays
   * far above its chance, and `leakage` with it, however well expressions are told apart.
   * Over the queries with at least one other face of their label.
   */
  sameLabel: number;
  /** The same share for a random order within the label (expected value). */
  sameLabelChance: number;
  queries: number;
}

/** Identity leakage: how often a face's k nearest faces are its own person. NaN without identities. */
export function identityLeakage(set: LabelledEmbeddings, k = DEFAULT_K): LeakageResult {
  checkLengths(set);
  if (!hasIdentities(set)) {
    return { leakage: Number.NaN, chance: Number.NaN, otherLabel: Number.NaN, otherLabelChance: Number.NaN, sameLabel: Number.NaN, sameLabelChance: Number.NaN, queries: 0 };
  }
  const p = pack(set.embeddings);
  const { labels, identities } = set;
  const identityCount = groupBy(identities);
  const identityLabel = groupBy(identities.map((id, i) => `${id}\u0000${labels[i]}`));
  const labelCount = groupBy(labels);
  let leak = 0;
  let chance = 0;
  let other = 0;
  let otherChance = 0;
  let same = 0;
  let sameChance = 0;
  let sameQueries = 0;
  for (let q = 0; q < p.n; q++) {
    const own = identityCount.get(identities[q]!)!.length - 1;
    const ownSame = identityLabel.get(`${identities[q]}\u0000${labels[q]}`)!.length - 1;
    const top = nearest(p, q, k, () => true);
    leak += top.filter((j) => identities[j] === identities[q]).length / Math.max(1, top.length);
    chance += own / Math.max(1, p.n - 1);
    const topOther = nearest(p, q, k, (j) => identities[j] !== identities[q] || labels[j] !== labels[q]);
    other += topOther.filter((j) => identities[j] === identities[q]).length / Math.max(1, topOther.length);
    otherChance += (own - ownSame) / Math.max(1, p.n - 1 - ownSame);
    const sameLabelOthers = labelCount.get(labels[q]!)!.length - 1;
    if (sameLabelOthers > 0) {
      const topSame = nearest(p, q, k, (j) => labels[j] === labels[q]);
      same += topSame.filter((j) => identities[j] === identities[q]).length / topSame.length;
      sameChance += ownSame / sameLabelOthers;
      sameQueries++;
    }
  }
  const n = Math.max(1, p.n);
  const sameCount = sameQueries > 0 ? sameQueries : Number.NaN;
  return {
    leakage: leak / n,
    chance: chance / n,
    otherLabel: other / n,
    otherLabelChance: otherChance / n,
    sameLabel: same / sameCount,
    sameLabelChance: sameChance / sameCount,
    queries: p.n,
  };
}

/**
 * Partial top-k: the k smallest values of a stream, without sorting all of them.
 * A bounded binary max-heap of size k whose root is the worst kept entry (textbook heap-select,
 * O(n log k)); only the k survivors are sorted at the end.
 * Ties are broken by the lower index, so results are deterministic.
 */
import { MemeMirrorError } from '../errors.js';

/** One kept entry: the position it was pushed with and its value (a distance). */
export interface TopKEntry {
  index: number;
  value: number;
}

/** Keeps the `k` smallest (value, index) pairs pushed into it. Values must not be NaN. */
export class TopK {
  readonly k: number;
  #size = 0;
  readonly #values: Float64Array;
  readonly #indices: Float64Array;

  /** @param k how many entries to keep: an integer >= 0. */
  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0) {
      throw new MemeMirrorError('INVALID_OPTION', `Expected k to be an integer >= 0, but got ${k}`);
    }
    this.k = k;
    this.#values = new Float64Array(k);
    this.#indices = new Float64Array(k);
  }

  /** Number of entries kept so far (at most k). */
  get size(): number {
    return this.#size;
  }

  /** Offers one entry; it is kept if it is among the k smallest so far. */
  push(index: number, value: number): void {
    if (this.#size < this.k) {
      this.#values[this.#size] = value;
      this.#indices[this.#size] = index;
      this.#siftUp(this.#size++);
    } else if (this.k > 0 && this.#worse(this.#values[0]!, this.#indices[0]!, value, index)) {
      this.#values[0] = value;
      this.#indices[0] = index;
      this.#siftDown(0);
    }
  }

  /** The kept entries, ascending by value, then by index. */
  sorted(): TopKEntry[] {
    const out: TopKEntry[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ index: this.#indices[i]!, value: this.#values[i]! });
    return out.sort((a, b) => a.value - b.value || a.index - b.index);
  }

  /** True when entry (v1, i1) ranks after (v2, i2). */
  #worse(v1: number, i1: number, v2: number, i2: number): boolean {
    return v1 > v2 || (v1 === v2 && i1 > i2);
  }

  /** True when heap slot `a` belongs above slot `b` (it ranks after it). */
  #above(a: number, b: number): boolean {
    return this.#worse(this.#values[a]!, this.#indices[a]!, this.#values[b]!, this.#indices[b]!);
  }

  #swap(a: number, b: number): void {
    const v = this.#values[a]!;
    const i = this.#indices[a]!;
    this.#values[a] = this.#values[b]!;
    this.#indices[a] = this.#indices[b]!;
    this.#values[b] = v;
    this.#indices[b] = i;
  }

  #siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#above(at, parent)) return;
      this.#swap(at, parent);
      at = parent;
    }
  }

  #siftDown(at: number): void {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let top = at;
      if (left < this.#size && this.#above(left, top)) top = left;
      if (right < this.#size && this.#above(right, top)) top = right;
      if (top === at) return;
      this.#swap(at, top);
      at = top;
    }
  }
}

/** The `k` smallest values of `values` with their indices, ascending (ties: lower index first). */
export function topK(values: ArrayLike<number>, k: number): TopKEntry[] {
  const top = new TopK(Math.min(k, values.length));
  for (let i = 0; i < values.length; i++) top.push(i, values[i]!);
  return top.sorted();
}

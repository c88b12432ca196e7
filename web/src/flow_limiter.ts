/**
 * Never queue frames: while one frame is being processed, a newer frame replaces the one waiting,
 * so the work always starts on the newest frame and latency never builds up.
 * After MediaPipe's FlowLimiterCalculator (one frame in flight, the rest dropped).
 */
export interface FlowLimiterStats {
  /** Frames whose processing finished (including those that threw). */
  processed: number;
  /** Frames replaced by a newer one before their turn came. */
  dropped: number;
}

export class FlowLimiter<T> {
  readonly #process: (item: T) => Promise<void>;
  readonly #onError: (error: unknown, item: T) => void;
  #running: Promise<void> | undefined;
  #waiting: { item: T } | undefined;
  #processed = 0;
  #dropped = 0;

  /**
   * @param process handles one item; the next item starts only after it settles.
   * @param onError called when `process` throws (the limiter keeps going). Defaults to console.error.
   */
  constructor(process: (item: T) => Promise<void>, onError: (error: unknown, item: T) => void = (e) => console.error(e)) {
    this.#process = process;
    this.#onError = onError;
  }

  /** Processes `item` now if nothing is in flight; otherwise it replaces the waiting item (dropping that one). */
  offer(item: T): void {
    if (this.#waiting) this.#dropped++;
    this.#waiting = { item };
    this.#running ??= this.#run();
  }

  /** True while an item is being processed. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  get stats(): FlowLimiterStats {
    return { processed: this.#processed, dropped: this.#dropped };
  }

  /** Forgets the waiting item, if any (the one in flight finishes). */
  clear(): void {
    if (this.#waiting) this.#dropped++;
    this.#waiting = undefined;
  }

  /** Resolves once nothing is in flight or waiting. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    while (this.#waiting) {
      const { item } = this.#waiting;
      this.#waiting = undefined;
      try {
        await this.#process(item);
      } catch (error) {
        this.#onError(error, item);
      }
      this.#processed++;
    }
    this.#running = undefined;
  }
}

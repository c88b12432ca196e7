/** The stages of one live frame, in order. */
export const STAGES = ['detect', 'embed', 'search'] as const;
export type Stage = (typeof STAGES)[number];

/** Stage times of one frame, in milliseconds. */
export type StageTimes = Record<Stage, number>;

export interface FrameStatsSnapshot {
  /** Frames finished per second over the window; 0 until two frames are in it. */
  fps: number;
  /** Mean time of each stage over the window, in milliseconds. */
  stages: StageTimes;
  /** Frames in the window. */
  frames: number;
}

/** Frames per second and mean stage times over a sliding window of recent frames. */
export class FrameStats {
  readonly windowMs: number;
  readonly #frames: { at: number; times: StageTimes }[] = [];

  /** @param windowMs how far back the figures look. Defaults to 3000 ms. */
  constructor(windowMs = 3000) {
    this.windowMs = windowMs;
  }

  /** Records a finished frame: when it finished (ms, e.g. performance.now()) and its stage times. */
  add(at: number, times: StageTimes): void {
    this.#frames.push({ at, times: { ...times } });
    this.#trim(at);
  }

  /** Forgets every frame (after a pause, so the rate does not count the gap). */
  reset(): void {
    this.#frames.length = 0;
  }

  snapshot(now: number): FrameStatsSnapshot {
    this.#trim(now);
    const frames = this.#frames;
    const stages = Object.fromEntries(
      STAGES.map((s) => [s, frames.length === 0 ? 0 : frames.reduce((sum, f) => sum + f.times[s], 0) / frames.length]),
    ) as StageTimes;
    const first = frames[0];
    const last = frames[frames.length - 1];
    // n frames finishing over a span hold n - 1 intervals.
    const span = first && last ? last.at - first.at : 0;
    const fps = frames.length >= 2 && span > 0 ? ((frames.length - 1) * 1000) / span : 0;
    return { fps, stages, frames: frames.length };
  }

  #trim(now: number): void {
    while (this.#frames.length > 0 && now - this.#frames[0]!.at > this.windowMs) this.#frames.shift();
  }
}

/**
 * Progress for long work: a redrawn bar with rate and ETA on a terminal, plain lines when piped
 * (one every `lineEvery` items or `lineSeconds`, whichever comes first). Writes to stderr so that
 * stdout stays clean for results.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  /** Unit for the rate, e.g. "img". Defaults to "items". */
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Piped output: a line at most every this many seconds. Defaults to 10. */
  lineSeconds?: number;
}

const BAR_WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Progress {
  readonly #options: Required<ProgressOptions>;
  readonly #started = performance.now();
  readonly #tty: boolean;
  #done = 0;
  #lastLine = 0;
  #lastLineDone = 0;

  constructor(options: ProgressOptions) {
    this.#options = { unit: 'items', stream: process.stderr, lineSeconds: 10, ...options };
    this.#tty = this.#options.stream.isTTY === true;
  }

  /** Rate in items per second and the estimated seconds left. */
  stats(): { rate: number; eta: number } {
    const elapsed = (performance.now() - this.#started) / 1000;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    return { rate, eta: rate > 0 ? (this.#options.total - this.#done) / rate : Number.POSITIVE_INFINITY };
  }

  /** Marks items done (absolute count) with a short note (the current file). */
  update(done: number, note = ''): void {
    this.#done = done;
    const { total, label, unit, stream, lineSeconds } = this.#options;
    const { rate, eta } = this.stats();
    const pct = total > 0 ? done / total : 1;
    const tail = `${done}/${total} ${rate.toFixed(1)} ${unit}/s ETA ${formatDuration(eta)}`;
    if (this.#tty) {
      const filled = Math.round(pct * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      const columns = stream.columns || 100;
      const line = `${label} ${bar} ${(pct * 100).toFixed(0).padStart(3)}% ${tail} ${note}`;
      stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
      return;
    }
    const now = performance.now();
    const step = Math.max(1, Math.ceil(total / 10));
    if (done === total || done - this.#lastLineDone >= step || now - this.#lastLine >= lineSeconds * 1000) {
      stream.write(`${label}: ${tail}\n`);
      this.#lastLine = now;
      this.#lastLineDone = done;
    }
  }

  /** Prints a message above the bar (errors as they happen). */
  log(message: string): void {
    const { stream } = this.#options;
    stream.write(this.#tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.#tty) this.#options.stream.write('\n');
  }
}

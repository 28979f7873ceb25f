/**
 * Waiting on the bench: hub time is wall time, so a wait is real. It checks its condition every quarter
 * second, shows what it waits for and until when (redrawn on a terminal, announced once elsewhere when it is
 * long), and ends at once when the run is aborted (Ctrl-C).
 */
import type { Clock } from "../hub/clock.js";
import { formatDuration } from "../duration.js";
import type { Progress } from "./progress.js";

/** Real ms between checks of a wait's condition. */
const CHECK_MS = 250;
/** Waits at least this long get a line of their own on a non-terminal progress display. */
const ANNOUNCE_MS = 5_000;

function clock24(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export class RealTimeWaiter {
  readonly #clock: Clock;
  readonly #progress: Progress;
  readonly #signal: AbortSignal | undefined;

  constructor(opts: { clock: Clock; progress: Progress; signal?: AbortSignal }) {
    this.#clock = opts.clock;
    this.#progress = opts.progress;
    this.#signal = opts.signal;
  }

  get aborted(): boolean {
    return this.#signal?.aborted ?? false;
  }

  /** Sleeps `ms`, or less when the run is aborted. */
  sleep(ms: number): Promise<void> {
    const signal = this.#signal;
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Waits until `untilMs` (wall clock) or `done()`, checking at least every `stepMs`, and resolves with
   * whether `done()` held (true at the deadline when there is no condition).
   */
  async until(untilMs: number, label: string, done?: () => boolean, stepMs = CHECK_MS): Promise<boolean> {
    const clock = this.#clock;
    if (done?.()) return true;
    const total = untilMs - clock.now();
    if (total >= ANNOUNCE_MS)
      this.#progress.line(
        `  waiting for ${label} — until ${clock24(untilMs)}Z (${formatDuration(Math.round(total / 1000) * 1000)})`,
      );
    while (clock.now() < untilMs && !this.aborted) {
      const left = untilMs - clock.now();
      this.#progress.status(
        `  waiting for ${label} — until ${clock24(untilMs)}Z, ${formatDuration(Math.ceil(left / 1000) * 1000)} left`,
      );
      await this.sleep(Math.min(left, stepMs, CHECK_MS));
      if (done?.()) return true;
    }
    return done ? done() : true;
  }
}

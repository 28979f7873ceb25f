/**
 * Hub time. Every part of hanbench that needs "now" or a timer takes a Clock; nothing reads Date.now()
 * directly. The bench uses RealClock. Virtual runs use SteppedClock, which the runner advances, so a 24-hour
 * detection window passes in milliseconds while every frame still goes over the real protocol stack.
 */

export type Cancel = () => void;

export interface Clock {
  /** Milliseconds since the Unix epoch, in hub time. */
  now(): number;
  /** Runs `fn` once hub time reaches `atMs`. A time in the past runs it as soon as possible. */
  at(atMs: number, fn: () => void | Promise<void>): Cancel;
  /** Resolves once `ms` of hub time have passed. */
  sleep(ms: number): Promise<void>;
}

/** ZCL UTC time (seconds since 2000-01-01Z) of hub-time ms and back: src/zcl/time.ts, re-exported for clock users. */
export { msToZclUtc, ZCL_EPOCH_OFFSET_S, zclUtcToMs } from "../zcl/time.js";

/** Wall-clock time, for the bench. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  at(atMs: number, fn: () => void | Promise<void>): Cancel {
    const timer = setTimeout(() => void fn(), Math.max(0, atMs - Date.now()));
    return () => clearTimeout(timer);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** Real time running `factor` times faster from `startMs` (for `hanbench virtual` on its own). */
export class ScaledClock implements Clock {
  readonly #origin = performance.now();
  constructor(
    readonly startMs: number,
    readonly factor: number,
  ) {
    if (!(factor > 0)) throw new RangeError("clock factor must be > 0");
  }
  now(): number {
    return Math.floor(this.startMs + (performance.now() - this.#origin) * this.factor);
  }
  at(atMs: number, fn: () => void | Promise<void>): Cancel {
    const timer = setTimeout(() => void fn(), Math.max(0, (atMs - this.now()) / this.factor));
    return () => clearTimeout(timer);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms / this.factor));
  }
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
  resolve?: () => void;
}

/**
 * Time that moves only when told to. `advanceTo(t)` runs every timer due up to t in time order, setting
 * now() to each timer's own time and awaiting what it returns (a device poll that goes over the network
 * finishes before the next timer fires), then leaves now() at t.
 *
 * With `batchMs` > 0, timers due within `batchMs` of the earliest one run together, concurrently, with now()
 * at the latest of their times: independent devices polling at nearly the same hub time then share the
 * network as they would in a home, instead of waiting for each other.
 */
export class SteppedClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #advancing = false;
  readonly #batchMs: number;

  constructor(startMs: number, opts: { batchMs?: number } = {}) {
    this.#now = startMs;
    this.#batchMs = opts.batchMs ?? 0;
    if (!(this.#batchMs >= 0)) throw new RangeError("batchMs must be ≥ 0");
  }

  now(): number {
    return this.#now;
  }

  at(atMs: number, fn: () => void | Promise<void>): Cancel {
    const timer: Timer = { at: Math.max(atMs, this.#now), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.at(this.#now + ms, resolve);
    });
  }

  /** Timers waiting, for tests and progress displays. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Hub time of the next timer, if any. */
  nextAt(): number | undefined {
    return this.#next()?.at;
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }

  async advanceTo(targetMs: number): Promise<void> {
    if (this.#advancing) throw new Error("SteppedClock.advanceTo is already running");
    this.#advancing = true;
    try {
      for (;;) {
        const next = this.#next();
        if (!next || next.at > targetMs) break;
        if (this.#batchMs === 0) {
          this.#timers = this.#timers.filter((t) => t !== next);
          this.#now = Math.max(this.#now, next.at);
          await next.fn();
          continue;
        }
        const until = Math.min(targetMs, next.at + this.#batchMs);
        const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq);
        this.#timers = this.#timers.filter((t) => t.at > until);
        this.#now = Math.max(this.#now, due.at(-1)!.at);
        await Promise.all(due.map((t) => t.fn()));
      }
      this.#now = Math.max(this.#now, targetMs);
    } finally {
      this.#advancing = false;
    }
  }

  #next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }
}

/** Link timers driven by the test: time moves only when `advance` is called, and due timers fire in order. */
import type { LinkTimers } from "../../../src/virtual/ember/ash-link.js";

interface Pending {
  at: number;
  fn: () => void;
  id: number;
}

export class ManualTimers implements LinkTimers {
  #now = 0;
  #next = 1;
  #pending: Pending[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const t = { at: this.#now + ms, fn, id: this.#next++ };
    this.#pending.push(t);
    return t.id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending = this.#pending.filter((t) => t.id !== handle);
  }

  /** Timers waiting to fire. */
  get count(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (in order of due time). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      this.#pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = this.#pending[0];
      if (!t || t.at > end) break;
      this.#pending.shift();
      this.#now = t.at;
      t.fn();
    }
    this.#now = end;
  }
}

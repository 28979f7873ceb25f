/**
 * Fault injection on the serial link between the host and the virtual dongle: drop or corrupt bytes in
 * either direction (one-shot counts or seeded rates), inject raw bytes, delay everything the dongle sends,
 * and cut the connection. With nothing armed the filters return the chunk untouched (hot path).
 */
import { Rng } from "../han/rng.js";

export type Direction = "toDongle" | "toHost";

interface DirFaults {
  dropNext: number;
  corruptNext: number;
  dropRate: number;
  corruptRate: number;
}

const none = (): DirFaults => ({ dropNext: 0, corruptNext: 0, dropRate: 0, corruptRate: 0 });

export class LinkFaults {
  /** Delay in ms added to every chunk the dongle sends (0 = none). */
  replyDelayMs = 0;
  readonly #dirs: Record<Direction, DirFaults> = { toDongle: none(), toHost: none() };
  readonly #rng: Rng;
  /** Set by the dongle: inserts raw bytes into a direction, bypassing the filters. */
  injector: ((dir: Direction, bytes: Buffer) => void) | undefined;
  /** Set by the dongle: closes the current host connection. */
  cutter: (() => void) | undefined;

  constructor(seed = 1) {
    this.#rng = new Rng(seed);
  }

  /** Drops the next `count` bytes going `dir`. */
  dropNext(dir: Direction, count: number): void {
    this.#dirs[dir].dropNext += count;
  }

  /** Flips one bit in each of the next `count` bytes going `dir`. */
  corruptNext(dir: Direction, count: number): void {
    this.#dirs[dir].corruptNext += count;
  }

  /** Per-byte drop and corruption probabilities (seeded). */
  setRates(dir: Direction, rates: { drop?: number; corrupt?: number }): void {
    this.#dirs[dir].dropRate = rates.drop ?? 0;
    this.#dirs[dir].corruptRate = rates.corrupt ?? 0;
  }

  /** Sends raw bytes (garbage, a bad-FCS frame …) in `dir`. */
  inject(dir: Direction, bytes: Buffer): void {
    if (!this.injector) throw new Error("no host is connected to inject into");
    this.injector(dir, bytes);
  }

  /** Closes the host connection, like pulling the USB cable. */
  cut(): void {
    this.cutter?.();
  }

  /** Clears every armed fault. */
  clear(): void {
    this.#dirs.toDongle = none();
    this.#dirs.toHost = none();
    this.replyDelayMs = 0;
  }

  /** The chunk as it arrives after the faults of `dir`. */
  filter(dir: Direction, chunk: Buffer): Buffer {
    const f = this.#dirs[dir];
    if (f.dropNext === 0 && f.corruptNext === 0 && f.dropRate === 0 && f.corruptRate === 0) return chunk;
    const out: number[] = [];
    for (const byte of chunk) {
      if (f.dropNext > 0) {
        f.dropNext -= 1;
        continue;
      }
      if (f.dropRate > 0 && this.#rng.next() < f.dropRate) continue;
      let b = byte;
      if (f.corruptNext > 0) {
        f.corruptNext -= 1;
        b ^= 1 << this.#rng.int(0, 7);
      } else if (f.corruptRate > 0 && this.#rng.next() < f.corruptRate) b ^= 1 << this.#rng.int(0, 7);
      out.push(b);
    }
    return Buffer.from(out);
  }
}

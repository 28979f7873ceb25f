/**
 * One index over a run's evidence, shared by the runner's waits (while the run goes on) and the cases'
 * verdicts (at its end): events by seq, by kind, and by kind and device. A log only grows, so the index
 * takes in what was appended since it last looked whenever it is asked, and never rescans; `of(events)`
 * gives the one index of a log, so every question asked of the same log reads the same index.
 *
 * The events must be in seq order (as EvidenceLog appends them and `evaluate` sorts a file's lines).
 */
import type { Evidence } from "./events.js";

/** The evidence events of one kind. */
export type Ev<K extends Evidence["kind"]> = Extract<Evidence, { kind: K }>;

/** How far a remembered question has looked, and whether it found its event. */
interface Scan {
  next: number;
  found: boolean;
}

const indexes = new WeakMap<readonly Evidence[], EvidenceIndex>();

/** Position of the first event of `list` (in seq order) with seq ≥ `fromSeq`. */
function firstFrom(list: readonly Evidence[], fromSeq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.seq < fromSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EvidenceIndex {
  readonly events: readonly Evidence[];
  /** Index of the next event of `events` to take in. */
  #next = 0;
  readonly #byKind = new Map<string, Evidence[]>();
  /** Per kind, once asked for: events by lower-cased device. */
  readonly #byKindDevice = new Map<string, Map<string, Evidence[]>>();
  readonly #lower = new Map<string, string>();
  readonly #scans = new Map<string, Scan>();

  /** The index of a log: the same array always gives the same index. */
  static of(events: readonly Evidence[]): EvidenceIndex {
    let index = indexes.get(events);
    if (!index) {
      index = new EvidenceIndex(events);
      indexes.set(events, index);
    }
    return index;
  }

  private constructor(events: readonly Evidence[]) {
    this.events = events;
  }

  #catchUp(): void {
    const events = this.events;
    for (; this.#next < events.length; this.#next++) {
      const e = events[this.#next]!;
      const list = this.#byKind.get(e.kind);
      if (list) list.push(e);
      else this.#byKind.set(e.kind, [e]);
      const byDevice = this.#byKindDevice.get(e.kind);
      if (byDevice) this.#addByDevice(byDevice, e);
    }
  }

  #addByDevice(byDevice: Map<string, Evidence[]>, e: Evidence): void {
    const d = (e as { device?: unknown }).device;
    if (typeof d !== "string") return;
    let key = this.#lower.get(d);
    if (key === undefined) {
      key = d.toLowerCase();
      this.#lower.set(d, key);
    }
    const list = byDevice.get(key);
    if (list) list.push(e);
    else byDevice.set(key, [e]);
  }

  /** The event with this seq number. */
  event(seq: number): Evidence | undefined {
    const e = this.events[firstFrom(this.events, seq)];
    return e?.seq === seq ? e : undefined;
  }

  /** Every event of a kind, in log order. */
  all<K extends Evidence["kind"]>(kind: K): readonly Ev<K>[] {
    this.#catchUp();
    return (this.#byKind.get(kind) ?? []) as Ev<K>[];
  }

  /** Every event of a kind whose `device` is `device` (compared case-insensitively), in log order. */
  ofDevice<K extends Evidence["kind"]>(kind: K, device: string): readonly Ev<K>[] {
    this.#catchUp();
    let byDevice = this.#byKindDevice.get(kind);
    if (!byDevice) {
      byDevice = new Map();
      for (const e of this.#byKind.get(kind) ?? []) this.#addByDevice(byDevice, e);
      this.#byKindDevice.set(kind, byDevice);
    }
    return (byDevice.get(device.toLowerCase()) ?? []) as Ev<K>[];
  }

  /**
   * Whether an event of `kind` of `device` with seq ≥ `fromSeq` matches. The answer is remembered under
   * `question` (which must name what `match` tests): the next ask looks only at the device's events appended
   * since, and a "yes" stays a "yes".
   */
  anySince<K extends Evidence["kind"]>(
    question: string,
    kind: K,
    device: string,
    fromSeq: number,
    match: (e: Ev<K>) => boolean,
  ): boolean {
    const list = this.ofDevice(kind, device);
    const key = `${question}\u0000${kind}\u0000${device.toLowerCase()}\u0000${fromSeq}`;
    let scan = this.#scans.get(key);
    if (!scan) {
      scan = { next: firstFrom(list, fromSeq), found: false };
      this.#scans.set(key, scan);
    }
    if (scan.found) return true;
    for (; scan.next < list.length; scan.next++) {
      if (match(list[scan.next]!)) {
        scan.found = true;
        return true;
      }
    }
    return false;
  }

  /** Seq of the next event to be appended. */
  nextSeq(): number {
    return (this.events.at(-1)?.seq ?? 0) + 1;
  }
}

/**
 * The CoT records in force and which tenancy a hub-time instant belongs to.
 *
 * Tenancy 1 runs from the start of time. A record with tenancy n+1 takes effect from its implementation
 * time: `tenancyAt(ms)` is the highest tenancy whose record is in effect at `ms`. A future-dated CoT is
 * recorded at once (the Device Management attributes show it) and changes the served tenancy only when
 * hub time reaches it. A later CoT with an earlier implementation time supersedes an earlier, still
 * future one.
 *
 * The rules for accepting a CoT (issuer event ids and so on) belong to src/cluster-cot; this schedule only
 * keeps tenancies consecutive and within what the tenancy tag can tell apart.
 */
import type { Clock } from "./clock.js";
import { MAX_TENANCY } from "./data/tag.js";

/** One recorded CoT. */
export interface CotRecord {
  /** The tenancy that starts at `implementationTime` (2 for the first CoT). */
  tenancy: number;
  providerId: number;
  issuerEventId: number;
  /** 0 delivered, 1 received, 2 both. */
  tariffType: number;
  /** Hub ms at which the new tenancy starts. */
  implementationTime: number;
  /** ProposedTenancyChangeControl bitmap (domain.md §3.2). */
  control: number;
  /** Hub ms at which the hub recorded the CoT. */
  recordedAt: number;
}

/** What a caller gives to record a CoT: `tenancy` defaults to the next one, `recordedAt` to now. */
export type CotInput = Omit<CotRecord, "tenancy" | "recordedAt"> & { tenancy?: number; recordedAt?: number };

export class TenancySchedule {
  readonly #records: CotRecord[] = [];

  constructor(readonly clock: Clock) {}

  /** The tenancy in force now (hub time). */
  current(): number {
    return this.tenancyAt(this.clock.now());
  }

  /** The records in recording order. */
  get records(): readonly CotRecord[] {
    return this.#records;
  }

  /** The most recently recorded CoT, whether or not it is in effect yet. */
  latest(): CotRecord | undefined {
    return this.#records.at(-1);
  }

  /** The tenancy the next CoT starts. */
  nextTenancy(): number {
    return (this.latest()?.tenancy ?? 1) + 1;
  }

  /** Records a CoT; returns the stored record. Throws on a non-consecutive tenancy or bad fields. */
  record(cot: CotInput): CotRecord {
    const tenancy = cot.tenancy ?? this.nextTenancy();
    if (tenancy !== this.nextTenancy()) {
      throw new RangeError(`CoT tenancy ${tenancy} is out of order: the next CoT starts tenancy ${this.nextTenancy()}`);
    }
    if (tenancy > MAX_TENANCY) throw new RangeError(`at most ${MAX_TENANCY} tenancies per run`);
    for (const [name, value, max] of [
      ["providerId", cot.providerId, 0xffffffff],
      ["issuerEventId", cot.issuerEventId, 0xffffffff],
      ["tariffType", cot.tariffType, 0xff],
      ["control", cot.control, 0xffffffff],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value > max) {
        throw new RangeError(`CoT ${name} must be an integer 0..${max} (got ${value})`);
      }
    }
    if (!Number.isFinite(cot.implementationTime)) throw new RangeError("CoT implementationTime must be a time in ms");
    const rec: CotRecord = {
      tenancy,
      providerId: cot.providerId,
      issuerEventId: cot.issuerEventId,
      tariffType: cot.tariffType,
      implementationTime: cot.implementationTime,
      control: cot.control,
      recordedAt: cot.recordedAt ?? this.clock.now(),
    };
    this.#records.push(rec);
    return rec;
  }

  /** The tenancy in force at hub time `ms`. */
  tenancyAt(ms: number): number {
    let t = 1;
    for (const r of this.#records) if (r.implementationTime <= ms && r.tenancy > t) t = r.tenancy;
    return t;
  }

  /** The record that started the tenancy in force at `ms` (undefined during tenancy 1). */
  inForceAt(ms: number): CotRecord | undefined {
    const t = this.tenancyAt(ms);
    return this.#records.find((r) => r.tenancy === t);
  }
}

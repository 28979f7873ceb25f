/**
 * The CoTs recorded on each meter. In GB a CoT reaches each meter on its own: GCS09 sets the GPF's
 * tenancy (a PublishChangeOfTenancy with its control bits), ECS12 the ESME's "Restrict Data Date Time" (a
 * date only), possibly at different times and from different suppliers (domain.md §2). A record changes
 * what that meter's Device Management attributes show and nothing it serves otherwise.
 *
 * The rules for accepting a CoT (issuer event ids and so on) belong to src/cluster-cot; this schedule only
 * checks that the fields fit their ZCL types.
 */
import type { Clock } from "./clock.js";
import type { EndpointRole } from "./types.js";

/** One recorded CoT. */
export interface CotRecord {
  /** The meter it was recorded on. */
  meter: EndpointRole;
  providerId: number;
  issuerEventId: number;
  /** 0 delivered, 1 received, 2 both. */
  tariffType: number;
  /** Hub ms from which the new occupier's tenancy runs (T). */
  implementationTime: number;
  /** ProposedTenancyChangeControl bitmap (domain.md §3.2). */
  control: number;
  /** Hub ms at which the meter recorded the CoT. */
  recordedAt: number;
}

/** What a caller gives to record a CoT: `recordedAt` defaults to now. */
export type CotInput = Omit<CotRecord, "recordedAt"> & { recordedAt?: number };

export class CotSchedule {
  readonly #records: CotRecord[] = [];
  /** Per meter, how many records there were when its CoT record last went (reset). */
  readonly #resetAt = new Map<EndpointRole, number>();

  constructor(readonly clock: Clock) {}

  /** The records of every meter (or of one), in recording order. */
  records(meter?: EndpointRole): readonly CotRecord[] {
    return meter ? this.#records.filter((r) => r.meter === meter) : this.#records;
  }

  /** The most recently recorded CoT of a meter, whether or not its date has come; none after a reset. */
  latest(meter: EndpointRole): CotRecord | undefined {
    const from = this.#resetAt.get(meter) ?? 0;
    for (let i = this.#records.length - 1; i >= from; i--)
      if (this.#records[i]!.meter === meter) return this.#records[i];
    return undefined;
  }

  /**
   * The meter's CoT record goes, as when the meter or the hub is replaced: it shows no CoT until the next
   * one is recorded on it. The records stay listed.
   */
  reset(meter: EndpointRole): void {
    if (meter !== "gpf" && meter !== "esme") throw new RangeError(`CoT meter must be gpf or esme (got ${meter})`);
    this.#resetAt.set(meter, this.#records.length);
  }

  /** Records a CoT; returns the stored record. Throws on fields that do not fit their types. */
  record(cot: CotInput): CotRecord {
    if (cot.meter !== "gpf" && cot.meter !== "esme")
      throw new RangeError(`CoT meter must be gpf or esme (got ${cot.meter})`);
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
      meter: cot.meter,
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
}

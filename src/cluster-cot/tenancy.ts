/**
 * The tenancy state machine: builds and validates Change-of-Tenancy records, one meter at a time, and
 * applies them to a target (the hub) that sets that meter's Device Management 0x0200/0x0201 and changes
 * nothing else it serves (cot-suite.md "The CoT the hub performs"). In GB each meter gets its CoT on its own:
 * GCS09 on the GPF, ECS12 on the ESME (domain.md §2).
 *
 * Rules per meter (domain.md §3.6, after the reference Device Management server's SetTenancy):
 * - the issuer event id is strictly increasing, a UTC timestamp by default (the next second after the
 *   previous one, or now: domain-review W13); an older or repeated id is refused;
 * - the provider id is the meter's current supplier and the tariff type stays the first one's (a
 *   different one is refused: a CoT is not a change of supplier);
 * - the implementation time defaults to "now" (hub time) and is never earlier than the previous CoT's, unless
 *   the meter's record was reset in between (a meter or hub replaced: `reset`) or the CoT is a supplier's
 *   correction of the date (`correction`);
 * - ProposedTenancyChangeControl defaults to 0x00000600 (bit 9 Clear IHD Data – Consumer, bit 10 Clear
 *   IHD Data – Supplier; domain.md §3.2); reserved bits 15–31 are refused;
 * - nothing is pushed unless `push` is asked for: SECMP0056 puts the duty to query on the device.
 * Pure: time comes from the Clock, no I/O.
 */
import type { EndpointRole } from "../evidence/events.js";
import { type Clock, msToZclUtc, ZCL_EPOCH_OFFSET_S } from "../hub/clock.js";
import type { CotRecord as HubCotRecord } from "../hub/cots.js";
import { PTCC } from "../zcl/index.js";
import { hex } from "../hex.js";

/** PTCC bit 9: Clear IHD Data – Consumer (historic consumption); src/zcl's PTCC bitmap. */
export const CLEAR_CONSUMER = PTCC.clearIhdDataConsumer;
/** PTCC bit 10: Clear IHD Data – Supplier (supplier messages); src/zcl's PTCC bitmap. */
export const CLEAR_SUPPLIER = PTCC.clearIhdDataSupplier;
/** The control a CoT carries unless told otherwise. */
export const DEFAULT_CONTROL = CLEAR_CONSUMER | CLEAR_SUPPLIER;
/** PTCC bits 15–31 are reserved (domain.md §3.2). */
const RESERVED_CONTROL_BITS = 0xffff_8000;

/** Tariff Type of PublishChangeOfTenancy (enum8). */
export const TariffType = { delivered: 0, received: 1, both: 2 } as const;

/**
 * A CoT as the hub records it (what `recordCot` receives): the hub's record (src/hub/tenancy.ts) plus
 * whether to push PublishChangeOfTenancy unsolicited (off unless asked for).
 */
export interface CotRecord extends HubCotRecord {
  push: boolean;
}

/** What a caller asks for: the meter, and what else it wants other than the defaults. */
export interface CotRequest {
  meter: EndpointRole;
  /** Hub-time ms; default now. */
  implementationTime?: number;
  control?: number;
  /** Default: now as a ZCL UTC time, or the previous one + 1 if that is not above it. */
  issuerEventId?: number;
  /** Default: the meter's supplier. */
  providerId?: number;
  /** When the meter recorded it; default now (a step recording the CoT of both meters gives both one time). */
  recordedAt?: number;
  /** Default: the state's tariff type. */
  tariffType?: number;
  push?: boolean;
  /** A corrected date for the meter's CoT: it may be earlier than the previous one's. */
  correction?: boolean;
}

/** Anything whose meters' CoT records can go: the hub model. */
export interface CotResetTarget {
  resetCot(meter: EndpointRole): unknown;
}

/** Anything that performs a recorded CoT: the hub model. */
export interface CotTarget {
  recordCot(record: CotRecord): unknown;
}

export type CotRefusal =
  | "stale-issuer-event-id"
  | "provider-changed"
  | "tariff-changed"
  | "implementation-before-previous"
  | "invalid-field";

/** A CoT the state machine will not record. Nothing was applied to the target. */
export class CotRefusedError extends Error {
  override name = "CotRefusedError";
  constructor(
    readonly code: CotRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface TenancyOptions {
  clock: Clock;
  /** Each meter's supplier (its ProviderID), or one for both. */
  providers: Record<EndpointRole, number> | number;
  /** Default `TariffType.delivered`. */
  tariffType?: number;
}

const UINT32_MAX = 0xffff_ffff;
/** Latest instant a ZCL UTC time (uint32 seconds since 2000, 0xFFFFFFFF invalid) can express. */
const MAX_ZCL_MS = (ZCL_EPOCH_OFFSET_S + UINT32_MAX - 1) * 1000;

function checkUint32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
    throw new CotRefusedError("invalid-field", `${name} must be an integer 0..0xFFFFFFFF, got ${v}`);
  }
}

export class Tenancy {
  readonly #clock: Clock;
  readonly #providers: Record<EndpointRole, number>;
  readonly #tariffType: number;
  readonly #records: CotRecord[] = [];
  /** Per meter, how many records there were at its last reset. */
  readonly #resetAt = new Map<EndpointRole, number>();

  constructor(opts: TenancyOptions) {
    const p = opts.providers;
    this.#providers = typeof p === "number" ? { gpf: p, esme: p } : { ...p };
    for (const [meter, id] of Object.entries(this.#providers)) checkUint32(`${meter} providerId`, id);
    this.#clock = opts.clock;
    this.#tariffType = opts.tariffType ?? TariffType.delivered;
    if (![0, 1, 2].includes(this.#tariffType)) {
      throw new CotRefusedError("invalid-field", `tariffType must be 0, 1 or 2, got ${this.#tariffType}`);
    }
  }

  /** Every CoT recorded (on one meter, or on any), oldest first. */
  records(meter?: EndpointRole): readonly CotRecord[] {
    return meter ? this.#records.filter((r) => r.meter === meter) : this.#records;
  }

  /** The newest CoT of a meter, effective or pending; none after a reset. */
  latest(meter: EndpointRole): CotRecord | undefined {
    const from = this.#resetAt.get(meter) ?? 0;
    return this.#records
      .slice(from)
      .filter((r) => r.meter === meter)
      .at(-1);
  }

  /**
   * The meter's record goes (a meter or hub replaced): the next CoT on it may have any implementation time.
   * Issuer event ids still only increase. Applies the reset to the target first.
   */
  reset(target: CotResetTarget, meter: EndpointRole): void {
    target.resetCot(meter);
    this.#resetAt.set(meter, this.#records.length);
  }

  /** The supplier of a meter. */
  providerId(meter: EndpointRole): number {
    return this.#providers[meter];
  }

  /** Validates a request and returns the record it would make; changes nothing. Throws CotRefusedError. */
  build(req: CotRequest): CotRecord {
    if (req.meter !== "gpf" && req.meter !== "esme") {
      throw new CotRefusedError("invalid-field", `meter must be gpf or esme, got ${String(req.meter)}`);
    }
    const meter = req.meter;
    const prev = this.latest(meter);
    // issuer event ids increase across a reset too
    const last = this.records(meter).at(-1);
    const now = this.#clock.now();
    const providerId = req.providerId ?? this.#providers[meter];
    const tariffType = req.tariffType ?? this.#tariffType;
    const issuerEventId = req.issuerEventId ?? Math.max(last ? last.issuerEventId + 1 : 0, msToZclUtc(now));
    const control = req.control ?? DEFAULT_CONTROL;
    const implementationTime = req.implementationTime ?? now;

    checkUint32("providerId", providerId);
    checkUint32("issuerEventId", issuerEventId);
    checkUint32("control", control);
    if (providerId !== this.#providers[meter]) {
      throw new CotRefusedError(
        "provider-changed",
        `provider id ${providerId} differs from the ${meter.toUpperCase()}'s supplier ${this.#providers[meter]}`,
      );
    }
    if (tariffType !== this.#tariffType) {
      throw new CotRefusedError(
        "tariff-changed",
        `tariff type ${tariffType} differs from the stored ${this.#tariffType}`,
      );
    }
    if (last && issuerEventId <= last.issuerEventId) {
      throw new CotRefusedError(
        "stale-issuer-event-id",
        `issuer event id ${issuerEventId} is not above the previous ${last.issuerEventId}`,
      );
    }
    if ((control & RESERVED_CONTROL_BITS) >>> 0 !== 0) {
      throw new CotRefusedError("invalid-field", `control ${hex(control, 8)} sets reserved bits 15-31`);
    }
    if (
      !Number.isInteger(implementationTime) ||
      implementationTime < ZCL_EPOCH_OFFSET_S * 1000 ||
      implementationTime > MAX_ZCL_MS
    ) {
      throw new CotRefusedError(
        "invalid-field",
        `implementation time ${implementationTime} ms is not a ZCL UTC time (2000-01-01 .. 2136)`,
      );
    }
    if (prev && implementationTime < prev.implementationTime && !req.correction) {
      throw new CotRefusedError(
        "implementation-before-previous",
        `implementation time ${new Date(implementationTime).toISOString()} is before the previous CoT's ${new Date(prev.implementationTime).toISOString()}`,
      );
    }
    return {
      meter,
      providerId,
      issuerEventId,
      tariffType,
      implementationTime,
      control,
      recordedAt: req.recordedAt ?? now,
      push: req.push ?? false,
    };
  }

  /**
   * Validates, applies to the target, then commits. If the target throws, the state is unchanged and the
   * error propagates; a refused request never reaches the target.
   */
  async record(target: CotTarget, req: CotRequest): Promise<CotRecord> {
    const record = this.build(req);
    await target.recordCot(record);
    this.#records.push(record);
    return record;
  }
}

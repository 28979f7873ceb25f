/**
 * The tenancy state machine: builds and validates Change-of-Tenancy records and applies them to a target
 * (the hub) that sets Device Management 0x0200/0x0201 on the GPF and the ESME and serves the new tenancy's
 * data from the implementation time on (cot-suite.md "The CoT the hub performs").
 *
 * Rules (domain.md §3.6, after the reference Device Management server's SetTenancy):
 * - the issuer event id is strictly increasing (an older or repeated id is refused);
 * - the provider id and the tariff type stay those of the first CoT (a different one is refused);
 * - the implementation time defaults to "now" (hub time) and is never earlier than the previous CoT's;
 * - ProposedTenancyChangeControl defaults to 0x00000600 (bit 9 Clear IHD Data – Consumer, bit 10 Clear
 *   IHD Data – Supplier; domain.md §3.2); reserved bits 15–31 are refused;
 * - nothing is pushed unless `push` is asked for: SECMP0056 puts the duty to query on the device.
 * Pure: time comes from the Clock, no I/O.
 */
import { type Clock, ZCL_EPOCH_OFFSET_S } from "../hub/clock.js";
import type { CotRecord as HubCotRecord } from "../hub/tenancy.js";
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

/** What a caller asks for; everything has a default. */
export interface CotRequest {
  /** Hub-time ms; default now. */
  implementationTime?: number;
  control?: number;
  /** Default: the previous one + 1. */
  issuerEventId?: number;
  /** Default: the state's provider id. */
  providerId?: number;
  /** Default: the state's tariff type. */
  tariffType?: number;
  push?: boolean;
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
  providerId: number;
  /** Default `TariffType.delivered`. */
  tariffType?: number;
  /** Issuer event id of the first CoT; default 1. */
  firstIssuerEventId?: number;
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
  readonly #providerId: number;
  readonly #tariffType: number;
  readonly #firstIssuerEventId: number;
  readonly #records: CotRecord[] = [];

  constructor(opts: TenancyOptions) {
    checkUint32("providerId", opts.providerId);
    this.#clock = opts.clock;
    this.#providerId = opts.providerId;
    this.#tariffType = opts.tariffType ?? TariffType.delivered;
    this.#firstIssuerEventId = opts.firstIssuerEventId ?? 1;
    if (![0, 1, 2].includes(this.#tariffType)) {
      throw new CotRefusedError("invalid-field", `tariffType must be 0, 1 or 2, got ${this.#tariffType}`);
    }
    checkUint32("firstIssuerEventId", this.#firstIssuerEventId);
  }

  /** Every CoT recorded, oldest first. */
  get records(): readonly CotRecord[] {
    return this.#records;
  }

  /** The newest CoT, effective or pending. */
  get latest(): CotRecord | undefined {
    return this.#records.at(-1);
  }

  /** Validates a request and returns the record it would make; changes nothing. Throws CotRefusedError. */
  build(req: CotRequest = {}): CotRecord {
    const prev = this.latest;
    const now = this.#clock.now();
    const providerId = req.providerId ?? this.#providerId;
    const tariffType = req.tariffType ?? this.#tariffType;
    const issuerEventId = req.issuerEventId ?? (prev ? prev.issuerEventId + 1 : this.#firstIssuerEventId);
    const control = req.control ?? DEFAULT_CONTROL;
    const implementationTime = req.implementationTime ?? now;

    checkUint32("providerId", providerId);
    checkUint32("issuerEventId", issuerEventId);
    checkUint32("control", control);
    if (providerId !== this.#providerId) {
      throw new CotRefusedError(
        "provider-changed",
        `provider id ${providerId} differs from the stored ${this.#providerId}`,
      );
    }
    if (tariffType !== this.#tariffType) {
      throw new CotRefusedError(
        "tariff-changed",
        `tariff type ${tariffType} differs from the stored ${this.#tariffType}`,
      );
    }
    if (prev && issuerEventId <= prev.issuerEventId) {
      throw new CotRefusedError(
        "stale-issuer-event-id",
        `issuer event id ${issuerEventId} is not above the previous ${prev.issuerEventId}`,
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
    if (prev && implementationTime < prev.implementationTime) {
      throw new CotRefusedError(
        "implementation-before-previous",
        `implementation time ${new Date(implementationTime).toISOString()} is before the previous CoT's ${new Date(prev.implementationTime).toISOString()}`,
      );
    }
    return {
      tenancy: (prev?.tenancy ?? 1) + 1,
      providerId,
      issuerEventId,
      tariffType,
      implementationTime,
      control,
      recordedAt: now,
      push: req.push ?? false,
    };
  }

  /**
   * Validates, applies to the target, then commits. If the target throws, the state is unchanged and the
   * error propagates; a refused request never reaches the target.
   */
  async record(target: CotTarget, req: CotRequest = {}): Promise<CotRecord> {
    const record = this.build(req);
    await target.recordCot(record);
    this.#records.push(record);
    return record;
  }
}

/**
 * The CHF Device Log (domain.md §13): the devices allowed to join the hub's network, each with its
 * EUI-64, install code (with CRC) and GBCS device type (§12). Capacity 16, as in known implementations.
 *
 * Install codes are key material: `toJSON`, `toString` and `list()` never show them; the trust centre
 * asks for one device's link key with `linkKeyOf`. Each code (with and without its CRC) and its link key
 * are registered with src/redact.ts when the device is added, so no output of the tool can show them.
 */
import { addSecret } from "../redact.js";
import { parseEui64 } from "../hex.js";
import { linkKeyFromInstallCode, parseInstallCode } from "./install-code.js";

/** GBCS device types (domain.md §12). */
export const GbcsDeviceType = {
  GSME: 0,
  ESME: 1,
  CHF: 2,
  GPF: 3,
  HCALCS: 4,
  PPMID: 5,
  TYPE2: 6,
} as const;
export type GbcsDeviceTypeValue = (typeof GbcsDeviceType)[keyof typeof GbcsDeviceType];

const TYPE_NAMES: Record<number, string> = {
  0: "GSME",
  1: "ESME",
  2: "CHF",
  3: "GPF",
  4: "HCALCS",
  5: "PPMID",
  6: "Type 2",
};

export const DEVICE_LOG_CAPACITY = 16;

export class DeviceLogError extends Error {
  constructor(
    message: string,
    readonly code: "full" | "duplicate" | "not-found" | "bad-eui64" | "bad-type" | "bad-install-code",
  ) {
    super(message);
    this.name = "DeviceLogError";
  }
}

/** What the log shows about an entry: no key material. */
export interface DeviceLogEntry {
  /** `0x` + 16 lower-case hex digits (herdsman's form). */
  eui64: string;
  deviceType: GbcsDeviceTypeValue;
  /** e.g. "PPMID", "Type 2". */
  typeName: string;
}

interface StoredEntry extends DeviceLogEntry {
  codeWithCrc: Buffer;
}

/** The log's key of an EUI-64 (src/hex.ts `parseEui64`), or a DeviceLogError. */
function eui64Key(text: string): string {
  const eui64 = parseEui64(text);
  if (eui64 === undefined) {
    throw new DeviceLogError(`EUI-64 must be 16 hex digits (got ${JSON.stringify(text)})`, "bad-eui64");
  }
  return eui64;
}

export class DeviceLog {
  readonly capacity: number;
  readonly #entries = new Map<string, StoredEntry>();

  constructor(opts: { capacity?: number } = {}) {
    this.capacity = opts.capacity ?? DEVICE_LOG_CAPACITY;
  }

  /**
   * Adds a device. `installCode` is hex text (see `parseInstallCode`) or bytes of code + CRC.
   * Throws a DeviceLogError when the log is full, the EUI-64 is already present or malformed, the device
   * type is not a GBCS type, or the install code is invalid.
   */
  add(opts: { eui64: string; installCode: string | Uint8Array; deviceType: number }): DeviceLogEntry {
    const eui64 = eui64Key(opts.eui64);
    if (!Number.isInteger(opts.deviceType) || TYPE_NAMES[opts.deviceType] === undefined) {
      throw new DeviceLogError(
        `device type ${opts.deviceType} is not a GBCS device type (0 GSME, 1 ESME, 2 CHF, 3 GPF, 4 HCALCS, 5 PPMID, 6 Type 2)`,
        "bad-type",
      );
    }
    if (this.#entries.has(eui64)) {
      throw new DeviceLogError(`device ${eui64} is already in the Device Log`, "duplicate");
    }
    if (this.#entries.size >= this.capacity) {
      throw new DeviceLogError(
        `the Device Log is full (${this.capacity} entries); remove a device before adding ${eui64}`,
        "full",
      );
    }
    let codeWithCrc: Buffer;
    try {
      codeWithCrc =
        typeof opts.installCode === "string" ? parseInstallCode(opts.installCode) : Buffer.from(opts.installCode);
      const linkKey = linkKeyFromInstallCode(codeWithCrc); // checks length and CRC
      addSecret(codeWithCrc, codeWithCrc.subarray(0, -2), linkKey);
    } catch (e) {
      throw new DeviceLogError(`install code of ${eui64} refused: ${(e as Error).message}`, "bad-install-code");
    }
    const deviceType = opts.deviceType as GbcsDeviceTypeValue;
    const entry: StoredEntry = { eui64, deviceType, typeName: TYPE_NAMES[deviceType]!, codeWithCrc };
    this.#entries.set(eui64, entry);
    return publicEntry(entry);
  }

  /** Removes a device; throws when it is not in the log. */
  remove(eui64: string): void {
    const key = eui64Key(eui64);
    if (!this.#entries.delete(key)) throw new DeviceLogError(`device ${key} is not in the Device Log`, "not-found");
  }

  has(eui64: string): boolean {
    try {
      return this.#entries.has(eui64Key(eui64));
    } catch {
      return false;
    }
  }

  get(eui64: string): DeviceLogEntry | undefined {
    const e = this.#entries.get(eui64Key(eui64));
    return e && publicEntry(e);
  }

  list(): DeviceLogEntry[] {
    return [...this.#entries.values()].map(publicEntry);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The install code with CRC, for the trust centre only. */
  installCodeOf(eui64: string): Buffer | undefined {
    const e = this.#entries.get(eui64Key(eui64));
    return e && Buffer.from(e.codeWithCrc);
  }

  /** The preconfigured link key derived from the device's install code, for the trust centre only. */
  linkKeyOf(eui64: string): Buffer | undefined {
    const e = this.#entries.get(eui64Key(eui64));
    return e && linkKeyFromInstallCode(e.codeWithCrc);
  }

  toJSON(): DeviceLogEntry[] {
    return this.list();
  }

  toString(): string {
    return `DeviceLog(${this.size}/${this.capacity}: ${this.list()
      .map((e) => `${e.eui64} ${e.typeName}`)
      .join(", ")})`;
  }
}

function publicEntry(e: StoredEntry): DeviceLogEntry {
  return { eui64: e.eui64, deviceType: e.deviceType, typeName: e.typeName };
}

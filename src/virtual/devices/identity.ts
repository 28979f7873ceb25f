/**
 * Deterministic identities for emulated devices: the same seed and device index always give the same
 * EUI-64 and install code, so a virtual run's Device Log, evidence and reports are reproducible.
 *
 * The install code is key material: never log it, never put it in evidence.
 */
import { createHash } from "node:crypto";
import { withCrc } from "../../hub/install-code.js";

export interface DeviceIdentity {
  /** EUI-64 as herdsman writes it: `0x` + 16 lower-case hex digits. */
  ieee: string;
  /** The 16-byte install code followed by its CRC-16/X-25 (little-endian), 18 bytes. */
  installCode: Buffer;
}

/** A locally administered, unicast OUI prefix so emulated EUI-64s never collide with a real vendor's. */
const OUI = Buffer.from([0x02, 0x48, 0x42]); // 0x02: locally administered; "HB"

function digest(seed: number, index: number, what: string): Buffer {
  if (!Number.isInteger(seed) || !Number.isInteger(index) || index < 0) {
    throw new RangeError(
      `device identity needs an integer seed and a non-negative integer index (got ${seed}, ${index})`,
    );
  }
  return createHash("sha256").update(`hanbench/virtual-device/${what}/${seed}/${index}`).digest();
}

/** The identity of the device at `index` (0-based) of a virtual HAN seeded with `seed`. */
export function deviceIdentity(seed: number, index: number): DeviceIdentity {
  const tail = digest(seed, index, "ieee").subarray(0, 3);
  // bytes 3..4 carry the index so that identities of one seed are visibly distinct and never collide
  const eui = Buffer.concat([OUI, tail, Buffer.from([(index >> 8) & 0xff, index & 0xff])]);
  const code = digest(seed, index, "install-code").subarray(0, 16);
  return { ieee: `0x${eui.toString("hex")}`, installCode: withCrc(code) };
}

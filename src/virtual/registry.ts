/**
 * Device kinds the virtual dongle can emulate. A kind is a factory registered under a name; a device
 * spec is `kind` or `kind:profile` (e.g. `node`, `ihd:compliant`, `esme`). Other modules register their
 * kinds (the Smart Energy devices in src/virtual/devices/) without changes here.
 */
import type { Clock } from "../hub/clock.js";
import { linkKeyFromInstallCode, withCrc } from "../hub/install-code.js";
import { addSecret } from "../redact.js";
import type { HanMedium } from "./han/medium.js";
import type { EmulatedNode } from "./han/node.js";
import { Rng, seedOf } from "./han/rng.js";

export interface DeviceContext {
  /** The full spec, e.g. "ihd:compliant". */
  spec: string;
  kind: string;
  /** The part after the first ':' (undefined for a bare kind). */
  profile: string | undefined;
  /** Position in the device list (0-based). */
  index: number;
  /** Label a lab would read, e.g. "ihd-1". */
  label: string;
  /** Deterministic per seed and index. */
  ieee: string;
  /** Deterministic 16-byte install code followed by its CRC. */
  installCode: Buffer;
  seed: number;
  clock: Clock;
  medium: HanMedium;
  /** Whether the device should join by itself when a permit-join window opens. */
  autoJoin: boolean;
}

/** A device spec that names no device this dongle can emulate (what a user typed in a device list). */
export class DeviceSpecError extends Error {
  override name = "DeviceSpecError";
}

export type DeviceFactory = (ctx: DeviceContext) => EmulatedNode;

const kinds = new Map<string, DeviceFactory>();

/** Registers (or replaces) a device kind. `kind` must not contain ':'. */
export function registerDeviceKind(kind: string, factory: DeviceFactory): void {
  if (!/^[a-z][a-z0-9-]*$/.test(kind))
    throw new Error(`device kind '${kind}' must be lower-case letters, digits and '-'`);
  kinds.set(kind, factory);
}

export function deviceKinds(): string[] {
  return [...kinds.keys()].sort();
}

/** The IEEE and install code of device `index` for `seed` (what its label would show). */
export function deviceIdentity(seed: number, index: number): { ieee: string; installCode: Buffer } {
  const rng = new Rng(seedOf("device", seed, index));
  const ieee = `0x0d6f00${rng.bytes(5).toString("hex")}`;
  return { ieee, installCode: withCrc(rng.bytes(16)) };
}

/** The coordinator IEEE for `seed` (a TI OUI, as on a CC2652 dongle). */
export function coordinatorIeee(seed: number): string {
  return `0x00124b00${new Rng(seedOf("coordinator", seed)).bytes(4).toString("hex")}`;
}

export interface CreateDeviceOptions {
  index: number;
  seed: number;
  clock: Clock;
  medium: HanMedium;
  autoJoin?: boolean;
  /** Devices of the same kind already created before this one (for labels: "node-2"). */
  ordinal?: number;
}

/** Creates the device described by `spec`. Throws an error listing the known kinds when it is unknown. */
export function createDevice(spec: string, opts: CreateDeviceOptions): EmulatedNode {
  // a kind's own options follow '@' (`ihd:compliant@10s`, `ihd@10s`): the factory reads them from `spec`
  const bare = spec.split("@")[0]!;
  const colon = bare.indexOf(":");
  const kind = colon < 0 ? bare : bare.slice(0, colon);
  const profile = colon < 0 ? undefined : bare.slice(colon + 1);
  const factory = kinds.get(spec) ?? kinds.get(kind);
  if (!factory) {
    throw new DeviceSpecError(`unknown device kind '${kind}'; known kinds: ${deviceKinds().join(", ") || "(none)"}`);
  }
  const { ieee, installCode } = deviceIdentity(opts.seed, opts.index);
  // printed on the device table of `hanbench virtual` (its label), and nowhere else
  addSecret(installCode, installCode.subarray(0, -2), linkKeyFromInstallCode(installCode));
  return factory({
    spec,
    kind,
    profile,
    index: opts.index,
    label: `${kind}-${(opts.ordinal ?? opts.index) + 1}`,
    ieee,
    installCode,
    seed: opts.seed,
    clock: opts.clock,
    medium: opts.medium,
    autoJoin: opts.autoJoin ?? true,
  });
}

/**
 * The dongle's non-volatile state: legacy (OSAL) NV items, extended NV tables, AF endpoint registrations,
 * groups and the install-code keys given to the trust centre. Kept in memory and, given a directory,
 * persisted as one JSON file written atomically (temp file + rename) with mode 0600, because it holds keys.
 *
 * `boot()` is what the firmware does to NV at every start (zglobals.c zgInit, ZDSecMgrInitNVKeyTables): it
 * creates every missing item of the factory set with its factory value (EXTADDR from the chip's IEEE among
 * them) and, as STARTUP_OPTION asks, restores the configuration items or clears the network state.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SimpleDescriptor } from "../han/types.js";
import {
  NETWORK_STATE_DEFAULTS,
  NETWORK_STATE_ITEMS,
  NV_DEFAULTS,
  NV_SYS_ZSTACK,
  NV_TABLES,
  NvId,
  PER_CHIP,
  StartupOption,
} from "./nv-defaults.js";

export { NvId } from "./nv-defaults.js";

/** A device from a state file written before joined devices lived in the NV address manager. */
export interface KnownDevice {
  ieee: string;
  nwk: number;
}

interface FileShape {
  format: "hanbench-virtual-znp/1";
  ieee: string;
  nv: Record<string, string>;
  ext: Record<string, string>;
  endpoints: SimpleDescriptor[];
  groups: { endpoint: number; group: number }[];
  linkKeys: Record<string, string>;
  devices?: KnownDevice[];
}

export const STATE_FILE = "virtual-znp.json";

/** IEEE "0x00124b..." → 8 bytes little-endian, as Z-Stack stores and sends it. */
export function ieeeToLe(ieee: string): Buffer {
  return Buffer.from(ieee.replace(/^0x/i, "").padStart(16, "0"), "hex").reverse();
}

/** 8 little-endian bytes → IEEE "0x…" (lower case). */
export function ieeeFromLe(buf: Buffer, offset = 0): string {
  if (buf.length < offset + 8) {
    return `0x${Buffer.from(buf.subarray(offset, offset + 8))
      .reverse()
      .toString("hex")}`;
  }
  // the bytes in reverse order are the two little-endian halves, high then low, as 8 hex digits each: no copy
  const high = buf
    .readUInt32LE(offset + 4)
    .toString(16)
    .padStart(8, "0");
  return `0x${high}${buf.readUInt32LE(offset).toString(16).padStart(8, "0")}`;
}

/** The `ext` keys of each (sysId, itemId) made so far, by subId: the table lookups of every frame build none. */
const extKeys = new Map<number, string[]>();

/** `sysId:itemId:subId`, the key of an extended item in `ZnpState.ext`. */
function extKey(sysId: number, itemId: number, subId: number): string {
  const item = sysId * 0x10000 + itemId;
  let keys = extKeys.get(item);
  if (!keys) {
    keys = [];
    extKeys.set(item, keys);
  }
  let key = keys[subId];
  if (key === undefined) {
    key = `${sysId}:${itemId}:${subId}`;
    if (subId >= 0 && subId < 0x400) keys[subId] = key; // the tables' sub-ids: a handful of small numbers
  }
  return key;
}

export class ZnpState {
  readonly nv = new Map<number, Buffer>();
  readonly ext = new Map<string, Buffer>();
  /** AF registrations. RAM on a real chip: a reset clears them. */
  readonly endpoints = new Map<number, SimpleDescriptor>();
  readonly groups: { endpoint: number; group: number }[] = [];
  /** Trust-centre link keys by IEEE (lower-case "0x…"), already hashed from install codes. */
  readonly linkKeys = new Map<string, Buffer>();
  /** Devices of an older state file, to be moved into the address manager (see emulator.ts). */
  readonly legacyDevices: KnownDevice[] = [];
  #file: string | undefined;

  /**
   * Loads `dir/virtual-znp.json` when it exists; otherwise starts as a new chip whose factory IEEE is
   * `ieee`, then boots (missing items of the factory set are created).
   */
  constructor(
    readonly ieee: string,
    dir?: string,
  ) {
    if (dir) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.#file = join(dir, STATE_FILE);
      let raw: string | undefined;
      try {
        raw = readFileSync(this.#file, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      if (raw !== undefined) {
        this.#load(JSON.parse(raw) as FileShape);
        this.boot();
        return;
      }
    }
    this.factoryReset();
  }

  /** The coordinator's IEEE from NV EXTADDR ("0x…"); the factory one if the item is gone. */
  get coordinatorIeee(): string {
    return ieeeFromLe(this.extAddrLe);
  }

  /** The coordinator's IEEE as NV EXTADDR holds it (8 bytes, little-endian). */
  get extAddrLe(): Buffer {
    return this.nv.get(NvId.EXTADDR) ?? ieeeToLe(this.ieee);
  }

  /** The factory value of a per-chip item: the IEEE, or a key derived from it (random on a real chip). */
  #perChip(id: number): Buffer {
    if (id === NvId.EXTADDR || id === NvId.EXTENDED_PAN_ID) return ieeeToLe(this.ieee);
    const label = id === NvId.PRECFGKEY ? "PRECFGKEY" : "TCLK_SEED";
    return createHash("sha256").update(`${this.ieee.toLowerCase()}/${label}`).digest().subarray(0, 16);
  }

  #factoryValue(id: number, hex: string): Buffer {
    return PER_CHIP.has(id) ? this.#perChip(id) : Buffer.from(hex, "hex");
  }

  /** A new chip: NV erased, then booted. */
  factoryReset(): void {
    this.nv.clear();
    this.ext.clear();
    this.endpoints.clear();
    this.groups.length = 0;
    this.linkKeys.clear();
    this.boot();
  }

  /**
   * NV at a start of the firmware. Missing items of the factory set and the key tables are created with
   * their factory values. STARTUP_OPTION bit 0 restores every configuration item to its factory value and
   * empties the key tables (then the bit is cleared); bit 1 clears the network state (NIB, address
   * manager, security-manager table, groups, key descriptors; the bit stays until a network forms).
   * Returns whether the network state was cleared.
   */
  boot(): boolean {
    const option = this.nv.get(NvId.STARTUP_OPTION)?.[0] ?? 0;
    const restoreConfig = (option & StartupOption.DEFAULT_CONFIG_STATE) !== 0;
    const clearNetwork = (option & StartupOption.DEFAULT_NETWORK_STATE) !== 0;
    for (const d of NV_DEFAULTS) {
      const restore = restoreConfig && !PER_CHIP.has(d.id) && d.id !== NvId.STARTUP_OPTION;
      if (!this.nv.has(d.id) || restore) this.nv.set(d.id, this.#factoryValue(d.id, d.value));
    }
    for (const t of NV_TABLES) {
      if (t.created !== "boot") continue;
      for (let sub = 0; sub < t.capacity; sub++) {
        if (restoreConfig || !this.getExt(NV_SYS_ZSTACK, t.item, sub))
          this.setExt(NV_SYS_ZSTACK, t.item, sub, Buffer.from(t.empty, "hex"));
      }
    }
    if (restoreConfig) {
      this.linkKeys.clear();
      this.nv.set(NvId.STARTUP_OPTION, Buffer.from([option & ~StartupOption.DEFAULT_CONFIG_STATE]));
    }
    if (clearNetwork) this.clearNetworkState();
    this.save();
    return clearNetwork;
  }

  /** The network state of a coordinator that has not formed one. */
  clearNetworkState(): void {
    for (const id of NETWORK_STATE_ITEMS) this.nv.delete(id);
    for (const d of NV_DEFAULTS)
      if (NETWORK_STATE_DEFAULTS.includes(d.id)) this.nv.set(d.id, this.#factoryValue(d.id, d.value));
    for (const t of NV_TABLES) {
      if (t.created !== "formation") continue;
      for (let sub = 0; sub < t.capacity; sub++) this.setExt(NV_SYS_ZSTACK, t.item, sub, undefined);
    }
    this.groups.length = 0;
  }

  getExt(sysId: number, itemId: number, subId: number): Buffer | undefined {
    return this.ext.get(extKey(sysId, itemId, subId));
  }
  setExt(sysId: number, itemId: number, subId: number, value: Buffer | undefined): void {
    if (value) this.ext.set(extKey(sysId, itemId, subId), value);
    else this.ext.delete(extKey(sysId, itemId, subId));
  }

  /** Writes the file now (atomic; 0600). No-op without a directory. */
  save(): void {
    if (!this.#file) return;
    const hex = (m: Map<string | number, Buffer>) =>
      Object.fromEntries(
        [...m].map(([k, v]) => [typeof k === "number" ? `0x${k.toString(16)}` : k, v.toString("hex")]),
      );
    const data: FileShape = {
      format: "hanbench-virtual-znp/1",
      ieee: this.coordinatorIeee,
      nv: hex(this.nv),
      ext: hex(this.ext),
      endpoints: [...this.endpoints.values()],
      groups: this.groups,
      linkKeys: hex(this.linkKeys),
    };
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, this.#file);
  }

  #load(data: FileShape): void {
    if (data.format !== "hanbench-virtual-znp/1") throw new Error(`unknown virtual ZNP state format '${data.format}'`);
    for (const [k, v] of Object.entries(data.nv)) this.nv.set(Number.parseInt(k, 16), Buffer.from(v, "hex"));
    for (const [k, v] of Object.entries(data.ext)) this.ext.set(k, Buffer.from(v, "hex"));
    for (const ep of data.endpoints) this.endpoints.set(ep.endpoint, ep);
    this.groups.push(...data.groups);
    for (const [k, v] of Object.entries(data.linkKeys)) this.linkKeys.set(k, Buffer.from(v, "hex"));
    this.legacyDevices.push(...(data.devices ?? []));
  }
}

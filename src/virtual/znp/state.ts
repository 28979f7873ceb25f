/**
 * The dongle's non-volatile state: legacy NV items, extended NV tables, AF endpoint registrations, groups,
 * trust-centre link keys and the device table. Kept in memory and, given a directory, persisted as one
 * JSON file written atomically (temp file + rename) with mode 0600, because it holds keys.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SimpleDescriptor } from "../han/types.js";
import { seedTables } from "./tables.js";

export const NvId = {
  EXTADDR: 0x01,
  STARTUP_OPTION: 0x03,
  NIB: 0x21,
  EXTENDED_PAN_ID: 0x2d,
  NWK_ACTIVE_KEY_INFO: 0x3a,
  NWK_ALTERN_KEY_INFO: 0x3b,
  APS_USE_EXT_PANID: 0x47,
  APS_LINK_KEY_TABLE: 0x4c,
  HAS_CONFIGURED_ZSTACK3: 0x60,
  PRECFGKEY: 0x62,
  PRECFGKEYS_ENABLE: 0x63,
  NWKKEY: 0x82,
  PANID: 0x83,
  CHANLIST: 0x84,
  LOGICAL_TYPE: 0x87,
  ZDO_DIRECT_CB: 0x8f,
  TCLK_SEED: 0x101,
} as const;

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
  devices: KnownDevice[];
}

export const STATE_FILE = "virtual-znp.json";

/** IEEE "0x00124b..." → 8 bytes little-endian, as Z-Stack stores and sends it. */
export function ieeeToLe(ieee: string): Buffer {
  return Buffer.from(ieee.replace(/^0x/i, "").padStart(16, "0"), "hex").reverse();
}

/** 8 little-endian bytes → IEEE "0x…" (lower case). */
export function ieeeFromLe(buf: Buffer, offset = 0): string {
  return `0x${Buffer.from(buf.subarray(offset, offset + 8))
    .reverse()
    .toString("hex")}`;
}

const extKey = (sysId: number, itemId: number, subId: number) => `${sysId}:${itemId}:${subId}`;

export class ZnpState {
  readonly nv = new Map<number, Buffer>();
  readonly ext = new Map<string, Buffer>();
  readonly endpoints = new Map<number, SimpleDescriptor>();
  readonly groups: { endpoint: number; group: number }[] = [];
  /** Trust-centre link keys by IEEE (lower-case "0x…"), already hashed from install codes. */
  readonly linkKeys = new Map<string, Buffer>();
  /** nwk ↔ IEEE of every device that joined, so that restarts keep addresses. */
  readonly devices = new Map<string, number>();
  #file: string | undefined;

  /** Loads `dir/virtual-znp.json` when it exists; otherwise starts factory-fresh with `ieee`. */
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
        return;
      }
    }
    this.factoryReset();
  }

  /** The coordinator's IEEE from NV EXTADDR ("0x…"); the one the state was created with if the item is gone. */
  get coordinatorIeee(): string {
    return ieeeFromLe(this.extAddrLe);
  }

  /** The coordinator's IEEE as NV EXTADDR holds it (8 bytes, little-endian). */
  get extAddrLe(): Buffer {
    return this.nv.get(NvId.EXTADDR) ?? ieeeToLe(this.ieee);
  }

  /** NV as a new CC2652 ships it: IEEE, an empty 24-byte NWKKEY (aligned build), zeroed keys, empty tables. */
  factoryReset(): void {
    const ieee = this.nv.get(NvId.EXTADDR) ?? ieeeToLe(this.ieee);
    this.nv.clear();
    this.ext.clear();
    this.endpoints.clear();
    this.groups.length = 0;
    this.nv.set(NvId.EXTADDR, ieee);
    this.nv.set(NvId.STARTUP_OPTION, Buffer.from([0]));
    this.nv.set(NvId.NWKKEY, Buffer.alloc(24));
    this.nv.set(NvId.NWK_ACTIVE_KEY_INFO, Buffer.alloc(17));
    this.nv.set(NvId.NWK_ALTERN_KEY_INFO, Buffer.alloc(17));
    this.nv.set(NvId.PRECFGKEY, Buffer.alloc(16));
    this.nv.set(NvId.PRECFGKEYS_ENABLE, Buffer.from([0]));
    seedTables(this);
    this.save();
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
      devices: [...this.devices].map(([ieee, nwk]) => ({ ieee, nwk })),
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
    for (const d of data.devices) this.devices.set(d.ieee, d.nwk);
  }
}

/**
 * What the virtual NCP keeps across resets and restarts, as EmberZNet keeps it in tokens (NVM3): its
 * EUI-64, the network it formed (PAN ID, extended PAN ID, channel, network key and its sequence number, the
 * trust-centre link key, the security bitmasks), the frame counters, the link key table and the addresses
 * of the devices that joined. Kept in memory and, given a directory, in `virtual-ncp.json` written
 * atomically with mode 0600 because it holds keys. Everything else (configuration values, policies,
 * endpoints, transient keys) is RAM and gone at every reset, as on the chip.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface NetworkTokens {
  panId: number;
  /** As the host sent it in formNetwork (wire order). */
  extendedPanId: Buffer;
  channel: number;
  radioTxPower: number;
  nwkManagerId: number;
  nwkUpdateId: number;
  channels: number;
  networkKey: Buffer;
  networkKeySequence: number;
  /** The preconfigured key of the initial security state (with a hashed-link-key TC, the hashed TC key). */
  tcLinkKey: Buffer;
  securityBitmask: number;
  extendedSecurityBitmask: number;
}

export interface KeyTableEntry {
  eui64: string;
  key: Buffer;
  outgoingFrameCounter: number;
  incomingFrameCounter: number;
}

interface FileShape {
  format: "hanbench-virtual-ncp/1";
  eui64: string;
  network: (Omit<NetworkTokens, "extendedPanId" | "networkKey" | "tcLinkKey"> & Record<string, unknown>) | null;
  nwkFrameCounter: number;
  apsFrameCounter: number;
  keyTable: ({ eui64: string; key: string; outgoingFrameCounter: number; incomingFrameCounter: number } | null)[];
  devices: { ieee: string; nwk: number }[];
}

export const NCP_STATE_FILE = "virtual-ncp.json";
export const KEY_TABLE_SIZE = 12;

export class NcpState {
  eui64: string;
  network: NetworkTokens | undefined;
  nwkFrameCounter = 0;
  apsFrameCounter = 0;
  readonly keyTable: (KeyTableEntry | undefined)[] = new Array(KEY_TABLE_SIZE).fill(undefined);
  /** IEEE (lower case) → network address of every device that joined, so that restarts keep addresses. */
  readonly devices = new Map<string, number>();
  readonly #file: string | undefined;

  /** Loads `dir/virtual-ncp.json` when there is one; otherwise a factory-fresh NCP with `eui64`. */
  constructor(eui64: string, dir?: string) {
    this.eui64 = eui64.toLowerCase();
    if (!dir) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#file = join(dir, NCP_STATE_FILE);
    let raw: string | undefined;
    try {
      raw = readFileSync(this.#file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (raw !== undefined) this.#load(JSON.parse(raw) as FileShape);
  }

  /** Forgets the network and the device table (leaveNetwork); keys in the key table stay, as on the chip. */
  leave(): void {
    this.network = undefined;
    this.devices.clear();
    this.save();
  }

  /** Writes the file now (atomic; 0600). No-op without a directory. */
  save(): void {
    if (!this.#file) return;
    const n = this.network;
    const data: FileShape = {
      format: "hanbench-virtual-ncp/1",
      eui64: this.eui64,
      network: n
        ? {
            ...n,
            extendedPanId: n.extendedPanId.toString("hex"),
            networkKey: n.networkKey.toString("hex"),
            tcLinkKey: n.tcLinkKey.toString("hex"),
          }
        : null,
      nwkFrameCounter: this.nwkFrameCounter,
      apsFrameCounter: this.apsFrameCounter,
      keyTable: this.keyTable.map((e) => (e ? { ...e, key: e.key.toString("hex") } : null)),
      devices: [...this.devices].map(([ieee, nwk]) => ({ ieee, nwk })),
    };
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, this.#file);
  }

  #load(data: FileShape): void {
    if (data.format !== "hanbench-virtual-ncp/1") throw new Error(`unknown virtual NCP state format '${data.format}'`);
    this.eui64 = data.eui64;
    const n = data.network;
    if (n) {
      this.network = {
        panId: n.panId,
        extendedPanId: Buffer.from(n.extendedPanId as string, "hex"),
        channel: n.channel,
        radioTxPower: n.radioTxPower,
        nwkManagerId: n.nwkManagerId,
        nwkUpdateId: n.nwkUpdateId,
        channels: n.channels,
        networkKey: Buffer.from(n.networkKey as string, "hex"),
        networkKeySequence: n.networkKeySequence,
        tcLinkKey: Buffer.from(n.tcLinkKey as string, "hex"),
        securityBitmask: n.securityBitmask,
        extendedSecurityBitmask: n.extendedSecurityBitmask,
      };
    }
    this.nwkFrameCounter = data.nwkFrameCounter;
    this.apsFrameCounter = data.apsFrameCounter;
    data.keyTable.forEach((e, i) => {
      if (i < this.keyTable.length) this.keyTable[i] = e ? { ...e, key: Buffer.from(e.key, "hex") } : undefined;
    });
    for (const d of data.devices) this.devices.set(d.ieee, d.nwk);
  }
}

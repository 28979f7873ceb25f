/**
 * Writes the ZCL exchanges of a run as a pcap file that Wireshark and tshark decode down to the Smart
 * Energy cluster fields with their default settings.
 *
 * Link type 195 (LINKTYPE_IEEE802_15_4_WITHFCS): each record is one IEEE 802.15.4 data frame with a
 * valid 16-bit FCS, carrying a Zigbee NWK header (unsecured, with both extended addresses), an APS data
 * header (endpoints, cluster, profile, APS counter) and the ZCL frame exactly as it went on the air
 * (`ZclEvent.raw`). Wireshark finds Zigbee NWK on 802.15.4 by its default heuristic, then APS, then
 * ZCL by profile 0x0109 and the SE cluster dissectors by cluster id.
 *
 * The capture is a reconstruction from the host's view: the real air frames were NWK- (and maybe APS-)
 * secured and may have been relayed by routers; here every frame goes directly between the device and
 * the coordinator (short address 0x0000) in the clear. A ZCL frame too long for one 127-byte PSDU is
 * split with APS fragmentation, which Wireshark reassembles by default.
 *
 * Note (domain.md §3.7): Wireshark shows the ProposedTenancyChangeControl field of
 * PublishChangeOfTenancy byte-swapped (0x00000200 on the wire displays as 0x00020000). Check PTCC from
 * the raw bytes; a read of attribute 0x0201 is displayed correctly.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { eui64ToLe, parseEui64 } from "../hex.js";
import type { EventBase, Evidence, RunEvent, ZclEvent } from "../evidence/events.js";
import { SE_PROFILE_ID } from "../zcl/index.js";

/** pcap link type for IEEE 802.15.4 frames with FCS (Wireshark's default for 802.15.4). */
export const LINKTYPE_IEEE802_15_4_WITHFCS = 195;

/** The largest MAC frame (PSDU) 802.15.4 allows. */
const MAX_PSDU = 127;
const MAC_HEADER_LEN = 9;
const FCS_LEN = 2;

export interface PcapOptions {
  /** PAN id of the HAN. */
  panId: number;
  /** The hub's (coordinator's) EUI-64, `0x` + 16 hex digits. Default all zeros. */
  hubIeee?: string;
  /** The hub's short address. Default 0x0000 (the coordinator). */
  hubNwk?: number;
  /**
   * The ESME when it is a node of its own (the default on the virtual HAN, or a test meter on the bench):
   * frames with role `esme` are addressed to and from it instead of the coordinator.
   */
  esmeNode?: { ieee: string; nwk: number };
  /** Which time stamps the records: `hub` (event `t`, default) or `wall` (event `wall`). */
  clock?: "hub" | "wall";
  /** Time for an event that carries none (a bare ZclEvent), ms epoch. Default: 0. */
  now?: () => number;
}

/** A ZCL event, with or without the log's sequence and times. */
export type PcapInput = ZclEvent & Partial<EventBase>;

/** CRC-16/KERMIT (ITU-T, reflected, init 0), the 802.15.4 FCS, returned as the on-air little-endian pair. */
export function fcs802154(data: Uint8Array): Buffer {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  const out = Buffer.alloc(2);
  out.writeUInt16LE(crc & 0xffff);
  return out;
}

/** Per-sender counters, as each node keeps its own MAC sequence, NWK sequence and APS counter. */
interface Counters {
  mac: number;
  nwk: number;
  aps: number;
}

interface Hop {
  srcNwk: number;
  dstNwk: number;
  srcIeee: Buffer;
  dstIeee: Buffer;
  srcEp: number;
  dstEp: number;
}

/**
 * Builds the 802.15.4 frames for one ZCL event. Exported for tests; most callers use `PcapWriter`.
 * Returns more than one frame when the ZCL payload needs APS fragmentation.
 */
function buildFrames(event: ZclEvent, opts: PcapOptions, counters: Counters): Buffer[] {
  if (typeof event.raw !== "string" || !/^([0-9a-f]{2})*$/i.test(event.raw)) throw new Error("raw is not hex");
  const zcl = Buffer.from(event.raw, "hex");
  const hub =
    event.role === "esme" && opts.esmeNode
      ? { nwk: opts.esmeNode.nwk, ieee: eui64ToLe(opts.esmeNode.ieee) }
      : { nwk: opts.hubNwk ?? 0x0000, ieee: eui64ToLe(opts.hubIeee ?? "0x0000000000000000") };
  const dev = { nwk: event.nwk, ieee: eui64ToLe(event.device) };
  const hop: Hop =
    event.dir === "in"
      ? {
          srcNwk: dev.nwk,
          dstNwk: hub.nwk,
          srcIeee: dev.ieee,
          dstIeee: hub.ieee,
          srcEp: event.deviceEp,
          dstEp: event.hubEp,
        }
      : {
          srcNwk: hub.nwk,
          dstNwk: dev.nwk,
          srcIeee: hub.ieee,
          dstIeee: dev.ieee,
          srcEp: event.hubEp,
          dstEp: event.deviceEp,
        };
  const profile = event.profileId ?? SE_PROFILE_ID;
  const apsCounter = counters.aps++ & 0xff;

  const nwkWithIeee = 8 + 16;
  const apsPlain = 8;
  const room = MAX_PSDU - MAC_HEADER_LEN - FCS_LEN;
  // Prefer the NWK header with both EUI-64s; drop them before resorting to fragmentation.
  let withIeee = true;
  if (nwkWithIeee + apsPlain + zcl.length > room) withIeee = false;
  const nwkLen = withIeee ? nwkWithIeee : 8;
  if (nwkLen + apsPlain + zcl.length <= room) {
    const aps = apsHeader({ hop, profile, cluster: event.clusterId, counter: apsCounter });
    return [macFrame(hop, opts.panId, counters, Buffer.concat([nwkHeader(hop, counters, withIeee), aps, zcl]))];
  }
  // APS fragmentation: extended header of 2 bytes (control + block number), first block carries the count.
  const chunk = room - nwkLen - (apsPlain + 2);
  const blocks: Buffer[] = [];
  for (let off = 0; off < zcl.length; off += chunk) blocks.push(zcl.subarray(off, off + chunk));
  return blocks.map((block, i) => {
    const aps = apsHeader({
      hop,
      profile,
      cluster: event.clusterId,
      counter: apsCounter,
      fragment: { first: i === 0, block: i === 0 ? blocks.length : i },
    });
    return macFrame(hop, opts.panId, counters, Buffer.concat([nwkHeader(hop, counters, withIeee), aps, block]));
  });
}

function macFrame(hop: Hop, panId: number, counters: Counters, payload: Buffer): Buffer {
  const mac = Buffer.alloc(MAC_HEADER_LEN);
  // Data frame, ack request, PAN id compression, short destination and source addresses, version 2003.
  mac.writeUInt16LE(0x0001 | (1 << 5) | (1 << 6) | (2 << 10) | (2 << 14), 0);
  mac.writeUInt8(counters.mac++ & 0xff, 2);
  mac.writeUInt16LE(panId & 0xffff, 3);
  mac.writeUInt16LE(hop.dstNwk & 0xffff, 5);
  mac.writeUInt16LE(hop.srcNwk & 0xffff, 7);
  const body = Buffer.concat([mac, payload]);
  return Buffer.concat([body, fcs802154(body)]);
}

function nwkHeader(hop: Hop, counters: Counters, withIeee: boolean): Buffer {
  const head = Buffer.alloc(8);
  // Data frame, protocol version 2 (Zigbee PRO), suppress route discovery, no security.
  let fc = 2 << 2;
  if (withIeee) fc |= (1 << 11) | (1 << 12);
  head.writeUInt16LE(fc, 0);
  head.writeUInt16LE(hop.dstNwk & 0xffff, 2);
  head.writeUInt16LE(hop.srcNwk & 0xffff, 4);
  head.writeUInt8(30, 6); // radius
  head.writeUInt8(counters.nwk++ & 0xff, 7);
  return withIeee ? Buffer.concat([head, hop.dstIeee, hop.srcIeee]) : head;
}

function apsHeader(a: {
  hop: Hop;
  profile: number;
  cluster: number;
  counter: number;
  fragment?: { first: boolean; block: number };
}): Buffer {
  const head = Buffer.alloc(a.fragment ? 10 : 8);
  // Data frame, unicast delivery, no security, no ack request; extended header when fragmented.
  head.writeUInt8(a.fragment ? 1 << 7 : 0, 0);
  head.writeUInt8(a.hop.dstEp & 0xff, 1);
  head.writeUInt16LE(a.cluster & 0xffff, 2);
  head.writeUInt16LE(a.profile & 0xffff, 4);
  head.writeUInt8(a.hop.srcEp & 0xff, 6);
  head.writeUInt8(a.counter, 7);
  if (a.fragment) {
    head.writeUInt8(a.fragment.first ? 0b01 : 0b10, 8);
    head.writeUInt8(a.fragment.block & 0xff, 9);
  }
  return head;
}

function pcapGlobalHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeInt32LE(0, 8);
  h.writeUInt32LE(0, 12);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(LINKTYPE_IEEE802_15_4_WITHFCS, 20);
  return h;
}

function pcapRecord(ms: number, frame: Buffer): Buffer {
  const h = Buffer.alloc(16);
  const whole = Math.max(0, Math.floor(ms / 1000));
  h.writeUInt32LE(whole >>> 0, 0);
  h.writeUInt32LE(Math.max(0, Math.round((ms - whole * 1000) * 1000)) % 1_000_000, 4);
  h.writeUInt32LE(frame.length, 8);
  h.writeUInt32LE(frame.length, 12);
  return Buffer.concat([h, frame]);
}

/**
 * A pcap file written as the run goes: the header at construction, then one synchronous write per frame,
 * so a crash keeps every exchange already seen. Hook it on the evidence log:
 * `const cap = new PcapWriter(path, { panId }); log.onEvent((e) => cap.write(e));`.
 */
export class PcapWriter {
  readonly #opts: PcapOptions;
  #fd: number | undefined;
  readonly #counters = new Map<string, Counters>();
  #frames = 0;
  #skipped = 0;

  constructor(path: string, opts: PcapOptions) {
    this.#opts = opts;
    this.#fd = openSync(path, "w", 0o644);
    writeSync(this.#fd, pcapGlobalHeader());
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Writes a ZCL event as its frame(s); any other evidence is ignored. Returns whether it wrote. */
  write(event: Evidence | PcapInput): boolean {
    if (event.kind !== "zcl" || this.#fd === undefined) return false;
    const sender = event.dir === "in" ? event.device : event.role === "esme" && this.#opts.esmeNode ? "esme" : "hub";
    let counters = this.#counters.get(sender);
    if (!counters) {
      counters = { mac: 0, nwk: 0, aps: 0 };
      this.#counters.set(sender, counters);
    }
    const stamp = this.#opts.clock === "wall" ? event.wall : event.t;
    const parsed = stamp ? Date.parse(stamp) : Number.NaN;
    const ms = Number.isFinite(parsed) ? parsed : (this.#opts.now?.() ?? 0);
    let frames: Buffer[];
    try {
      frames = buildFrames(event, this.#opts, counters);
    } catch {
      // an event the capture cannot express (e.g. no EUI-64): skipped, never thrown into the evidence log
      this.#skipped++;
      return false;
    }
    for (const frame of frames) {
      writeSync(this.#fd, pcapRecord(ms, frame));
      this.#frames++;
    }
    return true;
  }

  /** ZCL events that could not be written (bad device address or payload). */
  get skipped(): number {
    return this.#skipped;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  return undefined;
}

function ieeeOf(v: unknown): string | undefined {
  return typeof v === "string" ? parseEui64(v) : undefined;
}

/**
 * Capture options from the run's hub parameters (`RunEvent.hub`): `panId` (or `panID`) and the hub's
 * EUI-64 (`ieee`, `hubIeee`, `ieeeAddr`, else `extendedPanId`, which GB sets to the hub's IEEE address).
 * Without a run event: PAN id 0x1a62 and an all-zero hub address.
 */
export function pcapOptionsFromRun(run: Pick<RunEvent, "hub"> | undefined): PcapOptions {
  const hub = run?.hub ?? {};
  const panId = numberOf(hub.panId) ?? numberOf(hub.panID) ?? 0x1a62;
  const hubIeee =
    ieeeOf(hub.ieee) ?? ieeeOf(hub.hubIeee) ?? ieeeOf(hub.ieeeAddr) ?? ieeeOf(hub.extendedPanId) ?? undefined;
  return hubIeee ? { panId, hubIeee } : { panId };
}

/**
 * Writes every ZCL event of `events` to a new pcap file at `path`; returns the number of frames written.
 * Without `opts`, the PAN id and hub address come from the run event among `events` (`pcapOptionsFromRun`).
 */
export function writePcap(events: readonly (Evidence | PcapInput)[], path: string, opts?: PcapOptions): number {
  const run = events.find((e): e is Evidence & RunEvent => e.kind === "run");
  const writer = new PcapWriter(path, opts ?? pcapOptionsFromRun(run));
  try {
    for (const e of events) writer.write(e);
    return writer.frames;
  } finally {
    writer.close();
  }
}

/**
 * A minimal ZNP host, written for the tests from TI's MT description and not from any host's code: raw MT
 * frames over tcp://, no herdsman. It does what a host other than herdsman does, the way such hosts do it:
 * NV through the OSAL and extended NV commands, BDB formation, ZDO through AF_DATA_REQUEST_EXT from
 * endpoint 0 with answers through ZDO_MSG_CB_INCOMING, and a backup read from the NV tables.
 */
import { RawClient } from "../raw-client.js";
import type { MtFrame } from "../../../src/virtual/znp/frame.js";

const AREQ = 2;
const SYS = 1;
const AF = 4;
const ZDO = 5;
const UTIL = 7;
const APP_CNF = 15;

const u16 = (v: number) => Buffer.from([v & 0xff, (v >> 8) & 0xff]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const ieeeLe = (ieee: string) => Buffer.from(ieee.replace(/^0x/, ""), "hex").reverse();
const ieeeOf = (le: Buffer) => `0x${Buffer.from(le).reverse().toString("hex")}`;

export interface NetworkParams {
  panId: number;
  channel: number;
  extendedPanId: string;
  networkKey: Buffer;
}

export interface BackedUpDevice {
  ieee: string;
  nwk: number;
  child: boolean;
  linkKey?: Buffer;
}

export interface Backup extends NetworkParams {
  tclkSeed: Buffer;
  devices: BackedUpDevice[];
}

export interface SimpleDescriptor {
  endpoint: number;
  profileId: number;
  deviceId: number;
  inClusters: number[];
  outClusters: number[];
}

/** NV ids and extended tables this host uses (Z-Stack ZComDef.h). */
const Nv = {
  STARTUP_OPTION: 0x03,
  NIB: 0x21,
  EXTENDED_PAN_ID: 0x2d,
  NWK_ACTIVE_KEY_INFO: 0x3a,
  APS_LINK_KEY_TABLE: 0x4c,
  BDB_NODE_IS_ON_A_NETWORK: 0x55,
  PRECFGKEY: 0x62,
  PRECFGKEYS_ENABLE: 0x63,
  PANID: 0x83,
  CHANLIST: 0x84,
  LOGICAL_TYPE: 0x87,
  TCLK_SEED: 0x101,
} as const;
const Ex = { ADDRMGR: 1, TCLK_TABLE: 4, APS_KEY_DATA: 6 } as const;

export class MiniHost {
  #zdoSeq = 0x40;
  #afTrans = 0;

  #nextSeq(): number {
    this.#zdoSeq = (this.#zdoSeq + 1) & 0xff;
    return this.#zdoSeq;
  }

  #nextTrans(): number {
    this.#afTrans = (this.#afTrans + 1) & 0xff;
    return this.#afTrans;
  }

  private constructor(readonly link: RawClient) {}

  static async connect(url: string): Promise<MiniHost> {
    const host = new MiniHost(await RawClient.connect(url));
    const caps = (await host.sreq(SYS, 0x01)).readUInt16LE(0);
    if (!(caps & 0x0400)) throw new Error("not a Z-Stack 3 coordinator (no APP_CNF)");
    return host;
  }

  close(): Promise<void> {
    return this.link.close();
  }

  /** An SREQ; throws on an RPC error. Returns the SRSP data. */
  async sreq(subsystem: number, command: number, ...parts: Buffer[]): Promise<Buffer> {
    // a host's SREQ timeout (Z-Stack hosts wait seconds): a loaded machine can be slow, never wrong
    const f = await this.link.sreq(subsystem, command, Buffer.concat(parts), 10_000);
    if (f.subsystem === 0) throw new Error(`RPC error ${f.data[0]} for ${subsystem}:${command}`);
    return f.data;
  }

  /** An SREQ answered by one status byte that must be `ok`. */
  async ok(subsystem: number, command: number, ...parts: Buffer[]): Promise<void> {
    const status = (await this.sreq(subsystem, command, ...parts))[0];
    if (status !== 0) throw new Error(`status 0x${status?.toString(16)} for ${subsystem}:${command.toString(16)}`);
  }

  areq(
    subsystem: number,
    command: number,
    match: (d: Buffer) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<MtFrame> {
    return this.link.next(
      (f) => f.type === AREQ && f.subsystem === subsystem && f.command === command && match(f.data),
      timeoutMs,
    );
  }

  // ---- NV ----

  async nvRead(id: number): Promise<Buffer | undefined> {
    const length = (await this.sreq(SYS, 0x13, u16(id))).readUInt16LE(0);
    if (length === 0) return undefined;
    const parts: Buffer[] = [];
    for (let got = 0; got < length; ) {
      const rsp = await this.sreq(SYS, 0x1c, u16(id), u16(got));
      if (rsp[0] !== 0) throw new Error(`NV read of 0x${id.toString(16)}: status ${rsp[0]}`);
      parts.push(rsp.subarray(2, 2 + rsp[1]!));
      got += rsp[1]!;
    }
    return Buffer.concat(parts);
  }

  async nvWrite(id: number, value: Buffer): Promise<void> {
    const length = (await this.sreq(SYS, 0x13, u16(id))).readUInt16LE(0);
    if (length !== value.length) {
      if (length) await this.ok(SYS, 0x12, u16(id), u16(length));
      const init = await this.sreq(SYS, 0x07, u16(id), u16(value.length), Buffer.from([0]));
      if (init[0] !== 0x09) throw new Error(`NV item init of 0x${id.toString(16)}: status ${init[0]}`);
    }
    for (let o = 0; o < value.length; o += 200) {
      const chunk = value.subarray(o, o + 200);
      await this.ok(SYS, 0x1d, u16(id), u16(o), u16(chunk.length), chunk);
    }
  }

  async exRead(item: number, sub: number): Promise<Buffer | undefined> {
    const length = (await this.sreq(SYS, 0x32, Buffer.from([1]), u16(item), u16(sub))).readUInt32LE(0);
    if (length === 0) return undefined;
    const rsp = await this.sreq(SYS, 0x33, Buffer.from([1]), u16(item), u16(sub), u16(0), Buffer.from([length]));
    if (rsp[0] !== 0) throw new Error(`extended NV read ${item}/${sub}: status ${rsp[0]}`);
    return rsp.subarray(2, 2 + rsp[1]!);
  }

  async exWrite(item: number, sub: number, value: Buffer): Promise<void> {
    await this.ok(SYS, 0x34, Buffer.from([1]), u16(item), u16(sub), u16(0), Buffer.from([value.length]), value);
  }

  /** Every entry of an extended table, until the first missing sub-item. */
  async exTable(item: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (let sub = 0; ; sub++) {
      const e = await this.exRead(item, sub);
      if (!e) return out;
      out.push(e);
    }
  }

  // ---- network ----

  async reset(): Promise<void> {
    const ind = this.areq(SYS, 0x80);
    this.link.write(frame(AREQ, SYS, 0x00, Buffer.from([1])));
    await ind;
  }

  /** Factory state, then the commissioning items and BDB formation; the coordinator must come up (state 9). */
  async form(p: NetworkParams): Promise<void> {
    await this.nvWrite(Nv.STARTUP_OPTION, Buffer.from([0x03]));
    await this.reset();
    await this.nvWrite(Nv.STARTUP_OPTION, Buffer.from([0x00]));
    await this.nvWrite(Nv.LOGICAL_TYPE, Buffer.from([0x00]));
    await this.nvWrite(Nv.CHANLIST, u32(1 << p.channel));
    await this.nvWrite(Nv.PANID, u16(p.panId));
    await this.nvWrite(Nv.EXTENDED_PAN_ID, ieeeLe(p.extendedPanId));
    await this.nvWrite(Nv.PRECFGKEY, p.networkKey);
    await this.nvWrite(Nv.PRECFGKEYS_ENABLE, Buffer.from([0]));
    await this.ok(APP_CNF, 0x08, Buffer.from([1]), u32(1 << p.channel));
    const up = this.areq(ZDO, 0xc0, (d) => d[0] === 9);
    await this.ok(APP_CNF, 0x05, Buffer.from([0x04]));
    await up;
  }

  /** Whether NV says a network is formed (BDB node-is-on-a-network and a NIB). */
  async onNetwork(): Promise<boolean> {
    const flag = await this.nvRead(Nv.BDB_NODE_IS_ON_A_NETWORK);
    return flag?.[0] === 1 && (await this.nvRead(Nv.NIB)) !== undefined;
  }

  /** Resumes the stored network. */
  async startup(): Promise<void> {
    const up = this.areq(ZDO, 0xc0, (d) => d[0] === 9);
    await this.ok(ZDO, 0x40, u16(100));
    await up;
  }

  /** PAN ID, extended PAN ID and channel the coordinator reports (ZDO_EXT_NWK_INFO). */
  async networkInfo(): Promise<{ panId: number; extendedPanId: string; channel: number }> {
    const d = await this.sreq(ZDO, 0x50);
    return { panId: d.readUInt16LE(3), extendedPanId: ieeeOf(d.subarray(7, 15)), channel: d[23]! };
  }

  async registerEndpoint(endpoint: number, profileId: number): Promise<void> {
    await this.ok(AF, 0x00, Buffer.from([endpoint]), u16(profileId), u16(0x0005), Buffer.from([0, 0, 0, 0]));
  }

  /** Every ZDO message through ZDO_MSG_CB_INCOMING. */
  async watchZdo(): Promise<void> {
    await this.ok(ZDO, 0x3e, u16(0xffff));
  }

  /** Gives the trust centre a device's install code and opens the network; the coordinator answers its own copy. */
  async permitJoinWithInstallCode(ieee: string, installCode: Buffer, seconds: number): Promise<void> {
    await this.ok(APP_CNF, 0x04, Buffer.from([0x01]), ieeeLe(ieee), installCode);
    await this.ok(APP_CNF, 0x06, Buffer.from([0x01]));
    const own = this.areq(ZDO, 0xb6, (d) => d.readUInt16LE(0) === 0x0000 && d[2] === 0);
    await this.ok(ZDO, 0x36, Buffer.from([0x0f]), u16(0xfffc), Buffer.from([seconds, 0]));
    await own;
  }

  /** The next Device_annce (through ZDO_MSG_CB_INCOMING): its network address. */
  async announced(ieee: string): Promise<number> {
    const f = await this.areq(
      ZDO,
      0xff,
      (d) => d.readUInt16LE(3) === 0x0013 && ieeeOf(d.subarray(11, 19)) === ieee,
      10_000,
    );
    return f.data.readUInt16LE(9);
  }

  /**
   * A ZDO request sent as an APS frame from endpoint 0 (profile 0) with AF_DATA_REQUEST_EXT; the answer
   * is the ZDO_MSG_CB_INCOMING of the response cluster with the same sequence number.
   */
  async zdo(nwk: number, cluster: number, body: Buffer): Promise<Buffer> {
    const seq = this.#nextSeq();
    const trans = this.#nextTrans();
    const payload = Buffer.concat([Buffer.from([seq]), body]);
    const rsp = this.areq(ZDO, 0xff, (d) => d.readUInt16LE(3) === (cluster | 0x8000) && d[6] === seq);
    const addr = Buffer.alloc(8);
    addr.writeUInt16LE(nwk);
    await this.ok(
      AF,
      0x02,
      Buffer.from([0x02]),
      addr,
      Buffer.from([0]),
      u16(0),
      Buffer.from([0]),
      u16(cluster),
      Buffer.from([trans, 0x00, 0x1e]),
      u16(payload.length),
      payload,
    );
    return (await rsp).data.subarray(9);
  }

  async activeEndpoints(nwk: number): Promise<number[]> {
    const d = await this.zdo(nwk, 0x0005, u16(nwk));
    if (d[0] !== 0) throw new Error(`Active_EP_rsp status ${d[0]}`);
    return [...d.subarray(4, 4 + d[3]!)];
  }

  async simpleDescriptor(nwk: number, endpoint: number): Promise<SimpleDescriptor> {
    const d = await this.zdo(nwk, 0x0004, Buffer.concat([u16(nwk), Buffer.from([endpoint])]));
    if (d[0] !== 0) throw new Error(`Simple_Desc_rsp status ${d[0]}`);
    let o = 4;
    const ep = d[o]!;
    const profileId = d.readUInt16LE(o + 1);
    const deviceId = d.readUInt16LE(o + 3);
    o += 6;
    const list = () => {
      const n = d[o++]!;
      const out: number[] = [];
      for (let i = 0; i < n; i++, o += 2) out.push(d.readUInt16LE(o));
      return out;
    };
    const inClusters = list();
    return { endpoint: ep, profileId, deviceId, inClusters, outClusters: list() };
  }

  /** Logical type from a Node_Desc_rsp (0 coordinator, 1 router, 2 end device). */
  async logicalType(nwk: number): Promise<number> {
    const d = await this.zdo(nwk, 0x0002, u16(nwk));
    if (d[0] !== 0) throw new Error(`Node_Desc_rsp status ${d[0]}`);
    return d[3]! & 0x07;
  }

  /** A ZCL Read Attributes of one character-string attribute over AF; the AF_INCOMING_MSG carries the answer. */
  async readString(nwk: number, endpoint: number, cluster: number, attribute: number): Promise<string> {
    const trans = this.#nextTrans();
    const zcl = Buffer.concat([Buffer.from([0x00, trans, 0x00]), u16(attribute)]);
    const incoming = this.areq(AF, 0x81, (d) => d.readUInt16LE(4) === nwk && d[17 + 1] === trans);
    await this.ok(
      AF,
      0x01,
      u16(nwk),
      Buffer.from([endpoint, 1]),
      u16(cluster),
      Buffer.from([trans, 0, 0x1e, zcl.length]),
      zcl,
    );
    const d = (await incoming).data;
    const len = d[16]!;
    if (d.length !== 20 + len) throw new Error(`AF_INCOMING_MSG of ${d.length} bytes for ${len} bytes of data`);
    const rsp = d.subarray(17, 17 + len);
    if (rsp[2] !== 0x01 || rsp[5] !== 0x00 || rsp[6] !== 0x42) throw new Error("not a string in a read response");
    return rsp.subarray(8, 8 + rsp[7]!).toString("latin1");
  }

  // ---- backup and restore ----

  /** Network parameters, TCLK seed and devices with their keys, from NV as Z-Stack 3.x keeps them. */
  async backup(): Promise<Backup> {
    const nib = await this.nvRead(Nv.NIB);
    const keyInfo = await this.nvRead(Nv.NWK_ACTIVE_KEY_INFO);
    const tclkSeed = await this.nvRead(Nv.TCLK_SEED);
    if (!nib || !keyInfo || !tclkSeed) throw new Error("no network to back up");
    const info = await this.networkInfo();
    const addrMgr = await this.exTable(Ex.ADDRMGR);
    const apsKeys = await this.exTable(Ex.APS_KEY_DATA);
    const tclk = await this.exTable(Ex.TCLK_TABLE);
    const secMgr = (await this.nvRead(Nv.APS_LINK_KEY_TABLE)) ?? Buffer.alloc(2);
    const devices: BackedUpDevice[] = [];
    addrMgr.forEach((e, index) => {
      const user = e[0]!;
      if (user === 0 || user === 0xff) return;
      const ieee = ieeeOf(e.subarray(4, 12));
      const device: BackedUpDevice = { ieee, nwk: e.readUInt16LE(2), child: (user & 0x01) !== 0 };
      for (let o = 2; o + 6 <= secMgr.length; o += 6) {
        if (secMgr.readUInt16LE(o) === index && secMgr[o + 4] === 0x01)
          device.linkKey = Buffer.from(apsKeys[secMgr.readUInt16LE(o + 2)]!.subarray(0, 16));
      }
      const t = tclk.find((x) => ieeeOf(x.subarray(8, 16)) === ieee && x[16] === 0x02);
      if (!device.linkKey && t) device.linkKey = seededKey(tclkSeed, ieee, t[18]!);
      devices.push(device);
    });
    return {
      panId: info.panId,
      channel: info.channel,
      extendedPanId: info.extendedPanId,
      networkKey: keyInfo.subarray(1, 17),
      tclkSeed,
      devices,
    };
  }

  /**
   * Forms the backed-up network on this coordinator, then writes the TCLK seed, the devices into the
   * address manager and their keys (own keys into APS key data with a security-manager entry, seed-derived
   * ones as TCLK entries), resets and starts it.
   */
  async restore(b: Backup): Promise<void> {
    await this.form(b);
    await this.nvWrite(Nv.TCLK_SEED, b.tclkSeed);
    const secMgr = Buffer.from((await this.nvRead(Nv.APS_LINK_KEY_TABLE))!);
    let keyIndex = 0;
    let tclkIndex = 0;
    for (const [i, d] of b.devices.entries()) {
      const e = Buffer.alloc(12, 0xff);
      e[0] = 0x02 | (d.child ? 0x01 : 0);
      e.writeUInt16LE(d.nwk, 2);
      ieeeLe(d.ieee).copy(e, 4);
      await this.exWrite(Ex.ADDRMGR, i, e);
      if (!d.linkKey) continue;
      const shift = seedShiftOf(b.tclkSeed, d.ieee, d.linkKey);
      if (shift !== undefined) {
        const t = Buffer.alloc(20);
        ieeeLe(d.ieee).copy(t, 8);
        t[16] = 0x02;
        t[18] = shift;
        await this.exWrite(Ex.TCLK_TABLE, tclkIndex++, t);
        continue;
      }
      const k = Buffer.alloc(24);
      d.linkKey.copy(k);
      await this.exWrite(Ex.APS_KEY_DATA, keyIndex, k);
      const o = 2 + keyIndex * 6;
      secMgr.writeUInt16LE(i, o);
      secMgr.writeUInt16LE(keyIndex, o + 2);
      secMgr[o + 4] = 0x01;
      secMgr.writeUInt16LE(secMgr.readUInt16LE(0) + 1, 0);
      keyIndex++;
    }
    await this.nvWrite(Nv.APS_LINK_KEY_TABLE, secMgr);
    await this.reset();
    await this.startup();
  }

  /** Address manager index and relation of a child, from UTIL_ASSOC_GET_WITH_ADDRESS (0xFFFE: not a child). */
  async child(ieee: string): Promise<{ nwk: number; relation: number }> {
    const d = await this.sreq(UTIL, 0x4a, ieeeLe(ieee), u16(0xfffe));
    return { nwk: d.readUInt16LE(0), relation: d[4]! };
  }
}

function frame(type: number, subsystem: number, command: number, data: Buffer): Buffer {
  const out = Buffer.alloc(data.length + 5);
  out[0] = 0xfe;
  out[1] = data.length;
  out[2] = (type << 5) | subsystem;
  out[3] = command;
  data.copy(out, 4);
  let x = 0;
  for (let i = 1; i < out.length - 1; i++) x ^= out[i]!;
  out[out.length - 1] = x;
  return out;
}

/** Z-Stack 3.x unique TC link key: the seed rotated left by `shift` bytes, XOR the IEEE (reversed, twice). */
export function seededKey(seed: Buffer, ieee: string, shift: number): Buffer {
  const rotated = Buffer.concat([seed.subarray(shift), seed.subarray(0, shift)]);
  const ext = ieeeLe(ieee);
  const repeated = Buffer.concat([ext, ext]);
  return Buffer.from(rotated.map((b, i) => b ^ repeated[i]!));
}

function seedShiftOf(seed: Buffer, ieee: string, key: Buffer): number | undefined {
  for (let s = 0; s < 16; s++) if (seededKey(seed, ieee, s).equals(key)) return s;
  return undefined;
}

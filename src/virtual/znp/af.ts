/**
 * AF subsystem: endpoint registration (kept, and used to answer ZDO about the coordinator), data requests
 * to the HAN with their confirms, and incoming messages to the host (with the dataRetrieve path for
 * payloads too large for one AF_INCOMING_MSG).
 */
import { Subsystem } from "./frame.js";
import { type CommandTable, DevState, type ZnpEmulator, key } from "./emulator.js";
import type { ApsFrame } from "../han/types.js";
import { isBroadcast } from "../han/types.js";
import { ieeeFromLe } from "./state.js";

const AF = Subsystem.AF;
const u8 = (v: number) => Buffer.from([v & 0xff]);

export const AfStatus = {
  SUCCESS: 0x00,
  INVALID_PARAMETER: 0x02,
  DUPLICATE: 0xb8,
  NWK_INVALID_REQUEST: 0xc2,
  NWK_NO_ROUTE: 0xcd,
  MAC_NO_ACK: 0xe9,
} as const;

/** Largest payload carried inline in AF_INCOMING_MSG (250 − 17 header bytes). */
const MAX_INLINE = 233;

const huge = new WeakMap<ZnpEmulator, Map<number, Buffer>>();
let stamp = 1;

function profileOf(emu: ZnpEmulator, srcEp: number): number {
  return emu.state.endpoints.get(srcEp)?.profileId ?? 0x0104;
}

/** Sends `frame` on the HAN; `confirm` decides whether the host gets an AF_DATA_CONFIRM. */
function transmit(emu: ZnpEmulator, frame: ApsFrame, transId: number, confirm: boolean): void {
  const onResult = confirm
    ? (delivered: boolean) => {
        const known = isBroadcast(frame.dstNwk) || emu.medium.member(frame.dstNwk) !== undefined;
        const status = delivered ? AfStatus.SUCCESS : known ? AfStatus.MAC_NO_ACK : AfStatus.NWK_NO_ROUTE;
        emu.areq(AF, 0x80, Buffer.from([status, frame.srcEp, transId]));
      }
    : undefined;
  emu.medium.send(frame, onResult);
}

/** An APS frame for a registered coordinator endpoint → AF_INCOMING_MSG (or _EXT) to the host. */
export function deliverToHost(emu: ZnpEmulator, f: ApsFrame): void {
  if (!emu.state.endpoints.has(f.dstEp)) return; // real Z-Stack drops frames for unregistered endpoints
  const ts = stamp++ >>> 0;
  const seq = ts & 0xff;
  const bc = isBroadcast(f.dstNwk) ? 1 : 0;
  const data = f.payload;
  if (data.length <= MAX_INLINE) {
    const b = Buffer.allocUnsafe(17 + data.length);
    b.writeUInt16LE(0, 0);
    b.writeUInt16LE(f.clusterId, 2);
    b.writeUInt16LE(f.srcNwk, 4);
    b[6] = f.srcEp;
    b[7] = f.dstEp;
    b[8] = bc;
    b[9] = 0xc8; // link quality
    b[10] = 0; // security use
    b.writeUInt32LE(ts, 11);
    b[15] = seq;
    b[16] = data.length;
    data.copy(b, 17);
    emu.areq(AF, 0x81, b);
    return;
  }
  // too large: AF_INCOMING_MSG_EXT announcing the length; the host pulls it with AF_DATA_RETRIEVE
  let store = huge.get(emu);
  if (!store) {
    store = new Map();
    huge.set(emu, store);
  }
  store.set(ts, Buffer.from(data));
  const b = Buffer.alloc(27);
  b.writeUInt16LE(0, 0);
  b.writeUInt16LE(f.clusterId, 2);
  b[4] = 2; // 16-bit source address mode
  b.writeUInt16LE(f.srcNwk, 5);
  b[13] = f.srcEp;
  b.writeUInt16LE(0, 14);
  b[16] = f.dstEp;
  b[17] = bc;
  b[18] = 0xc8;
  b[19] = 0;
  b.writeUInt32LE(ts, 20);
  b[24] = seq;
  b.writeUInt16LE(data.length, 25);
  emu.areq(AF, 0x82, b);
}

export function registerAf(t: CommandTable): void {
  const sreq = (cmd: number, h: (d: Buffer, emu: ZnpEmulator) => Buffer) => t.sreq.set(key(AF, cmd), h);

  // register: endpoint, profile, device id, version, latency, in list, out list
  sreq(0x00, (d, emu) => {
    const endpoint = d.readUInt8(0);
    const profileId = d.readUInt16LE(1);
    const deviceId = d.readUInt16LE(3);
    const deviceVersion = d.readUInt8(5);
    let o = 7;
    const nIn = d.readUInt8(o++);
    const inClusters: number[] = [];
    for (let i = 0; i < nIn; i++, o += 2) inClusters.push(d.readUInt16LE(o));
    const nOut = d.readUInt8(o++);
    const outClusters: number[] = [];
    for (let i = 0; i < nOut; i++, o += 2) outClusters.push(d.readUInt16LE(o));
    if (endpoint === 0 || (endpoint > 240 && endpoint !== 242)) return u8(AfStatus.INVALID_PARAMETER);
    if (emu.state.endpoints.has(endpoint)) return u8(AfStatus.DUPLICATE);
    emu.state.endpoints.set(endpoint, { endpoint, profileId, deviceId, deviceVersion, inClusters, outClusters });
    emu.state.save();
    return u8(AfStatus.SUCCESS);
  });

  // dataRequest: dstaddr, dstep, srcep, cluster, transid, options, radius, len, data
  sreq(0x01, (d, emu) => {
    const len = d.readUInt8(9);
    if (d.length < 10 + len) throw new RangeError("dataRequest data shorter than len");
    if (emu.deviceState !== DevState.ZB_COORD) return u8(AfStatus.NWK_INVALID_REQUEST);
    const srcEp = d[3]!;
    const frame: ApsFrame = {
      srcNwk: 0x0000,
      srcEp,
      dstNwk: d.readUInt16LE(0),
      dstEp: d[2]!,
      profileId: profileOf(emu, srcEp),
      clusterId: d.readUInt16LE(4),
      payload: Buffer.from(d.subarray(10, 10 + len)),
    };
    transmit(emu, frame, d[6]!, true);
    return u8(AfStatus.SUCCESS);
  });

  // dataRequestExt: mode, addr(8), dstep, dstpan, srcep, cluster, transid, options, radius, len u16, data
  sreq(0x02, (d, emu) => {
    const mode = d.readUInt8(0);
    const len = d.readUInt16LE(18);
    if (d.length < 20 + len) throw new RangeError("dataRequestExt data shorter than len");
    if (emu.deviceState !== DevState.ZB_COORD) return u8(AfStatus.NWK_INVALID_REQUEST);
    const srcEp = d[12]!;
    let dstNwk: number;
    if (mode === 3) {
      dstNwk = emu.state.devices.get(ieeeFromLe(d, 1)) ?? 0xfffe;
    } else if (mode === 1)
      dstNwk = 0xfffd; // group: every rx-on node filters by its own groups
    else dstNwk = d.readUInt16LE(1);
    const frame: ApsFrame = {
      srcNwk: 0x0000,
      srcEp,
      dstNwk,
      dstEp: mode === 1 ? 0xff : d[9]!,
      profileId: profileOf(emu, srcEp),
      clusterId: d.readUInt16LE(13),
      payload: Buffer.from(d.subarray(20, 20 + len)),
    };
    transmit(emu, frame, d[15]!, true);
    return u8(AfStatus.SUCCESS);
  });

  // interPanCtl: accepted (no inter-PAN on the simulated HAN)
  sreq(0x10, (d) => {
    d.readUInt8(0);
    return u8(0);
  });

  // dataRetrieve: timestamp, index, length → status, length, data (length 0 frees the buffer)
  sreq(0x12, (d, emu) => {
    const ts = d.readUInt32LE(0);
    const index = d.readUInt16LE(4);
    const length = d.readUInt8(6);
    const store = huge.get(emu);
    const data = store?.get(ts);
    if (!data) return Buffer.from([0x01, 0]);
    if (length === 0) {
      store!.delete(ts);
      return Buffer.from([0x00, 0]);
    }
    const chunk = data.subarray(index, index + Math.min(length, 248));
    return Buffer.concat([Buffer.from([0x00, chunk.length]), chunk]);
  });
}

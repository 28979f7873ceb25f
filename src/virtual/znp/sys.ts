/**
 * SYS subsystem: ping, version, IEEE, the legacy (osalNv*) and extended (nv*) NV items, stack tune and
 * the soft/hard reset with its reset indication.
 */
import { Subsystem } from "./frame.js";
import { type CommandTable, DevState, type ZnpEmulator, key } from "./emulator.js";
import { NvId } from "./state.js";

const S = Subsystem.SYS;

/** ZnpCommandStatus values the NV commands answer with. */
export const NvStatus = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  ITEM_UNINIT: 0x09,
  OPER_FAILED: 0x0a,
  BAD_ITEM_LEN: 0x0c,
} as const;

/** MT capabilities: SYS, MAC, NWK, AF, ZDO, SAPI, UTIL, DEBUG, APP, APP_CNF, GP. */
const CAPABILITIES = 0x0d79 | 0x0002;

/** Largest value chunk one read SRSP carries (frame data max 250, minus status and length). */
const MAX_READ = 244;

function u8(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}

function readChunk(item: Buffer | undefined, offset: number): Buffer {
  if (!item || offset > item.length) return Buffer.from([NvStatus.OPER_FAILED, 0]);
  const chunk = item.subarray(offset, offset + MAX_READ);
  const out = Buffer.alloc(2 + chunk.length);
  out[0] = NvStatus.SUCCESS;
  out[1] = chunk.length;
  chunk.copy(out, 2);
  return out;
}

function writeInto(emu: ZnpEmulator, id: number, offset: number, value: Buffer): number {
  const item = emu.state.nv.get(id);
  if (!item) return NvStatus.OPER_FAILED;
  if (offset + value.length > item.length) return NvStatus.BAD_ITEM_LEN;
  value.copy(item, offset);
  emu.state.save();
  return NvStatus.SUCCESS;
}

/** What a soft or hard reset does to the firmware's RAM and, with STARTUP_OPTION bits set, to NV. */
export function resetDevice(emu: ZnpEmulator, type: number): void {
  const option = emu.state.nv.get(NvId.STARTUP_OPTION)?.[0] ?? 0;
  emu.state.endpoints.clear();
  if (option & 0x03) {
    emu.state.factoryReset();
    emu.state.devices.clear();
    emu.state.linkKeys.clear();
    emu.state.save();
    emu.onNetworkCleared();
  }
  emu.deviceState = emu.formed ? DevState.ZB_COORD : DevState.HOLD;
  const v = emu.version;
  const ind = Buffer.from([type === 0 ? 0x00 : 0x02, v.transportRev, v.product, v.major, v.minor, 1]);
  setTimeout(() => emu.areq(S, 0x80, ind), 5);
}

export function registerSys(t: CommandTable): void {
  const sreq = (cmd: number, h: (d: Buffer, emu: ZnpEmulator) => Buffer) => t.sreq.set(key(S, cmd), h);

  sreq(0x01, () => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(CAPABILITIES);
    return b;
  });
  sreq(0x02, (_d, emu) => {
    const v = emu.version;
    const b = Buffer.alloc(9);
    b.writeUInt8(v.transportRev, 0);
    b.writeUInt8(v.product, 1);
    b.writeUInt8(v.major, 2);
    b.writeUInt8(v.minor, 3);
    b.writeUInt8(v.maint, 4);
    b.writeUInt32LE(v.revision, 5);
    return b;
  });
  sreq(0x04, (_d, emu) => Buffer.from(emu.ieeeLe));

  // osalNvItemInit: id, len, initlen, initvalue → 0x09 when created, 0x00 when it already existed
  sreq(0x07, (d, emu) => {
    const id = d.readUInt16LE(0);
    const len = d.readUInt16LE(2);
    const initLen = d.readUInt8(4);
    if (d.length < 5 + initLen) throw new RangeError("osalNvItemInit initvalue shorter than initlen");
    if (emu.state.nv.has(id)) return u8(NvStatus.SUCCESS);
    const item = Buffer.alloc(len);
    d.copy(item, 0, 5, 5 + Math.min(initLen, len));
    emu.state.nv.set(id, item);
    emu.state.save();
    return u8(NvStatus.ITEM_UNINIT);
  });
  // osalNvRead: id, offset u8
  sreq(0x08, (d, emu) => readChunk(emu.state.nv.get(d.readUInt16LE(0)), d.readUInt8(2)));
  // osalNvWrite: id, offset u8, len u8, value
  sreq(0x09, (d, emu) => {
    const len = d.readUInt8(3);
    if (d.length < 4 + len) throw new RangeError("osalNvWrite value shorter than len");
    return u8(writeInto(emu, d.readUInt16LE(0), d.readUInt8(2), d.subarray(4, 4 + len)));
  });
  // osalNvDelete: id, len
  sreq(0x12, (d, emu) => {
    const id = d.readUInt16LE(0);
    d.readUInt16LE(2);
    if (!emu.state.nv.delete(id)) return u8(NvStatus.ITEM_UNINIT);
    emu.state.save();
    return u8(NvStatus.SUCCESS);
  });
  // osalNvLength: id → u16
  sreq(0x13, (d, emu) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(emu.state.nv.get(d.readUInt16LE(0))?.length ?? 0);
    return b;
  });
  // stackTune: operation, value → value
  sreq(0x0f, (d) => {
    d.readUInt8(1);
    return u8(0);
  });
  // osalNvReadExt: id, offset u16
  sreq(0x1c, (d, emu) => readChunk(emu.state.nv.get(d.readUInt16LE(0)), d.readUInt16LE(2)));
  // osalNvWriteExt: id, offset u16, len u16, value
  sreq(0x1d, (d, emu) => {
    const len = d.readUInt16LE(4);
    if (d.length < 6 + len) throw new RangeError("osalNvWriteExt value shorter than len");
    return u8(writeInto(emu, d.readUInt16LE(0), d.readUInt16LE(2), d.subarray(6, 6 + len)));
  });

  // extended NV (sysid, itemid u16, subid u16 …)
  const ext = (d: Buffer) => [d.readUInt8(0), d.readUInt16LE(1), d.readUInt16LE(3)] as const;
  sreq(0x30, (d, emu) => {
    const [sys, item, sub] = ext(d);
    const len = d.readUInt32LE(5);
    if (!emu.state.getExt(sys, item, sub)) {
      emu.state.setExt(sys, item, sub, Buffer.alloc(len));
      emu.state.save();
    }
    return u8(NvStatus.SUCCESS);
  });
  sreq(0x31, (d, emu) => {
    const [sys, item, sub] = ext(d);
    if (!emu.state.getExt(sys, item, sub)) return u8(NvStatus.ITEM_UNINIT);
    emu.state.setExt(sys, item, sub, undefined);
    emu.state.save();
    return u8(NvStatus.SUCCESS);
  });
  sreq(0x32, (d, emu) => {
    const [sys, item, sub] = ext(d);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(emu.state.getExt(sys, item, sub)?.length ?? 0);
    return b;
  });
  sreq(0x33, (d, emu) => {
    const [sys, item, sub] = ext(d);
    const offset = d.readUInt16LE(5);
    const len = d.readUInt8(7);
    const value = emu.state.getExt(sys, item, sub);
    if (!value || offset + len > value.length) return Buffer.from([NvStatus.OPER_FAILED, 0]);
    return Buffer.concat([Buffer.from([NvStatus.SUCCESS, len]), value.subarray(offset, offset + len)]);
  });
  sreq(0x34, (d, emu) => {
    const [sys, item, sub] = ext(d);
    const offset = d.readUInt16LE(5);
    const len = d.readUInt8(7);
    if (d.length < 8 + len) throw new RangeError("nvWrite value shorter than len");
    const value = emu.state.getExt(sys, item, sub);
    if (!value || offset + len > value.length) return u8(NvStatus.OPER_FAILED);
    d.copy(value, offset, 8, 8 + len);
    emu.state.save();
    return u8(NvStatus.SUCCESS);
  });

  // resetReq (AREQ): type 0 hard, 1 soft → resetInd
  t.areq.set(key(S, 0x00), (d, emu) => resetDevice(emu, d.length > 0 ? d[0]! : 1));
}

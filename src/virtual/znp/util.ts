/**
 * UTIL (device info, LED, association table) and APP_CNF (BDB: channels, install codes, commissioning,
 * i.e. network formation).
 */
import { linkKeyFromInstallCode } from "../../hub/install-code.js";
import { Subsystem } from "./frame.js";
import { type CommandTable, DevState, type ZnpEmulator, key } from "./emulator.js";
import { buildNib } from "./nib.js";
import { NvId, ieeeFromLe } from "./state.js";

const U = Subsystem.UTIL;
const A = Subsystem.APP_CNF;
const u8 = (v: number) => Buffer.from([v & 0xff]);

/** Lowest channel (11–26) in a channel mask, or 11. */
export function firstChannel(mask: number): number {
  for (let ch = 11; ch <= 26; ch++) if (mask & (1 << ch)) return ch;
  return 11;
}

/**
 * Forms the network from the commissioning NV items herdsman wrote (channel mask, PAN ID, extended PAN ID,
 * pre-configured key): writes the NIB and the active/alternate key descriptors, as the firmware does.
 */
export function formNetwork(emu: ZnpEmulator): void {
  const nv = emu.state.nv;
  const mask = nv.get(NvId.CHANLIST)?.readUInt32LE(0) ?? emu.primaryChannelMask ?? 1 << 11;
  const panId = nv.get(NvId.PANID)?.readUInt16LE(0) ?? 0x1a62;
  const epid = nv.get(NvId.EXTENDED_PAN_ID) ?? Buffer.from(emu.ieeeLe);
  const key16 = nv.get(NvId.PRECFGKEY) ?? Buffer.alloc(16);
  const channel = firstChannel(emu.primaryChannelMask ?? mask);
  nv.set(NvId.NIB, buildNib({ panId, channel, channelMask: mask, extendedPanIdLe: epid, ieeeLe: emu.ieeeLe }));
  const keyInfo = Buffer.concat([Buffer.from([0]), key16]);
  nv.set(NvId.NWK_ACTIVE_KEY_INFO, keyInfo);
  nv.set(NvId.NWK_ALTERN_KEY_INFO, Buffer.from(keyInfo));
  const nwkKey = Buffer.alloc(nv.get(NvId.NWKKEY)?.length ?? 24);
  key16.copy(nwkKey, 1);
  nv.set(NvId.NWKKEY, nwkKey);
  emu.state.save();
  emu.deviceState = DevState.ZB_COORD;
}

/** A network a host formed on this coordinator in an earlier session. */
export interface FormedNetwork {
  /** 11..26. */
  channel: number;
  panId: number;
  /** 16 bytes. */
  networkKey: Buffer;
}

/**
 * Gives a factory-fresh coordinator the NV of one on which a host has already formed `network` (what herdsman
 * writes before commissioning — channel mask, PAN ID, pre-configured key, the "configured" flag — and what
 * forming then writes), so that a host with the same parameters resumes it instead of forming it again.
 * The coordinator stays in HOLD until the host starts it (startupFromApp).
 */
export function preformNetwork(emu: ZnpEmulator, network: FormedNetwork): void {
  if (network.networkKey.length !== 16) throw new RangeError("the network key is 16 bytes");
  const nv = emu.state.nv;
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return b;
  };
  nv.set(NvId.CHANLIST, u32(1 << network.channel));
  nv.set(NvId.PANID, u16(network.panId));
  nv.set(NvId.EXTENDED_PAN_ID, Buffer.from(emu.ieeeLe));
  nv.set(NvId.PRECFGKEY, Buffer.from(network.networkKey));
  nv.set(NvId.PRECFGKEYS_ENABLE, Buffer.from([0]));
  nv.set(NvId.LOGICAL_TYPE, Buffer.from([0])); // coordinator
  nv.set(NvId.HAS_CONFIGURED_ZSTACK3, Buffer.from([0x55]));
  formNetwork(emu);
  emu.deviceState = DevState.HOLD;
}

export function registerUtil(t: CommandTable): void {
  const util = (cmd: number, h: (d: Buffer, emu: ZnpEmulator) => Buffer) => t.sreq.set(key(U, cmd), h);
  const cnf = (cmd: number, h: (d: Buffer, emu: ZnpEmulator) => Buffer) => t.sreq.set(key(A, cmd), h);

  // getDeviceInfo → status, ieee, shortaddr, devicetype, devicestate, numassocdevices, list
  util(0x00, (_d, emu) => {
    const b = Buffer.alloc(14);
    b.writeUInt8(0, 0);
    emu.ieeeLe.copy(b, 1);
    b.writeUInt16LE(emu.deviceState === DevState.ZB_COORD ? 0x0000 : 0xfffe, 9);
    b.writeUInt8(0x07, 11); // coordinator | router | end device capable
    b.writeUInt8(emu.deviceState, 12);
    b.writeUInt8(0, 13);
    return b;
  });
  util(0x0a, (d) => {
    d.readUInt8(1);
    return u8(0);
  });
  // assocGetWithAddress: the emulated devices are not in an association table (routers elsewhere)
  util(0x4a, (d) => {
    d.readUInt16LE(8);
    const b = Buffer.alloc(5);
    b.writeUInt16LE(0xfffe, 0);
    b.writeUInt16LE(0xffff, 2);
    b.writeUInt8(0xff, 4);
    return b;
  });
  util(0x63, (d) => {
    ieeeFromLe(d, 0);
    return u8(0);
  });
  util(0x64, (d) => {
    d.readUInt8(10);
    return u8(0);
  });

  // bdbAddInstallCode: format (1 code+CRC, 2 hashed key), ieee, code
  cnf(0x04, (d, emu) => {
    const format = d.readUInt8(0);
    const ieee = ieeeFromLe(d, 1);
    if (d.length < 9) throw new RangeError("bdbAddInstallCode without IEEE");
    const code = Buffer.from(d.subarray(9));
    let linkKey: Buffer;
    if (format === 1) {
      try {
        linkKey = linkKeyFromInstallCode(code);
      } catch {
        return u8(0x02); // INVALID_PARAM: wrong length or CRC
      }
    } else if (format === 2) {
      if (code.length !== 16) return u8(0x02);
      linkKey = code;
    } else return u8(0x02);
    emu.state.linkKeys.set(ieee, linkKey);
    emu.state.save();
    return u8(0);
  });
  // bdbStartCommissioning: mode (0x04 formation) → SRSP, then state changes and the BDB notification
  cnf(0x05, (d, emu) => {
    const mode = d.readUInt8(0);
    const forms = (mode & 0x04) !== 0 && !emu.formed;
    if (forms) formNetwork(emu);
    setImmediate(() => {
      if (forms) emu.areq(Subsystem.ZDO, 0xc0, u8(DevState.COORD_STARTING));
      if (emu.formed) {
        emu.deviceState = DevState.ZB_COORD;
        emu.areq(Subsystem.ZDO, 0xc0, u8(DevState.ZB_COORD));
      }
      emu.areq(A, 0x80, Buffer.from([emu.formed ? 0 : 1, mode, 0]));
    });
    return u8(0);
  });
  // bdbSetChannel: isPrimary, mask
  cnf(0x08, (d, emu) => {
    const primary = d.readUInt8(0) === 1;
    const mask = d.readUInt32LE(1);
    if (primary) emu.primaryChannelMask = mask || undefined;
    return u8(0);
  });
  // bdbSetTcRequireKeyExchange, bdbSetJoinUsesInstallCodeKey: accepted
  cnf(0x09, () => u8(0));
  cnf(0x06, (d, emu) => {
    emu.requireInstallCodes = d.readUInt8(0) === 1 || emu.requireInstallCodes;
    return u8(0);
  });
}

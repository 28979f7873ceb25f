/**
 * Network formation as the coordinator's BDB does it (bdbStartCommissioning with the formation bit), and a
 * coordinator that comes up with a network a host formed in an earlier session.
 */
import { DevState, type ZnpEmulator } from "./emulator.js";
import { buildNib } from "./nib.js";
import { NvId } from "./state.js";

/** Lowest channel (11–26) in a channel mask, or 11. */
export function firstChannel(mask: number): number {
  for (let ch = 11; ch <= 26; ch++) if (mask & (1 << ch)) return ch;
  return 11;
}

/**
 * Forms the network from the commissioning NV items the host wrote (channel mask, PAN ID, extended PAN ID,
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

/**
 * Network formation as the coordinator's BDB does it (bdbStartCommissioning with the formation bit), and a
 * coordinator that comes up with a network a host formed in an earlier session.
 */
import { APP_CNF_BDB_COMMISSIONING_NOTIFICATION, ZDO_STATE_CHANGE_IND } from "./commands.js";
import { DevState, type ZnpEmulator } from "./emulator.js";
import { buildNib } from "./nib.js";
import { ExItem, NV_SYS_ZSTACK, StartupOption } from "./nv-defaults.js";
import { createNetworkTables } from "./nv-tables.js";
import { NvId } from "./state.js";

/** Lowest channel (11–26) in a channel mask, or 11. */
export function firstChannel(mask: number): number {
  for (let ch = 11; ch <= 26; ch++) if (mask & (1 << ch)) return ch;
  return 11;
}

/**
 * Forms the network from the commissioning NV items the host wrote (channel mask, PAN ID, extended PAN ID,
 * pre-configured key), writing what the firmware writes: the NIB, the active and alternate key descriptors
 * and NWKKEY (key sequence 0, frame counter 0), the frame counter of the extended PAN ID in the network
 * security material table, the tables a network starts with (address manager, security manager, groups),
 * BDB node-is-on-a-network = 1, and STARTUP_OPTION without its network-state bit.
 */
export function formNetwork(emu: ZnpEmulator): void {
  const nv = emu.state.nv;
  const mask = nv.get(NvId.CHANLIST)?.readUInt32LE(0) || emu.primaryChannelMask || 1 << 11;
  const configuredPan = nv.get(NvId.PANID)?.readUInt16LE(0) ?? 0xffff;
  const panId = configuredPan === 0xffff ? 0x1a62 : configuredPan;
  const epid = Buffer.from(nv.get(NvId.EXTENDED_PAN_ID) ?? emu.ieeeLe);
  const key16 = nv.get(NvId.PRECFGKEY) ?? Buffer.alloc(16);
  const channel = firstChannel(emu.primaryChannelMask ?? mask);
  nv.set(NvId.NIB, buildNib({ panId, channel, channelMask: mask, extendedPanIdLe: epid, ieeeLe: emu.ieeeLe }));
  const keyInfo = Buffer.concat([Buffer.from([0]), key16]);
  nv.set(NvId.NWK_ACTIVE_KEY_INFO, keyInfo);
  nv.set(NvId.NWK_ALTERN_KEY_INFO, Buffer.from(keyInfo));
  // nwkActiveKeyItems_t: key descriptor, padding, outgoing frame counter
  const nwkKey = Buffer.alloc(nv.get(NvId.NWKKEY)?.length ?? 24, 0xff);
  keyInfo.copy(nwkKey, 0);
  nwkKey.writeUInt32LE(0, nwkKey.length - 4);
  nv.set(NvId.NWKKEY, nwkKey);
  const material = Buffer.alloc(12);
  epid.copy(material, 4);
  emu.state.setExt(NV_SYS_ZSTACK, ExItem.NWK_SEC_MATERIAL_TABLE, 0, material);
  createNetworkTables(emu.state);
  nv.set(NvId.BDBNODEISONANETWORK, Buffer.from([1]));
  const option = nv.get(NvId.STARTUP_OPTION)?.[0] ?? 0;
  nv.set(NvId.STARTUP_OPTION, Buffer.from([option & ~StartupOption.DEFAULT_NETWORK_STATE]));
  emu.state.save();
  emu.deviceState = DevState.ZB_COORD;
}

/** BDB commissioning mode bits (bdb.h BDB_COMMISSIONING_MODE_*). */
export const BdbMode = { INITIATOR_TL: 0x01, NWK_STEERING: 0x02, FORMATION: 0x04, FINDING_BINDING: 0x08 } as const;

/**
 * bdb_StartCommissioning on a coordinator: with the formation bit and no network yet, forms one
 * (ZDO_STATE_CHANGE_IND 8 then 9); a network already formed comes up (state 9). Then the BDB
 * notification: success, or no network (2) when none could be had.
 */
export function startCommissioning(emu: ZnpEmulator, mode: number): void {
  const forms = (mode & BdbMode.FORMATION) !== 0 && !emu.formed;
  if (forms) formNetwork(emu);
  setImmediate(() => {
    if (forms) emu.callback(ZDO_STATE_CHANGE_IND, { state: DevState.COORD_STARTING });
    if (emu.formed) {
      emu.deviceState = DevState.ZB_COORD;
      emu.callback(ZDO_STATE_CHANGE_IND, { state: DevState.ZB_COORD });
    }
    emu.callback(APP_CNF_BDB_COMMISSIONING_NOTIFICATION, { status: emu.formed ? 0 : 2, mode, remainingModes: 0 });
  });
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

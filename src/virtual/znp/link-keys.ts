/**
 * The coordinator's APS link keys, as Z-Stack 3.x keeps them in NV (ZDSecMgr; nv-tables.ts writes the layouts):
 * a device's key is an entry of the APS key data table (extended item EX_APS_KEY_DATA_TABLE, 24 bytes: key,
 * outgoing and incoming frame counters), found through the security-manager table (legacy item 0x4C) from
 * the device's address-manager entry (extended item ADDRMGR, with the SECURITY user bit). A device that joined
 * with an install-code key has its entry already; a key installed after CBKE replaces it.
 *
 * - ZDO_SET_LINK_KEY (ZDSecMgrAddLinkKey: what TI's KE server calls after CBKE) adds or replaces a device's
 *   key, marked authenticated by CBKE; ZDO_REMOVE_LINK_KEY removes it; ZDO_GET_LINK_KEY,
 *   UTIL_APSME_LINK_KEY_DATA_GET and UTIL_APSME_LINK_KEY_NV_ID_GET read it back. An unknown device is
 *   NWK_UNKNOWN_DEVICE (0xC8), a full table BUFFER_FULL (0x11).
 * - AF frames: an AF_DATA_REQUEST with the EN_SECURITY option to a device without a key is not sent (its
 *   AF_DATA_CONFIRM says SEC_NO_KEY, 0xA1); with one it goes APS-secured and counts in the key's outgoing
 *   counter, and a secured frame received counts in the incoming one (af.ts).
 * - Trust centre: a device's APS Request Key for an application link key with a partner is granted when the
 *   coordinator holds for both a key other than their install-code key (both completed key establishment): a
 *   fresh random key goes to each in a Transport Key, as a Zigbee trust centre distributes application link
 *   keys (05-3474 §4.4.3).
 *
 * Frame counters are kept in the NV entries in memory and written with the state's next save.
 */
import { log } from "../../log.js";
import type { ApsFrame } from "../han/types.js";
import {
  UTIL_APSME_LINK_KEY_DATA_GET,
  UTIL_APSME_LINK_KEY_NV_ID_GET,
  ZDO_GET_LINK_KEY,
  ZDO_REMOVE_LINK_KEY,
  ZDO_SET_LINK_KEY,
} from "./commands.js";
import { type Responder, type ZnpEmulator, onSreq } from "./emulator.js";
import { ExItem, NV_SYS_ZSTACK, NvId, SECURITY_MANAGER_ENTRY_SIZE } from "./nv-defaults.js";
import {
  AddrMgrUser,
  findDevice,
  findDeviceByNwk,
  recordDevice,
  recordUniqueKey,
  removeSecurityEntry,
} from "./nv-tables.js";
import { type ZnpState, ieeeFromLe } from "./state.js";

export const KeyStatus = { SUCCESS: 0x00, BUFFER_FULL: 0x11, NWK_UNKNOWN_DEVICE: 0xc8 } as const;

/** AF_DATA_CONFIRM status of a secured frame to a device the coordinator has no key for. */
export const SEC_NO_KEY = 0xa1;

/** Security-manager entry of no device (INVALID_NODE_ADDR as the address-manager index). */
const NO_AMI = 0xfffe;

const logger = log("virtual-znp");

/** The APS key data index of a device's entry in the security-manager table. */
function keyIndexOf(state: ZnpState, ieee: string): number | undefined {
  const table = state.nv.get(NvId.APS_LINK_KEY_TABLE);
  const ami = findDevice(state, ieee)?.index;
  if (!table || ami === undefined) return undefined;
  for (let o = 2; o + SECURITY_MANAGER_ENTRY_SIZE <= table.length; o += SECURITY_MANAGER_ENTRY_SIZE) {
    if (table.readUInt16LE(o) === ami && ami !== NO_AMI) return table.readUInt16LE(o + 2);
  }
  return undefined;
}

function keyData(state: ZnpState, ieee: string): Buffer | undefined {
  const i = keyIndexOf(state, ieee.toLowerCase());
  return i === undefined ? undefined : state.getExt(NV_SYS_ZSTACK, ExItem.APS_KEY_DATA_TABLE, i);
}

// ---- the key table ----

/** The APS link key the coordinator holds for `ieee`, if any. */
export function apsLinkKey(state: ZnpState, ieee: string): Buffer | undefined {
  const data = keyData(state, ieee);
  return data ? Buffer.from(data.subarray(0, 16)) : undefined;
}

/**
 * Adds or replaces the link key of `ieee` (ZDSecMgrAddLinkKey: the device's address-manager entry gets the
 * security user bit, its security-manager entry points to the key). Returns a KeyStatus.
 */
export function setLinkKey(state: ZnpState, ieee: string, nwk: number, key: Buffer): number {
  if (!state.nv.has(NvId.APS_LINK_KEY_TABLE)) return KeyStatus.NWK_UNKNOWN_DEVICE;
  const entry = recordDevice(state, ieee, nwk, AddrMgrUser.SECURITY);
  if (!entry || !recordUniqueKey(state, entry.index, key)) return KeyStatus.BUFFER_FULL;
  state.save();
  return KeyStatus.SUCCESS;
}

/** Removes the link key of `ieee`. Returns a KeyStatus. */
export function removeLinkKey(state: ZnpState, ieee: string): number {
  const entry = findDevice(state, ieee);
  if (!entry || keyIndexOf(state, ieee) === undefined) return KeyStatus.NWK_UNKNOWN_DEVICE;
  removeSecurityEntry(state, entry.index);
  state.save();
  return KeyStatus.SUCCESS;
}

/** Counts a secured frame in the key's outgoing (`tx`) or incoming (`rx`) frame counter. */
export function countSecuredFrame(state: ZnpState, ieee: string, dir: "tx" | "rx"): void {
  const data = keyData(state, ieee);
  if (!data) return;
  const at = dir === "tx" ? 16 : 20;
  data.writeUInt32LE((data.readUInt32LE(at) + 1) >>> 0, at);
}

function counters(state: ZnpState, ieee: string): { tx: number; rx: number } | undefined {
  const data = keyData(state, ieee);
  return data ? { tx: data.readUInt32LE(16), rx: data.readUInt32LE(20) } : undefined;
}

/**
 * Whether the coordinator holds a key for `ieee` other than the install-code key it joined with: one installed
 * after key establishment (ZDO_SET_LINK_KEY). A Type 2 device never has one.
 */
function keyEstablished(state: ZnpState, ieee: string): boolean {
  const key = apsLinkKey(state, ieee);
  const joinedWith = state.linkKeys.get(ieee.toLowerCase());
  return key !== undefined && (joinedWith === undefined || !key.equals(joinedWith));
}

/** The EUI-64 of the device at `nwk`, as the coordinator's address manager knows it. */
export function ieeeOfNwk(emu: ZnpEmulator, nwk: number): string | undefined {
  return findDeviceByNwk(emu.state, nwk)?.ieee;
}

// ---- trust centre: application link keys ----

/** An APS command from a device: Request Key for an application link key is answered as a trust centre. */
export function onTrustCentreCommand(emu: ZnpEmulator, f: ApsFrame): void {
  const cmd = f.apsCommand;
  if (cmd?.id !== "requestKey") return;
  const requester = ieeeOfNwk(emu, f.srcNwk);
  const partner = cmd.partner.toLowerCase();
  if (!requester) return;
  if (!keyEstablished(emu.state, requester) || !keyEstablished(emu.state, partner)) {
    logger.debug({ requester, partner }, "application link key request refused: no established key with both devices");
    return;
  }
  const partnerNwk = findDevice(emu.state, partner)?.nwk;
  if (partnerNwk === undefined) return;
  emu.medium.sendApplicationLinkKey(0x0000, { nwk: f.srcNwk, ieee: requester }, { nwk: partnerNwk, ieee: partner });
}

// ---- MT ----

const ZERO_KEY = Buffer.alloc(16);

export const LINK_KEY_RESPONDERS: readonly Responder[] = [
  onSreq(ZDO_SET_LINK_KEY, (req, emu) => ({
    status: setLinkKey(emu.state, ieeeFromLe(req.ieeeAddr), req.shortAddr, Buffer.from(req.linkKey)),
  })),
  onSreq(ZDO_REMOVE_LINK_KEY, (req, emu) => ({ status: removeLinkKey(emu.state, ieeeFromLe(req.ieeeAddr)) })),
  onSreq(ZDO_GET_LINK_KEY, (req, emu) => {
    const key = apsLinkKey(emu.state, ieeeFromLe(req.ieeeAddr));
    return {
      status: key ? KeyStatus.SUCCESS : KeyStatus.NWK_UNKNOWN_DEVICE,
      ieeeAddr: req.ieeeAddr,
      linkKey: key ?? ZERO_KEY,
    };
  }),
  onSreq(UTIL_APSME_LINK_KEY_DATA_GET, (req, emu) => {
    const ieee = ieeeFromLe(req.extAddr);
    const key = apsLinkKey(emu.state, ieee);
    const c = counters(emu.state, ieee);
    return {
      status: key ? KeyStatus.SUCCESS : KeyStatus.NWK_UNKNOWN_DEVICE,
      secKey: key ?? ZERO_KEY,
      txFrmCntr: c?.tx ?? 0,
      rxFrmCntr: c?.rx ?? 0,
    };
  }),
  onSreq(UTIL_APSME_LINK_KEY_NV_ID_GET, (req, emu) => {
    const index = keyIndexOf(emu.state, ieeeFromLe(req.extAddr));
    return index !== undefined
      ? { status: KeyStatus.SUCCESS, linkKeyNvId: index }
      : { status: KeyStatus.NWK_UNKNOWN_DEVICE, linkKeyNvId: 0xffff };
  }),
];

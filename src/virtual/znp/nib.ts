/**
 * The Z-Stack network information base (NIB, NV item 0x21) as the firmware stores it, with the 16-bit
 * alignment of the ARM builds (CC26xx): u16/u32 members start on an even offset and the whole is padded
 * to an even length (116 bytes). Layout from Z-Stack 3.0.2 `nwk.h` (the `nwkIB_t` members).
 */

type Kind = "u8" | "u16" | "u32" | "bytes8" | "keydesc";
const LAYOUT: [string, Kind][] = [
  ["SequenceNum", "u8"],
  ["PassiveAckTimeout", "u8"],
  ["MaxBroadcastRetries", "u8"],
  ["MaxChildren", "u8"],
  ["MaxDepth", "u8"],
  ["MaxRouters", "u8"],
  ["dummyNeighborTable", "u8"],
  ["BroadcastDeliveryTime", "u8"],
  ["ReportConstantCost", "u8"],
  ["RouteDiscRetries", "u8"],
  ["dummyRoutingTable", "u8"],
  ["SecureAllFrames", "u8"],
  ["SecurityLevel", "u8"],
  ["SymLink", "u8"],
  ["CapabilityFlags", "u8"],
  ["TransactionPersistenceTime", "u16"],
  ["nwkProtocolVersion", "u8"],
  ["RouteDiscoveryTime", "u8"],
  ["RouteExpiryTime", "u8"],
  ["nwkDevAddress", "u16"],
  ["nwkLogicalChannel", "u8"],
  ["nwkCoordAddress", "u16"],
  ["nwkCoordExtAddress", "bytes8"],
  ["nwkPanId", "u16"],
  ["nwkState", "u8"],
  ["channelList", "u32"],
  ["beaconOrder", "u8"],
  ["superFrameOrder", "u8"],
  ["scanDuration", "u8"],
  ["battLifeExt", "u8"],
  ["allocatedRouterAddresses", "u32"],
  ["allocatedEndDeviceAddresses", "u32"],
  ["nodeDepth", "u8"],
  ["extendedPANID", "bytes8"],
  ["nwkKeyLoaded", "u8"],
  ["spare1", "keydesc"],
  ["spare2", "keydesc"],
  ["spare3", "u8"],
  ["spare4", "u8"],
  ["nwkLinkStatusPeriod", "u8"],
  ["nwkRouterAgeLimit", "u8"],
  ["nwkUseMultiCast", "u8"],
  ["nwkIsConcentrator", "u8"],
  ["nwkConcentratorDiscoveryTime", "u8"],
  ["nwkConcentratorRadius", "u8"],
  ["nwkAllFresh", "u8"],
  ["nwkManagerAddr", "u16"],
  ["nwkTotalTransmissions", "u16"],
  ["nwkUpdateId", "u8"],
];

export interface NibInput {
  panId: number;
  channel: number;
  channelMask: number;
  /** Extended PAN ID as stored in NV (little-endian, i.e. reversed display order). */
  extendedPanIdLe: Buffer;
  /** Coordinator IEEE as stored in NV (little-endian). */
  ieeeLe: Buffer;
  /** Incremented by every channel change (Mgmt_NWK_Update_req with duration 0xFE); 0 for a new network. */
  nwkUpdateId?: number;
}

/** Values of a formed coordinator's NIB, close to a CC2652 image after formation. */
function values(input: NibInput): Record<string, number | Buffer> {
  return {
    SequenceNum: 0x79,
    PassiveAckTimeout: 5,
    MaxBroadcastRetries: 2,
    MaxChildren: 0,
    MaxDepth: 20,
    MaxRouters: 0,
    BroadcastDeliveryTime: 30,
    ReportConstantCost: 0,
    RouteDiscRetries: 0,
    SecureAllFrames: 1,
    SecurityLevel: 5,
    SymLink: 1,
    CapabilityFlags: 0x8f,
    TransactionPersistenceTime: 7,
    nwkProtocolVersion: 2,
    RouteDiscoveryTime: 13,
    RouteExpiryTime: 30,
    nwkDevAddress: 0x0000,
    nwkLogicalChannel: input.channel,
    nwkCoordAddress: 0x0000,
    nwkCoordExtAddress: Buffer.alloc(8),
    nwkPanId: input.panId,
    nwkState: 6,
    channelList: input.channelMask >>> 0,
    beaconOrder: 15,
    superFrameOrder: 15,
    scanDuration: 4,
    allocatedRouterAddresses: 1,
    allocatedEndDeviceAddresses: 1,
    extendedPANID: input.extendedPanIdLe,
    nwkKeyLoaded: 1,
    nwkLinkStatusPeriod: 15,
    nwkRouterAgeLimit: 3,
    nwkIsConcentrator: 1,
    nwkConcentratorDiscoveryTime: 120,
    nwkConcentratorRadius: 10,
    nwkAllFresh: 1,
    nwkManagerAddr: 0x0000,
    nwkUpdateId: input.nwkUpdateId ?? 0,
  };
}

/** The aligned NIB image for a formed network. */
export function buildNib(input: NibInput): Buffer {
  const v = values(input);
  const out = Buffer.alloc(128);
  let off = 0;
  for (const [name, kind] of LAYOUT) {
    const val = v[name];
    switch (kind) {
      case "u8":
        out.writeUInt8(typeof val === "number" ? val : 0, off);
        off += 1;
        break;
      case "u16":
        off += off % 2;
        out.writeUInt16LE(typeof val === "number" ? val : 0, off);
        off += 2;
        break;
      case "u32":
        off += off % 2;
        out.writeUInt32LE(typeof val === "number" ? val : 0, off);
        off += 4;
        break;
      case "bytes8":
        if (Buffer.isBuffer(val)) val.copy(out, off, 0, 8);
        off += 8;
        break;
      case "keydesc":
        off += 17; // keySeqNum + 16-byte key, unused (spare) in Z-Stack 3
        break;
    }
  }
  off += off % 2;
  return Buffer.from(out.subarray(0, off));
}

export interface NibInfo {
  panId: number;
  channel: number;
  channelMask: number;
  extendedPanIdLe: Buffer;
  nwkUpdateId: number;
}

/** Reads the members hosts compare (and the emulator updates) from an aligned NIB image. */
export function readNib(nib: Buffer): NibInfo {
  let off = 0;
  const at: Record<string, number> = {};
  for (const [name, kind] of LAYOUT) {
    if (kind === "u16" || kind === "u32") off += off % 2;
    at[name] = off;
    off += kind === "u8" ? 1 : kind === "u16" ? 2 : kind === "u32" ? 4 : kind === "bytes8" ? 8 : 17;
  }
  return {
    panId: nib.readUInt16LE(at.nwkPanId!),
    channel: nib.readUInt8(at.nwkLogicalChannel!),
    channelMask: nib.readUInt32LE(at.channelList!),
    extendedPanIdLe: Buffer.from(nib.subarray(at.extendedPANID!, at.extendedPANID! + 8)),
    nwkUpdateId: nib.readUInt8(at.nwkUpdateId!),
  };
}

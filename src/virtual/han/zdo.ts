/**
 * ZDO bodies (Zigbee spec 2.4.3/2.4.4), without the leading ZDO TSN: the answers the virtual coordinator and
 * the emulated nodes give from their own descriptors, and the discovery requests an emulated display sends
 * (Match_Desc, Simple_Desc) with the parsers of their responses. The one ZDO codec of the project: the
 * runner's discovery evidence (a bench's coordinator, the virtual HAN's tap) reads requests and responses
 * with it too. Parsers throw a RangeError on a body shorter than its fields.
 */
import type { SimpleDescriptor } from "./types.js";

export const ZdoCluster = {
  NWK_ADDR_REQ: 0x0000,
  IEEE_ADDR_REQ: 0x0001,
  NODE_DESC_REQ: 0x0002,
  POWER_DESC_REQ: 0x0003,
  SIMPLE_DESC_REQ: 0x0004,
  ACTIVE_EP_REQ: 0x0005,
  MATCH_DESC_REQ: 0x0006,
  DEVICE_ANNCE: 0x0013,
  BIND_REQ: 0x0021,
  UNBIND_REQ: 0x0022,
  MGMT_LQI_REQ: 0x0031,
  MGMT_RTG_REQ: 0x0032,
  MGMT_BIND_REQ: 0x0033,
  MGMT_LEAVE_REQ: 0x0034,
  MGMT_PERMIT_JOIN_REQ: 0x0036,
  MGMT_NWK_UPDATE_REQ: 0x0038,
} as const;

export const ZdoStatus = {
  SUCCESS: 0x00,
  INV_REQUESTTYPE: 0x80,
  DEVICE_NOT_FOUND: 0x81,
  INVALID_EP: 0x82,
  NOT_ACTIVE: 0x83,
  NOT_SUPPORTED: 0x84,
} as const;

/** Logical types in the node descriptor. */
export const LogicalType = { COORDINATOR: 0, ROUTER: 1, END_DEVICE: 2 } as const;

export interface NodeDescriptorOptions {
  logicalType: number;
  /** MAC capability flags (0x8E mains-powered router, 0x8F coordinator, 0x80 sleepy end device). */
  macCapabilities: number;
  manufacturerCode: number;
}

/** Node_Desc_rsp body: status, nwk, 13-byte node descriptor (2.4 GHz, stack compliance revision 22). */
export function nodeDescRsp(nwk: number, d: NodeDescriptorOptions): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(ZdoStatus.SUCCESS, 0);
  b.writeUInt16LE(nwk, 1);
  b.writeUInt8(d.logicalType & 0x07, 3);
  b.writeUInt8(0x40, 4); // APS flags 0, frequency band bit 3 (2.4 GHz)
  b.writeUInt8(d.macCapabilities, 5);
  b.writeUInt16LE(d.manufacturerCode, 6);
  b.writeUInt8(80, 8); // max buffer size
  b.writeUInt16LE(160, 9); // max incoming transfer size
  const primaryTc = d.logicalType === LogicalType.COORDINATOR ? 0x0001 : 0;
  b.writeUInt16LE(0x2c00 | primaryTc, 11); // server mask: revision 22
  b.writeUInt16LE(160, 13); // max outgoing transfer size
  b.writeUInt8(0, 15); // descriptor capabilities
  return b;
}

/**
 * Power_Desc_rsp body: status, nwk, power descriptor (2.3.2.4): receiver always on, mains available and
 * used, 100 %; a sleepy end device (no receiver-on bit in its MAC capabilities) on a battery instead.
 */
export function powerDescRsp(nwk: number, d: NodeDescriptorOptions): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt16LE(nwk, 1);
  const mains = (d.macCapabilities & 0x04) !== 0;
  b[3] = mains ? 0x10 : 0x41; // receiver on when idle, mains available; or on periodically, disposable battery
  b[4] = mains ? 0xc1 : 0xc4; // current source mains (1) or disposable battery (4); level 100 %
  return b;
}

export function activeEpRsp(nwk: number, endpoints: number[]): Buffer {
  const b = Buffer.alloc(4 + endpoints.length);
  b.writeUInt16LE(nwk, 1);
  b.writeUInt8(endpoints.length, 3);
  for (let i = 0; i < endpoints.length; i++) b.writeUInt8(endpoints[i]!, 4 + i);
  return b;
}

export function simpleDescRsp(nwk: number, sd: SimpleDescriptor | undefined, endpoint: number): Buffer {
  if (!sd) {
    const b = Buffer.alloc(4);
    b.writeUInt8(endpoint === 0 || endpoint > 240 ? ZdoStatus.INVALID_EP : ZdoStatus.NOT_ACTIVE, 0);
    b.writeUInt16LE(nwk, 1);
    return b;
  }
  const len = 8 + 2 * sd.inClusters.length + 2 * sd.outClusters.length;
  const b = Buffer.alloc(4 + len);
  b.writeUInt16LE(nwk, 1);
  b.writeUInt8(len, 3);
  let o = 4;
  b.writeUInt8(sd.endpoint, o++);
  b.writeUInt16LE(sd.profileId, o);
  b.writeUInt16LE(sd.deviceId, o + 2);
  b.writeUInt8(sd.deviceVersion & 0x0f, o + 4);
  o += 5;
  b.writeUInt8(sd.inClusters.length, o++);
  for (const c of sd.inClusters) o = b.writeUInt16LE(c, o);
  b.writeUInt8(sd.outClusters.length, o++);
  for (const c of sd.outClusters) o = b.writeUInt16LE(c, o);
  return b;
}

export interface MatchDescReq {
  nwkOfInterest: number;
  profileId: number;
  inClusters: readonly number[];
  outClusters: readonly number[];
}

/** Match_Desc_req body: nwk of interest, profile, in and out cluster lists. */
export function matchDescReq(req: MatchDescReq): Buffer {
  const b = Buffer.alloc(6 + 2 * (req.inClusters.length + req.outClusters.length));
  let o = b.writeUInt16LE(req.nwkOfInterest, 0);
  o = b.writeUInt16LE(req.profileId, o);
  for (const list of [req.inClusters, req.outClusters]) {
    o = b.writeUInt8(list.length, o);
    for (const c of list) o = b.writeUInt16LE(c, o);
  }
  return b;
}

/** Simple_Desc_req body: nwk of interest, endpoint. */
export function simpleDescReq(nwk: number, endpoint: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUInt16LE(nwk, 0);
  b.writeUInt8(endpoint, 2);
  return b;
}

/** Match_Desc_rsp (or Active_EP_rsp) body → status, nwk and endpoints (none unless SUCCESS). */
export function parseMatchDescRsp(body: Buffer): { status: number; nwk: number; endpoints: number[] } {
  const status = body.readUInt8(0);
  const nwk = body.readUInt16LE(1);
  if (status !== ZdoStatus.SUCCESS || body.length < 4) return { status, nwk, endpoints: [] };
  return { status, nwk, endpoints: [...body.subarray(4, 4 + body.readUInt8(3))] };
}

/** Simple_Desc_rsp body → status, nwk and the descriptor (absent unless SUCCESS with a non-empty one). */
export function parseSimpleDescRsp(body: Buffer): { status: number; nwk: number; descriptor?: SimpleDescriptor } {
  const status = body.readUInt8(0);
  const nwk = body.readUInt16LE(1);
  if (status !== ZdoStatus.SUCCESS || body.length < 4 || body.readUInt8(3) === 0) return { status, nwk };
  let o = 4;
  const endpoint = body.readUInt8(o);
  const profileId = body.readUInt16LE(o + 1);
  const deviceId = body.readUInt16LE(o + 3);
  const deviceVersion = body.readUInt8(o + 5) & 0x0f;
  o += 6;
  const list = () => {
    const n = body.readUInt8(o++);
    const out: number[] = [];
    for (let i = 0; i < n; i++, o += 2) out.push(body.readUInt16LE(o));
    return out;
  };
  const inClusters = list();
  const outClusters = list();
  return { status, nwk, descriptor: { endpoint, profileId, deviceId, deviceVersion, inClusters, outClusters } };
}

/** Simple_Desc_req body → nwk of interest and endpoint. */
export function parseSimpleDescReq(body: Buffer): { nwk: number; endpoint: number } {
  return { nwk: body.readUInt16LE(0), endpoint: body.readUInt8(2) };
}

export function parseMatchDescReq(body: Buffer): MatchDescReq {
  let o = 0;
  const nwkOfInterest = body.readUInt16LE(o);
  const profileId = body.readUInt16LE(o + 2);
  o += 4;
  const nIn = body.readUInt8(o++);
  const inClusters: number[] = [];
  for (let i = 0; i < nIn; i++, o += 2) inClusters.push(body.readUInt16LE(o));
  const nOut = body.readUInt8(o++);
  const outClusters: number[] = [];
  for (let i = 0; i < nOut; i++, o += 2) outClusters.push(body.readUInt16LE(o));
  return { nwkOfInterest, profileId, inClusters, outClusters };
}

/** Endpoints matching a Match_Desc_req: same profile (or wildcard 0xFFFF) and a common cluster. */
export function matchEndpoints(req: MatchDescReq, descriptors: Iterable<SimpleDescriptor>): number[] {
  const out: number[] = [];
  for (const sd of descriptors) {
    if (req.profileId !== 0xffff && sd.profileId !== req.profileId) continue;
    const hit =
      req.inClusters.some((c) => sd.inClusters.includes(c)) || req.outClusters.some((c) => sd.outClusters.includes(c));
    if (hit) out.push(sd.endpoint);
  }
  return out;
}

export function matchDescRsp(nwk: number, endpoints: number[]): Buffer {
  return activeEpRsp(nwk, endpoints);
}

/** NWK_addr_rsp / IEEE_addr_rsp body in spec order: status, IEEE (LE), nwk, [numAssoc, startIndex]. */
export function addrRsp(ieeeLe: Buffer, nwk: number): Buffer {
  const b = Buffer.alloc(11);
  ieeeLe.copy(b, 1, 0, 8);
  b.writeUInt16LE(nwk, 9);
  return b;
}

/** Device_annce body: nwk, IEEE (LE), capabilities. */
export function deviceAnnce(nwk: number, ieeeLe: Buffer, capabilities: number): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16LE(nwk, 0);
  ieeeLe.copy(b, 2, 0, 8);
  b.writeUInt8(capabilities, 10);
  return b;
}

/** A body holding only a status byte (Bind_rsp, Mgmt_Leave_rsp, Mgmt_Permit_Join_rsp …). */
export function statusRsp(status: number): Buffer {
  return Buffer.from([status]);
}

/**
 * ZDO discovery frames an SE client uses to find its servers (Zigbee spec 2.4.3.1.7 / 2.4.4.2.7
 * Match_Desc, 2.4.3.1.5 / 2.4.4.2.5 Simple_Desc). Bodies here exclude the leading ZDO transaction
 * sequence number.
 */
import { Reader, Writer } from "./zcl-bytes.js";

export const ZdoCluster = {
  simpleDescReq: 0x0004,
  matchDescReq: 0x0006,
  simpleDescRsp: 0x8004,
  matchDescRsp: 0x8006,
} as const;

export const ZDO_SUCCESS = 0x00;
/** Broadcast to every device with its receiver on when idle (routers and the coordinator). */
export const BROADCAST_RX_ON = 0xfffd;

export interface MatchDescRequest {
  nwkAddrOfInterest: number;
  profileId: number;
  inClusters: readonly number[];
  outClusters: readonly number[];
}

export function encodeMatchDescRequest(req: MatchDescRequest): Buffer {
  const w = new Writer().u16(req.nwkAddrOfInterest).u16(req.profileId).u8(req.inClusters.length);
  for (const c of req.inClusters) w.u16(c);
  w.u8(req.outClusters.length);
  for (const c of req.outClusters) w.u16(c);
  return w.bytes();
}

export function decodeMatchDescRequest(body: Buffer): MatchDescRequest {
  const r = new Reader(body);
  const nwkAddrOfInterest = r.u16();
  const profileId = r.u16();
  const inClusters = Array.from({ length: r.u8() }, () => r.u16());
  const outClusters = Array.from({ length: r.u8() }, () => r.u16());
  return { nwkAddrOfInterest, profileId, inClusters, outClusters };
}

export interface MatchDescResponse {
  status: number;
  nwkAddrOfInterest: number;
  endpoints: number[];
}

export function encodeMatchDescResponse(rsp: MatchDescResponse): Buffer {
  const w = new Writer().u8(rsp.status).u16(rsp.nwkAddrOfInterest).u8(rsp.endpoints.length);
  for (const ep of rsp.endpoints) w.u8(ep);
  return w.bytes();
}

export function decodeMatchDescResponse(body: Buffer): MatchDescResponse {
  const r = new Reader(body);
  const status = r.u8();
  const nwkAddrOfInterest = r.u16();
  if (status !== ZDO_SUCCESS || r.remaining === 0) return { status, nwkAddrOfInterest, endpoints: [] };
  return { status, nwkAddrOfInterest, endpoints: Array.from({ length: r.u8() }, () => r.u8()) };
}

export function encodeSimpleDescRequest(nwkAddrOfInterest: number, endpoint: number): Buffer {
  return new Writer().u16(nwkAddrOfInterest).u8(endpoint).bytes();
}

export function decodeSimpleDescRequest(body: Buffer): { nwkAddrOfInterest: number; endpoint: number } {
  const r = new Reader(body);
  return { nwkAddrOfInterest: r.u16(), endpoint: r.u8() };
}

export interface SimpleDescriptor {
  endpoint: number;
  profileId: number;
  deviceId: number;
  deviceVersion: number;
  inClusters: number[];
  outClusters: number[];
}

export function encodeSimpleDescResponse(status: number, nwkAddrOfInterest: number, desc?: SimpleDescriptor): Buffer {
  const w = new Writer().u8(status).u16(nwkAddrOfInterest);
  if (!desc) return w.u8(0).bytes();
  const body = new Writer().u8(desc.endpoint).u16(desc.profileId).u16(desc.deviceId).u8(desc.deviceVersion);
  body.u8(desc.inClusters.length);
  for (const c of desc.inClusters) body.u16(c);
  body.u8(desc.outClusters.length);
  for (const c of desc.outClusters) body.u16(c);
  const bytes = body.bytes();
  return Buffer.concat([w.u8(bytes.length).bytes(), bytes]);
}

export function decodeSimpleDescResponse(body: Buffer): {
  status: number;
  nwkAddrOfInterest: number;
  descriptor?: SimpleDescriptor;
} {
  const r = new Reader(body);
  const status = r.u8();
  const nwkAddrOfInterest = r.u16();
  if (status !== ZDO_SUCCESS || r.remaining === 0) return { status, nwkAddrOfInterest };
  const length = r.u8();
  if (length === 0) return { status, nwkAddrOfInterest };
  const endpoint = r.u8();
  const profileId = r.u16();
  const deviceId = r.u16();
  const deviceVersion = r.u8() & 0x0f;
  const inClusters = Array.from({ length: r.u8() }, () => r.u16());
  const outClusters = Array.from({ length: r.u8() }, () => r.u16());
  return {
    status,
    nwkAddrOfInterest,
    descriptor: { endpoint, profileId, deviceId, deviceVersion, inClusters, outClusters },
  };
}

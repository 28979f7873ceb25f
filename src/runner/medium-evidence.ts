/**
 * Evidence from the virtual HAN itself, for what the host cannot see: ZCL between a DUT and the ESME node
 * (a separate meter, as in a home), and the ZDO discovery a DUT does (answered by the coordinator's
 * firmware or by the ESME, never by herdsman). A lab would get the same from a sniffer.
 */
import type { EvidenceSink } from "../evidence/log.js";
import { type DecodedZcl, type FrameMeta, zclEvent } from "../evidence/zcl-event.js";
import type { HanMedium } from "../virtual/han/medium.js";
import type { TapRecord } from "../virtual/han/types.js";
import { parseMatchDescRsp, parseSimpleDescRsp, ZdoCluster, ZdoStatus } from "../virtual/han/zdo.js";
import { decodeZcl } from "../zcl/index.js";
import { hex } from "../hex.js";

const ZDO_PROFILE = 0;
/** A ZDO response is its request's cluster with bit 15 set. */
const RSP = 0x8000;
const DISCOVERY_RESPONSES = new Map<number, "matchDesc" | "simpleDesc" | "activeEp" | "nodeDesc">([
  [ZdoCluster.MATCH_DESC_REQ | RSP, "matchDesc"],
  [ZdoCluster.SIMPLE_DESC_REQ | RSP, "simpleDesc"],
  [ZdoCluster.ACTIVE_EP_REQ | RSP, "activeEp"],
  [ZdoCluster.NODE_DESC_REQ | RSP, "nodeDesc"],
]);

export interface MediumEvidenceOptions {
  medium: HanMedium;
  evidence: EvidenceSink;
  /** IEEE addresses of the devices under test. */
  duts: ReadonlySet<string>;
  /** The ESME node and its SE endpoint. */
  esme: { ieee: string; endpoint: number };
}

/** src/zcl's decode as the evidence wants it: a read's attribute ids, the fields otherwise. */
function decodedOf(clusterId: number, bytes: Buffer): DecodedZcl | undefined {
  try {
    const f = decodeZcl(clusterId, bytes);
    if (f.frameType === "global" && f.command === "read") return { read: f.payload.attributes as number[] };
    return { command: f.command, payload: f.payload, violations: f.violations ?? [] };
  } catch {
    return undefined;
  }
}

/**
 * Endpoints listed in a discovery response body (after the ZDO TSN), read with the ZDO codec: none for a
 * failure status; a Simple_Desc response without its descriptor, or cut short, is no evidence.
 */
function endpointsOf(clusterId: number, body: Buffer): { endpoints: number[]; clusters?: number[] } | undefined {
  if (body[0] !== ZdoStatus.SUCCESS) return { endpoints: [] };
  try {
    if (clusterId === (ZdoCluster.MATCH_DESC_REQ | RSP) || clusterId === (ZdoCluster.ACTIVE_EP_REQ | RSP)) {
      return { endpoints: parseMatchDescRsp(body).endpoints };
    }
    if (clusterId === (ZdoCluster.SIMPLE_DESC_REQ | RSP)) {
      const d = parseSimpleDescRsp(body).descriptor;
      return d && { endpoints: [d.endpoint], clusters: d.inClusters };
    }
  } catch {
    return clusterId === (ZdoCluster.SIMPLE_DESC_REQ | RSP) ? undefined : { endpoints: [] };
  }
  return { endpoints: [] };
}

/** Starts tapping; returns the function that stops it. */
export function tapMedium(opts: MediumEvidenceOptions): () => void {
  const { medium, evidence, duts, esme } = opts;
  const ieeeOf = (nwk: number) => medium.member(nwk)?.ieee;
  return medium.onFrame((r: TapRecord) => {
    if (!r.delivered) return;
    const f = r.frame;
    if (f.profileId === ZDO_PROFILE && f.srcEp === 0) {
      const request = DISCOVERY_RESPONSES.get(f.clusterId);
      const device = ieeeOf(f.dstNwk);
      if (!request || !device || !duts.has(device)) return;
      const found = endpointsOf(f.clusterId, f.payload.subarray(1));
      if (!found) return;
      evidence.append({
        kind: "discovery",
        device,
        request,
        endpoints: found.endpoints,
        ...(found.clusters ? { clusters: found.clusters } : {}),
        responder: ieeeOf(f.srcNwk) ?? `nwk ${hex(f.srcNwk)}`,
      });
      return;
    }
    if (f.srcNwk === 0 || f.dstNwk === 0 || f.profileId === ZDO_PROFILE) return; // the host logs coordinator traffic
    const src = ieeeOf(f.srcNwk);
    const dst = ieeeOf(f.dstNwk);
    // a frame between a DUT and the ESME node: the ESME plays the hub's part (`in`: DUT → ESME)
    const dir =
      src && duts.has(src) && dst === esme.ieee ? "in" : dst && duts.has(dst) && src === esme.ieee ? "out" : undefined;
    if (!dir) return;
    const hubEp = dir === "in" ? f.dstEp : f.srcEp;
    const meta: FrameMeta = {
      device: (dir === "in" ? src : dst)!,
      nwk: dir === "in" ? f.srcNwk : f.dstNwk,
      deviceEp: dir === "in" ? f.srcEp : f.dstEp,
      hubEp,
      role: hubEp === esme.endpoint ? "esme" : undefined,
      profileId: f.profileId,
      clusterId: f.clusterId,
      apsSecured: f.security === true,
    };
    evidence.append(zclEvent(dir, meta, f.payload, decodedOf(f.clusterId, f.payload)));
  });
}

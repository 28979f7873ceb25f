/**
 * A bench run's discovery evidence. Z-Stack answers a device's Match_Desc / Simple_Desc itself, so the host
 * asks it to pass those requests on (ZDO_MSG_CB_REGISTER, src/host/zdo-requests.ts) and each one from a DUT
 * becomes a DiscoveryEvent with the hub endpoints the coordinator advertises for it. The requests are read
 * with the project's one ZDO codec (src/virtual/han/zdo.ts); the answer is worked out from the hub's
 * endpoints as the coordinator's Match_Desc matching does it.
 */
import type { EvidenceSink } from "../evidence/log.js";
import type { ZdoRequestSeen } from "../host/zdo-requests.js";
import type { Hub } from "../hub/hub.js";
import type { SimpleDescriptor } from "../virtual/han/types.js";
import {
  type MatchDescReq,
  matchEndpoints,
  parseMatchDescReq,
  parseSimpleDescReq,
  ZdoCluster,
} from "../virtual/han/zdo.js";
import { SE_PROFILE_ID } from "../zcl/index.js";

/** The ZDO requests the recorder asks the coordinator to pass on. */
export const DISCOVERY_REQUESTS = [ZdoCluster.MATCH_DESC_REQ, ZdoCluster.SIMPLE_DESC_REQ];

export interface DiscoveryRecorderOptions {
  hub: Hub;
  evidence: EvidenceSink;
  /** IEEE addresses of the devices under test: requests of other devices are not recorded. */
  duts: ReadonlySet<string>;
  /** The coordinator's IEEE address (the responder), when known. */
  responder: () => string;
}

function parsed<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined; // a body shorter than its fields
  }
}

/** The handler for the requests `watchZdoRequests` reports (with the sender's IEEE address, if known). */
export function discoveryRecorder(
  opts: DiscoveryRecorderOptions,
): (r: ZdoRequestSeen & { ieee: string | undefined }) => void {
  const { hub, evidence, duts } = opts;
  const descriptors = (): SimpleDescriptor[] =>
    hub.hubEndpoints().map((e) => ({
      endpoint: e.endpoint,
      profileId: SE_PROFILE_ID,
      deviceId: e.deviceId,
      deviceVersion: 0,
      inClusters: [...e.inClusters],
      outClusters: [...e.outClusters],
    }));
  return (r) => {
    if (!r.ieee || !duts.has(r.ieee)) return;
    const responder = opts.responder();
    if (r.clusterId === ZdoCluster.MATCH_DESC_REQ) {
      const req: MatchDescReq | undefined = parsed(() => parseMatchDescReq(r.body));
      const endpoints = req ? matchEndpoints(req, descriptors()) : [];
      evidence.append({ kind: "discovery", device: r.ieee, request: "matchDesc", endpoints, responder });
      return;
    }
    const ep = parsed(() => parseSimpleDescReq(r.body))?.endpoint;
    if (ep === undefined) return;
    const role = hub.roleOf(ep);
    evidence.append({
      kind: "discovery",
      device: r.ieee,
      request: "simpleDesc",
      endpoints: role ? [ep] : [],
      ...(role ? { clusters: hub.serverClusters(ep).inClusters } : {}),
      responder,
    });
  };
}

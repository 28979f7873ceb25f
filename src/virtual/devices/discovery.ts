/**
 * Service discovery of an SE client (domain.md §15): Match_Desc for the SE server clusters to the
 * coordinator and as a broadcast, Simple_Desc of each match, then the Metering MeteringDeviceType read to
 * tell the electricity meter (ESME) from the gas mirror on the Comms Hub (GPF).
 *
 * A GB Comms Hub serves the GPF on two endpoints (cot-suite.md "Actors and hub topology"): the ESI (Device
 * Management, Messaging, Price, Time; no Metering) and the gas mirror (Metering, Prepayment). A matched
 * endpoint without Metering is kept: it belongs to the GPF when its node carries a gas mirror or is the
 * coordinator (the Comms Hub), else to the meter of its node (the ESME's own Device Management).
 */
import type { EndpointRole } from "../../evidence/events.js";
import type { SeLink } from "./link.js";
import { ELECTRIC_METERING, MeteringAttr, SE_SERVER_CLUSTERS } from "./se-payloads.js";
import type { ReadRecord } from "../../hub/types.js";
import { ClusterId, decodeZcl, encodeZcl, SE_PROFILE_ID } from "../../zcl/index.js";
import { BROADCAST_RX_ON } from "../han/types.js";
import {
  ZdoCluster,
  ZdoStatus,
  matchDescReq,
  parseMatchDescRsp,
  parseSimpleDescRsp,
  simpleDescReq,
} from "../han/zdo.js";

export interface Server {
  role: EndpointRole;
  nwk: number;
  ep: number;
  /** Server clusters the endpoint advertises (Simple_Desc). */
  clusters: number[];
}

/** The SE server clusters a display looks for. */
const WANTED = [ClusterId.metering, ClusterId.deviceManagement];

/** The endpoint a device that skips discovery assumes: endpoint 1 of the coordinator, taken as the hub. */
const FIXED_ENDPOINT: Server = {
  role: "gpf",
  nwk: 0x0000,
  ep: 1,
  clusters: [...SE_SERVER_CLUSTERS],
};

export async function discoverServers(link: SeLink, discover: boolean): Promise<Server[]> {
  if (!discover) return [{ ...FIXED_ENDPOINT }];
  const found = new Map<string, { nwk: number; ep: number }>();
  for (const dst of [0x0000, BROADCAST_RX_ON]) {
    const body = matchDescReq({ nwkOfInterest: dst, profileId: SE_PROFILE_ID, inClusters: WANTED, outClusters: [] });
    for (const answer of await link.zdo(dst, ZdoCluster.MATCH_DESC_REQ, body)) {
      const rsp = parseMatchDescRsp(answer.body);
      if (rsp.status !== ZdoStatus.SUCCESS) continue;
      const nwk = dst === BROADCAST_RX_ON ? answer.srcNwk : rsp.nwk;
      for (const ep of rsp.endpoints) found.set(`${nwk}/${ep}`, { nwk, ep });
    }
  }
  const servers: Server[] = [];
  /** Endpoints without Metering, classified once every endpoint with Metering is known. */
  const others: { nwk: number; ep: number; clusters: number[] }[] = [];
  let tsn = 0x80;
  for (const { nwk, ep } of found.values()) {
    const [answer] = await link.zdo(nwk, ZdoCluster.SIMPLE_DESC_REQ, simpleDescReq(nwk, ep));
    if (!answer) continue;
    const desc = parseSimpleDescRsp(answer.body).descriptor;
    if (!desc || desc.profileId !== SE_PROFILE_ID || !WANTED.some((c) => desc.inClusters.includes(c))) continue;
    if (!desc.inClusters.includes(ClusterId.metering)) {
      others.push({ nwk, ep, clusters: desc.inClusters });
      continue;
    }
    const frame = encodeZcl(ClusterId.metering, {
      frameType: "global",
      direction: "clientToServer",
      disableDefaultResponse: false,
      tsn: tsn++,
      command: "read",
      payload: { attributes: [MeteringAttr.meteringDeviceType] },
    });
    const reply = await link.zcl({ nwk, ep }, ClusterId.metering, frame);
    if (!reply) continue;
    const rsp = decodeZcl(ClusterId.metering, reply);
    if (rsp.command !== "readRsp") continue;
    const rec = (rsp.payload.records as ReadRecord[]).find((r) => r.attrId === MeteringAttr.meteringDeviceType);
    if (rec?.status !== 0 || typeof rec.value !== "number") continue;
    servers.push({ role: rec.value === ELECTRIC_METERING ? "esme" : "gpf", nwk, ep, clusters: desc.inClusters });
  }
  for (const o of others) {
    const meters = servers.filter((s) => s.nwk === o.nwk).map((s) => s.role);
    const role: EndpointRole = meters.includes("gpf") || o.nwk === 0x0000 ? "gpf" : (meters[0] ?? "esme");
    servers.push({ role, ...o });
  }
  return servers;
}

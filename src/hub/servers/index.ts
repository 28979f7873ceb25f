/** The cluster servers of one hub endpoint role, keyed by cluster id. */
import type { EndpointRole } from "../types.js";
import { basicServer, timeServer } from "./basic-time.js";
import { deviceManagementServer } from "./device-management.js";
import { messagingServer } from "./messaging.js";
import { meteringServer } from "./metering.js";
import { prepaymentServer } from "./prepayment.js";
import { priceServer } from "./price.js";
import type { ClusterServer } from "./server.js";

export function serversFor(role: EndpointRole): Map<number, ClusterServer> {
  const list = [
    basicServer(),
    timeServer(),
    priceServer(role),
    meteringServer(role),
    messagingServer(),
    prepaymentServer(),
    deviceManagementServer(),
  ];
  return new Map(list.map((s) => [s.clusterId, s]));
}

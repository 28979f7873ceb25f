/** The cluster servers of one hub endpoint role, keyed by cluster id. */
import type { EndpointRole } from "../types.js";
import type { HubVariant } from "../variants.js";
import { basicServer, timeServer } from "./basic-time.js";
import { deviceManagementServer } from "./device-management.js";
import { messagingServer } from "./messaging.js";
import { meteringServer } from "./metering.js";
import { prepaymentServer } from "./prepayment.js";
import { priceServer } from "./price.js";
import type { ClusterServer } from "./server.js";

/** The servers of a meter's endpoint; its Device Management as the hub variant has it. */
export function serversFor(role: EndpointRole, variant?: HubVariant): Map<number, ClusterServer> {
  const list = [
    basicServer(),
    timeServer(),
    priceServer(role),
    meteringServer(role),
    messagingServer(),
    prepaymentServer(),
    deviceManagementServer(
      variant
        ? {
            carriesCot: variant.cotMeters.includes(role),
            control: variant.control[role],
            answersGetCot: variant.answersGetCot,
            noCotDate: variant.noCotDate,
          }
        : {},
    ),
  ];
  return new Map(list.map((s) => [s.clusterId, s]));
}

/** The cluster servers of one hub endpoint (layout.ts), keyed by cluster id. */
import type { EndpointPart } from "../layout.js";
import type { HubVariant } from "../variants.js";
import { basicServer, timeServer } from "./basic-time.js";
import { deviceManagementServer } from "./device-management.js";
import { messagingServer } from "./messaging.js";
import { meteringServer } from "./metering.js";
import { prepaymentServer } from "./prepayment.js";
import { priceServer } from "./price.js";
import type { ClusterServer } from "./server.js";

/**
 * The servers of an endpoint, its Device Management as the hub variant has it (cot-suite.md "Actors and hub
 * topology"): the GPF's ESI Basic, Time, Price, Messaging and Device Management (with `gas: false`, a home
 * without gas, Basic and Time only: the CHF's); its gas mirror Metering and Prepayment; the ESME Basic, Price,
 * Metering, Messaging, Prepayment and Device Management. Time is served by the hub alone.
 */
export function serversFor(
  part: EndpointPart,
  variant?: HubVariant,
  opts: { gas?: boolean } = {},
): Map<number, ClusterServer> {
  const role = part === "esme" ? "esme" : "gpf";
  const deviceManagement = () =>
    deviceManagementServer(
      variant
        ? {
            carriesCot: variant.cotMeters.includes(role),
            control: variant.control[role],
            answersGetCot: variant.answersGetCot,
            noCotDate: variant.noCotDate,
          }
        : {},
    );
  const list: ClusterServer[] =
    part === "esi"
      ? [
          basicServer(),
          timeServer(),
          ...(opts.gas === false ? [] : [priceServer(role), messagingServer(), deviceManagement()]),
        ]
      : part === "mirror"
        ? [meteringServer(role), prepaymentServer()]
        : [
            basicServer(),
            priceServer(role),
            meteringServer(role),
            messagingServer(),
            prepaymentServer(),
            deviceManagement(),
          ];
  return new Map(list.map((s) => [s.clusterId, s]));
}

/**
 * The hub's Smart Energy endpoints (cot-suite.md "Actors and hub topology"). The GPF is two endpoints on the
 * hub node: its **ESI** (Basic, Time, Price, Messaging, Device Management, and the CHF's Key Establishment)
 * and its **gas mirror** (Metering with MeteringDeviceType 0x80, Prepayment with the historical cost set).
 * The ESME is a node of its own; on a bench without a test meter its endpoint sits on the hub node
 * (single-dongle mode, a deviation the run reports).
 *
 * | layout | ESI | gas mirror | ESME (own node, or hub node in single-dongle mode) |
 * |---|---|---|---|
 * | `default` | 2 | 4 | 3 |
 * | `silabs` | 1 | 2 | 3 |
 *
 * `default` leaves endpoint 1 empty, so a device that skips service discovery is caught (COT-01);
 * `silabs` is what a Comms Hub built on Silicon Labs' GPF serves (`gas-proxy-function-config.h`: ESI 1,
 * mirror 2; domain-review.md W5), where a device fixed on endpoint 1 reaches the ESI, but no meter data.
 */
import type { EndpointRole } from "./types.js";

export const ENDPOINT_LAYOUTS = ["default", "silabs"] as const;
export type EndpointLayoutName = (typeof ENDPOINT_LAYOUTS)[number];

/** Which part of the hub an endpoint is. */
export type EndpointPart = "esi" | "mirror" | "esme";

/** The endpoint numbers of the parts. */
export interface EndpointNumbers {
  esi: number;
  mirror: number;
  esme: number;
}

const LAYOUTS: Record<EndpointLayoutName, EndpointNumbers> = {
  default: { esi: 2, mirror: 4, esme: 3 },
  silabs: { esi: 1, mirror: 2, esme: 3 },
};

/** The meter whose data a part serves: the ESI and the gas mirror are the GPF's. */
export const PART_ROLE: Record<EndpointPart, EndpointRole> = { esi: "gpf", mirror: "gpf", esme: "esme" };

/** SE device ids (SE 1.4 Table 5-1): Energy Service Interface 0x0500, Metering Device 0x0501. */
export const PART_DEVICE_ID: Record<EndpointPart, number> = { esi: 0x0500, mirror: 0x0501, esme: 0x0501 };

export function isEndpointLayoutName(name: string): name is EndpointLayoutName {
  return (ENDPOINT_LAYOUTS as readonly string[]).includes(name);
}

/** The endpoint numbers of a layout; a RangeError naming the layouts for any other name. */
export function endpointLayout(name: string): EndpointNumbers {
  if (!isEndpointLayoutName(name)) {
    throw new RangeError(`unknown endpoint layout '${name}' (one of ${ENDPOINT_LAYOUTS.join(", ")})`);
  }
  return { ...LAYOUTS[name] };
}

/** Refuses numbers outside 1..240 and two parts on one endpoint. */
export function checkEndpointNumbers(n: EndpointNumbers): void {
  for (const [part, ep] of Object.entries(n)) {
    if (!Number.isInteger(ep) || ep < 1 || ep > 240) throw new RangeError(`${part} endpoint ${ep} is not 1..240`);
  }
  const parts = Object.entries(n);
  for (const [i, [a, epA]] of parts.entries()) {
    const clash = parts.slice(i + 1).find(([, epB]) => epB === epA);
    if (clash) throw new RangeError(`the ${a} and ${clash[0]} endpoints must differ (both ${epA})`);
  }
}

/** One hub endpoint as the coordinator registers it and ZDO discovery shows it. */
export interface HubEndpoint {
  endpoint: number;
  part: EndpointPart;
  role: EndpointRole;
  deviceId: number;
  inClusters: readonly number[];
  outClusters: readonly number[];
}

/**
 * The hub's Smart Energy endpoints on the coordinator, so that ZDO discovery from a device (Match_Desc,
 * Simple_Desc, Active_EP) finds the GPF and the ESME with their server clusters.
 *
 * zstack registers the coordinator's endpoints with AF_REGISTER from the exported, mutable `Endpoints` table
 * of herdsman's z-stack adapter. herdsman has no public API to add endpoints or clusters, so this module
 * patches that table before `Controller.start()` (herdsman.md §13.1). The table is process-wide: the
 * patch always starts again from the table as herdsman shipped it, so starting several hosts in one process
 * (tests) does not pile entries up.
 *
 * ember registers the hub's endpoints from its own list, with its incoming filter hooked (ember-hooks.ts).
 * Other adapters are refused for Smart Energy (herdsman.md §13.2) unless the caller accepts the risk.
 */
import { Endpoints } from "zigbee-herdsman/dist/adapter/z-stack/adapter/endpoints.js";
import type { EndpointRole } from "../evidence/events.js";
import { SE_PROFILE_ID } from "../zcl/index.js";

/** SE device ids by meter, for an endpoint that names none: Energy Service Interface and Metering device. */
export const SE_DEVICE_ID: Record<EndpointRole, number> = { gpf: 0x0500, esme: 0x0501 };

export type AdapterType = "zstack" | "ember" | "deconz" | "zboss" | "zigate" | "zoh" | "ezsp";

export const ADAPTER_TYPES: readonly AdapterType[] = ["zstack", "ember", "deconz", "zboss", "zigate", "zoh", "ezsp"];

/** The adapters the host can serve Smart Energy on: z-stack (endpoints.ts) and ember (ember-hooks.ts). */
export type SeAdapter = "zstack" | "ember";

export function isSeAdapter(adapter: AdapterType): adapter is SeAdapter {
  return adapter === "zstack" || adapter === "ember";
}

/** Why an adapter cannot serve Smart Energy as it stands (herdsman.md §13.2). */
const ADAPTER_SE_PROBLEMS: Record<Exclude<AdapterType, SeAdapter>, string> = {
  ezsp: "the deprecated ezsp driver has fixed HA-profile endpoints and no way to register the hub's Smart Energy endpoints",
  deconz:
    "deconz has fixed HA-profile endpoints (no SE endpoint to discover) and matches responses on the HA profile only",
  zboss: "zboss has fixed HA-profile endpoints (no SE endpoint to discover) and rejects install codes",
  zigate: "zigate cannot register the hub's Smart Energy endpoints and rejects install codes",
  zoh: "zigbee-on-host has hard-coded HA-profile endpoints only (no SE endpoint to discover)",
};

/** An adapter that cannot serve the hub's Smart Energy endpoints, refused because the risk was not accepted. */
export class AdapterRiskError extends Error {
  override name = "AdapterRiskError";
  constructor(readonly adapter: Exclude<AdapterType, SeAdapter>) {
    super(
      `adapter '${adapter}' cannot serve the hub's Smart Energy endpoints: ${ADAPTER_SE_PROBLEMS[adapter]}; use a Z-Stack dongle (--adapter zstack) or a Silicon Labs one (--adapter ember), or accept the risk explicitly`,
    );
  }
}

/** Throws an AdapterRiskError (a one-line explanation) unless the adapter can serve SE or the risk is accepted. */
export function checkAdapterForSe(adapter: AdapterType, acceptRisk: boolean): void {
  if (isSeAdapter(adapter) || acceptRisk) return;
  throw new AdapterRiskError(adapter);
}

export interface SeEndpoint {
  role: EndpointRole;
  endpoint: number;
  /** SE device id of the Simple Descriptor (default SE_DEVICE_ID of the role). */
  deviceId?: number;
  /** Server (input) clusters advertised in the Simple Descriptor. */
  inClusters: readonly number[];
  /** Client (output) clusters advertised. */
  outClusters?: readonly number[];
}

type ZStackEndpoint = (typeof Endpoints)[number];

const SHIPPED: readonly ZStackEndpoint[] = Endpoints.map((e) => ({
  ...e,
  appinclusterlist: [...e.appinclusterlist],
  appoutclusterlist: [...e.appoutclusterlist],
}));

/**
 * Endpoints herdsman itself needs: 242 (Green Power). Endpoint 1 is herdsman's HA endpoint, from which it
 * sends what it sends by itself (interviews); the `silabs` layout puts the GPF's ESI there (src/hub/layout.ts),
 * as a Silicon Labs Comms Hub does, and herdsman's own frames then leave from an SE endpoint, as a real CH's do.
 */
const RESERVED = new Set([242]);

function checkEndpoint(ep: SeEndpoint): void {
  if (!Number.isInteger(ep.endpoint) || ep.endpoint < 1 || ep.endpoint > 240) {
    throw new RangeError(`${ep.role} endpoint ${ep.endpoint} is outside 1..240`);
  }
  if (RESERVED.has(ep.endpoint)) {
    throw new RangeError(`${ep.role} endpoint ${ep.endpoint} is reserved (herdsman's Green Power endpoint)`);
  }
}

/** Checks the hub's endpoints (1..240, not herdsman's own, one role each); returns their numbers. */
export function checkSeEndpoints(endpoints: readonly SeEndpoint[]): Set<number> {
  const numbers = new Set<number>();
  for (const ep of endpoints) {
    checkEndpoint(ep);
    if (numbers.has(ep.endpoint)) throw new RangeError(`endpoint ${ep.endpoint} is given twice`);
    numbers.add(ep.endpoint);
  }
  return numbers;
}

/**
 * Rewrites herdsman's zstack endpoint table: the shipped entries, with the hub's SE endpoints added (or
 * replacing a shipped entry of the same number). Returns the table as it will be registered.
 */
export function patchZStackEndpoints(endpoints: readonly SeEndpoint[]): readonly ZStackEndpoint[] {
  const numbers = checkSeEndpoints(endpoints);
  // herdsman's own SE endpoint (6, no clusters) would only be a decoy for a device browsing Active_EP
  // and Simple_Desc; the hub's endpoints replace it.
  const keep = (e: ZStackEndpoint) => !numbers.has(e.endpoint) && e.appprofid !== SE_PROFILE_ID;
  const table: ZStackEndpoint[] = SHIPPED.filter(keep).map((e) => ({
    ...e,
    appinclusterlist: [...e.appinclusterlist],
    appoutclusterlist: [...e.appoutclusterlist],
  }));
  for (const ep of endpoints) {
    const out = [...(ep.outClusters ?? [])];
    table.push({
      endpoint: ep.endpoint,
      appprofid: SE_PROFILE_ID,
      appdeviceid: ep.deviceId ?? SE_DEVICE_ID[ep.role],
      appdevver: 0,
      latencyreq: 0,
      appnuminclusters: ep.inClusters.length,
      appinclusterlist: [...ep.inClusters],
      appnumoutclusters: out.length,
      appoutclusterlist: out,
    });
  }
  Endpoints.splice(0, Endpoints.length, ...table);
  return Endpoints;
}

/** Puts herdsman's table back as shipped. */
export function restoreZStackEndpoints(): void {
  Endpoints.splice(0, Endpoints.length, ...SHIPPED.map((e) => ({ ...e })));
}

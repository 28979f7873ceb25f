/**
 * Shared set-up for hub tests: a hub on a SteppedClock, request contexts, and frame round trips. Every reply
 * is parsed by unmodified zigbee-herdsman (`Zcl.Frame.fromBuffer` with herdsmanClusters()), as the host's
 * peer would: a reply herdsman cannot parse, or whose header it reads differently, fails the test, and
 * Read Attributes records are taken from herdsman's parse rather than from our codec.
 */
import { Zcl } from "zigbee-herdsman";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { ServedEvent } from "../../src/evidence/events.js";
import { SteppedClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import type { EndpointRole, RequestContext } from "../../src/hub/types.js";
import type { HubVariantName } from "../../src/hub/variants.js";
import { decodeZcl, encodeZcl, herdsmanClusters, type ZclFrame } from "../../src/zcl/index.js";

/** A Wednesday, mid-morning: the current day, week and month are all partial. */
export const T0 = Date.parse("2026-03-04T10:15:00Z");
export const DEVICE = "0x00db1234567890a0";

export function makeHub(opts: { seed?: number; start?: number; variant?: HubVariantName } = {}) {
  const clock = new SteppedClock(opts.start ?? T0);
  const evidence = new EvidenceLog({ now: () => clock.now() });
  const hub = new Hub({
    clock,
    seed: opts.seed ?? 42,
    evidence,
    hubIeee: "0x00db1234567890a3",
    ...(opts.variant ? { variant: opts.variant } : {}),
  });
  return { clock, evidence, hub };
}

/**
 * A request to a meter's endpoint: the one that serves `clusterId` (the GPF's gas mirror for Metering and
 * Prepayment, its ESI for the rest), or without a cluster the meter's ESI / ESME endpoint.
 */
export function ctx(hub: Hub, role: EndpointRole, device = DEVICE, clusterId?: number): RequestContext {
  const hubEp = (clusterId === undefined ? undefined : hub.endpointFor(role, clusterId)) ?? hub.endpoints[role];
  return { device, nwk: 0x1234, deviceEp: 1, hubEp, role };
}

export function served(evidence: EvidenceLog): ServedEvent[] {
  return evidence.events.filter((e): e is typeof e & ServedEvent => e.kind === "served");
}

/** Encodes a client → server request, runs it through handleFrame and decodes the reply (if any). */
export function roundTrip(
  hub: Hub,
  role: EndpointRole,
  clusterId: number,
  req: {
    frameType?: "global" | "specific";
    command: string;
    payload?: Record<string, unknown>;
    tsn?: number;
    ddr?: boolean;
  },
): { bytes: Buffer | undefined; frame: ZclFrame | undefined; herdsman: Zcl.Frame | undefined } {
  const request = encodeZcl(clusterId, {
    frameType: req.frameType ?? "specific",
    direction: "clientToServer",
    disableDefaultResponse: req.ddr ?? false,
    tsn: req.tsn ?? 0x5a,
    command: req.command,
    payload: req.payload ?? {},
  });
  const bytes = hub.handleFrame(ctx(hub, role, DEVICE, clusterId), clusterId, request);
  if (!bytes) return { bytes, frame: undefined, herdsman: undefined };
  const herdsman = herdsmanDecode(clusterId, bytes);
  const frame = decodeZcl(clusterId, bytes);
  const h = herdsman.header;
  // global commands have herdsman's own names (discoverRsp); cluster commands ours, by herdsmanClusters()
  const name = (n: string) => (frame.frameType === "global" ? "" : n);
  const seen = [
    h.transactionSequenceNumber,
    h.commandIdentifier,
    h.frameControl.direction,
    name(herdsman.command.name),
  ];
  const ours = [frame.tsn, frame.commandId, frame.direction === "serverToClient" ? 1 : 0, name(frame.command)];
  if (seen.join() !== ours.join()) {
    throw new Error(`herdsman reads the reply as ${seen.join()}, our codec as ${ours.join()}`);
  }
  if (frame.frameType === "specific") {
    // every field herdsman can express (not a raw BUFFER of repeated records) must read the same
    for (const [k, v] of Object.entries(herdsman.payload as Record<string, unknown>)) {
      if (Buffer.isBuffer(v)) continue;
      const a = JSON.stringify(v);
      const b = JSON.stringify(frame.payload[k]);
      if (a !== b) throw new Error(`${frame.command}.${k}: herdsman reads ${a}, our codec ${b}`);
    }
  }
  return { bytes, frame, herdsman };
}

/** A reply as zigbee-herdsman parses it. */
export function herdsmanDecode(clusterId: number, bytes: Buffer): Zcl.Frame {
  const header = Zcl.Header.fromBuffer(bytes);
  if (!header) throw new Error(`herdsman cannot read the ZCL header of ${bytes.toString("hex")}`);
  return Zcl.Frame.fromBuffer(clusterId, header, bytes, herdsmanClusters());
}

export function readAttrs(hub: Hub, role: EndpointRole, clusterId: number, attributes: number[]) {
  const { bytes, frame, herdsman } = roundTrip(hub, role, clusterId, {
    frameType: "global",
    command: "read",
    payload: { attributes },
  });
  const parsed = herdsman!.payload as { attrId: number; status: number; dataType?: number; attrData?: unknown }[];
  const records = parsed.map((r) => ({
    attrId: r.attrId,
    status: r.status,
    ...(r.dataType === undefined ? {} : { type: r.dataType, value: r.attrData }),
  }));
  return { bytes: bytes!, frame: frame!, records, byId: new Map(records.map((r) => [r.attrId, r])) };
}

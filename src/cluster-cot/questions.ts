/**
 * The questions asked of a run's evidence, each defined once: the runner's waits ask them while the run goes
 * on (has every DUT queried the CoT yet?) and the cases ask the same ones for their verdicts, both over the
 * log's one EvidenceIndex. So the runner cannot stop waiting on a frame the verdict does not count.
 */
import type { EndpointRole, ZclEvent } from "../evidence/events.js";
import type { EvidenceIndex } from "../evidence/log-index.js";
import { readAttributeIds } from "../evidence/zcl-event.js";
import { attributeId, ClusterId, commandId, globalCommand } from "../zcl/index.js";

/** Device Management ChangeOfTenancyUpdateDateTime, the attribute a CoT query reads. */
export const ATTR_CHANGE_OF_TENANCY_UPDATE = attributeId(ClusterId.deviceManagement, "changeOfTenancyUpdateDateTime");
const GET_CHANGE_OF_TENANCY = commandId(ClusterId.deviceManagement, "clientToServer", "getChangeOfTenancy");
const DEFAULT_RSP = globalCommand("defaultRsp")!.id;

/**
 * A device → hub frame asking for CoT information (cot-suite.md COT-03/04): Read Attributes of Device
 * Management ChangeOfTenancyUpdateDateTime (0x0708/0x0200), or GetChangeOfTenancy, client → server.
 */
export function isCotQuery(z: ZclEvent): boolean {
  if (z.dir !== "in" || z.clusterId !== ClusterId.deviceManagement || z.direction !== "clientToServer") return false;
  if (z.frameType === "specific") return z.commandId === GET_CHANGE_OF_TENANCY;
  return readAttributeIds(z)?.includes(ATTR_CHANGE_OF_TENANCY_UPDATE) ?? false;
}

/** The device sent a CoT query (`isCotQuery`) at or after evidence `fromSeq`. */
export function hasQueriedCot(index: EvidenceIndex, device: string, fromSeq: number): boolean {
  return index.anySince("cot query", "zcl", device, fromSeq, isCotQuery);
}

/** A served figure of a period that was over when served: history, not a running value (today so far). */
export function isFinishedPeriod<E extends { t: string; period?: string; periodEnd?: string }>(
  e: E,
): e is E & { period: string; periodEnd: string } {
  return e.period !== undefined && e.periodEnd !== undefined && e.periodEnd <= e.t;
}

/**
 * The device has fetched history: for each meter that has served it consumption at or after evidence
 * `fromSeq`, a figure of a period that was complete when served (and starts at or after `fromIso`, when
 * given). Running values (today so far) come first in a display's poll and are no history.
 */
export function hasFetchedHistory(
  index: EvidenceIndex,
  device: string,
  fromIso: string | undefined,
  fromSeq: number,
): boolean {
  let complete = 0;
  for (const role of ["gpf", "esme"] as const) {
    const history = index.anySince(
      `history from ${role} of periods from ${fromIso ?? "any time"}`,
      "served",
      device,
      fromSeq,
      (e) =>
        e.role === role &&
        e.clusterId === ClusterId.metering &&
        isFinishedPeriod(e) &&
        (fromIso === undefined || e.period >= fromIso),
    );
    if (history) complete++;
    else if (
      index.anySince(
        `consumption from ${role}`,
        "served",
        device,
        fromSeq,
        (e) => e.role === role && e.clusterId === ClusterId.metering,
      )
    )
      return false;
  }
  return complete > 0;
}

/**
 * The device answered, at or after evidence `fromSeq`, a Messaging command the hub sent it (its Default
 * Response); with `role`, one sent from that meter's endpoint (the hub pushes a message from each meter).
 */
export function hasAcknowledgedMessage(
  index: EvidenceIndex,
  device: string,
  fromSeq: number,
  role?: EndpointRole,
): boolean {
  return index.anySince(
    role === undefined ? "message acknowledged" : `message acknowledged on ${role}`,
    "zcl",
    device,
    fromSeq,
    (e) =>
      e.dir === "in" &&
      e.clusterId === ClusterId.messaging &&
      e.frameType === "global" &&
      e.commandId === DEFAULT_RSP &&
      (role === undefined || e.role === role),
  );
}

/** The device finished its interview (successfully or not). */
export function isInterviewed(index: EvidenceIndex, device: string): boolean {
  return index.anySince("interviewed", "interview", device, 0, (e) => e.status !== "started");
}

/** The host installed a link key for the device on the coordinator (after key establishment). */
export function hasInstalledKey(index: EvidenceIndex, device: string): boolean {
  return index.anySince("link key installed", "ke", device, 0, (e) => e.step === "installed");
}

const KE_ENDS: ReadonlySet<string> = new Set(["installed", "install-failed", "terminate", "timeout", "refused"]);

/** The device's key establishment with the hub has ended (a key installed, a Terminate, a timeout). */
export function hasKeyOutcome(index: EvidenceIndex, device: string): boolean {
  return index.anySince("key establishment ended", "ke", device, 0, (e) => KE_ENDS.has(e.step));
}

/** A Terminate UNKNOWN_ISSUER (0x01) either way between the hub and the device: their CAs differ. */
export function hasIssuerMismatch(index: EvidenceIndex, device: string): boolean {
  return index.anySince(
    "issuer mismatch",
    "ke",
    device,
    0,
    (e) => (e.step === "terminate" || e.step === "refused") && e.status === 0x01,
  );
}

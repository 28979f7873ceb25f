/**
 * Questions the runner asks of the evidence while a run goes on (what the waits wait for).
 *
 * A wait asks the same question after every step of hub time, over a log that only grows: each answer is
 * remembered per log and question, and the next ask looks only at the events appended since (a "yes" stays
 * a "yes"). Asked of an array that is not append-only, the answers would be stale: the log never changes
 * what it already holds.
 */
import type { Evidence } from "../evidence/events.js";
import { attributeId, ClusterId } from "../zcl/index.js";

const CHANGE_OF_TENANCY_UPDATE = attributeId(ClusterId.deviceManagement, "changeOfTenancyUpdateDateTime");

interface Scan {
  /** Index of the next event to look at. */
  next: number;
  found: boolean;
}

const scans = new WeakMap<readonly Evidence[], Map<string, Scan>>();

/** Index of the first event with seq ≥ `fromSeq` (seqs increase along the log). */
function firstIndexFrom(events: readonly Evidence[], fromSeq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.seq < fromSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether any event at or after `fromSeq` matches, looking only at events not seen by the same question. */
function anySince(
  events: readonly Evidence[],
  question: string,
  fromSeq: number,
  match: (e: Evidence) => boolean,
): boolean {
  let byQuestion = scans.get(events);
  if (!byQuestion) {
    byQuestion = new Map();
    scans.set(events, byQuestion);
  }
  const key = `${question}@${fromSeq}`;
  let scan = byQuestion.get(key);
  if (!scan) {
    scan = { next: firstIndexFrom(events, fromSeq), found: false };
    byQuestion.set(key, scan);
  }
  if (scan.found) return true;
  for (let i = scan.next; i < events.length; i++) {
    if (match(events[i]!)) {
      scan.found = true;
      scan.next = i + 1;
      return true;
    }
  }
  scan.next = events.length;
  return false;
}

/** The device read 0x0708/0x0200 or sent GetChangeOfTenancy, at or after evidence `fromSeq`. */
export function hasQueriedCot(events: readonly Evidence[], device: string, fromSeq: number): boolean {
  return anySince(events, `cot-query ${device}`, fromSeq, (e) => {
    if (e.kind !== "zcl" || e.dir !== "in" || e.device !== device || e.clusterId !== ClusterId.deviceManagement)
      return false;
    if (e.frameType === "specific" && e.commandId === 0x00 && e.direction === "clientToServer") return true;
    return e.command === "read" && Array.isArray(e.payload) && e.payload.includes(CHANGE_OF_TENANCY_UPDATE);
  });
}

/** The hub served the device consumption of `tenancy`, at or after evidence `fromSeq`. */
export function hasFetchedConsumption(
  events: readonly Evidence[],
  device: string,
  tenancy: number,
  fromSeq: number,
): boolean {
  return anySince(
    events,
    `fetched ${device} ${tenancy}`,
    fromSeq,
    (e) => e.kind === "served" && e.device === device && e.tenancy === tenancy && e.clusterId === ClusterId.metering,
  );
}

/** The device answered, at or after evidence `fromSeq`, a Messaging command the hub sent it (its Default Response). */
export function hasAcknowledgedMessage(events: readonly Evidence[], device: string, fromSeq: number): boolean {
  return anySince(
    events,
    `message-ack ${device}`,
    fromSeq,
    (e) =>
      e.kind === "zcl" &&
      e.device === device &&
      e.clusterId === ClusterId.messaging &&
      e.dir === "in" &&
      e.commandId === 0x0b &&
      e.frameType === "global",
  );
}

/** The device finished its interview (successfully or not). */
export function isInterviewed(events: readonly Evidence[], device: string): boolean {
  return anySince(
    events,
    `interviewed ${device}`,
    0,
    (e) => e.kind === "interview" && e.device === device && e.status !== "started",
  );
}

/** Seq of the next event to be appended. */
export function nextSeq(events: readonly Evidence[]): number {
  return (events.at(-1)?.seq ?? 0) + 1;
}

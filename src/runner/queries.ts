/** Questions the runner asks of the evidence while a run goes on (what the waits wait for). */
import type { Evidence } from "../report/evidence.js";

const DEVICE_MANAGEMENT = 0x0708;
const METERING = 0x0702;
const CHANGE_OF_TENANCY_UPDATE = 0x0200;

/** The device read 0x0708/0x0200 or sent GetChangeOfTenancy, at or after evidence `fromSeq`. */
export function hasQueriedCot(events: readonly Evidence[], device: string, fromSeq: number): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.seq < fromSeq) break;
    if (e.kind !== "zcl" || e.dir !== "in" || e.device !== device || e.clusterId !== DEVICE_MANAGEMENT) continue;
    if (e.frameType === "specific" && e.commandId === 0x00 && e.direction === "clientToServer") return true;
    if (e.command === "read" && Array.isArray(e.payload) && e.payload.includes(CHANGE_OF_TENANCY_UPDATE)) return true;
  }
  return false;
}

/** The hub served the device consumption of `tenancy`, at or after evidence `fromSeq`. */
export function hasFetchedConsumption(
  events: readonly Evidence[],
  device: string,
  tenancy: number,
  fromSeq: number,
): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.seq < fromSeq) break;
    if (e.kind === "served" && e.device === device && e.tenancy === tenancy && e.clusterId === METERING) return true;
  }
  return false;
}

const MESSAGING = 0x0703;

/** The device answered, at or after evidence `fromSeq`, a Messaging command the hub sent it (its Default Response). */
export function hasAcknowledgedMessage(events: readonly Evidence[], device: string, fromSeq: number): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.seq < fromSeq) break;
    if (
      e.kind === "zcl" &&
      e.device === device &&
      e.clusterId === MESSAGING &&
      e.dir === "in" &&
      e.commandId === 0x0b
    ) {
      if (e.frameType === "global") return true;
    }
  }
  return false;
}

/** The device finished its interview (successfully or not). */
export function isInterviewed(events: readonly Evidence[], device: string): boolean {
  return events.some((e) => e.kind === "interview" && e.device === device && e.status !== "started");
}

/** Seq of the next event to be appended. */
export function nextSeq(events: readonly Evidence[]): number {
  return (events.at(-1)?.seq ?? 0) + 1;
}

import type { HeldValue, Holdings } from "../../../src/evidence/events.js";

/** Consumption values of periods that start before `t` (the previous occupier's, or straddling it). */
export function periodsBefore(h: Holdings, t: number): HeldValue[] {
  return h.consumption.filter((v) => Date.parse(v.period ?? "") < t);
}

/** Consumption values of periods that start at or after `t` (the new occupier's). */
export function periodsFrom(h: Holdings, t: number): HeldValue[] {
  return h.consumption.filter((v) => Date.parse(v.period ?? "") >= t);
}

/** The ids of the messages a device holds. */
export function messageIds(h: Holdings): Set<number> {
  return new Set(h.messages.map((m) => m.messageId));
}

/** Consumption values of past periods (those a display keeps as history). */
export function pastConsumption(h: Holdings): HeldValue[] {
  return h.consumption.filter((v) => !/^current/.test(v.item));
}

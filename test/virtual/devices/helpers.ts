import type { Holdings } from "../../../src/evidence/events.js";
import { tenancyOf } from "./fake-hub.js";

/** Tenancies of the consumption values a device holds. */
export function consumptionTenancies(h: Holdings): Set<number> {
  return new Set(h.consumption.map((v) => tenancyOf(v.value as number)));
}

export function messageTenancies(h: Holdings): Set<number> {
  return new Set(h.messages.map((m) => Math.floor(m.messageId / 1000)));
}

/** Consumption values of past periods (those a display keeps as history). */
export function pastConsumption(h: Holdings) {
  return h.consumption.filter((v) => !/^current/.test(v.item));
}

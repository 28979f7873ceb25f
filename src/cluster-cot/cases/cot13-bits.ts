/**
 * COT-13 Clears whatever the control bits (cot-suite.md "Cases", basis `interpretation`). The SECMP0056
 * Conclusions Report names historic consumption and Supplier messages as what a device clears, with no
 * condition on ProposedTenancyChangeControl bits (domain-review W1); the GB sample GCS09 carries 0x00000200
 * (bit 9 only) and ECS12 gives the ESME a date with no control value at all. hanbench reads the duty as
 * unconditional; the other reading (clear only what the bits name) is stated in every reason line with the
 * verdict it would give.
 *
 * Reads phase `bits-cot`: one CoT, GPF control 0x00000200 and ESME date only (plan.ts BITS_COT_CONTROLS),
 * probes `before-bits-cot` and `after-bits-cot` (at or after max(T, recorded) + the window). Pass: the DUT
 * held previous-occupier interval data or messages before and holds none of either (nor a due device
 * aggregate, nor a message held across T) after. Fail: something of the previous occupier is left. Held
 * nothing before: `inconclusive`.
 */
import type { EndpointRole } from "../../evidence/events.js";
import { type Attributed, type AttributedItem, listHeld, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { CLEAR_CONSUMER, CLEAR_SUPPLIER } from "../tenancy.js";
import {
  type CaseDef,
  control32,
  describeCots,
  isOutcome,
  needCots,
  needProbe,
  needProbeAfter,
  outcome,
} from "./case.js";
import type { CotSet } from "../view.js";

/** What a bits-only reading asks a meter's CoT to clear: interval data (bit 9), messages (bit 10). */
function namedByBits(set: CotSet, role: EndpointRole | undefined): { history: boolean; messages: boolean } {
  const cot = role ? set.byMeter[role] : undefined;
  const c = cot?.event.control ?? 0;
  return { history: (c & CLEAR_CONSUMER) !== 0, messages: (c & CLEAR_SUPPLIER) !== 0 };
}

/** The previous occupier's items left: interval data, due aggregates, messages held across T. */
function left(a: Attributed): AttributedItem[] {
  return [...previousOf(a, "consumption"), ...previousOf(a, "aggregates"), ...previousOf(a, "messages")];
}

/**
 * The verdict a bits-only reading would give: each meter's items are judged only where its CoT's bits name
 * them (a message, served by both meters, where either names messages).
 */
function bitsOnlyVerdict(set: CotSet, items: AttributedItem[]): "pass" | "fail" {
  const anyMessages = set.cots.some((c) => (c.event.control & CLEAR_SUPPLIER) !== 0);
  const due = items.filter((i) => (i.category === "messages" ? anyMessages : namedByBits(set, i.role).history));
  return due.length ? "fail" : "pass";
}

export const cot13: CaseDef = {
  id: "COT-13",
  title: "Clears whatever the control bits",
  basis: ["interpretation"],
  phases: [PHASE.bitsCot],
  evaluate(view) {
    const set = needCots(view, PHASE.bitsCot);
    if (isOutcome(set)) return set;
    const before = needProbe(view, PROBE.beforeBitsCot);
    if (isOutcome(before)) return before;
    const p = needProbeAfter(view, PROBE.afterBitsCot, set);
    if (isOutcome(p)) return p;
    const controls = set.cots.map((c) => `${c.meter.toUpperCase()} ${control32(c.event.control)}`).join(", ");
    const had = left(view.attributed(before, set.ts)).length;
    if (had === 0) {
      return outcome(
        "inconclusive",
        `before-bits-cot probe seq ${before.seq} holds no interval data or message of the previous occupier: nothing to see cleared; ${describeCots(set)}`,
        [before.seq, set.first.event.seq],
      );
    }
    const items = left(view.attributed(p, set.ts));
    const other = bitsOnlyVerdict(set, items);
    const reading = `a bits-only reading (clear only what ${controls} names: bit 9 interval data, bit 10 messages) would give ${other}`;
    if (items.length) {
      return outcome(
        "fail",
        `after-bits-cot probe seq ${p.seq} still holds ${items.length} item(s) of the previous occupier (${listHeld(items)}) after control ${controls}; ${reading}; ${describeCots(set)}`,
        [p.seq, set.first.event.seq, ...items.slice(0, 3).flatMap((i) => i.served.slice(0, 1))],
      );
    }
    return outcome(
      "pass",
      `after-bits-cot probe seq ${p.seq} holds no interval data, aggregate or message of the previous occupier (${had} before, seq ${before.seq}) after control ${controls}; ${reading}; ${describeCots(set)}`,
      [before.seq, set.first.event.seq, p.seq],
    );
  },
};

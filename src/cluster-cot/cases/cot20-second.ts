/**
 * COT-20 A second CoT (cot-suite.md "Cases"): a home changes hands again. A later CoT (T2 > T1) is acted on as
 * the first was: what the DUT held of the occupier before T2 goes, even though the DUT already cleared once.
 *
 * Reads phase `second-cot`: a CoT per meter recorded now, after the main CoT (phase `cot`) and the new
 * occupier's data; probes `before-second-cot` and `after-second-cot` (at or after max(T2, recorded) + the
 * window). Pass: the DUT held interval data or a message of periods before T2 at the first probe and holds
 * none of either (nor a due aggregate, nor a message held across T2) at the second. Fail: something is left.
 * No main CoT, T2 not after T1, or nothing held before T2: `inconclusive`.
 */
import { type Attributed, type AttributedItem, listHeld, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { type CaseDef, describeCots, isOutcome, needCots, needProbe, needProbeAfter, outcome } from "./case.js";

/** What a clear leaves of the occupier before T: interval data, due aggregates, messages held across T. */
function left(a: Attributed): AttributedItem[] {
  return [...previousOf(a, "consumption"), ...previousOf(a, "aggregates"), ...previousOf(a, "messages")];
}

export const cot20: CaseDef = {
  id: "COT-20",
  title: "A second CoT",
  basis: ["gb"],
  phases: [PHASE.secondCot],
  evaluate(view) {
    const first = needCots(view, PHASE.cot);
    if (isOutcome(first)) return first;
    const set = needCots(view, PHASE.secondCot);
    if (isOutcome(set)) return set;
    const t1 = Math.max(...first.cots.map((c) => c.implementationMs));
    const t2 = Math.min(...set.cots.map((c) => c.implementationMs));
    if (!(t2 > t1)) {
      return outcome(
        "inconclusive",
        `the second CoT (${describeCots(set)}) is not dated after the first (${describeCots(first)})`,
        [first.first.event.seq, set.first.event.seq],
      );
    }
    const before = needProbe(view, PROBE.beforeSecondCot);
    if (isOutcome(before)) return before;
    const p = needProbeAfter(view, PROBE.afterSecondCot, set);
    if (isOutcome(p)) return p;
    const had = left(view.attributed(before, set.ts)).length;
    if (had === 0) {
      return outcome(
        "inconclusive",
        `before-second-cot probe seq ${before.seq} holds nothing of periods before the second CoT's T: nothing to see cleared; ${describeCots(set)}`,
        [before.seq, set.first.event.seq],
      );
    }
    const items = left(view.attributed(p, set.ts));
    if (items.length) {
      return outcome(
        "fail",
        `after-second-cot probe seq ${p.seq} still holds ${items.length} item(s) of the occupier before the second CoT (${listHeld(items)}); first ${describeCots(first)}, second ${describeCots(set)}`,
        [p.seq, set.first.event.seq, ...items.slice(0, 3).flatMap((i) => i.served.slice(0, 1))],
      );
    }
    return outcome(
      "pass",
      `after-second-cot probe seq ${p.seq} holds nothing of periods before the second CoT's T (${had} item(s) before, seq ${before.seq}); first ${describeCots(first)}, second ${describeCots(set)}`,
      [first.first.event.seq, before.seq, set.first.event.seq, p.seq],
    );
  },
};

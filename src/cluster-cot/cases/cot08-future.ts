/**
 * COT-08 Honours a future implementation time (cot-suite.md "Cases"; basis ZSE: a GB GPF discards a
 * future-dated GCS09, domain-review W3, so on a GB CH only the ESME can show one). A CoT carries an
 * Implementation Date/Time (PublishChangeOfTenancy, domain.md §3.5); the reference client enacts it only
 * once `now >= implementationDateTime` and otherwise schedules it (domain.md §1.4). The new occupier has not
 * moved in before that time, so the previous occupier's data stays.
 *
 * Reads phase `future-cot` (a CoT per meter, each with its T). What the DUT held at `before-future-cot` of
 * the previous occupier (relative to those T: interval data, aggregates, messages) is the reference.
 * Fail: an item of it is gone at `before-implementation` (taken once the DUT has queried the CoT: cleared
 * early, even if it fetched its running values again), or none of those categories is empty of the previous
 * occupier's at `after-implementation` (never acted; whether it cleared everything is COT-05/06's business).
 * Inconclusive: no reference data, probes on the wrong side of the implementation times, or the DUT had
 * not queried the CoT before the `before-implementation` probe (nothing was tested). COT-02 not met:
 * inconclusive.
 */
import { listHeld, lostItems, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ms } from "../view.js";
import {
  CLEARED,
  type CaseDef,
  countsOf,
  describeCots,
  heldCategories,
  hours,
  isOutcome,
  names,
  needCot02,
  needCots,
  needProbe,
  outcome,
} from "./case.js";

export const cot08: CaseDef = {
  id: "COT-08",
  title: "Honours a future implementation time",
  basis: ["zse"],
  phases: [PHASE.futureCot],
  needs: ["COT-02"],
  evaluate(view, prior) {
    const dep = needCot02(prior);
    if (dep) return dep;
    const set = needCots(view, PHASE.futureCot);
    if (isOutcome(set)) return set;
    const c = set.first.event.seq;
    const impl = Math.min(...set.cots.map((x) => x.implementationMs));
    const last = Math.max(...set.cots.map((x) => x.implementationMs));
    const implText = new Date(impl).toISOString();
    if (set.cots.some((x) => x.implementationMs <= x.recordedMs)) {
      return outcome("inconclusive", `${describeCots(set)}: not every CoT is dated ahead`, [c]);
    }
    const ref = needProbe(view, PROBE.beforeFutureCot);
    if (isOutcome(ref)) return ref;
    const refHeld = view.attributed(ref, set.ts);
    const cats = heldCategories(refHeld, CLEARED);
    if (cats.length === 0) {
      return outcome(
        "inconclusive",
        `probe seq ${ref.seq} before CoT seq ${c} holds no data of periods before T to keep`,
        [ref.seq, c],
      );
    }
    const before = needProbe(view, PROBE.beforeImplementation);
    if (isOutcome(before)) return before;
    const after = needProbe(view, PROBE.afterImplementation);
    if (isOutcome(after)) return after;
    if (ms(before) >= impl || ms(after) < last) {
      return outcome(
        "inconclusive",
        `probes seq ${before.seq} / ${after.seq} are not either side of the implementation times (${describeCots(set)})`,
        [before.seq, after.seq, c],
      );
    }
    const b = view.attributed(before, set.ts);
    const early = cats.flatMap((cat) => lostItems(refHeld, b, cat, "previous"));
    if (early.length) {
      return outcome(
        "fail",
        `before-implementation probe seq ${before.seq} (${hours(impl - ms(before))} before ${implText}, CoT seq ${c}) no longer holds ${early.length} item(s) held at seq ${ref.seq}: ${listHeld(early)}`,
        [ref.seq, c, before.seq],
      );
    }
    const a = view.attributed(after, set.ts);
    const cleared = cats.filter((cat) => previousOf(a, cat).length === 0);
    if (cleared.length === 0) {
      return outcome(
        "fail",
        `after-implementation probe seq ${after.seq} (${hours(ms(after) - last)} after the last T, ${describeCots(set)}) still holds ${countsOf(a, cats)} of the previous occupier`,
        [c, after.seq],
      );
    }
    const q = view.cotQueries({ afterSeq: c, beforeSeq: before.seq })[0];
    if (!q) {
      return outcome(
        "inconclusive",
        `the DUT did not query the CoT between seq ${c} and before-implementation probe seq ${before.seq}, so keeping the data tested nothing`,
        [c, before.seq],
      );
    }
    return outcome(
      "pass",
      `${names(cats)} kept until ${implText} (query seq ${q.seq}, probe seq ${before.seq}) and ${names(cleared)} cleared after (probe seq ${after.seq}); ${describeCots(set)}`,
      [c, q.seq, before.seq, after.seq],
    );
  },
};

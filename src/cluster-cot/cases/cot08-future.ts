/**
 * COT-08 Honours a future implementation time (cot-suite.md "Cases"). A CoT carries an Implementation
 * Date/Time (PublishChangeOfTenancy, domain.md §3.5); the reference client enacts it only once
 * `now >= implementationDateTime` and otherwise schedules it (domain.md §1.4). The new occupier has not
 * moved in before that time, so the previous occupier's data stays.
 *
 * Reads phase `future-cot`. The categories the CoT's control clears that the DUT held of the outgoing
 * tenancy at `before-future-cot` are the reference.
 * Fail: an item of them held at `before-future-cot` is gone at `before-implementation` (taken once the DUT
 * has queried the CoT: cleared early, even if it fetched its running values again), or none of those
 * categories is empty of the outgoing tenancy at `after-implementation` (never acted; whether it cleared
 * everything is COT-05/06's business).
 * Inconclusive: no reference data, probes on the wrong side of the implementation time, or the DUT had
 * not queried the CoT before the `before-implementation` probe (nothing was tested). COT-02 not met:
 * inconclusive.
 */
import { heldOf, listHeld, lostItems } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ms } from "../view.js";
import {
  type CaseDef,
  clearedCategories,
  countsOf,
  heldCategories,
  hours,
  isOutcome,
  needCot,
  needCot02,
  names,
  needProbe,
  outcome,
} from "./case.js";

export const cot08: CaseDef = {
  id: "COT-08",
  title: "Honours a future implementation time",
  phases: [PHASE.futureCot],
  evaluate(view, prior) {
    const dep = needCot02(prior);
    if (dep) return dep;
    const cot = needCot(view, PHASE.futureCot);
    if (isOutcome(cot)) return cot;
    const c = cot.event.seq;
    const impl = cot.implementationMs;
    if (impl <= ms(cot.event)) {
      return outcome(
        "inconclusive",
        `CoT seq ${c} is not dated ahead (implementation ${cot.event.implementationTime})`,
        [c],
      );
    }
    const ref = needProbe(view, PROBE.beforeFutureCot);
    if (isOutcome(ref)) return ref;
    const cats = heldCategories(view.attributed(ref), clearedCategories(cot.event.control), cot.from);
    if (cats.length === 0) {
      return outcome(
        "inconclusive",
        `probe seq ${ref.seq} before CoT seq ${c} holds no tenancy-${cot.from} data to keep`,
        [ref.seq, c],
      );
    }
    const before = needProbe(view, PROBE.beforeImplementation);
    if (isOutcome(before)) return before;
    const after = needProbe(view, PROBE.afterImplementation);
    if (isOutcome(after)) return after;
    if (ms(before) >= impl || ms(after) < impl) {
      return outcome(
        "inconclusive",
        `probes seq ${before.seq} / ${after.seq} are not either side of the implementation time ${cot.event.implementationTime}`,
        [before.seq, after.seq, c],
      );
    }
    const refHeld = view.attributed(ref);
    const b = view.attributed(before);
    const early = cats.flatMap((cat) => lostItems(refHeld, b, cat, cot.from));
    if (early.length) {
      return outcome(
        "fail",
        `before-implementation probe seq ${before.seq} (${hours(impl - ms(before))} before ${cot.event.implementationTime}, CoT seq ${c}) no longer holds ${early.length} tenancy-${cot.from} item(s) held at seq ${ref.seq}: ${listHeld(early)}`,
        [ref.seq, c, before.seq],
      );
    }
    const a = view.attributed(after);
    const cleared = cats.filter((cat) => heldOf(a, cat, cot.from).length === 0);
    if (cleared.length === 0) {
      return outcome(
        "fail",
        `after-implementation probe seq ${after.seq} (${hours(ms(after) - impl)} after ${cot.event.implementationTime}, CoT seq ${c}) still holds ${countsOf(a, cats, cot.from)} of tenancy ${cot.from}`,
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
      `tenancy-${cot.from} ${names(cats)} kept until ${cot.event.implementationTime} (query seq ${q.seq}, probe seq ${before.seq}) and ${names(cleared)} cleared after (probe seq ${after.seq})`,
      [c, q.seq, before.seq, after.seq],
    );
  },
};

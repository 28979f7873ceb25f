/**
 * COT-14 Back-dated CoT (cot-suite.md "Cases", basis `gb`). In GB a supplier usually learns of a move after
 * the fact, so the CoT date it sends (SR 3.2: GCS09 on the GPF, ECS12 "Restrict Data Date Time" on the ESME) is
 * often in the past (domain-review M1). What the device holds of periods before that T is the previous
 * occupier's and goes; what it holds of periods after T is the new occupier's and is reported, not judged.
 *
 * Reads phases `late-join` and `back-dated` (plan.ts BACK_DATED_COTS): DUTs reset to factory settings join
 * after a CoT with T across a DST change (probe `after-late-join`: they must hold nothing before it, having
 * never held it), then a correction moves T earlier than any history the meters serve, and CoTs move it to
 * about 45 (on the ESME only), 10 (on the GPF only) and 1 days back (on both), each followed by its wait and
 * probe `back-dated-<name>`: a T per meter, the two one-meter CoTs shared with COT-15. A one-meter CoT is judged
 * for a DUT that queried that meter after it: one that never looks at the ESME (profile `gpf-only`) fails COT-04
 * for it, and COT-14 judges it by the CoTs it can see (the 1 day on both meters). Each CoT is judged
 * against the probe before it: what the DUT held then of periods before the new T (interval data, a due
 * device aggregate) must be gone at its own probe (taken a detection window after
 * it where there is something to clear). Fail: something of periods before a T is left. Pass: nothing left
 * anywhere, and at least one CoT had something to clear. Nothing held before any T, or a probe missing:
 * `inconclusive`.
 */
import { type Attributed, type AttributedItem, itemsOn, listHeld, previousOf } from "../attribution.js";
import { BACK_DATED_COTS, BACK_DATED_WAITS, backDatedProbe, PHASE } from "../plan.js";
import type { Probe } from "../view.js";
import { type CaseDef, isOutcome, needProbe, needProbeAfter, outcome } from "./case.js";

/**
 * What a clear leaves of periods before T: interval data and due device aggregates. (Supplier messages are
 * judged where a CoT is recorded as it happens: COT-06, COT-13, COT-20.)
 */
function left(a: Attributed): AttributedItem[] {
  return [...previousOf(a, "consumption"), ...previousOf(a, "aggregates")];
}

export const cot14: CaseDef = {
  id: "COT-14",
  title: "Back-dated CoT",
  basis: ["gb"],
  phases: [PHASE.lateJoin, PHASE.backDated],
  // a correction that leaves nothing to clear: what the DUT does once it has queried it is all there is to probe
  waits: BACK_DATED_WAITS,
  evaluate(view) {
    const sets = [...view.cotSetsIn(PHASE.lateJoin).slice(-1), ...view.cotSetsIn(PHASE.backDated)];
    if (sets.length < BACK_DATED_COTS.length) {
      return outcome(
        "inconclusive",
        `${sets.length} of the ${BACK_DATED_COTS.length} back-dated CoTs recorded in phases late-join and back-dated`,
        sets.map((s) => s.first.event.seq),
      );
    }
    const parts: string[] = [];
    const failed: string[] = [];
    const evidence: number[] = [];
    let cleared = 0;
    let before: Probe | undefined;
    for (const [i, spec] of BACK_DATED_COTS.entries()) {
      const set = sets[i]!;
      const purpose = backDatedProbe(spec.name);
      // the first is probed once the DUTs that joined after it have fetched, a correction with nothing to clear
      // once each has queried it; the others when their clear is due
      const p = i === 0 || "nothingToClear" in spec ? needProbe(view, purpose) : needProbeAfter(view, purpose, set);
      if (isOutcome(p)) return p;
      const t = new Date(Math.min(...set.cots.map((c) => c.implementationMs))).toISOString();
      const on = set.cots.map((c) => c.meter.toUpperCase()).join(" and ");
      // a one-meter CoT in a home whose two meters carry one: judged when the DUT looked at that meter after it
      const oneMeter = set.cots.length < view.variant.cotMeters.length;
      if (
        oneMeter &&
        view.cotQueries({ role: set.first.meter, afterSeq: set.first.event.seq, beforeSeq: p.seq }).length === 0
      ) {
        evidence.push(set.first.event.seq, p.seq);
        parts.push(
          `${spec.name} on the ${on} (CoT seq ${set.first.event.seq}, T ${t}; probe seq ${p.seq}): not judged, no CoT query on the ${on} after it (COT-03/04 judge the queries)`,
        );
        before = p;
        continue;
      }
      const had = before ? left(view.attributed(before, set.ts)).length : 0;
      const a = view.attributed(p, set.ts);
      const items = left(a);
      const kept = itemsOn(a, "consumption", "new").length;
      evidence.push(set.first.event.seq, p.seq);
      parts.push(
        `${spec.name} on the ${on} (CoT seq ${set.first.event.seq}, T ${t}; probe seq ${p.seq}): ${had} → ${items.length} before T, ${kept} after T held`,
      );
      if (items.length) {
        failed.push(`${spec.name} leaves ${items.length} (${listHeld(items, 1)})`);
        evidence.push(...items.slice(0, 2).flatMap((x) => x.served.slice(0, 1)));
      } else if (had > 0) cleared++;
      before = p;
    }
    if (failed.length) {
      return outcome(
        "fail",
        `data of periods before T left after back-dated CoTs: ${failed.join("; ")} — ${parts.join("; ")}`,
        evidence,
      );
    }
    if (cleared === 0) {
      return outcome(
        "inconclusive",
        `held nothing of periods before T at any back-dated CoT: nothing to see cleared — ${parts.join("; ")}`,
        evidence,
      );
    }
    return outcome(
      "pass",
      `cleared data of periods before T at ${cleared} back-dated CoT(s), nothing before T left at any — ${parts.join("; ")}`,
      evidence,
    );
  },
};

/**
 * COT-16 No clearing after a restart (cot-suite.md "Cases", basis `gb`). A CoT is acted on once (domain.md §3.5):
 * a device that keeps what it acted on only in RAM clears the new occupier's data again after every restart,
 * a common real failure that COT-09's re-reads do not show (domain-review M3). After acting on a CoT, with that
 * CoT unchanged, a hub restart, a DUT power cycle and a DUT leave/rejoin must clear nothing of the new tenancy's
 * data.
 *
 * Reads phases `restart` and `back-dated` (plan.ts `restartSteps`), the same way in each: probe `before-restart`
 * (`before-restart-back-dated`: the new occupier's data delivered), the `restart` events of the hub and of this
 * DUT (power cycle, leave and rejoin), and probe `after-restart` (`after-restart-back-dated`), taken once the DUT
 * has queried the CoT again (at most a window later). New-tenancy items are attributed against the CoT in force:
 * the last one recorded before the first probe (one per meter; in phase `back-dated`, the CoT with T a day back).
 * Pass: at both, every item of the new occupier (interval data, supplier messages) held before the restarts is
 * held after them. Fail: some are gone at either (the reason names which). `inconclusive` (when neither fails):
 * a restart is not on record (a bench without a terminal to ask the operator), a CoT was recorded or reset
 * between the probes (the CoT did not stay unchanged), the DUT held no new-tenancy data before, or a probe is
 * missing.
 */
import type { Evidence, RestartEvent } from "../../evidence/events.js";
import { type Category, itemsOn, listHeld, lostItems } from "../attribution.js";
import { BACK_DATED_WAITS, PHASE, PROBE } from "../plan.js";
import { cotSets } from "../view.js";
import type { DutView } from "../view.js";
import { CATEGORY_LABEL, type CaseDef, describeCots, isOutcome, needProbe, type Outcome, outcome } from "./case.js";

const WHAT: Record<RestartEvent["what"], string> = {
  hub: "hub restart",
  "power-cycle": "power cycle",
  "leave-rejoin": "leave and rejoin",
};

/** The restarts after the DUTs acted on a CoT: the restart phase's (the main line's CoTs) and the back-dated one's. */
const PAIRS = [
  { after: "the main line's CoTs", before: PROBE.beforeRestart, probe: PROBE.afterRestart },
  { after: "a back-dated CoT", before: PROBE.beforeRestartBackDated, probe: PROBE.afterRestartBackDated },
] as const;

export const cot16: CaseDef = {
  id: "COT-16",
  title: "No clearing after a restart",
  basis: ["gb"],
  phases: [PHASE.restart, PHASE.backDated],
  // it reads none of the back-dated CoTs' probes: the correction with nothing to clear ends at each DUT's query as
  // COT-14 has it, the others keep their whole window for COT-14 (the DUT acts on the 1-day CoT before the restarts)
  waits: BACK_DATED_WAITS,
  evaluate(view) {
    const each = PAIRS.map((pair) => ({ pair, o: judgeRestarts(view, pair.before, pair.probe) }));
    const worst = each.find((e) => e.o.verdict === "fail") ?? each.find((e) => e.o.verdict !== "pass");
    const reason = each.map((e) => `after ${e.pair.after}: ${e.o.reason}`).join("; ");
    return outcome(worst?.o.verdict ?? "pass", reason, [...new Set(each.flatMap((e) => e.o.evidence ?? []))]);
  },
};

/** The restarts between probes `beforePurpose` and `afterPurpose`, judged. */
function judgeRestarts(view: DutView, beforePurpose: string, afterPurpose: string): Outcome {
  const before = needProbe(view, beforePurpose);
  if (isOutcome(before)) return before;
  const set = cotSets(
    view.cots.filter((c) => c.event.seq < before.seq),
    view.variant.cotMeters,
  ).at(-1);
  if (!set) return outcome("inconclusive", `no CoT recorded before the ${beforePurpose} probe seq ${before.seq}`);
  const after = needProbe(view, afterPurpose);
  if (isOutcome(after)) return after;
  const between = (e: Evidence) => e.seq > before.seq && e.seq < after.seq;
  const restarts = view.restarts().filter(between);
  const missing = (["hub", "power-cycle", "leave-rejoin"] as const).filter((w) => !restarts.some((r) => r.what === w));
  if (missing.length) {
    return outcome(
      "inconclusive",
      `no record of the ${missing.map((w) => WHAT[w]).join(", ")} between probes seq ${before.seq} and ${after.seq}`,
      [before.seq, after.seq, ...restarts.map((r) => r.seq)],
    );
  }
  const changed = view.firstCotChange(before.seq, after.seq);
  if (changed) {
    return outcome(
      "inconclusive",
      `the CoT did not stay unchanged: ${changed.kind} seq ${changed.seq} between probes seq ${before.seq} and ${after.seq}`,
      [before.seq, changed.seq, after.seq],
    );
  }
  const cats: Category[] = ["consumption", "messages"];
  const a0 = view.attributed(before, set.ts);
  const held = cats.filter((cat) => itemsOn(a0, cat, "new").length > 0);
  if (held.length === 0) {
    return outcome(
      "inconclusive",
      `${beforePurpose} probe seq ${before.seq} holds no data of the new occupier that a restart could clear`,
      [before.seq],
    );
  }
  const a1 = view.attributed(after, set.ts);
  const lost = held.flatMap((cat) => lostItems(a0, a1, cat, "new"));
  const sequence = restarts.map((r) => `${WHAT[r.what]} seq ${r.seq}`).join(", ");
  const first = restarts[0]!.seq;
  const queries = view.cotQueries({ afterSeq: first, beforeSeq: after.seq });
  const queried = `${queries.length} CoT quer${queries.length === 1 ? "y" : "ies"} after them${queries[0] ? ` (first seq ${queries[0].seq})` : ""}`;
  if (lost.length) {
    return outcome(
      "fail",
      `${afterPurpose} probe seq ${after.seq} no longer holds ${lost.length} item(s) of the new occupier held at seq ${before.seq} (${listHeld(lost)}) after the ${sequence}, the CoT unchanged (${describeCots(set)}); ${queried}`,
      [before.seq, ...restarts.map((r) => r.seq), queries[0]?.seq, after.seq],
    );
  }
  const counts = held.map((cat) => `${itemsOn(a1, cat, "new").length} ${CATEGORY_LABEL[cat]}`).join(", ");
  return outcome(
    "pass",
    `${afterPurpose} probe seq ${after.seq} still holds ${counts} of the new occupier after the ${sequence}, the CoT unchanged (${describeCots(set)}); ${queried}`,
    [before.seq, ...restarts.map((r) => r.seq), queries[0]?.seq, after.seq],
  );
}

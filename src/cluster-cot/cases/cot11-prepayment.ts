/**
 * COT-11 Prepayment data (information) (cot-suite.md "Cases", "Background"): top-up history and
 * debt-recovery information were asked for by one respondent and left out of SECMP0056's requirement
 * (domain.md §1.3), so the suite reports what a PPMID did with them and never fails on it.
 *
 * Info: per category, the entries dated before the main CoT's T at `baseline` and at `after-cot`, for a
 * PPMID and for an IHD alike (an IHD may show prepayment data too; one that holds none is reported as such).
 * Missing probes: `inconclusive`.
 */
import { type Category, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { type CaseDef, describeCots, isOutcome, needCots, needProbe, outcome } from "./case.js";

const LABEL: Record<string, string> = { topUps: "top-up history", debts: "debt recovery" };

export const cot11: CaseDef = {
  id: "COT-11",
  title: "Prepayment data (information)",
  basis: ["gb"],
  phases: [PHASE.baseline, PHASE.observe],
  evaluate(view) {
    const set = needCots(view, PHASE.cot);
    if (isOutcome(set)) return set;
    const base = needProbe(view, PROBE.baseline);
    if (isOutcome(base)) return base;
    const after = needProbe(view, PROBE.afterCot);
    if (isOutcome(after)) return after;
    const b = view.attributed(base, set.ts);
    const a = view.attributed(after, set.ts);
    const parts = (["topUps", "debts"] as Category[]).map((cat) => {
      const n = previousOf(b, cat).length;
      const m = previousOf(a, cat).length;
      const state = n === 0 ? "none held" : m === 0 ? `cleared (${n} → 0)` : `kept (${n} → ${m})`;
      return `${LABEL[cat]}: ${state}`;
    });
    return outcome(
      "info",
      `${view.dut.kind.toUpperCase()}, dated before T, probes seq ${base.seq} → ${after.seq} (${describeCots(set)}): ${parts.join("; ")}`,
      [base.seq, set.first.event.seq, after.seq],
    );
  },
};

/**
 * COT-11 Prepayment data (information) (cot-suite.md "Cases", "Background"): top-up history and
 * debt-recovery information were asked for by one respondent and left out of SECMP0056's requirement
 * (domain.md §1.3), so the suite reports what a PPMID did with them and never fails on it.
 *
 * Info: per category, the outgoing tenancy's entries at `baseline` and at `after-cot`, for a PPMID and for an
 * IHD alike (an IHD may show prepayment data too; one that holds none is reported as such). Missing probes:
 * `inconclusive`.
 */
import { type Category, heldOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { type CaseDef, isOutcome, needCot, needProbe, outcome } from "./case.js";

const LABEL: Record<string, string> = { topUps: "top-up history", debts: "debt recovery" };

export const cot11: CaseDef = {
  id: "COT-11",
  title: "Prepayment data (information)",
  phases: [PHASE.baseline, PHASE.observe],
  evaluate(view) {
    const cot = needCot(view, PHASE.cot);
    if (isOutcome(cot)) return cot;
    const base = needProbe(view, PROBE.baseline);
    if (isOutcome(base)) return base;
    const after = needProbe(view, PROBE.afterCot);
    if (isOutcome(after)) return after;
    const b = view.attributed(base);
    const a = view.attributed(after);
    const parts = (["topUps", "debts"] as Category[]).map((cat) => {
      const n = heldOf(b, cat, cot.from).length;
      const m = heldOf(a, cat, cot.from).length;
      const state = n === 0 ? "none held" : m === 0 ? `cleared (${n} → 0)` : `kept (${n} → ${m})`;
      return `${LABEL[cat]}: ${state}`;
    });
    return outcome(
      "info",
      `${view.dut.kind.toUpperCase()}, tenancy ${cot.from}, probes seq ${base.seq} → ${after.seq} (CoT seq ${cot.event.seq}): ${parts.join("; ")}`,
      [base.seq, cot.event.seq, after.seq],
    );
  },
};

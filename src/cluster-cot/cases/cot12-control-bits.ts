/**
 * COT-12 Control bits (information) (cot-suite.md "Cases"): how the DUT reacts to ProposedTenancyChangeControl
 * 0x200 (bit 9 Clear IHD Data – Consumer), 0x400 (bit 10 – Supplier), 0x600 and 0 (domain.md §3.2), and to
 * bit 7 (Block Historical LP information), bit 8 (Clear Historical LP information, "from all devices"),
 * bit 13 (Clear Transaction Log: top-ups) and bit 14 (Clear Prepayment Data) on their own (domain-review
 * M5). The GB test vector uses 0x200; the suite reports, never fails.
 *
 * Reads phase `control-bits`: for each control, the CoT with that control and the probes
 * `control-0x200-before` / `control-0x200` (and so on). Info: per control, what the DUT cleared of the
 * data of periods before that step's T (attribution.ts): consumption and messages, and top-ups and debts
 * where the DUT held any. No step with evidence: `inconclusive`.
 */
import { type Category, previousOf } from "../attribution.js";
import { CONTROL_STEPS, controlBeforeProbe, controlProbe, PHASE } from "../plan.js";
import { type CaseDef, isOutcome, needProbe, outcome } from "./case.js";
import { hex } from "../../hex.js";

const SHORT: Record<string, string> = {
  consumption: "consumption",
  messages: "messages",
  topUps: "top-ups",
  debts: "debt recovery",
};

export const cot12: CaseDef = {
  id: "COT-12",
  title: "Control bits (information)",
  basis: ["zse"],
  phases: [PHASE.controlBits],
  evaluate(view) {
    const sets = view.cotSetsIn(PHASE.controlBits);
    const evidence: number[] = [];
    let answered = 0;
    const parts = CONTROL_STEPS.map((control) => {
      const name = hex(control, 3);
      const set = sets.find((x) => x.first.event.control === control);
      if (!set) return `${name}: no CoT`;
      const before = needProbe(view, controlBeforeProbe(control));
      const after = needProbe(view, controlProbe(control));
      if (isOutcome(before) || isOutcome(after)) return `${name}: no probe answer`;
      answered++;
      evidence.push(set.first.event.seq, before.seq, after.seq);
      const b = view.attributed(before, set.ts);
      const a = view.attributed(after, set.ts);
      const what = (["consumption", "messages", "topUps", "debts"] as Category[]).flatMap((cat) => {
        const n = previousOf(b, cat).length;
        const m = previousOf(a, cat).length;
        // a display without prepayment data is not reported as "none held" at every step
        if (n === 0 && (cat === "topUps" || cat === "debts")) return [];
        return [`${SHORT[cat]} ${n === 0 ? "none held" : m === 0 ? "cleared" : "kept"}`];
      });
      return `${name} (CoT seq ${set.first.event.seq}): ${what.join(", ")}`;
    });
    if (answered === 0) return outcome("inconclusive", `no control step with evidence: ${parts.join("; ")}`);
    return outcome("info", parts.join("; "), evidence);
  },
};

/**
 * COT-05 Clears historic consumption, COT-06 Clears supplier messages (cot-suite.md "Cases"). SECMP0056:
 * once an IHD/PPMID learns of a CoT it clears the previous occupier's data (domain.md §1.2–1.3); PTCC bit 9
 * "Clear IHD Data – Consumer" covers historic consumption, bit 10 "Clear IHD Data – Supplier" supplier
 * messages (domain.md §3.2).
 *
 * Pass: the `after-cot` probe (end of the detection window, after the implementation time of the CoT of
 * phase `cot`) holds nothing of that category attributable to the previous tenancy. The bit clear in the
 * CoT's control: `not_applicable`. COT-02 not met: `inconclusive`.
 */
import { type Category, heldOf, listHeld } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { CLEAR_CONSUMER, CLEAR_SUPPLIER } from "../tenancy.js";
import { ms } from "../view.js";
import { CATEGORY_LABEL, type CaseDef, control32, isOutcome, needCot, needCot02, needProbe, outcome } from "./case.js";

function clearCase(opts: { id: string; title: string; category: Category; bit: number; bitName: string }): CaseDef {
  const label = CATEGORY_LABEL[opts.category];
  return {
    id: opts.id,
    title: opts.title,
    phases: [PHASE.baseline, PHASE.cot, PHASE.observe],
    evaluate(view, prior) {
      const dep = needCot02(prior);
      if (dep) return dep;
      const cot = needCot(view, PHASE.cot);
      if (isOutcome(cot)) return cot;
      const control = cot.event.control;
      if ((control & opts.bit) === 0) {
        return outcome(
          "not_applicable",
          `CoT seq ${cot.event.seq} control ${control32(control)} has ${opts.bitName} clear: nothing to clear`,
          [cot.event.seq],
        );
      }
      const p = needProbe(view, PROBE.afterCot);
      if (isOutcome(p)) return p;
      if (ms(p) < cot.implementationMs || p.seq < cot.event.seq) {
        return outcome(
          "inconclusive",
          `after-cot probe seq ${p.seq} was taken before the implementation time ${cot.event.implementationTime} of CoT seq ${cot.event.seq}`,
          [p.seq, cot.event.seq],
        );
      }
      const left = view.attributed(p)[opts.category].filter((i) => i.tenancy !== undefined && i.tenancy <= cot.from);
      const base = view.probe(PROBE.baseline);
      const before = base ? heldOf(view.attributed(base), opts.category, cot.from).length : 0;
      if (left.length) {
        return outcome(
          "fail",
          `after-cot probe seq ${p.seq} still holds ${left.length} of tenancy ${cot.from}'s ${label} (${listHeld(left)}); CoT seq ${cot.event.seq} control ${control32(control)}`,
          [p.seq, cot.event.seq, ...left.slice(0, 3).flatMap((i) => i.served.slice(0, 1))],
        );
      }
      return outcome(
        "pass",
        `after-cot probe seq ${p.seq} holds none of tenancy ${cot.from}'s ${label} (baseline seq ${base?.seq} held ${before}); CoT seq ${cot.event.seq} control ${control32(control)}`,
        [p.seq, cot.event.seq, base?.seq],
      );
    },
  };
}

export const cot05 = clearCase({
  id: "COT-05",
  title: "Clears historic consumption",
  category: "consumption",
  bit: CLEAR_CONSUMER,
  bitName: "bit 9 (Clear IHD Data – Consumer)",
});

export const cot06 = clearCase({
  id: "COT-06",
  title: "Clears supplier messages",
  category: "messages",
  bit: CLEAR_SUPPLIER,
  bitName: "bit 10 (Clear IHD Data – Supplier)",
});

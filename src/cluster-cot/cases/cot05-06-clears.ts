/**
 * COT-05 Clears historic consumption, COT-06 Clears supplier messages (cot-suite.md "Cases"). SECMP0056:
 * once an IHD/PPMID learns of a CoT it clears the previous occupier's data: historic consumption and
 * Supplier messages (domain.md §1.2–1.3). The duty sets no condition on control bits (domain-review W1), so
 * neither case reads them; COT-12 and COT-13 report behaviour per bit.
 *
 * Both judge the main CoT (phase `cot`: one CoT per meter, each with its T) at the `after-cot` probe, taken
 * at or after max(T, recorded) + the detection window, by attribution.ts:
 * - COT-05 passes when the DUT holds no interval data of a period ending at or before its meter's T and no
 *   device aggregate of the previous occupier, even though the meters still serve that history. Straddling
 *   periods, aggregates not yet due, untraced values and meter state are counted in the reason, not judged.
 * - COT-06 passes when it no longer holds a supplier message it held across T. A message it fetched again
 *   after T is COT-18's (information); when the probe cannot say whether a message was kept or fetched
 *   again, COT-06 is `inconclusive`.
 * COT-02 not met: `inconclusive`. A category the DUT declares it never shows: its case is `not_applicable`.
 */
import { type Attributed, itemsOn, listHeld, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import {
  type CaseDef,
  describeCots,
  isOutcome,
  needCot02,
  needCots,
  needProbe,
  needProbeAfter,
  outcome,
  type Outcome,
} from "./case.js";
import type { CotSet, DutView, Probe } from "../view.js";

/**
 * What both clear cases judge: the main CoT and what the DUT held at the after-cot probe, attributed against each
 * meter's T; or the outcome that settles the case first — the DUT never shows this category (its case is
 * not_applicable, cot-suite.md COT-02), COT-02 not met, no CoT, no probe after it.
 */
function afterCot(
  view: DutView,
  prior: Parameters<CaseDef["evaluate"]>[1],
  category: "consumption" | "messages",
  shown: string,
): { set: CotSet; p: Probe; a: Attributed } | Outcome {
  if (view.dut.neverShows?.includes(category))
    return outcome("not_applicable", `the DUT declares it never shows ${shown} (DUT file "neverShows")`);
  const dep = needCot02(prior);
  if (dep) return dep;
  const set = needCots(view, PHASE.cot);
  if (isOutcome(set)) return set;
  const p = needProbeAfter(view, PROBE.afterCot, set);
  if (isOutcome(p)) return p;
  return { set, p, a: view.attributed(p, set.ts) };
}

export const cot05: CaseDef = {
  id: "COT-05",
  title: "Clears historic consumption",
  basis: ["gb"],
  phases: [PHASE.baseline, PHASE.cot, PHASE.observe],
  needs: ["COT-02"],
  evaluate(view, prior) {
    const held = afterCot(view, prior, "consumption", "consumption history");
    if (isOutcome(held)) return held;
    const { set, p, a } = held;
    const left = [...previousOf(a, "consumption"), ...previousOf(a, "aggregates")];
    const base = needProbe(view, PROBE.baseline);
    const before = isOutcome(base) ? undefined : previousOf(view.attributed(base, set.ts), "consumption").length;
    const notJudged = [
      ["straddling", itemsOn(a, "consumption", "straddling").length],
      ["untraced", itemsOn(a, "consumption", "untraced").length],
      ["aggregates not yet due", itemsOn(a, "aggregates", "pending").length],
      ["meter state", a.state.length],
    ]
      .filter(([, n]) => (n as number) > 0)
      .map(([what, n]) => `${n} ${what}`);
    const unjudged = notJudged.length ? `; not judged: ${notJudged.join(", ")}` : "";
    if (left.length) {
      return outcome(
        "fail",
        `after-cot probe seq ${p.seq} still holds ${left.length} item(s) of the previous occupier (${listHeld(left)}); ${describeCots(set)}${unjudged}`,
        [p.seq, set.first.event.seq, ...left.slice(0, 3).flatMap((i) => i.served.slice(0, 1))],
      );
    }
    return outcome(
      "pass",
      `after-cot probe seq ${p.seq} holds no interval data of periods ending by T and no previous-occupier aggregate (baseline held ${before ?? "?"}); ${itemsOn(a, "consumption", "new").length} figure(s) of periods from T; ${describeCots(set)}${unjudged}`,
      [p.seq, set.first.event.seq, isOutcome(base) ? undefined : base.seq],
    );
  },
};

export const cot06: CaseDef = {
  id: "COT-06",
  title: "Clears supplier messages",
  basis: ["gb"],
  phases: [PHASE.baseline, PHASE.cot, PHASE.observe],
  needs: ["COT-02"],
  evaluate(view, prior) {
    const held = afterCot(view, prior, "messages", "supplier messages");
    if (isOutcome(held)) return held;
    const { set, p, a } = held;
    const previous = itemsOn(a, "messages", "previous");
    const kept = previous.filter((i) => i.heldAcross === true);
    const unknown = previous.filter((i) => i.heldAcross === undefined);
    const again = previous.filter((i) => i.heldAcross === false);
    const againNote = again.length ? `; ${again.length} fetched again after T (COT-18): ${listHeld(again)}` : "";
    if (kept.length) {
      return outcome(
        "fail",
        `after-cot probe seq ${p.seq} still holds ${kept.length} supplier message(s) it held across T (${listHeld(kept)}); ${describeCots(set)}${againNote}`,
        [p.seq, set.first.event.seq, ...kept.slice(0, 3).flatMap((i) => i.served.slice(0, 1))],
      );
    }
    if (unknown.length) {
      const served = unknown.flatMap((i) => i.served.filter((s) => (view.event(s)?.t ?? "") >= set.first.event.t));
      return outcome(
        "inconclusive",
        `after-cot probe seq ${p.seq} holds ${listHeld(unknown)}, published before T and served to the DUT again after it (seq ${served[0] ?? "?"}); the probe does not say whether it was kept or fetched again; ${describeCots(set)}`,
        [p.seq, set.first.event.seq, served[0]],
      );
    }
    return outcome(
      "pass",
      `after-cot probe seq ${p.seq} holds no supplier message it held across T (${itemsOn(a, "messages", "new").length} published after T); ${describeCots(set)}${againNote}`,
      [p.seq, set.first.event.seq],
    );
  },
};

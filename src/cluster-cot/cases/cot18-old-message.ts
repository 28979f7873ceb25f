/**
 * COT-18 Does not show the old message again (information) (cot-suite.md "Cases", basis `policy`). The meters
 * go on serving the previous occupier's supplier message after a CoT (it stays until the supplier replaces
 * or cancels it: cot-suite.md "The meters behave as real meters"), so a display that cleared it may fetch it
 * again with GetLastMessage and show it to the new occupier. SECMP0056's public text says nothing about it:
 * reported, never a failure.
 *
 * Reads the main CoT (phase `cot`) and the `after-cot` probe: the messages of the previous occupier (published
 * before T) the DUT holds as fetched again after T (attribution.ts: not held across T), each with its id and
 * the meter that served it again. Missing probe or CoT: `inconclusive`.
 */
import { PHASE, PROBE } from "../plan.js";
import { type CaseDef, describeCots, isOutcome, needCots, needProbe, outcome } from "./case.js";

export const cot18: CaseDef = {
  id: "COT-18",
  title: "Does not show the old message again (information)",
  basis: ["policy"],
  phases: [PHASE.baseline, PHASE.cot, PHASE.observe],
  evaluate(view) {
    const set = needCots(view, PHASE.cot);
    if (isOutcome(set)) return set;
    const p = needProbe(view, PROBE.afterCot);
    if (isOutcome(p)) return p;
    const a = view.attributed(p, set.ts);
    const again = a.messages.filter((i) => i.side === "previous" && i.heldAcross === false);
    if (again.length === 0) {
      return outcome(
        "info",
        `after-cot probe seq ${p.seq} shows no previous-occupier message fetched again after T; ${describeCots(set)}`,
        [p.seq, set.first.event.seq],
      );
    }
    const t = set.first.event.t;
    const parts = again.map((i) => {
      const id = "messageId" in i.held ? i.held.messageId : "?";
      const servedAgain = i.served.map((s) => view.event(s)).find((e) => e?.kind === "served" && e.t >= t);
      const meter = servedAgain?.kind === "served" ? servedAgain.role.toUpperCase() : "a meter";
      return `message ${id} (served again by the ${meter}${servedAgain ? `, seq ${servedAgain.seq}` : ""})`;
    });
    return outcome(
      "info",
      `after-cot probe seq ${p.seq} shows ${parts.join(", ")} of the previous occupier again after T; ${describeCots(set)}`,
      [p.seq, set.first.event.seq, ...again.flatMap((i) => i.served.slice(-1))],
    );
  },
};

/**
 * COT-07 Keeps the new tenancy's data (cot-suite.md "Cases"). Clearing is for the previous occupier only
 * (domain.md §1.2 "all data belonging to the previous occupier"); the new occupier's data must be fetched
 * and shown.
 *
 * Pass: the `after-new-data` probe holds at least one consumption value and one supplier message that match
 * what the hub served this DUT for the tenancy the CoT of phase `cot` started. No new-tenancy message
 * published to the DUT: `inconclusive` (the bench did not do its part).
 */
import { heldOf, listHeld, type Served, servedMessage } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ClusterId } from "../../zcl/index.js";
import { type CaseDef, isOutcome, needCot, needProbe, outcome } from "./case.js";

/** How many distinct messages the served events carry (a message may be logged as one event per field). */
function messageCount(served: Served[]): number {
  const ids = new Set<string>();
  const texts = new Set<string>();
  for (const s of served) {
    const m = servedMessage(s);
    if (m?.id !== undefined) ids.add(m.id);
    else if (m?.text !== undefined) texts.add(m.text);
  }
  return ids.size || texts.size;
}

export const cot07: CaseDef = {
  id: "COT-07",
  title: "Keeps the new tenancy's data",
  phases: [PHASE.newData],
  evaluate(view) {
    const cot = needCot(view, PHASE.cot);
    if (isOutcome(cot)) return cot;
    const p = needProbe(view, PROBE.afterNewData);
    if (isOutcome(p)) return p;
    const t = cot.to;
    const served = view.served.filter((s) => s.tenancy === t && s.seq < p.seq);
    const servedMsgs = served.filter((s) => s.clusterId === ClusterId.messaging);
    const servedCons = served.filter((s) => s.clusterId === ClusterId.metering);
    if (servedMsgs.length === 0) {
      return outcome(
        "inconclusive",
        `the hub published no tenancy-${t} supplier message to this DUT before probe seq ${p.seq}`,
        [p.seq],
      );
    }
    const a = view.attributed(p);
    const cons = heldOf(a, "consumption", t);
    const msgs = heldOf(a, "messages", t);
    if (cons.length === 0 || msgs.length === 0) {
      return outcome(
        "fail",
        `after-new-data probe seq ${p.seq} holds ${cons.length} consumption value(s) and ${msgs.length} supplier message(s) of tenancy ${t}; the hub served it ${servedCons.length} values and ${messageCount(servedMsgs)} message(s) (seq ${servedMsgs[0]!.seq})`,
        [p.seq, servedMsgs[0]!.seq, servedCons[0]?.seq],
      );
    }
    return outcome(
      "pass",
      `after-new-data probe seq ${p.seq} holds ${cons.length} tenancy-${t} consumption value(s) (of ${servedCons.length} served) and ${listHeld(msgs)}`,
      [p.seq, servedMsgs[0]!.seq, servedCons[0]?.seq],
    );
  },
};

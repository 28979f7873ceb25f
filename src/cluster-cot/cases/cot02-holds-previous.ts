/**
 * COT-02 Holds previous-occupier data (cot-suite.md "Cases"). The precondition of every clear case:
 * SECMP0056 asks the device to clear "all data belonging to the previous occupier" (domain.md §1.2–1.3:
 * historic consumption and Supplier messages), which can only be seen if it held them first.
 *
 * Pass: before the CoT of phase `cot`, the hub served this DUT tenancy-1 consumption (the DUT fetched
 * history) and the `baseline` probe shows at least one consumption value and one supplier message that
 * match tenancy-1 data the hub served.
 */
import { heldOf, listHeld } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ClusterId } from "../../zcl/index.js";
import { type CaseDef, isOutcome, needCot, needProbe, outcome } from "./case.js";

export const cot02: CaseDef = {
  id: "COT-02",
  title: "Holds previous-occupier data",
  phases: [PHASE.baseline],
  evaluate(view) {
    const cot = needCot(view, PHASE.cot);
    if (isOutcome(cot)) return cot;
    const p = needProbe(view, PROBE.baseline);
    if (isOutcome(p)) return p;
    if (p.seq > cot.event.seq) {
      return outcome("inconclusive", `baseline probe seq ${p.seq} was taken after the CoT (seq ${cot.event.seq})`, [
        p.seq,
        cot.event.seq,
      ]);
    }
    const t = cot.from;
    const fetched = view.served.filter(
      (s) => s.clusterId === ClusterId.metering && s.tenancy === t && s.seq < cot.event.seq,
    );
    const a = view.attributed(p);
    const cons = heldOf(a, "consumption", t);
    const msgs = heldOf(a, "messages", t);
    if (fetched.length === 0) {
      return outcome(
        "fail",
        `the hub served this DUT no tenancy-${t} consumption before the CoT (seq ${cot.event.seq}): it never fetched history`,
        [cot.event.seq, p.seq],
      );
    }
    if (cons.length === 0 || msgs.length === 0) {
      return outcome(
        "fail",
        `baseline probe seq ${p.seq} holds ${cons.length} consumption value(s) and ${msgs.length} supplier message(s) of tenancy ${t} (hub served ${fetched.length} values, seq ${fetched[0]!.seq}…)`,
        [p.seq, fetched[0]!.seq],
      );
    }
    return outcome(
      "pass",
      `fetched ${fetched.length} tenancy-${t} consumption values (seq ${fetched[0]!.seq}…); baseline probe seq ${p.seq} holds ${cons.length} of them and ${listHeld(msgs)}`,
      [p.seq, fetched[0]!.seq, ...msgs.flatMap((m) => m.served.slice(0, 1))],
    );
  },
};

/**
 * COT-02 Holds previous-occupier data (cot-suite.md "Cases"). The precondition of every clear case:
 * SECMP0056 asks the device to clear "all data belonging to the previous occupier" (domain.md §1.2–1.3:
 * historic consumption and Supplier messages), which can only be seen if it held them first.
 *
 * Pass: before the CoT of phase `cot`, the hub served this DUT consumption (the DUT fetched history) and
 * the `baseline` probe shows interval data of a period ending at or before its meter's T and a supplier
 * message published before T (attribution.ts).
 */
import { listHeld, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ClusterId } from "../../zcl/index.js";
import { type CaseDef, isOutcome, needCots, needProbe, outcome } from "./case.js";

export const cot02: CaseDef = {
  id: "COT-02",
  title: "Holds previous-occupier data",
  phases: [PHASE.baseline],
  evaluate(view) {
    const set = needCots(view, PHASE.cot);
    if (isOutcome(set)) return set;
    const c = set.first.event.seq;
    const p = needProbe(view, PROBE.baseline);
    if (isOutcome(p)) return p;
    if (p.seq > c) {
      return outcome("inconclusive", `baseline probe seq ${p.seq} was taken after the CoT (seq ${c})`, [p.seq, c]);
    }
    const fetched = view.served.filter((s) => s.clusterId === ClusterId.metering && s.seq < c && s.device !== "*");
    const a = view.attributed(p, set.ts);
    const cons = previousOf(a, "consumption");
    const msgs = previousOf(a, "messages");
    if (fetched.length === 0) {
      return outcome(
        "fail",
        `the hub served this DUT no consumption before the CoT (seq ${c}): it never fetched history`,
        [c, p.seq],
      );
    }
    if (cons.length === 0 || msgs.length === 0) {
      return outcome(
        "fail",
        `baseline probe seq ${p.seq} holds ${cons.length} interval figure(s) of periods before T and ${msgs.length} supplier message(s) published before T (hub served ${fetched.length} consumption values, seq ${fetched[0]!.seq}…)`,
        [p.seq, fetched[0]!.seq],
      );
    }
    return outcome(
      "pass",
      `fetched ${fetched.length} consumption values (seq ${fetched[0]!.seq}…); baseline probe seq ${p.seq} holds ${cons.length} interval figure(s) of periods before T and ${listHeld(msgs)}`,
      [p.seq, fetched[0]!.seq, ...msgs.flatMap((m) => m.served.slice(0, 1))],
    );
  },
};

/**
 * COT-02 Holds previous-occupier data (cot-suite.md "Cases"). The precondition of every clear case:
 * SECMP0056 asks the device to clear "all data belonging to the previous occupier" (domain.md §1.2–1.3:
 * historic consumption and Supplier messages), which can only be seen if it held them first.
 *
 * Pass: before the CoT of phase `cot`, the hub served this DUT consumption (the DUT fetched history) and
 * the `baseline` probe shows interval data of a period ending at or before its meter's T and a supplier
 * message published before T (attribution.ts). Otherwise `inconclusive`, never `fail` (cot-suite.md: a
 * precondition, policy): a device that held nothing to clear is not shown faulty by it; the cases resting on
 * it say so.
 */
import { listHeld, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ClusterId } from "../../zcl/index.js";
import { type CaseDef, isOutcome, needCots, needProbe, outcome } from "./case.js";

export const cot02: CaseDef = {
  id: "COT-02",
  title: "Holds previous-occupier data",
  basis: ["policy"],
  // the baseline's probe, judged by the T of the CoT that follows it
  phases: [PHASE.baseline, PHASE.cot],
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
    // what the DUT declares it never shows is not looked for (its clear case is not_applicable)
    const never = view.dut.neverShows ?? [];
    if (never.includes("consumption") && never.includes("messages")) {
      return outcome("not_applicable", "the DUT declares it never shows consumption history nor supplier messages");
    }
    const cons = previousOf(a, "consumption");
    const msgs = previousOf(a, "messages");
    if (fetched.length === 0 && !never.includes("consumption")) {
      return outcome(
        "inconclusive",
        `the hub served this DUT no consumption before the CoT (seq ${c}): it never fetched history`,
        [c, p.seq],
      );
    }
    if ((cons.length === 0 && !never.includes("consumption")) || (msgs.length === 0 && !never.includes("messages"))) {
      return outcome(
        "inconclusive",
        `baseline probe seq ${p.seq} holds ${cons.length} interval figure(s) of periods before T and ${msgs.length} supplier message(s) published before T (hub served ${fetched.length} consumption values, seq ${fetched[0]!.seq}…)`,
        [p.seq, fetched[0]!.seq],
      );
    }
    const declared = never.length ? `; declares it never shows ${never.join(" and ")}` : "";
    return outcome(
      "pass",
      `fetched ${fetched.length} consumption values (seq ${fetched[0]?.seq ?? "-"}…); baseline probe seq ${p.seq} holds ${cons.length} interval figure(s) of periods before T and ${listHeld(msgs)}${declared}`,
      [p.seq, fetched[0]?.seq, ...msgs.flatMap((m) => m.served.slice(0, 1))],
    );
  },
};

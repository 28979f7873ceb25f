/**
 * COT-10 Catches a CoT that happened while it was away (cot-suite.md "Cases"). SECMP0056 puts the duty to
 * query on the device (domain.md §1.2) and the hub does not push (cot-suite.md step 3), so a CoT recorded
 * while the device was off or out of the network must be found by its own query when it returns.
 *
 * Reads phase `away-cot`: the DUT went offline (PresenceEvent) before its CoTs and came back after them.
 * Pass: within the detection window after its return the DUT queries the CoT (GPF or ESME) and, at
 * `after-return`, some category of the previous occupier's data (relative to those CoTs' T) that it held at
 * `before-away` is gone (whether everything went is COT-05/06's business). COT-02 not met: inconclusive.
 * A frame from the DUT while it was declared off (after a grace of 30 s for what was in flight) makes the
 * case `inconclusive`, never `pass`: a device that stayed on the network did not have to catch anything up.
 */
import { previousOf } from "../attribution.js";
import { formatDuration } from "../../duration.js";
import { PHASE, PROBE } from "../plan.js";
import { ms } from "../view.js";
import {
  CLEARED,
  type CaseDef,
  countsOf,
  heldCategories,
  hours,
  isOutcome,
  names,
  needCot02,
  needCots,
  needProbe,
  outcome,
} from "./case.js";

/** Frames from the DUT in the first 30 s after it was declared off are what was in flight. */
export const OFF_GRACE_MS = 30_000;

export const cot10: CaseDef = {
  id: "COT-10",
  title: "Catches a CoT that happened while it was away",
  basis: ["gb"],
  phases: [PHASE.awayCot],
  needs: ["COT-02"],
  evaluate(view, prior) {
    const dep = needCot02(prior);
    if (dep) return dep;
    const set = needCots(view, PHASE.awayCot);
    if (isOutcome(set)) return set;
    const c = set.first.event.seq;
    const presence = view.presence();
    const off = presence.filter((p) => p.seq < c).at(-1);
    const on = presence.find((p) => p.seq > set.cots.at(-1)!.event.seq && p.online);
    if (!off || off.online || !on) {
      return outcome("inconclusive", `no record that the DUT was off the network when CoT seq ${c} was recorded`, [
        c,
        off?.seq,
      ]);
    }
    const talking = view.sent.filter((z) => z.seq > off.seq && z.seq < on.seq && ms(z) > ms(off) + OFF_GRACE_MS);
    if (talking.length > 0) {
      const first = talking[0]!;
      return outcome(
        "inconclusive",
        `the DUT sent ${talking.length} frame(s) while declared off (presence seq ${off.seq} → ${on.seq}), the first seq ${first.seq} ${formatDuration(ms(first) - ms(off))} after it went off (grace 30 s): it did not have to catch up CoT seq ${c}`,
        [off.seq, first.seq, on.seq, c],
      );
    }
    const before = needProbe(view, PROBE.beforeAway);
    if (isOutcome(before)) return before;
    const cats = heldCategories(view.attributed(before, set.ts), CLEARED);
    if (cats.length === 0) {
      return outcome("inconclusive", `before-away probe seq ${before.seq} holds no data of periods before T to clear`, [
        before.seq,
      ]);
    }
    const after = needProbe(view, PROBE.afterReturn);
    if (isOutcome(after)) return after;
    const window = hours(view.windowMs);
    const q = view.cotQueries({ afterSeq: on.seq, beforeSeq: after.seq, untilMs: ms(on) + view.windowMs })[0];
    if (!q) {
      return outcome(
        "fail",
        `no CoT query (GPF or ESME) within ${window} of the DUT's return (presence seq ${on.seq}) after CoT seq ${c} made while it was off (seq ${off.seq})`,
        [off.seq, c, on.seq, after.seq],
      );
    }
    const a = view.attributed(after, set.ts);
    const cleared = cats.filter((cat) => previousOf(a, cat).length === 0);
    if (cleared.length === 0) {
      return outcome(
        "fail",
        `queried at seq ${q.seq} after returning (seq ${on.seq}) but after-return probe seq ${after.seq} still holds ${countsOf(a, cats)} of the previous occupier`,
        [c, on.seq, q.seq, after.seq],
      );
    }
    return outcome(
      "pass",
      `off at seq ${off.seq}, CoT seq ${c}, back at seq ${on.seq}; queried at seq ${q.seq} and cleared the previous occupier's ${names(cleared)} (probes seq ${before.seq} → ${after.seq})`,
      [off.seq, c, on.seq, q.seq, before.seq, after.seq],
    );
  },
};

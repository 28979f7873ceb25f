/**
 * COT-19 A device joining after a CoT (cot-suite.md "Cases", basis `interpretation`). SECMP0056 has a device
 * clear the previous occupier's historic consumption; the public text does not say what a device that was not
 * in the home at T owes. hanbench reads the duty as one about the data, not the device: a display that joins
 * after a CoT must not fetch or show interval data of periods before T, which the meters still serve. The
 * other reading (only data a device held at T must go, so a device joining later owes nothing) would pass any
 * such device; every reason line says so.
 *
 * Reads phase `late-join`: the DUT is reset to factory settings (it leaves and holds nothing), a CoT with T
 * months back (COT-14's first, across a DST change: plan.ts BACK_DATED_COTS) is recorded on the meters, the
 * DUT joins afresh, fetches and is probed (`after-late-join`). Fail: after joining it was served interval data (consumption or cost of a day, week,
 * month or half-hour) of a period ending at or before T, or the probe shows such data. Pass: it fetched
 * interval data of periods from T and none before. Fetched no history at all, or no join after the CoT:
 * `inconclusive`.
 */
import { listHeld, periodKindOf, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { isFinishedPeriod } from "../questions.js";
import { ms } from "../view.js";
import { type CaseDef, describeCots, isOutcome, needCots, needProbe, outcome } from "./case.js";

/** The other reading of the duty, and what it would conclude (always: nothing to judge, so pass). */
const OTHER_READING =
  "the other reading (only data a device held at T must go) owes a device joining later nothing: it would pass";

export const cot19: CaseDef = {
  id: "COT-19",
  title: "A device joining after a CoT",
  basis: ["interpretation"],
  phases: [PHASE.lateJoin],
  evaluate(view) {
    const set = needCots(view, PHASE.lateJoin);
    if (isOutcome(set)) return set;
    const c = set.first.event.seq;
    const join = view.joins().find((j) => j.accepted && j.seq > c && view.inPhase(j, PHASE.lateJoin));
    if (!join) {
      return outcome("inconclusive", `no join of the DUT after ${describeCots(set)} in phase late-join`, [c]);
    }
    const probe = needProbe(view, PROBE.afterLateJoin);
    const p = isOutcome(probe) ? undefined : probe;
    // what the hub served the DUT between its join and the probe: interval data of finished periods (as the
    // run's wait for the fetch counts history), each figure once (a read whose answer had to be split is asked
    // again)
    const seen = new Set<string>();
    const history = view.served.filter(isFinishedPeriod).filter((s) => {
      if (
        s.device === "*" ||
        s.seq <= join.seq ||
        s.seq >= (p?.seq ?? Number.POSITIVE_INFINITY) ||
        periodKindOf(s.item) === undefined ||
        !view.inPhase(s, PHASE.lateJoin)
      ) {
        return false;
      }
      const figure = `${s.role}|${s.clusterId}|${s.item}|${s.period}`;
      if (seen.has(figure)) return false;
      seen.add(figure);
      return true;
    });
    const pre = history.filter((s) => {
      const t = set.ts[s.role];
      return t !== undefined && ms({ t: s.periodEnd }) <= t;
    });
    const held = p ? previousOf(view.attributed(p, set.ts), "consumption") : [];
    if (pre.length > 0 || held.length > 0) {
      const first = pre[0];
      const fetched = first
        ? `fetched ${pre.length} figure(s) of periods ending by T (first seq ${first.seq}: ${first.item} ${first.period}…${first.periodEnd} from the ${first.role.toUpperCase()})`
        : "fetched no figure of a period before T";
      const shown = p
        ? `after-late-join probe seq ${p.seq} holds ${held.length} of periods before T${held.length ? ` (${listHeld(held)})` : ""}`
        : "no after-late-join probe answer";
      return outcome(
        "fail",
        `joined at seq ${join.seq} after ${describeCots(set)}; ${fetched}; ${shown}; ${OTHER_READING}`,
        [c, join.seq, first?.seq, p?.seq, ...held.slice(0, 3).flatMap((i) => i.served.slice(0, 1))],
      );
    }
    if (isOutcome(probe)) return probe;
    const after = probe;
    const post = history.filter((s) => {
      const t = set.ts[s.role];
      return t !== undefined && ms({ t: s.period }) >= t;
    });
    if (post.length === 0) {
      return outcome(
        "inconclusive",
        `joined at seq ${join.seq} after ${describeCots(set)} but fetched no history of a finished period before probe seq ${after.seq}: nothing shows what it fetches`,
        [c, join.seq, after.seq],
      );
    }
    return outcome(
      "pass",
      `joined at seq ${join.seq} after ${describeCots(set)}; fetched ${post.length} figure(s) of periods from T (first seq ${post[0]!.seq}) and none before; after-late-join probe seq ${after.seq} holds nothing of periods before T; ${OTHER_READING} too`,
      [c, join.seq, post[0]!.seq, after.seq],
    );
  },
};

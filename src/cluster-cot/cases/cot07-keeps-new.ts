/**
 * COT-07 Keeps the new tenancy's data (cot-suite.md "Cases"). Clearing is for the previous occupier only
 * (domain.md §1.2 "all data belonging to the previous occupier"); the new occupier's data must be fetched
 * and shown.
 *
 * Pass: the `after-new-data` probe holds interval data of a period starting at or after its meter's T (of
 * the main CoT) and a supplier message published after T. No message published after T reached the DUT, or
 * the probe came before any period of the new occupier was complete (the first half-hour from T): the bench
 * did not give the DUT anything to keep, so `inconclusive`.
 */
import { itemsOn, listHeld, type Served, servedMessage } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { HALF_HOUR_MS } from "../../hub/data/periods.js";
import { ms } from "../view.js";
import { ClusterId } from "../../zcl/index.js";
import { type CaseDef, isOutcome, needCots, needProbe, outcome } from "./case.js";

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
  basis: ["gb"],
  phases: [PHASE.newData],
  evaluate(view) {
    const set = needCots(view, PHASE.cot);
    if (isOutcome(set)) return set;
    const p = needProbe(view, PROBE.afterNewData);
    if (isOutcome(p)) return p;
    const from = set.first.event.t;
    const served = view.served.filter((s) => s.seq > set.first.event.seq && s.seq < p.seq && s.t >= from);
    const servedMsgs = served.filter((s) => s.clusterId === ClusterId.messaging);
    const servedCons = served.filter(
      (s) => s.clusterId === ClusterId.metering && s.period !== undefined && s.period >= from,
    );
    const a = view.attributed(p, set.ts);
    const published = servedMsgs.filter((s) => s.device === "*");
    if (published.length === 0) {
      return outcome(
        "inconclusive",
        `the hub published no supplier message after T to this DUT before probe seq ${p.seq}`,
        [p.seq],
      );
    }
    const cons = itemsOn(a, "consumption", "new");
    const msgs = itemsOn(a, "messages", "new");
    const firstComplete =
      Math.max(...set.cots.map((c) => Math.ceil(c.implementationMs / HALF_HOUR_MS) + 1)) * HALF_HOUR_MS;
    if (cons.length === 0 && ms(p) < firstComplete) {
      return outcome(
        "inconclusive",
        `after-new-data probe seq ${p.seq} came before any period from T was complete (${new Date(firstComplete).toISOString()}): nothing of the new occupier's history to keep yet; it holds ${listHeld(msgs) || "no message published after T"}`,
        [p.seq, set.first.event.seq],
      );
    }
    if (cons.length === 0 || msgs.length === 0) {
      return outcome(
        "fail",
        `after-new-data probe seq ${p.seq} holds ${cons.length} interval figure(s) of periods from T and ${msgs.length} supplier message(s) published after T; the hub served it ${servedCons.length} such figures and ${messageCount(published)} message(s) (seq ${published[0]!.seq})`,
        [p.seq, published[0]!.seq, servedCons[0]?.seq],
      );
    }
    return outcome(
      "pass",
      `after-new-data probe seq ${p.seq} holds ${cons.length} interval figure(s) of periods from T (of ${servedCons.length} served) and ${listHeld(msgs)}`,
      [p.seq, published[0]!.seq, servedCons[0]?.seq],
    );
  },
};

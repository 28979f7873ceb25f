/**
 * COT-15 One meter only (information) (cot-suite.md "Cases", basis `gb`). In GB a CoT reaches the two meters
 * separately: ECS12 on the ESME, GCS09 on the GPF, possibly from different suppliers at different times, or
 * only one of them (domain-review M2). What a device should clear when only one fuel shows a CoT is not said
 * in public text, so this case reports what it did: `info`, never a failure.
 *
 * Reads phase `back-dated` (plan.ts ONE_METER_COTS): after the correction older than any history (probe
 * `back-dated-older-than-history`), a CoT on the ESME only with T about 45 days back, a window later its probe,
 * then a CoT on the GPF only with T about 10 days back (35 days later) and a window later its probe. The DUTs
 * joined afresh in phase `late-join`, so they hold months of both fuels from the CoT across a DST change. For
 * each step, what the DUT held of periods before that CoT's T, per meter, before and after it: interval data
 * and device aggregates (the other fuel's data before that T is the new occupier's by its own meter's T: a
 * device that keeps it cleared only the fuel whose CoT it saw), and the supplier messages it held (none across
 * a T days back: it fetched them after joining). `not_applicable` under a hub variant where a meter carries no
 * CoT (not a dual-fuel home with a CoT on each meter): there the other meter's CoT is the main CoT and COT-05/06
 * judge it.
 */
import type { EndpointRole } from "../../evidence/events.js";
import { type Attributed, previousOf } from "../attribution.js";
import { BACK_DATED_COTS, BACK_DATED_WAITS, backDatedProbe, ONE_METER_COTS, PHASE } from "../plan.js";
import type { CotInfo, DutView, Probe } from "../view.js";
import { type CaseDef, isOutcome, needProbe, outcome } from "./case.js";

const METERS: readonly EndpointRole[] = ["esme", "gpf"];
const FUEL: Record<EndpointRole, string> = { esme: "electricity", gpf: "gas" };

/** What of periods before T a probe shows: interval data and aggregates per meter; messages held, and across T. */
function heldBefore(a: Attributed): { esme: number; gpf: number; messages: number; across: number } {
  const out = { esme: 0, gpf: 0, messages: a.messages.length, across: previousOf(a, "messages").length };
  for (const i of [...previousOf(a, "consumption"), ...previousOf(a, "aggregates")]) if (i.role) out[i.role]++;
  return out;
}

/** "ESME-only CoT seq 812 (T …), probes seq 800 → 830: electricity data 40 → 0, gas data 38 → 38, supplier messages held 1 → 1 (across T 0 → 0)". */
function step(view: DutView, cot: CotInfo, before: Probe, after: Probe): string {
  // the step's T for both meters: what of each meter predates this CoT
  const ts = { esme: cot.implementationMs, gpf: cot.implementationMs };
  const b = heldBefore(view.attributed(before, ts));
  const a = heldBefore(view.attributed(after, ts));
  const own = cot.meter;
  const per = [own, ...METERS.filter((m) => m !== own)].map((m) => `${FUEL[m]} data ${b[m]} → ${a[m]}`);
  return `${cot.meter.toUpperCase()}-only CoT seq ${cot.event.seq} (T ${cot.event.implementationTime}), probes seq ${before.seq} → ${after.seq}: ${per.join(", ")}, supplier messages held ${b.messages} → ${a.messages} (across T ${b.across} → ${a.across})`;
}

export const cot15: CaseDef = {
  id: "COT-15",
  title: "One meter only (information)",
  basis: ["gb"],
  phases: [PHASE.lateJoin, PHASE.backDated],
  // its first probe, after the correction older than any history, shows what the DUT holds once it has queried
  // that correction (as COT-14 needs); the one-meter CoTs' probes wait their whole window
  waits: BACK_DATED_WAITS,
  evaluate(view) {
    const missing = METERS.filter((m) => !view.variant.cotMeters.includes(m));
    if (missing.length) {
      return outcome(
        "not_applicable",
        `under hub variant ${view.variant.name} the ${missing.map((m) => m.toUpperCase()).join(" and ")} carries no CoT: no dual-fuel home with a CoT on each meter (the other meter's CoT is the main CoT, which COT-05/06 judge)`,
        [view.run.seq],
      );
    }
    const sets = view.cotSetsIn(PHASE.backDated);
    // the back-dated CoTs after the first (phase late-join), in plan order
    const at = (name: string) => sets[BACK_DATED_COTS.slice(1).findIndex((c) => c.name === name)];
    const only = (name: string, meter: EndpointRole) => {
      const set = at(name);
      return set?.cots.length === 1 ? set.byMeter[meter] : undefined;
    };
    const esme = only(ONE_METER_COTS.esme, "esme");
    const gpf = only(ONE_METER_COTS.gpf, "gpf");
    if (!esme || !gpf) {
      return outcome("inconclusive", `no CoT on the ESME only, then on the GPF only, in phase '${PHASE.backDated}'`);
    }
    const p0 = needProbe(view, backDatedProbe(ONE_METER_COTS.before));
    if (isOutcome(p0)) return p0;
    const p1 = needProbe(view, backDatedProbe(ONE_METER_COTS.esme));
    if (isOutcome(p1)) return p1;
    const p2 = needProbe(view, backDatedProbe(ONE_METER_COTS.gpf));
    if (isOutcome(p2)) return p2;
    return outcome("info", `${step(view, esme, p0, p1)}. ${step(view, gpf, p1, p2)}`, [
      p0.seq,
      esme.event.seq,
      p1.seq,
      gpf.event.seq,
      p2.seq,
    ]);
  },
};

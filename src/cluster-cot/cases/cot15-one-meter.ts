/**
 * COT-15 One meter only (information) (cot-suite.md "Cases", basis `gb`). In GB a CoT reaches the two meters
 * separately: ECS12 on the ESME, GCS09 on the GPF, possibly from different suppliers at different times, or
 * only one of them (domain-review M2). What a device should clear when only one fuel shows a CoT is not said
 * in public text, so this case reports what it did: `info`, never a failure.
 *
 * Reads phase `one-meter`: the DUT's data delivered and probed (`before-esme-only`), a CoT recorded on the ESME
 * only, a window later the probe `after-esme-only`, then a CoT on the GPF only and a window later the probe
 * `after-gpf-only`. For each step, what the DUT held of periods before that CoT's T, per meter, before and
 * after it: interval data and device aggregates, and the supplier messages it held across T (a display shows
 * one copy of a message both meters serve). `not_applicable` under a hub variant where a meter carries no CoT (not a dual-fuel
 * home with a CoT on each meter): there the other meter's CoT is the main CoT and COT-05/06 judge it.
 */
import type { EndpointRole } from "../../evidence/events.js";
import { type Attributed, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import type { CotInfo, DutView, Probe } from "../view.js";
import { type CaseDef, isOutcome, needProbe, outcome } from "./case.js";

const METERS: readonly EndpointRole[] = ["esme", "gpf"];
const FUEL: Record<EndpointRole, string> = { esme: "electricity", gpf: "gas" };

/** What of periods before T a probe shows: interval data and aggregates per meter, messages held across T. */
function heldBefore(a: Attributed): { esme: number; gpf: number; messages: number } {
  const out = { esme: 0, gpf: 0, messages: previousOf(a, "messages").length };
  for (const i of [...previousOf(a, "consumption"), ...previousOf(a, "aggregates")]) if (i.role) out[i.role]++;
  return out;
}

/** "ESME-only CoT seq 812 (T …), probes seq 800 → 830: electricity data 40 → 0, gas data 38 → 38, messages 1 → 0". */
function step(view: DutView, cot: CotInfo, before: Probe, after: Probe): string {
  // the step's T for both meters: what of each meter predates this CoT
  const ts = { esme: cot.implementationMs, gpf: cot.implementationMs };
  const b = heldBefore(view.attributed(before, ts));
  const a = heldBefore(view.attributed(after, ts));
  const own = cot.meter;
  const per = [own, ...METERS.filter((m) => m !== own)].map((m) => `${FUEL[m]} data ${b[m]} → ${a[m]}`);
  return `${cot.meter.toUpperCase()}-only CoT seq ${cot.event.seq} (T ${cot.event.implementationTime}), probes seq ${before.seq} → ${after.seq}: ${per.join(", ")}, supplier messages held across T ${b.messages} → ${a.messages}`;
}

export const cot15: CaseDef = {
  id: "COT-15",
  title: "One meter only (information)",
  basis: ["gb"],
  phases: [PHASE.oneMeter],
  evaluate(view) {
    const missing = METERS.filter((m) => !view.variant.cotMeters.includes(m));
    if (missing.length) {
      return outcome(
        "not_applicable",
        `under hub variant ${view.variant.name} the ${missing.map((m) => m.toUpperCase()).join(" and ")} carries no CoT: no dual-fuel home with a CoT on each meter (the other meter's CoT is the main CoT, which COT-05/06 judge)`,
        [view.run.seq],
      );
    }
    const cots = view.cotsIn(PHASE.oneMeter);
    const esme = cots.find((c) => c.meter === "esme");
    const gpf = cots.find((c) => c.meter === "gpf");
    if (!esme || !gpf || gpf.event.seq < esme.event.seq) {
      return outcome("inconclusive", `no CoT on the ESME only, then on the GPF only, in phase '${PHASE.oneMeter}'`);
    }
    const p0 = needProbe(view, PROBE.beforeEsmeOnly);
    if (isOutcome(p0)) return p0;
    const p1 = needProbe(view, PROBE.afterEsmeOnly);
    if (isOutcome(p1)) return p1;
    const p2 = needProbe(view, PROBE.afterGpfOnly);
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

/**
 * COT-03 Queries the GPF for CoT, COT-04 Queries the ESME for CoT (cot-suite.md "Cases"). SECMP0056
 * "mandate[s] that IHDs and PPMIDs query the ESME and the GPF for CoT information" (domain.md §1.2); the
 * hub does not push (cot-suite.md "The CoT the hub performs"), so only the device's own query counts.
 *
 * Pass: after the CoT of phase `cot` is recorded on the GPF (COT-03) / ESME (COT-04) and within the
 * detection window (`RunEvent.windowMs`, default 24 h of hub time), the DUT sends Read Attributes of Device
 * Management 0x0708 attribute 0x0200 (ChangeOfTenancyUpdateDateTime) or GetChangeOfTenancy (0x0708 client
 * command 0x00) to that meter's endpoint. A bench run stopped inside the window and resumed counts the window
 * from the resume (the DUT's queries while the bench was down left no evidence: `DutView.windowFrom`). Evidence
 * that ends before the window does: `inconclusive`. Under a hub variant
 * where that meter carries no CoT (`esme-pre-5.1`, `gpf-pre-1.5`, `electricity-only`): `not_applicable`.
 */
import type { EndpointRole } from "../../evidence/events.js";
import { PHASE, PROBE } from "../plan.js";
import { isCotQuery } from "../questions.js";
import { ms, type Zcl } from "../view.js";
import { type CaseDef, hours, isOutcome, needMeterCot, outcome } from "./case.js";

function what(z: Zcl): string {
  return z.frameType === "specific" ? "GetChangeOfTenancy" : "Read 0x0708/0x0200";
}

function queryCase(id: string, role: EndpointRole): CaseDef {
  const name = role.toUpperCase();
  return {
    id,
    title: `Queries the ${name} for CoT`,
    // the duty to query is GB (SECMP0056); the window it is judged in is hanbench's policy
    basis: ["gb", "policy"],
    phases: [PHASE.cot, PHASE.observe],
    // the query is the evidence: once every DUT has queried, the rest of the window adds nothing to this case
    waits: { [PROBE.afterCot]: "query" },
    evaluate(view) {
      const v = view.variant;
      if (!v.cotMeters.includes(role)) {
        return outcome("not_applicable", `hub variant '${v.name}': the ${name} carries no CoT (${v.summary})`);
      }
      const cot = needMeterCot(view, PHASE.cot, role);
      if (isOutcome(cot)) return cot;
      // a run stopped inside the window and resumed: the window counts from the resume (view.windowFrom)
      const { ms: from, resume } = view.windowFrom(cot.event);
      const end = from + view.windowMs;
      const window = resume
        ? `${hours(view.windowMs)}, counted from the resume at seq ${resume.seq}: the run stopped inside it`
        : hours(view.windowMs);
      const since = resume
        ? `the resume (seq ${resume.seq}) that followed CoT seq ${cot.event.seq}`
        : `CoT seq ${cot.event.seq}`;
      const q = view.cotQueries({ role, afterSeq: cot.event.seq, untilMs: end })[0];
      if (q) {
        return outcome(
          "pass",
          `seq ${q.seq}: ${what(q)} on the ${name} (hub endpoint ${q.hubEp}) ${resume && q.seq > resume.seq ? `${hours(ms(q) - from)} after ${since}` : `${hours(ms(q) - ms(cot.event))} after CoT seq ${cot.event.seq}`} (window ${window})`,
          [cot.event.seq, q.seq],
        );
      }
      const elsewhere = view.sent.filter(
        (z) => isCotQuery(z) && z.seq > cot.event.seq && ms(z) <= end && view.roleOf(z) !== role,
      );
      const note = elsewhere.length
        ? `; ${elsewhere.length} CoT query(ies) went elsewhere (hub endpoint ${[...new Set(elsewhere.map((z) => z.hubEp))].join(", ")}, first seq ${elsewhere[0]!.seq})`
        : "";
      if (ms(view.last) < end) {
        return outcome(
          "inconclusive",
          `evidence ends ${hours(ms(view.last) - from)} into the ${window} window after ${since}, with no CoT query on the ${name} yet${note}`,
          [cot.event.seq, view.last.seq],
        );
      }
      return outcome(
        "fail",
        `no Read 0x0708/0x0200 nor GetChangeOfTenancy on the ${name} within ${window} of ${since}${note}`,
        [cot.event.seq, elsewhere[0]?.seq],
      );
    },
  };
}

export const cot03 = queryCase("COT-03", "gpf");
export const cot04 = queryCase("COT-04", "esme");

/**
 * COT-09 No spurious clearing (cot-suite.md "Cases"). A CoT is an event identified by its issuer event id
 * and implementation time (domain.md §3.5); reading the same CoT again, or the server's NOT_FOUND answer
 * when no CoT is pending (domain.md §3.6), is no new CoT and must not clear the occupier's data.
 *
 * Fail: (a) the `baseline` probe lacks a category of data (consumption, messages) the hub had served before a
 * "no CoT" answer (Default Response NOT_FOUND, or a failed read of 0x0200) to this DUT; or (b) an item of the
 * new occupier (from the main CoT's T) held at `after-new-data` is gone at `after-repeat` (attribution.ts
 * `lostItems`: a value fetched again after a clear does not hide the history that went with it), with no CoT
 * recorded in between; or (c) an item of the new occupier held at `after-repeat` is gone at `after-date-none`
 * (every meter's CoT record went: a meter or the hub replaced, 0x0200 "no date" again) or one held at
 * `after-date-none` is gone at `after-date-older` (a CoT dated before the main one recorded on the replaced
 * meter: nothing of the new occupier lies before it). Evidence without those probes (an older plan) is
 * judged on (a) and (b).
 */
import { ClusterId, globalCommand, Status } from "../../zcl/index.js";
import type { ZclEvent } from "../../evidence/events.js";
import { type Category, itemsOn, listHeld, lostItems, previousOf } from "../attribution.js";
import { PHASE, PROBE } from "../plan.js";
import { ATTR_CHANGE_OF_TENANCY_UPDATE } from "../questions.js";
import { CATEGORY_LABEL, type CaseDef, isOutcome, names, needCots, needProbe, type Outcome, outcome } from "./case.js";
import type { CotSet, DutView, Probe } from "../view.js";

const CMD_READ_RSP = globalCommand("readRsp")!.id;
const CMD_DEFAULT_RSP = globalCommand("defaultRsp")!.id;

/** A hub → DUT answer saying there is no CoT: Default Response NOT_FOUND, or 0x0200 read with a failure status. */
function isNoCotAnswer(z: ZclEvent): boolean {
  if (z.dir !== "out" || z.clusterId !== ClusterId.deviceManagement || z.frameType !== "global") return false;
  const p = (z.payload ?? {}) as Record<string, unknown>;
  if (z.commandId === CMD_DEFAULT_RSP) return Number(p.statusCode ?? p.status) === Status.NOT_FOUND;
  if (z.commandId !== CMD_READ_RSP || !Array.isArray(z.payload)) return false;
  return (z.payload as Record<string, unknown>[]).some(
    (r) => r.attrId === ATTR_CHANGE_OF_TENANCY_UPDATE && Number(r.status ?? 0) !== 0,
  );
}

const CLUSTER_OF: Partial<Record<Category, number>> = {
  consumption: ClusterId.metering,
  messages: ClusterId.messaging,
};

/**
 * (c) The CoT date going back, to none and then to an older date: the new occupier's data held before each
 * step is still held after it. A note for the pass reason, or the outcome that settles the case.
 */
function dateBack(view: DutView, set: CotSet, from: Probe, cats: Category[]): Outcome | string {
  if (!view.probe(PROBE.afterDateNone) && !view.probe(PROBE.afterDateOlder)) return "";
  const none = needProbe(view, PROBE.afterDateNone);
  if (isOutcome(none)) return none;
  const older = needProbe(view, PROBE.afterDateOlder);
  if (isOutcome(older)) return older;
  const reset = view.events.find((e) => e.kind === "cot-reset" && e.seq > from.seq && e.seq < none.seq);
  const back = view.cots.find((c) => c.event.seq > none.seq && c.event.seq < older.seq);
  if (!reset || !back) {
    return outcome(
      "inconclusive",
      `no ${reset ? "older CoT date" : "reset of the CoT records"} between probes seq ${reset ? none.seq : from.seq} and ${reset ? older.seq : none.seq}`,
      [from.seq, none.seq, older.seq],
    );
  }
  const a0 = view.attributed(from, set.ts);
  const an = view.attributed(none, set.ts);
  const ao = view.attributed(older, set.ts);
  const steps: [string, number, Probe, typeof a0, typeof a0][] = [
    [`the CoT date went back to none (reset seq ${reset.seq})`, reset.seq, none, a0, an],
    [
      `the CoT date went back to ${back.event.implementationTime} (CoT seq ${back.event.seq})`,
      back.event.seq,
      older,
      an,
      ao,
    ],
  ];
  for (const [what, seq, p, before, after] of steps) {
    const lost = cats.flatMap((cat) => lostItems(before, after, cat, "new"));
    if (lost.length) {
      return outcome(
        "fail",
        `probe seq ${p.seq} no longer holds ${lost.length} item(s) of the new occupier (${listHeld(lost)}) after ${what}`,
        [seq, p.seq],
      );
    }
  }
  const kept = cats.map((cat) => `${itemsOn(ao, cat, "new").length} ${CATEGORY_LABEL[cat]}`).join(", ");
  return `; the CoT date going back to none (reset seq ${reset.seq}) and to ${back.event.implementationTime} (seq ${back.event.seq}) cleared nothing: probe seq ${older.seq} holds ${kept} of the new occupier`;
}

export const cot09: CaseDef = {
  id: "COT-09",
  title: "No spurious clearing",
  basis: ["gb"],
  phases: [PHASE.baseline, PHASE.newData, PHASE.repeat],
  // what the case needs is a re-read of what changed (the unchanged CoT, no date, an older date), over before
  // the probe: each DUT's first poll after the change ends the wait (early-end.ts)
  waits: { [PROBE.afterRepeat]: "re-read", [PROBE.afterDateNone]: "re-read", [PROBE.afterDateOlder]: "re-read" },
  evaluate(view) {
    const set = needCots(view, PHASE.cot);
    if (isOutcome(set)) return set;
    const c = set.first.event.seq;
    const cats: Category[] = ["consumption", "messages"];

    // (a) a NOT_FOUND answer before the CoT clears nothing.
    const base = view.probe(PROBE.baseline);
    const noCot = view.zcl.filter((z) => isNoCotAnswer(z) && base && z.seq < base.seq && z.seq < c);
    if (base?.ok && noCot.length) {
      const a = view.attributed(base, set.ts);
      const last = noCot.at(-1)!;
      const lost = cats.filter(
        (cat) =>
          previousOf(a, cat, { anyMessage: true }).length === 0 &&
          view.served.some((s) => s.clusterId === CLUSTER_OF[cat] && s.seq < last.seq),
      );
      if (lost.length) {
        return outcome(
          "fail",
          `baseline probe seq ${base.seq} holds no ${names(lost)} after the "no CoT" answer seq ${last.seq} (0x0708), though they were served before it`,
          [last.seq, base.seq],
        );
      }
    }

    // (b) re-reading the unchanged CoT clears nothing of the new tenancy.
    const p1 = needProbe(view, PROBE.afterNewData);
    if (isOutcome(p1)) return p1;
    const p2 = needProbe(view, PROBE.afterRepeat);
    if (isOutcome(p2)) return p2;
    const between = view.cots.find((c) => c.event.seq > p1.seq && c.event.seq < p2.seq);
    if (between) {
      return outcome(
        "inconclusive",
        `CoT seq ${between.event.seq} was recorded between probes seq ${p1.seq} and ${p2.seq}`,
        [p1.seq, between.event.seq, p2.seq],
      );
    }
    const a1 = view.attributed(p1, set.ts);
    const held = cats.filter((cat) => itemsOn(a1, cat, "new").length > 0);
    if (held.length === 0) {
      return outcome(
        "inconclusive",
        `after-new-data probe seq ${p1.seq} holds no data of the new occupier that could be lost`,
        [p1.seq],
      );
    }
    const polls = view.cotQueries({ afterSeq: p1.seq, beforeSeq: p2.seq });
    const a2 = view.attributed(p2, set.ts);
    const lost = held.flatMap((cat) => lostItems(a1, a2, cat, "new"));
    const pollNote = `${polls.length} re-read(s) of the unchanged CoT seq ${c}${polls[0] ? ` (first seq ${polls[0].seq})` : ""}`;
    const nfNote = noCot.length ? `; ${noCot.length} NOT_FOUND answer(s) before the CoT cleared nothing` : "";
    if (lost.length) {
      return outcome(
        "fail",
        `after-repeat probe seq ${p2.seq} no longer holds ${lost.length} item(s) of the new occupier held at seq ${p1.seq} (${listHeld(lost)}) after ${pollNote}`,
        [p1.seq, polls[0]?.seq, p2.seq],
      );
    }
    const back = dateBack(view, set, p2, held);
    if (isOutcome(back)) return back;
    const counts = held.map((cat) => `${itemsOn(a2, cat, "new").length} ${CATEGORY_LABEL[cat]}`).join(", ");
    return outcome(
      "pass",
      `after-repeat probe seq ${p2.seq} still holds ${counts} of the new occupier after ${pollNote}${nfNote}${back}`,
      [p1.seq, polls[0]?.seq, p2.seq, noCot[0]?.seq, view.probe(PROBE.afterDateOlder)?.seq],
    );
  },
};

/**
 * What a conformance case is: an id and title from cot-suite.md, the phases whose evidence it reads, and a
 * function from the DUT's view of the evidence (plus the results of the cases before it) to an outcome.
 */
import type { EndpointRole } from "../../evidence/events.js";
import type { Basis, CaseResult, Verdict } from "../results.js";
import { type Attributed, type Category, previousOf } from "../attribution.js";
import type { EarlyEnd, PhaseName } from "../plan.js";
import { type CotInfo, type CotSet, type DutView, ms, type Probe } from "../view.js";
import { hex } from "../../hex.js";

export interface Outcome {
  verdict: Verdict;
  /** One line naming the frames (seq, cluster, attribute, endpoint) or values the verdict rests on. */
  reason: string;
  /** Seq numbers of the evidence behind it. */
  evidence: number[];
  /** Inconclusive because an earlier case was not met, not because evidence is missing. */
  dependency?: string;
}

export interface CaseDef {
  id: string;
  title: string;
  /** What the case rests on (cot-suite.md "Basis of each case"), carried by every result and report. */
  basis: readonly Basis[];
  /** Phases whose evidence the case reads: a bench error inside them turns a missing piece into `error`. */
  phases: PhaseName[];
  /**
   * Earlier cases whose results it reads (`prior`; COT-02 for the clear cases): they are evaluated whenever
   * it is, and it is given only their results.
   */
  needs?: string[];
  /**
   * What the case needs before a probe it reads (by the probe's purpose) when that is less than the whole
   * wait before it (early-end.ts): absent, the wait lasts its whole length.
   */
  waits?: Readonly<Record<string, EarlyEnd>>;
  evaluate(view: DutView, prior: ReadonlyMap<string, CaseResult>): Outcome;
}

export function outcome(verdict: Verdict, reason: string, evidence: (number | undefined)[] = []): Outcome {
  const seqs = [...new Set(evidence.filter((s): s is number => typeof s === "number"))].sort((a, b) => a - b);
  return { verdict, reason, evidence: seqs };
}

/** A probe that is there and answered, or the inconclusive outcome saying why not. */
export function needProbe(view: DutView, purpose: string): Probe | Outcome {
  const p = view.probe(purpose);
  if (!p) return outcome("inconclusive", `no '${purpose}' probe of this DUT in the evidence`);
  if (!p.ok) {
    return outcome(
      "inconclusive",
      `'${purpose}' probe seq ${p.seq} (${p.method}) got no answer: ${p.error ?? "no reason given"}`,
      [p.seq],
    );
  }
  return p;
}

export function isOutcome(x: unknown): x is Outcome {
  return typeof x === "object" && x !== null && "verdict" in x && "reason" in x;
}

/** The CoTs the first step of a phase recorded (one per meter), or the inconclusive outcome. */
export function needCots(view: DutView, phase: PhaseName): CotSet | Outcome {
  const set = view.cotSetsIn(phase)[0];
  return set ?? outcome("inconclusive", `no CoT recorded in phase '${phase}'`);
}

/** The CoT a phase recorded on one meter, or the inconclusive outcome. */
export function needMeterCot(view: DutView, phase: PhaseName, meter: EndpointRole): CotInfo | Outcome {
  const cot = view.cotsIn(phase).find((c) => c.meter === meter);
  return cot ?? outcome("inconclusive", `no CoT recorded on the ${meter.toUpperCase()} in phase '${phase}'`);
}

/** "CoT seq 12 (GPF T 2026-…, ESME T 2026-…)": the CoTs of a set and their T per meter. */
export function describeCots(set: CotSet): string {
  const parts = set.cots.map((c) => `${c.meter.toUpperCase()} seq ${c.event.seq} T ${c.event.implementationTime}`);
  return `CoT ${parts.join(", ")}`;
}

/**
 * A probe taken after a CoT set's clear is due: at or after max(T, recorded) + the detection window, or the
 * inconclusive outcome.
 */
export function needProbeAfter(view: DutView, purpose: string, set: CotSet): Probe | Outcome {
  const p = needProbe(view, purpose);
  if (isOutcome(p)) return p;
  const due = set.dueMs + view.windowMs;
  if (ms(p) < due || p.seq < set.first.event.seq) {
    return outcome(
      "inconclusive",
      `'${purpose}' probe seq ${p.seq} was taken at ${p.t}, before the clear was due (${new Date(due).toISOString()}: max(T, recorded) + the ${hours(view.windowMs)} window) after ${describeCots(set)}`,
      [p.seq, set.first.event.seq],
    );
  }
  return p;
}

/**
 * cot-suite.md COT-02: when the DUT did not hold the previous occupier's data before the CoT, the clear
 * cases cannot show anything was cleared, so they are inconclusive.
 */
export function needCot02(prior: ReadonlyMap<string, CaseResult>): Outcome | undefined {
  const r = prior.get("COT-02");
  if (r && r.verdict === "pass") return undefined;
  return {
    ...outcome(
      "inconclusive",
      `COT-02 not met (${r?.verdict ?? "not evaluated"}): no previous-occupier data to see cleared`,
    ),
    dependency: "COT-02",
  };
}

/** What SECMP0056 has a device clear (historic consumption and supplier messages), as attribution classes. */
export const CLEARED: readonly Category[] = ["consumption", "aggregates", "messages"];

export const CATEGORY_LABEL: Record<Category, string> = {
  consumption: "interval data",
  messages: "supplier messages",
  topUps: "top-ups",
  debts: "debt-recovery entries",
  aggregates: "device aggregates",
  state: "meter state values",
};

/** "12 interval data, 1 supplier messages" of the previous occupier in attributed holdings. */
export function countsOf(a: Attributed, categories: readonly Category[]): string {
  return categories.map((c) => `${previousOf(a, c).length} ${CATEGORY_LABEL[c]}`).join(", ");
}

export function hours(ms: number): string {
  const h = ms / 3_600_000;
  return Number.isInteger(h) ? `${h} h` : `${h.toFixed(1)} h`;
}

export function control32(control: number): string {
  return hex(control >>> 0, 8);
}

/** The categories of which the holdings have something of the previous occupier. */
export function heldCategories(a: Attributed, categories: readonly Category[]): Category[] {
  return categories.filter((c) => previousOf(a, c).length > 0);
}

/** "interval data and supplier messages". */
export function names(cats: readonly Category[]): string {
  return cats.map((c) => CATEGORY_LABEL[c]).join(" and ");
}

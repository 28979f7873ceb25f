/**
 * What a conformance case is: an id and title from cot-suite.md, the phases whose evidence it reads, and a
 * function from the DUT's view of the evidence (plus the results of the cases before it) to an outcome.
 */
import type { CaseResult, Verdict } from "../results.js";
import { type Attributed, type Category, heldOf } from "../attribution.js";
import type { PhaseName } from "../plan.js";
import { CLEAR_CONSUMER, CLEAR_SUPPLIER } from "../tenancy.js";
import type { CotInfo, DutView, Probe } from "../view.js";
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
  /** Phases whose evidence the case reads: a bench error inside them turns a missing piece into `error`. */
  phases: PhaseName[];
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

/** The CoT a phase records (the first one), or the inconclusive outcome. */
export function needCot(view: DutView, phase: PhaseName): CotInfo | Outcome {
  const cot = view.cotsIn(phase)[0];
  return cot ?? outcome("inconclusive", `no CoT recorded in phase '${phase}'`);
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

/** The categories a control clears on an IHD/PPMID: bit 9 consumption, bit 10 supplier messages. */
export function clearedCategories(control: number): Category[] {
  const out: Category[] = [];
  if (control & CLEAR_CONSUMER) out.push("consumption");
  if (control & CLEAR_SUPPLIER) out.push("messages");
  return out;
}

export const CATEGORY_LABEL: Record<Category, string> = {
  consumption: "consumption values",
  messages: "supplier messages",
  topUps: "top-ups",
  debts: "debt-recovery entries",
};

/** "12 consumption values, 1 supplier messages" of a tenancy in attributed holdings. */
export function countsOf(a: Attributed, categories: Category[], tenancy: number): string {
  return categories.map((c) => `${heldOf(a, c, tenancy).length} ${CATEGORY_LABEL[c]}`).join(", ");
}

export function hours(ms: number): string {
  const h = ms / 3_600_000;
  return Number.isInteger(h) ? `${h} h` : `${h.toFixed(1)} h`;
}

export function control32(control: number): string {
  return hex(control >>> 0, 8);
}

/** The categories of which the holdings have something of the tenancy. */
export function heldCategories(a: Attributed, categories: Category[], tenancy: number): Category[] {
  return categories.filter((c) => heldOf(a, c, tenancy).length > 0);
}

/** "consumption values and supplier messages". */
export function names(cats: Category[]): string {
  return cats.map((c) => CATEGORY_LABEL[c]).join(" and ");
}

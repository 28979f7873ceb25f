/** How the suite learns what a DUT holds (cot-suite.md "Probes"). */
import type { HeldMessage, HeldValue, Holdings } from "../../evidence/events.js";

/** What the probe should look for: the marker texts and values the hub served, per tenancy. */
export interface LookFor {
  messages: (HeldMessage & { tenancy: number })[];
  consumption: (HeldValue & { tenancy: number })[];
}

export interface ProbeAnswer {
  ok: boolean;
  /** Why no answer could be had (ok false). */
  error?: string;
  holdings?: Holdings;
  /** Operator answers, verbatim, keyed by question. */
  answers?: Record<string, string>;
}

export interface Probe {
  readonly method: "virtual" | "console" | "operator";
  take(purpose: string, lookFor: LookFor): Promise<ProbeAnswer>;
}

export function emptyHoldings(): Holdings {
  return { consumption: [], messages: [], topUps: [], debts: [] };
}

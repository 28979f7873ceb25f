/** How the suite learns what a DUT holds (cot-suite.md "Probes"). */
import type { EndpointRole, Holdings } from "../../evidence/events.js";

/**
 * What a probe should look for, in display terms: the supplier messages the hub published or served the
 * DUT, the periods it served figures of (per meter, view and measure), and each meter's latest CoT.
 */
export interface LookFor {
  messages: { messageId: number; text: string; publishedAt: string; roles: EndpointRole[] }[];
  periods: {
    role: EndpointRole;
    clusterId: number;
    view: "day" | "week" | "month";
    /** consumption (kWh, or m³ on the gas mirror), energy (the gas mirror's kWh set) or cost. */
    measure: "consumption" | "energy" | "cost";
    /** ISO [start, end). */
    start: string;
    end: string;
  }[];
  cots: { meter: EndpointRole; implementationTime: string }[];
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
  /**
   * False for a probe that reads the device and never its `lookFor` (virtual, console): it is then given an
   * empty one, and what to look for is not worked out from the log for each of its probes.
   */
  readonly readsLookFor?: boolean;
  take(purpose: string, lookFor: LookFor): Promise<ProbeAnswer>;
}

/** The `lookFor` of a probe that does not read it. */
export function nothingToLookFor(): LookFor {
  return { messages: [], periods: [], cots: [] };
}

export function emptyHoldings(): Holdings {
  return { consumption: [], messages: [], topUps: [], debts: [], aggregates: [], state: [] };
}

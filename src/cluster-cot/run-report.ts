/**
 * The finished results of a run: the `RunReport` of results.ts, built from the evidence log (the run event
 * for tool, version, hub parameters, DUTs and provenance; the cases of this layer for the verdicts; the lab's
 * requirements map, given here or recorded in the run event, for the clauses). Every report (JSON, JUnit,
 * HTML, the terminal table) renders this structure and decides nothing itself.
 * Hub parameters never carry keys: anything named like a key is dropped (`withoutKeys`).
 */
import type { Evidence, RequirementsMap } from "../evidence/events.js";
import { withoutKeys } from "../evidence/json-safe.js";
import { CASES, evaluate, evaluateInOrder, runOf } from "./index.js";
import { type ProvenanceInputs, provenanceOf } from "./provenance.js";
import { validateRequirements, withRequirements } from "./requirements.js";
import { type RunReport, summarise } from "./results.js";

export interface ReportOptions extends ProvenanceInputs {
  /** A requirements map that replaces the one recorded in the run event (`hanbench report --requirements`). */
  requirements?: RequirementsMap;
}

function inSeqOrder(events: readonly Evidence[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i - 1]!.seq >= events[i]!.seq) return false;
  return true;
}

/**
 * The report of a run. Throws if the evidence has no run event, and (RequirementsError) when the requirements
 * map recorded in the log does not fit the suite.
 */
export function buildReport(events: Evidence[], opts: ReportOptions = {}): RunReport {
  const run = runOf(events);
  if (!run) throw new Error("the evidence has no run event: not the log of a hanbench run");
  // a run's own log is in seq order already: read as it is, so the cases read the index the runner built
  // over it (log-index.ts) instead of a copy and a second index
  const sorted = inSeqOrder(events) ? events : [...events].sort((a, b) => a.seq - b.seq);
  const requirements =
    opts.requirements ??
    (run.requirements
      ? {
          ...validateRequirements(run.requirements, "the requirements map in the run event", CASES),
          ...(run.requirements.file ? { file: run.requirements.file } : {}),
        }
      : undefined);
  // in seq order already, the log and its run event are as evaluate would find them
  const duts = (sorted === events ? evaluateInOrder(events, run) : evaluate(sorted)).map((d) => ({
    ...d,
    results: d.results.map((r) => withRequirements(r, requirements?.cases[r.id])),
  }));
  let finishedAt: string | undefined;
  for (let i = 0; i < events.length; i++) {
    const t = events[i]!.t;
    if (typeof t === "string" && (finishedAt === undefined || t > finishedAt)) finishedAt = t;
  }
  const notTestable = events.find((e) => e.kind === "outcome" && e.outcome === "not-testable");
  return {
    tool: "hanbench",
    version: run.version,
    mode: run.mode,
    seed: run.seed,
    baseline: run.baseline,
    hub: withoutKeys(run.hub ?? {}) as Record<string, unknown>,
    startedAt: run.t,
    finishedAt: finishedAt ?? run.t,
    provenance: provenanceOf(sorted, run, { ...opts, ...(requirements ? { requirements } : {}) }),
    duts,
    summary: summarise(duts),
    ...(notTestable?.kind === "outcome" ? { notTestable: notTestable.reason } : {}),
  };
}

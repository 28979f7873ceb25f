/**
 * The run report as JSON: the `RunReport` structure of results.ts, built from the evidence log (the run
 * event for tool, version, hub parameters and DUTs; the cases of src/cluster-cot for the verdicts).
 * Hub parameters never carry keys: anything named like a key is dropped (evidence.ts `withoutKeys`).
 */
import { evaluate, runOf } from "../cluster-cot/index.js";
import { type Evidence, withoutKeys } from "./evidence.js";
import { type RunReport, summarise, VERDICTS } from "./results.js";

/** The report of a run: throws if the evidence has no run event. */
export function buildReport(events: Evidence[]): RunReport {
  const run = runOf(events);
  if (!run) throw new Error("the evidence has no run event: not the log of a hanbench run");
  const duts = evaluate(events);
  const times = events
    .map((e) => e.t)
    .filter((t) => typeof t === "string")
    .sort();
  return {
    tool: "hanbench",
    version: run.version,
    mode: run.mode,
    seed: run.seed,
    baseline: run.baseline,
    hub: withoutKeys(run.hub ?? {}) as Record<string, unknown>,
    startedAt: run.t,
    finishedAt: times.at(-1) ?? run.t,
    duts,
    summary: summarise(duts),
  };
}

/** Pretty JSON, one trailing newline. */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Reads a JSON report back; throws on something that is not one. */
export function parseJsonReport(text: string): RunReport {
  const r = JSON.parse(text) as RunReport;
  if (r?.tool !== "hanbench" || !Array.isArray(r.duts) || typeof r.summary !== "object") {
    throw new Error("not a hanbench run report");
  }
  for (const v of VERDICTS) if (typeof r.summary[v] !== "number") throw new Error(`report summary lacks '${v}'`);
  return r;
}

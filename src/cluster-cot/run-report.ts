/**
 * The finished results of a run: the `RunReport` of results.ts, built from the evidence log (the run event
 * for tool, version, hub parameters and DUTs; the cases of this layer for the verdicts). Every report
 * (JSON, JUnit, HTML, the terminal table) renders this structure and decides nothing itself.
 * Hub parameters never carry keys: anything named like a key is dropped (`withoutKeys`).
 */
import type { Evidence } from "../evidence/events.js";
import { withoutKeys } from "../evidence/json-safe.js";
import { evaluate, runOf } from "./index.js";
import { type RunReport, summarise } from "./results.js";

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

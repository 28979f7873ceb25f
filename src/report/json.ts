/**
 * The run report as JSON: the `RunReport` structure of src/cluster-cot/results.ts as it is, built by
 * src/cluster-cot/run-report.ts.
 */
import { type RunReport, VERDICTS } from "../cluster-cot/results.js";

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

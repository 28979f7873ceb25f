/**
 * `hanbench report EVIDENCE [--json FILE] [--junit FILE] [--html FILE]`: re-evaluates the cases over an
 * evidence log and re-renders the reports. Wiring only: reading is readEvidence, verdicts are
 * src/cluster-cot, rendering is src/report.
 */
import { writeFileSync } from "node:fs";
import { makeDirs } from "../files.js";
import { dirname } from "node:path";
import { evidenceWarnings, readEvidence } from "../evidence/read.js";
import { buildReport } from "../cluster-cot/run-report.js";
import { renderJson } from "../report/json.js";
import { renderJunit } from "../report/junit.js";
import { exitCodeFor, type RunReport, VERDICTS } from "../cluster-cot/results.js";
import { parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";

const HELP = `hanbench report — re-render the reports of a run from its evidence log

Usage: hanbench report EVIDENCE [--json FILE] [--junit FILE] [--html FILE]

Reads EVIDENCE (the JSON-lines evidence log a run wrote), evaluates every case of the CoT suite for every
device under test again, prints a verdict table on stdout and writes the reports asked for. Every line is
checked against the evidence schema: a line that is not JSON (such as the cut last line of a crashed run),
not an event, with a field of the wrong type, or whose seq repeats or goes back is skipped with a warning
naming the line and why (ten at most, then a count); seq numbers that jump are warned about. A binary file
is refused (exit 2) without echoing it.

Options:
  --json FILE    write the run report as JSON (tool, version, hub parameters without keys, one entry per
                 device with one result per case, and the verdict summary)
  --junit FILE   write JUnit XML: one testsuite per device, one testcase per case ("COT-06 Clears ...")
  --html FILE    write the HTML report (one self-contained page)
  -h, --help     this text

Exit code: 0 every case passed (or was info / not applicable), 1 a case failed, 3 nothing failed but
something was inconclusive or in error, 2 bad usage or an unreadable log.

Example:
  hanbench report runs/2026-05-04.evidence.jsonl --junit results/cot.xml --json results/cot.json`;

/** Writes a report file, making its directory; a path that cannot be written is a usage error. */
export function writeOutput(path: string, text: string): void {
  try {
    makeDirs(dirname(path));
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** The verdict table printed on stdout. */
export function verdictTable(report: RunReport): string {
  const lines: string[] = [];
  for (const d of report.duts) {
    lines.push(`${d.label}  ${d.kind} ${d.ieee}${d.dutFile ? `  ${d.dutFile}` : ""}`);
    for (const r of d.results) lines.push(`  ${r.id}  ${r.verdict.padEnd(14)} ${r.title}: ${r.reason}`);
    lines.push("");
  }
  lines.push(
    VERDICTS.filter((v) => report.summary[v] > 0)
      .map((v) => `${report.summary[v]} ${v}`)
      .join(", ") || "no cases",
  );
  return `${lines.join("\n")}\n`;
}

export const command: CliCommand = {
  async run(argv) {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "string" },
        junit: { type: "string" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return Exit.ok;
    }
    if (positionals.length !== 1) throw new UsageError("give exactly one evidence file (see --help)");
    const path = positionals[0]!;
    let read: ReturnType<typeof readEvidence>;
    try {
      read = readEvidence(path);
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
    }
    for (const w of evidenceWarnings(path, read)) process.stderr.write(`${w}\n`);
    if (!read.events.some((e) => e.kind === "run")) {
      throw new UsageError(`${path} has no run event: not the evidence log of a hanbench run`);
    }
    const report = buildReport(read.events);
    process.stdout.write(verdictTable(report));
    if (values.json) writeOutput(values.json, renderJson(report));
    if (values.junit) writeOutput(values.junit, renderJunit(report));
    if (values.html) {
      const { renderHtml } = await import("../report/html.js");
      writeOutput(values.html, renderHtml(report, read.events));
    }
    return exitCodeFor(report.summary);
  },
};

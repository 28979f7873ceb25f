/**
 * `hanbench report EVIDENCE [--verify] [--requirements FILE] [--json FILE] [--junit FILE] [--html FILE]
 * [--compare OTHER]`: re-evaluates the cases over an evidence log and re-renders the reports, or compares the
 * verdicts of two runs. Wiring only: reading and sealing are src/evidence, verdicts src/cluster-cot,
 * rendering src/report.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { makeDirs } from "../files.js";
import { dirname } from "node:path";
import { checkSeal, digestPath, type SealCheck } from "../evidence/digest.js";
import type { Evidence, RequirementsMap } from "../evidence/events.js";
import { evidenceWarnings, readEvidence } from "../evidence/read.js";
import { CASES } from "../cluster-cot/index.js";
import { parseRequirements, RequirementsError } from "../cluster-cot/requirements.js";
import { buildReport } from "../cluster-cot/run-report.js";
import { exitCodeFor, type RunReport } from "../cluster-cot/results.js";
import { compareReports, renderComparison } from "../report/compare.js";
import { renderJson } from "../report/json.js";
import { renderJunit } from "../report/junit.js";
import { renderTerminal } from "../report/terminal.js";
import { parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";

const HELP = `hanbench report — re-render the reports of a run from its evidence log, check it, compare two runs

Usage: hanbench report EVIDENCE [--verify] [--requirements FILE] [--json FILE] [--junit FILE] [--html FILE]
       hanbench report EVIDENCE --compare OTHER [--verify]

Reads EVIDENCE (the JSON-lines evidence log a run wrote), evaluates every case of the CoT suite for every
device under test again, prints a verdict table on stdout and writes the reports asked for. Everything the
reports say comes from the log: verdicts, the run's provenance (report id, times, versions, coordinator
firmware, DUT identity, lab, CoTs performed, deviations) and the requirements map given at run time. Every
line is checked against the evidence schema: a line that is not JSON (such as the cut last line of a crashed
run), not an event, with a field of the wrong type, or whose seq repeats or goes back is skipped with a
warning naming the line and why (ten at most, then a count); seq numbers that jump are warned about. A binary
file is refused (exit 2) without echoing it.

Options:
  --verify           first recompute the log's SHA-256 and compare it with the seal the run wrote beside it
                     (EVIDENCE.sha256); a log without a seal, or one that does not match it, is refused
                     (exit 2). Without --verify a mismatch is only a warning, and the reports say so
  --requirements FILE  the lab's requirements map (JSON or CSV, see docs/reports.md) instead of the one
                     recorded at run time; an unknown case id is an error (exit 2)
  --json FILE        the run report as JSON (results, provenance, DUT identity, evidence hash)
  --junit FILE       JUnit XML: one testsuite per device, one testcase per case
  --html FILE        the HTML report (one self-contained page, verdict first, prints on A4)
  --compare OTHER    list the cases whose verdict differs between EVIDENCE (A) and the evidence log OTHER
                     (B), devices matched by label then by EUI-64; no table, and the exit code says whether
                     anything differs
  -h, --help         this text

Exit code: 0 every case passed (or was info / not applicable), 1 a case failed, 3 nothing failed but
something was inconclusive or in error, 2 bad usage, an unreadable log, or a log --verify refuses.
With --compare: 0 no case differs, 1 some case differs, 2 bad usage.

Examples:
  hanbench report runs/2026-05-04/evidence.jsonl --verify --junit results/cot.xml --html results/cot.html
  hanbench report fw-5.0.3/evidence.jsonl --compare fw-5.0.4/evidence.jsonl`;

/** Writes a report file, making its directory; a path that cannot be written is a usage error. */
export function writeOutput(path: string, text: string): void {
  try {
    makeDirs(dirname(path));
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** The verdict table printed on stdout: 80 columns, colour on a terminal unless NO_COLOR is set. */
export function verdictTable(report: RunReport): string {
  return renderTerminal(report, { width: 80, color: !!process.stdout.isTTY && !process.env.NO_COLOR });
}

/** Reads and checks a requirements map; what is wrong with it is a usage error (one line, exit 2). */
export function loadRequirements(path: string): RequirementsMap {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`--requirements: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  try {
    return parseRequirements(text, path, CASES);
  } catch (err) {
    if (err instanceof RequirementsError) throw new UsageError(`--requirements: ${err.message}`);
    throw err;
  }
}

/** `hanbench report --verify`: one line, and the refusal as a usage error. */
function verify(path: string, check: SealCheck): string {
  if (check.ok) return `verified: ${path} matches its seal ${digestPath(path)} (SHA-256 ${check.sha256})`;
  if (check.reason === "no-seal")
    throw new UsageError(`--verify: ${path} has no seal (${digestPath(path)} is missing): its run did not close it`);
  throw new UsageError(`--verify: ${path} does not match its seal: SHA-256 ${check.actual}, sealed ${check.expected}`);
}

interface Loaded {
  events: Evidence[];
  report: RunReport;
}

function load(path: string, opts: { verify: boolean; requirements?: RequirementsMap }): Loaded & { verified?: string } {
  let read: ReturnType<typeof readEvidence>;
  let check: SealCheck;
  try {
    read = readEvidence(path);
    check = checkSeal(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const verified = opts.verify ? verify(path, check) : undefined;
  if (!opts.verify && !check.ok && check.reason === "mismatch")
    process.stderr.write(`warning: ${path} does not match its seal ${digestPath(path)}: it changed after the run\n`);
  for (const w of evidenceWarnings(path, read)) process.stderr.write(`${w}\n`);
  if (!read.events.some((e) => e.kind === "run")) {
    throw new UsageError(`${path} has no run event: not the evidence log of a hanbench run`);
  }
  const sha256 = check.ok ? check.sha256 : check.actual;
  const seal = check.ok ? "matches" : check.reason === "no-seal" ? "none" : "differs";
  let report: RunReport;
  try {
    report = buildReport(read.events, {
      evidence: { file: path, sha256, seal },
      ...(opts.requirements ? { requirements: opts.requirements } : {}),
    });
  } catch (err) {
    if (err instanceof RequirementsError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
  return { events: read.events, report, ...(verified ? { verified } : {}) };
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
        requirements: { type: "string" },
        verify: { type: "boolean" },
        compare: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return Exit.ok;
    }
    if (positionals.length !== 1) throw new UsageError("give exactly one evidence file (see --help)");
    const path = positionals[0]!;
    const requirements = values.requirements !== undefined ? loadRequirements(values.requirements) : undefined;
    const verifyToo = values.verify ?? false;
    const a = load(path, { verify: verifyToo, ...(requirements ? { requirements } : {}) });
    const b = values.compare !== undefined ? load(values.compare, { verify: verifyToo }) : undefined;
    for (const v of [a.verified, b?.verified]) if (v) process.stdout.write(`${v}\n`);
    if (values.json) writeOutput(values.json, renderJson(a.report));
    if (values.junit) writeOutput(values.junit, renderJunit(a.report));
    if (values.html) {
      const { renderHtml } = await import("../report/html.js");
      writeOutput(values.html, renderHtml(a.report, a.events));
    }
    if (b && values.compare !== undefined) {
      const name = (p: string, r: RunReport) => `${p} (${r.provenance.reportId ?? "no report id"}, ${r.startedAt})`;
      const comparison = compareReports(a.report, b.report);
      process.stdout.write(
        renderComparison(comparison, { a: name(path, a.report), b: name(values.compare, b.report) }),
      );
      return comparison.changes.length || comparison.onlyA.length || comparison.onlyB.length ? Exit.failed : Exit.ok;
    }
    process.stdout.write(verdictTable(a.report));
    return exitCodeFor(a.report.summary);
  },
};

/**
 * A bench run's duration in hub time (issue 18): the compliant IHD and PPMID, emulated, polling the CoT every
 * `--poll-interval` (default 30 min) of hub time, `--window auto`, run on the stepped clock from each start hour
 * of the day, once with `--cases` (default `gb`) and once with every case. Prints per run the hub time from
 * the first event to the last, each phase's hub time and why it ended (evidence complete, or its window
 * elapsed), and the verdicts that are not pass/info/not_applicable. Figures, never assertions: they go into
 * docs/benchmarks.md.
 *
 *   node --import tsx scripts/bench-plan.ts [--cases gb] [--poll-interval 30m] [--hours 0,3,6,9,12,15,18,21]
 *                                           [--all-hours 20]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildReport } from "../src/cluster-cot/run-report.js";
import { scratchDir } from "../src/files.js";
import { describePhases } from "../src/cluster-cot/provenance.js";
import { AUTO_WINDOW } from "../src/cluster-cot/window.js";
import { formatDuration, parseDuration } from "../src/duration.js";
import { setDefaultLogLevel } from "../src/log.js";
import { runSuite } from "../src/runner/run.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "gb" },
    "poll-interval": { type: "string", default: "30m" },
    hours: { type: "string", default: "0,3,6,9,12,15,18,21" },
    "all-hours": { type: "string", default: "20" },
  },
});
// a figures script: the runs' logs only when something goes wrong (HANBENCH_LOG_LEVEL says otherwise)
setDefaultLogLevel("warn");
const pollIntervalMs = parseDuration(values["poll-interval"]);
const hoursOf = (text: string) => (text ? text.split(",").map((h) => Number(h.trim())) : []);

/** A day at 00:00 UTC, the same every time the script runs (winter: UTC is UK time). */
const DAY = Date.UTC(2026, 11, 7);

async function once(hour: number, cases: string | undefined): Promise<void> {
  const dir = mkdtempSync(join(scratchDir(), "hb-bench-plan-"));
  try {
    const wall = performance.now();
    const outcome = await runSuite({
      mode: "virtual",
      devices: [
        { kind: "ihd", profile: "compliant", label: "ihd:compliant" },
        { kind: "ppmid", profile: "compliant", label: "ppmid:compliant" },
      ],
      seed: 1,
      windowMs: AUTO_WINDOW.ceilingMs,
      windowAuto: AUTO_WINDOW,
      pollIntervalMs,
      ...(cases !== undefined ? { cases } : {}),
      hubStartMs: DAY + hour * 3_600_000,
      evidencePath: join(dir, "evidence.jsonl"),
      quiet: true,
      tool: "hanbench",
      version: "bench-plan",
    });
    const report = buildReport(outcome.events);
    const hubMs = Date.parse(report.provenance.hubTime.end) - Date.parse(report.provenance.hubTime.start);
    const odd = report.duts.flatMap((d) =>
      d.results
        .filter((r) => !["pass", "info", "not_applicable"].includes(r.verdict))
        .map((r) => `${d.label} ${r.id} ${r.verdict}`),
    );
    console.log(
      `${cases ?? "every case"} from ${String(hour).padStart(2, "0")}:00  hub time ${formatDuration(hubMs).padEnd(10)} (wall ${(
        (performance.now() - wall) / 1000
      ).toFixed(
        1,
      )} s)${outcome.aborted ? `  ABORTED: ${outcome.aborted}` : ""}${odd.length ? `  not passed: ${odd.join(", ")}` : ""}`,
    );
    console.log(`    ${describePhases(report.provenance.phases ?? [])}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`;

console.log(
  `bench plan, compliant IHD and PPMID polling every ${formatDuration(pollIntervalMs)}, --window auto; ${loadAverage()}`,
);
for (const h of hoursOf(values.hours)) await once(h, values.cases);
for (const h of hoursOf(values["all-hours"])) await once(h, undefined);
console.log(loadAverage());

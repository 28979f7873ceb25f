/**
 * The profile matrix (issue 12, "Speed"): every behaviour profile × {ihd, ppmid} × every hub variant, as
 * virtual runs of the whole stack, in one process with worker threads (per variant, the IHD and PPMID profiles
 * as DUTs of runs of at most RUN_DUTS). Prints each run's wall time and verdict counts, then the matrix's
 * wall time, its CPU time (every thread: the figure that depends least on the machine's load) and the
 * process's peak RSS (VmHWM: the main thread and every worker). Goal: ≤ 60 s on the project's 2-core machine.
 *
 * `--save FILE` keeps every verdict (variant, DUT, case); `--compare FILE` lists the verdicts that differ
 * from a saved matrix and exits 1 when one does (a change of window or plan must not change a verdict).
 * `--evidence DIR` keeps each run's evidence file there (`07-reference.jsonl`: the run's place, its variant);
 * without it the runs keep their evidence in memory, where their verdicts are judged.
 *
 * The workers run scripts/bench-matrix-worker.ts bundled with src/ by esbuild as the matrix starts (into a
 * throw-away directory; each module keeps its own import.meta.url, the packages are loaded from node_modules
 * as they are): the same code as through the TypeScript loader, without that loader's cost in every worker.
 *
 * Each run's hub time (first to last event) is printed too: with `--window auto` and `--poll-interval 30m` it
 * is what a bench run of devices polling every 30 minutes would take (issue 18). Without `--poll-interval` the
 * displays poll as MATRIX_POLLING says.
 *
 *   node --import tsx scripts/bench-matrix.ts [--workers N] [--adapter zstack|ember] [--window auto|DURATION]
 *                                             [--poll-interval DURATION] [--cases LIST] [--save FILE] [--compare FILE]
 *                                             [--evidence DIR]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { formatDuration, parseDuration } from "../src/duration.js";
import { scratchDir } from "../src/files.js";
import { HUB_VARIANTS } from "../src/hub/variants.js";
import { behaviourOf, PPMID_ONLY_PROFILES, PROFILES, type ProfileName } from "../src/virtual/devices/profiles.js";
import { AUTO_WINDOW } from "../src/cluster-cot/window.js";
import { bundleInPlace, loadAverage } from "./bench-bundle.js";
import type { Done, Dut, Job } from "./bench-matrix-worker.js";

const profilesOf = (kind: "ihd" | "ppmid"): ProfileName[] =>
  PROFILES.filter((p) => kind === "ppmid" || !PPMID_ONLY_PROFILES.includes(p));

/**
 * DUTs per run, on both adapters alike: fewer than the virtual EmberZNet NCP's key-table entries (12, one per
 * PPMID with CBKE).
 */
const RUN_DUTS = 8;

/**
 * A wait ends before its window only once the evidence its cases need is complete for every DUT of the run
 * (docs/suite.md "Waits that end before their window"). A display that does not discover the hub's endpoints or
 * does not query both meters never completes it, so every wait of its run lasts its whole window: a run with
 * one spans 25-42 days of hub time where the others' runs span 20-21. Those profiles run together.
 */
function keepsWaitsToWindow(profile: ProfileName): boolean {
  const b = behaviourOf(profile);
  return !b.discover || b.queryRoles.length < 2;
}

/**
 * How the matrix's displays poll unless `--poll-interval` says: the CoT every 3 h and their live values every 12 h
 * of hub time (a virtual run's default: hourly and every 6 h). Each DUT-hour of hub time costs the frames of its
 * polls through the whole stack, and the 24 h windows need no more: every verdict is as with the default polling
 * (`--compare` against a matrix saved with it), and each profile still does what its name says at every poll.
 */
const MATRIX_POLLING = { pollIntervalMs: 3 * 3_600_000, refreshIntervalMs: 12 * 3_600_000 };

/** `duts` in runs of at most RUN_DUTS, of even sizes. */
function chunks(duts: Dut[]): Dut[][] {
  if (duts.length === 0) return [];
  const n = Math.ceil(duts.length / RUN_DUTS);
  const size = Math.ceil(duts.length / n);
  return Array.from({ length: n }, (_, i) => duts.slice(i * size, (i + 1) * size));
}

/**
 * The runs of one hub variant: each kind's profiles in runs of their own, but the profiles that keep every wait to
 * its window (a few of each kind) in one run of both kinds: a run's fixed costs (the hub and its ESME, the joins,
 * the judging) are paid once for them.
 */
function runsOf(): Dut[][] {
  const of = (kind: Dut["kind"]) => profilesOf(kind).map((profile) => ({ kind, profile }));
  const [ihd, ppmid] = [of("ihd"), of("ppmid")];
  const keeping = (d: Dut) => keepsWaitsToWindow(d.profile);
  return [
    ...chunks(ihd.filter((d) => !keeping(d))),
    ...chunks(ppmid.filter((d) => !keeping(d))),
    ...chunks([...ihd, ...ppmid].filter(keeping)),
  ];
}

/** A run's place in a saved matrix: its variant, then its DUTs. */
const runKey = (job: Job) => `${job.variant} ${job.duts.map((d) => `${d.kind}:${d.profile}`).join(",")}`;

/** `ihd×3+ppmid×5`. */
function describeRun(duts: readonly Dut[]): string {
  const n = (kind: Dut["kind"]) => duts.filter((d) => d.kind === kind).length;
  return (["ihd", "ppmid"] as const)
    .filter((k) => n(k) > 0)
    .map((k) => `${k}×${n(k)}`)
    .join("+");
}

/**
 * A run's cost, to hand the costliest runs out first, so that both workers are busy until the end instead of
 * one finishing a variant's long runs alone: its DUT-days of hub time (the runs that keep their waits to the
 * window span 41 days, the others 19), a PPMID (key establishment, APS security on every frame) as 1.3 IHDs,
 * an `electricity-only` hub (no gas meter to query) at two thirds.
 */
function costOf(job: Job): number {
  const days = job.duts.some((d) => keepsWaitsToWindow(d.profile)) ? 41 : 19;
  const duts = job.duts.reduce((a, d) => a + (d.kind === "ppmid" ? 1.3 : 1), 0);
  return days * duts * (job.variant === "electricity-only" ? 2 / 3 : 1);
}

/** The worker's module bundled with src/ into `dir` (bench-bundle.ts `bundleInPlace`). */
async function bundleWorker(dir: string): Promise<URL> {
  const entry = fileURLToPath(new URL("./bench-matrix-worker.ts", import.meta.url));
  return pathToFileURL(await bundleInPlace({ file: entry }, join(dir, "bench-matrix-worker.mjs")));
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      workers: { type: "string", default: String(availableParallelism()) },
      adapter: { type: "string", default: "zstack" },
      window: { type: "string", default: "24h" },
      "poll-interval": { type: "string" },
      cases: { type: "string" },
      save: { type: "string" },
      compare: { type: "string" },
      evidence: { type: "string" },
    },
  });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a whole number ≥ 1`);
  if (values.adapter !== "zstack" && values.adapter !== "ember") throw new Error("--adapter is zstack or ember");
  const adapter = values.adapter;
  const windowAuto = values.window === "auto";
  const windowMs = windowAuto ? AUTO_WINDOW.ceilingMs : parseDuration(values.window);
  // the displays' polling: as asked (their whole polling), else the matrix's (MATRIX_POLLING)
  const polling =
    values["poll-interval"] !== undefined ? { pollIntervalMs: parseDuration(values["poll-interval"]) } : MATRIX_POLLING;
  const evidenceDir = values.evidence !== undefined ? resolve(values.evidence) : undefined;
  if (evidenceDir !== undefined) mkdirSync(evidenceDir, { recursive: true });
  const jobs: Job[] = HUB_VARIANTS.flatMap((variant) => runsOf().map((duts) => ({ duts, variant }))).map(
    ({ duts, variant }, index): Job => ({
      index,
      duts,
      variant,
      adapter,
      windowMs,
      windowAuto,
      ...polling,
      ...(values.cases !== undefined ? { cases: values.cases } : {}),
      ...(evidenceDir !== undefined ? { evidenceDir } : {}),
    }),
  );
  console.log(
    `profile matrix: ${jobs.length} runs (${HUB_VARIANTS.length} hub variants × ihd ${profilesOf("ihd").length} / ppmid ${profilesOf("ppmid").length} profiles, at most ${RUN_DUTS} DUTs a run) on ${adapter}, ${workers} worker thread(s); load average ${loadAverage()}`,
  );
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const bundleDir = mkdtempSync(join(scratchDir(), "hb-matrix-"));
  const workerUrl = await bundleWorker(bundleDir);
  const results: Done[] = [];
  // the costliest runs first (costOf); the results are listed in the order they end
  const queue = [...jobs].sort((a, b) => costOf(b) - costOf(a));
  await Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, async () => {
      // the runs' info lines would bury the figures
      const worker = new Worker(workerUrl, { env: { ...process.env, HANBENCH_LOG_LEVEL: "warn" } });
      try {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const done = await new Promise<Done>((resolve, reject) => {
            worker.once("message", resolve);
            worker.once("error", reject);
            worker.postMessage(job);
          });
          worker.removeAllListeners("error");
          results.push(done);
          const counts = new Map<string, number>();
          for (const d of Object.values(done.verdicts))
            for (const v of Object.values(d)) counts.set(v, (counts.get(v) ?? 0) + 1);
          console.log(
            `  ${`${describeRun(done.job.duts)} × ${done.job.variant}`.padEnd(38)} ${(done.ms / 1000).toFixed(2).padStart(6)} s  hub time ${formatDuration(done.hubMs).padEnd(10)} ${[...counts].map(([v, n]) => `${n} ${v}`).join(", ")}${done.aborted ? `  ABORTED: ${done.aborted}` : ""}`,
          );
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  rmSync(bundleDir, { recursive: true, force: true });
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const duts = results.reduce((a, r) => a + Object.keys(r.verdicts).length, 0);
  console.log(
    `matrix: ${results.length} runs, ${duts} DUTs, wall ${wall.toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (every thread), peak RSS ${peakRssMb().toFixed(0)} MB (the process, every worker); load average after ${loadAverage()}`,
  );
  const table = Object.fromEntries(
    results
      .sort((a, b) => runKey(a.job).localeCompare(runKey(b.job)))
      .flatMap((r) => Object.entries(r.verdicts).map(([label, v]) => [`${r.job.variant} ${label}`, v])),
  );
  if (values.save) writeFileSync(values.save, `${JSON.stringify(table, null, 1)}\n`);
  let code = results.some((r) => r.aborted) ? 1 : 0;
  if (values.compare) {
    const before = JSON.parse(readFileSync(values.compare, "utf8")) as typeof table;
    const diffs: string[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(table)])) {
      for (const id of new Set([...Object.keys(before[key] ?? {}), ...Object.keys(table[key] ?? {})])) {
        const [a, b] = [before[key]?.[id], table[key]?.[id]];
        if (a !== b) diffs.push(`${key} ${id}: ${a ?? "(none)"} → ${b ?? "(none)"}`);
      }
    }
    console.log(
      diffs.length
        ? `${diffs.length} verdict(s) differ from ${values.compare}:\n  ${diffs.join("\n  ")}`
        : `every verdict as in ${values.compare}`,
    );
    if (diffs.length) code = 1;
  }
  return code;
}

process.exitCode = await main();

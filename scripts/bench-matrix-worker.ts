/**
 * A worker thread of the profile matrix (scripts/bench-matrix.ts): runs the jobs it is sent, one at a time, each
 * as one virtual run of the whole stack, and answers each with its verdicts. bench-matrix.ts bundles this module
 * with src/ (esbuild) and starts the bundle as each worker, so a worker loads the same code as plain JavaScript
 * instead of through the TypeScript loader.
 */
import { join } from "node:path";
import { isMainThread, parentPort } from "node:worker_threads";
import { buildReport } from "../src/cluster-cot/run-report.js";
import { AUTO_WINDOW } from "../src/cluster-cot/window.js";
import type { HubVariantName } from "../src/hub/variants.js";
import { runSuite } from "../src/runner/run.js";
import type { ProfileName } from "../src/virtual/devices/profiles.js";
import type { VirtualAdapter } from "../src/virtual/dongle.js";

/** A DUT of a run: a profile of a kind. */
export interface Dut {
  kind: "ihd" | "ppmid";
  profile: ProfileName;
}

export interface Job {
  /** The run's place in the matrix (its evidence file's name with `evidenceDir`). */
  index: number;
  /** The DUTs of this run (runsOf). */
  duts: Dut[];
  variant: HubVariantName;
  adapter: VirtualAdapter;
  windowMs: number;
  windowAuto: boolean;
  pollIntervalMs?: number;
  refreshIntervalMs?: number;
  cases?: string;
  /** Where to keep the run's evidence file (`--evidence`); absent: the evidence stays in memory. */
  evidenceDir?: string;
}

export interface Done {
  job: Job;
  ms: number;
  /** Hub time from the run's first event to its last. */
  hubMs: number;
  aborted?: string;
  /** DUT label → case id → verdict. */
  verdicts: Record<string, Record<string, string>>;
}

/** `07-reference.jsonl`: a run's evidence file under `--evidence`. */
export const evidenceFileOf = (job: Job) => `${String(job.index).padStart(2, "0")}-${job.variant}.jsonl`;

async function runJob(job: Job): Promise<Done> {
  const start = performance.now();
  const outcome = await runSuite({
    mode: "virtual",
    devices: job.duts.map((d) => ({ kind: d.kind, profile: d.profile, label: `${d.kind}:${d.profile}` })),
    seed: 3,
    windowMs: job.windowMs,
    ...(job.windowAuto ? { windowAuto: AUTO_WINDOW } : {}),
    ...(job.pollIntervalMs !== undefined ? { pollIntervalMs: job.pollIntervalMs } : {}),
    ...(job.refreshIntervalMs !== undefined ? { refreshIntervalMs: job.refreshIntervalMs } : {}),
    ...(job.cases !== undefined ? { cases: job.cases } : {}),
    // the verdicts are judged from the events in memory: a file only when asked for
    ...(job.evidenceDir !== undefined ? { evidencePath: join(job.evidenceDir, evidenceFileOf(job)) } : {}),
    adapter: job.adapter,
    hubVariant: job.variant,
    quiet: true,
    tool: "hanbench",
    version: "bench-matrix",
  });
  const report = buildReport(outcome.events);
  const verdicts = Object.fromEntries(
    report.duts.map((d) => [d.label, Object.fromEntries(d.results.map((r) => [r.id, r.verdict]))]),
  );
  let [first, last] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const e of outcome.events) {
    const t = Date.parse(e.t);
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return {
    job,
    ms: performance.now() - start,
    hubMs: last - first,
    verdicts,
    ...(outcome.aborted ? { aborted: outcome.aborted } : {}),
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on("message", (job: Job) => {
    runJob(job).then(
      (done) => port.postMessage(done),
      (err: Error) =>
        port.postMessage({ job, ms: 0, hubMs: 0, verdicts: {}, aborted: `${err.message}` } satisfies Done),
    );
  });
}

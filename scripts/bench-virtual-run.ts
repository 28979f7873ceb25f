/**
 * The CPU of one virtual run of the whole stack, as a run of the profile matrix makes it (issue 12): seven PPMIDs
 * (compliant, keeps-history, keeps-messages, early-clear, repeat-clear, offline-miss, refetches) on the
 * `reference` hub, seed 3, 24 h windows, the matrix's polling (CoT every 3 h, live values every 12 h), zstack,
 * evidence in memory as the matrix keeps it. This module is bundled with src/ by esbuild (as
 * scripts/bench-matrix.ts bundles its worker) and each round runs the bundle in a fresh process, so the figures
 * are not the TypeScript loader's. Prints each round's CPU (user + system of every thread, over `runSuite` only;
 * and the main thread's alone, which the machine's other work and V8's helper threads disturb less), wall time and
 * event count, then the medians.
 *
 * `--evidence FILE` writes each round's evidence file there (the last round's is kept) (to compare two versions' evidence with
 * every `wall` field removed); `--cpu-prof DIR` has each round write a V8 CPU profile there. A run's hub time
 * starts at the wall clock's hour: `--hub-start ISO` pins it, so that two runs' evidence can be compared.
 *
 *   node --import tsx scripts/bench-virtual-run.ts [--rounds N] [--evidence FILE] [--cpu-prof DIR] [--hub-start ISO]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { scratchDir } from "../src/files.js";
import { runSuite } from "../src/runner/run.js";
import { bundleInPlace, loadAverage } from "./bench-bundle.js";

const DEVICES = [
  "compliant",
  "keeps-history",
  "keeps-messages",
  "early-clear",
  "repeat-clear",
  "offline-miss",
  "refetches",
].map((profile) => ({ kind: "ppmid" as const, profile, label: `ppmid:${profile}` }));

interface Round {
  cpuMs: number;
  /** The main thread's share of cpuMs (Linux: /proc), without V8's helper threads and libuv's pool. */
  mainCpuMs?: number;
  wallMs: number;
  events: number;
  aborted?: string;
}

/** User + system CPU of this process's main thread so far, ms (Linux; undefined elsewhere). */
function mainThreadCpuMs(): number | undefined {
  try {
    // fields after the command's closing parenthesis: utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** One run in this process (the bundle, started with `--child`): prints its Round as JSON. */
async function child(evidencePath: string | undefined, hubStartMs: number | undefined): Promise<void> {
  const [cpu, main, start] = [process.cpuUsage(), mainThreadCpuMs(), performance.now()];
  const outcome = await runSuite({
    mode: "virtual",
    devices: DEVICES,
    seed: 3,
    windowMs: 24 * 3_600_000,
    pollIntervalMs: 3 * 3_600_000,
    refreshIntervalMs: 12 * 3_600_000,
    adapter: "zstack",
    hubVariant: "reference",
    quiet: true,
    tool: "hanbench",
    version: "bench-virtual-run",
    ...(evidencePath !== undefined ? { evidencePath } : {}),
    ...(hubStartMs !== undefined ? { hubStartMs } : {}),
  });
  const used = process.cpuUsage(cpu);
  const mainAfter = mainThreadCpuMs();
  const round: Round = {
    cpuMs: (used.user + used.system) / 1000,
    ...(main !== undefined && mainAfter !== undefined ? { mainCpuMs: mainAfter - main } : {}),
    wallMs: performance.now() - start,
    events: outcome.events.length,
    ...(outcome.aborted ? { aborted: outcome.aborted } : {}),
  };
  console.log(JSON.stringify(round));
}

/** This module bundled with src/ into `dir` (bench-bundle.ts `bundleInPlace`, as bench-matrix.ts bundles its worker). */
function bundle(dir: string): Promise<string> {
  return bundleInPlace({ file: fileURLToPath(import.meta.url) }, join(dir, "bench-virtual-run.mjs"));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { values } = parseArgs({
  options: {
    child: { type: "boolean", default: false },
    rounds: { type: "string", default: "3" },
    evidence: { type: "string" },
    "cpu-prof": { type: "string" },
    "hub-start": { type: "string" },
  },
});
if (values.child) {
  await child(values.evidence, values["hub-start"] === undefined ? undefined : Date.parse(values["hub-start"]));
} else {
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1`);
  const dir = mkdtempSync(join(scratchDir(), "bench-virtual-run-"));
  try {
    const bundled = await bundle(dir);
    const flags = values["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", resolve(values["cpu-prof"])] : [];
    const evidence = values.evidence ? ["--evidence", resolve(values.evidence)] : [];
    if (values["hub-start"] !== undefined) {
      if (Number.isNaN(Date.parse(values["hub-start"]))) throw new Error("--hub-start is an ISO time");
      evidence.push("--hub-start", values["hub-start"]);
    }
    console.log(
      `one virtual run (7 PPMIDs, reference, 24 h windows), ${rounds} round(s); load average ${loadAverage()}`,
    );
    const results: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      // a run never appends to another's log: each round writes FILE anew
      if (values.evidence) for (const f of [values.evidence, `${values.evidence}.sha256`]) rmSync(f, { force: true });
      const out = execFileSync(process.execPath, [...flags, bundled, "--child", ...evidence], {
        encoding: "utf8",
        // as the matrix starts its workers
        env: { ...process.env, HANBENCH_LOG_LEVEL: "warn" },
      });
      const round = JSON.parse(out.trim().split("\n").at(-1)!) as Round;
      results.push(round);
      console.log(
        `round ${i + 1}: CPU ${(round.cpuMs / 1000).toFixed(2)} s (main thread ${((round.mainCpuMs ?? Number.NaN) / 1000).toFixed(2)} s)  wall ${(round.wallMs / 1000).toFixed(2)} s  ` +
          `${round.events} events${round.aborted ? `  ABORTED: ${round.aborted}` : ""}`,
      );
    }
    console.log(
      `median: CPU ${(median(results.map((r) => r.cpuMs)) / 1000).toFixed(2)} s ` +
        `(main thread ${(median(results.map((r) => r.mainCpuMs ?? Number.NaN)) / 1000).toFixed(2)} s)  ` +
        `wall ${(median(results.map((r) => r.wallMs)) / 1000).toFixed(2)} s; load average after ${loadAverage()}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

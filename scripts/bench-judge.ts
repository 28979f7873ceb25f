/**
 * The judging's share of a run (issue 12): `buildReport` (src/cluster-cot/run-report.ts, every case for every
 * DUT) over recorded evidence, such as the matrix's (`node --import tsx scripts/bench-matrix.ts --evidence DIR`).
 * Each file is read (src/evidence/read.ts), its log index built as the runner has built it before the report
 * (log-index.ts), reported once untimed, then `--rounds` times timed. Prints per file its events, DUTs and the
 * median ms per report, wall and CPU (this process's, every thread: garbage collection included), then over the
 * files the median per report, the sum of the medians and the median of the per-round totals (a matrix's judging,
 * less its reading). On a loaded machine the CPU figures move least.
 *
 * `--save FILE` keeps every file's whole report (JSON of the RunReport: each DUT, case, verdict, reason, evidence
 * list, held snapshot); `--compare FILE` lists where each file's report differs from the one saved for it and exits
 * 1 when one does (a change of the judging's speed must not change a report).
 *
 * By default the judging code is bundled with esbuild into a throw-away directory first, as the matrix bundles
 * its worker (scripts/bench-matrix.ts): the figures are those of the code the matrix runs. `--tsx` imports it
 * through the TypeScript loader instead.
 *
 *   node --import tsx scripts/bench-judge.ts FILE|DIR... [--rounds N] [--save FILE] [--compare FILE] [--tsx]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build, type Plugin } from "esbuild";
import type { buildReport as BuildReport } from "../src/cluster-cot/run-report.js";
import type { EvidenceIndex as Index } from "../src/evidence/log-index.js";
import type { readEvidence as ReadEvidence } from "../src/evidence/read.js";
import { scratchDir } from "../src/files.js";
import { percentile } from "./bench-support.js";

interface Judging {
  buildReport: typeof BuildReport;
  readEvidence: typeof ReadEvidence;
  EvidenceIndex: typeof Index;
}

const MODULES = ["../src/cluster-cot/run-report.ts", "../src/evidence/read.ts", "../src/evidence/log-index.ts"].map(
  (m) => fileURLToPath(new URL(m, import.meta.url)),
);

/** The judging's modules bundled into `dir` (as bench-matrix.ts bundles its worker), imported. */
async function bundled(dir: string): Promise<Judging> {
  const inPlace: Plugin = {
    name: "in-place",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        args.path.startsWith("node:") ? undefined : { path: import.meta.resolve(args.path), external: true },
      );
      b.onLoad({ filter: /\.ts$/ }, (args) => ({
        contents: readFileSync(args.path, "utf8").replaceAll(
          "import.meta.url",
          JSON.stringify(pathToFileURL(args.path).href),
        ),
        loader: "ts",
      }));
    },
  };
  const outfile = join(dir, "bench-judge.mjs");
  await build({
    stdin: {
      contents: [
        `export { buildReport } from ${JSON.stringify(MODULES[0])};`,
        `export { readEvidence } from ${JSON.stringify(MODULES[1])};`,
        `export { EvidenceIndex } from ${JSON.stringify(MODULES[2])};`,
      ].join("\n"),
      resolveDir: dir,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "warning",
    plugins: [inPlace],
  });
  return (await import(pathToFileURL(outfile).href)) as Judging;
}

async function throughLoader(): Promise<Judging> {
  const [r, e, i] = await Promise.all(MODULES.map((m) => import(pathToFileURL(m).href)));
  return { buildReport: r.buildReport, readEvidence: e.readEvidence, EvidenceIndex: i.EvidenceIndex };
}

/** The evidence files named: files as they are, directories' `.jsonl` files in name order. */
function filesOf(paths: string[]): string[] {
  return paths.flatMap((p) => {
    const full = resolve(p);
    if (!statSync(full).isDirectory()) return [full];
    return readdirSync(full)
      .filter((f) => f.endsWith(".jsonl"))
      .sort()
      .map((f) => join(full, f));
  });
}

/** Where two JSON values differ, as `path: before → after` lines (at most `max`). */
function differences(a: unknown, b: unknown, path: string, out: string[], max = 50): void {
  if (out.length >= max) return;
  if (a === b) return;
  const obj = (x: unknown) => x !== null && typeof x === "object";
  if (obj(a) && obj(b) && Array.isArray(a) === Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) differences(ra[k], rb[k], `${path}.${k}`, out);
    return;
  }
  const show = (x: unknown) => (x === undefined ? "(none)" : JSON.stringify(x).slice(0, 200));
  out.push(`${path}: ${show(a)} → ${show(b)}`);
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: "string", default: "5" },
      save: { type: "string" },
      compare: { type: "string" },
      tsx: { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 0) throw new Error("--rounds must be a whole number ≥ 0");
  const files = filesOf(positionals);
  if (files.length === 0) throw new Error("name evidence files or directories of them");
  const dir = mkdtempSync(join(scratchDir(), "hb-judge-"));
  let judging: Judging;
  try {
    judging = values.tsx ? await throughLoader() : await bundled(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `buildReport over ${files.length} evidence file(s), ${rounds} timed round(s) each, ${values.tsx ? "through the TypeScript loader" : "bundled"}; load average ${load()}`,
  );
  const reports: Record<string, unknown> = {};
  // per file the median of its rounds, per round the total over the files: wall and CPU ms
  const medians = { wall: [] as number[], cpu: [] as number[] };
  const totals = { wall: Array.from({ length: rounds }, () => 0), cpu: Array.from({ length: rounds }, () => 0) };
  const cpu0 = process.cpuUsage();
  for (const file of files) {
    const { events } = judging.readEvidence(file);
    // the runner has built the log's index before a run's report (the matrix judges the runner's events)
    judging.EvidenceIndex.of(events);
    const report = judging.buildReport(events);
    reports[basename(file)] = report;
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      judging.buildReport(events);
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const cpuMs = (c.user + c.system) / 1000;
      wall.push(t);
      cpu.push(cpuMs);
      totals.wall[r]! += t;
      totals.cpu[r]! += cpuMs;
    }
    wall.sort((x, y) => x - y);
    cpu.sort((x, y) => x - y);
    medians.wall.push(percentile(wall, 50));
    medians.cpu.push(percentile(cpu, 50));
    const figures = rounds
      ? `median ${percentile(wall, 50).toFixed(1).padStart(7)} ms wall (min ${wall[0]!.toFixed(1)}), ${percentile(cpu, 50).toFixed(1).padStart(7)} ms CPU (min ${cpu[0]!.toFixed(1)})`
      : "";
    console.log(
      `  ${basename(file).padEnd(34)} ${String(events.length).padStart(7)} events ${String(report.duts.length).padStart(2)} DUTs  ${figures}`,
    );
  }
  const cpu = process.cpuUsage(cpu0);
  if (rounds > 0) {
    for (const what of ["wall", "cpu"] as const) {
      const s = (ms: number) => (ms / 1000).toFixed(2);
      const t = totals[what].sort((x, y) => x - y);
      const sum = medians[what].reduce((x, y) => x + y, 0);
      const perReport = percentile(
        [...medians[what]].sort((x, y) => x - y),
        50,
      );
      console.log(
        `judging ${what === "wall" ? "wall" : "CPU "}: ${files.length} reports, median per report ${perReport.toFixed(1)} ms, sum of medians ${s(sum)} s, per round total median ${s(percentile(t, 50))} s (min ${s(t[0]!)}, max ${s(t.at(-1)!)})`,
      );
    }
  }
  console.log(
    `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in all (reading included); load average after ${load()}`,
  );
  // the reports as JSON would be written: what is compared is what a report file holds
  const saved = JSON.parse(JSON.stringify(reports)) as Record<string, unknown>;
  if (values.save) writeFileSync(values.save, `${JSON.stringify(saved)}\n`);
  if (values.compare) {
    const before = JSON.parse(readFileSync(values.compare, "utf8")) as Record<string, unknown>;
    const diffs: string[] = [];
    // the files of this run, each against its saved report (a file saved from none is a difference)
    for (const file of Object.keys(saved)) differences(before[file], saved[file], file, diffs);
    console.log(
      diffs.length
        ? `the reports differ from ${values.compare}${diffs.length >= 50 ? " (the first 50 differences)" : ""}:\n  ${diffs.join("\n  ")}`
        : `every report as in ${values.compare} (${Object.keys(saved).length} of its ${Object.keys(before).length} files)`,
    );
    if (diffs.length) return 1;
  }
  return 0;
}

process.exitCode = await main();

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
 * `--versus CHECKOUT` (another checkout of the repository, e.g. a worktree of main with its node_modules) bundles
 * that checkout's judging too and times the two in turn, round after round in one process, so that both run under
 * the same load (on a shared machine a figure moves by a third from one minute to the next); prints both and their
 * ratio, and lists where the two checkouts' reports differ (exit 1 when they do).
 *
 *   node --import tsx scripts/bench-judge.ts FILE|DIR... [--rounds N] [--save FILE] [--compare FILE]
 *                                           [--versus CHECKOUT] [--tsx]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { buildReport as BuildReport } from "../src/cluster-cot/run-report.js";
import type { EvidenceIndex as Index } from "../src/evidence/log-index.js";
import type { readEvidence as ReadEvidence } from "../src/evidence/read.js";
import { scratchDir } from "../src/files.js";
import { bundleInPlace, loadAverage } from "./bench-bundle.js";
import { percentile } from "./bench-support.js";

interface Judging {
  buildReport: typeof BuildReport;
  readEvidence: typeof ReadEvidence;
  EvidenceIndex: typeof Index;
}

/** The judging's modules of the checkout at `root`. */
const modulesOf = (root: string) =>
  ["src/cluster-cot/run-report.ts", "src/evidence/read.ts", "src/evidence/log-index.ts"].map((m) => join(root, m));

const HERE = fileURLToPath(new URL("..", import.meta.url));

/** The judging's modules of the checkout at `root` bundled into `dir` (as bench-matrix.ts bundles its worker), imported. */
async function bundled(root: string, dir: string): Promise<Judging> {
  const [report, read, index] = modulesOf(root);
  const outfile = join(dir, "bench-judge.mjs");
  await bundleInPlace(
    {
      contents: [
        `export { buildReport } from ${JSON.stringify(report)};`,
        `export { readEvidence } from ${JSON.stringify(read)};`,
        `export { EvidenceIndex } from ${JSON.stringify(index)};`,
      ].join("\n"),
      resolveDir: dir,
    },
    outfile,
  );
  return (await import(pathToFileURL(outfile).href)) as Judging;
}

async function throughLoader(): Promise<Judging> {
  const [r, e, i] = await Promise.all(modulesOf(HERE).map((m) => import(pathToFileURL(m).href)));
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

/** One version's figures: per file the median of its rounds, per round the total over the files (wall, CPU ms). */
class Figures {
  readonly medians = { wall: [] as number[], cpu: [] as number[] };
  readonly totals: { wall: number[]; cpu: number[] };
  constructor(rounds: number) {
    this.totals = { wall: Array.from({ length: rounds }, () => 0), cpu: Array.from({ length: rounds }, () => 0) };
  }

  /** The rounds of one file; its figures for the file's line. */
  add(wall: number[], cpu: number[]): { wall: number; cpu: number } {
    for (let r = 0; r < wall.length; r++) {
      this.totals.wall[r]! += wall[r]!;
      this.totals.cpu[r]! += cpu[r]!;
    }
    const m = { wall: percentile([...wall].sort(byNumber), 50), cpu: percentile([...cpu].sort(byNumber), 50) };
    this.medians.wall.push(m.wall);
    this.medians.cpu.push(m.cpu);
    return m;
  }

  lines(name: string): string[] {
    return (["wall", "cpu"] as const).map((what) => {
      const s = (ms: number) => (ms / 1000).toFixed(2);
      const t = [...this.totals[what]].sort(byNumber);
      const sum = this.medians[what].reduce((x, y) => x + y, 0);
      const perReport = percentile([...this.medians[what]].sort(byNumber), 50);
      return `${name} ${what === "wall" ? "wall" : "CPU "}: ${this.medians[what].length} reports, median per report ${perReport.toFixed(1)} ms, sum of medians ${s(sum)} s, per round total median ${s(percentile(t, 50))} s (min ${s(t[0]!)}, max ${s(t.at(-1)!)})`;
    });
  }
}

const byNumber = (x: number, y: number) => x - y;

/** One report's wall and CPU ms (this process, every thread). */
function timed(judging: Judging, events: Parameters<typeof BuildReport>[0]): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  judging.buildReport(events);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: "string", default: "5" },
      save: { type: "string" },
      compare: { type: "string" },
      versus: { type: "string" },
      tsx: { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 0) throw new Error("--rounds must be a whole number ≥ 0");
  const files = filesOf(positionals);
  if (files.length === 0) throw new Error("name evidence files or directories of them");
  if (values.tsx && values.versus) throw new Error("--versus bundles both checkouts: not with --tsx");
  const versions: { name: string; judging: Judging; figures: Figures }[] = [];
  const dir = mkdtempSync(join(scratchDir(), "hb-judge-"));
  try {
    const roots = [HERE, ...(values.versus !== undefined ? [resolve(values.versus)] : [])];
    for (const [i, root] of roots.entries()) {
      const sub = join(dir, String(i));
      mkdirSync(sub);
      const judging = values.tsx ? await throughLoader() : await bundled(root, sub);
      versions.push({ name: i === 0 ? "this" : "versus", judging, figures: new Figures(rounds) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `buildReport over ${files.length} evidence file(s), ${rounds} timed round(s) each, ${values.tsx ? "through the TypeScript loader" : "bundled"}${values.versus !== undefined ? `, this checkout and ${values.versus} in turn` : ""}; load average ${loadAverage()}`,
  );
  const reports: Record<string, unknown> = {};
  const versusDiffs: string[] = [];
  const cpu0 = process.cpuUsage();
  for (const file of files) {
    const { events } = versions[0]!.judging.readEvidence(file);
    const name = basename(file);
    const rows: string[] = [];
    const times = versions.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
    for (const [i, v] of versions.entries()) {
      // the runner has built the log's index before a run's report (the matrix judges the runner's events)
      v.judging.EvidenceIndex.of(events);
      const report = JSON.parse(JSON.stringify(v.judging.buildReport(events))) as unknown;
      if (i === 0) reports[name] = report;
      else differences(reports[name], report, `${name} (versus)`, versusDiffs);
    }
    // the versions in turn, round after round: both under the same load
    for (let r = 0; r < rounds; r++) {
      for (const [i, v] of versions.entries()) {
        const t = timed(v.judging, events);
        times[i]!.wall.push(t.wall);
        times[i]!.cpu.push(t.cpu);
      }
    }
    for (const [i, v] of versions.entries()) {
      if (rounds === 0) continue;
      const m = v.figures.add(times[i]!.wall, times[i]!.cpu);
      rows.push(
        `${versions.length > 1 ? `${v.name} ` : ""}${m.wall.toFixed(1).padStart(7)} ms wall ${m.cpu.toFixed(1).padStart(7)} ms CPU`,
      );
    }
    console.log(
      `  ${name.padEnd(34)} ${String(events.length).padStart(7)} events  ${rows.length ? `median ${rows.join(", ")}` : ""}`,
    );
  }
  const cpu = process.cpuUsage(cpu0);
  if (rounds > 0)
    for (const v of versions) for (const line of v.figures.lines(`judging (${v.name})`)) console.log(line);
  if (rounds > 0 && versions.length > 1) {
    const sum = (f: Figures) => f.medians.cpu.reduce((x, y) => x + y, 0);
    console.log(
      `CPU versus / this, sum of medians: ${(sum(versions[1]!.figures) / sum(versions[0]!.figures)).toFixed(2)}×`,
    );
  }
  console.log(
    `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in all (reading included); load average after ${loadAverage()}`,
  );
  let code = 0;
  if (values.versus !== undefined) {
    console.log(
      versusDiffs.length
        ? `the reports of ${values.versus} differ:\n  ${versusDiffs.join("\n  ")}`
        : `every report the same with ${values.versus}`,
    );
    if (versusDiffs.length) code = 1;
  }
  if (values.save) writeFileSync(values.save, `${JSON.stringify(reports)}\n`);
  if (values.compare) {
    const before = JSON.parse(readFileSync(values.compare, "utf8")) as Record<string, unknown>;
    const diffs: string[] = [];
    // the files of this run, each against its saved report (a file saved from none is a difference)
    for (const file of Object.keys(reports)) differences(before[file], reports[file], file, diffs);
    console.log(
      diffs.length
        ? `the reports differ from ${values.compare}${diffs.length >= 50 ? " (the first 50 differences)" : ""}:\n  ${diffs.join("\n  ")}`
        : `every report as in ${values.compare} (${Object.keys(reports).length} of its ${Object.keys(before).length} files)`,
    );
    if (diffs.length) code = 1;
  }
  return code;
}

process.exitCode = await main();

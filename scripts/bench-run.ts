/**
 * Wall time and peak memory of whole `hanbench run` invocations, started as a user starts them (the bin
 * with its shebang's node flags; it runs the dist/ build when that is fresh). Targets: the default dry-run ≤ 6 s cold,
 * nine IHD profiles in one run ≤ 10 s, 16 devices ≤ 200 MB RSS). Each run is a fresh process, as a user
 * starts it; peak RSS is the kernel's high-water mark (VmHWM) of that process, sampled until it exits.
 *
 *   node --import tsx scripts/bench-run.ts [--repeat N] [--only NAME-PREFIX]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROFILES } from "../src/virtual/devices/profiles.js";
import { parseArgs } from "node:util";

const ALL_IHD = PROFILES.map((p) => `ihd:${p}`);

const SIXTEEN = [
  ...Array.from({ length: 8 }, () => "ihd:compliant"),
  ...Array.from({ length: 7 }, () => "ppmid:compliant"),
];

const SCENARIOS: { name: string; args: string[] }[] = [
  { name: "default dry-run (ihd + ppmid)", args: [] },
  { name: "nine IHD profiles in one run", args: ["--devices", ALL_IHD.join(",")] },
  { name: "16 devices (15 DUTs + ESME)", args: ["--devices", SIXTEEN.join(",")] },
];

function hwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function once(args: string[]): Promise<{ ms: number; peakMb: number; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "hb-bench-"));
  const start = performance.now();
  // the bin itself, so that its shebang's node flags apply (env execs node: the pid stays the same)
  const child = spawn("bin/hanbench.js", ["run", "--quiet", "--evidence", join(dir, "e.jsonl"), ...args], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, hwmKb(child.pid!) ?? 0);
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearInterval(timer);
  rmSync(dir, { recursive: true, force: true });
  return { ms: performance.now() - start, peakMb: peak / 1024, code };
}

const { values } = parseArgs({ options: { repeat: { type: "string", default: "1" }, only: { type: "string" } } });
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1)
  throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
console.log(`hanbench run benchmarks (${repeat} run(s) each; wall time includes process start)`);
for (const s of SCENARIOS.filter((x) => !values.only || x.name.startsWith(values.only))) {
  const results = [];
  for (let i = 0; i < repeat; i++) results.push(await once(s.args));
  const ms = results.map((r) => r.ms);
  const peaks = results.map((r) => r.peakMb);
  console.log(
    `${s.name.padEnd(34)} wall ${(Math.min(...ms) / 1000).toFixed(2)} s (best) ${(Math.max(...ms) / 1000).toFixed(2)} s (worst)` +
      `  peak RSS ${Math.max(...peaks).toFixed(0)} MB  exit ${results.map((r) => r.code).join(",")}`,
  );
}

/**
 * Wall time and peak memory of whole `hanbench run` invocations, started as a user starts them (the bin
 * with its shebang's node flags; it runs the dist/ build when that is fresh). Targets: the default dry-run ≤ 6 s cold,
 * nine IHD profiles in one run ≤ 10 s, 16 devices ≤ 200 MB RSS). Each run is a fresh process, as a user
 * starts it; peak RSS is the kernel's high-water mark (VmHWM) of that process, sampled until it exits.
 *
 * With `--adapter ember` the runs use the virtual EmberZNet NCP and herdsman's ember adapter; with
 * `--adapter both` each scenario runs on both coordinators, alternately (zstack, ember, zstack, …, so that
 * both see the same machine load), and the ember/zstack ratio of the best times is printed.
 *
 *   node --import tsx scripts/bench-run.ts [--repeat N] [--only NAME-PREFIX] [--adapter zstack|ember|both]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PPMID_ONLY_PROFILES, PROFILES } from "../src/virtual/devices/profiles.js";
import { parseArgs } from "node:util";
import { loadAverage } from "./bench-bundle.js";

const ALL_IHD = PROFILES.filter((p) => !PPMID_ONLY_PROFILES.includes(p)).map((p) => `ihd:${p}`);

const SIXTEEN = [
  ...Array.from({ length: 8 }, () => "ihd:compliant"),
  ...Array.from({ length: 7 }, () => "ppmid:compliant"),
];

const SCENARIOS: { name: string; args: string[] }[] = [
  { name: "default dry-run (ihd + ppmid)", args: [] },
  { name: "default dry-run, --security off", args: ["--security", "off"] },
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

interface Result {
  ms: number;
  peakMb: number;
  code: number | null;
}

async function once(args: string[]): Promise<Result> {
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

const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "1" },
    only: { type: "string" },
    adapter: { type: "string", default: "zstack" },
  },
});
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1)
  throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
const ADAPTERS: Record<string, string[]> = { zstack: ["zstack"], ember: ["ember"], both: ["zstack", "ember"] };
const adapters = ADAPTERS[values.adapter];
if (!adapters) throw new Error(`--adapter must be zstack, ember or both, got ${values.adapter}`);
console.log(
  `hanbench run benchmarks (${repeat} run(s) each; wall time includes process start); load average ${loadAverage()}`,
);
for (const s of SCENARIOS.filter((x) => !values.only || x.name.startsWith(values.only))) {
  const results = new Map<string, Result[]>(adapters.map((a) => [a, []]));
  for (let i = 0; i < repeat; i++)
    for (const a of adapters) results.get(a)!.push(await once([...s.args, "--adapter", a]));
  for (const a of adapters) {
    const rs = results.get(a)!;
    const ms = rs.map((r) => r.ms);
    const peaks = rs.map((r) => r.peakMb);
    const name = adapters.length > 1 ? `${s.name} [${a}]` : s.name;
    console.log(
      `${name.padEnd(43)} wall ${(Math.min(...ms) / 1000).toFixed(2)} s (best) ${(Math.max(...ms) / 1000).toFixed(2)} s (worst)` +
        `  peak RSS ${Math.max(...peaks).toFixed(0)} MB  exit ${rs.map((r) => r.code).join(",")}`,
    );
  }
  if (adapters.length > 1) {
    const best = (a: string) => Math.min(...results.get(a)!.map((r) => r.ms));
    const median = (a: string) => {
      const ms = results
        .get(a)!
        .map((r) => r.ms)
        .sort((x, y) => x - y);
      return ms[Math.floor(ms.length / 2)]!;
    };
    console.log(
      `${"".padEnd(43)} ember / zstack: ${(best("ember") / best("zstack")).toFixed(2)}× (best), ${(median("ember") / median("zstack")).toFixed(2)}× (median)`,
    );
  }
}
console.log(`load average after: ${loadAverage()}`);

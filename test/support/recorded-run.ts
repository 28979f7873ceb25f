/**
 * Evidence of a real virtual run, for the tests of what is computed from evidence (verdicts, reports): the
 * shipped emulated devices, each with its behaviour profile, through the virtual ZNP, unmodified herdsman,
 * the host and the hub, as `hanbench run` records it. Nothing here models a device.
 *
 * The run is recorded once per source tree: its evidence is kept in the temporary directory under a key made
 * of the contents of src/ and the run's parameters, so the test files that use it (each in its own process)
 * share one run, and a later test run reuses it until the code changes. Each call gives a copy of the events,
 * so a test may change those it gets (a probe cut short, a bench error added) without touching another's.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Evidence } from "../../src/evidence/events.js";
import { readEvidence } from "../../src/evidence/read.js";
import { runSuite } from "../../src/runner/run.js";

/** The devices under test of the recorded run: every profile a verdict or report test picks from. */
export const RECORDED_DUTS = [
  "ihd:compliant",
  "ihd:no-query",
  "ihd:gpf-only",
  "ihd:keeps-messages",
  "ihd:fixed-endpoint",
  "ppmid:compliant",
  "ppmid:keeps-history",
] as const;

export type RecordedDut = (typeof RECORDED_DUTS)[number];

const SEED = 5;
const WINDOW_MS = 24 * 3_600_000;
const SRC = fileURLToPath(new URL("../../src", import.meta.url));
/** A lock older than this was left by a process that died while recording. */
const STALE_LOCK_MS = 10 * 60_000;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function key(): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ RECORDED_DUTS, SEED, WINDOW_MS }));
  for (const f of files(SRC)) h.update(f.slice(SRC.length)).update(readFileSync(f));
  return h.digest("hex").slice(0, 16);
}

/** Removes the recordings of older source trees (unused for an hour): each is tens of megabytes. */
function removeOldRecordings(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const f = join(tmpdir(), name);
    if (!name.startsWith("hanbench-recorded-run-") || f === keep) continue;
    try {
      if (Date.now() - statSync(f).mtimeMs > 3_600_000) rmSync(f, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
}

async function record(path: string): Promise<void> {
  removeOldRecordings(path);
  const partial = `${path}.${process.pid}.partial`;
  const outcome = await runSuite({
    mode: "virtual",
    devices: RECORDED_DUTS.map((label) => {
      const [kind, profile] = label.split(":") as ["ihd" | "ppmid", string];
      return { kind, profile, label };
    }),
    seed: SEED,
    windowMs: WINDOW_MS,
    evidencePath: partial,
    quiet: true,
    tool: "hanbench",
    version: "test",
  });
  if (outcome.aborted) throw new Error(`the recorded run was cut short: ${outcome.aborted}`);
  renameSync(partial, path);
}

let path: Promise<string> | undefined;

/** The path of the recorded run's evidence, recording it first if no process has yet for this source tree. */
function recordedPath(): Promise<string> {
  path ??= (async () => {
    const file = join(tmpdir(), `hanbench-recorded-run-${key()}.jsonl`);
    const lock = `${file}.lock`;
    for (;;) {
      if (existsSync(file)) return file;
      try {
        mkdirSync(lock);
      } catch {
        // another process is recording it: wait for its file (or take over a lock it left behind)
        try {
          if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
        } catch {
          // gone meanwhile
        }
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        if (!existsSync(file)) await record(file);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
  })();
  return path;
}

let all: Promise<Evidence[]> | undefined;

/**
 * The recorded run's events, a copy for the caller to change. With `duts`, only those devices are under test
 * and the events of the run's other DUTs are left out (the rest renumbered 1, 2, …); the devices left out are
 * listed as admitted on purpose in the run event.
 */
export async function recordedRun(duts?: readonly RecordedDut[]): Promise<Evidence[]> {
  all ??= recordedPath().then((file) => {
    const { events, bad } = readEvidence(file);
    if (bad.length) throw new Error(`the recorded run's evidence has ${bad.length} bad line(s)`);
    return events;
  });
  const events = await all;
  if (!duts) return structuredClone(events);
  const run = events.find((e) => e.kind === "run");
  if (run?.kind !== "run") throw new Error("the recorded run has no run event");
  const chosen = duts.map((label) => {
    const d = run.duts.find((x) => x.label === label);
    if (!d) throw new Error(`${label} is not a device of the recorded run`);
    return d;
  });
  const others = run.duts.filter((d) => !chosen.includes(d));
  const left = new Set(others.map((d) => d.ieee));
  const kept = structuredClone(
    events.filter((e) => {
      const device = (e as { device?: unknown }).device;
      return typeof device !== "string" || !left.has(device);
    }),
  );
  kept.forEach((e, i) => {
    e.seq = i + 1;
  });
  const copy = kept.find((e) => e.kind === "run");
  if (copy?.kind === "run") {
    copy.duts = chosen.map((d) => ({ ...d }));
    copy.admitted = [...(copy.admitted ?? []), ...others.map((d) => ({ label: d.label, ieee: d.ieee }))];
  }
  return kept;
}

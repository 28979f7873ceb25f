/**
 * SIGINT during every phase of a virtual run, SIGTERM in some (one handler serves both; issue 11, "also
 * try"): the run stops after the step in progress, its evidence flushed and valid to the last line, the stop
 * recorded, the dongle and host closed (the state directory's lock given back), the reports written over what
 * was seen, and the exit code the help documents: 3, or 1 if a case already failed. A second signal quits at
 * once with 130 / 143.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VIRTUAL_PLAN } from "../../src/cluster-cot/plan.js";
import { readEvidence } from "../../src/evidence/read.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "hb-signals-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

/** The phases of a default virtual run, in order (every case selected). */
const PHASES = VIRTUAL_PLAN.map((p) => p.name);

interface Stopped {
  code: number | null;
  stderr: string;
  dir: string;
}

/** Two runs at a time (the tests below run concurrently; the machine has 2 cores). */
let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** Starts a run and sends `signals` (one after the other) once stderr shows `when`. */
function runAndSignal(name: string, when: RegExp, signals: NodeJS.Signals[]): Promise<Stopped> {
  const dir = join(root, name);
  const child = spawn(
    process.execPath,
    [
      BIN,
      "run",
      "--devices",
      "ihd:compliant",
      "--evidence",
      join(dir, "evidence.jsonl"),
      "--state",
      join(dir, "state"),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  children.push(child);
  let stderr = "";
  let sent = 0;
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d;
    if (sent === 0 && when.test(stderr)) {
      sent = 1;
      child.kill(signals[0]);
    } else if (sent === 1 && signals[1] && stderr.includes(`: ${signals[0]}: `)) {
      sent = 2;
      child.kill(signals[1]);
    }
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr, dir })));
}

describe("a virtual run stopped by a signal", () => {
  const cases = [
    { at: "start-up", when: /^hanbench: virtual dry-run/m, first: 0 },
    ...PHASES.map((p, i) => ({ at: p, when: new RegExp(`^\\[${i + 1}/${PHASES.length}\\] ${p} `, "m"), first: i }))
      // back-dated's steps (record a CoT, wait, probe) are those of the phases before it: its stop is theirs
      .filter((c) => c.at !== "back-dated"),
  ].flatMap((c, i, all) =>
    // one handler serves both signals (src/cli/signals.ts): SIGINT in every phase, SIGTERM at the start-up,
    // the join, the first detection window and the last phase
    (["SIGINT", "SIGTERM"] as const)
      .filter((sig) => sig === "SIGINT" || ["start-up", "join", "observe"].includes(c.at) || i === all.length - 1)
      .map((sig) => ({ ...c, sig })),
  );

  it.concurrent.each(cases)(
    "$sig during $at: stops cleanly, evidence and reports kept, exit 3 (1 if a case failed)",
    async ({ at, when, first, sig }) => {
      const r = await slot(() => runAndSignal(`${at}-${sig}`, when, [sig]));
      expect(r.stderr).toContain(`hanbench run: ${sig}: stopping after the current step`);
      const { events, bad } = readEvidence(join(r.dir, "evidence.jsonl"));
      expect(bad).toEqual([]);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.some((e) => e.kind === "error" && e.message === `stopped (${sig})`)).toBe(true);
      // every phase before the stop ended; the one stopped in (this one or a later one) did not
      const phases = events.filter((e) => e.kind === "phase") as unknown as { name: string; state: string }[];
      const started = phases.filter((p) => p.state === "start").map((p) => p.name);
      const ended = phases.filter((p) => p.state === "end").map((p) => p.name);
      expect(started.length).toBeGreaterThan(first);
      expect(ended).toEqual(started.slice(0, -1));
      expect(started).toEqual(PHASES.slice(0, started.length));
      const report = JSON.parse(readFileSync(join(r.dir, "report.json"), "utf8")) as { summary: { fail: number } };
      expect(r.code).toBe(report.summary.fail > 0 ? 1 : 3);
      // the host and the dongle were stopped: the state directory's lock was given back
      expect(existsSync(join(r.dir, "state", "hanbench.lock"))).toBe(false);
    },
    60_000,
  );

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "quits at once on a second %s, with exit %i and the evidence so far still valid",
    async (sig, code) => {
      const r = await runAndSignal(`twice-${sig}`, /^\[2\/\d+\] baseline /m, [sig, sig]);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(`hanbench run: ${sig} again: quitting at once`);
      const { events, bad } = readEvidence(join(r.dir, "evidence.jsonl"));
      expect(bad).toEqual([]);
      expect(events.length).toBeGreaterThan(0);
      expect(existsSync(join(r.dir, "state", "hanbench.lock"))).toBe(false);
    },
    60_000,
  );
});

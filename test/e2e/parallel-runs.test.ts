/**
 * Runs started together in one directory (issue 11, item 4): three `hanbench run` at once, as a CI matrix or an
 * impatient user starts them. Each gets its own run directory and its own evidence log: one run event, seq
 * 1, 2, 3 … without a gap, and a report of its own.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEvidence } from "../../src/evidence/read.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const cwd = mkdtempSync(join(tmpdir(), "hb-parallel-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function run(seed: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "run", "--quiet", "--devices", "ihd:compliant", "--seed", `${seed}`], {
      cwd,
      stdio: "ignore",
    });
    child.on("exit", (code) => resolve(code));
  });
}

describe("runs started at the same time", () => {
  it("each write their own directory, evidence and report", async () => {
    expect(await Promise.all([run(1), run(2), run(3)])).toEqual([0, 0, 0]);
    const root = join(cwd, ".hanbench", "runs");
    const dirs = readdirSync(root);
    expect(dirs).toHaveLength(3);
    const seeds = dirs.map((d) => {
      const { events, bad } = readEvidence(join(root, d, "evidence.jsonl"));
      expect(bad).toEqual([]);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const runs = events.filter((e) => e.kind === "run");
      expect(runs).toHaveLength(1);
      const report = JSON.parse(readFileSync(join(root, d, "report.json"), "utf8")) as { seed: number };
      const seed = (runs[0] as { seed: number }).seed;
      expect(report.seed).toBe(seed);
      return seed;
    });
    expect(seeds.sort()).toEqual([1, 2, 3]);
  }, 180_000);
});

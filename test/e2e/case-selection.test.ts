/**
 * `hanbench run --cases` end to end: a virtual run of two cases walks only the phases they need (the baseline
 * and the main CoT because both build on COT-02), gives the faulty profiles the verdicts the whole suite gives them, and the
 * reports name what was not selected. A list naming no case is one line and exit 2.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VIRTUAL_PLAN } from "../../src/cluster-cot/plan.js";
import { readEvidence } from "../../src/evidence/read.js";
import type { Evidence } from "../../src/evidence/events.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hb-cases-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hanbench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("hanbench run --cases COT-08,COT-10", () => {
  let out: { code: number | null; stdout: string; stderr: string };
  let events: Evidence[];
  let report: { duts: { label: string; results: { id: string; verdict: string }[] }[] };
  beforeAll(async () => {
    const evidence = join(dir, "evidence.jsonl");
    out = await hanbench([
      "run",
      "--cases",
      "COT-08,cot-10",
      "--devices",
      "ihd:early-clear,ihd:offline-miss,ppmid:compliant",
      "--evidence",
      evidence,
      "--json",
      join(dir, "report.json"),
    ]);
    events = readEvidence(evidence).events;
    report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
  }, 120_000);

  it("walks the join, the baseline and main CoT (COT-02's), the future CoT and the away CoT only, saying what it skips", () => {
    const started = events.flatMap((e) => (e.kind === "phase" && e.state === "start" ? [e.name] : []));
    expect(started).toEqual(["join", "baseline", "cot", "future-cot", "away-cot"]);
    const skipped = VIRTUAL_PLAN.map((p) => p.name).filter((n) => !started.includes(n));
    expect(skipped).toEqual(expect.arrayContaining(["observe", "new-data", "repeat", "control-bits"]));
    expect(out.stderr).toContain(
      `cases COT-08, COT-10 (--cases COT-08,cot-10); phases skipped, no selected case needs them: ${skipped.join(", ")}`,
    );
  });

  it("fails each faulty profile on its case and passes the compliant device, reporting the two cases only", () => {
    const verdicts = Object.fromEntries(
      report.duts.map((d) => [d.label, Object.fromEntries(d.results.map((r) => [r.id, r.verdict]))]),
    );
    expect(verdicts).toEqual({
      "ihd:early-clear": { "COT-08": "fail", "COT-10": "pass" },
      "ihd:offline-miss": { "COT-08": "pass", "COT-10": "fail" },
      "ppmid:compliant": { "COT-08": "pass", "COT-10": "pass" },
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("not selected, not run (--cases COT-08,cot-10): COT-01, COT-02, COT-03");
  });
});

describe("hanbench run --cases: a list naming no case", () => {
  it.each([["COT-99"], ["gb,nope"]])("'%s' is one line naming the valid ids and presets, exit 2", (list) => {
    const r = spawnSync(process.execPath, [BIN, "run", "--cases", list], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^hanbench run: --cases: '.+' is not a case of the suite; give case ids \(COT-01, .*\) or a preset \(all, gb\)$/,
    );
  });
});

/**
 * An evidence file that cannot be written (issue 11 item 5): the run stops its phases, the verdicts it could
 * not reach are `error`, the reports are written over what was seen, exit 3 with one line naming the cause;
 * the lines a file already holds stay whole JSON lines (a size limit reached mid-run).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEvidence } from "../../src/evidence/read.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "hb-evidence-full-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sh -c SCRIPT node BIN ARGS…` to its end (the script may set limits, then `exec "$0" "$@"`). */
function finish(script: string, args: string[]): Promise<Done> {
  const child = spawn("/bin/sh", ["-c", script, process.execPath, BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const verdicts = (json: string) =>
  (JSON.parse(readFileSync(json, "utf8")) as { duts: { results: { verdict: string }[] }[] }).duts.flatMap((d) =>
    d.results.map((r) => r.verdict),
  );

describe("hanbench run with an evidence file that cannot be written", () => {
  it("--evidence /dev/full: error verdicts, reports written, exit 3 with one line naming the cause", async () => {
    const json = join(root, "full.json");
    const r = await finish('exec "$0" "$@"', [
      "run",
      "--devices",
      "ihd:compliant",
      "--evidence",
      "/dev/full",
      "--json",
      json,
    ]);
    expect(r.code).toBe(3);
    const cause = r.stderr.split("\n").filter((l) => l.startsWith("hanbench run:"));
    expect(cause).toEqual([
      "hanbench run: the run stopped early: cannot write the evidence log /dev/full: ENOSPC: no space left on device, write",
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const v = verdicts(json);
    expect(v).toContain("error");
    expect(v).not.toContain("pass");
    expect(r.stdout).toContain("COT-01  error");
  }, 120_000);

  it("a file size limit reached mid-run: every line already written is whole, exit 3", async () => {
    const evidence = join(root, "limited.jsonl");
    const json = join(root, "limited.json");
    // 64 KiB at most for every file the run writes (the report is small); EFBIG instead of SIGXFSZ
    const r = await finish(`trap '' XFSZ; ulimit -f 64; exec "$0" "$@"`, [
      "run",
      "--devices",
      "ihd:compliant",
      "--evidence",
      evidence,
      "--json",
      json,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`hanbench run: the run stopped early: cannot write the evidence log ${evidence}: EFBIG`);
    const text = readFileSync(evidence, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const { events, bad } = readEvidence(evidence);
    expect(bad).toEqual([]);
    expect(events.length).toBeGreaterThan(10);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(verdicts(json)).toContain("error");
  }, 120_000);
});

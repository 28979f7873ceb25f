/** `hanbench report` on logs that are not (only) evidence, through the real entry point (issue 11 item 2). */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function hanbench(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile("node", ["bin/hanbench.js", ...args], { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "hb-report-input-"));
const T = '"t":"2026-01-01T00:00:00.000Z","wall":"2026-01-01T00:00:00.000Z"';
const RUN = `{"seq":1,${T},"kind":"run","tool":"hanbench","version":"0","mode":"virtual","seed":1,"hub":{},"baseline":{},"windowMs":1000,"duts":[]}`;

describe("hanbench report on bad input", { timeout: 120_000 }, () => {
  it("skips lines that are not events with one warning each (line, why), exit as the verdicts say", async () => {
    const path = join(dir, "mixed.jsonl");
    writeFileSync(path, [RUN, "null", "42", "[]", '"x"', '{"seq":"x"}'].join("\n"));
    const r = await hanbench("report", path);
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      `warning: ${path}:2: not an event object (null), skipped: null`,
      `warning: ${path}:3: not an event object (number), skipped: 42`,
      `warning: ${path}:4: not an event object (array), skipped: []`,
      `warning: ${path}:5: not an event object (string), skipped: "x"`,
      `warning: ${path}:6: seq is "x", not a positive integer, skipped: {"seq":"x"}`,
      `warning: ${path}: 5 of 6 line(s) skipped`,
    ]);
  });

  it("refuses a log without a usable run event: exit 2, one line", async () => {
    const path = join(dir, "no-run.jsonl");
    writeFileSync(path, ["null", '{"seq":1}'].join("\n"));
    const r = await hanbench("report", path);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").filter((l) => !l.startsWith("warning: "))).toEqual([
      `hanbench report: ${path} has no run event: not the evidence log of a hanbench run`,
      "",
    ]);
  });

  it("refuses 2 MB of random bytes in one short line, echoing none of them", async () => {
    const path = join(dir, "random.bin");
    writeFileSync(path, randomBytes(2 << 20));
    const r = await hanbench("report", path);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      new RegExp(
        `^hanbench report: cannot read ${path}: not an evidence log: binary data \\(a NUL byte at byte \\d+\\)\\n$`,
      ),
    );
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { command } from "../../src/cli/report.js";
import { UsageError } from "../../src/cli/errors.js";
import type { Evidence } from "../../src/evidence/events.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { parseJsonReport } from "../../src/report/json.js";
import { withoutOperator } from "../cluster-cot/evidence-edits.js";
import { recordedRun } from "../support/recorded-run.js";
import { readXml } from "../report/xml-reader.js";

const dir = mkdtempSync(join(tmpdir(), "hb-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeEvidence(name: string, events: Evidence[], tail = ""): string {
  const path = join(dir, name);
  writeFileSync(path, `${events.map((e) => JSON.stringify(e)).join("\n")}\n${tail}`);
  return path;
}

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await command.run(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("hanbench report", () => {
  let mixed: Evidence[];
  beforeAll(async () => {
    mixed = await recordedRun(["ihd:compliant", "ihd:keeps-messages"]);
  }, 600_000);

  it("re-renders from an evidence file exactly what the in-memory events give, skipping a cut last line", async () => {
    const path = writeEvidence("mixed.jsonl", mixed, '{"seq":99999,"kind":"pro');
    const json = join(dir, "out", "r.json");
    const junit = join(dir, "out", "r.xml");
    const { code, out, err } = await runCli([path, "--json", json, "--junit", junit]);
    expect(code).toBe(1);
    expect(err).toMatch(/^warning: .*mixed\.jsonl:\d+: not JSON, skipped: \{"seq":99999/m);
    const fromFile = parseJsonReport(readFileSync(json, "utf8"));
    expect(fromFile).toEqual(buildReport(mixed));
    expect(readXml(readFileSync(junit, "utf8")).children).toHaveLength(2);
    expect(out).toMatch(/^ihd:keeps-messages {2}ihd 0x[0-9a-f]{16}\n {2}COT-01 {2}pass/m);
    expect(out).toMatch(/^ {2}COT-06 {2}fail {11}Clears supplier messages: after-cot probe seq \d+/m);
    expect(out.trimEnd().split("\n").at(-1)).toBe("19 pass, 1 fail, 4 info");
  });

  it("exits 0 when every case passed or was information, 3 when something was inconclusive", async () => {
    const ok = writeEvidence("ok.jsonl", await recordedRun(["ppmid:compliant"]));
    expect((await runCli([ok])).code).toBe(0);
    const withoutTerminal = await recordedRun(["ihd:compliant"]);
    withoutOperator(withoutTerminal, "ihd:compliant");
    const noTty = writeEvidence("operator.jsonl", withoutTerminal);
    const r = await runCli([noTty]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/COT-05 {2}inconclusive/);
  });

  it("writes the HTML report through src/report/html.ts", async () => {
    const path = writeEvidence("html.jsonl", mixed);
    const html = join(dir, "out", "r.html");
    const r = await runCli([path, "--html", html]);
    expect(r.code).toBe(1);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, "utf8")).toContain("COT-06");
  });

  it("refuses bad usage with one line: no file, two files, an unknown option, a log of something else", async () => {
    await expect(command.run([])).rejects.toThrow(UsageError);
    await expect(command.run(["a", "b"])).rejects.toThrow(/exactly one evidence file/);
    await expect(command.run(["--bogus"])).rejects.toThrow(UsageError);
    await expect(command.run([join(dir, "missing.jsonl")])).rejects.toThrow(/cannot read .*missing\.jsonl/);
    const notRun = writeEvidence(
      "note.jsonl",
      mixed.filter((e) => e.kind !== "run"),
    );
    await expect(runCli([notRun])).rejects.toThrow(/has no run event/);
  });

  it("teaches with --help", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: hanbench report EVIDENCE [--json FILE] [--junit FILE] [--html FILE]");
    expect(r.out).toContain("Example:");
  });

  it("runs as `hanbench report` from the command line", () => {
    const path = writeEvidence("cli.jsonl", mixed);
    const p = spawnSync(process.execPath, ["bin/hanbench.js", "report", path], { encoding: "utf8", timeout: 60_000 });
    expect(p.status).toBe(1);
    expect(p.stdout).toContain("COT-12  info");
    const bad = spawnSync(process.execPath, ["bin/hanbench.js", "report"], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("hanbench report: give exactly one evidence file (see --help)");
  });
});

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { command } from "../../src/cli/report.js";
import { UsageError } from "../../src/cli/errors.js";
import { sealEvidence } from "../../src/evidence/digest.js";
import type { Evidence } from "../../src/evidence/events.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { parseJsonReport } from "../../src/report/json.js";
import { relabel, withoutOperator } from "../cluster-cot/evidence-edits.js";
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
    const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
    expect(fromFile).toEqual(buildReport(mixed, { evidence: { file: path, sha256, seal: "none" } }));
    expect(fromFile.provenance.evidence).toEqual({ file: path, sha256, seal: "none", events: mixed.length });
    expect(readXml(readFileSync(junit, "utf8")).children).toHaveLength(2);
    expect(out).toMatch(/^ihd:keeps-messages {2}ihd 0x[0-9a-f]{16}\n {2}COT-01 {2}pass/m);
    expect(out).toMatch(/^ {2}COT-06 {2}fail {11}Clears supplier messages\n {10}after-cot probe seq \d+/m);
    const lines = out.trimEnd().split("\n");
    const fail = lines.indexOf("FAIL ihd:keeps-messages: COT-06, COT-13, COT-20");
    expect(lines[fail + 1]).toBe("27 pass, 3 fail, 2 not_applicable, 8 info"); // COT-17: IHDs are Type 2
  });

  it("--verify: a sealed log is accepted; one byte changed, or no seal, is refused with one line and exit 2", async () => {
    const path = writeEvidence("sealed.jsonl", mixed);
    const sha256 = sealEvidence(path);
    const ok = await runCli([path, "--verify"]);
    expect(ok.code).toBe(1);
    expect(ok.out.split("\n")[0]).toBe(`verified: ${path} matches its seal ${path}.sha256 (SHA-256 ${sha256})`);
    const bytes = readFileSync(path);
    const at = bytes.indexOf("COT") >= 0 ? bytes.indexOf("COT") : 100;
    bytes[at + 1] = bytes[at + 1]! ^ 0x20;
    writeFileSync(path, bytes);
    const p = spawnSync(process.execPath, ["bin/hanbench.js", "report", path, "--verify"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(p.status).toBe(2);
    expect(p.stdout).toBe("");
    expect(p.stderr.trim().split("\n")).toHaveLength(1);
    expect(p.stderr.trim()).toMatch(
      new RegExp(
        `^hanbench report: --verify: .*sealed\\.jsonl does not match its seal: SHA-256 [0-9a-f]{64}, sealed ${sha256}$`,
      ),
    );
    // without --verify the report is still rendered, with a warning and the seal's state in the report
    const json = join(dir, "out", "changed.json");
    const loose = await runCli([path, "--json", json]);
    expect(loose.err).toContain("does not match its seal");
    expect(parseJsonReport(readFileSync(json, "utf8")).provenance.evidence.seal).toBe("differs");
    await expect(command.run([writeEvidence("unsealed.jsonl", mixed), "--verify"])).rejects.toThrow(
      /--verify: .*unsealed\.jsonl has no seal \(.*unsealed\.jsonl\.sha256 is missing\)/,
    );
  });

  it("--requirements: the lab's clauses go into every report; an unknown case id is refused (exit 2)", async () => {
    const map = join(dir, "map.csv");
    writeFileSync(map, 'case,clause,text\nCOT-09,LAB-9,"no spurious clearing, ever"\n');
    const json = join(dir, "out", "req.json");
    const junit = join(dir, "out", "req.xml");
    expect(
      (await runCli([writeEvidence("req.jsonl", mixed), "--requirements", map, "--json", json, "--junit", junit])).code,
    ).toBe(1);
    const report = parseJsonReport(readFileSync(json, "utf8"));
    expect(report.provenance.requirements).toEqual({ file: map });
    for (const d of report.duts) {
      expect(d.results.find((r) => r.id === "COT-09")!.clauses).toEqual([
        { id: "LAB-9", text: "no spurious clearing, ever" },
      ]);
      expect(d.results.find((r) => r.id === "COT-08")!.clauses).toBeUndefined();
    }
    expect(readFileSync(junit, "utf8")).toContain('<property name="COT-09.clauses" value="LAB-9"/>');
    writeFileSync(map, "case,clause\nCOT-77,LAB-77\n");
    await expect(command.run([writeEvidence("req2.jsonl", mixed), "--requirements", map])).rejects.toThrow(
      /^--requirements: .*map\.csv: unknown case id 'COT-77' \(the suite has COT-01\.\.COT-20\)$/,
    );
    const p = spawnSync(
      process.execPath,
      ["bin/hanbench.js", "report", join(dir, "req2.jsonl"), "--requirements", map],
      {
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(p.status).toBe(2);
    expect(p.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("--compare lists the cases whose verdict differs: exit 1 when some do, 0 when none", async () => {
    // the same display (by label) with another firmware: B's device keeps messages
    const a = writeEvidence("cmp-a.jsonl", await recordedRun(["ihd:compliant"]));
    const other = await recordedRun(["ihd:keeps-messages"]);
    relabel(other, "ihd:keeps-messages", "ihd:compliant");
    const b = writeEvidence("cmp-b.jsonl", other);
    const r = await runCli([a, "--compare", b]);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^A .*cmp-a\.jsonl \(hb-\d{8}T\d{6}Z-[0-9a-f]{8}, /);
    expect(lines[1]).toMatch(/^B .*cmp-b\.jsonl/);
    expect(lines.slice(2)).toEqual([
      "ihd:compliant  COT-06  pass -> fail",
      "ihd:compliant  COT-13  pass -> fail",
      "ihd:compliant  COT-20  pass -> fail",
      "3 cases differ",
    ]);
    const same = await runCli([a, "--compare", a]);
    expect(same.code).toBe(0);
    expect(same.out.trimEnd().split("\n").at(-1)).toBe("no case differs");
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
    expect(r.out).toContain(
      "Usage: hanbench report EVIDENCE [--verify] [--requirements FILE] [--json FILE] [--junit FILE] [--html FILE]",
    );
    expect(r.out).toContain("hanbench report EVIDENCE --compare OTHER [--verify]");
    expect(r.out).toContain("With --compare: 0 no case differs, 1 some case differs, 2 bad usage.");
    expect(r.out).toContain("Examples:");
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

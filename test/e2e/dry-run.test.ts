/**
 * The README's main job, as a user runs it: `hanbench run` on a fresh state, every case pass or info for the
 * default IHD and PPMID, exit 0, with the reports, the HTML page and a capture that Wireshark's dissector
 * (tshark, which we did not write) decodes down to the Smart Energy fields. And a faulty profile exits 1.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvidence } from "../../src/evidence/read.js";
import type { Evidence } from "../../src/evidence/events.js";
import { parseJsonReport } from "../../src/report/json.js";
import type { RunReport } from "../../src/cluster-cot/results.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;

function hanbench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("hanbench run (the default virtual dry-run)", () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof hanbench>>;
  let report: RunReport;
  let events: Evidence[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hb-dry-run-"));
    result = await hanbench([
      "run",
      "--evidence",
      join(dir, "evidence.jsonl"),
      "--json",
      join(dir, "report.json"),
      "--junit",
      join(dir, "junit.xml"),
      "--html",
      join(dir, "report.html"),
      "--capture",
      join(dir, "run.pcap"),
    ]);
    report = parseJsonReport(readFileSync(join(dir, "report.json"), "utf8"));
    events = readEvidence(join(dir, "evidence.jsonl")).events;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with every case pass or info for ihd:compliant and ppmid:compliant (COT-17 not applicable to the IHD)", () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(report.duts.map((d) => d.label)).toEqual(["ihd:compliant", "ppmid:compliant"]);
    for (const d of report.duts) {
      expect(d.results).toHaveLength(20);
      for (const r of d.results) {
        const ok =
          r.id === "COT-17" && d.kind === "ihd" ? r.verdict === "not_applicable" : ["pass", "info"].includes(r.verdict);
        expect([d.label, r.id, r.verdict, ok]).toEqual([d.label, r.id, r.verdict, true]);
      }
    }
    expect(result.stdout).toMatch(/31 pass, 1 not_applicable, 8 info/);
  });

  it("runs key establishment by default: the PPMID keys its link (suite 2) and its SE traffic with the hub is APS-secured both ways; the IHD's is not", () => {
    const [ihd, ppmid] = report.duts;
    expect(ppmid!.security).toMatchObject({ deviceType: "Type 1", mode: "cbke", outcome: "established", suite: 2 });
    expect(ppmid!.security!.unsecured).toEqual({ hub: 0, esme: 0 });
    expect(ihd!.security).toMatchObject({ deviceType: "Type 2", outcome: "not-applicable" });
    const steps = events
      .filter((e) => e.kind === "ke" && e.device === ppmid!.ieee)
      .map((e) => (e as { step: string }).step);
    // at its first join, and again as a new unit after its factory reset (phase late-join)
    const once = ["initiate", "ephemeral", "confirm", "established", "installed"];
    expect(steps).toEqual([...once, ...once]);
    const se = new Set([0x000a, 0x0700, 0x0702, 0x0703, 0x0705, 0x0708]);
    const hubFrames = (device: string, dir: "in" | "out") =>
      events.filter(
        (e) => e.kind === "zcl" && e.device === device && e.dir === dir && e.role === "gpf" && se.has(e.clusterId),
      ) as { apsSecured?: boolean }[];
    for (const dir of ["in", "out"] as const) {
      expect(hubFrames(ppmid!.ieee, dir).length).toBeGreaterThan(10);
      expect(hubFrames(ppmid!.ieee, dir).every((z) => z.apsSecured === true)).toBe(true);
      expect(hubFrames(ihd!.ieee, dir).every((z) => z.apsSecured === false)).toBe(true);
    }
  });

  it("says on stderr, device by device, when each joined and was interviewed and when it queried the CoT", () => {
    for (const label of ["ihd:compliant", "ppmid:compliant"]) {
      const name = `${label} \\(0x[0-9a-f]{16}\\)`;
      expect(result.stderr).toMatch(new RegExp(`^ {2}${name} joined — \\d+\\.\\d s$`, "m"));
      expect(result.stderr).toMatch(new RegExp(`^ {2}${name} interviewed — \\d+\\.\\d s$`, "m"));
      expect(result.stderr).toMatch(
        new RegExp(`^ {2}${name} queried the CoT \\((read 0x0708/0x0200|GetChangeOfTenancy) on the `, "m"),
      );
    }
    expect(result.stdout).not.toMatch(/ — \d+\.\d s$/m);
  });

  it("keeps the evidence of the whole plan and names the baseline, without keys", () => {
    const run = events.find((e) => e.kind === "run");
    expect(run).toMatchObject({ mode: "virtual", baseline: { IHDTS: "5.0", PPMIDTS: "5.0", GBCS: "5.0" } });
    // the dongle as it said itself at start, printed on the progress too
    expect(run).toMatchObject({
      coordinator: {
        adapter: "zstack",
        firmware: expect.stringMatching(/^ZStack3x0 revision \d{8} \(\d+\.\d+\.\d+\)$/),
      },
    });
    expect(result.stderr).toMatch(
      / {2}coordinator: zstack, firmware ZStack3x0 revision \d{8} \(\d+\.\d+\.\d+\), IEEE 0x[0-9a-f]{16}, channel \d+, PAN 0x[0-9a-f]{4}\n/,
    );
    const phases = events
      .filter((e) => e.kind === "phase" && e.state === "end")
      .map((e) => (e as { name: string }).name);
    expect(phases).toEqual([
      "join",
      "baseline",
      "cot",
      "observe",
      "new-data",
      "repeat",
      "second-cot",
      "future-cot",
      "away-cot",
      "bits-cot",
      "control-bits",
      "restart",
      "late-join",
      "back-dated",
    ]);
    const text = readFileSync(join(dir, "evidence.jsonl"), "utf8");
    expect(text).not.toMatch(/networkKey|installCode/i);
    expect(JSON.stringify(report.hub)).not.toMatch(/key/i);
  });

  it("records its provenance in the evidence and every report: id, build, herdsman, coordinator, DUT identity, hash", () => {
    const p = report.provenance;
    expect(p.reportId).toMatch(/^hb-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(p.herdsman).toBe("11.1.1");
    expect(p.suite.version).toBe("1");
    expect(p.hubVariant).toBe("reference");
    expect(p.coordinator).toMatchObject({
      adapter: "zstack",
      type: "ZStack3x0",
      meta: { revision: expect.any(Number) },
    });
    expect(p.coordinator?.ieee).toBe(report.hub.hubIeee);
    expect(p.build?.version).toBe(report.version);
    const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" });
    if (head.status === 0 && p.build?.from === "source") expect(p.build.commit).toBe(head.stdout.trim());
    expect(Date.parse(p.wall.end)).toBeGreaterThan(Date.parse(p.wall.start));
    // each CoT recorded on both meters (suite v2)
    expect(p.cots.map((c) => c.control)).toEqual([
      // main, the older date after the reset (COT-09), second, future, away
      ...[0x600, 0x600, 0x600, 0x600, 0x600].flatMap((c) => [c, c]),
      // COT-13: the GPF with bit 9 only, the ESME with a date only
      0x200,
      0,
      ...[0x200, 0x400, 0x600, 0, 0x80, 0x100, 0x2000, 0x4000].flatMap((c) => [c, c]),
      // the CoT a DUT joining afresh finds (COT-19), then COT-14's back-dated ones: the correction on both, 45
      // days back on the ESME only and 10 on the GPF only (COT-15's), 1 day on both
      ...[0x600, 0x600].flatMap((c) => [c, c]),
      0x600,
      0x600,
      ...[0x600].flatMap((c) => [c, c]),
    ]);
    expect(p.cots.map((c) => c.meters.join())).toEqual([
      ...Array(16).fill(["gpf", "esme"]).flat(),
      "esme",
      "gpf",
      "gpf",
      "esme",
    ]);
    expect(p.deviations).toEqual([]);
    expect(p.limitations).toEqual([]); // CBKE and APS security on (the default of a virtual run)
    for (const d of report.duts) {
      expect(d.identity.read).toMatchObject({
        manufacturerName: "hanbench",
        modelId: `virtual-${d.kind}`,
        swBuildId: "compliant",
      });
      expect(d.identity.mismatches).toEqual([]);
    }
    // the seal beside the log, the same hash in the report, and --verify agrees
    const seal = readFileSync(join(dir, "evidence.jsonl.sha256"), "utf8");
    expect(seal).toBe(`${p.evidence.sha256}  evidence.jsonl\n`);
    expect(p.evidence.seal).toBe("matches");
    const verify = spawnSync(process.execPath, [BIN, "report", join(dir, "evidence.jsonl"), "--verify"], {
      encoding: "utf8",
    });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout.split("\n")[0]).toContain(`matches its seal`);
    // the re-rendered report says the same as the run's
    const again = join(dir, "again.json");
    spawnSync(process.execPath, [BIN, "report", join(dir, "evidence.jsonl"), "--json", again], { encoding: "utf8" });
    expect(parseJsonReport(readFileSync(again, "utf8"))).toEqual(report);
  });

  it("prints a verdict table of at most 80 columns, then the report id and the evidence hash", () => {
    const lines = result.stdout.trimEnd().split("\n");
    const table = lines.slice(
      0,
      lines.findIndex((l) => l.startsWith("report id ")),
    );
    expect(table.length).toBeGreaterThan(24);
    for (const line of table) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(result.stdout).toContain(`report id ${report.provenance.reportId}`);
    expect(result.stdout).toContain(`sha256 ${report.provenance.evidence.sha256}`);
  });

  it("writes JUnit with one testsuite per DUT and testcases named by case id", () => {
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(xml.match(/<testsuite\b/g)).toHaveLength(2);
    expect(xml).toContain('name="COT-06 Clears supplier messages"');
    expect(xml).not.toMatch(/<failure\b/);
  });

  it("writes a self-contained HTML report with the verdict table", () => {
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("COT-01");
    expect(html).toContain("ihd:compliant");
    expect(html).not.toMatch(/<script\b|src="http|href="http/i);
  });

  it("writes a capture tshark decodes: 0x0200 reads, the CoT date in PublishChangeOfTenancy, and the supplier message text", () => {
    expect(existsSync(join(dir, "run.pcap"))).toBe(true);
    const cot = events.find((e) => e.kind === "cot") as { implementationTime: string } | undefined;
    expect(cot).toBeDefined();
    const fields = (filter: string, names: string[]) => {
      const args = ["-r", join(dir, "run.pcap"), "-T", "fields", "-E", "separator=|", "-Y", filter];
      for (const n of names) args.push("-e", n);
      const r = spawnSync("tshark", args, { encoding: "utf8", env: { ...process.env, TZ: "UTC" }, maxBuffer: 1 << 28 });
      expect(r.error, "tshark must be installed (.ci/run installs it)").toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
      return r.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("|"));
    };
    // Read Attributes Responses of Device Management carrying 0x0200 with a UTC value
    const dm = fields("zbee_aps.cluster == 0x0708 && zbee_zcl.attr.utc", [
      "zbee_aps.profile",
      "zbee_zcl_se.device_management.attr_id",
      "zbee_zcl.attr.utc",
    ]);
    expect(dm.length).toBeGreaterThan(0);
    expect(dm.every((r) => r[0] === "0x0109" && r[1]!.split(",").includes("0x0200"))).toBe(true);
    // the first CoT's implementation time, as Wireshark prints a ZCL UTC time: the compliant displays ask
    // GetChangeOfTenancy, which the reference hub answers with PublishChangeOfTenancy
    const d = new Date(cot!.implementationTime);
    const month = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
    const printed = `${month} ${String(d.getUTCDate()).padStart(2, " ")}, ${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)}`;
    const published = fields("zbee_aps.cluster == 0x0708", [
      "zbee_zcl_se.device_management.publish_change_of_tenancy.implementation_date",
    ]);
    expect(published.some((r) => r[0]!.startsWith(printed))).toBe(true);
    const messages = fields("zbee_zcl_se.msg.message", ["zbee_zcl_se.msg.message"]).map((r) => r[0]);
    const message = events.find((e) => e.kind === "served" && (e as { item: string }).item.endsWith(".message"));
    const out = messages.join("\n");
    expect(out).toContain((message as { value: string }).value);
  });
});

describe("hanbench run with a faulty display", () => {
  it("exits 1 and fails COT-06 (and COT-13 and COT-20, which ask for both clears) for ihd:keeps-messages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-dry-run-"));
    try {
      const r = await hanbench([
        "run",
        "--quiet",
        "--devices",
        "ihd:keeps-messages",
        "--evidence",
        join(dir, "e.jsonl"),
      ]);
      expect(r.code, r.stderr.slice(-2000)).toBe(1);
      expect(r.stdout).toMatch(/COT-06 +fail/);
      expect(r.stdout).toMatch(/COT-13 +fail/);
      expect(r.stdout).toMatch(/COT-20 +fail/);
      expect(r.stdout.match(/ fail /g)).toHaveLength(3);
      expect(r.stdout).toMatch(/^FAIL ihd:keeps-messages: COT-06, COT-13, COT-20$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses an unknown profile with one line and exit 2", async () => {
    const r = await hanbench(["run", "--devices", "ihd:sloppy"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--devices: 'ihd:sloppy': unknown profile 'sloppy'; valid profiles: compliant, no-query/);
  });
});

/**
 * JUnit that CI dashboards read right: valid against the JUnit schema of Jenkins' xUnit plugin (judged by
 * xmllint, test/report/schema/), one testsuite per DUT, one testcase per case, info and not_applicable as
 * passed testcases with their text, inconclusive as skipped, the basis in properties, real times.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/cluster-cot/results.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { renderJunit, xmlEscape } from "../../src/report/junit.js";
import type { Evidence } from "../../src/evidence/events.js";
import { benchError } from "../cluster-cot/evidence-edits.js";
import { recordedRun } from "../support/recorded-run.js";
import { readXml, type XmlElement } from "./xml-reader.js";

const SCHEMA = new URL("./schema/junit-10.xsd", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hb-junit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let report: RunReport;
beforeAll(async () => {
  const events = await recordedRun(["ihd:compliant", "ihd:fixed-endpoint", "ppmid:compliant"]);
  const run = events.find((e) => e.kind === "run") as Evidence & { duts: { claims?: string }[] };
  run.duts[2]!.claims = "4.1";
  benchError(events, { phase: "control-bits", message: 'probe <console> & "port" closed' });
  report = buildReport(events);
}, 600_000);

const kids = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);
const props = (suite: XmlElement) =>
  Object.fromEntries(kids(kids(suite, "properties")[0]!, "property").map((p) => [p.attrs.name!, p.attrs.value!]));

/** xmllint's verdict on a JUnit document against the schema. */
function validate(xml: string, name: string): { status: number | null; stderr: string } {
  const path = join(dir, name);
  writeFileSync(path, xml);
  const r = spawnSync("xmllint", ["--noout", "--schema", SCHEMA, path], { encoding: "utf8" });
  expect(r.error, "xmllint must be installed (Debian libxml2-utils; .ci/run installs it)").toBeUndefined();
  return { status: r.status, stderr: r.stderr };
}

describe("JUnit report", () => {
  it("validates against the Jenkins xUnit JUnit schema (xmllint), and the schema check has teeth", () => {
    const ok = validate(renderJunit(report), "ok.xml");
    expect(ok.stderr).toContain("validates");
    expect(ok.status).toBe(0);
    // what the schema refuses: a testcase without a name, and a count attribute the root does not have
    const bad = renderJunit(report)
      .replace(/<testcase name="[^"]*"/, "<testcase")
      .replace("<testsuites ", '<testsuites skipped="1" ');
    const no = validate(bad, "bad.xml");
    expect(no.status).not.toBe(0);
    expect(no.stderr).toMatch(/name.*required|skipped.*not allowed/);
  });

  it("has one testsuite per DUT named by its label, one testcase per case with classname per DUT", () => {
    const root = readXml(renderJunit(report));
    expect(root.name).toBe("testsuites");
    const suites = kids(root, "testsuite");
    expect(suites.map((s) => s.attrs.name)).toEqual(["ihd:compliant", "ihd:fixed-endpoint", "ppmid:compliant"]);
    const cases = kids(suites[1]!, "testcase");
    expect(cases.map((c) => c.attrs.name!.slice(0, 6))).toEqual(report.duts[1]!.results.map((r) => r.id));
    expect(cases[5]!.attrs.name).toBe("COT-06 Clears supplier messages");
    expect(new Set(cases.map((c) => c.attrs.classname))).toEqual(new Set(["hanbench.ihd:fixed-endpoint"]));
  });

  it("fails, errs and skips only what failed, erred and was inconclusive; info and not_applicable pass with their text", () => {
    const root = readXml(renderJunit(report));
    const seen = new Set<string>();
    for (const [s, suite] of kids(root, "testsuite").entries()) {
      for (const [i, tc] of kids(suite, "testcase").entries()) {
        const r = report.duts[s]!.results[i]!;
        seen.add(r.verdict);
        const outcome = tc.children.filter((c) => c.name !== "system-out").map((c) => c.name);
        const want = { fail: ["failure"], error: ["error"], inconclusive: ["skipped"] }[r.verdict as "fail"] ?? [];
        expect(outcome, `${r.id} ${r.verdict}`).toEqual(want);
        const out = kids(tc, "system-out")[0]!.text;
        expect(out.startsWith(`${r.verdict}: ${r.reason}\nbasis: ${r.basis.join(", ")}\n`)).toBe(true);
        if (r.verdict === "fail") expect(kids(tc, "failure")[0]!.attrs.message).toBe(r.reason);
        if (r.verdict === "inconclusive")
          expect(kids(tc, "skipped")[0]!.attrs.message).toBe(`inconclusive: ${r.reason}`);
      }
    }
    // the report has every kind of verdict this mapping covers
    expect([...seen].sort()).toEqual(["error", "fail", "inconclusive", "info", "not_applicable", "pass"]);
    const old = kids(root, "testsuite")[2]!;
    expect(kids(kids(old, "testcase")[0]!, "system-out")[0]!.text).toMatch(/^not_applicable: declares PPMIDTS 4\.1/);
    expect(kids(kids(old, "testcase")[0]!, "skipped")).toEqual([]);
  });

  it("names each case's basis and the lab's clauses in the suite's properties, with the run's provenance", () => {
    const r = structuredClone(report);
    r.duts[0]!.results[5]!.clauses = [{ id: "LAB-COT-04", text: "clears messages" }, { id: "LAB-COT-09" }];
    r.provenance.reportId = "hb-20260504T090000Z-0a1b2c3d";
    r.provenance.evidence.sha256 = "cd".repeat(32);
    const p = props(kids(readXml(renderJunit(r)), "testsuite")[0]!);
    expect(p).toMatchObject({
      kind: "ihd",
      "COT-01.basis": "gb zse",
      "COT-03.basis": "gb policy",
      "COT-06.basis": "gb",
      "COT-06.clauses": "LAB-COT-04; LAB-COT-09",
      reportId: "hb-20260504T090000Z-0a1b2c3d",
      "evidence.sha256": "cd".repeat(32),
    });
    expect(p["COT-05.clauses"]).toBeUndefined();
    expect(validate(renderJunit(r), "props.xml").status).toBe(0);
  });

  it("gives each testcase its wall-clock time and each suite the run's, with a timestamp", () => {
    // a real run's cases took the wall-clock time of their evidence
    const recorded = kids(kids(readXml(renderJunit(report)), "testsuite")[0]!, "testcase");
    expect(recorded.filter((tc) => Number(tc.attrs.time) > 0).length).toBeGreaterThan(0);
    const r = structuredClone(report);
    r.duts[0]!.results[2]!.durationMs = 1234;
    r.duts[0]!.results[0]!.durationMs = 0;
    r.provenance.wall = { start: "2026-05-04T09:00:00.000Z", end: "2026-05-04T09:01:05.250Z" };
    const root = readXml(renderJunit(r));
    const suite = kids(root, "testsuite")[0]!;
    expect(kids(suite, "testcase")[2]!.attrs.time).toBe("1.234");
    expect(kids(suite, "testcase")[0]!.attrs.time).toBe("0.000");
    expect(suite.attrs.time).toBe("65.250");
    expect(suite.attrs.timestamp).toBe("2026-05-04T09:00:00");
    expect(root.attrs.time).toBe("65.250");
  });

  it("puts the counts in the attributes of every suite and of the root", () => {
    const root = readXml(renderJunit(report));
    const total = { tests: 0, failures: 0, errors: 0 };
    for (const [i, s] of kids(root, "testsuite").entries()) {
      const rs = report.duts[i]!.results;
      const c = {
        tests: rs.length,
        failures: rs.filter((r) => r.verdict === "fail").length,
        errors: rs.filter((r) => r.verdict === "error").length,
        skipped: rs.filter((r) => r.verdict === "inconclusive").length,
      };
      expect(Object.fromEntries(Object.keys(c).map((k) => [k, Number(s.attrs[k])]))).toEqual(c);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += c[k];
    }
    expect(Object.fromEntries(Object.keys(total).map((k) => [k, Number(root.attrs[k])]))).toEqual(total);
    expect(total.failures).toBeGreaterThan(0);
    expect(total.errors).toBeGreaterThan(0);
  });

  it("escapes markup and quotes and drops characters XML cannot carry", () => {
    expect(xmlEscape(`a<b>&"c"'d'\u0001\u0008e`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;e");
    const r = structuredClone(report);
    r.duts[0]!.label = `ihd:<"odd" & 'label'>`;
    r.duts[0]!.results[0]!.reason = "ends ]]> here\u0000";
    const xml = renderJunit(r);
    const root = readXml(xml);
    expect(kids(root, "testsuite")[0]!.attrs.name).toBe(`ihd:<"odd" & 'label'>`);
    expect(kids(kids(kids(root, "testsuite")[0]!, "testcase")[0]!, "system-out")[0]!.text).toContain("ends ]]> here\n");
    expect(validate(xml, "odd.xml").status).toBe(0);
  });

  it("is checked by a reader that refuses malformed XML", () => {
    const prolog = '<?xml version="1.0"?>';
    expect(() => readXml(`${prolog}<a><b></a>`)).toThrow(/mismatched/);
    expect(() => readXml(`${prolog}<a x="1">&</a>`)).toThrow(/entity/);
    expect(() => readXml(`${prolog}<a x="1" x="2"/>`)).toThrow(/duplicate/);
    expect(() => readXml("<a/>")).toThrow(/declaration/);
    expect(readXml(`${prolog}<a x="&lt;"><b/>t&amp;</a>`)).toEqual({
      name: "a",
      attrs: { x: "<" },
      children: [{ name: "b", attrs: {}, children: [], text: "" }],
      text: "t&",
    });
  });
});

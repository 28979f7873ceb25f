import { beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/cluster-cot/results.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { renderJunit, xmlEscape } from "../../src/report/junit.js";
import type { Evidence } from "../../src/evidence/events.js";
import { benchError } from "../cluster-cot/evidence-edits.js";
import { recordedRun } from "../support/recorded-run.js";
import { readXml, type XmlElement } from "./xml-reader.js";

let report: RunReport;
beforeAll(async () => {
  const events = await recordedRun(["ihd:compliant", "ihd:fixed-endpoint", "ppmid:compliant"]);
  const run = events.find((e) => e.kind === "run") as Evidence & { duts: { claims?: string }[] };
  run.duts[2]!.claims = "4.1";
  benchError(events, { phase: "control-bits", message: 'probe <console> & "port" closed' });
  report = buildReport(events);
}, 600_000);

const kids = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);

describe("JUnit report", () => {
  it("is well-formed XML with one testsuite per DUT named by its label", () => {
    const root = readXml(renderJunit(report));
    expect(root.name).toBe("testsuites");
    expect(kids(root, "testsuite").map((s) => s.attrs.name)).toEqual([
      "ihd:compliant",
      "ihd:fixed-endpoint",
      "ppmid:compliant",
    ]);
  });

  it("names each testcase by case id and title, and maps verdicts to failure, error and skipped", () => {
    const root = readXml(renderJunit(report));
    const [ihd, fixed, old] = kids(root, "testsuite");
    const cases = kids(fixed!, "testcase");
    expect(cases.map((c) => c.attrs.name!.slice(0, 6))).toEqual(report.duts[1]!.results.map((r) => r.id));
    expect(cases[5]!.attrs.name).toBe("COT-06 Clears supplier messages");
    for (const [i, r] of report.duts[1]!.results.entries()) {
      const tc = cases[i]!;
      const outcome = tc.children.filter((c) => c.name !== "system-out").map((c) => c.name);
      const want = { pass: [], fail: ["failure"], error: ["error"] }[r.verdict as "pass"] ?? ["skipped"];
      expect(outcome, r.id).toEqual(want);
      if (r.verdict === "fail") expect(kids(tc, "failure")[0]!.attrs.message).toBe(r.reason);
      if (want[0] === "skipped") expect(kids(tc, "skipped")[0]!.attrs.message).toBe(`${r.verdict}: ${r.reason}`);
      expect(kids(tc, "system-out")[0]!.text).toContain(r.reason);
    }
    expect(kids(kids(old!, "testcase")[0]!, "skipped")[0]!.attrs.message).toMatch(
      /^not_applicable: declares PPMIDTS 4.1/,
    );
    const cot12 = kids(ihd!, "testcase")[11]!;
    expect(kids(cot12, "error")[0]!.attrs.message).toContain('probe <console> & "port" closed');
  });

  it("puts the counts in the attributes of every suite and of the root", () => {
    const root = readXml(renderJunit(report));
    const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const [i, s] of kids(root, "testsuite").entries()) {
      const rs = report.duts[i]!.results;
      const c = {
        tests: rs.length,
        failures: rs.filter((r) => r.verdict === "fail").length,
        errors: rs.filter((r) => r.verdict === "error").length,
        skipped: rs.filter((r) => ["inconclusive", "not_applicable", "info"].includes(r.verdict)).length,
      };
      expect(Object.fromEntries(Object.keys(c).map((k) => [k, Number(s.attrs[k])]))).toEqual(c);
      expect(kids(s, "testcase").filter((t) => kids(t, "failure").length).length).toBe(c.failures);
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
    const root = readXml(renderJunit(r));
    expect(kids(root, "testsuite")[0]!.attrs.name).toBe(`ihd:<"odd" & 'label'>`);
    expect(kids(kids(kids(root, "testsuite")[0]!, "testcase")[0]!, "system-out")[0]!.text).toContain("ends ]]> here\n");
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

import { beforeAll, describe, expect, it } from "vitest";
import { CASES, evaluate } from "../../src/cluster-cot/index.js";
import type { Evidence } from "../../src/evidence/events.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { parseJsonReport, renderJson } from "../../src/report/json.js";
import { summarise, VERDICTS } from "../../src/cluster-cot/results.js";
import { recordedRun } from "../support/recorded-run.js";

let events: Evidence[];
beforeAll(async () => {
  events = await recordedRun(["ihd:keeps-messages", "ppmid:compliant"]);
}, 600_000);

describe("JSON report", () => {
  it("carries tool, version, mode, baseline, hub parameters without keys, start and end", () => {
    const r = buildReport(events);
    expect([r.tool, r.version, r.mode, r.seed]).toEqual(["hanbench", "test", "virtual", 5]);
    expect(r.baseline.IHDTS).toBe("5.0");
    expect(r.hub).toMatchObject({
      endpoints: { esi: 2, mirror: 4, esme: 3 },
      hubIeee: expect.stringMatching(/^0x[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(r)).not.toMatch(/networkKey/);
    expect(r.startedAt).toBe(events[0]!.t);
    expect(r.finishedAt).toBe(events.at(-1)!.t);
  });

  it("has one entry per DUT with label, kind, IEEE address, profile and one result per case, and the summary", () => {
    const r = buildReport(events);
    expect(r.duts.map((d) => [d.label, d.kind, d.profile, d.results.length])).toEqual([
      ["ihd:keeps-messages", "ihd", "keeps-messages", CASES.length],
      ["ppmid:compliant", "ppmid", "compliant", CASES.length],
    ]);
    expect(r.duts[0]!.ieee).toMatch(/^0x[0-9a-f]{16}$/);
    expect(r.duts).toEqual(evaluate(events));
    expect(r.summary).toEqual(summarise(r.duts));
    // COT-17: the PPMID keyed its link (pass), the IHD is Type 2 (not_applicable); the IHD fails COT-06, COT-13 and COT-20
    expect(r.summary).toEqual({ pass: 28, fail: 3, inconclusive: 0, error: 0, not_applicable: 1, info: 8 });
  });

  it("round-trips through its text", () => {
    const r = buildReport(events);
    const text = renderJson(r);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe('  "tool": "hanbench",');
    expect(parseJsonReport(text)).toEqual(r);
  });

  it("refuses text that is not a run report", () => {
    expect(() => parseJsonReport('{"tool":"other"}')).toThrow(/not a hanbench run report/);
    const r = JSON.parse(renderJson(buildReport(events)));
    delete r.summary[VERDICTS[2]];
    expect(() => parseJsonReport(JSON.stringify(r))).toThrow(/lacks 'inconclusive'/);
  });

  it("cannot be built from evidence without a run event", () => {
    expect(() => buildReport(events.filter((e) => e.kind !== "run"))).toThrow(/no run event/);
  });
});

/**
 * A run of selected cases (`--cases`, recorded in the run event): the reports give verdicts of the selected
 * cases only, each as the whole suite would, and every format names the cases not selected. A case sees the
 * results of the cases it declares it builds on, and only those.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CASES, evaluate } from "../../src/cluster-cot/index.js";
import { VIRTUAL_PLAN } from "../../src/cluster-cot/plan.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { selectionOf } from "../../src/cluster-cot/selection.js";
import type { Evidence, RunEvent } from "../../src/evidence/events.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJson } from "../../src/report/json.js";
import { renderJunit } from "../../src/report/junit.js";
import { renderTerminal } from "../../src/report/terminal.js";
import { recordedRun } from "../support/recorded-run.js";

let events: Evidence[];
let selected: Evidence[];
beforeAll(async () => {
  events = await recordedRun(["ihd:compliant", "ihd:keeps-messages"]);
  selected = structuredClone(events);
  const run = selected.find((e) => e.kind === "run") as RunEvent;
  const { plan: _plan, ...selection } = selectionOf("COT-06,COT-17", CASES, VIRTUAL_PLAN);
  run.selection = selection;
}, 600_000);

describe("a run of selected cases", () => {
  it("reports the selected cases only, with the verdicts the whole suite gives them", () => {
    const all = evaluate(events);
    const some = evaluate(selected);
    for (const [i, d] of some.entries()) {
      expect(d.results.map((r) => r.id)).toEqual(["COT-06", "COT-17"]);
      for (const r of d.results) expect(r).toEqual(all[i]!.results.find((x) => x.id === r.id));
    }
    expect(some[1]!.results[0]!.verdict).toBe("fail");
  });

  it("names the cases not selected in the terminal table, JSON, JUnit and HTML", () => {
    const report = buildReport(selected);
    const notSelected = CASES.map((c) => c.id).filter((id) => id !== "COT-06" && id !== "COT-17");
    expect(report.summary.pass + report.summary.fail + report.summary.not_applicable).toBe(4);
    expect(renderTerminal(report, { width: 200 })).toContain(
      `not selected, not run (--cases COT-06,COT-17): ${notSelected.join(", ")}`,
    );
    expect(JSON.parse(renderJson(report)).provenance.suite.selection).toMatchObject({
      asked: "COT-06,COT-17",
      cases: ["COT-06", "COT-17"],
      notSelected,
    });
    const junit = renderJunit(report);
    expect(junit).toContain(`name="suite.notSelected" value="${notSelected.join(" ")}"`);
    expect(junit).not.toContain('name="COT-05');
    expect(renderHtml(report, selected)).toContain(`not selected, not run: ${notSelected.join(", ")}`);
  });

  it("says nothing of a selection when every case ran", () => {
    const report = buildReport(events);
    expect(report.provenance.suite.selection).toBeUndefined();
    expect(renderTerminal(report)).not.toContain("not selected");
  });
});

describe("what a case is given of the cases before it", () => {
  it("gives a case the results of the cases it declares it needs, and no other", () => {
    const seen = new Map<string, string[]>();
    const spied = CASES.map((c) => ({
      ...c,
      evaluate: (view: Parameters<typeof c.evaluate>[0], prior: Parameters<typeof c.evaluate>[1]) => {
        seen.set(c.id, [...prior.keys()]);
        return c.evaluate(view, prior);
      },
    }));
    const original = [...CASES];
    (CASES as typeof spied).splice(0, CASES.length, ...spied);
    try {
      evaluate(events);
    } finally {
      (CASES as typeof spied).splice(0, CASES.length, ...original);
    }
    for (const c of CASES) expect(seen.get(c.id), c.id).toEqual(c.needs ?? []);
    expect(seen.get("COT-05")).toEqual(["COT-02"]);
  });
});

/** Two runs side by side: devices matched by label, then by EUI-64; what differs, and who is in one run only. */
import { describe, expect, it } from "vitest";
import type { DutResult, RunReport, Verdict } from "../../src/cluster-cot/results.js";
import { compareReports, renderComparison } from "../../src/report/compare.js";

function dut(label: string, ieee: string, verdicts: Record<string, Verdict>): DutResult {
  return {
    label,
    kind: "ihd",
    ieee,
    identity: { declared: {}, mismatches: [] },
    results: Object.entries(verdicts).map(([id, verdict]) => ({
      id,
      title: id,
      basis: ["gb"],
      verdict,
      reason: "",
      startedAt: "",
      finishedAt: "",
      durationMs: 0,
      evidence: [],
    })),
  };
}

const report = (duts: DutResult[]) => ({ duts }) as unknown as RunReport;

describe("comparing two runs", () => {
  it("matches devices by label, then by EUI-64, and lists the cases whose verdict differs", () => {
    const a = report([
      dut("acme-ihd", "0x01", { "COT-05": "pass", "COT-06": "pass" }),
      dut("fw-5.0.3", "0x0D6F000000000002", { "COT-05": "pass", "COT-06": "fail" }),
      dut("gone", "0x03", { "COT-05": "pass" }),
    ]);
    const b = report([
      dut("fw-5.0.4", "0x0d6f000000000002", { "COT-05": "pass", "COT-06": "pass", "COT-07": "info" }),
      dut("acme-ihd", "0x99", { "COT-05": "fail", "COT-06": "pass" }),
      dut("new", "0x04", { "COT-05": "pass" }),
    ]);
    const c = compareReports(a, b);
    expect(c).toEqual({
      changes: [
        { label: "acme-ihd", id: "COT-05", a: "pass", b: "fail" },
        { label: "fw-5.0.3", id: "COT-06", a: "fail", b: "pass" },
        { label: "fw-5.0.3", id: "COT-07", b: "info" },
      ],
      onlyA: ["gone"],
      onlyB: ["new"],
    });
    expect(renderComparison(c, { a: "a.jsonl", b: "b.jsonl" })).toBe(
      [
        "A a.jsonl",
        "B b.jsonl",
        "acme-ihd  COT-05  pass -> fail",
        "fw-5.0.3  COT-06  fail -> pass",
        "fw-5.0.3  COT-07  (no result) -> info",
        "gone: in A only",
        "new: in B only",
        "3 cases differ",
        "",
      ].join("\n"),
    );
  });
});

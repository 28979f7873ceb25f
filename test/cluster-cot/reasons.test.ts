/**
 * What the verdicts rest on, in their reasons: one line each, naming the frames, probes and values by seq, on
 * the recorded evidence of a real virtual run (test/support/recorded-run.ts). Which verdict each behaviour
 * profile gets is test/e2e/every-profile.test.ts, through the whole stack.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import type { CaseResult, DutResult } from "../../src/cluster-cot/results.js";
import { RECORDED_DUTS, recordedRun } from "../support/recorded-run.js";

let results: DutResult[];
beforeAll(async () => {
  results = evaluate(await recordedRun());
}, 600_000);

function result(label: string, id: string): CaseResult {
  const d = results.find((x) => x.label === label);
  if (!d) throw new Error(`no ${label}`);
  return d.results.find((r) => r.id === id)!;
}

describe("reasons", () => {
  it("are one line, cite evidence seq numbers, and every pass and fail has evidence behind it", () => {
    expect(results.map((d) => d.label)).toEqual([...RECORDED_DUTS]);
    for (const d of results) {
      for (const c of d.results) {
        expect(c.reason, `${d.label} ${c.id}`).not.toMatch(/\n/);
        expect(c.reason.length, `${d.label} ${c.id}`).toBeGreaterThan(10);
        if (c.verdict === "pass" || c.verdict === "fail") {
          expect(c.evidence.length, `${d.label} ${c.id}`).toBeGreaterThan(0);
          expect(c.reason, `${d.label} ${c.id}`).toMatch(/seq \d+/);
          expect(c.startedAt <= c.finishedAt).toBe(true);
        }
      }
    }
  });

  it("COT-11 reports what became of top-ups and debts dated before T, on a PPMID and on an IHD", () => {
    expect(result("ihd:compliant", "COT-11").reason).toMatch(
      /^IHD, dated before T, .*: top-up history: none held; debt recovery: none held$/,
    );
    expect(result("ppmid:compliant", "COT-11").reason).toMatch(
      /^PPMID, dated before T, .*: top-up history: cleared \([1-9]\d* → 0\); debt recovery: cleared \([1-9]\d* → 0\)$/,
    );
    expect(result("ppmid:keeps-history", "COT-11").reason).toMatch(
      /top-up history: kept \(([1-9]\d*) → \1\); debt recovery: kept \([1-9]\d* → [1-9]\d*\)$/,
    );
  });

  it("COT-06 of keeps-messages names the probe, the message it held across T and each meter's CoT", () => {
    expect(result("ihd:keeps-messages", "COT-06").reason).toMatch(
      /^after-cot probe seq \d+ still holds 1 supplier message\(s\) it held across T \(msg \d+\); CoT GPF seq \d+ T \S+, ESME seq \d+ T \S+$/,
    );
  });

  it("COT-03 of a compliant device names the frame, the GPF endpoint and the window", () => {
    expect(result("ihd:compliant", "COT-03").reason).toMatch(
      /^seq \d+: (Read 0x0708\/0x0200|GetChangeOfTenancy) on the GPF \(hub endpoint 2\) \d+(\.\d)? h after CoT seq \d+ \(window 24 h\)$/,
    );
  });

  it("COT-01 of fixed-endpoint names the first request to endpoint 1", () => {
    expect(result("ihd:fixed-endpoint", "COT-01").reason).toMatch(
      /first request seq \d+ cluster 0x\w{4} \S+ to hub endpoint 1/,
    );
  });
});

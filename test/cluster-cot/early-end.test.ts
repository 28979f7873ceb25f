/**
 * Which waits of a plan may end early (issue 18), derived from what the evaluated cases need before the probe
 * each wait leads to: only COT-03/04 and COT-14's correction (the query) and COT-09 (a re-read after each
 * change) need less than the whole wait; a clear judged at max(T, recorded) + window, or a phase no evaluated
 * case reads, waits it all.
 */
import { describe, expect, it } from "vitest";
import { CASES } from "../../src/cluster-cot/index.js";
import { withEarlyEnds } from "../../src/cluster-cot/early-end.js";
import { BENCH_PLAN, type Phase, VIRTUAL_PLAN } from "../../src/cluster-cot/plan.js";
import { withNeededCases } from "../../src/cluster-cot/selection.js";

/** Per phase, the `enough` of each detection-window wait (`-` for one that waits its whole length). */
function ends(plan: readonly Phase[], ids: string[]): Record<string, string[]> {
  const marked = withEarlyEnds(plan, withNeededCases(ids, CASES));
  const out: Record<string, string[]> = {};
  for (const p of marked) {
    const waits = p.steps.flatMap((s) => (s.do === "wait" && s.until === "window" ? [s.enough ?? "-"] : []));
    if (waits.length > 0) out[p.name] = waits;
  }
  return out;
}

const all = CASES.map((c) => c.id);

describe("early ends of the plan's waits", () => {
  it("every case: only the three waits of repeat (COT-09) and COT-14's correction end early", () => {
    const e = ends(VIRTUAL_PLAN, all);
    expect(e.observe).toEqual(["-"]);
    expect(e.repeat).toEqual(["re-read", "re-read", "re-read"]);
    // the correction to a T older than any history leaves nothing to clear: its query is all there is to see
    expect(e["back-dated"]).toEqual(["query", "-", "-", "-"]);
    expect(e["second-cot"]).toEqual(["-"]);
    expect(e["away-cot"]).toEqual(["-"]);
    expect(e["bits-cot"]).toEqual(["-"]);
    expect(e["control-bits"]?.every((w) => w === "-")).toBe(true);
    expect(ends(BENCH_PLAN, all)).toEqual(e);
  });

  it("COT-03 and COT-04 alone: the observe window ends once every DUT has queried", () => {
    expect(ends(VIRTUAL_PLAN, ["COT-03", "COT-04"]).observe).toEqual(["query"]);
    expect(ends(VIRTUAL_PLAN, ["COT-04"]).observe).toEqual(["query"]);
  });

  it("a clear judged in the same phase keeps the whole window: COT-03 with COT-05, COT-11 or COT-18", () => {
    for (const other of ["COT-05", "COT-11", "COT-18"]) {
      expect(ends(VIRTUAL_PLAN, ["COT-03", other]).observe, other).toEqual(["-"]);
    }
  });

  it("a phase walked only because a later one builds on it waits its whole length (COT-07: observe)", () => {
    expect(ends(VIRTUAL_PLAN, ["COT-07"]).observe).toEqual(["-"]);
  });

  it("the plan is not changed in place", () => {
    withEarlyEnds(VIRTUAL_PLAN, withNeededCases(["COT-03"], CASES));
    const observe = VIRTUAL_PLAN.find((p) => p.name === "observe")!;
    expect(observe.steps.some((s) => s.do === "wait" && s.enough !== undefined)).toBe(false);
  });
});

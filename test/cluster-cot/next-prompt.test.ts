/**
 * When the next operator prompt of a bench plan is due (issue 18): the waits before it at their full length,
 * from the phase (and step) the run is at.
 */
import { describe, expect, it } from "vitest";
import { BENCH_PLAN, defaultTiming, type Step } from "../../src/cluster-cot/plan.js";
import { nextPrompt } from "../../src/cluster-cot/plan-time.js";

const HOUR = 3_600_000;
const timing = defaultTiming(HOUR);
const probes = (s: Step) => s.do === "probe";
const power = (s: Step) => s.do === "power";
const from = (name: string) => BENCH_PLAN.slice(BENCH_PLAN.findIndex((p) => p.name === name));

describe("the next operator prompt", () => {
  it("at the start: the baseline probe, after the message and the history fetch, with no wait", () => {
    expect(nextPrompt(BENCH_PLAN, timing, "bench", probes)).toMatchObject({
      phase: "baseline",
      step: { do: "probe", purpose: "baseline" },
      waitMs: 0,
      dataSteps: 2,
    });
  });

  it("from the CoT phase: the after-cot probe, one window on", () => {
    expect(nextPrompt(from("cot"), timing, "bench", probes)).toMatchObject({
      phase: "observe",
      step: { purpose: "after-cot" },
      waitMs: HOUR,
      dataSteps: 0,
    });
  });

  it("within a phase: after the before-implementation probe, the after-implementation one a window after T", () => {
    const future = from("future-cot");
    const at = future[0]!.steps.findIndex((s) => s.do === "probe" && s.purpose === "before-implementation");
    // the CoT is dated 2 windows ahead and the before-implementation probe came after the query (1 window at
    // most): the next probe is due one window after T, 2 windows later
    expect(nextPrompt(future, timing, "bench", probes, at + 1)).toMatchObject({
      step: { purpose: "after-implementation" },
      waitMs: 2 * HOUR,
    });
  });

  it("a power prompt: the DUTs go off in away-cot, after every wait before it", () => {
    // from future-cot: 3 windows (the CoT dated 2 ahead, then one window after T); away-cot's delivery
    expect(nextPrompt(from("future-cot"), timing, "bench", power)).toMatchObject({
      phase: "away-cot",
      step: { do: "power", online: false },
      waitMs: 3 * HOUR,
      dataSteps: 4,
    });
  });

  it("none left: nothing", () => {
    expect(nextPrompt(from("control-bits"), timing, "bench", power)).toBeUndefined();
  });
});

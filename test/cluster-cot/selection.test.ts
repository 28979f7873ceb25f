/**
 * `--cases`: what a list selects, and which phases of the plan a selection walks (derived from the cases'
 * phases and needs and the phases' needs, never listed by hand); how long a plan's waits take.
 */
import { describe, expect, it } from "vitest";
import { CASES } from "../../src/cluster-cot/index.js";
import {
  BENCH_PLAN,
  CONTROL_STEPS,
  defaultTiming,
  type Phase,
  PHASE,
  VIRTUAL_PLAN,
} from "../../src/cluster-cot/plan.js";
import { planTime } from "../../src/cluster-cot/plan-time.js";
import { CaseSelectionError, parseCaseList, phasesFor, selectionOf } from "../../src/cluster-cot/selection.js";

const ids = CASES.map((c) => c.id);
const walked = (asked: string) => selectionOf(asked, CASES, VIRTUAL_PLAN).phases;

describe("--cases: the cases a list selects", () => {
  it("takes ids in any case and order and gives them in suite order, once", () => {
    expect(parseCaseList("cot-05, COT-03,COT-05", CASES)).toEqual(["COT-03", "COT-05"]);
  });

  it("all is every case; gb every case whose basis includes gb, and only those", () => {
    expect(parseCaseList("all", CASES)).toEqual(ids);
    const gb = parseCaseList("gb", CASES);
    expect(gb).toEqual(CASES.filter((c) => c.basis.includes("gb")).map((c) => c.id));
    expect(gb).toEqual(expect.arrayContaining(["COT-01", "COT-03", "COT-05", "COT-10", "COT-17"]));
    for (const notGb of ["COT-02", "COT-08", "COT-12"]) expect(gb).not.toContain(notGb);
    expect(parseCaseList("gb,COT-08", CASES)).toContain("COT-08");
  });

  it.each(["COT-99", "COT-3", "gbx", "", " , "])("refuses '%s', naming the valid ids and presets", (text) => {
    const parse = () => parseCaseList(text, CASES);
    expect(parse).toThrow(CaseSelectionError);
    expect(parse).toThrow(`(${ids.join(", ")}) or a preset (all, gb)`);
  });
});

describe("--cases: the phases a selection walks", () => {
  it("walks every phase for every case", () => {
    expect(walked("all")).toEqual(VIRTUAL_PLAN.map((p) => p.name));
    expect(selectionOf("all", CASES, VIRTUAL_PLAN).skippedPhases).toEqual([]);
  });

  it("skips the future CoT and the control bits CoTs for the gb cases, which read none of them", () => {
    const s = selectionOf("gb", CASES, BENCH_PLAN);
    expect(s.skippedPhases).toEqual([PHASE.futureCot, PHASE.bitsCot, PHASE.controlBits]);
    expect(s.notSelected).toEqual(CASES.filter((c) => !c.basis.includes("gb")).map((c) => c.id));
    expect(s.notSelected).toEqual(expect.arrayContaining(["COT-02", "COT-08", "COT-12", "COT-13"]));
  });

  it("walks the baseline for a case that builds on COT-02, and the join always", () => {
    // COT-02 judges the baseline by the T of the CoT after it
    expect(walked("COT-08")).toEqual([PHASE.join, PHASE.baseline, PHASE.cot, PHASE.futureCot]);
    expect(walked("COT-10")).toEqual([PHASE.join, PHASE.baseline, PHASE.cot, PHASE.awayCot]);
    expect(walked("COT-12")).toEqual([PHASE.join, PHASE.controlBits]);
    expect(walked("COT-17")).toEqual([PHASE.join]);
  });

  it("walks every phase a read phase builds on", () => {
    expect(walked("COT-09")).toEqual([
      PHASE.join,
      PHASE.baseline,
      PHASE.cot,
      PHASE.observe,
      PHASE.newData,
      PHASE.repeat,
    ]);
  });

  it("takes a phase that declares no needs as building on every phase before it", () => {
    const plan: Phase[] = VIRTUAL_PLAN.map((p) =>
      p.name === PHASE.awayCot ? { name: p.name, summary: p.summary, steps: p.steps, cases: p.cases } : p,
    );
    expect(phasesFor(["COT-10"], CASES, plan).map((p) => p.name)).toEqual(
      VIRTUAL_PLAN.slice(0, VIRTUAL_PLAN.findIndex((p) => p.name === PHASE.awayCot) + 1).map((p) => p.name),
    );
  });

  it("gives every case the phases it reads", () => {
    for (const c of CASES) expect(walked(c.id), c.id).toEqual(expect.arrayContaining(c.phases));
  });
});

describe("the hub time of a plan's waits", () => {
  const day = 86_400_000;

  it("counts a window per window wait and three for the future CoT (dated two ahead, judged one after)", () => {
    const t = planTime(BENCH_PLAN, defaultTiming(day), "bench");
    const by = Object.fromEntries(t.phases.map((p) => [p.name, p.waitMs / day]));
    const windows = (p: Phase) => p.steps.filter((s) => s.do === "wait" && s.until === "window").length;
    for (const p of BENCH_PLAN) {
      if (p.name === PHASE.futureCot) expect(by[p.name], p.name).toBe(3);
      else expect(by[p.name], p.name).toBe(windows(p));
    }
    expect([by.join, by.baseline, by.cot, by.observe, by["control-bits"]]).toEqual([0, 0, 0, 1, CONTROL_STEPS.length]);
    expect(t.waitMs).toBe(Object.values(by).reduce((a, b) => a + b, 0) * day);
  });

  it("counts the data steps apart, a bench's message deliveries among them", () => {
    const bench = planTime(BENCH_PLAN, defaultTiming(day), "bench");
    const virtual = planTime(VIRTUAL_PLAN, defaultTiming(day), "virtual");
    // every await-fetch, fresh join and look at the CoT after the restarts, and on a bench every message delivery
    const steps = BENCH_PLAN.flatMap((p) => p.steps);
    const count = (what: string) => steps.filter((s) => s.do === what).length;
    const fetches = count("await-fetch");
    const joins = count("join-fresh");
    const lookAgain = count("probe-once-queried");
    const messages = count("publish-message");
    expect(fetches).toBeGreaterThanOrEqual(5 + CONTROL_STEPS.length);
    expect([joins, lookAgain, messages]).toEqual([1, 2, fetches - 1]);
    expect(virtual.dataSteps).toBe(fetches + joins + lookAgain);
    expect(bench.dataSteps).toBe(fetches + joins + lookAgain + messages);
    expect(bench.boundMs).toBe(bench.waitMs + bench.dataSteps * day);
  });

  it("counts only the waits of the phases walked", () => {
    const gb = selectionOf("gb", CASES, BENCH_PLAN).plan;
    const all = planTime(BENCH_PLAN, defaultTiming(day), "bench");
    const walkedWaits = all.phases.filter((p) => gb.some((g) => g.name === p.name)).reduce((a, p) => a + p.waitMs, 0);
    expect(planTime(gb, defaultTiming(day), "bench").waitMs).toBe(walkedWaits);
    expect(walkedWaits).toBeLessThan(all.waitMs);
  });
});

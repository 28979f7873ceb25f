import { describe, expect, it } from "vitest";
import {
  acrossDstTime,
  BENCH_PLAN,
  CONTROL_STEPS,
  controlBeforeProbe,
  controlProbe,
  defaultTiming,
  PHASE,
  PROBE,
  VIRTUAL_PLAN,
} from "../../src/cluster-cot/plan.js";
import { CASES } from "../../src/cluster-cot/index.js";

const probesOf = (plan: typeof VIRTUAL_PLAN) =>
  plan.flatMap((p) => p.steps.flatMap((s) => (s.do === "probe" || s.do === "probe-once-queried" ? [s.purpose] : [])));

describe("the plan of a run", () => {
  it("runs the phases in the order the cases assume", () => {
    expect(VIRTUAL_PLAN.map((p) => p.name)).toEqual(Object.values(PHASE));
    expect(BENCH_PLAN.map((p) => p.name)).toEqual(Object.values(PHASE));
  });

  it("takes every probe the cases read, each once", () => {
    const probes = probesOf(VIRTUAL_PLAN);
    for (const purpose of Object.values(PROBE)) expect(probes, purpose).toContain(purpose);
    for (const c of CONTROL_STEPS)
      expect(probes).toEqual(expect.arrayContaining([controlProbe(c), controlBeforeProbe(c)]));
    expect(new Set(probes).size).toBe(probes.length);
    expect([controlProbe(0x200), controlBeforeProbe(0), controlProbe(0)]).toEqual([
      "control-0x200",
      "control-0x000-before",
      "control-0x000",
    ]);
  });

  it("records each CoT a case reads inside the phase the case looks in, never pushed", () => {
    const cots = (name: string) =>
      VIRTUAL_PLAN.find((p) => p.name === name)!.steps.filter((s) => s.do === "record-cot");
    expect(cots(PHASE.cot)).toEqual([{ do: "record-cot", control: 0x600, at: "now" }]);
    expect(cots(PHASE.futureCot)).toEqual([{ do: "record-cot", control: 0x600, at: "future" }]);
    expect(cots(PHASE.awayCot)).toEqual([{ do: "record-cot", control: 0x600, at: "now" }]);
    expect(cots(PHASE.bitsCot)).toEqual([
      { do: "record-cot", control: 0x200, controls: { gpf: 0x200, esme: 0 }, at: "now" },
    ]);
    expect(cots(PHASE.controlBits).map((s) => (s.do === "record-cot" ? s.control : -1))).toEqual([
      0x200, 0x400, 0x600, 0, 0x80, 0x100, 0x2000, 0x4000,
    ]);
  });

  it("takes the DUTs away around the away CoT and probes before and after", () => {
    const steps = VIRTUAL_PLAN.find((p) => p.name === PHASE.awayCot)!.steps.map((s) => s.do);
    expect(steps.slice(steps.indexOf("power"))).toEqual(["power", "record-cot", "power", "wait", "probe"]);
  });

  it("has no stranger on the bench, one in a virtual run", () => {
    const has = (plan: typeof VIRTUAL_PLAN) => plan.some((p) => p.steps.some((s) => s.do === "stranger"));
    expect([has(VIRTUAL_PLAN), has(BENCH_PLAN)]).toEqual([true, false]);
  });

  it("names only phases that exist as the phases cases read", () => {
    const names = new Set<string>(Object.values(PHASE));
    for (const c of CASES) for (const p of c.phases) expect(names.has(p), `${c.id} ${p}`).toBe(true);
    for (const p of VIRTUAL_PLAN) for (const id of p.cases) expect(CASES.map((c) => c.id)).toContain(id);
  });

  it("dates a future CoT far enough ahead for a DUT polling within the window to see it first", () => {
    const t = defaultTiming(3_600_000);
    expect(t.futureLeadMs).toBeGreaterThan(t.windowMs);
    expect(t.beforeMarginMs).toBeLessThan(t.futureLeadMs - t.windowMs);
  });
});

describe("COT-14's CoT across a DST change", () => {
  const day = 24 * 3_600_000;

  it("is the first local midnight after the latest clock change at least the given time back into the other offset", () => {
    // in GMT (December): the October change is only 40 days back, so the March one (into BST) it is
    expect(new Date(acrossDstTime(Date.parse("2026-12-04T22:00:00Z"), 46 * day)).toISOString()).toBe(
      "2026-03-29T23:00:00.000Z",
    );
    // in GMT (January): the October change is 80 days back but into GMT, as now: the March one again
    expect(new Date(acrossDstTime(Date.parse("2027-01-14T12:00:00Z"), 46 * day)).toISOString()).toBe(
      "2026-03-29T23:00:00.000Z",
    );
    // in BST (August): the March change is 140 days back but into BST, as now: the October one before it
    expect(new Date(acrossDstTime(Date.parse("2026-08-16T12:00:00Z"), 46 * day)).toISOString()).toBe(
      "2025-10-27T00:00:00.000Z",
    );
  });
});

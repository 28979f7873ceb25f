/** `--window auto`: the window learned from a DUT's CoT queries in the baseline (issue 18). */
import { describe, expect, it } from "vitest";
import { AUTO_WINDOW, learnWindow, pollsSeen } from "../../src/cluster-cot/window.js";

const MIN = 60_000;
const H = 60 * MIN;
const both = ["gpf", "esme"] as const;
const every = (ms: number, n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * ms);

describe("the window learned from a DUT's polls", () => {
  it("is 3 × the slowest interval between two queries on one meter", () => {
    const w = learnWindow({ gpf: every(30 * MIN, 3), esme: [5 * MIN, 50 * MIN, 95 * MIN] }, both, AUTO_WINDOW);
    expect(w).toEqual({
      windowMs: 135 * MIN,
      intervalMs: 45 * MIN,
      reason: "auto: 3 × 45m, the slowest interval between the DUT's CoT polls in the baseline (GPF 30m, ESME 45m)",
    });
  });

  it("keeps the 24 h ceiling for a DUT that did not query every meter twice, saying what it saw", () => {
    const w = learnWindow({ gpf: every(30 * MIN, 4), esme: [10 * MIN, 10 * MIN + 5000] }, both, AUTO_WINDOW);
    expect(w.windowMs).toBe(24 * H);
    expect(w.intervalMs).toBeUndefined();
    expect(w.reason).toBe(
      "auto: the 1d ceiling, the DUT did not poll the CoT twice on every meter in the baseline (polls: GPF 4, ESME 1)",
    );
    expect(learnWindow({}, both, AUTO_WINDOW).windowMs).toBe(24 * H);
  });

  it("takes queries less than a minute apart as one poll (0x0200 and 0x0201 read in two frames)", () => {
    const burst = (t: number) => [t, t + 200, t + 59_000];
    const polls = { gpf: [...burst(0), ...burst(30 * MIN)], esme: burst(5 * MIN) };
    expect(pollsSeen(polls, both)).toBe(false);
    expect(learnWindow({ ...polls, esme: [...burst(5 * MIN), ...burst(35 * MIN)] }, both, AUTO_WINDOW).windowMs).toBe(
      90 * MIN,
    );
  });

  it("asks polls only of the meters that carry a CoT under the hub variant", () => {
    const polls = { esme: every(20 * MIN, 2) };
    expect(pollsSeen(polls, both)).toBe(false);
    expect(pollsSeen(polls, ["esme"])).toBe(true);
    expect(learnWindow(polls, ["esme"], AUTO_WINDOW).windowMs).toBe(60 * MIN);
  });

  it("is never shorter than the floor nor longer than the ceiling", () => {
    expect(learnWindow({ gpf: every(MIN, 3), esme: every(MIN, 3) }, both, AUTO_WINDOW)).toMatchObject({
      windowMs: 10 * MIN,
      reason: expect.stringMatching(/, raised to the 10m floor$/),
    });
    expect(learnWindow({ gpf: every(10 * H, 2), esme: every(10 * H, 2) }, both, AUTO_WINDOW)).toMatchObject({
      windowMs: 24 * H,
      intervalMs: 10 * H,
      reason: expect.stringMatching(/, cut to the 1d ceiling$/),
    });
  });
});

import { describe, expect, it } from "vitest";
import { SteppedClock, ScaledClock } from "../../src/hub/clock.js";

describe("SteppedClock", () => {
  it("runs due timers in time order, each at its own time, and awaits them", async () => {
    const clock = new SteppedClock(1_000);
    const seen: [string, number][] = [];
    clock.at(5_000, async () => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(["b", clock.now()]);
    });
    clock.at(2_000, () => {
      seen.push(["a", clock.now()]);
    });
    clock.at(9_000, () => {
      seen.push(["c", clock.now()]);
    });
    await clock.advanceTo(6_000);
    expect(seen).toEqual([
      ["a", 2_000],
      ["b", 5_000],
    ]);
    expect(clock.now()).toBe(6_000);
    expect(clock.pending).toBe(1);
  });

  it("lets a timer schedule another one inside the same advance", async () => {
    const clock = new SteppedClock(0);
    const ticks: number[] = [];
    const tick = () => {
      ticks.push(clock.now());
      if (ticks.length < 4) clock.at(clock.now() + 100, tick);
    };
    clock.at(100, tick);
    await clock.advance(1_000);
    expect(ticks).toEqual([100, 200, 300, 400]);
  });

  it("cancels a timer", async () => {
    const clock = new SteppedClock(0);
    let ran = false;
    const cancel = clock.at(10, () => {
      ran = true;
    });
    cancel();
    await clock.advance(100);
    expect(ran).toBe(false);
  });

  it("resolves sleep() when time passes, not before", async () => {
    const clock = new SteppedClock(0);
    let woke = false;
    const p = clock.sleep(500).then(() => {
      woke = true;
    });
    await clock.advance(499);
    await Promise.resolve();
    expect(woke).toBe(false);
    await clock.advance(1);
    await p;
    expect(woke).toBe(true);
  });
});

describe("ScaledClock", () => {
  it("refuses a non-positive factor", () => {
    expect(() => new ScaledClock(0, 0)).toThrow(RangeError);
  });
  it("runs faster than real time", async () => {
    const clock = new ScaledClock(0, 1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBeGreaterThanOrEqual(15_000);
  });
});

describe("SteppedClock with batching", () => {
  it("runs timers due close together concurrently, at the latest of their times", async () => {
    const clock = new SteppedClock(0, { batchMs: 60_000 });
    const log: string[] = [];
    const slow = (name: string) => async () => {
      log.push(`${name} start @${clock.now()}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} end`);
    };
    clock.at(1_000, slow("a"));
    clock.at(30_000, slow("b"));
    clock.at(200_000, slow("c"));
    await clock.advanceTo(300_000);
    expect(log).toEqual(["a start @30000", "b start @30000", "a end", "b end", "c start @200000", "c end"]);
    expect(clock.now()).toBe(300_000);
  });

  it("never runs a timer past the target of the advance", async () => {
    const clock = new SteppedClock(0, { batchMs: 60_000 });
    const ran: number[] = [];
    clock.at(10_000, () => {
      ran.push(clock.now());
    });
    clock.at(50_000, () => {
      ran.push(clock.now());
    });
    await clock.advanceTo(20_000);
    expect(ran).toEqual([10_000]);
    expect(clock.pending).toBe(1);
  });
});

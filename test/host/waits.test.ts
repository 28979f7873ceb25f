/**
 * `lazyTimeoutErrors` on herdsman's own Waitress: no timeout message (and no Error) is made while waits are
 * answered; a wait that times out rejects as herdsman's does, with its formatter's message; resolving, removing
 * and the ids work as before.
 */
import { Waitress } from "zigbee-herdsman/dist/utils/waitress.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { lazyTimeoutErrors, zstackWaitresses } from "../../src/host/waits.js";

interface Matcher {
  n: number;
}

function waitress() {
  const formatted: Matcher[] = [];
  const w = new Waitress<number, Matcher>(
    (payload, matcher) => payload === matcher.n,
    (matcher, timeout) => {
      formatted.push(matcher);
      return `wait for ${matcher.n} after ${timeout}ms`;
    },
  );
  lazyTimeoutErrors(w);
  return { w, formatted };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("lazyTimeoutErrors", () => {
  it("makes no timeout message for waits that are answered", async () => {
    const { w, formatted } = waitress();
    const captures = vi.spyOn(Error, "captureStackTrace");
    const waits = [1, 2, 3].map((n) => w.waitFor({ n }, 10_000).start());
    expect([1, 2, 3].map((n) => w.resolve(n))).toEqual([true, true, true]);
    expect(await Promise.all(waits.map((x) => x.promise))).toEqual([1, 2, 3]);
    expect(formatted).toEqual([]);
    expect(captures).not.toHaveBeenCalled();
    captures.mockRestore();
    expect(w.resolve(1)).toBe(false);
  });

  it("rejects a wait that times out with herdsman's message, at its timeout", async () => {
    vi.useFakeTimers();
    const { w, formatted } = waitress();
    const { promise } = w.waitFor({ n: 7 }, 500).start();
    const outcome = promise.then(
      () => "resolved",
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(499);
    expect(formatted).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe("wait for 7 after 500ms");
    // herdsman drops a timed-out waiter at the next payload it matches against
    expect(w.resolve(7)).toBe(false);
  });

  it("keeps herdsman's ids, remove and start-once", async () => {
    vi.useFakeTimers();
    const { w } = waitress();
    const a = w.waitFor({ n: 1 }, 100);
    const b = w.waitFor({ n: 2 }, 100);
    expect(b.ID).toBe(a.ID + 1);
    expect(a.start().ID).toBe(a.ID);
    a.start(); // a second start sets no second timer
    w.remove(a.ID);
    expect(w.resolve(1)).toBe(false);
    const settled = vi.fn();
    b.start().promise.then(settled, settled);
    w.remove(b.ID);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).not.toHaveBeenCalled();
  });

  it("finds the Z-Stack adapter's two waitresses and refuses what is not a Waitress", () => {
    const znpW = new Waitress(
      () => false,
      () => "",
    );
    const zclW = new Waitress(
      () => false,
      () => "",
    );
    expect(zstackWaitresses({ znp: { waitress: znpW }, waitress: zclW })).toEqual([znpW, zclW]);
    expect(zstackWaitresses({})).toEqual([]);
    expect(() => lazyTimeoutErrors({} as Waitress<unknown, unknown>)).toThrow(/not herdsman/);
  });
});

/**
 * Each behaviour profile against a hub that performs a CoT and, like real meters, goes on serving the
 * previous occupier's history and message: the device's data store ends as the profile says (cot-suite.md,
 * "Emulated device behaviour profiles"), and the compliant device is the control.
 */
import { afterEach, describe, expect, it } from "vitest";
import { periodBounds } from "../../../src/hub/data/history.js";
import {
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
} from "../../../src/virtual/devices/se-payloads.js";
import { ClusterId } from "../../../src/zcl/index.js";
import type { ProfileName, SeDeviceKind } from "../../../src/virtual/devices/profiles.js";
import type { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { RUN_RESPONSE_TIMEOUT_MS } from "../../../src/runner/virtual-env.js";
import { HOUR, MIN, TestHan } from "./han-fixture.js";
import { messageIds, pastConsumption, periodsBefore, periodsFrom } from "./helpers.js";

let han: TestHan;
afterEach(() => han?.close());

const M1 = 1001;
const M2 = 1002;
const SERIES = new Map(
  [...HISTORICAL_CONSUMPTION, ...ALTERNATIVE_HISTORICAL_CONSUMPTION, ...HISTORICAL_COST].map((a) => [a.id, a]),
);

async function setup(profile: ProfileName, kind: SeDeviceKind = "ihd"): Promise<EmulatedSeDevice> {
  han = new TestHan();
  await han.start();
  const device = await han.add({ kind, profile });
  await han.clock.advance(2 * HOUR);
  return device;
}

/** A CoT effective now on both meters, then the new occupier's first message. */
function cotNow(): number {
  const t = han.clock.now();
  han.hub.performCot();
  han.hub.publishMessage();
  return t;
}

function tenancyReads(device: EmulatedSeDevice, role: "gpf" | "esme") {
  return han.hub
    .requestsOf(device.ieee, { role, clusterId: ClusterId.deviceManagement })
    .filter((r) => r.attrs?.includes(0x0200));
}

/** History attributes the device read after `t` whose period started before `t`. */
function preTReads(device: EmulatedSeDevice, t: number): number[] {
  return han.hub
    .requestsOf(device.ieee)
    .filter((r) => r.atMs > t && r.attrs)
    .flatMap((r) => r.attrs!.filter((id) => SERIES.has(id) && periodBounds(SERIES.get(id)!, r.atMs).start < t));
}

describe("behaviour profiles after an immediate CoT", () => {
  it("compliant: clears everything of periods before T, never asks for them again, shows only the new message", async () => {
    const d = await setup("compliant");
    expect(pastConsumption(d.holdings()).length).toBeGreaterThan(20);
    const t = cotNow();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(periodsBefore(h, t)).toEqual([]);
    expect(periodsFrom(h, t).length).toBeGreaterThan(0); // the half-hours since T
    expect(messageIds(h)).toEqual(new Set([M2]));
    // the meters still serve the old history and message; the device does not ask for the history again
    expect(preTReads(d, t)).toEqual([]);
    expect(han.hub.requestsOf(d.ieee, { clusterId: ClusterId.messaging }).some((r) => r.atMs > t)).toBe(true);
    // each meter's CoT is acted on for that meter
    expect(d.client.clears.map((c) => [c.meters, c.history, c.messages])).toEqual([
      [["esme"], true, true],
      [["gpf"], true, true],
    ]);
  });

  it("no-query: never reads the tenancy attributes and keeps everything of before T", async () => {
    const d = await setup("no-query");
    const t = cotNow();
    await han.clock.advance(24 * HOUR);
    expect(han.hub.requestsOf(d.ieee, { clusterId: ClusterId.deviceManagement })).toEqual([]);
    const h = d.holdings();
    expect(periodsBefore(h, t).length).toBeGreaterThan(20);
    expect(messageIds(h)).toEqual(new Set([M1, M2]));
    expect(d.client.clears).toEqual([]);
  });

  it("gpf-only: queries the GPF and never the ESME, and applies what the GPF says to both meters", async () => {
    const d = await setup("gpf-only");
    const t = cotNow();
    await han.clock.advance(HOUR);
    expect(tenancyReads(d, "gpf").length).toBeGreaterThan(0);
    expect(tenancyReads(d, "esme")).toEqual([]);
    expect(periodsBefore(d.holdings(), t)).toEqual([]);
    expect(d.client.clears[0]?.meters.sort()).toEqual(["esme", "gpf"]);
  });

  it("the compliant device queries both servers at every poll interval", async () => {
    const d = await setup("compliant");
    const gpfBefore = tenancyReads(d, "gpf").length;
    const esmeBefore = tenancyReads(d, "esme").length;
    await han.clock.advance(3 * HOUR);
    // a poll every 30 min of hub time
    expect(tenancyReads(d, "gpf").length - gpfBefore).toBe(6);
    expect(tenancyReads(d, "esme").length - esmeBefore).toBe(6);
  });

  it("keeps-history: clears messages but keeps the history of before T", async () => {
    const d = await setup("keeps-history");
    const t = cotNow();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(messageIds(h)).toEqual(new Set([M2]));
    expect(pastConsumption(h).filter((v) => Date.parse(v.period!) < t).length).toBeGreaterThan(20);
  });

  it("keeps-messages: clears history but keeps the message received before T", async () => {
    const d = await setup("keeps-messages");
    const t = cotNow();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(periodsBefore(h, t)).toEqual([]);
    expect(messageIds(h)).toEqual(new Set([M1, M2]));
    // kept, not fetched again: it says it received it before T
    expect(Date.parse(h.messages.find((m) => m.messageId === M1)!.receivedAt!)).toBeLessThan(t);
  });

  it("refetches: clears at T, then fetches the history of before T again (the meters still serve it)", async () => {
    const d = await setup("refetches");
    const t = cotNow();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(d.client.clears).toHaveLength(2); // one per meter
    expect(preTReads(d, t).length).toBeGreaterThan(20);
    expect(pastConsumption(h).filter((v) => Date.parse(v.period!) < t).length).toBeGreaterThan(20);
    expect(messageIds(h)).toEqual(new Set([M2])); // the old message is not shown again
  });

  it("an IHD reads historic cost from both meters and keeps its own total, restarted at T", async () => {
    const d = await setup("compliant");
    const h = d.holdings();
    expect(new Set(h.consumption.filter((v) => v.clusterId === ClusterId.prepayment).map((v) => v.role))).toEqual(
      new Set(["gpf", "esme"]),
    );
    expect(h.aggregates?.map((a) => [a.role, a.granularity])).toEqual([
      ["gpf", "day"],
      ["esme", "day"],
    ]);
    const t = cotNow();
    await han.clock.advance(HOUR);
    expect(d.holdings().aggregates?.map((a) => Date.parse(a.start))).toEqual([t, t]);
  });
});

describe("future-dated CoT (COT-08)", () => {
  it("compliant: the data stays until the implementation time and is cleared at it", async () => {
    const d = await setup("compliant");
    const date = han.clock.now() + 6 * HOUR + 10 * MIN;
    han.hub.performCot({ dateMs: date });
    await han.clock.advanceTo(date - MIN);
    const before = d.holdings();
    expect(pastConsumption(before).length).toBeGreaterThan(20);
    expect(messageIds(before)).toEqual(new Set([M1]));
    await han.clock.advanceTo(date);
    const after = d.holdings();
    expect(periodsBefore(after, date)).toEqual([]);
    expect(messageIds(after)).toEqual(new Set());
    expect(d.client.clears.map((c) => c.atMs)).toEqual([date, date]);
  });

  it("early-clear: history is gone before the implementation time", async () => {
    const d = await setup("early-clear");
    const date = han.clock.now() + 6 * HOUR;
    han.hub.performCot({ dateMs: date });
    await han.clock.advance(HOUR);
    expect(pastConsumption(d.holdings())).toEqual([]);
    expect(d.client.clears[0]?.why).toBe("on-sight");
    // and after the date it holds nothing of before it, like a compliant device
    await han.clock.advanceTo(date + HOUR);
    expect(periodsBefore(d.holdings(), date)).toEqual([]);
  });
});

describe("no spurious clearing (COT-09)", () => {
  it("compliant: a day of polls re-reading the same CoT date clears once; the new occupier's history survives", async () => {
    const d = await setup("compliant");
    const t = cotNow();
    await han.clock.advance(HOUR);
    const held = periodsFrom(d.holdings(), t).length;
    await han.clock.advance(24 * HOUR);
    expect(d.client.clears).toHaveLength(2); // once per meter
    expect(periodsFrom(d.holdings(), t).length).toBeGreaterThan(held);
  });

  it("compliant: polls with no CoT recorded clear nothing", async () => {
    const d = await setup("compliant");
    const held = pastConsumption(d.holdings()).length;
    await han.clock.advance(24 * HOUR);
    expect(d.client.clears).toEqual([]);
    expect(pastConsumption(d.holdings()).length).toBeGreaterThanOrEqual(held);
  });

  it("repeat-clear: clears again at every poll and keeps only what the meter still serves", async () => {
    const d = await setup("repeat-clear");
    const c = await han.add({ kind: "ihd", profile: "compliant" });
    const t = cotNow();
    await han.clock.advance(25 * HOUR);
    expect(d.client.clears.length).toBeGreaterThan(20);
    expect(d.client.clears.slice(2).every((x) => x.why === "repeat")).toBe(true); // after one per meter
    expect(c.client.clears).toHaveLength(2);
    // the compliant display kept the half-hours it fetched since T; the one that clears at every poll holds
    // only those of its last fetch
    const key = (v: { role: string; item: string; period?: string }) => `${v.role} ${v.period}`;
    const keptByCompliant = new Set(periodsFrom(c.holdings(), t).map(key));
    const keptByRepeat = new Set(periodsFrom(d.holdings(), t).map(key));
    expect(keptByRepeat.size).toBeGreaterThan(0);
    expect([...keptByCompliant].filter((k) => !keptByRepeat.has(k)).length).toBeGreaterThan(0);
    expect(periodsBefore(d.holdings(), t)).toEqual([]);
  });
});

describe("control bits (COT-12)", () => {
  it("the compliant device clears history and messages whatever the bits (0x200, and 0)", async () => {
    for (const control of [0x200, 0]) {
      const d = await setup("compliant");
      const t = han.clock.now();
      han.hub.performCot({ control });
      await han.clock.advance(HOUR);
      expect(periodsBefore(d.holdings(), t)).toEqual([]);
      expect(messageIds(d.holdings())).toEqual(new Set());
      expect(d.client.clears[0]).toMatchObject({ control, history: true, messages: true });
      han.close();
    }
  });
});

describe("bits-only (COT-13)", () => {
  for (const [control, history, messages] of [
    [0x200, true, false],
    [0x100, true, false],
    [0x400, false, true],
    [0x600, true, true],
    [0, false, false],
  ] as const) {
    it(`clears ${history ? "history" : "no history"} and ${messages ? "messages" : "no message"} on control 0x${control.toString(16)}`, async () => {
      const d = await setup("bits-only");
      const t = han.clock.now();
      han.hub.performCot({ control });
      await han.clock.advance(HOUR);
      expect(periodsBefore(d.holdings(), t).length === 0).toBe(history);
      expect(messageIds(d.holdings()).has(M1)).toBe(!messages);
      expect(d.client.clears[0]).toMatchObject({ control, history, messages });
    });
  }
});

describe("a CoT made while the device was off (COT-10)", () => {
  for (const [profile, cleared] of [
    ["compliant", true],
    ["offline-miss", false],
  ] as const) {
    it(`${profile}: ${cleared ? "catches it at power-on" : "misses it"}`, async () => {
      const d = await setup(profile);
      d.powerOff();
      await han.clock.advance(HOUR);
      const t = cotNow();
      await han.clock.advance(HOUR);
      const powerOnAt = han.clock.now();
      await d.powerOn();
      if (cleared) {
        // polled at once: cleared before any timer ran
        expect(d.client.clears.map((c) => c.atMs)).toEqual([powerOnAt, powerOnAt]);
      }
      await han.clock.advance(24 * HOUR);
      const h = d.holdings();
      expect(periodsBefore(h, t).length > 0).toBe(!cleared);
      expect(messageIds(h).has(M1)).toBe(!cleared);
      expect(messageIds(h).has(M2)).toBe(true);
    });
  }

  // On a loaded machine the hub's answers come seconds late. A display of a virtual run waits for them as long as
  // RUN_RESPONSE_TIMEOUT_MS says; one that gave up (virtual runs once waited 500 ms) took the late answer as a
  // push: compliant acted on the GPF's CoT as pushed, and offline-miss, whose first reading after power-on is its
  // baseline, caught the CoT it must miss.
  for (const [profile, cleared] of [
    ["compliant", true],
    ["offline-miss", false],
  ] as const) {
    it(`${profile}: the same when the GPF answers its queries after power-on 700 ms late`, async () => {
      han = new TestHan();
      await han.start();
      const d = await han.add({ kind: "ihd", profile, responseTimeoutMs: RUN_RESPONSE_TIMEOUT_MS });
      await han.clock.advance(2 * HOUR);
      d.powerOff();
      await han.clock.advance(HOUR);
      const t = cotNow();
      await han.clock.advance(HOUR);
      const powerOnAt = han.clock.now();
      han.gpfAnswerDelayMs.set(ClusterId.deviceManagement, 700);
      await d.powerOn();
      // compliant's poll at power-on, then offline-miss's first one (its baseline)
      await han.clock.advance(HOUR);
      // every late answer went out and reached the device
      await Promise.all(han.lateAnswers);
      await new Promise((resolve) => setImmediate(resolve));
      han.gpfAnswerDelayMs.clear();
      expect(han.lateAnswers.length).toBeGreaterThan(0);
      const reached: [number, string][] = [
        [powerOnAt, "reached"],
        [powerOnAt, "reached"],
      ];
      expect(d.client.clears.map((c) => [c.atMs, c.why])).toEqual(cleared ? reached : []);
      await han.clock.advance(24 * HOUR);
      const h = d.holdings();
      expect(periodsBefore(h, t).length > 0).toBe(!cleared);
      expect(messageIds(h).has(M1)).toBe(!cleared);
      expect(messageIds(h).has(M2)).toBe(true);
    });
  }

  it("offline-miss still acts on a future CoT it saw before a power cycle", async () => {
    const d = await setup("offline-miss");
    const date = han.clock.now() + 5 * HOUR;
    han.hub.performCot({ dateMs: date });
    await han.clock.advance(HOUR); // seen at a poll
    d.powerOff();
    await han.clock.advance(HOUR);
    await d.powerOn();
    await han.clock.advanceTo(date + HOUR);
    expect(d.client.clears.map((c) => c.why)).toEqual(["reached", "reached"]);
    expect(periodsBefore(d.holdings(), date)).toEqual([]);
  });

  it("offline-miss still acts on a CoT it sees while online", async () => {
    const d = await setup("offline-miss");
    const t = cotNow();
    await han.clock.advance(HOUR);
    expect(periodsBefore(d.holdings(), t)).toEqual([]);
  });
});

describe("restarts after acting on a CoT, the CoT unchanged (COT-16)", () => {
  for (const restart of ["power cycle", "leave and rejoin"] as const) {
    for (const [profile, clearsAgain] of [
      ["compliant", false],
      ["repeat-clear", false],
      ["restart-clear", true],
    ] as const) {
      it(`${profile}: after a ${restart}, ${clearsAgain ? "clears the new tenancy's message again" : "keeps the new tenancy's data"}`, async () => {
        const d = await setup(profile);
        cotNow();
        // one periodic poll (every 30 min): it acts on the CoT and fetches the new message (repeat-clear would
        // clear it at the next)
        await han.clock.advance(30 * MIN);
        expect(messageIds(d.holdings())).toEqual(new Set([M2]));
        const clears = d.client.clears.length;
        if (restart === "power cycle") {
          d.powerOff();
          await d.powerOn();
        } else await d.rejoin();
        // the catch-up poll at the restart has run; no periodic poll since
        expect(d.client.clears.slice(clears).map((c) => c.why)).toEqual(clearsAgain ? ["restart", "restart"] : []);
        expect(messageIds(d.holdings()).has(M2)).toBe(!clearsAgain);
        expect(d.online).toBe(true);
      });
    }
  }

  it("restart-clear clears again after every restart, not at its periodic polls", async () => {
    const d = await setup("restart-clear");
    cotNow();
    await han.clock.advance(3 * HOUR);
    const acted = d.client.clears.length;
    expect(acted).toBe(2);
    for (let i = 0; i < 2; i++) {
      d.powerOff();
      await d.powerOn();
    }
    await han.clock.advance(3 * HOUR);
    expect(d.client.clears.slice(acted).map((c) => c.why)).toEqual(["restart", "restart", "restart", "restart"]);
  });
});

describe("a CoT dated before the device learns of it (COT-14, COT-19)", () => {
  const DAY = 24 * HOUR;

  for (const [profile, acts] of [
    ["compliant", true],
    ["ignores-past", false],
  ] as const) {
    it(`${profile}: ${acts ? "clears" : "ignores"} a CoT recorded with T three days back`, async () => {
      const d = await setup(profile);
      const t = han.clock.now() - 3 * DAY;
      expect(periodsBefore(d.holdings(), t).length).toBeGreaterThan(0);
      han.hub.performCot({ dateMs: t });
      await han.clock.advance(HOUR);
      expect(periodsBefore(d.holdings(), t).length === 0).toBe(acts);
    });

    it(`${profile}: reset to factory settings, joining after such a CoT, ${acts ? "fetches only periods from T" : "fetches history before T"}`, async () => {
      const d = await setup(profile);
      await d.factoryReset();
      expect(d.online).toBe(false);
      expect(pastConsumption(d.holdings())).toEqual([]);
      const t = han.clock.now() - 3 * DAY;
      han.hub.performCot({ dateMs: t });
      const joinedAt = han.clock.now();
      await d.powerOn();
      expect(d.online).toBe(true);
      expect(periodsFrom(d.holdings(), t).length).toBeGreaterThan(0);
      expect(periodsBefore(d.holdings(), t).length === 0).toBe(acts);
      expect(preTReads(d, joinedAt - 1).some((id) => periodBounds(SERIES.get(id)!, joinedAt).end <= t)).toBe(!acts);
    });
  }

  it("ignores-past acts on a CoT dated after its last reading", async () => {
    const d = await setup("ignores-past");
    const t = cotNow();
    await han.clock.advance(HOUR);
    expect(periodsBefore(d.holdings(), t)).toEqual([]);
    expect(messageIds(d.holdings())).toEqual(new Set([M2]));
  });
});

describe("fixed-endpoint (COT-01)", () => {
  it("sends to endpoint 1 of the coordinator without discovery", async () => {
    han = new TestHan();
    await han.start();
    const sent: { dstNwk: number; dstEp: number; clusterId: number }[] = [];
    han.medium.onFrame((r) => {
      if (r.frame.profileId !== 0) sent.push(r.frame);
    });
    const seen = new Set<string>();
    han.medium.onFrame((r) => {
      if (r.frame.dstEp === 0) seen.add(`zdo:0x${r.frame.clusterId.toString(16)}`);
    });
    const d = await han.add({ kind: "ihd", profile: "fixed-endpoint" });
    await han.clock.advance(2 * HOUR);
    const fromDevice = sent.filter((f) => f.dstNwk === 0 && f.clusterId !== 0);
    expect(fromDevice.length).toBeGreaterThan(0);
    expect(fromDevice.every((f) => f.dstEp === 1)).toBe(true);
    expect(seen.has("zdo:0x6")).toBe(false); // no Match_Desc
    expect(han.hub.requestsOf(d.ieee)).toEqual([]); // the hub's endpoints never heard from it
    expect(d.holdings().consumption).toEqual([]);
  });
});

describe("PPMID", () => {
  it("compliant: holds top-ups and debts, none dated before T after the CoT", async () => {
    const d = await setup("compliant", "ppmid");
    const before = d.holdings();
    expect(before.topUps.length).toBeGreaterThan(0);
    expect(before.debts.length).toBeGreaterThan(0);
    expect(before.consumption.some((v) => v.clusterId === ClusterId.prepayment)).toBe(true);
    const t = cotNow();
    await han.clock.advance(48 * HOUR);
    const after = d.holdings();
    const times = [...after.topUps, ...after.debts].map((v) => Date.parse(v.period!));
    expect(times.length).toBeGreaterThan(0); // the ones made since T
    expect(times.every((x) => x >= t)).toBe(true);
  });

  it("a garbled answer is reported and the rest of the poll still runs", async () => {
    han = new TestHan();
    await han.start();
    han.hub.garble.add(`${ClusterId.prepayment}/8`); // PublishTopUpLog cut short, as a broken encoder would
    const d = await han.add({ kind: "ppmid", profile: "compliant" });
    expect(d.client.errors.length).toBeGreaterThan(0);
    expect(d.client.errors[0]).toMatch(/^GetTopUpLog from (gpf|esme) .*topUpCode.*truncated/);
    const h = d.holdings();
    expect(h.topUps).toEqual([]);
    expect(h.debts.length).toBeGreaterThan(0); // the debt log was still asked for, on both servers
    expect(new Set(h.debts.map((v) => v.role))).toEqual(new Set(["gpf", "esme"]));
  });

  it("keeps-history keeps top-ups of before T as well", async () => {
    const d = await setup("keeps-history", "ppmid");
    const t = cotNow();
    await han.clock.advance(HOUR);
    expect(d.holdings().topUps.some((v) => Date.parse(v.period!) < t)).toBe(true);
  });
});

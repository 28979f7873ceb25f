/**
 * Each behaviour profile against a hub that performs a CoT: the device's data store ends as the profile
 * says (cot-suite.md, "Emulated device behaviour profiles"), and the compliant device is the control.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ClusterId } from "../../../src/zcl/index.js";
import type { ProfileName, SeDeviceKind } from "../../../src/virtual/devices/profiles.js";
import type { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { HOUR, MIN, TestHan } from "./han-fixture.js";
import { consumptionTenancies, messageTenancies, pastConsumption } from "./helpers.js";

let han: TestHan;
afterEach(() => han?.close());

async function setup(profile: ProfileName, kind: SeDeviceKind = "ihd"): Promise<EmulatedSeDevice> {
  han = new TestHan();
  await han.start();
  const device = await han.add({ kind, profile });
  await han.clock.advance(2 * HOUR);
  return device;
}

function tenancyReads(device: EmulatedSeDevice, role: "gpf" | "esme") {
  return han.hub
    .requestsOf(device.ieee, { role, clusterId: ClusterId.deviceManagement })
    .filter((r) => r.attrs?.includes(0x0200));
}

describe("behaviour profiles after an immediate CoT (control 0x600)", () => {
  it("compliant: nothing of tenancy 1 left, tenancy 2 history and message held", async () => {
    const d = await setup("compliant");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(consumptionTenancies(h)).toEqual(new Set([2]));
    expect(messageTenancies(h)).toEqual(new Set([2]));
    expect(pastConsumption(h).length).toBeGreaterThan(20);
  });

  it("no-query: never reads the tenancy attributes and keeps everything of tenancy 1", async () => {
    const d = await setup("no-query");
    han.hub.performCot();
    await han.clock.advance(24 * HOUR);
    expect(han.hub.requestsOf(d.ieee, { clusterId: ClusterId.deviceManagement })).toEqual([]);
    const h = d.holdings();
    expect(consumptionTenancies(h).has(1)).toBe(true);
    expect(messageTenancies(h)).toEqual(new Set([1, 2]));
    expect(d.client.clears).toEqual([]);
  });

  it("gpf-only: queries the GPF and never the ESME (and still clears from what the GPF says)", async () => {
    const d = await setup("gpf-only");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    expect(tenancyReads(d, "gpf").length).toBeGreaterThan(0);
    expect(tenancyReads(d, "esme")).toEqual([]);
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([2]));
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

  it("keeps-history: clears messages but keeps tenancy-1 consumption history", async () => {
    const d = await setup("keeps-history");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(messageTenancies(h)).toEqual(new Set([2]));
    expect(new Set(pastConsumption(h).map((v) => Math.floor((v.value as number) / 100_000))).has(1)).toBe(true);
  });

  it("keeps-messages: clears history but keeps the tenancy-1 message", async () => {
    const d = await setup("keeps-messages");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    const h = d.holdings();
    expect(consumptionTenancies(h)).toEqual(new Set([2]));
    expect(h.messages.map((m) => m.text)).toContain(han.hub.messageText(1));
    expect(messageTenancies(h)).toEqual(new Set([1, 2]));
  });
});

describe("future-dated CoT (COT-08)", () => {
  it("compliant: tenancy-1 data stays until the implementation time and is cleared at it", async () => {
    const d = await setup("compliant");
    const date = han.clock.now() + 6 * HOUR + 10 * MIN;
    han.hub.performCot({ dateMs: date });
    await han.clock.advanceTo(date - MIN);
    const before = d.holdings();
    expect(consumptionTenancies(before)).toEqual(new Set([1]));
    expect(pastConsumption(before).length).toBeGreaterThan(20);
    expect(messageTenancies(before)).toEqual(new Set([1]));
    await han.clock.advanceTo(date);
    const after = d.holdings();
    expect(consumptionTenancies(after)).toEqual(new Set([2]));
    expect(messageTenancies(after)).toEqual(new Set([2]));
    expect(d.client.clears.map((c) => c.atMs)).toEqual([date]);
  });

  it("early-clear: history is gone before the implementation time", async () => {
    const d = await setup("early-clear");
    const date = han.clock.now() + 6 * HOUR;
    han.hub.performCot({ dateMs: date });
    await han.clock.advance(HOUR);
    expect(pastConsumption(d.holdings())).toEqual([]);
    expect(d.client.clears[0]?.why).toBe("on-sight");
    // and after the date it holds tenancy 2 only, like a compliant device
    await han.clock.advanceTo(date + HOUR);
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([2]));
  });
});

describe("no spurious clearing (COT-09)", () => {
  it("compliant: a day of polls re-reading the same CoT date clears once; tenancy-2 history survives", async () => {
    const d = await setup("compliant");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    const held = pastConsumption(d.holdings()).length;
    await han.clock.advance(24 * HOUR);
    expect(d.client.clears).toHaveLength(1);
    expect(pastConsumption(d.holdings()).length).toBeGreaterThanOrEqual(held);
  });

  it("compliant: polls with no CoT recorded clear nothing", async () => {
    const d = await setup("compliant");
    await han.clock.advance(24 * HOUR);
    expect(d.client.clears).toEqual([]);
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([1]));
  });

  it("repeat-clear: clears again at every poll and keeps only what the meter still serves", async () => {
    const d = await setup("repeat-clear");
    const c = await han.add({ kind: "ihd", profile: "compliant" });
    han.hub.performCot();
    await han.clock.advance(30 * MIN);
    const key = (v: { role: string; item: string; period?: string }) => `${v.role} ${v.item} ${v.period}`;
    const heldThen = new Set(pastConsumption(d.holdings()).map(key));
    expect(heldThen.size).toBeGreaterThan(20); // the first clear fetched tenancy 2
    expect(new Set(pastConsumption(c.holdings()).map(key))).toEqual(heldThen);
    await han.clock.advance(25 * HOUR);
    expect(d.client.clears.length).toBeGreaterThan(20);
    expect(d.client.clears.slice(1).every((x) => x.why === "repeat")).toBe(true);
    // a day later the oldest periods have rolled out of what the meter serves: the compliant display still
    // holds them, the one that clears at every poll does not
    const keptByCompliant = new Set(pastConsumption(c.holdings()).map(key));
    const keptByRepeat = new Set(pastConsumption(d.holdings()).map(key));
    expect(keptByRepeat.size).toBeGreaterThan(20); // fetched again after the last clear
    const lost = [...heldThen].filter((k) => !keptByRepeat.has(k));
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((k) => keptByCompliant.has(k))).toBe(true);
    expect(c.client.clears).toHaveLength(1);
    // what a poll refreshes comes back: the new message and the running periods
    expect(messageTenancies(d.holdings())).toEqual(new Set([2]));
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([2]));
  });
});

describe("control bits (COT-12)", () => {
  it("0x200 clears consumer data only; 0 clears nothing", async () => {
    const d = await setup("compliant");
    han.hub.performCot({ control: 0x200 });
    await han.clock.advance(HOUR);
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([2]));
    expect(messageTenancies(d.holdings())).toEqual(new Set([1, 2]));

    han.close();
    const e = await setup("compliant");
    han.hub.performCot({ control: 0 });
    await han.clock.advance(HOUR);
    expect(consumptionTenancies(e.holdings()).has(1)).toBe(true);
    expect(e.client.clears).toHaveLength(1);
    expect(e.client.clears[0]).toMatchObject({ consumer: false, supplier: false });
  });
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
      han.hub.performCot();
      await han.clock.advance(HOUR);
      const powerOnAt = han.clock.now();
      await d.powerOn();
      if (cleared) {
        // polled at once: cleared before any timer ran
        expect(d.client.clears.map((c) => c.atMs)).toEqual([powerOnAt]);
      }
      await han.clock.advance(24 * HOUR);
      const h = d.holdings();
      expect(consumptionTenancies(h).has(1)).toBe(!cleared);
      expect(messageTenancies(h).has(1)).toBe(!cleared);
      expect(messageTenancies(h).has(2)).toBe(true);
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
    expect(d.client.clears.map((c) => c.why)).toEqual(["reached"]);
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([2]));
  });

  it("offline-miss still acts on a CoT it sees while online", async () => {
    const d = await setup("offline-miss");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    expect(consumptionTenancies(d.holdings())).toEqual(new Set([2]));
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
  it("compliant: holds top-ups and debts of tenancy 1, none of them after the CoT", async () => {
    const d = await setup("compliant", "ppmid");
    const before = d.holdings();
    expect(before.topUps.length).toBeGreaterThan(0);
    expect(before.debts.length).toBeGreaterThan(0);
    expect(before.consumption.some((v) => v.clusterId === ClusterId.prepayment)).toBe(true);
    han.hub.performCot();
    await han.clock.advance(HOUR);
    const after = d.holdings();
    const tenancies = [...after.topUps, ...after.debts].map(
      (v) =>
        Math.floor(
          (v.value as { amount?: number; amountCollected?: number }).amount ??
            (v.value as { amountCollected: number }).amountCollected,
        ) / 100_000,
    );
    expect(new Set(tenancies.map(Math.floor))).toEqual(new Set([2]));
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

  it("keeps-history keeps tenancy-1 top-ups as well", async () => {
    const d = await setup("keeps-history", "ppmid");
    han.hub.performCot();
    await han.clock.advance(HOUR);
    expect(d.holdings().topUps.some((t) => (t.value as { code: string }).code.startsWith("T1-"))).toBe(true);
  });
});

/**
 * Data tagged by tenancy (cot-suite.md): from a CoT's implementation time on only the new tenancy's data
 * is served, every served value is attributed to the tenancy in force, and for the same item and period no
 * two tenancies ever serve the same value.
 */
import { describe, expect, it } from "vitest";
import { msToZclUtc } from "../../src/hub/clock.js";
import { tenancyOfValue } from "../../src/hub/data/tag.js";
import type { Hub } from "../../src/hub/hub.js";
import type { EndpointRole } from "../../src/hub/types.js";
import type { ServedEvent } from "../../src/evidence/events.js";
import { makeHub, readAttrs, roundTrip, served, T0 } from "./fixture.js";

const COT = { providerId: 0x1234, tariffType: 0, control: 0x600 };

describe("a future-dated CoT", () => {
  it("changes the served tenancy only when the hub clock reaches its implementation time", async () => {
    const { hub, clock, evidence } = makeHub();
    const t1 = hub.publishMessage();
    const at = T0 + 2 * 3600_000;
    hub.recordCot({ ...COT, issuerEventId: 10, implementationTime: at });

    // Recorded at once: the CoT attributes show the future date before it takes effect.
    expect(readAttrs(hub, "esme", 0x0708, [0x0200]).byId.get(0x0200)!.value).toBe(msToZclUtc(at));

    const look = () => {
      const day = readAttrs(hub, "esme", 0x0702, [0x0403]).byId.get(0x0403)!.value as number;
      const msg = roundTrip(hub, "gpf", 0x0703, { command: "getLastMessage" }).frame!;
      const last = served(evidence).at(-1)!;
      return {
        day: tenancyOfValue(day),
        msg: msg.command === "displayMessage" ? msg.payload.messageId : "none",
        last: last.tenancy,
      };
    };
    expect(look()).toEqual({ day: 1, msg: t1.messageId, last: 1 });
    await clock.advanceTo(at - 1);
    expect(look()).toEqual({ day: 1, msg: t1.messageId, last: 1 });
    await clock.advanceTo(at);
    expect(hub.tenancyAt(clock.now())).toBe(2);
    // Tenancy 2 has no message yet: tenancy 1's is never served again.
    expect(look()).toEqual({ day: 2, msg: "none", last: 2 });
    const t2 = hub.publishMessage();
    expect(t2.text.startsWith(`T2-MSG-${t2.messageId} `)).toBe(true);
    expect(t2.messageId).not.toBe(t1.messageId);
    expect(look()).toEqual({ day: 2, msg: t2.messageId, last: 2 });
  });
});

/** Every attribute and command that serves tenancy data, on one role. */
function serveEverything(hub: Hub, role: EndpointRole, now: number): void {
  const ids = (from: number, to: number, step = 1) =>
    Array.from({ length: (to - from) / step + 1 }, (_, k) => from + k * step);
  const metering = [
    0x0000,
    0x0400,
    0x0401,
    0x0403,
    ...ids(0x0420, 0x042c, 2),
    0x0430,
    ...ids(0x0432, 0x043a, 2),
    0x0440,
    ...ids(0x0442, 0x045a, 2),
  ];
  const alternative = metering.filter((id) => id >= 0x0401).map((id) => id + 0x0800);
  readAttrs(hub, role, 0x0702, metering);
  if (role === "gpf") readAttrs(hub, role, 0x0702, alternative);
  const topUps = [1, 2, 3, 4, 5].flatMap((n) => [0x0100, 0x0101, 0x0103].map((a) => a + 0x10 * (n - 1)));
  const debts = [1, 2, 3].flatMap((n) => [0x0210, 0x0211, 0x0217].map((a) => a + 0x10 * (n - 1)));
  const cost = [
    0x051c,
    0x051e,
    ...ids(0x0520, 0x052c, 2),
    0x0530,
    ...ids(0x0532, 0x053a, 2),
    0x0540,
    ...ids(0x0542, 0x055a, 2),
  ];
  readAttrs(hub, role, 0x0705, [0x0001, 0x0005, ...topUps, ...debts]);
  readAttrs(hub, role, 0x0705, cost);
  readAttrs(hub, role, 0x0700, [0x0301, 0x0400, 0x0610]);
  roundTrip(hub, role, 0x0702, {
    command: "getProfile",
    payload: { intervalChannel: 0, endTime: 0, numberOfPeriods: 16 },
  });
  roundTrip(hub, role, 0x0702, {
    command: "getSampledData",
    payload: { sampleId: 1, earliestSampleTime: msToZclUtc(now - 8 * 3600_000), sampleType: 0, numberOfSamples: 16 },
  });
  roundTrip(hub, role, 0x0705, { command: "getTopUpLog", payload: { latestEndTime: 0, numberOfRecords: 5 } });
  roundTrip(hub, role, 0x0705, {
    command: "getDebtRepaymentLog",
    payload: { latestEndTime: 0, numberOfDebts: 5, debtType: 0xff },
  });
  roundTrip(hub, role, 0x0700, { command: "getCurrentPrice", payload: { commandOptions: 0 } });
  roundTrip(hub, role, 0x0703, { command: "getLastMessage" });
}

/** Items that describe the hub's configuration, clock or CoT record, the same for every tenancy. */
function isConfiguration(e: ServedEvent): boolean {
  if (e.clusterId === 0x0708 || e.clusterId === 0x0000 || e.clusterId === 0x000a) return true;
  return /^(unitOfMeasure|multiplier|divisor|.*Formatting|meteringDeviceType|supplyStatus|status|currency|commodityType|priceTrailingDigit|numberOfPriceTiersInUse|paymentControlConfiguration|creditStatus|creditRemainingTimestamp|consumptionUnitOfMeasurement|originatingDevice\d|debtRecovery(Method|Frequency|TopUpPercentage)\d|alternativeUnitOfMeasure)$/.test(
    e.item,
  );
}

/** Times: distinct per tenancy, but not tagged. */
const isTime = (e: ServedEvent) => /(topUpDateTime\d|topUpTime|debtRecovery(StartTime|CollectionTime)\d)$/.test(e.item);

describe("attribution (property over seeds)", () => {
  it("never serves the same value for the same item and period to two tenancies, and tags each value with its tenancy", () => {
    let checkedItems = 0;
    for (let seed = 1; seed <= 12; seed++) {
      // Vary the position in the day, week and month with the seed.
      const start = T0 + seed * 37 * 3600_000 + seed * 60_000;
      const { hub, evidence } = makeHub({ seed, start });
      for (let tenancy = 1; tenancy <= 3; tenancy++) {
        if (tenancy > 1) hub.recordCot({ ...COT, issuerEventId: tenancy, implementationTime: start });
        expect(hub.tenancyAt(start)).toBe(tenancy);
        hub.publishMessage();
        for (const role of ["gpf", "esme"] as const) serveEverything(hub, role, start);
      }
      const data = served(evidence).filter((e) => !isConfiguration(e));
      const byKey = new Map<string, Map<string, number>>();
      for (const e of data) {
        // Served from the tenancy in force; numbers carry their tenancy, texts their marker.
        if (isTime(e)) expect(typeof e.value).toBe("number");
        else if (typeof e.value === "number") expect(tenancyOfValue(e.value), `${e.item}=${e.value}`).toBe(e.tenancy);
        else expect(String(e.value)).toContain(`T${e.tenancy}-`);
        const key = `${e.device}|${e.role}|${e.clusterId}|${e.item}|${e.period ?? ""}`;
        const values = byKey.get(key) ?? new Map<string, number>();
        const v = JSON.stringify(e.value);
        const owner = values.get(v);
        if (owner !== undefined) expect(owner, `${key} value ${v}`).toBe(e.tenancy);
        values.set(v, e.tenancy);
        byKey.set(key, values);
      }
      // Every item was served for all three tenancies.
      for (const [key, values] of byKey) expect(new Set(values.values()).size, key).toBe(3);
      checkedItems += byKey.size;
    }
    expect(checkedItems).toBeGreaterThan(12 * 200);
  });

  it("gives tenancies different series, not only different tags", () => {
    const { hub, evidence } = makeHub({ seed: 5 });
    serveEverything(hub, "esme", T0);
    hub.recordCot({ ...COT, issuerEventId: 2, implementationTime: T0 });
    serveEverything(hub, "esme", T0);
    const consumption = served(evidence).filter((e) => e.period !== undefined && e.clusterId === 0x0702);
    const t1 = new Map(
      consumption.filter((e) => e.tenancy === 1).map((e) => [`${e.item}|${e.period}`, e.value as number]),
    );
    const t2 = consumption.filter((e) => e.tenancy === 2);
    const sameRaw = t2.filter(
      (e) => Math.floor((e.value as number) / 100) === Math.floor(t1.get(`${e.item}|${e.period}`)! / 100),
    );
    expect(t2.length).toBeGreaterThan(50);
    expect(sameRaw.length).toBeLessThan(t2.length / 10);
  });

  it("is deterministic: the same seed serves the same values", () => {
    const a = makeHub({ seed: 9 });
    const b = makeHub({ seed: 9 });
    serveEverything(a.hub, "gpf", T0);
    serveEverything(b.hub, "gpf", T0);
    const strip = (e: ServedEvent) => [e.item, e.value, e.period];
    expect(served(a.evidence).map(strip)).toEqual(served(b.evidence).map(strip));
  });
});

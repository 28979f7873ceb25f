/**
 * The meters behave as real meters (cot-suite.md): one continuous series per meter whoever lives in the
 * home, a CoT that sets Device Management on its meter and changes nothing else served, the active supplier
 * message served until replaced, the supplier's provider id everywhere, issuer ids as increasing UTC
 * timestamps, and every history figure unique per attribute and period.
 */
import { describe, expect, it } from "vitest";
import { msToZclUtc } from "../../src/hub/clock.js";
import type { Hub } from "../../src/hub/hub.js";
import type { EndpointRole } from "../../src/hub/types.js";
import type { ServedEvent } from "../../src/evidence/events.js";
import { makeHub, readAttrs, roundTrip, served, T0 } from "./fixture.js";

const COT = { providerId: 0x1234, tariffType: 0, control: 0x600 };
const DAY = 86_400_000;

/** Every attribute and command that serves meter data, on one role. */
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

/** What a meter serves, keyed by role, cluster and item, with values and periods (Device Management aside). */
function snapshot(events: ServedEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (e.clusterId === 0x0708) continue;
    out.set(`${e.role}|${e.clusterId}|${e.item}`, JSON.stringify([e.value, e.period, e.periodEnd]));
  }
  return out;
}

describe("a CoT", () => {
  it("changes nothing the meters serve but the Device Management attributes of its own meter", () => {
    const { hub, evidence } = makeHub({ seed: 3 });
    hub.publishMessage();
    for (const role of ["gpf", "esme"] as const) serveEverything(hub, role, T0);
    const before = snapshot(served(evidence));
    const n = evidence.events.length;
    hub.recordCot({ ...COT, meter: "esme", issuerEventId: msToZclUtc(T0), implementationTime: T0 - 3 * DAY });
    hub.recordCot({ ...COT, meter: "gpf", issuerEventId: msToZclUtc(T0), implementationTime: T0 });
    for (const role of ["gpf", "esme"] as const) serveEverything(hub, role, T0);
    const after = snapshot(served(evidence).filter((e) => evidence.events.indexOf(e as never) >= n));
    expect(before.size).toBeGreaterThan(300);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
    const dm = (role: EndpointRole) => readAttrs(hub, role, 0x0708, [0x0100, 0x0200, 0x0201]).byId;
    expect(dm("gpf").get(0x0200)?.value).toBe(msToZclUtc(T0));
    expect(dm("esme").get(0x0200)?.value).toBe(msToZclUtc(T0 - 3 * DAY));
  });

  it("on one meter leaves the other meter's Device Management as it was", () => {
    const { hub } = makeHub();
    hub.recordCot({ ...COT, meter: "gpf", issuerEventId: 5, implementationTime: T0, control: 0x200 });
    expect(readAttrs(hub, "gpf", 0x0708, [0x0200, 0x0201]).records.map((r) => r.value)).toEqual([
      msToZclUtc(T0),
      0x200,
    ]);
    expect(readAttrs(hub, "esme", 0x0708, [0x0200, 0x0201]).records.map((r) => r.value)).toEqual([0xffffffff, 0]);
    const esme = roundTrip(hub, "esme", 0x0708, { command: "getChangeOfTenancy" }).frame!;
    expect(esme.payload).toMatchObject({ status: 0x8b });
    const gpf = roundTrip(hub, "gpf", 0x0708, { command: "getChangeOfTenancy" }).frame!;
    expect(gpf.payload).toMatchObject({ issuerEventId: 5, proposedTenancyChangeControl: 0x200 });
  });
});

describe("the meters", () => {
  it("keep one continuous series: a day's figure is the same whichever attribute and day serves it", async () => {
    const { hub, clock, evidence } = makeHub({ seed: 8 });
    readAttrs(hub, "esme", 0x0702, [0x0403]); // previous day, on day D
    hub.recordCot({ ...COT, meter: "esme", issuerEventId: 9, implementationTime: T0 });
    await clock.advanceTo(T0 + 2 * DAY);
    readAttrs(hub, "esme", 0x0702, [0x0422]); // previous day 3, two days later: the same day
    const [first, again] = served(evidence);
    expect(first!.period).toBe("2026-03-03T00:00:00.000Z");
    expect(again!.period).toBe(first!.period);
    expect(again!.periodEnd).toBe("2026-03-04T00:00:00.000Z");
    expect(again!.value).toBe(first!.value);
  });

  it("serve the active supplier message until the supplier replaces it, with UTC-timestamp ids", async () => {
    const { hub, clock } = makeHub();
    const m1 = hub.publishMessage({ text: "Your tariff changes soon" });
    expect(m1.messageId).toBeGreaterThanOrEqual(msToZclUtc(T0));
    hub.recordCot({ ...COT, meter: "esme", issuerEventId: msToZclUtc(T0) + 5, implementationTime: T0 });
    hub.recordCot({ ...COT, meter: "gpf", issuerEventId: msToZclUtc(T0) + 5, implementationTime: T0 });
    await clock.advanceTo(T0 + 3 * DAY);
    for (const role of ["gpf", "esme"] as const) {
      const f = roundTrip(hub, role, 0x0703, { command: "getLastMessage" }).frame!;
      expect(f.payload).toMatchObject({
        messageId: m1.messageId,
        message: "Your tariff changes soon",
        startTime: msToZclUtc(T0),
        durationInMinutes: 0xffff,
      });
    }
    const m2 = hub.publishMessage();
    expect(m2.messageId).toBeGreaterThan(m1.messageId);
    expect(m2.messageId).toBe(msToZclUtc(T0 + 3 * DAY));
    const again = hub.publishMessage();
    expect(again.messageId).toBe(m2.messageId + 1); // strictly increasing within a second
    expect(roundTrip(hub, "gpf", 0x0703, { command: "getLastMessage" }).frame!.payload.messageId).toBe(again.messageId);
  });

  it("name the meter's supplier the same in Device Management and PublishPrice, before and after a CoT", () => {
    const { hub } = makeHub();
    const ids = () =>
      (["gpf", "esme"] as const).map((role) => [
        readAttrs(hub, role, 0x0708, [0x0100]).byId.get(0x0100)!.value,
        roundTrip(hub, role, 0x0700, { command: "getCurrentPrice", payload: { commandOptions: 0 } }).frame!.payload
          .providerId,
      ]);
    const before = ids();
    expect(before).toEqual([
      [hub.providerId("gpf"), hub.providerId("gpf")],
      [hub.providerId("esme"), hub.providerId("esme")],
    ]);
    hub.recordCot({
      ...COT,
      meter: "gpf",
      providerId: hub.providerId("gpf"),
      issuerEventId: 3,
      implementationTime: T0,
    });
    expect(ids()).toEqual(before);
  });

  it("serve a figure per (attribute, period) that no other period of the attribute serves (property over seeds)", async () => {
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const { hub, clock, evidence } = makeHub({ seed, start: T0 + seed * 7 * 3_600_000 });
      for (let day = 0; day < 40; day++) {
        for (const role of ["gpf", "esme"] as const) serveEverything(hub, role, clock.now());
        await clock.advanceTo(clock.now() + DAY);
      }
      const periodOf = new Map<string, string>();
      for (const e of served(evidence)) {
        if (!e.period || e.item.includes("[")) continue; // half-hour profile intervals are plain Wh figures
        const series = e.item.replace(/^(current|previous)(Day|Week|Month)\d*/, "$2");
        const key = `${e.role}|${e.clusterId}|${series}|${String(e.value)}`;
        const owner = periodOf.get(key);
        if (owner !== undefined) expect(owner, `${key} served for ${owner} and ${e.period}`).toBe(e.period);
        periodOf.set(key, e.period);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(6 * 40 * 100);
  });

  it("are deterministic: the same seed serves the same values", () => {
    const a = makeHub({ seed: 9 });
    const b = makeHub({ seed: 9 });
    serveEverything(a.hub, "gpf", T0);
    serveEverything(b.hub, "gpf", T0);
    const strip = (e: ServedEvent) => [e.item, e.value, e.period];
    expect(served(a.evidence).map(strip)).toEqual(served(b.evidence).map(strip));
  });
});

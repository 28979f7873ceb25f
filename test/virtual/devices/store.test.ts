/**
 * The emulated display's store (src/virtual/devices/store.ts): a clear drops exactly what started before its time,
 * and a device aggregate sums exactly the finished days from its start, however often the same times are compared
 * (the store parses each ISO time once and remembers it).
 */
import { describe, expect, it } from "vitest";
import { type ConsumptionEntry, DeviceStore } from "../../../src/virtual/devices/store.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

function day(role: "gpf" | "esme", n: number, value: number, running = false): ConsumptionEntry {
  return {
    role,
    clusterId: 0x0702,
    item: `day${n}`,
    value,
    period: iso(T0 + n * DAY),
    periodEnd: iso(T0 + (n + 1) * DAY),
    series: "ConsumptionDelivered/day",
    running,
    storedAt: T0 + (n + 1) * DAY,
  };
}

function filled(): DeviceStore {
  const store = new DeviceStore();
  for (let n = 0; n < 10; n++) {
    store.putConsumption(day("gpf", n, 100 + n));
    store.putConsumption(day("esme", n, 1000 + n));
  }
  store.putConsumption(day("gpf", 10, 5, true));
  store.putConsumption({ ...day("gpf", 11, 7), period: "not a time", item: "odd" });
  for (const n of [2, 6]) {
    store.putTopUp({ role: "gpf", clusterId: 0x0705, code: `c${n}`, amount: n, time: iso(T0 + n * DAY + 1) });
    store.putDebtPayment({
      role: "gpf",
      clusterId: 0x0705,
      debtType: 1,
      amountCollected: n,
      outstandingDebt: 10,
      time: iso(T0 + n * DAY + 1),
    });
  }
  return store;
}

describe("device store", () => {
  it("sums a device aggregate over the finished days from its start, asked again and again", () => {
    const store = filled();
    store.startAggregate("gpf", "ConsumptionDelivered/day", T0 + 4 * DAY);
    for (let round = 0; round < 3; round++) {
      const [aggregate] = store.holdings().aggregates!;
      expect(aggregate!.value).toBe(104 + 105 + 106 + 107 + 108 + 109);
    }
  });

  it("clears exactly what started before the time, for the one meter, whatever was compared before", () => {
    for (const cut of [0, 3, 6, 10]) {
      const store = filled();
      store.startAggregate("gpf", "ConsumptionDelivered/day", T0);
      store.holdings(); // compares every period once before the clear
      store.clearHistoryBefore("gpf", T0 + cut * DAY + 1);
      const periods = store.consumption.filter((e) => e.role === "gpf").map((e) => e.item);
      const kept = [...Array.from({ length: 10 - cut }, (_, i) => `day${cut + i + 1}`), "odd"];
      expect(periods).toEqual(kept);
      expect(store.consumption.filter((e) => e.role === "esme")).toHaveLength(10);
      const h = store.holdings();
      expect(h.topUps.map((t) => t.period)).toEqual(
        [2, 6].filter((n) => n * DAY + 1 >= cut * DAY + 1).map((n) => iso(T0 + n * DAY + 1)),
      );
      expect(h.debts).toHaveLength(h.topUps.length);
    }
  });
});

import { describe, expect, it } from "vitest";
import { ConsumptionSeries } from "../../src/hub/data/consumption.js";
import { METERING_HISTORY, historyAttributes, periodBounds } from "../../src/hub/data/history.js";
import { dayStart, monthStart, weekStart } from "../../src/hub/data/periods.js";
import { MAX_TENANCY, mix, tagValue, tenancyOfValue } from "../../src/hub/data/tag.js";
import { T0 } from "./fixture.js";

const HH = 1_800_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("periods (UTC, weeks from Monday)", () => {
  it("places days, weeks and months around Wednesday 2026-03-04 10:15Z", () => {
    expect(iso(dayStart(T0))).toBe("2026-03-04T00:00:00.000Z");
    expect(iso(dayStart(T0, 8))).toBe("2026-02-24T00:00:00.000Z");
    expect(iso(weekStart(T0))).toBe("2026-03-02T00:00:00.000Z");
    expect(iso(weekStart(T0, 5))).toBe("2026-01-26T00:00:00.000Z");
    expect(iso(weekStart(Date.parse("2026-03-08T23:59:59Z")))).toBe("2026-03-02T00:00:00.000Z"); // Sunday
    expect(iso(monthStart(T0, 13))).toBe("2025-02-01T00:00:00.000Z");
  });

  it("maps the 0x04xx history attributes to their periods", () => {
    const m = historyAttributes(METERING_HISTORY);
    expect(m.size).toBe(2 + 7 + 1 + 5 + 1 + 13);
    expect(m.get(0x0428)).toEqual({ kind: "day", back: 6 }); // PreviousDay6ConsumptionDelivered (§4.2 example)
    expect(m.get(0x045a)).toEqual({ kind: "month", back: 13 });
    expect(periodBounds(m.get(0x0401)!, T0)).toEqual({ start: dayStart(T0), end: T0 });
    expect(periodBounds(m.get(0x0432)!, T0)).toEqual({ start: weekStart(T0, 1), end: weekStart(T0) });
  });
});

describe("consumption series", () => {
  it("sums whole days through the day cache exactly as interval by interval", () => {
    const s = new ConsumptionSeries(3, 2, "gas");
    for (const [from, to] of [
      [dayStart(T0, 3) + 5 * HH, T0],
      [weekStart(T0, 2), weekStart(T0, 1) + 7],
      [monthStart(T0, 1) - HH, monthStart(T0)],
    ] as const) {
      let expected = 0;
      for (let i = Math.ceil(from / HH); (i + 1) * HH <= to; i++) expected += s.volume(i);
      expect(s.sum(from, to, "volume")).toBe(expected);
    }
  });

  it("counts only half-hours complete by the end time", () => {
    const s = new ConsumptionSeries(1, 1, "electricity");
    const h = Math.floor(T0 / HH);
    expect(s.sum(h * HH, h * HH + HH - 1, "energy")).toBe(0);
    expect(s.sum(h * HH, h * HH + HH, "energy")).toBe(s.energy(h));
  });

  it("differs by tenancy and commodity, and is the same for the same inputs", () => {
    const i = Math.floor(T0 / HH) - 20;
    const a = new ConsumptionSeries(7, 1, "electricity");
    expect(new ConsumptionSeries(7, 1, "electricity").energy(i)).toBe(a.energy(i));
    const day = (s: ConsumptionSeries) => s.sum(dayStart(T0, 1), dayStart(T0), "energy");
    expect(day(a)).not.toBe(day(new ConsumptionSeries(7, 2, "electricity")));
    expect(day(a)).not.toBe(day(new ConsumptionSeries(7, 1, "gas")));
    expect(day(a)).not.toBe(day(new ConsumptionSeries(8, 1, "electricity")));
  });

  it("has a gas heating shape: the evening peak is well above the night", () => {
    const s = new ConsumptionSeries(4, 1, "gas");
    const d = Math.floor(dayStart(T0, 1) / HH);
    let night = 0;
    let evening = 0;
    for (let k = 0; k < 6; k++) {
      night += s.energy(d + 2 + k);
      evening += s.energy(d + 36 + k);
    }
    expect(evening).toBeGreaterThan(5 * night);
  });
});

describe("tenancy tag", () => {
  it("puts the tenancy in the last two decimal digits and reads it back", () => {
    expect(tagValue(123_456, 2)).toBe(123_402);
    expect(tagValue(99, 7)).toBe(7);
    expect(tenancyOfValue(tagValue(987_654_321, 42))).toBe(42);
    expect(tenancyOfValue(123_456_789_012_345_603n)).toBe(3);
    expect(() => tagValue(5, 0)).toThrow(RangeError);
    expect(() => tagValue(5, MAX_TENANCY + 1)).toThrow(RangeError);
  });

  it("mixes every input into the hash, including the high bits of large numbers", () => {
    expect(mix(1, 2)).not.toBe(mix(2, 1));
    expect(mix(T0)).not.toBe(mix(T0 + 2 ** 32));
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(mix(5, i));
    expect(seen.size).toBeGreaterThan(9_990);
  });
});

import { describe, expect, it } from "vitest";
import { ConsumptionSeries } from "../../src/hub/data/consumption.js";
import {
  METERING_HISTORY,
  historyAttributes,
  periodBounds,
  periodFigure,
  profileIntervalItem,
} from "../../src/hub/data/history.js";
import {
  dayStart,
  instantOf,
  monthStart,
  nextBoundary,
  periodAt,
  periodNumber,
  ukOffsetMs,
  weekStart,
} from "../../src/hub/data/periods.js";
import { mix } from "../../src/hub/data/random.js";
import { T0 } from "./fixture.js";

const HH = 1_800_000;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe("periods (UK local days, weeks from Monday, months)", () => {
  it("places days, weeks and months around Wednesday 2026-03-04 10:15Z (GMT: local time is UTC)", () => {
    expect(iso(dayStart(T0))).toBe("2026-03-04T00:00:00.000Z");
    expect(iso(dayStart(T0, 8))).toBe("2026-02-24T00:00:00.000Z");
    expect(iso(weekStart(T0))).toBe("2026-03-02T00:00:00.000Z");
    expect(iso(weekStart(T0, 5))).toBe("2026-01-26T00:00:00.000Z");
    expect(iso(weekStart(at("2026-03-08T23:59:59Z")))).toBe("2026-03-02T00:00:00.000Z"); // Sunday
    expect(iso(monthStart(T0, 13))).toBe("2025-02-01T00:00:00.000Z");
  });

  it("gives each year its own clock changes, whatever the order the years are asked in", () => {
    const cases: [string, number][] = [
      ["2025-03-30T00:30:00Z", 0],
      ["2026-03-29T01:30:00Z", 3_600_000],
      ["2025-03-30T01:30:00Z", 3_600_000],
      ["2026-03-29T00:30:00Z", 0],
      ["2025-10-26T00:30:00Z", 3_600_000],
      ["2026-10-25T00:59:00Z", 3_600_000],
      ["2025-10-26T01:00:00Z", 0],
      ["2026-10-25T01:00:00Z", 0],
      ["2024-12-31T23:59:59Z", 0],
    ];
    expect(cases.map(([t]) => ukOffsetMs(at(t)))).toEqual(cases.map(([, offset]) => offset));
  });

  it("starts them at local midnight in British Summer Time (23:00Z the day before)", () => {
    const july = at("2026-07-15T10:00:00Z"); // a Wednesday in BST
    expect(ukOffsetMs(july)).toBe(3_600_000);
    expect(iso(dayStart(july))).toBe("2026-07-14T23:00:00.000Z");
    expect(iso(weekStart(july))).toBe("2026-07-12T23:00:00.000Z");
    expect(iso(monthStart(july))).toBe("2026-06-30T23:00:00.000Z");
    // 23:30Z on a summer evening is already the next local day
    expect(iso(dayStart(at("2026-07-15T23:30:00Z")))).toBe("2026-07-15T23:00:00.000Z");
    // April begins in BST, March in GMT
    expect(periodAt("month", at("2026-04-10T12:00:00Z"), 1)).toEqual({
      start: at("2026-03-01T00:00:00Z"),
      end: at("2026-03-31T23:00:00Z"),
    });
  });

  it("makes the clock-change days 23 and 25 hours long", () => {
    // BST starts Sunday 2026-03-29 01:00Z, ends Sunday 2026-10-25 01:00Z
    expect(periodAt("day", at("2026-03-29T12:00:00Z"))).toEqual({
      start: at("2026-03-29T00:00:00Z"),
      end: at("2026-03-29T23:00:00Z"),
    });
    expect(periodAt("day", at("2026-10-25T12:00:00Z"))).toEqual({
      start: at("2026-10-24T23:00:00Z"),
      end: at("2026-10-26T00:00:00Z"),
    });
    // consecutive days get consecutive numbers across the change
    expect(periodNumber("day", at("2026-03-29T23:00:00Z")) - periodNumber("day", at("2026-03-29T00:00:00Z"))).toBe(1);
  });

  it("starts the meter day at the HistoricalFreezeTime (0x0600: 06:00 local)", () => {
    expect(iso(dayStart(at("2026-03-04T05:00:00Z"), 0, 0x0600))).toBe("2026-03-03T06:00:00.000Z");
    expect(iso(dayStart(at("2026-03-04T06:00:00Z"), 0, 0x0600))).toBe("2026-03-04T06:00:00.000Z");
    expect(() => dayStart(T0, 0, 0x1800)).toThrow(/not a time of day/);
  });

  it("finds the first boundary of a granularity at or after an instant", () => {
    expect(iso(nextBoundary("day", at("2026-03-04T12:00:01Z")))).toBe("2026-03-05T00:00:00.000Z");
    expect(iso(nextBoundary("day", at("2026-03-05T00:00:00Z")))).toBe("2026-03-05T00:00:00.000Z");
    expect(iso(nextBoundary("week", at("2026-03-04T12:00:01Z")))).toBe("2026-03-09T00:00:00.000Z");
    expect(iso(nextBoundary("month", at("2026-03-04T12:00:01Z")))).toBe("2026-03-31T23:00:00.000Z");
  });

  it("maps the 0x04xx history attributes to their periods; a running period ends in the future", () => {
    const m = historyAttributes(METERING_HISTORY);
    expect(m.size).toBe(2 + 7 + 1 + 5 + 1 + 13);
    expect(m.get(0x0428)).toEqual({ kind: "day", back: 6 }); // PreviousDay6ConsumptionDelivered (§4.2 example)
    expect(m.get(0x045a)).toEqual({ kind: "month", back: 13 });
    expect(periodBounds(m.get(0x0401)!, T0)).toEqual({
      start: at("2026-03-04T00:00:00Z"),
      end: at("2026-03-05T00:00:00Z"),
    });
    expect(periodBounds(m.get(0x0432)!, T0)).toEqual({
      start: at("2026-02-23T00:00:00Z"),
      end: at("2026-03-02T00:00:00Z"),
    });
  });

  it("gives every half-hour of a year its UK date, asked once and again (meter dates are remembered)", () => {
    // the UK local date by the platform's Europe/London zone: the same rule, computed another way
    const london = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", dateStyle: "short" });
    const from = at("2026-01-01T00:00:00Z");
    const instants = Array.from({ length: 366 * 48 }, (_, i) => from + i * HH); // more than the memory keeps
    const expected = instants.map((ms) => Math.round(Date.parse(london.format(ms)) / 86_400_000));
    for (const order of [instants, [...instants].reverse(), instants]) {
      for (const ms of order) {
        const day = expected[(ms - from) / HH];
        if (periodNumber("day", ms) !== day) expect([iso(ms), periodNumber("day", ms)]).toEqual([iso(ms), day]);
        // the day's start is the instant of its local midnight, a date of its own
        const start = dayStart(ms);
        if (periodNumber("day", start) !== day || start > ms || ms - start >= 25 * 3_600_000)
          expect([iso(ms), iso(start)]).toBe("the start of its own day");
      }
    }
  });
});

describe("instants of ISO times", () => {
  it("are what Date.parse says, asked once, again, and after more texts than are remembered", () => {
    const texts = Array.from({ length: 20_000 }, (_, i) => iso(T0 + i * 1_800_000));
    const odd = ["not a time", "", "2026-13-01T00:00:00Z", "2026-03-04", "2026-03-04T00:00:00+01:00"];
    for (const round of [1, 2, 3])
      for (const text of [...odd, ...texts.slice(0, 50), ...(round === 2 ? texts : [])])
        expect([round, text, instantOf(text)]).toEqual([round, text, Date.parse(text)]);
  });
});

describe("profile interval items", () => {
  it("name the kth interval of a GetProfile response, asked once or again", () => {
    for (const round of [1, 2])
      for (let k = 0; k < 300; k++)
        expect([round, profileIntervalItem(k)]).toEqual([round, `getProfileResponse.intervals[${k}]`]);
  });
});

describe("period figures", () => {
  it("carry the period number modulo 1000 in their last three digits", () => {
    expect(periodFigure(123_456, 20_513)).toBe(123_513);
    expect(periodFigure(999, 1_001)).toBe(1);
    expect(periodFigure(-5, 7)).toBe(7);
  });

  it("differ for every pair of days within 1000 of each other, however close the raw figures", () => {
    const seen = new Set<number>();
    for (let d = 0; d < 1000; d++) seen.add(periodFigure(5_000, 20_000 + d));
    expect(seen.size).toBe(1000);
  });
});

describe("consumption series", () => {
  it("sums whole days through the day cache exactly as interval by interval", () => {
    const s = new ConsumptionSeries(3, "gas");
    for (const [from, to] of [
      [dayStart(T0, 3) + 5 * HH, T0],
      [weekStart(T0, 2), weekStart(T0, 1) + 7],
      [monthStart(T0, 1) - HH, monthStart(T0)],
      [at("2026-07-14T23:00:00Z"), at("2026-07-16T23:00:00Z")], // local days in BST
    ] as const) {
      let expected = 0;
      for (let i = Math.ceil(from / HH); (i + 1) * HH <= to; i++) expected += s.volume(i);
      expect(s.sum(from, to, "volume")).toBe(expected);
    }
  });

  it("counts only half-hours complete by the end time", () => {
    const s = new ConsumptionSeries(1, "electricity");
    const h = Math.floor(T0 / HH);
    expect(s.sum(h * HH, h * HH + HH - 1, "energy")).toBe(0);
    expect(s.sum(h * HH, h * HH + HH, "energy")).toBe(s.energy(h));
  });

  it("differs by seed and commodity, and is the same for the same inputs", () => {
    const i = Math.floor(T0 / HH) - 20;
    const a = new ConsumptionSeries(7, "electricity");
    expect(new ConsumptionSeries(7, "electricity").energy(i)).toBe(a.energy(i));
    const day = (s: ConsumptionSeries) => s.sum(dayStart(T0, 1), dayStart(T0), "energy");
    expect(day(a)).not.toBe(day(new ConsumptionSeries(7, "gas")));
    expect(day(a)).not.toBe(day(new ConsumptionSeries(8, "electricity")));
  });

  it("serves Wh: an electricity day of a few kWh, a gas day of tens of kWh", () => {
    const day = (s: ConsumptionSeries) => s.sum(dayStart(T0, 1), dayStart(T0), "energy");
    const e = day(new ConsumptionSeries(5, "electricity"));
    const g = day(new ConsumptionSeries(5, "gas"));
    expect(e).toBeGreaterThan(1_000);
    expect(e).toBeLessThan(40_000);
    expect(g).toBeGreaterThan(10_000);
    expect(g).toBeLessThan(200_000);
  });

  it("has a gas heating shape: the evening peak is well above the night", () => {
    const s = new ConsumptionSeries(4, "gas");
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

describe("seeded randomness", () => {
  it("mixes every input into the hash, including the high bits of large numbers", () => {
    expect(mix(1, 2)).not.toBe(mix(2, 1));
    expect(mix(T0)).not.toBe(mix(T0 + 2 ** 32));
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(mix(5, i));
    expect(seen.size).toBeGreaterThan(9_990);
  });
});

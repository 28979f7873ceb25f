import { describe, expect, it } from "vitest";
import {
  attribute,
  lostItems,
  previousOf,
  type Served,
  ServedIndex,
  seriesOf,
} from "../../src/cluster-cot/attribution.js";
import type { HeldValue, Holdings } from "../../src/evidence/events.js";

let seq = 0;
function served(p: Partial<Served> & Pick<Served, "item" | "value">): Served {
  seq++;
  return {
    kind: "served",
    seq,
    t: "2026-05-04T00:00:00.000Z",
    wall: "",
    device: "0xd",
    role: "esme",
    clusterId: 0x0702,
    ...p,
  };
}

const empty: Holdings = { consumption: [], messages: [], topUps: [], debts: [] };
const T = Date.parse("2026-05-04T12:00:01Z");
const probeMs = Date.parse("2026-05-05T12:00:00Z");
const day = (d: number) => ({
  period: `2026-05-0${d}T00:00:00.000Z`,
  periodEnd: `2026-05-0${d + 1}T00:00:00.000Z`,
});
const held = (item: string, value: unknown, p: Partial<HeldValue> = {}): HeldValue => ({
  role: "esme",
  clusterId: 0x0702,
  item,
  value,
  ...p,
});

describe("interval data, by its period against the meter's T", () => {
  it("is the previous occupier's when the period ends by T, the new one's when it starts at or after T, else straddling", () => {
    const s = [
      served({ item: "previousDayConsumptionDelivered", value: 3123, ...day(3) }),
      served({ item: "currentDayConsumptionDelivered", value: 1124, ...day(4) }),
      served({ item: "getProfileResponse.intervals[0]", value: 200, period: "2026-05-04T12:30:00.000Z" }),
    ];
    const a = attribute(
      {
        ...empty,
        consumption: [
          held("previousDayConsumptionDelivered", 3123, day(3)),
          held("currentDayConsumptionDelivered", 1124, day(4)),
          held("getProfileResponse.intervals[0]", 200, { period: "2026-05-04T12:30:00.000Z" }),
        ],
      },
      s,
      { probeMs, ts: { esme: T } },
    );
    expect(a.consumption.map((i) => [i.side, i.served])).toEqual([
      ["previous", [s[0]!.seq]],
      ["straddling", [s[1]!.seq]],
      ["new", [s[2]!.seq]],
    ]);
    // the half-hour's end was not served: it comes from the item's series
    expect(a.consumption[2]!.period).toEqual({
      start: Date.parse("2026-05-04T12:30:00Z"),
      end: Date.parse("2026-05-04T13:00:00Z"),
    });
  });

  it("judges a figure the device derived itself by the period it reports, though it matches nothing served", () => {
    const a = attribute(
      {
        ...empty,
        consumption: [
          held("weekTotal", 12.4, { period: "2026-04-27T00:00:00.000Z", periodEnd: "2026-05-04T00:00:00.000Z" }),
        ],
      },
      [],
      {
        probeMs,
        ts: { esme: T },
      },
    );
    expect(a.consumption[0]).toMatchObject({ side: "previous", served: [] });
  });

  it("traces a value held without its period to the one period the meter served it for", () => {
    const s = [
      served({ item: "previousDayConsumptionDelivered", value: 3123, ...day(3) }),
      served({ item: "previousDay2ConsumptionDelivered", value: 2122, ...day(2) }),
      served({
        item: "currentWeekConsumptionDelivered",
        value: 3123,
        period: "2026-05-04T00:00:00.000Z",
        periodEnd: "2026-05-11T00:00:00.000Z",
      }),
    ];
    const a = attribute(
      {
        ...empty,
        consumption: [held("previousDay2ConsumptionDelivered", 3123), held("previousDayConsumptionDelivered", 999)],
      },
      s,
      { probeMs, ts: { esme: T } },
    );
    // 3123 is the day series' figure of 3 May (the week series' equal figure is another series)
    expect(a.consumption[0]).toMatchObject({ side: "previous", period: { start: Date.parse("2026-05-03T00:00:00Z") } });
    expect(a.consumption[1]).toMatchObject({ side: "untraced" });
  });

  it("uses each meter's own T, and judges nothing of a meter without one", () => {
    const gasT = Date.parse("2026-05-02T12:00:00Z");
    const items = [
      held("previousDayConsumptionDelivered", 1, day(3)),
      held("previousDayConsumptionDelivered", 1, { ...day(3), role: "gpf" }),
    ];
    const a = attribute({ ...empty, consumption: items }, [], { probeMs, ts: { esme: T, gpf: gasT } });
    expect(a.consumption.map((i) => i.side)).toEqual(["previous", "new"]);
    const b = attribute({ ...empty, consumption: items }, [], { probeMs, ts: { esme: T } });
    expect(b.consumption.map((i) => i.side)).toEqual(["previous", "unjudged"]);
  });

  it("never counts what was served after the probe", () => {
    const s = [served({ item: "x", value: 5, ...day(3) })];
    const a = attribute({ ...empty, consumption: [held("x", 5)] }, s, {
      probeMs,
      ts: { esme: T },
      beforeSeq: s[0]!.seq,
    });
    expect(a.consumption[0]!.side).toBe("untraced");
  });
});

describe("supplier messages", () => {
  const publish = (id: number, t: string, device = "*") => [
    served({ clusterId: 0x0703, item: "displayMessage.messageId", value: id, t, device }),
    served({ clusterId: 0x0703, item: "displayMessage.message", value: `Supplier message ${id}`, t, device }),
  ];
  const s = [
    ...publish(1, "2026-05-04T10:00:00.000Z"),
    ...publish(2, "2026-05-04T14:00:00.000Z"),
    ...publish(1, "2026-05-04T18:00:00.000Z", "0xd"), // message 1 fetched again after T
    ...publish(3, "2026-05-03T10:00:00.000Z"),
  ];
  it("sorts them by publication against T and tells held across T from fetched again", () => {
    const a = attribute(
      {
        ...empty,
        messages: [
          { messageId: 1, text: "Supplier message 1", receivedAt: "2026-05-04T10:00:00.000Z" },
          { messageId: 1, text: "Supplier message 1", receivedAt: "2026-05-04T18:00:00.000Z" },
          { messageId: 1, text: "Supplier message 1" },
          { messageId: 3, text: "Supplier message 3" },
          { messageId: 2, text: "Supplier message 2" },
          { messageId: 9, text: "never served" },
        ],
      },
      s,
      { probeMs, ts: { esme: T } },
    );
    expect(a.messages.map((i) => [i.side, i.heldAcross])).toEqual([
      ["previous", true],
      ["previous", false], // fetched again after T: COT-18's
      ["previous", undefined], // kept or fetched again: the probe does not say
      ["previous", true], // never served again after T: it was kept
      ["new", undefined],
      ["untraced", undefined],
    ]);
    expect(previousOf(a, "messages").map((i) => i.heldAcross)).toEqual([true, undefined, true]);
  });
});

describe("device aggregates and meter state", () => {
  it("counts an aggregate started before T as the previous occupier's only after the first boundary of its granularity", () => {
    const agg = (start: string, granularity: "day" | "week") => ({
      role: "esme" as const,
      item: "total",
      start,
      granularity,
    });
    const holdings: Holdings = {
      ...empty,
      aggregates: [
        agg("2026-04-01T00:00:00.000Z", "day"),
        agg("2026-04-01T00:00:00.000Z", "week"),
        agg("2026-05-04T12:00:01.000Z", "day"),
      ],
      state: [held("currentSummationDelivered", 123456)],
    };
    const a = attribute(holdings, [], { probeMs, ts: { esme: T } }); // probe: Tuesday 12:00, the day after T
    expect(a.aggregates.map((i) => i.side)).toEqual(["previous", "pending", "new"]);
    expect(a.state.map((i) => i.side)).toEqual(["unjudged"]);
    const earlier = attribute(holdings, [], { probeMs: Date.parse("2026-05-04T22:59:59Z"), ts: { esme: T } }); // BST: the day ends 23:00Z
    expect(earlier.aggregates.map((i) => i.side)).toEqual(["pending", "pending", "new"]);
  });
});

describe("top-ups and debts", () => {
  it("are sorted by their time, and a record held whole traces field by field", () => {
    const s = [
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpCode", value: "UTRN-1" }),
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpAmount", value: 500 }),
    ];
    const topUp = (code: string, time: string) =>
      held("topUp", { code, amount: 500 }, { clusterId: 0x0705, period: time });
    const a = attribute(
      { ...empty, topUps: [topUp("UTRN-1", "2026-05-01T09:00:00.000Z"), topUp("UTRN-2", "2026-05-05T09:00:00.000Z")] },
      s,
      { probeMs, ts: { esme: T } },
    );
    expect(a.topUps.map((i) => [i.side, i.served])).toEqual([
      ["previous", [s[0]!.seq, s[1]!.seq]],
      ["new", [s[1]!.seq]],
    ]);
  });
});

describe("what was served before the probe", () => {
  // the same figures served again and again, to both meters, some with periods, records field by field, messages
  const s: Served[] = [];
  for (let round = 0; round < 4; round++) {
    s.push(
      served({ item: "previousDayConsumptionDelivered", value: 3123 + (round % 2), ...day(3) }),
      served({ item: "previousDayConsumptionDelivered", value: 3123, role: "gpf", clusterId: 0x0702, ...day(3) }),
      served({ item: "currentDayConsumptionDelivered", value: 1124, ...day(4) }),
      served({ item: "currentSummationDelivered", value: 99_000 + round }),
      served({ item: "currentSummationDelivered", value: 99_000, role: "gpf" }),
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpCode", value: `UTRN-${round % 2}` }),
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpAmount", value: 500 }),
      served({ clusterId: 0x0703, item: "displayMessage", value: { messageId: 7 + (round % 2), message: "hello" } }),
    );
  }
  const holdings: Holdings = {
    consumption: [
      held("previousDayConsumptionDelivered", 3123, day(3)),
      // another spelling of the same period start
      held("previousDayConsumptionDelivered", "3124", { period: "2026-05-03T00:00:00Z" }),
      held("previousDay2ConsumptionDelivered", 3123),
      held("currentDayConsumptionDelivered", 1124, { period: day(4).period }),
    ],
    messages: [
      { messageId: 7, text: "hello" },
      { messageId: 8, text: "bye" },
    ],
    topUps: [held("topUp", { code: "UTRN-1", amount: 500 }, { clusterId: 0x0705, period: "2026-05-01T09:00:00Z" })],
    debts: [
      held("debt", "UTRN-0", { clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpCode" }),
      // a field twice, and a field nested
      held("debt", { code: "UTRN-0", amounts: [500, { again: 500 }] }, { clusterId: 0x0705 }),
    ],
    state: [held("currentSummationDelivered", 99_000), held("currentSummationDelivered", 99_000, { role: "gpf" })],
  };
  const ts = { esme: T, gpf: T };

  it("is what an index of only the events before it finds, at every probe position", () => {
    // in seq order, as a DUT's served events are, and in another order
    for (const list of [s, [...s].reverse()]) {
      const index = new ServedIndex(list);
      for (let beforeSeq = s[0]!.seq - 1; beforeSeq <= s.at(-1)!.seq + 1; beforeSeq++) {
        const earlier = list.filter((x) => x.seq < beforeSeq);
        expect(attribute(holdings, index, { probeMs, ts, beforeSeq })).toEqual(
          attribute(holdings, earlier, { probeMs, ts }),
        );
      }
    }
  });

  it("traces a value to the figures of its own meter only, when both name one", () => {
    const a = attribute(holdings, s, { probeMs, ts });
    const of = (seqs: number[]) => seqs.map((q) => s.find((x) => x.seq === q)!.role);
    expect(of(a.consumption[0]!.served)).toEqual(["esme", "esme"]);
    expect(of(a.state[0]!.served)).toEqual(["esme"]);
    expect(of(a.state[1]!.served)).toEqual(["gpf", "gpf", "gpf", "gpf"]);
  });

  it("traces a record to every served value of its cluster equal to one of its fields, each once, in seq order", () => {
    const a = attribute(holdings, s, { probeMs, ts });
    const equalTo = (...values: unknown[]) =>
      s.filter((x) => x.clusterId === 0x0705 && values.includes(x.value)).map((x) => x.seq);
    expect(a.topUps[0]!.served).toEqual(equalTo("UTRN-1", 500));
    expect(a.debts[1]!.served).toEqual(equalTo("UTRN-0", 500));
    expect(a.debts[1]!.served.length).toBeGreaterThan(0);
  });
});

describe("identity across probes", () => {
  it("counts an item as lost only when no later probe holds its period or message id", () => {
    const v = (item: string, value: number, d: number) => held(item, value, day(d));
    const before = attribute({ ...empty, consumption: [v("currentDayConsumptionDelivered", 100, 5)] }, [], {
      probeMs,
      ts: { esme: T },
    });
    // the running day became the previous day: same period, new item name and value, not lost
    const kept = attribute({ ...empty, consumption: [v("previousDayConsumptionDelivered", 150, 5)] }, [], {
      probeMs,
      ts: { esme: T },
    });
    const dropped = attribute({ ...empty, consumption: [v("currentDayConsumptionDelivered", 30, 6)] }, [], {
      probeMs,
      ts: { esme: T },
    });
    expect(lostItems(before, kept, "consumption", "new")).toEqual([]);
    expect(lostItems(before, dropped, "consumption", "new").map((i) => i.held)).toEqual([
      v("currentDayConsumptionDelivered", 100, 5),
    ]);
  });

  it("keeps a value's series when its running period becomes a past one, and tells series apart", () => {
    expect(seriesOf("currentDayConsumpDelivered")).toBe(seriesOf("previousDay3ConsumptionDelivered"));
    expect(seriesOf("currentDayCostConsumptionDelivered")).toBe(seriesOf("previousDayCostConsumptionDelivered"));
    expect(seriesOf("currentDayConsumpDelivered")).not.toBe(seriesOf("currentMonthConsumptionDelivered"));
    expect(seriesOf("currentDayConsumpDelivered")).not.toBe(seriesOf("currentDayAlternativeConsumptionDelivered"));
    expect(seriesOf("getProfileResponse.intervals[3]")).toBe("getProfileResponse.intervals[]");
    // a running month that starts on the same day does not stand in for the day that was dropped
    const dec1 = { period: "2026-12-01T00:00:00.000Z" };
    const ts = { esme: Date.parse("2026-11-20T00:00:00Z") };
    const before = attribute({ ...empty, consumption: [held("currentDayConsumpDelivered", 15002, dec1)] }, [], {
      probeMs,
      ts,
    });
    const after = attribute({ ...empty, consumption: [held("currentMonthConsumptionDelivered", 50902, dec1)] }, [], {
      probeMs,
      ts,
    });
    expect(lostItems(before, after, "consumption", "new")).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { attribute, heldOf, lostItems, type Served, seriesOf } from "../../src/cluster-cot/attribution.js";
import type { Holdings } from "../../src/evidence/events.js";

let seq = 0;
function served(p: Partial<Served> & Pick<Served, "item" | "value" | "tenancy">): Served {
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
const day = "2026-05-03T00:00:00.000Z";

describe("attributing held data to a tenancy", () => {
  it("matches item, period and value; numbers and numeric strings are the same value", () => {
    const s = [served({ item: "previousDayConsumptionDelivered", value: "1234501", period: day, tenancy: 1 })];
    const held = {
      role: "esme" as const,
      clusterId: 0x0702,
      item: "previousDayConsumptionDelivered",
      value: 1234501,
      period: day,
    };
    const a = attribute({ ...empty, consumption: [held] }, s);
    expect(a.consumption[0]).toMatchObject({ tenancy: 1, tenancies: [1], served: [s[0]!.seq] });
  });

  it("never guesses: another period, another value or a value served for two tenancies attributes nothing", () => {
    const s = [
      served({ item: "x", value: 5, period: day, tenancy: 1 }),
      served({ item: "x", value: 5, period: day, tenancy: 2 }),
      served({ item: "y", value: 7, period: day, tenancy: 1 }),
    ];
    const v = (item: string, value: number, period: string) => ({
      role: "esme" as const,
      clusterId: 0x0702,
      item,
      value,
      period,
    });
    const a = attribute(
      { ...empty, consumption: [v("x", 5, day), v("y", 7, "2026-05-02T00:00:00.000Z"), v("y", 8, day)] },
      s,
    );
    expect(a.consumption.map((i) => [i.tenancy, i.tenancies])).toEqual([
      [undefined, [1, 2]],
      [undefined, []],
      [undefined, []],
    ]);
  });

  it("finds messages by id or by text, whether served whole or field by field", () => {
    const s = [
      served({ clusterId: 0x0703, item: "displayMessage.messageId", value: 1001, tenancy: 1 }),
      served({ clusterId: 0x0703, item: "displayMessage.message", value: "T1-MSG-1001 previous occupier", tenancy: 1 }),
      served({
        clusterId: 0x0703,
        item: "displayMessage",
        value: { messageId: 2002, message: "T2-MSG-2002" },
        tenancy: 2,
      }),
    ];
    const a = attribute(
      {
        ...empty,
        messages: [
          { messageId: 1001, text: "garbled" },
          { messageId: 9, text: "T1-MSG-1001 previous occupier" },
          { messageId: 2002, text: "T2-MSG-2002" },
          { messageId: 3003, text: "never served" },
        ],
      },
      s,
    );
    expect(a.messages.map((i) => i.tenancy)).toEqual([1, 1, 2, undefined]);
  });

  it("attributes a record held whole (a top-up) to the tenancy its fields were served for", () => {
    const s = [
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpCode", value: "T1-TOPUP", tenancy: 1 }),
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpAmount", value: 500, tenancy: 1 }),
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpAmount", value: 500, tenancy: 2 }),
      served({ clusterId: 0x0705, item: "publishTopUpLog.topUps[0].topUpCode", value: "T2-TOPUP", tenancy: 2 }),
    ];
    const topUp = (code: string) => ({
      role: "esme" as const,
      clusterId: 0x0705,
      item: "topUp",
      value: { code, amount: 500 },
    });
    const a = attribute({ ...empty, topUps: [topUp("T1-TOPUP"), topUp("T2-TOPUP"), topUp("T9")] }, s);
    // the shared amount alone says 1 or 2; the code settles it; an unknown code leaves only the ambiguous amount
    expect(a.topUps.map((i) => i.tenancy)).toEqual([1, 2, undefined]);
    expect(heldOf(a, "topUps", 1)).toHaveLength(1);
  });

  it("counts an item as lost only when no later probe holds its period or message id", () => {
    const s = [
      served({ item: "currentDayConsumptionDelivered", value: 100, period: day, tenancy: 2 }),
      served({ item: "previousDayConsumptionDelivered", value: 150, period: day, tenancy: 2 }),
      served({ item: "currentDayConsumptionDelivered", value: 30, period: "2026-05-04T00:00:00.000Z", tenancy: 2 }),
    ];
    const v = (item: string, value: number, period: string) => ({
      role: "esme" as const,
      clusterId: 0x0702,
      item,
      value,
      period,
    });
    const before = attribute({ ...empty, consumption: [v("currentDayConsumptionDelivered", 100, day)] }, s);
    // the running day became the previous day: same period, new item name and value, not lost
    const kept = attribute({ ...empty, consumption: [v("previousDayConsumptionDelivered", 150, day)] }, s);
    const dropped = attribute(
      { ...empty, consumption: [v("currentDayConsumptionDelivered", 30, "2026-05-04T00:00:00.000Z")] },
      s,
    );
    expect(lostItems(before, kept, "consumption", 2)).toEqual([]);
    expect(lostItems(before, dropped, "consumption", 2).map((i) => i.held)).toEqual([
      v("currentDayConsumptionDelivered", 100, day),
    ]);
  });

  it("keeps a value's series when its running period becomes a past one, and tells series apart", () => {
    expect(seriesOf("currentDayConsumpDelivered")).toBe(seriesOf("previousDay3ConsumptionDelivered"));
    expect(seriesOf("currentDayCostConsumptionDelivered")).toBe(seriesOf("previousDayCostConsumptionDelivered"));
    expect(seriesOf("currentDayConsumpDelivered")).not.toBe(seriesOf("currentMonthConsumptionDelivered"));
    expect(seriesOf("currentDayConsumpDelivered")).not.toBe(seriesOf("currentDayAlternativeConsumptionDelivered"));
    expect(seriesOf("getProfileResponse.intervals[3]")).toBe("getProfileResponse.intervals[]");
    // a running month that starts on the same day does not stand in for the day that was dropped
    const dec1 = "2026-12-01T00:00:00.000Z";
    const s = [
      served({ item: "currentDayConsumpDelivered", value: 15002, period: dec1, tenancy: 2 }),
      served({ item: "currentMonthConsumptionDelivered", value: 50902, period: dec1, tenancy: 2 }),
    ];
    const v = (item: string, value: number) => ({
      role: "esme" as const,
      clusterId: 0x0702,
      item,
      value,
      period: dec1,
    });
    const before = attribute({ ...empty, consumption: [v("currentDayConsumpDelivered", 15002)] }, s);
    const after = attribute({ ...empty, consumption: [v("currentMonthConsumptionDelivered", 50902)] }, s);
    expect(lostItems(before, after, "consumption", 2)).toHaveLength(1);
  });
});

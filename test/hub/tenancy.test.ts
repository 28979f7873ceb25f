import { describe, expect, it } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { TenancySchedule } from "../../src/hub/tenancy.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const cot = { providerId: 7, issuerEventId: 100, tariffType: 0, control: 0x600 };

describe("TenancySchedule", () => {
  it("is tenancy 1 before any CoT", () => {
    const s = new TenancySchedule(new SteppedClock(T0));
    expect(s.current()).toBe(1);
    expect(s.tenancyAt(0)).toBe(1);
    expect(s.latest()).toBeUndefined();
  });

  it("records a future CoT now and switches tenancy only at its implementation time", async () => {
    const clock = new SteppedClock(T0);
    const s = new TenancySchedule(clock);
    const rec = s.record({ ...cot, implementationTime: T0 + 3_600_000 });
    expect(rec).toMatchObject({ tenancy: 2, recordedAt: T0 });
    expect(s.latest()).toBe(rec);
    expect(s.current()).toBe(1);
    await clock.advanceTo(T0 + 3_599_999);
    expect(s.current()).toBe(1);
    await clock.advanceTo(T0 + 3_600_000);
    expect(s.current()).toBe(2);
    expect(s.inForceAt(T0 + 3_600_000)).toBe(rec);
    expect(s.inForceAt(T0)).toBeUndefined();
  });

  it("lets a later CoT with an earlier time supersede a pending one", () => {
    const s = new TenancySchedule(new SteppedClock(T0));
    s.record({ ...cot, implementationTime: T0 + 10_000 });
    s.record({ ...cot, issuerEventId: 101, implementationTime: T0 + 5_000 });
    expect(s.tenancyAt(T0 + 4_999)).toBe(1);
    expect(s.tenancyAt(T0 + 5_000)).toBe(3);
    expect(s.tenancyAt(T0 + 20_000)).toBe(3);
  });

  it("refuses out-of-order tenancies and out-of-range fields", () => {
    const s = new TenancySchedule(new SteppedClock(T0));
    expect(() => s.record({ ...cot, tenancy: 3, implementationTime: T0 })).toThrow(/out of order.*tenancy 2/);
    expect(() => s.record({ ...cot, control: -1, implementationTime: T0 })).toThrow(/control/);
    expect(() => s.record({ ...cot, tariffType: 256, implementationTime: T0 })).toThrow(/tariffType/);
    expect(() => s.record({ ...cot, implementationTime: Number.NaN })).toThrow(/implementationTime/);
    expect(s.records).toHaveLength(0);
    expect(s.record({ ...cot, tenancy: 2, implementationTime: T0 }).tenancy).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { CotSchedule } from "../../src/hub/cots.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const cot = { providerId: 7, issuerEventId: 100, tariffType: 0, control: 0x600 };

describe("CotSchedule", () => {
  it("keeps each meter's CoTs apart: the latest of one meter is not the other's", async () => {
    const clock = new SteppedClock(T0);
    const s = new CotSchedule(clock);
    expect(s.latest("gpf")).toBeUndefined();
    const esme = s.record({ ...cot, meter: "esme", implementationTime: T0 - 86_400_000 });
    await clock.advanceTo(T0 + 60_000);
    const gpf = s.record({ ...cot, meter: "gpf", implementationTime: T0 + 3_600_000 });
    expect(esme.recordedAt).toBe(T0);
    expect(gpf.recordedAt).toBe(T0 + 60_000);
    expect(s.latest("esme")).toBe(esme);
    expect(s.latest("gpf")).toBe(gpf);
    expect(s.records("gpf")).toEqual([gpf]);
    expect(s.records()).toEqual([esme, gpf]);
  });

  it("after a reset a meter shows no CoT until the next one, which may be dated earlier; the other meter keeps its own", () => {
    const s = new CotSchedule(new SteppedClock(T0));
    const gpf = s.record({ ...cot, meter: "gpf", implementationTime: T0 });
    const esme = s.record({ ...cot, meter: "esme", implementationTime: T0 });
    s.reset("gpf");
    expect(s.latest("gpf")).toBeUndefined();
    expect(s.latest("esme")).toBe(esme);
    const older = s.record({ ...cot, meter: "gpf", implementationTime: T0 - 30 * 86_400_000 });
    expect(s.latest("gpf")).toBe(older);
    expect(s.records("gpf")).toEqual([gpf, older]);
    expect(() => s.reset("gsme" as never)).toThrow(/meter/);
  });

  it("refuses fields that do not fit their types, and an unknown meter", () => {
    const s = new CotSchedule(new SteppedClock(T0));
    const base = { ...cot, meter: "gpf" as const, implementationTime: T0 };
    expect(() => s.record({ ...base, control: -1 })).toThrow(/control/);
    expect(() => s.record({ ...base, tariffType: 256 })).toThrow(/tariffType/);
    expect(() => s.record({ ...base, implementationTime: Number.NaN })).toThrow(/implementationTime/);
    expect(() => s.record({ ...base, meter: "gsme" as never })).toThrow(/meter/);
    expect(s.records()).toHaveLength(0);
  });
});

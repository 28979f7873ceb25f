import { describe, expect, it } from "vitest";
import { msToZclUtc, SteppedClock } from "../../src/hub/clock.js";
import { type CotRecord, CotRefusedError, DEFAULT_CONTROL, Tenancy } from "../../src/cluster-cot/tenancy.js";
import { Hub } from "../../src/hub/hub.js";
import { EvidenceLog } from "../../src/evidence/log.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");

function setup() {
  const clock = new SteppedClock(T0);
  const tenancy = new Tenancy({ clock, providers: { gpf: 0x1234, esme: 0x5678 } });
  const hub = {
    seen: [] as CotRecord[],
    recordCot(r: CotRecord) {
      this.seen.push(r);
    },
  };
  return { clock, tenancy, hub };
}

describe("tenancy state machine", () => {
  it("builds a CoT on a meter effective now with control 0x600, its supplier and a UTC issuer id, not pushed", async () => {
    const { tenancy, hub } = setup();
    const r = await tenancy.record(hub, { meter: "esme" });
    expect(r).toEqual({
      meter: "esme",
      providerId: 0x5678,
      issuerEventId: msToZclUtc(T0),
      tariffType: 0,
      implementationTime: T0,
      control: DEFAULT_CONTROL,
      recordedAt: T0,
      push: false,
    });
    expect(msToZclUtc(T0)).toBe(825_638_400); // 2026-03-01T00:00Z in seconds since 2000
    expect(DEFAULT_CONTROL).toBe(0x600);
    expect(hub.seen).toEqual([r]);
  });

  it("keeps issuer ids strictly increasing per meter, even within a second, and honours a push request", async () => {
    const { tenancy, hub, clock } = setup();
    const a = await tenancy.record(hub, { meter: "gpf" });
    const b = await tenancy.record(hub, { meter: "gpf", control: 0x200, push: true });
    expect([b.issuerEventId, b.control, b.push]).toEqual([a.issuerEventId + 1, 0x200, true]);
    // the other meter has its own sequence
    expect((await tenancy.record(hub, { meter: "esme" })).issuerEventId).toBe(msToZclUtc(T0));
    await clock.advance(10_000);
    expect((await tenancy.record(hub, { meter: "gpf" })).issuerEventId).toBe(msToZclUtc(T0 + 10_000));
  });

  it("after a reset (a meter replaced) takes an earlier implementation time, with issuer ids still increasing", async () => {
    const { tenancy, hub, clock } = setup();
    const first = await tenancy.record(hub, { meter: "gpf" });
    await expect(tenancy.record(hub, { meter: "gpf", implementationTime: T0 - 86_400_000 })).rejects.toThrow(
      CotRefusedError,
    );
    const reset: string[] = [];
    tenancy.reset({ resetCot: (m) => reset.push(m) }, "gpf");
    expect([reset, tenancy.latest("gpf"), tenancy.records("gpf")]).toEqual([["gpf"], undefined, [first]]);
    await clock.advance(1000);
    const older = await tenancy.record(hub, { meter: "gpf", implementationTime: T0 - 86_400_000 });
    expect(older.issuerEventId).toBeGreaterThan(first.issuerEventId);
    expect(tenancy.latest("gpf")).toBe(older);
    // the ESME was not reset: its own rule holds
    await tenancy.record(hub, { meter: "esme" });
    await expect(tenancy.record(hub, { meter: "esme", implementationTime: T0 - 1000 })).rejects.toThrow(
      /before the previous/,
    );
  });

  it("takes a correction of the date to an earlier T (a supplier's corrected CoT), with a new issuer id", async () => {
    const { clock, tenancy, hub } = setup();
    await tenancy.record(hub, { meter: "gpf" });
    await clock.advanceTo(T0 + 60_000);
    const earlier = T0 - 20 * 24 * 3_600_000;
    const r = await tenancy.record(hub, { meter: "gpf", implementationTime: earlier, correction: true });
    expect([r.implementationTime, r.recordedAt, r.issuerEventId]).toEqual([earlier, T0 + 60_000, msToZclUtc(T0) + 60]);
    expect(tenancy.latest("gpf")).toEqual(r);
    expect(hub.seen).toHaveLength(2);
  });

  it.each([
    ["a repeated issuer event id", { issuerEventId: 5 }, "stale-issuer-event-id"],
    ["an older issuer event id", { issuerEventId: 4 }, "stale-issuer-event-id"],
    ["another provider id than the meter's supplier", { providerId: 0x5678 }, "provider-changed"],
    ["another tariff type", { tariffType: 2 }, "tariff-changed"],
    ["reserved control bits", { control: 0x0001_0600 }, "invalid-field"],
    ["a control wider than 32 bits", { control: 2 ** 32 }, "invalid-field"],
    [
      "an implementation time before the previous one",
      { implementationTime: T0 - 1000 },
      "implementation-before-previous",
    ],
    ["an implementation time before the ZCL epoch", { implementationTime: 0 }, "invalid-field"],
    ["an unknown meter", { meter: "gsme" as never }, "invalid-field"],
  ])("refuses %s and leaves hub and state untouched", async (_what, req, code) => {
    const { tenancy, hub } = setup();
    await tenancy.record(hub, { meter: "gpf", issuerEventId: 5 });
    const err = await tenancy.record(hub, { meter: "gpf", ...req }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CotRefusedError);
    expect((err as CotRefusedError).code).toBe(code);
    expect(hub.seen).toHaveLength(1);
    expect(tenancy.records()).toHaveLength(1);
  });

  it("does not commit a CoT the hub failed to record", async () => {
    const { tenancy } = setup();
    const failing = { recordCot: () => Promise.reject(new Error("hub down")) };
    await expect(tenancy.record(failing, { meter: "gpf" })).rejects.toThrow("hub down");
    expect(tenancy.records()).toHaveLength(0);
    // nothing was committed: the same request builds the first CoT again
    expect(tenancy.build({ meter: "gpf" })).toMatchObject({ issuerEventId: msToZclUtc(T0) });
  });

  it("applies its records to the hub model, whose cot events name the meter and carry the same fields", async () => {
    const clock = new SteppedClock(T0);
    const evidence = new EvidenceLog({ now: () => clock.now() });
    const hub = new Hub({ clock, seed: 7, evidence, hubIeee: "0x00124b0000000001" });
    const tenancy = new Tenancy({ clock, providers: hub.providerId("gpf") });
    await tenancy.record(hub, { meter: "gpf" });
    const future = await tenancy.record(hub, {
      meter: "esme",
      implementationTime: T0 + 86_400_000,
      control: 0x200,
    });
    const cots = evidence.events.filter((e) => e.kind === "cot");
    expect(cots.map((e) => [e.meter, e.issuerEventId, e.control, e.pushed, e.providerId])).toEqual([
      ["gpf", msToZclUtc(T0), 0x600, false, hub.providerId("gpf")],
      ["esme", msToZclUtc(T0), 0x200, false, hub.providerId("esme")],
    ]);
    expect(cots[1]!.implementationTime).toBe(new Date(future.implementationTime).toISOString());
    expect(hub.cots.latest("esme")?.implementationTime).toBe(T0 + 86_400_000);
    expect(hub.cots.latest("gpf")?.implementationTime).toBe(T0);
  });
});

import { describe, expect, it } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { type CotRecord, CotRefusedError, DEFAULT_CONTROL, Tenancy } from "../../src/cluster-cot/tenancy.js";
import { Hub } from "../../src/hub/hub.js";
import { EvidenceLog } from "../../src/evidence/log.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");

function setup() {
  const clock = new SteppedClock(T0);
  const tenancy = new Tenancy({ clock, providerId: 0x1234 });
  const hub = {
    seen: [] as CotRecord[],
    recordCot(r: CotRecord) {
      this.seen.push(r);
    },
  };
  return { clock, tenancy, hub };
}

describe("tenancy state machine", () => {
  it("builds a CoT effective now with control 0x600, not pushed, moving tenancy 1 to 2", async () => {
    const { tenancy, hub } = setup();
    const r = await tenancy.record(hub);
    expect(r).toEqual({
      tenancy: 2,
      providerId: 0x1234,
      issuerEventId: 1,
      tariffType: 0,
      implementationTime: T0,
      control: DEFAULT_CONTROL,
      recordedAt: T0,
      push: false,
    });
    expect(DEFAULT_CONTROL).toBe(0x600);
    expect(hub.seen).toEqual([r]);
  });

  it("increments the issuer event id and the tenancy, and honours a push request", async () => {
    const { tenancy, hub, clock } = setup();
    await tenancy.record(hub);
    await clock.advance(1000);
    const r = await tenancy.record(hub, { control: 0x200, push: true });
    expect([r.tenancy, r.issuerEventId, r.control, r.push]).toEqual([3, 2, 0x200, true]);
  });

  it.each([
    ["a repeated issuer event id", { issuerEventId: 5 }, "stale-issuer-event-id"],
    ["an older issuer event id", { issuerEventId: 4 }, "stale-issuer-event-id"],
    ["another provider id", { providerId: 0x9999 }, "provider-changed"],
    ["another tariff type", { tariffType: 2 }, "tariff-changed"],
    ["reserved control bits", { control: 0x0001_0600 }, "invalid-field"],
    ["a control wider than 32 bits", { control: 2 ** 32 }, "invalid-field"],
    [
      "an implementation time before the previous one",
      { implementationTime: T0 - 1000 },
      "implementation-before-previous",
    ],
    ["an implementation time before the ZCL epoch", { implementationTime: 0 }, "invalid-field"],
  ])("refuses %s and leaves hub and state untouched", async (_what, req, code) => {
    const { tenancy, hub } = setup();
    await tenancy.record(hub, { issuerEventId: 5 });
    const err = await tenancy.record(hub, req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CotRefusedError);
    expect((err as CotRefusedError).code).toBe(code);
    expect(hub.seen).toHaveLength(1);
    expect(tenancy.records).toHaveLength(1);
  });

  it("does not commit a CoT the hub failed to record", async () => {
    const { tenancy } = setup();
    const failing = { recordCot: () => Promise.reject(new Error("hub down")) };
    await expect(tenancy.record(failing)).rejects.toThrow("hub down");
    expect(tenancy.records).toHaveLength(0);
    // nothing was committed: the same request builds the first CoT again
    expect(tenancy.build()).toMatchObject({ tenancy: 2, issuerEventId: 1 });
  });

  it("applies its records to the hub model, whose cot events carry the same tenancy and fields", async () => {
    const clock = new SteppedClock(T0);
    const evidence = new EvidenceLog({ now: () => clock.now() });
    const hub = new Hub({ clock, seed: 7, evidence, hubIeee: "0x00124b0000000001" });
    const tenancy = new Tenancy({ clock, providerId: 0x1234 });
    await tenancy.record(hub);
    const future = await tenancy.record(hub, { implementationTime: T0 + 86_400_000, control: 0x200 });
    const cots = evidence.events.filter((e) => e.kind === "cot");
    expect(cots.map((e) => [e.tenancy, e.issuerEventId, e.control, e.pushed])).toEqual([
      [2, 1, 0x600, false],
      [3, 2, 0x200, false],
    ]);
    expect(cots[1]!.implementationTime).toBe(new Date(future.implementationTime).toISOString());
    expect(hub.tenancyAt(T0)).toBe(2);
    expect(hub.tenancyAt(T0 + 86_400_000)).toBe(3);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { ClusterId } from "../../../src/zcl/index.js";
import { GPF_EP, HOUR, MIN, TestHan } from "./han-fixture.js";
import { messageIds, pastConsumption, periodsBefore, periodsFrom } from "./helpers.js";

let han: TestHan;
afterEach(() => han?.close());

describe("compliant IHD", () => {
  it("discovers the GPF and the ESME and tells them apart by MeteringDeviceType", async () => {
    han = new TestHan();
    await han.start();
    const ihd = await han.add({ kind: "ihd", profile: "compliant" });
    const roles = ihd.client.servers
      .map((s) => `${s.role}@${s.nwk === 0 ? "coordinator" : "esme-node"}/${s.ep}`)
      .sort();
    expect(roles).toEqual([`esme@esme-node/${han.esme.seEndpoint}`, `gpf@coordinator/${GPF_EP}`]);
    // it never talked to endpoint 1
    expect(han.hub.requestsOf(ihd.ieee).every((r) => r.hubEp !== 1)).toBe(true);
  });

  it("holds history and the message before a CoT, and nothing of before T after it", async () => {
    han = new TestHan();
    await han.start();
    const ihd = await han.add({ kind: "ihd", profile: "compliant" });
    const before = ihd.holdings();
    expect(pastConsumption(before).length).toBeGreaterThan(20);
    expect(before.messages.map((m) => m.text)).toEqual(["Supplier message 1"]);
    // every value has its period
    expect(before.consumption.every((v) => typeof v.period === "string" && !Number.isNaN(Date.parse(v.period!)))).toBe(
      true,
    );

    await han.clock.advance(2 * HOUR);
    const t = han.clock.now();
    han.hub.performCot({ control: 0x600 });
    const m2 = han.hub.publishMessage();
    await han.clock.advance(30 * MIN);

    const after = ihd.holdings();
    expect(periodsBefore(after, t)).toEqual([]);
    expect(messageIds(after)).toEqual(new Set([m2.messageId]));
    // it asked both servers for the tenancy attributes
    for (const role of ["gpf", "esme"] as const) {
      const dm = han.hub.requestsOf(ihd.ieee, { role, clusterId: ClusterId.deviceManagement });
      expect(dm.some((r) => r.attrs?.includes(0x0200))).toBe(true);
    }
    expect(ihd.client.clears.map((c) => c.meters)).toEqual([["esme"], ["gpf"]]);
  });

  it("refills the new occupier's half-hours within two polls of acting on a CoT, not at the next midnight", async () => {
    han = new TestHan();
    await han.start();
    // 08:00 on the fixture's Monday: the next daily refresh of its history is 16 h away
    const ihd = await han.add({ kind: "ihd", profile: "compliant", pollIntervalMs: 30 * MIN });
    // T a second after a poll, as a run records it (on the next whole second): the poll that acts on it comes
    // before any half-hour from T is complete
    await han.clock.advance(HOUR + 1000);
    const t = han.clock.now();
    han.hub.performCot({ control: 0x600 });
    await han.clock.advance(2 * 30 * MIN + 5 * MIN);
    const held = periodsFrom(ihd.holdings(), t).filter(
      (v) => v.periodEnd && Date.parse(v.periodEnd) <= han.clock.now(),
    );
    expect(held.length, "a complete period of the new occupier").toBeGreaterThan(0);
    expect(periodsBefore(ihd.holdings(), t)).toEqual([]);
  });
});

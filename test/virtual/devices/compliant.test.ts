import { afterEach, describe, expect, it } from "vitest";
import { ClusterId } from "../../../src/zcl/index.js";
import { GPF_EP, HOUR, MIN, TestHan } from "./han-fixture.js";
import { consumptionTenancies, messageTenancies, pastConsumption } from "./helpers.js";

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

  it("holds tenancy-1 history and message before a CoT, and none of tenancy 1 after it", async () => {
    han = new TestHan();
    await han.start();
    const ihd = await han.add({ kind: "ihd", profile: "compliant" });
    const before = ihd.holdings();
    expect(pastConsumption(before).length).toBeGreaterThan(20);
    expect(consumptionTenancies(before)).toEqual(new Set([1]));
    expect(before.messages.map((m) => m.text)).toContain(han.hub.messageText(1));
    // every value has its period
    expect(before.consumption.every((v) => typeof v.period === "string" && !Number.isNaN(Date.parse(v.period!)))).toBe(
      true,
    );

    await han.clock.advance(2 * HOUR);
    han.hub.performCot({ control: 0x600 });
    await han.clock.advance(30 * MIN);

    const after = ihd.holdings();
    expect(consumptionTenancies(after)).toEqual(new Set([2]));
    expect(messageTenancies(after)).toEqual(new Set([2]));
    expect(pastConsumption(after).length).toBeGreaterThan(20);
    // it asked both servers for the tenancy attributes
    for (const role of ["gpf", "esme"] as const) {
      const dm = han.hub.requestsOf(ihd.ieee, { role, clusterId: ClusterId.deviceManagement });
      expect(dm.some((r) => r.attrs?.includes(0x0200))).toBe(true);
    }
    expect(ihd.client.clears).toHaveLength(1);
  });
});

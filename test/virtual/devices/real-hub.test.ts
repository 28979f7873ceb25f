/**
 * The emulated devices against the real hub model: they parse what src/hub serves, and what they hold is
 * attributed to a tenancy by the hub's own tag (value % 100), exactly as the suite's checks do.
 */
import { afterEach, describe, expect, it } from "vitest";
import { tenancyOfValue } from "../../../src/hub/data/tag.js";
import type { Holdings } from "../../../src/evidence/events.js";
import type { EmulatedEsme } from "../../../src/virtual/devices/esme.js";
import type { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { ClusterId } from "../../../src/zcl/index.js";
import { HOUR } from "./han-fixture.js";
import { HubHan } from "./hub-han.js";

let han: HubHan;
afterEach(() => han?.close());

function tenancies(h: Holdings) {
  const held = (v: unknown) => {
    if (typeof v === "number") return v;
    const o = v as { amount?: number; amountCollected?: number };
    return o.amount ?? o.amountCollected ?? Number.NaN;
  };
  return {
    consumption: new Set(h.consumption.map((v) => tenancyOfValue(held(v.value)))),
    messages: new Set(h.messages.map((m) => tenancyOfValue(m.messageId))),
    prepayment: new Set([...h.topUps, ...h.debts].map((v) => tenancyOfValue(held(v.value)))),
  };
}

describe("emulated devices with the real hub model", () => {
  it("find the GPF on the coordinator and the ESME node, and clear as their profiles say", async () => {
    han = new HubHan();
    const esme = await han.add<EmulatedEsme>("esme");
    han.hub.publishMessage({ text: "previous occupier" });
    const compliant = await han.add<EmulatedSeDevice>("ihd:compliant");
    const keeps = await han.add<EmulatedSeDevice>("ihd:keeps-messages");
    const ppmid = await han.add<EmulatedSeDevice>("ppmid:compliant");

    expect(
      compliant.client.servers
        .map((s) => [s.role, s.nwk === 0 ? "hub" : s.nwk === esme.nwk ? "esme" : "?", s.ep])
        .sort(),
    ).toEqual([
      ["esme", "esme", han.hub.endpoints.esme],
      ["gpf", "hub", han.hub.endpoints.gpf],
    ]);
    await han.clock.advance(2 * HOUR);
    for (const d of [compliant, keeps, ppmid]) {
      const t = tenancies(d.holdings());
      expect(t.consumption, d.label).toEqual(new Set([1]));
      expect(t.messages, d.label).toEqual(new Set([1]));
      expect(d.holdings().consumption.length, d.label).toBeGreaterThan(20);
      expect(d.client.errors, d.label).toEqual([]);
    }
    expect(ppmid.holdings().topUps.length + ppmid.holdings().debts.length).toBeGreaterThan(0);

    han.hub.recordCot({
      providerId: 1,
      issuerEventId: 2,
      tariffType: 0,
      implementationTime: han.clock.now(),
      control: 0x600,
    });
    han.hub.publishMessage({ text: "welcome" });
    await han.clock.advance(HOUR);

    const c = tenancies(compliant.holdings());
    expect(c.consumption).toEqual(new Set([2]));
    expect(c.messages).toEqual(new Set([2]));
    const k = tenancies(keeps.holdings());
    expect(k.consumption).toEqual(new Set([2]));
    expect(k.messages).toEqual(new Set([1, 2]));
    const p = tenancies(ppmid.holdings());
    expect(p.consumption).toEqual(new Set([2]));
    expect([...p.prepayment].every((t) => t === 2)).toBe(true);

    // the hub saw the tenancy reads on both endpoints, as served evidence
    const dmReads = han.evidence.events.filter(
      (e) => e.kind === "served" && e.device === compliant.ieee && e.clusterId === ClusterId.deviceManagement,
    );
    expect(new Set(dmReads.map((e) => (e.kind === "served" ? e.role : "")))).toEqual(new Set(["gpf", "esme"]));
  });

  it("every value a device holds was served to it under the same role, item and period", async () => {
    han = new HubHan();
    await han.add<EmulatedEsme>("esme");
    const d = await han.add<EmulatedSeDevice>("ppmid:compliant");
    await han.clock.advance(26 * HOUR); // a day change: history fetched again, running periods finished
    const served = new Set(
      han.evidence.events.flatMap((e) =>
        e.kind === "served" && e.device === d.ieee ? [`${e.role} ${e.item} ${e.period} ${e.value}`] : [],
      ),
    );
    const held = d.holdings().consumption;
    expect(held.length).toBeGreaterThan(150);
    expect(held.filter((v) => !served.has(`${v.role} ${v.item} ${v.period} ${v.value}`))).toEqual([]);
  });

  it("receives the hub's DisplayMessage pushes from the ESME and the GPF", async () => {
    han = new HubHan();
    await han.add<EmulatedEsme>("esme");
    const ihd = await han.add<EmulatedSeDevice>("ihd:compliant");
    const msg = han.hub.publishMessage({ text: "pushed now" });
    await new Promise((r) => setTimeout(r, 20)); // network delivery, no hub time passes
    expect(ihd.holdings().messages).toContainEqual({ messageId: msg.messageId, text: msg.text });
  });

  it("a device not in the Device Log is refused", async () => {
    han = new HubHan();
    await expect(han.add("ihd:compliant", { inDeviceLog: false })).rejects.toThrow("not in the Device Log");
  });

  it("16 devices (a full Device Log: the ESME and 15 displays) all join, discover and poll", async () => {
    han = new HubHan();
    await han.add<EmulatedEsme>("esme");
    const profiles = [
      "compliant",
      "no-query",
      "gpf-only",
      "keeps-history",
      "keeps-messages",
      "early-clear",
      "repeat-clear",
      "offline-miss",
    ];
    const displays: EmulatedSeDevice[] = [];
    for (let i = 0; i < 15; i++) {
      displays.push(await han.add<EmulatedSeDevice>(`${i % 2 ? "ppmid" : "ihd"}:${profiles[i % profiles.length]}`));
    }
    expect(han.hub.deviceLog.size).toBe(16);
    expect(displays.every((d) => d.online && d.client.servers.length === 2)).toBe(true);
    await han.clock.advance(6 * HOUR);
    const now = han.clock.now();
    for (const d of displays) {
      expect(d.client.errors, d.label).toEqual([]);
      // every poll interval of the last six hours left its tenancy reads (profiles that query)
      const reads = d.client.observations.filter((o) => o.atMs > now - 6 * HOUR);
      expect(reads.length, d.label).toBe(12 * d.client.behaviour.queryRoles.length);
      expect(d.holdings().consumption.length, d.label).toBeGreaterThan(20);
    }
    // one more device does not fit in the Device Log
    expect(() =>
      han.hub.deviceLog.add({ eui64: "0x0102030405060708", installCode: Buffer.alloc(18), deviceType: 6 }),
    ).toThrow();
  });
});

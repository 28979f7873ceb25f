/**
 * The emulated devices against the real hub model: they parse what src/hub serves, and what they hold is
 * sorted against the CoT's T by its period and time, exactly as the suite's attribution does.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Holdings } from "../../../src/evidence/events.js";
import type { EmulatedEsme } from "../../../src/virtual/devices/esme.js";
import type { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { ClusterId } from "../../../src/zcl/index.js";
import { HOUR } from "./han-fixture.js";
import { HubHan } from "./hub-han.js";
import { messageIds, periodsBefore, periodsFrom } from "./helpers.js";

let han: HubHan;
afterEach(() => han?.close());

/** Top-ups and debt collections dated before `t`. */
function prepaymentBefore(h: Holdings, t: number) {
  return [...h.topUps, ...h.debts].filter((v) => Date.parse(v.period!) < t);
}

describe("emulated devices with the real hub model", () => {
  it("find the GPF on the coordinator and the ESME node, and clear as their profiles say", async () => {
    han = new HubHan();
    const esme = await han.add<EmulatedEsme>("esme");
    const m1 = han.hub.publishMessage({ text: "Your tariff changes soon" }).messageId;
    const compliant = await han.add<EmulatedSeDevice>("ihd:compliant");
    const keeps = await han.add<EmulatedSeDevice>("ihd:keeps-messages");
    const ppmid = await han.add<EmulatedSeDevice>("ppmid:compliant");

    expect(
      compliant.client.servers
        .map((s) => [s.role, s.nwk === 0 ? "hub" : s.nwk === esme.nwk ? "esme" : "?", s.ep])
        .sort(),
    ).toEqual([
      ["esme", "esme", han.hub.endpoints.esme],
      // the GPF's ESI (Device Management without Metering) and its gas mirror
      ["gpf", "hub", han.hub.endpointNumbers.esi],
      ["gpf", "hub", han.hub.endpointNumbers.mirror],
    ]);
    await han.clock.advance(2 * HOUR);
    for (const d of [compliant, keeps, ppmid]) {
      expect(messageIds(d.holdings()), d.label).toEqual(new Set([m1]));
      expect(d.holdings().consumption.length, d.label).toBeGreaterThan(20);
      expect(d.client.errors, d.label).toEqual([]);
    }
    expect(ppmid.holdings().topUps.length + ppmid.holdings().debts.length).toBeGreaterThan(0);

    const t = han.clock.now();
    for (const meter of ["gpf", "esme"] as const) {
      han.hub.recordCot({
        meter,
        providerId: 1,
        issuerEventId: 2,
        tariffType: 0,
        implementationTime: t,
        control: 0x600,
      });
    }
    const m2 = han.hub.publishMessage({ text: "welcome" }).messageId;
    await han.clock.advance(HOUR);

    const c = compliant.holdings();
    expect(periodsBefore(c, t)).toEqual([]);
    expect(periodsFrom(c, t).length).toBeGreaterThan(0);
    expect(messageIds(c)).toEqual(new Set([m2]));
    const k = keeps.holdings();
    expect(periodsBefore(k, t)).toEqual([]);
    expect(messageIds(k)).toEqual(new Set([m1, m2]));
    const p = ppmid.holdings();
    expect(periodsBefore(p, t)).toEqual([]);
    expect(prepaymentBefore(p, t)).toEqual([]);

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
    // and with the period's end the hub recorded
    const ends = new Map(
      han.evidence.events.flatMap((e) =>
        e.kind === "served" && e.device === d.ieee && e.period
          ? [[`${e.role} ${e.item} ${e.period}`, e.periodEnd]]
          : [],
      ),
    );
    expect(held.filter((v) => ends.get(`${v.role} ${v.item} ${v.period}`) !== v.periodEnd)).toEqual([]);
  });

  it("receives the hub's DisplayMessage pushes from the ESME and the GPF", async () => {
    han = new HubHan();
    await han.add<EmulatedEsme>("esme");
    const ihd = await han.add<EmulatedSeDevice>("ihd:compliant");
    const msg = han.hub.publishMessage({ text: "pushed now" });
    await new Promise((r) => setTimeout(r, 20)); // network delivery, no hub time passes
    expect(ihd.holdings().messages).toContainEqual(
      expect.objectContaining({ messageId: msg.messageId, text: msg.text }),
    );
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
    // the ESME, the GPF's ESI and its gas mirror
    expect(displays.every((d) => d.online && d.client.servers.length === 3)).toBe(true);
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

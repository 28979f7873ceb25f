import { describe, expect, it } from "vitest";
import { checkInstallCode } from "../../../src/hub/install-code.js";
import { createDevice } from "../../../src/virtual/registry.js";
import { SteppedClock } from "../../../src/hub/clock.js";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import "../../../src/virtual/devices/kinds.js";
import { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { PROFILES, behaviourOf, parseDeviceList, parseDeviceSpec } from "../../../src/virtual/devices/profiles.js";
import {
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  decodeDisplayMessage,
  decodePublishChangeOfTenancy,
  encodeDisplayMessage,
} from "../../../src/virtual/devices/se-payloads.js";
import { decodeFrame, decodeReadResponse, encodeReadResponse } from "../../../src/virtual/devices/zcl-bytes.js";
import {
  decodeMatchDescRequest,
  decodeSimpleDescResponse,
  encodeMatchDescRequest,
  encodeSimpleDescResponse,
} from "../../../src/virtual/devices/zdo-bytes.js";
import { simpleDescRsp } from "../../../src/virtual/han/zdo.js";
import { periodStart } from "../../../src/virtual/devices/periods.js";
import { DeviceStore } from "../../../src/virtual/devices/store.js";

describe("device specs", () => {
  it("parses kind:profile, defaults a bare kind to compliant, and accepts esme", () => {
    expect(parseDeviceSpec("ihd:keeps-history")).toEqual({
      kind: "ihd",
      profile: "keeps-history",
      label: "ihd:keeps-history",
    });
    expect(parseDeviceSpec("ppmid")).toEqual({ kind: "ppmid", profile: "compliant", label: "ppmid:compliant" });
    expect(parseDeviceList("ihd:compliant, ppmid:gpf-only,esme").map((d) => d.label)).toEqual([
      "ihd:compliant",
      "ppmid:gpf-only",
      "esme",
    ]);
  });

  it("refuses an unknown profile and lists the valid ones", () => {
    expect(() => parseDeviceSpec("ihd:sloppy")).toThrow(
      `unknown profile 'sloppy'; valid profiles: ${PROFILES.join(", ")}`,
    );
    expect(() => parseDeviceSpec("cad:compliant")).toThrow("valid kinds: ihd, ppmid, esme");
    expect(() => parseDeviceSpec("esme:compliant")).toThrow("no behaviour profile");
    expect(() => parseDeviceList(" , ")).toThrow("empty");
  });

  it("each faulty profile differs from compliant in exactly one switch", () => {
    const base = behaviourOf("compliant");
    for (const p of PROFILES.filter((p) => p !== "compliant")) {
      const b = behaviourOf(p);
      const diff = (Object.keys(base) as (keyof typeof base)[]).filter(
        (k) => JSON.stringify(b[k]) !== JSON.stringify(base[k]),
      );
      expect(diff, p).toHaveLength(1);
    }
  });
});

describe("identities and the registry", () => {
  it("devices made from a spec have deterministic identities per seed and index, with a valid install code", () => {
    const clock = new SteppedClock(0);
    const medium = new HanMedium();
    const make = (spec: string, seed: number, index: number) => {
      const d = createDevice(spec, { seed, index, clock, medium, autoJoin: false });
      d.dispose();
      return d;
    };
    const a = make("ihd:keeps-history", 7, 3);
    expect(a).toBeInstanceOf(EmulatedSeDevice);
    expect((a as EmulatedSeDevice).profile).toBe("keeps-history");
    expect(make("ihd:keeps-history", 7, 3).ieee).toBe(a.ieee);
    expect(make("ppmid", 7, 3).installCode!.equals(a.installCode!)).toBe(true);
    expect(() => checkInstallCode(a.installCode!)).not.toThrow();
    expect(new Set(Array.from({ length: 16 }, (_, i) => make("ihd", 7, i).ieee)).size).toBe(16);
    expect(make("ihd", 8, 3).ieee).not.toBe(a.ieee);
    expect(() => make("ihd:sloppy", 7, 0)).toThrow(`valid profiles: ${PROFILES.join(", ")}`);
    expect(() => make("esme:compliant", 7, 0)).toThrow("no behaviour profile");
    medium.close();
  });
});

describe("SE payloads", () => {
  it("decodes the GB GCS07 DisplayMessage vector (no ExtendedMessageControl)", () => {
    const f = decodeFrame(
      Buffer.from("09 00 00 80 4A 37 1C 00 00 00 00 00 FF FF 05 52 65 73 65 74".replace(/ /g, ""), "hex"),
    );
    expect(f).toMatchObject({ frameType: 1, serverToClient: true, commandId: 0 });
    const m = decodeDisplayMessage(f.payload);
    expect(m).toEqual({
      messageId: 0x1c374a80,
      messageControl: 0,
      startTime: 0,
      durationInMinutes: 0xffff,
      message: "Reset",
    });
    expect(encodeDisplayMessage(m).equals(f.payload)).toBe(true);
  });

  it("decodes the GB GCS09 PublishChangeOfTenancy vector", () => {
    const f = decodeFrame(
      Buffer.from("09 00 00 00 00 00 00 80 4A 37 1C 00 20 6E C6 1F 00 02 00 00".replace(/ /g, ""), "hex"),
    );
    expect(decodePublishChangeOfTenancy(f.payload)).toEqual({
      providerId: 0,
      issuerEventId: 473385600,
      tariffType: 0,
      implementationDateTime: 533098016,
      proposedTenancyChangeControl: 512,
    });
  });

  it("round-trips read responses with failed records in between", () => {
    const recs = [
      { attrId: 0x0200, status: 0, type: 0xe2, value: 533098016 },
      { attrId: 0x0201, status: 0x86 },
      { attrId: 0x0400, status: 0, type: 0x2a, value: -5 },
      { attrId: 0x0308, status: 0, type: 0x41, value: "SN1" },
    ];
    expect(decodeReadResponse(encodeReadResponse(recs))).toEqual(recs);
    expect(() => decodeReadResponse(Buffer.from([0x00, 0x02, 0x00, 0xe2, 0x01]))).toThrow("payload ends");
  });

  it("uses the historical attribute ids of domain.md §4.2, §4.3 and §5.1", () => {
    const byName = (list: typeof HISTORICAL_CONSUMPTION) => new Map(list.map((a) => [a.name, a.id]));
    const m = byName(HISTORICAL_CONSUMPTION);
    expect(m.get("previousDay6ConsumptionDelivered")).toBe(0x0428);
    expect(m.get("previousWeek5ConsumptionDelivered")).toBe(0x043a);
    expect(m.get("previousMonth13ConsumptionDelivered")).toBe(0x045a);
    expect(byName(ALTERNATIVE_HISTORICAL_CONSUMPTION).get("previousDayAlternativeConsumptionDelivered")).toBe(0x0c03);
    const c = byName(HISTORICAL_COST);
    expect(c.get("currentDayCostConsumptionDelivered")).toBe(0x051c);
    expect(c.get("previousDayCostConsumptionDelivered")).toBe(0x051e);
    expect(c.get("previousDay2CostConsumptionDelivered")).toBe(0x0520);
    expect(c.get("currentMonthCostConsumptionDelivered")).toBe(0x0540);
    expect(HISTORICAL_CONSUMPTION).toHaveLength(2 + 7 + 2 + 4 + 2 + 12);
  });
});

describe("ZDO bodies", () => {
  it("Match_Desc request round-trips and Simple_Desc responses agree with the node's encoder", () => {
    const req = { nwkAddrOfInterest: 0xfffd, profileId: 0x0109, inClusters: [0x0702, 0x0708], outClusters: [] };
    expect(decodeMatchDescRequest(encodeMatchDescRequest(req))).toEqual(req);
    const sd = {
      endpoint: 3,
      profileId: 0x0109,
      deviceId: 0x0502,
      deviceVersion: 1,
      inClusters: [0x0702, 0x0708],
      outClusters: [0x000a],
    };
    expect(encodeSimpleDescResponse(0, 0x1234, sd).equals(simpleDescRsp(0x1234, sd, 3))).toBe(true);
    expect(decodeSimpleDescResponse(simpleDescRsp(0x1234, sd, 3)).descriptor).toEqual(sd);
    expect(decodeSimpleDescResponse(simpleDescRsp(0x1234, undefined, 9))).toEqual({
      status: 0x83,
      nwkAddrOfInterest: 0x1234,
    });
  });
});

describe("periods and the store", () => {
  it("computes UTC day, Monday-week and month starts", () => {
    const wed = Date.UTC(2026, 10, 4, 15, 30); // Wednesday 4 Nov 2026
    expect(new Date(periodStart(wed, "day", 2)).toISOString()).toBe("2026-11-02T00:00:00.000Z");
    expect(new Date(periodStart(wed, "week", 0)).toISOString()).toBe("2026-11-02T00:00:00.000Z");
    expect(new Date(periodStart(wed, "week", 1)).toISOString()).toBe("2026-10-26T00:00:00.000Z");
    expect(new Date(periodStart(wed, "month", 13)).toISOString()).toBe("2025-10-01T00:00:00.000Z");
  });

  it("keeps a finished period's first value and refreshes a running one", () => {
    const s = new DeviceStore();
    const base = {
      role: "gpf" as const,
      clusterId: 0x0702,
      series: "ConsumptionDelivered/day",
      period: "2026-11-02T00:00:00.000Z",
      storedAt: 0,
    };
    expect(s.putConsumption({ ...base, item: "currentDayConsumptionDelivered", value: 10, running: true })).toBe(true);
    expect(s.putConsumption({ ...base, item: "currentDayConsumptionDelivered", value: 12, running: true })).toBe(true);
    expect(s.putConsumption({ ...base, item: "previousDayConsumptionDelivered", value: 20, running: false })).toBe(
      true,
    );
    expect(s.putConsumption({ ...base, item: "previousDay2ConsumptionDelivered", value: 99, running: false })).toBe(
      false,
    );
    expect(s.holdings().consumption).toEqual([
      { role: "gpf", clusterId: 0x0702, item: "previousDayConsumptionDelivered", value: 20, period: base.period },
    ]);
    s.putMessage({ role: "gpf", messageId: 5, text: "a", receivedAt: 0 });
    s.putMessage({ role: "esme", messageId: 5, text: "a", receivedAt: 0 });
    expect(s.holdings().messages).toEqual([{ messageId: 5, text: "a" }]); // one message, from two servers
    s.cancelMessage(5, "gpf");
    expect(s.holdings().messages).toEqual([{ messageId: 5, text: "a" }]);
    s.cancelMessage(5);
    expect(s.holdings().messages).toEqual([]);
    expect(JSON.parse(JSON.stringify(s.holdings()))).toEqual(s.holdings());
  });
});

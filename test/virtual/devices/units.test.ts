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
} from "../../../src/virtual/devices/se-payloads.js";
import { attributeDef, ClusterId } from "../../../src/zcl/index.js";
import { Zdo } from "zigbee-herdsman";
import {
  matchDescReq,
  matchDescRsp,
  parseMatchDescReq,
  parseMatchDescRsp,
  parseSimpleDescRsp,
  simpleDescReq,
  simpleDescRsp,
} from "../../../src/virtual/han/zdo.js";
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

  it("takes a display's own poll interval after '@' and refuses one that is not a duration", () => {
    expect(parseDeviceSpec("ihd:keeps-history@10s")).toEqual({
      kind: "ihd",
      profile: "keeps-history",
      label: "ihd:keeps-history",
      pollIntervalMs: 10_000,
    });
    expect(parseDeviceSpec("ppmid@1m30s")).toMatchObject({ profile: "compliant", pollIntervalMs: 90_000 });
    expect(() => parseDeviceSpec("ihd:compliant@10x")).toThrow(
      "'@10x' is not a poll interval (e.g. ihd:compliant@10s)",
    );
    expect(() => parseDeviceSpec("ihd@50ms")).toThrow("a poll interval of at least 100ms");
    expect(() => parseDeviceSpec("esme@10s")).toThrow("the ESME does not poll");
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

describe("SE attribute sets", () => {
  it("the hub's history layouts put each period where src/zcl's attribute name says it is", () => {
    const sets = [
      [ClusterId.metering, HISTORICAL_CONSUMPTION],
      [ClusterId.metering, ALTERNATIVE_HISTORICAL_CONSUMPTION],
      [ClusterId.prepayment, HISTORICAL_COST],
    ] as const;
    for (const [clusterId, set] of sets) {
      for (const a of set) {
        const name = attributeDef(clusterId, a.id)?.name ?? "";
        const m = /^(current|previous)(Day|Week|Month)(\d*)\w*Delivered$/.exec(name);
        expect(m, `0x${a.id.toString(16)} ${name}`).not.toBeNull();
        const back = m![1] === "current" ? 0 : Number(m![3] || 1);
        expect({ kind: a.kind, back: a.back, name: a.name }, name).toEqual({
          kind: m![2]!.toLowerCase(),
          back,
          name,
        });
      }
    }
    expect(HISTORICAL_CONSUMPTION).toHaveLength(2 + 7 + (1 + 5) + (1 + 13));
  });
});

describe("ZDO bodies, judged by herdsman's ZDO codec", () => {
  const sd = {
    endpoint: 3,
    profileId: 0x0109,
    deviceId: 0x0502,
    deviceVersion: 1,
    inClusters: [0x0702, 0x0708],
    outClusters: [0x000a],
  };

  it("a display's Match_Desc and Simple_Desc requests are the bytes herdsman builds", () => {
    const req = { nwkOfInterest: 0xfffd, profileId: 0x0109, inClusters: [0x0702, 0x0708], outClusters: [0x000a] };
    const herdsman = Zdo.Buffalo.buildRequest(
      false,
      Zdo.ClusterId.MATCH_DESCRIPTORS_REQUEST,
      0xfffd,
      0x0109,
      [0x0702, 0x0708],
      [0x000a],
    );
    expect(matchDescReq(req).toString("hex")).toBe(herdsman.toString("hex"));
    expect(parseMatchDescReq(herdsman)).toEqual(req);
    const simple = Zdo.Buffalo.buildRequest(false, Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, 0x1234, 3);
    expect(simpleDescReq(0x1234, 3).toString("hex")).toBe(simple.toString("hex"));
  });

  it("Simple_Desc and Match_Desc responses read the same through herdsman and through the display's parser", () => {
    const [status, rsp] = Zdo.Buffalo.readResponse(
      false,
      Zdo.ClusterId.SIMPLE_DESCRIPTOR_RESPONSE,
      simpleDescRsp(0x1234, sd, 3),
    );
    expect(status).toBe(Zdo.Status.SUCCESS);
    expect(rsp).toMatchObject({
      nwkAddress: 0x1234,
      endpoint: 3,
      profileId: 0x0109,
      deviceId: 0x0502,
      deviceVersion: 1,
      inClusterList: sd.inClusters,
      outClusterList: sd.outClusters,
    });
    expect(parseSimpleDescRsp(simpleDescRsp(0x1234, sd, 3))).toEqual({ status: 0, nwk: 0x1234, descriptor: sd });
    const missing = simpleDescRsp(0x1234, undefined, 9);
    expect(Zdo.Buffalo.readResponse(false, Zdo.ClusterId.SIMPLE_DESCRIPTOR_RESPONSE, missing)[0]).toBe(
      Zdo.Status.NOT_ACTIVE,
    );
    expect(parseSimpleDescRsp(missing)).toEqual({ status: Zdo.Status.NOT_ACTIVE, nwk: 0x1234 });

    const match = matchDescRsp(0x0000, [1, 3]);
    expect(Zdo.Buffalo.readResponse(false, Zdo.ClusterId.MATCH_DESCRIPTORS_RESPONSE, match)).toEqual([
      Zdo.Status.SUCCESS,
      { nwkAddress: 0, endpointList: [1, 3] },
    ]);
    expect(parseMatchDescRsp(match)).toEqual({ status: 0, nwk: 0, endpoints: [1, 3] });
  });
});

describe("periods and the store", () => {
  it("keeps a finished period's first value and refreshes a running one", () => {
    const s = new DeviceStore();
    const base = {
      role: "gpf" as const,
      clusterId: 0x0702,
      series: "ConsumptionDelivered/day",
      period: "2026-11-02T00:00:00.000Z",
      periodEnd: "2026-11-03T00:00:00.000Z",
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
      {
        role: "gpf",
        clusterId: 0x0702,
        item: "previousDayConsumptionDelivered",
        value: 20,
        period: base.period,
        periodEnd: base.periodEnd,
      },
    ]);
    s.putMessage({ role: "gpf", messageId: 5, text: "a", receivedAt: 2000 });
    s.putMessage({ role: "esme", messageId: 5, text: "a", receivedAt: 1000 });
    s.putMessage({ role: "esme", messageId: 5, text: "a", receivedAt: 9000 }); // fetched again: still held since 1000
    // one message, from two servers, held since the first copy came
    const a = { messageId: 5, text: "a", receivedAt: new Date(1000).toISOString() };
    expect(s.holdings().messages).toEqual([a]);
    s.cancelMessage(5, "esme");
    expect(s.holdings().messages).toEqual([{ ...a, receivedAt: new Date(2000).toISOString() }]);
    s.cancelMessage(5);
    expect(s.holdings().messages).toEqual([]);
    expect(JSON.parse(JSON.stringify(s.holdings()))).toEqual(s.holdings());
  });
});

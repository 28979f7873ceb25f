import { describe, expect, it } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import type { Push } from "../../src/hub/types.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { ctx, DEVICE, makeHub, readAttrs, served, T0 } from "./fixture.js";

describe("Hub endpoints", () => {
  it("layout default: ESI 2, gas mirror 4, ESME 3, nothing on endpoint 1", () => {
    const { hub } = makeHub();
    expect(hub.layout).toBe("default");
    expect(hub.endpoints).toEqual({ gpf: 2, esme: 3 });
    expect([1, 2, 3, 4].map((ep) => hub.roleOf(ep))).toEqual([undefined, "gpf", "esme", "gpf"]);
    expect(hub.hubEndpoints().map((e) => [e.endpoint, e.part, e.deviceId])).toEqual([
      [2, "esi", 0x0500],
      [3, "esme", 0x0501],
      [4, "mirror", 0x0501],
    ]);
  });

  it("layout silabs: ESI 1, gas mirror 2, ESME 3", () => {
    const hub = new Hub({ clock: new SteppedClock(T0), seed: 1, hubIeee: "x", layout: "silabs" });
    expect(hub.endpointParameters()).toEqual({ esi: 1, mirror: 2, esme: 3 });
    expect([1, 2, 3, 4].map((ep) => hub.roleOf(ep))).toEqual(["gpf", "gpf", "esme", undefined]);
  });

  it("takes configured endpoints and refuses equal or out-of-range ones", () => {
    const clock = new SteppedClock(T0);
    const hub = new Hub({ clock, seed: 1, hubIeee: "0x00db1234567890a3", endpoints: { esi: 123, esme: 7 } });
    expect([hub.roleOf(123), hub.roleOf(4), hub.roleOf(7)]).toEqual(["gpf", "gpf", "esme"]);
    expect(() => new Hub({ clock, seed: 1, hubIeee: "x", endpoints: { esi: 5, esme: 5 } })).toThrow(/must differ/);
    expect(() => new Hub({ clock, seed: 1, hubIeee: "x", endpoints: { esi: 3 } })).toThrow(/must differ/);
    expect(() => new Hub({ clock, seed: 1, hubIeee: "x", endpoints: { esi: 0 } })).toThrow(/1\.\.240/);
    expect(() => new Hub({ clock, seed: 1, hubIeee: "x", layout: "zstack" as "default" })).toThrow(/silabs/);
    expect(() => new Hub({ clock, seed: 1.5, hubIeee: "x" })).toThrow(/seed/);
  });

  it("the ESI serves Basic, Time, Price, Messaging, Device Management; the gas mirror Metering and Prepayment; the ESME all but Time", () => {
    const { hub } = makeHub();
    expect(hub.serverClusters(2)).toEqual({ inClusters: [0x0000, 0x000a, 0x0700, 0x0703, 0x0708], outClusters: [] });
    expect(hub.serverClusters(4)).toEqual({ inClusters: [0x0702, 0x0705], outClusters: [] });
    expect(hub.serverClusters(3)).toEqual({
      inClusters: [0x0000, 0x0700, 0x0702, 0x0703, 0x0705, 0x0708],
      outClusters: [],
    });
  });

  it("serves a request from the endpoint it was sent to: Metering on the ESI, Time on the ESME are unsupported clusters", () => {
    const { hub } = makeHub();
    const read = (hubEp: number, clusterId: number) =>
      hub.handleFrame(
        { device: DEVICE, nwk: 0x1234, deviceEp: 1, hubEp, role: hub.roleOf(hubEp)! },
        clusterId,
        Buffer.from([0x00, 0x01, 0x00, 0x00, 0x00]),
      );
    // Default Response (0x0b) to Read Attributes (0x00) with UNSUPPORTED_CLUSTER (0xc3)
    expect(read(2, 0x0702)?.toString("hex")).toBe("18010b00c3");
    expect(read(3, 0x000a)?.toString("hex")).toBe("18010b00c3");
    expect(read(4, 0x0708)?.toString("hex")).toBe("18010b00c3");
    expect(read(4, 0x0702)?.subarray(2, 3).toString("hex")).toBe("01"); // a Read Attributes Response
  });

  it("has a Device Log of 16 entries unless configured", () => {
    expect(makeHub().hub.deviceLog.capacity).toBe(16);
    const hub = new Hub({ clock: new SteppedClock(T0), seed: 1, hubIeee: "x", deviceLogCapacity: 20 });
    expect(hub.deviceLog.capacity).toBe(20);
  });
});

describe("served evidence", () => {
  it("records each value read: device, role, cluster, attribute name, value and the period it is the figure of", () => {
    const { hub, evidence } = makeHub();
    readAttrs(hub, "gpf", 0x0702, [0x0c03, 0x9999]);
    const [e, ...rest] = served(evidence);
    expect(rest).toHaveLength(0); // the unsupported attribute served nothing
    expect(e).toMatchObject({
      kind: "served",
      device: DEVICE,
      role: "gpf",
      clusterId: 0x0702,
      item: "previousDayAlternativeConsumptionDelivered",
      period: "2026-03-03T00:00:00.000Z",
      periodEnd: "2026-03-04T00:00:00.000Z",
      t: new Date(T0).toISOString(),
    });
  });

  it("checks every value it serves against its type, also after the same attribute served a good one", () => {
    const { hub, evidence } = makeHub();
    const cot = { meter: "gpf" as const, providerId: 0, issuerEventId: 0x1c374a80, tariffType: 0, control: 0x200 };
    const read = () => hub.read(ctx(hub, "gpf"), 0x0708, [0x0200])[0]!.status;
    expect([read(), read()]).toEqual([0x00, 0x00]);
    // a CoT dated before 2000 has no ZCL UTC time (uint32 seconds since 2000): every read of it fails
    hub.recordCot({ ...cot, implementationTime: Date.parse("1999-12-31T00:00:00Z") });
    expect([read(), read()]).toEqual([0x01, 0x01]);
    const errors = evidence.events.filter((e) => e.kind === "error");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(/^read changeOfTenancyUpdateDateTime: /) });
    hub.recordCot({ ...cot, issuerEventId: 0x1c374a81, implementationTime: Date.parse("2016-11-22T02:46:56Z") });
    expect([read(), read()]).toEqual([0x00, 0x00]);
  });

  it("records octet strings as their text", () => {
    const { hub, evidence } = makeHub();
    readAttrs(hub, "esme", 0x0705, [0x0210]);
    expect(served(evidence)[0]).toMatchObject({ item: "debtLabel1", value: "ELEC-DEBT-1" });
  });

  it("records pushed values once per role with device '*', and survives a failing push listener", () => {
    const { hub, evidence } = makeHub();
    const got: Push[] = [];
    hub.onPush(() => {
      throw new Error("listener broke");
    });
    const off = hub.onPush((p) => got.push(p));
    const m = hub.publishMessage({ text: "hello" });
    expect(got).toHaveLength(2);
    expect(served(evidence).map((e) => [e.device, e.role, e.item, e.value])).toEqual([
      ["*", "gpf", "displayMessage.messageId", m.messageId],
      ["*", "gpf", "displayMessage.message", m.text],
      ["*", "esme", "displayMessage.messageId", m.messageId],
      ["*", "esme", "displayMessage.message", m.text],
    ]);
    expect(evidence.events.filter((e) => e.kind === "error")).toHaveLength(2);
    off();
    hub.publishMessage();
    expect(got).toHaveLength(2);
  });
});

describe("Time", () => {
  it("serves UK daylight saving in LocalTime and the DST bounds", () => {
    const summer = Date.parse("2026-07-01T12:00:00Z");
    const clock = new SteppedClock(summer);
    const hub = new Hub({ clock, seed: 1, hubIeee: "x", evidence: new EvidenceLog({ now: () => clock.now() }) });
    const r = readAttrs(hub, "gpf", 0x000a, [0x0000, 0x0003, 0x0004, 0x0005, 0x0007]).byId;
    const utc = (iso: string) => Date.parse(iso) / 1000 - 946_684_800;
    expect(r.get(0x0003)!.value).toBe(utc("2026-03-29T01:00:00Z"));
    expect(r.get(0x0004)!.value).toBe(utc("2026-10-25T01:00:00Z"));
    expect(r.get(0x0007)!.value).toBe((r.get(0x0000)!.value as number) + 3600);
    const winter = readAttrs(makeHub().hub, "gpf", 0x000a, [0x0000, 0x0007]).byId;
    expect(winter.get(0x0007)!.value).toBe(winter.get(0x0000)!.value);
  });
});

describe("commands straight from a decoded request", () => {
  it("answers an unserved cluster or command with UNSUP_COMMAND", () => {
    const { hub } = makeHub();
    const r = hub.command(ctx(hub, "esme"), {
      clusterId: 0x0006,
      commandId: 0,
      command: "off",
      payload: {},
      tsn: 1,
      disableDefaultResponse: false,
    });
    expect(r).toEqual({ kind: "default", status: 0x81 });
  });
});

describe("every served attribute", () => {
  it("is defined in src/zcl and reads SUCCESS on both roles across seeds and times of year", () => {
    for (const [seed, start] of [
      [1, T0],
      [2, Date.parse("2026-12-31T23:59:59Z")],
      [3, Date.parse("2027-06-15T00:00:00Z")],
      [4, Date.parse("2024-01-01T00:10:00Z")],
    ] as const) {
      const { hub, evidence } = makeHub({ seed, start });
      for (const { role, endpoint } of hub.hubEndpoints()) {
        for (const clusterId of hub.serverClusters(endpoint).inClusters) {
          const ids = hub.attributeIds(endpoint, clusterId);
          if (ids.length === 0) continue; // Messaging: commands only (herdsman cannot parse an empty readRsp)
          const { records } = readAttrs(hub, role, clusterId, ids);
          expect(
            records.filter((r) => r.status !== 0).map((r) => r.attrId),
            `${role} 0x${clusterId.toString(16)}`,
          ).toEqual([]);
        }
      }
      expect(evidence.events.filter((e) => e.kind === "error")).toEqual([]);
    }
  });
});

import { describe, expect, it } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import type { Push } from "../../src/hub/types.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { ctx, DEVICE, makeHub, readAttrs, served, T0 } from "./fixture.js";

describe("Hub endpoints", () => {
  it("uses GPF 2 and ESME 3 by default, never endpoint 1", () => {
    const { hub } = makeHub();
    expect(hub.endpoints).toEqual({ gpf: 2, esme: 3 });
    expect([hub.roleOf(1), hub.roleOf(2), hub.roleOf(3)]).toEqual([undefined, "gpf", "esme"]);
  });

  it("takes configured endpoints and refuses equal or out-of-range ones", () => {
    const clock = new SteppedClock(T0);
    const hub = new Hub({ clock, seed: 1, hubIeee: "0x00db1234567890a3", endpoints: { gpf: 123, esme: 7 } });
    expect(hub.roleOf(123)).toBe("gpf");
    expect(() => new Hub({ clock, seed: 1, hubIeee: "x", endpoints: { gpf: 5, esme: 5 } })).toThrow(/must differ/);
    expect(() => new Hub({ clock, seed: 1, hubIeee: "x", endpoints: { gpf: 0, esme: 5 } })).toThrow(/1\.\.240/);
    expect(() => new Hub({ clock, seed: 1.5, hubIeee: "x" })).toThrow(/seed/);
  });

  it("advertises the seven Smart Energy server clusters on each endpoint", () => {
    const { hub } = makeHub();
    for (const role of ["gpf", "esme"] as const) {
      expect(hub.serverClusters(role)).toEqual({
        inClusters: [0x0000, 0x000a, 0x0700, 0x0702, 0x0703, 0x0705, 0x0708],
        outClusters: [],
      });
    }
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
    const r = readAttrs(hub, "esme", 0x000a, [0x0000, 0x0003, 0x0004, 0x0005, 0x0007]).byId;
    const utc = (iso: string) => Date.parse(iso) / 1000 - 946_684_800;
    expect(r.get(0x0003)!.value).toBe(utc("2026-03-29T01:00:00Z"));
    expect(r.get(0x0004)!.value).toBe(utc("2026-10-25T01:00:00Z"));
    expect(r.get(0x0007)!.value).toBe((r.get(0x0000)!.value as number) + 3600);
    const winter = readAttrs(makeHub().hub, "esme", 0x000a, [0x0000, 0x0007]).byId;
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
      for (const role of ["gpf", "esme"] as const) {
        for (const clusterId of hub.serverClusters(role).inClusters) {
          const ids = hub.attributeIds(role, clusterId);
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

/**
 * The hub through the ZCL codec: request bytes in, reply bytes out, checked field by field and byte by byte
 * against the layouts in domain.md (§0 frame control, §3 Device Management, §8 Time, §9 Basic, §16 GCS09).
 */
import { describe, expect, it } from "vitest";
import { msToZclUtc } from "../../src/hub/clock.js";
import type { Push } from "../../src/hub/types.js";
import { encodeZcl } from "../../src/zcl/index.js";
import { ctx, makeHub, readAttrs, roundTrip, T0 } from "./fixture.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("Read Attributes", () => {
  it("answers Basic PhysicalEnvironment 0x01 (GBCS 10.2.2) in a readRsp with the request's TSN", () => {
    const { hub } = makeHub();
    const { bytes } = readAttrs(hub, "gpf", 0x0000, [0x0011]);
    // FC 0x18 (global, server→client, no default response), TSN 0x5A, readRsp 0x01, attr 0x0011, SUCCESS, ENUM8, 0x01
    expect(bytes.toString("hex")).toBe("185a01110000" + "3001");
  });

  it("serves model and manufacturer strings", () => {
    const { hub } = makeHub();
    const { byId } = readAttrs(hub, "esme", 0x0000, [0x0004, 0x0005]);
    expect(byId.get(0x0004)).toMatchObject({ status: 0, type: 0x42, value: "hanbench" });
    expect(byId.get(0x0005)?.value).toBe("CommsHub ESME");
  });

  it("answers Time from the hub clock with GB TimeStatus 9", async () => {
    const { hub, clock } = makeHub();
    await clock.advance(90_000);
    const { byId, bytes } = readAttrs(hub, "gpf", 0x000a, [0x0000, 0x0001, 0x0002]);
    expect(byId.get(0x0000)).toMatchObject({ type: 0xe2, value: msToZclUtc(T0 + 90_000) });
    expect(byId.get(0x0001)).toMatchObject({ type: 0x18, value: 9 });
    const utc = Buffer.alloc(4);
    utc.writeUInt32LE(msToZclUtc(T0 + 90_000));
    expect(bytes.subarray(3, 11).toString("hex")).toBe(`0000 00 e2 ${utc.toString("hex")}`.replace(/ /g, ""));
  });

  it("answers an unknown attribute with UNSUPPORTED_ATTRIBUTE (0x86) and keeps the known ones", () => {
    const { hub } = makeHub();
    const { bytes, records } = readAttrs(hub, "gpf", 0x0000, [0x0011, 0x7777]);
    expect(records.map((r) => r.status)).toEqual([0x00, 0x86]);
    expect(bytes.subarray(-3).toString("hex")).toBe("777786");
  });

  it("discovers the served attributes", () => {
    const { hub } = makeHub();
    const { frame } = roundTrip(hub, "gpf", 0x0708, {
      frameType: "global",
      command: "discoverAttributes",
      payload: { startAttrId: 0, maxAttrIds: 10 },
    });
    expect(frame?.command).toBe("discoverAttributesRsp");
    expect(frame?.payload).toEqual({
      discoveryComplete: true,
      records: [
        { attrId: 0x0100, type: 0x23 },
        { attrId: 0x0200, type: 0xe2 },
        { attrId: 0x0201, type: 0x1b },
      ],
    });
  });
});

describe("bad requests get a Default Response, never an exception", () => {
  it("MALFORMED_COMMAND (0x80) for a truncated GetProfile", () => {
    const { hub } = makeHub();
    // GetProfile needs channel (1) + end time (4) + periods (1); give 3 bytes.
    const reply = hub.handleFrame(ctx(hub, "esme"), 0x0702, hex("01 33 00  00 00 00"));
    expect(reply?.toString("hex")).toBe("18330b0080");
  });

  it("MALFORMED_COMMAND for trailing garbage after a GetChangeOfTenancy", () => {
    const { hub } = makeHub();
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0708, hex("01 07 00 ff"))?.toString("hex")).toBe("18070b0080");
  });

  it("MALFORMED_COMMAND when a direct command lacks a field", () => {
    const { hub } = makeHub();
    const r = hub.command(ctx(hub, "esme"), {
      clusterId: 0x0702,
      commandId: 0x00,
      command: "getProfile",
      payload: { intervalChannel: 0 },
      tsn: 1,
      disableDefaultResponse: false,
    });
    expect(r).toEqual({ kind: "default", status: 0x80 });
  });

  it("UNSUP_COMMAND (0x81) for a command id the cluster does not define, and for a defined one not served", () => {
    const { hub } = makeHub();
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0708, hex("01 09 3f"))?.toString("hex")).toBe("18090b3f81");
    // RequestFastPollMode (0x03) is defined in the codec but the hub does not serve it.
    expect(hub.handleFrame(ctx(hub, "esme"), 0x0702, hex("01 0a 03 05 0a"))?.toString("hex")).toBe("180a0b0381");
  });

  it("UNSUP_GENERAL_COMMAND (0x82) for a write, UNSUPPORTED_CLUSTER (0xC3) for a cluster not served", () => {
    const { hub } = makeHub();
    const write = encodeZcl(0x0000, {
      frameType: "global",
      direction: "clientToServer",
      disableDefaultResponse: false,
      tsn: 4,
      command: "write",
      payload: { records: [{ attrId: 0x0010, type: 0x42, value: "x" }] },
    });
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0000, write)?.toString("hex")).toBe("18040b0282");
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0006, hex("00 05 00 00 00"))?.toString("hex")).toBe("18050b00c3");
  });

  it("UNSUP_MANUF_CLUSTER_COMMAND (0x83) / UNSUP_MANUF_GENERAL_COMMAND (0x84) for manufacturer-specific frames", () => {
    const { hub } = makeHub();
    // FC 0x05: cluster-specific + manufacturer code 0x1234, TSN 0x21, command 0x00
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0708, hex("05 34 12 21 00"))?.toString("hex")).toBe("18210b0083");
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0708, hex("04 34 12 22 00 00 02"))?.toString("hex")).toBe("18220b0084");
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0708, hex("05 34 12"))).toBeUndefined(); // shorter than its header
  });

  it("MALFORMED_COMMAND for a reserved frame type, with the request's TSN and command id", () => {
    const { hub } = makeHub();
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0708, hex("02 23 00 00 02"))?.toString("hex")).toBe("18230b0080");
  });

  it("no reply to a device's own responses or to a frame shorter than a header", () => {
    const { hub } = makeHub();
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0703, hex("18 01 0b 00 00"))).toBeUndefined();
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0703, hex("01 01"))).toBeUndefined();
    expect(hub.handleFrame(ctx(hub, "gpf"), 0x0703, hex(""))).toBeUndefined();
  });
});

/** GB RTDS 4.5.0 GCS09 ZCL frame (domain.md §16.1). */
const GCS09 = hex("09 00 00 00 00 00 00 80 4A 37 1C 00 20 6E C6 1F 00 02 00 00");
const GCS09_COT = {
  providerId: 0,
  issuerEventId: 0x1c374a80,
  tariffType: 0,
  implementationTime: Date.parse("2016-11-22T02:46:56Z"),
  control: 0x200,
};

describe("Device Management", () => {
  it("before any CoT: 0x0200 reads 0xFFFFFFFF, 0x0201 reads 0, GetChangeOfTenancy gets NOT_FOUND (0x8B)", () => {
    const { hub } = makeHub();
    for (const role of ["gpf", "esme"] as const) {
      const { byId } = readAttrs(hub, role, 0x0708, [0x0200, 0x0201]);
      expect(byId.get(0x0200)).toMatchObject({ status: 0, type: 0xe2, value: 0xffffffff });
      expect(byId.get(0x0201)).toMatchObject({ status: 0, type: 0x1b, value: 0 });
      const { bytes } = roundTrip(hub, role, 0x0708, { command: "getChangeOfTenancy", tsn: 0x21 });
      expect(bytes?.toString("hex")).toBe("18210b008b");
    }
  });

  it("after recordCot: PublishChangeOfTenancy with the GCS09 payload bytes, on the meter it was recorded on", () => {
    const { hub } = makeHub();
    for (const meter of ["gpf", "esme"] as const) hub.recordCot({ ...GCS09_COT, meter });
    for (const role of ["gpf", "esme"] as const) {
      const { bytes, frame } = roundTrip(hub, role, 0x0708, { command: "getChangeOfTenancy", tsn: 0x00 });
      // FC 0x19 (herdsman's cluster-response form) where RTDS has 0x09; everything after is the vector.
      expect(bytes![0]).toBe(0x19);
      expect(bytes!.subarray(1).toString("hex")).toBe(GCS09.subarray(1).toString("hex"));
      expect(frame?.payload).toEqual({
        providerId: 0,
        issuerEventId: 473385600,
        tariffType: 0,
        implementationDateTime: 533098016,
        proposedTenancyChangeControl: 512,
      });
      const { byId } = readAttrs(hub, role, 0x0708, [0x0200, 0x0201]);
      expect(byId.get(0x0200)?.value).toBe(0x1fc66e20);
      expect(byId.get(0x0201)?.value).toBe(0x200);
    }
  });

  it("pushes PublishChangeOfTenancy only when asked, as the exact GCS09 frame", () => {
    const { hub, evidence } = makeHub();
    const pushes: Push[] = [];
    hub.onPush((p) => pushes.push(p));
    hub.recordCot({ ...GCS09_COT, meter: "gpf", implementationTime: T0 + 1000 });
    expect(pushes).toHaveLength(0);
    hub.recordCot({ ...GCS09_COT, meter: "gpf", issuerEventId: GCS09_COT.issuerEventId + 1, push: true });
    expect(pushes.map((p) => p.role)).toEqual(["gpf"]);
    const wire = hub.encodePush(pushes[0]!, 0);
    const expected = Buffer.from(GCS09);
    expected.writeUInt32LE(GCS09_COT.issuerEventId + 1, 7);
    expect(wire.toString("hex")).toBe(expected.toString("hex"));
    const cots = evidence.events.filter((e) => e.kind === "cot");
    expect(cots).toMatchObject([
      {
        meter: "gpf",
        pushed: false,
        control: 0x200,
        implementationTime: new Date(T0 + 1000).toISOString(),
        recordedAt: new Date(T0).toISOString(),
      },
      { meter: "gpf", pushed: true, issuerEventId: GCS09_COT.issuerEventId + 1 },
    ]);
  });
});

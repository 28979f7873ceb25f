/** The replies an emulated node builds itself, judged by herdsman's ZCL parser. */
import { describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { defaultRsp, readAttributeIds, readRsp } from "../../../src/virtual/han/zcl-lite.js";
import { decodeZclHeader } from "../../../src/zcl/index.js";

const header = (bytes: number[]) => decodeZclHeader(Buffer.from(bytes))!;
const judge = (clusterId: number, bytes: Buffer) =>
  Zcl.Frame.fromBuffer(clusterId, Zcl.Header.fromBuffer(bytes), bytes, {});

describe("zcl-lite replies", () => {
  it("a Default Response goes the other way, with the request's TSN and manufacturer code, default response disabled", () => {
    // client → server, manufacturer-specific (0x1234), TSN 0x42, cluster-specific command 0x07
    const req = header([0x05, 0x34, 0x12, 0x42, 0x07]);
    const rsp = defaultRsp(req, 0x81);
    expect(rsp.toString("hex")).toBe("1c3412420b0781");
    const f = judge(0x0006, rsp);
    expect(f.header.frameControl).toMatchObject({
      frameType: Zcl.FrameType.GLOBAL,
      manufacturerSpecific: true,
      direction: Zcl.Direction.SERVER_TO_CLIENT,
      disableDefaultResponse: true,
    });
    expect(f.header.manufacturerCode).toBe(0x1234);
    expect(f.header.transactionSequenceNumber).toBe(0x42);
    expect(f.payload).toEqual({ cmdId: 0x07, statusCode: 0x81 });
  });

  it("a reply to a server → client frame is client → server", () => {
    const rsp = defaultRsp(header([0x09, 0x10, 0x00]), 0x00);
    expect(rsp.toString("hex")).toBe("10100b0000");
  });

  it("Read Attributes: the ids asked for, and a response with the stored values or UNSUPPORTED_ATTRIBUTE", () => {
    const frame = Buffer.from([0x00, 0x05, 0x00, 0x04, 0x00, 0x99, 0x00]);
    const req = header([...frame]);
    expect(readAttributeIds(frame, req)).toEqual([0x0004, 0x0099]);
    const manufacturer = Buffer.from([0x04, 0x34, 0x12, 0x05, 0x00, 0x05, 0x00]);
    expect(readAttributeIds(manufacturer, header([...manufacturer]))).toEqual([0x0005]);
    const rsp = readRsp(req, [0x0004, 0x0099], new Map([[0x0004, { type: 0x42, value: "hb" }]]));
    expect(rsp.toString("hex")).toBe("18050104000042026862990086");
    expect(judge(0x0000, rsp).payload).toEqual([
      { attrId: 0x0004, status: 0, dataType: 0x42, attrData: "hb" },
      { attrId: 0x0099, status: 0x86 },
    ]);
  });
});

/** The replies an emulated node builds itself, judged by herdsman's ZCL parser. */
import { describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { AttributeStore } from "../../../src/virtual/han/attribute-store.js";
import { type AttrValue, defaultRsp, readAttributeIds, readRsp } from "../../../src/virtual/han/zcl-lite.js";
import { DataType, decodeZclHeader, globalCommand } from "../../../src/zcl/index.js";

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

  it("Read Attributes Response in one buffer: the same bytes as src/zcl's generic readRsp codec, for every kind of value", () => {
    const values: [number, AttrValue][] = [
      [DataType.BOOLEAN, true],
      [DataType.BITMAP16, 0x8001],
      [DataType.UINT8, 0xfe],
      [DataType.UINT24, 0x123456],
      [DataType.UINT48, 0x123456789abc],
      [DataType.UINT64, 2 ** 52 + 3],
      [DataType.INT16, -2],
      [DataType.INT32, -100_000],
      [DataType.ENUM8, 3],
      [DataType.SINGLE_PREC, 1.5],
      [DataType.OCTET_STR, Buffer.from("0102ff", "hex")],
      [DataType.CHAR_STR, "hanbench"],
      [DataType.LONG_CHAR_STR, "ü".repeat(130)],
      [DataType.UTC, 0x2d000000],
      [DataType.IEEE_ADDR, "0x00124b0001020304"],
    ];
    const store = new AttributeStore();
    for (const [i, [type, value]] of values.entries()) store.set(1, 0x0000, i, type, value);
    const ids = [...values.keys(), 0x4000]; // and one the node does not have
    const generic = globalCommand("readRsp")!.encode({
      records: ids.map((attrId) => {
        const a = store.get(1, 0x0000, attrId);
        return a ? { attrId, status: 0, type: a.type, value: a.value } : { attrId, status: 0x86 };
      }),
    });
    for (const [hdr, head] of [
      [[0x00, 0x21, 0x00], "182101"],
      [[0x04, 0x34, 0x12, 0x21, 0x00], "1c3412" + "2101"],
    ] as const) {
      const req = header([...hdr]);
      const attrs = store.cluster(1, 0x0000);
      expect(readRsp(req, ids, attrs).toString("hex")).toBe(head + generic.toString("hex"));
      // read again (the store's encoded bytes): still the same
      expect(readRsp(req, ids, attrs).toString("hex")).toBe(head + generic.toString("hex"));
    }
  });

  it("a value set again is read back as the new value; a value that does not fit its type throws", () => {
    const store = new AttributeStore();
    const req = header([0x00, 0x01, 0x00]);
    store.set(1, 0x0006, 0x0000, DataType.BOOLEAN, false);
    expect(readRsp(req, [0], store.cluster(1, 0x0006)).toString("hex")).toBe("18010100000010" + "00");
    store.set(1, 0x0006, 0x0000, DataType.BOOLEAN, true);
    expect(readRsp(req, [0], store.cluster(1, 0x0006)).toString("hex")).toBe("18010100000010" + "01");
    store.set(1, 0x0006, 0x0000, DataType.UINT8, 300);
    expect(() => readRsp(req, [0], store.cluster(1, 0x0006))).toThrow(/out of range/);
    // an odd byte left after the ids is not a list of ids
    expect(() => readAttributeIds(Buffer.from("000100000001", "hex"), req)).toThrow(RangeError);
  });
});

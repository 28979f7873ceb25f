import { describe, expect, it } from "vitest";
import { attr, defineCluster, param } from "../../src/zcl/define.js";
import {
  attributeDef,
  bitNames,
  bitsValue,
  CLUSTERS,
  clusterById,
  clusterByName,
  DataType,
  decodeValue,
  decodeZcl,
  decodeZclHeader,
  encodeValue,
  encodeZcl,
  fieldValues,
  frameFromJson,
  frameToJson,
  MESSAGE_CONTROL_FIELDS,
  PTCC,
  TIME_STATUS,
  ZclDecodeError,
  ZclEncodeError,
  type ZclFrame,
  msToZclUtc,
  zclUtcToIso,
  zclUtcToMs,
} from "../../src/zcl/index.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("data types", () => {
  it.each([
    [DataType.UINT24, 0x123456, "563412"],
    [DataType.INT24, -2, "feffff"],
    [DataType.INT8, -128, "80"],
    [DataType.UINT48, 2 ** 48 - 1, "ffffffffffff"],
    [DataType.INT48, -(2 ** 47), "000000000080"],
    [DataType.UINT56, 0x01020304050607n, "07060504030201"],
    [DataType.INT64, -1n, "ffffffffffffffff"],
    [DataType.BITMAP64, 0x8000000000000001n, "0100000000000080"],
    [DataType.UTC, 0x1c374a80, "804a371c"],
    [DataType.BOOLEAN, true, "01"],
    [DataType.CHAR_STR, "Reset", "055265736574"],
    [DataType.OCTET_STR, Buffer.from([1, 2]), "020102"],
    [DataType.LONG_OCTET_STR, Buffer.from([9]), "010009"],
    [DataType.IEEE_ADDR, "0x00db1234567890a3", "a39078563412db00"],
    [DataType.SINGLE_PREC, 1.5, "0000c03f"],
    [DataType.SEMI_PREC, 1.5, "003e"],
    [DataType.DOUBLE_PREC, -2, "00000000000000c0"],
  ] as const)("type 0x%s: %s ↔ %s", (type, value, bytes) => {
    expect(encodeValue(type, value).toString("hex")).toBe(bytes);
    expect(decodeValue(type, hex(bytes), 0)).toEqual([value, bytes.length / 2]);
  });

  it("rejects values out of range, of the wrong kind or too long", () => {
    expect(() => encodeValue(DataType.UINT8, 256)).toThrow(/out of range for UINT8 \(0..255\)/);
    expect(() => encodeValue(DataType.INT16, -32769)).toThrow(ZclEncodeError);
    expect(() => encodeValue(DataType.UINT32, 1.5)).toThrow(/needs an integer/);
    expect(() => encodeValue(DataType.UINT32, "7")).toThrow(/needs an integer/);
    expect(() => encodeValue(DataType.CHAR_STR, "x".repeat(255))).toThrow(/too long/);
    expect(() => encodeValue(DataType.OCTET_STR, "ab")).toThrow(/needs a Buffer/);
    expect(() => encodeValue(DataType.ARRAY, [])).toThrow(/not supported/);
  });

  it("names the field and offset of truncated values", () => {
    const err = (() => {
      try {
        decodeValue(DataType.UINT32, hex("0102"), 1, "x.y");
      } catch (e) {
        return e as ZclDecodeError;
      }
    })();
    expect(err).toBeInstanceOf(ZclDecodeError);
    expect(err).toMatchObject({ field: "x.y", offset: 1 });
    expect(err!.message).toBe("x.y at byte 1: truncated: UINT32 needs 4 byte(s), 1 left");
  });

  it("reads the 0xFF invalid string length as empty", () => {
    expect(decodeValue(DataType.CHAR_STR, hex("ff"), 0)).toEqual(["", 1]);
  });
});

describe("frame header", () => {
  const base = {
    frameType: "specific",
    direction: "clientToServer",
    disableDefaultResponse: false,
    tsn: 0,
    command: "getChangeOfTenancy",
    payload: {},
  } as const;

  it("encodes frame-control bits and the manufacturer code", () => {
    expect(encodeZcl(0x0708, base).toString("hex")).toBe("010000");
    expect(encodeZcl(0x0708, { ...base, disableDefaultResponse: true, tsn: 9 }).toString("hex")).toBe("110900");
    expect(encodeZcl(0x0708, { ...base, manufacturerCode: 0x1234 }).toString("hex")).toBe("0534120000");
    const back = decodeZcl(0x0708, hex("0534120000"));
    expect(back).toMatchObject({ manufacturerCode: 0x1234, tsn: 0, command: "getChangeOfTenancy" });
  });

  it("looks up by commandId when no name is given, and checks they agree", () => {
    expect(encodeZcl(0x0708, { ...base, command: "", commandId: 5 }).toString("hex")).toBe("010005");
    expect(() => encodeZcl(0x0708, { ...base, commandId: 5 })).toThrow(/does not match getChangeOfTenancy/);
  });

  it("reads a header alone, whatever the payload, and nothing shorter than one", () => {
    expect(decodeZclHeader(hex("1d 34 12 07 42 ff"))).toEqual({
      frameControl: 0x1d,
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: true,
      manufacturerCode: 0x1234,
      tsn: 7,
      commandId: 0x42,
      length: 5,
    });
    expect(decodeZclHeader(hex("02 09 00"))).toMatchObject({ frameType: "reserved", tsn: 9, length: 3 });
    expect(decodeZclHeader(hex("00 09 00"))).not.toHaveProperty("manufacturerCode");
    for (const short of ["", "01 00", "05 34 12 07"]) expect(decodeZclHeader(hex(short))).toBeUndefined();
  });

  it("rejects bad headers with the field and offset", () => {
    expect(() => decodeZcl(0x0708, hex(""))).toThrow(/frameControl at byte 0: empty frame/);
    expect(() => decodeZcl(0x0708, hex("03 00 00"))).toThrow(/reserved frame type 3/);
    expect(() => decodeZcl(0x0708, hex("01 00"))).toThrow(/commandId at byte 2: truncated header/);
    expect(() => decodeZcl(0x0708, hex("05 34"))).toThrow(/manufacturerCode at byte 2/);
    expect(() => decodeZcl(0x0708, hex("00 00 42"))).toThrow(/commandId at byte 2: global command 0x42/);
    expect(() => decodeZcl(0x0006, hex("01 00 00"))).toThrow(/cluster 0x0006 is not defined/);
    expect(() => encodeZcl(0x0708, { ...base, tsn: 256 })).toThrow(/tsn/);
  });
});

describe("global commands", () => {
  const g = (
    command: string,
    direction: ZclFrame["direction"],
    payload: Record<string, unknown>,
  ): Omit<ZclFrame, "commandId"> => ({
    frameType: "global",
    direction,
    disableDefaultResponse: true,
    tsn: 0x42,
    command,
    payload,
  });

  it.each([
    ["read", g("read", "clientToServer", { attributes: [0x0200, 0x0201] }), "10 42 00 0002 0102"],
    [
      "readRsp",
      g("readRsp", "serverToClient", {
        records: [
          { attrId: 0x0200, status: 0, type: DataType.UTC, value: 533098016 },
          { attrId: 0x0201, status: 0, type: DataType.BITMAP32, value: 0x200 },
          { attrId: 0x0300, status: 0x86 },
        ],
      }),
      "18 42 01 0002 00 e2 206ec61f 0102 00 1b 00020000 0003 86",
    ],
    [
      "write",
      g("write", "clientToServer", { records: [{ attrId: 0x0032, type: DataType.UINT32, value: 100 }] }),
      "10 42 02 3200 23 64000000",
    ],
    [
      "writeNoRsp",
      g("writeNoRsp", "clientToServer", { records: [{ attrId: 1, type: DataType.BOOLEAN, value: false }] }),
      "10 42 05 0100 10 00",
    ],
    ["writeRsp all success", g("writeRsp", "serverToClient", { records: [{ status: 0 }] }), "18 42 04 00"],
    [
      "writeRsp failures",
      g("writeRsp", "serverToClient", { records: [{ status: 0x88, attrId: 0x0200 }] }),
      "18 42 04 88 0002",
    ],
    [
      "configureReporting",
      g("configureReporting", "clientToServer", {
        records: [
          { direction: 0, attrId: 0, type: DataType.UINT48, minInterval: 1, maxInterval: 300, reportableChange: 10 },
          { direction: 0, attrId: 0x0200, type: DataType.BITMAP8, minInterval: 0, maxInterval: 0xffff },
          { direction: 1, attrId: 7, timeout: 60 },
        ],
      }),
      "10 42 06 00 0000 25 0100 2c01 0a0000000000 00 0002 18 0000 ffff 01 0700 3c00",
    ],
    [
      "configureReportingRsp",
      g("configureReportingRsp", "serverToClient", { records: [{ status: 0x86, direction: 0, attrId: 9 }] }),
      "18 42 07 86 00 0900",
    ],
    [
      "report",
      g("report", "serverToClient", { records: [{ attrId: 0x0400, type: DataType.INT24, value: -5 }] }),
      "18 42 0a 0004 2a fbffff",
    ],
    ["defaultRsp", g("defaultRsp", "clientToServer", { commandId: 0, status: 0x8b }), "10 42 0b 00 8b"],
    [
      "discoverAttributes",
      g("discoverAttributes", "clientToServer", { startAttrId: 0, maxAttrIds: 16 }),
      "10 42 0c 0000 10",
    ],
    [
      "discoverAttributesRsp",
      g("discoverAttributesRsp", "serverToClient", {
        discoveryComplete: true,
        records: [{ attrId: 0x0200, type: DataType.UTC }],
      }),
      "18 42 0d 01 0002 e2",
    ],
  ])("%s encodes to the ZCL layout and decodes back", (_, frame, bytes) => {
    const buf = encodeZcl(0x0708, frame);
    expect(buf.toString("hex")).toBe(hex(bytes).toString("hex"));
    const { commandId, ...back } = decodeZcl(0x0708, buf);
    expect(back).toEqual(frame);
    expect(commandId).toBe(buf[2]);
    // The JSON form (names, type names, ISO times, bit names added) encodes back to the same bytes.
    const json = JSON.parse(JSON.stringify(frameToJson(0x0708, { ...back, commandId })));
    expect(encodeZcl(0x0708, frameFromJson(0x0708, { ...frame, payload: json.payload })).equals(buf)).toBe(true);
  });

  it("names the record and offset of a truncated readRsp", () => {
    expect(() => decodeZcl(0x0708, hex("18 00 01 0002 00 e2 206ec6"))).toThrow(
      /readRsp.records\[0\].value at byte 7: truncated: UTC/,
    );
  });

  it("accepts herdsman's names for global commands", () => {
    expect(encodeZcl(0x0708, g("configReport", "clientToServer", { records: [] })).toString("hex")).toBe("104206");
    expect(encodeZcl(0x0708, g("discover", "clientToServer", { startAttrId: 1, maxAttrIds: 1 }))[2]).toBe(0x0c);
  });
});

describe("payload structure", () => {
  it("SetEventConfiguration carries only the fields its configuration control selects", () => {
    const byList = {
      issuerEventId: 1,
      startDateTime: 0,
      eventConfiguration: 0x18,
      configurationControl: 0,
      numberOfEvents: 2,
      eventIds: [0x06c0, 0x06c1],
    };
    const frame = {
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: false,
      tsn: 1,
      command: "setEventConfiguration",
    } as const;
    const buf = encodeZcl(0x0708, { ...frame, payload: byList });
    expect(buf.subarray(3).toString("hex")).toBe("0100000000000000180002c006c106");
    expect(decodeZcl(0x0708, buf).payload).toEqual(byList);
    const byGroup = { ...byList, configurationControl: 1, eventGroupId: 0x0600 };
    expect(() => encodeZcl(0x0708, { ...frame, payload: byGroup })).toThrow(
      /numberOfEvents at byte 13: not expected unless configurationControl is 0/,
    );
    expect(() => encodeZcl(0x0708, { ...frame, payload: { ...byList, numberOfEvents: 3 } })).toThrow(
      /eventIds at byte 14: has 2 item\(s\) but numberOfEvents is 3/,
    );
  });

  it("PublishTopUpLog repeats its records to the end of the frame", () => {
    const payload = {
      commandIndex: 0,
      totalCommands: 1,
      topUps: [
        { topUpCode: Buffer.from("12345"), topUpAmount: 1000, topUpTime: 1 },
        { topUpCode: Buffer.alloc(0), topUpAmount: -1, topUpTime: 0xffffffff },
      ],
    };
    const buf = encodeZcl(0x0705, {
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: false,
      tsn: 0,
      command: "publishTopUpLog",
      payload,
    });
    expect(buf.length).toBe(3 + 2 + (1 + 5 + 4 + 4) + (1 + 4 + 4));
    expect(decodeZcl(0x0705, buf).payload).toEqual(payload);
    expect(() => decodeZcl(0x0705, buf.subarray(0, -2))).toThrow(
      /publishTopUpLog.topUps\[1\].topUpTime at byte 24: truncated: UTC needs 4 byte\(s\), 2 left/,
    );
  });

  it("an optional field may not follow an absent one", () => {
    const frame = {
      frameType: "specific",
      direction: "clientToServer",
      disableDefaultResponse: false,
      tsn: 0,
      command: "messageConfirmation",
    } as const;
    expect(() =>
      encodeZcl(0x0703, {
        ...frame,
        payload: { messageId: 1, confirmationTime: 0, messageResponse: Buffer.from("ok") },
      }),
    ).toThrow(
      /messageResponse at byte 11: cannot be given while the earlier optional field messageConfirmationControl is absent/,
    );
  });

  it("unknown and over-long fields are refused", () => {
    const frame = {
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: false,
      tsn: 0,
      command: "updateSiteId",
    } as const;
    const ok = { issuerEventId: 1, siteIdTime: 2, providerId: 3, siteId: Buffer.alloc(32) };
    expect(() => encodeZcl(0x0708, { ...frame, payload: ok })).not.toThrow();
    expect(() => encodeZcl(0x0708, { ...frame, payload: { ...ok, siteId: Buffer.alloc(33) } })).toThrow(
      /siteId at byte 15: 33 bytes is longer than the maximum 32/,
    );
    expect(() => encodeZcl(0x0708, { ...frame, payload: { ...ok, site: 1 } })).toThrow(
      /updateSiteId.site at byte 3: unknown field/,
    );
  });
});

describe("definitions", () => {
  it("resolve by id, herdsman-style name and alias", () => {
    for (const [name, id] of [
      ["genBasic", 0x0000],
      ["genTime", 0x000a],
      ["sePrice", 0x0700],
      ["seMetering", 0x0702],
      ["seMessaging", 0x0703],
      ["sePrepayment", 0x0705],
      ["seDeviceManagement", 0x0708],
      ["seEvents", 0x0709],
      ["seKeyEstablishment", 0x0800],
    ] as const) {
      expect(clusterByName(name)?.id).toBe(id);
      expect(clusterById(id)?.name).toBe(name);
    }
    expect(clusterByName("deviceManagement")?.id).toBe(0x0708);
    expect(clusterByName("nope")).toBeUndefined();
  });

  it("are frozen", () => {
    const dm = clusterById(0x0708)!;
    expect(Object.isFrozen(dm)).toBe(true);
    expect(Object.isFrozen(dm.commandsResponse[0]!.params[0])).toBe(true);
  });

  it("hold the tenancy attributes and the client event configuration set", () => {
    expect(attributeDef(0x0708, 0x0200)).toMatchObject({ name: "changeOfTenancyUpdateDateTime", type: DataType.UTC });
    expect(attributeDef(0x0708, 0x0201)).toMatchObject({
      name: "proposedTenancyChangeControl",
      type: DataType.BITMAP32,
    });
    for (let id = 0x06c0; id <= 0x06c7; id++)
      expect(attributeDef(0x0708, id, { client: true })?.type).toBe(DataType.BITMAP8);
    expect(attributeDef(0x0708, 0x06c0)).toBeUndefined();
    expect(attributeDef(0x0000, 0x0011)).toMatchObject({ name: "physicalEnv", type: DataType.ENUM8 });
    expect(attributeDef(0x0705, 0x0141)).toMatchObject({ name: "topUpAmount5", type: DataType.INT32 });
    expect(attributeDef(0x0705, 0x0239)).toMatchObject({ name: "debtRecoveryTopUpPercentage3" });
    expect(attributeDef(0x0702, 0x0c5b)).toMatchObject({
      name: "previousMonth13AlternativeConsumptionReceived",
      type: DataType.UINT32,
    });
  });

  it("every cluster's attribute names are unique, every command name unique per direction", () => {
    for (const c of CLUSTERS) {
      expect(new Set(c.attributes.map((a) => a.name)).size).toBe(c.attributes.length);
      for (const list of [c.commands, c.commandsResponse])
        expect(new Set(list.map((x) => x.id)).size).toBe(list.length);
    }
  });

  it("defineCluster refuses inconsistent records", () => {
    const base = { id: 1, name: "t", commands: [], commandsResponse: [] };
    expect(() =>
      defineCluster({ ...base, attributes: [attr(1, "a", DataType.UINT8), attr(1, "b", DataType.UINT8)] }),
    ).toThrow(/duplicate server attribute id 1/);
    const cmd = (params: ReturnType<typeof param>[]) =>
      defineCluster({ ...base, attributes: [], commands: [{ id: 0, name: "c", params }] });
    expect(() => cmd([param("x", "rest"), param("y", DataType.UINT8)])).toThrow(/must be last/);
    expect(() => cmd([param("x", DataType.UINT8, { optional: true }), param("y", DataType.UINT8)])).toThrow(
      /required parameter after an optional/,
    );
    expect(() =>
      cmd([param("l", "list", { of: DataType.UINT8, countField: "n" }), param("n", DataType.UINT8)]),
    ).toThrow(/count field 'n'/);
  });
});

describe("bits and time", () => {
  it("names PTCC bits and fields", () => {
    expect(PTCC.clearIhdDataConsumer).toBe(0x200);
    expect(PTCC.clearIhdDataSupplier).toBe(0x400);
    expect(bitNames(PTCC, 0x600)).toEqual(["clearIhdDataConsumer", "clearIhdDataSupplier"]);
    expect(bitNames(PTCC, 0x1)).toEqual(["preSnapshots"]);
    expect(bitsValue(PTCC, ["clearIhdDataConsumer", "clearIhdDataSupplier"])).toBe(0x600);
    expect(() => bitsValue(PTCC, ["clearEverything"])).toThrow(/unknown bit name/);
    expect(bitNames(TIME_STATUS, 9)).toEqual(["master", "superseding"]);
    expect(fieldValues(MESSAGE_CONTROL_FIELDS, 0x0e)).toEqual({ transmission: "interPanOnly", importance: "critical" });
  });

  it("converts ZCL UTC to hub ms and back (0x1C374A80 is 2015-01-01T00:00:00Z, domain.md §0)", () => {
    expect(new Date(zclUtcToMs(0x1c374a80)).toISOString()).toBe("2015-01-01T00:00:00.000Z");
    expect(msToZclUtc(Date.parse("2015-01-01T00:00:00Z"))).toBe(0x1c374a80);
    expect(msToZclUtc(Date.parse("2016-11-22T02:46:56.900Z"))).toBe(533098016);
    expect(zclUtcToIso(0)).toBe("2000-01-01T00:00:00Z");
    expect(zclUtcToIso(0x1fc66e20)).toBe("2016-11-22T02:46:56Z");
  });
});

import { describe, expect, it } from "vitest";
import {
  Eui64Error,
  eui64FromLe,
  eui64ToBytes,
  eui64ToLe,
  hex,
  hexUpper,
  normaliseEui64,
  parseEui64,
} from "../src/hex.js";

describe("hex", () => {
  it.each([
    [0x708, 4, "0x0708"],
    [0x600, 8, "0x00000600"],
    [0x200, 3, "0x200"],
    [0x8b, 2, "0x8b"],
    [0xfffe, 2, "0xfffe"],
    [0, undefined, "0x0"],
    [0x1a62, undefined, "0x1a62"],
  ])("hex(%i, %s) is %s", (n, width, text) => {
    expect(hex(n, width)).toBe(text);
  });

  it("hexUpper writes upper-case digits after a lower-case prefix", () => {
    expect(hexUpper(0xb6c3, 4)).toBe("0xB6C3");
    expect(hexUpper(0xa, 4)).toBe("0x000A");
  });
});

describe("EUI-64", () => {
  it.each([
    ["00DB1234567890A0", "0x00db1234567890a0"],
    ["0x00db1234567890a0", "0x00db1234567890a0"],
    ["0X00DB1234567890A0", "0x00db1234567890a0"],
    ["0x00:DB:12:34:56:78:90:A0", "0x00db1234567890a0"],
    ["00-db-12-34-56-78-90-a0", "0x00db1234567890a0"],
    ["  00db 1234 5678 90a0 ", "0x00db1234567890a0"],
  ])("reads %j as herdsman's form", (text, eui64) => {
    expect(parseEui64(text)).toBe(eui64);
    expect(normaliseEui64(text)).toBe(eui64);
  });

  it.each(["00DB1234567890", "00DB1234567890A0FF", "00DB1234567890AG", "", "0x"])(
    "refuses %j: parseEui64 gives undefined, normaliseEui64 an Eui64Error",
    (text) => {
      expect(parseEui64(text)).toBeUndefined();
      expect(() => normaliseEui64(text)).toThrow(Eui64Error);
      expect(() => normaliseEui64(text)).toThrow(`EUI-64 must be 16 hex digits (got ${JSON.stringify(text)})`);
    },
  );

  it("goes to and from the 8 little-endian bytes Zigbee sends", () => {
    const le = Buffer.from([0x04, 0x03, 0x02, 0x01, 0x00, 0x4b, 0x12, 0x00]);
    expect(eui64ToLe("0x00124b0001020304")).toEqual(le);
    expect(eui64ToLe("00124B0001020304")).toEqual(le);
    expect(eui64FromLe(le)).toBe("0x00124b0001020304");
    expect(eui64FromLe(Buffer.concat([Buffer.from([0xff]), le]), 1)).toBe("0x00124b0001020304");
  });

  it("left-pads a short address to 64 bits, and refuses what is not hex or is longer", () => {
    expect(eui64ToLe("0x1")).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
    expect(() => eui64ToLe("0x00124b00010203045")).toThrow(Eui64Error);
    expect(() => eui64ToLe("nothex")).toThrow(Eui64Error);
  });

  it("refuses to read an address from fewer than 8 bytes", () => {
    expect(() => eui64FromLe(Buffer.alloc(7))).toThrow(RangeError);
    expect(() => eui64FromLe(Buffer.alloc(8), 1)).toThrow(RangeError);
  });

  it("gives the bytes in reading order (herdsman's extendedPanID)", () => {
    expect(eui64ToBytes("0x00124b0001020304")).toEqual([0x00, 0x12, 0x4b, 0x00, 0x01, 0x02, 0x03, 0x04]);
  });
});

import { ZSpec } from "zigbee-herdsman";
import { describe, expect, it } from "vitest";
import {
  aesMmoHash,
  installCodeCrc,
  linkKeyFromInstallCode,
  parseInstallCode,
  withCrc,
} from "../../src/hub/install-code.js";

const SPEC_CODE = "83FED3407A939723A5C639B26916D505";
const SPEC_KEY = "66b6900981e1ee3ca4206b6b861c02bb";

describe("install-code CRC-16/X-25", () => {
  it("gives the catalogue check value 0x906E for '123456789'", () => {
    expect(installCodeCrc(Buffer.from("123456789", "ascii"))).toBe(0x906e);
  });
  it("gives C3 B5 on the wire for the Zigbee specification example", () => {
    const code = Buffer.from(SPEC_CODE, "hex");
    expect(withCrc(code).subarray(16).toString("hex")).toBe("c3b5");
    expect(installCodeCrc(code)).toBe(0xb5c3);
  });
  it("agrees with herdsman's crc16X25 over many codes", () => {
    for (let n = 0; n < 64; n++) {
      const code = Buffer.from(Array.from({ length: 6 + (n % 11) }, (_, i) => (i * 37 + n * 101) & 0xff));
      expect(installCodeCrc(code)).toBe(ZSpec.Utils.crc16X25(code));
    }
  });
});

describe("AES-MMO hash", () => {
  it("derives the Zigbee specification example link key from code + CRC", () => {
    const withCrcBytes = parseInstallCode(SPEC_CODE);
    expect(withCrcBytes.toString("hex").toUpperCase()).toBe(`${SPEC_CODE}C3B5`);
    expect(linkKeyFromInstallCode(withCrcBytes).toString("hex")).toBe(SPEC_KEY);
  });
  // herdsman implements only the short-message padding (16-bit length), so compare below 8192 bytes.
  it("agrees with herdsman's aes128MmoHash for lengths around block and padding edges", () => {
    for (const n of [0, 1, 13, 14, 15, 16, 17, 18, 30, 31, 32, 33, 100, 8191]) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + n) & 0xff));
      expect(aesMmoHash(data).toString("hex"), `length ${n}`).toBe(ZSpec.Utils.aes128MmoHash(data).toString("hex"));
    }
  });
});

describe("AES-MMO long-message padding", () => {
  it("from 8192 bytes on does not wrap the 16-bit length field to zero (as a short-form-only hash does)", () => {
    const data = Buffer.alloc(8192, 1);
    // herdsman's hash writes the bit length in 16 bits only, so 65536 bits becomes 0.
    expect(aesMmoHash(data).equals(ZSpec.Utils.aes128MmoHash(data))).toBe(false);
    expect(aesMmoHash(data)).toHaveLength(16);
  });
});

describe("parseInstallCode", () => {
  it("accepts separators, 0x and lower case, with or without the CRC", () => {
    const expected = `${SPEC_CODE}C3B5`.toLowerCase();
    expect(parseInstallCode("83:FE:D3:40:7A:93:97:23:A5:C6:39:B2:69:16:D5:05").toString("hex")).toBe(expected);
    expect(parseInstallCode("0x83fed340-7a939723-a5c639b2-6916d505 c3b5").toString("hex")).toBe(expected);
  });
  it("accepts 6, 8 and 12-byte codes with their CRC and computes it for 6 and 12 without", () => {
    for (const n of [6, 8, 12]) {
      const code = Buffer.alloc(n, 0x5a);
      const full = withCrc(code);
      expect(parseInstallCode(full.toString("hex")).equals(full)).toBe(true);
      if (n !== 8) expect(parseInstallCode(code.toString("hex")).equals(full)).toBe(true);
    }
  });
  it("refuses a wrong CRC and says so without echoing the code", () => {
    expect(() => parseInstallCode(`${SPEC_CODE}C3B6`)).toThrow(/CRC mismatch.*0xB6C3.*0xB5C3/);
    try {
      parseInstallCode(`${SPEC_CODE}0000`);
    } catch (e) {
      expect((e as Error).message).not.toContain("83FE");
    }
  });
  it("refuses bad lengths, non-hex and empty input with clear messages", () => {
    expect(() => parseInstallCode("0011223344556677889900")).toThrow(/11 bytes/);
    expect(() => parseInstallCode("83FED3407A93972G")).toThrow(/not a hex digit at position 16/);
    expect(() => parseInstallCode("123")).toThrow(/odd number/);
    expect(() => parseInstallCode("  ")).toThrow(/empty/);
    expect(() => linkKeyFromInstallCode(Buffer.alloc(16))).toThrow(/16 bytes/);
  });
});

import { describe, expect, it } from "vitest";
import { linkKeyFromInstallCode, parseInstallCode, withCrc } from "../../src/hub/install-code.js";

const SPEC_CODE = "83FED3407A939723A5C639B26916D505";
const SPEC_KEY = "66b6900981e1ee3ca4206b6b861c02bb";

describe("install code → link key (Zigbee specification example)", () => {
  it("appends the CRC C3 B5 (little-endian) to the code", () => {
    expect(withCrc(Buffer.from(SPEC_CODE, "hex")).subarray(16).toString("hex")).toBe("c3b5");
  });
  it("derives the example link key from code + CRC", () => {
    const withCrcBytes = parseInstallCode(SPEC_CODE);
    expect(withCrcBytes.toString("hex").toUpperCase()).toBe(`${SPEC_CODE}C3B5`);
    expect(linkKeyFromInstallCode(withCrcBytes).toString("hex")).toBe(SPEC_KEY);
  });
  it("refuses to derive a key from a code whose CRC is wrong", () => {
    const bad = Buffer.from(`${SPEC_CODE}C3B6`, "hex");
    expect(() => linkKeyFromInstallCode(bad)).toThrow(/CRC mismatch/);
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
    expect(() => parseInstallCode(`${SPEC_CODE}0000`)).toThrow(/^(?![\s\S]*83FE)[\s\S]*CRC mismatch/i);
  });
  it("refuses bad lengths, non-hex and empty input with clear messages", () => {
    expect(() => parseInstallCode("0011223344556677889900")).toThrow(/11 bytes/);
    expect(() => parseInstallCode("83FED3407A93972G")).toThrow(/not a hex digit at position 16/);
    expect(() => parseInstallCode("123")).toThrow(/odd number/);
    expect(() => parseInstallCode("  ")).toThrow(/empty/);
    expect(() => linkKeyFromInstallCode(Buffer.alloc(16))).toThrow(/16 bytes/);
  });
});

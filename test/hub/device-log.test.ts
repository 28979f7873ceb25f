import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { DEVICE_LOG_CAPACITY, DeviceLog, DeviceLogError, GbcsDeviceType } from "../../src/hub/device-log.js";
import { linkKeyFromInstallCode, parseInstallCode } from "../../src/hub/install-code.js";

const CODE = "83FED3407A939723A5C639B26916D505C3B5";

function eui(n: number): string {
  return `00DB1234567890${n.toString(16).padStart(2, "0").toUpperCase()}`;
}

describe("DeviceLog", () => {
  it("keys entries by the EUI-64 in herdsman's form, and refuses one that is not 16 hex digits", () => {
    const log = new DeviceLog();
    const e = log.add({ eui64: "0x00:DB:12:34:56:78:90:A0", installCode: CODE, deviceType: GbcsDeviceType.PPMID });
    expect(e.eui64).toBe("0x00db1234567890a0");
    let err: unknown;
    try {
      log.add({ eui64: "00DB1234567890", installCode: CODE, deviceType: GbcsDeviceType.PPMID });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(DeviceLogError);
    expect(err).toMatchObject({ code: "bad-eui64", message: 'EUI-64 must be 16 hex digits (got "00DB1234567890")' });
    expect(log.has("not an eui64")).toBe(false);
  });

  it("adds, lists, finds and removes entries", () => {
    const log = new DeviceLog();
    const e = log.add({ eui64: "00DB1234567890A0", installCode: CODE, deviceType: GbcsDeviceType.TYPE2 });
    expect(e).toEqual({ eui64: "0x00db1234567890a0", deviceType: 6, typeName: "Type 2" });
    log.add({ eui64: eui(1), installCode: CODE, deviceType: GbcsDeviceType.PPMID });
    expect(log.list().map((x) => x.eui64)).toEqual(["0x00db1234567890a0", "0x00db123456789001"]);
    expect(log.has("0x00DB1234567890A0")).toBe(true);
    expect(log.get(eui(1))?.typeName).toBe("PPMID");
    log.remove("00db1234567890a0");
    expect(log.has("00DB1234567890A0")).toBe(false);
    expect(log.size).toBe(1);
    expect(() => log.remove("00db1234567890a0")).toThrow(/not in the Device Log/);
  });

  it("holds 16 entries and refuses the 17th with a clear error", () => {
    const log = new DeviceLog();
    for (let i = 0; i < DEVICE_LOG_CAPACITY; i++) log.add({ eui64: eui(i), installCode: CODE, deviceType: 6 });
    expect(log.size).toBe(16);
    expect(() => log.add({ eui64: eui(16), installCode: CODE, deviceType: 6 })).toThrow(
      "the Device Log is full (16 entries); remove a device before adding 0x00db123456789010",
    );
    log.remove(eui(3));
    expect(() => log.add({ eui64: eui(16), installCode: CODE, deviceType: 6 })).not.toThrow();
  });

  it("refuses a duplicate EUI-64 in any spelling, a bad type and a bad install code", () => {
    const log = new DeviceLog();
    log.add({ eui64: eui(1), installCode: CODE, deviceType: 5 });
    expect(() => log.add({ eui64: "0x00db123456789001", installCode: CODE, deviceType: 6 })).toThrow(
      /0x00db123456789001 is already in the Device Log/,
    );
    expect(() => log.add({ eui64: eui(2), installCode: CODE, deviceType: 7 })).toThrow(/not a GBCS device type/);
    expect(() => log.add({ eui64: eui(3), installCode: `${CODE.slice(0, -4)}0000`, deviceType: 6 })).toThrow(
      /install code of 0x00db123456789003 refused: install code CRC mismatch/,
    );
    expect(log.size).toBe(1);
  });

  it("gives the trust centre the link key but never shows install codes in JSON, toString or inspect", () => {
    const log = new DeviceLog();
    log.add({ eui64: eui(1), installCode: CODE, deviceType: 6 });
    expect(log.linkKeyOf(eui(1))?.toString("hex")).toBe(linkKeyFromInstallCode(parseInstallCode(CODE)).toString("hex"));
    const shown = [JSON.stringify(log), String(log), inspect(log, { depth: 5 }), JSON.stringify(log.list())];
    for (const s of shown) {
      expect(s.toLowerCase()).not.toContain("83fed340");
      expect(s.toLowerCase()).not.toContain("66b69009");
    }
    expect(String(log)).toContain("0x00db123456789001 Type 2");
  });
});

/**
 * What the virtual ZNP hands its logger at debug level: every frame's command name and length, the
 * payload only of commands that cannot carry key material. NV writes and reads (network key, PRECFGKEY),
 * install codes and the SAPI configuration read never reach the logger as bytes.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import { MtType, Subsystem, encodeFrame } from "../../../src/virtual/znp/frame.js";
import { createZnp } from "../../../src/virtual/znp/index.js";
import { ZnpState } from "../../../src/virtual/znp/state.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

/** An emulator whose frame log is captured as parsed JSON lines, and a way to send it SREQs. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const medium = new HanMedium();
  const emu = createZnp({ state: new ZnpState("0x00124b0001020304"), medium, logger: pino({ level: "debug" }, sink) });
  const out: Buffer[] = [];
  emu.setSink((b) => out.push(b));
  const sreq = (subsystem: number, command: number, data: Buffer) =>
    emu.fromHost(encodeFrame(MtType.SREQ, subsystem, command, data));
  const close = () => {
    medium.close();
    emu.close();
  };
  return { lines, sreq, out, close };
}

const NETWORK_KEY = "b63c173feaee55d6d95e9d8e25419d80";
const INSTALL_CODE = "83fed3407a939723a5c639b26916d505c3b5"; // with its CRC

describe("virtual ZNP frame logs", () => {
  it("show name and length, never the bytes, of NV writes and reads, install codes and SAPI config reads", () => {
    const { lines, sreq, close } = capture();
    // osalNvItemInit + osalNvWriteExt of PRECFGKEY (0x0062) with the key, then read it back
    sreq(Subsystem.SYS, 0x07, Buffer.concat([hex("6200 1000 10"), hex(NETWORK_KEY)]));
    sreq(Subsystem.SYS, 0x1d, Buffer.concat([hex("6200 0000 1000"), hex(NETWORK_KEY)]));
    sreq(Subsystem.SYS, 0x1c, hex("6200 0000"));
    sreq(Subsystem.SYS, 0x08, hex("6200 00"));
    // APP_CNF_BDB_ADD_INSTALLCODE (format 1: code and CRC)
    sreq(Subsystem.APP_CNF, 0x04, Buffer.concat([hex("01 0807060504030201"), hex(INSTALL_CODE)]));
    // an extended NV write and an unknown ZDO command (ZDO_SET_LINK_KEY) carrying a key
    sreq(Subsystem.SYS, 0x30, hex("01 0400 0100 10000000"));
    sreq(Subsystem.SYS, 0x34, Buffer.concat([hex("01 0400 0100 0000 10"), hex(NETWORK_KEY)]));
    sreq(Subsystem.ZDO, 0x23, Buffer.concat([hex("1234 0807060504030201"), hex(NETWORK_KEY)]));
    close();

    const text = JSON.stringify(lines).toLowerCase();
    expect(text).not.toContain(NETWORK_KEY);
    expect(text).not.toContain(INSTALL_CODE);
    expect(text).not.toContain(NETWORK_KEY.slice(0, 16));
    const names = lines.map((l) => l.command);
    expect(names).toEqual(
      expect.arrayContaining([
        "SYS_OSAL_NV_ITEM_INIT",
        "SYS_OSAL_NV_WRITE_EXT",
        "SYS_OSAL_NV_READ_EXT",
        "APP_CNF_BDB_ADD_INSTALLCODE",
        "SYS_NV_WRITE",
        "ZDO_SET_LINK_KEY",
      ]),
    );
    const write = lines.find((l) => l.command === "SYS_OSAL_NV_WRITE_EXT" && l.msg === "znp in");
    expect(write).toMatchObject({ length: 22 });
    expect(write).not.toHaveProperty("data");
  });

  it("show the payload of commands that carry no keys (a ping's SRSP, an AF data request)", () => {
    const { lines, sreq, close } = capture();
    sreq(Subsystem.SYS, 0x01, Buffer.alloc(0));
    sreq(Subsystem.AF, 0x01, hex("3412 01 01 0000 07 00 1e 03 000102"));
    close();
    expect(lines.find((l) => l.command === "SYS_PING" && l.msg === "znp out")).toMatchObject({ length: 2 });
    expect(lines.find((l) => l.command === "AF_DATA_REQUEST" && l.msg === "znp in")).toMatchObject({
      data: "34120101000007001e03000102",
    });
  });
});

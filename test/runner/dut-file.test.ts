import { describe, expect, it } from "vitest";
import { DutFileError, parseDutFile } from "../../src/runner/dut-file.js";

const good = {
  label: "acme-ihd",
  kind: "ihd",
  eui64: "00:0D:6F:00:0A:BC:DE:F0",
  installCode: "83FE D340 7A93 9723 A5C6 39B2 6916 D505 C3B5",
  firmware: "5.0.3",
  claims: "5.0",
  probe: {
    method: "console",
    port: "/dev/ttyUSB1",
    dumpCommand: "dump\r\n",
    endMarker: "END",
    timeout: "2s",
    patterns: {
      consumption: "^HIST (?<role>esme|gpf) (?<item>\\S+) (?<period>\\S+) (?<value>\\d+)$",
      message: "^MSG (?<messageId>\\d+) (?<text>.*)$",
    },
  },
};

function parse(o: unknown) {
  return parseDutFile(JSON.stringify(o), "ihd.json");
}

describe("DUT file", () => {
  it("reads a console-probe declaration", () => {
    const d = parse(good);
    expect(d.ieee).toBe("0x000d6f000abcdef0");
    // the Zigbee specification's install-code example: the code and its CRC-16/X-25, C3B5
    expect(d.installCode.toString("hex").toUpperCase()).toBe("83FED3407A939723A5C639B26916D505C3B5");
    expect(d.probe.method).toBe("console");
    if (d.probe.method !== "console") throw new Error("unreachable");
    expect(d.probe.timeoutMs).toBe(2000);
    expect(d.probe.dumpCommand).toBe("dump\r\n");
    expect(d.probe.baudRate).toBe(115200);
    expect(d.probe.patterns.message?.exec("MSG 7 hello there")?.groups).toMatchObject({
      messageId: "7",
      text: "hello there",
    });
  });

  it("defaults to the operator probe", () => {
    const { probe: _p, ...noProbe } = good;
    expect(parse(noProbe).probe).toEqual({ method: "operator" });
  });

  it.each([
    [{ ...good, kind: "cad" }, /"kind" must be "ihd" or "ppmid"/],
    [{ ...good, eui64: "00:0D:6F" }, /"eui64": EUI-64 must be 16 hex digits/],
    [{ ...good, installCode: "1234" }, /"installCode": install code has 2 bytes/],
    [{ ...good, installCode: "83FED3407A939723A5C639B26916D505C3B6" }, /"installCode": install code CRC mismatch/],
    [{ ...good, eui64: undefined }, /^ihd\.json: missing "eui64"$/],
    [{ ...good, label: undefined }, /missing "label"/],
    [{ ...good, probe: { ...good.probe, method: "telepathy" } }, /probe method must be "console" or "operator"/],
    [{ ...good, probe: { ...good.probe, patterns: { message: "^MSG (.*)$" } } }, /needs a named group \(\?<messageId>/],
    [{ ...good, probe: { ...good.probe, patterns: { message: "(?<messageId>[" } } }, /not a valid regular expression/],
    [{ ...good, probe: { ...good.probe, timeout: "soon" } }, /probe "timeout": 'soon' is not a duration/],
  ])("refuses a bad declaration with a clear message (%#)", (o, message) => {
    expect(() => parse(o)).toThrow(DutFileError);
    expect(() => parse(o)).toThrow(message);
  });

  it("computes the CRC of an install code given without one", () => {
    expect(parse({ ...good, installCode: "83FED3407A939723A5C639B26916D505" }).installCode).toEqual(
      Buffer.from("83FED3407A939723A5C639B26916D505C3B5", "hex"),
    );
  });

  it("refuses text that is not JSON, naming the file", () => {
    expect(() => parseDutFile("{label:", "x.json")).toThrow(/^x\.json: not valid JSON/);
  });
});

describe("DUT file: what the device never shows", () => {
  it("reads neverShows, once each", () => {
    expect(parse({ ...good, neverShows: ["consumption", "consumption"] }).neverShows).toEqual(["consumption"]);
    expect(parse(good).neverShows).toBeUndefined();
  });

  it("refuses anything but consumption and messages, naming them", () => {
    for (const v of [["history"], "messages", [1]]) {
      expect(() => parse({ ...good, neverShows: v })).toThrow(DutFileError);
      expect(() => parse({ ...good, neverShows: v })).toThrow(
        'ihd.json: "neverShows" must be a list of "consumption" and "messages"',
      );
    }
  });
});

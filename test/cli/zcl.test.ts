/** `hanbench zcl` through the real entry point (node bin/hanbench.js), as a user runs it. */
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { GCS07_COMMAND, GCS09_COMMAND, GCS09_RESPONSE } from "../zcl/vectors.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function hanbench(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile("node", ["bin/hanbench.js", ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const GCS09_JSON = JSON.stringify({
  providerId: 0,
  issuerEventId: 473385600,
  tariffType: 0,
  implementationDateTime: "2016-11-22T02:46:56Z",
  proposedTenancyChangeControl: 512,
});

describe("hanbench zcl decode/encode with the GB vectors", { timeout: 120_000 }, () => {
  it("decodes GCS09 PublishChangeOfTenancy to the listed fields", async () => {
    const r = await hanbench("zcl", "decode", "--cluster", "0x0708", GCS09_COMMAND.hex);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      cluster: "seDeviceManagement",
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: false,
      manufacturerSpecific: false,
      tsn: 0,
      commandId: 0,
      command: "publishChangeOfTenancy",
    });
    expect(json.payload).toEqual({
      providerId: 0,
      issuerEventId: 473385600,
      tariffType: 0,
      implementationDateTime: "2016-11-22T02:46:56Z",
      proposedTenancyChangeControl: 512,
      proposedTenancyChangeControlBits: ["clearIhdDataConsumer"],
      proposedTenancyChangeControlFields: { meterContactorState: "supplyOff" },
    });
  });

  it("decodes GCS07 DisplayMessage by cluster name, bytes given as separate arguments", async () => {
    const r = await hanbench("zcl", "decode", "--cluster", "seMessaging", ...GCS07_COMMAND.hex.split(" "));
    expect(r.code).toBe(0);
    const { command, payload } = JSON.parse(r.stdout);
    expect(command).toBe("displayMessage");
    expect(payload).toMatchObject({
      messageId: 473385600,
      messageControl: 0,
      startTime: 0,
      startTimeMeaning: "now",
      durationInMinutes: 65535,
      durationInMinutesMeaning: "untilChanged",
      message: "Reset",
    });
    expect(payload).not.toHaveProperty("extendedMessageControl");
  });

  it("decodes the Default Response with the cluster given in decimal", async () => {
    const r = await hanbench("zcl", "decode", "--cluster", "1800", GCS09_RESPONSE.hex);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      frameType: "global",
      direction: "clientToServer",
      command: "defaultRsp",
      payload: { commandId: 0, status: 0 },
    });
  });

  it("encodes GCS09 back to the vector bytes", async () => {
    const r = await hanbench(
      "zcl",
      "encode",
      "--cluster",
      "deviceManagement",
      "--command",
      "publishChangeOfTenancy",
      "--direction",
      "serverToClient",
      GCS09_JSON,
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(GCS09_COMMAND.hex.replace(/ /g, "").toLowerCase());
  });

  it("encodes GCS07 back to the vector bytes (direction inferred)", async () => {
    const payload =
      '{"messageId":473385600,"messageControl":0,"startTime":0,"durationInMinutes":65535,"message":"Reset"}';
    const r = await hanbench("zcl", "encode", "--cluster", "0x0703", "--command", "displayMessage", payload);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(GCS07_COMMAND.hex.replace(/ /g, "").toLowerCase());
  });

  it("encodes a global Default Response and honours the frame-control flags", async () => {
    const r = await hanbench(
      "zcl",
      "encode",
      "--cluster",
      "0x0708",
      "--global",
      "--command",
      "defaultRsp",
      "--direction",
      "c2s",
      '{"commandId":0,"status":0}',
    );
    expect(r.stdout.trim()).toBe("00000b0000");
    const m = await hanbench(
      "zcl",
      "encode",
      "--cluster",
      "0x0708",
      "--command",
      "getChangeOfTenancy",
      "--tsn",
      "7",
      "--disable-default-response",
      "--manufacturer-code",
      "0x1234",
    );
    // FC 0x15: specific, manufacturer-specific, client → server, default response disabled.
    expect(m.stdout.trim()).toBe("1534120700");
  });

  it("prints help for zcl, decode and encode with the GB examples", async () => {
    const top = await hanbench("zcl", "--help");
    const dec = await hanbench("zcl", "decode", "--help");
    const enc = await hanbench("zcl", "encode", "--help");
    expect([top.code, dec.code, enc.code]).toEqual([0, 0, 0]);
    expect(dec.stdout).toContain("09 00 00 00 00 00 00 80 4A 37 1C 00 20 6E C6 1F 00 02 00 00");
    expect(enc.stdout).toContain("--manufacturer-code");
    expect(enc.stdout).toContain("09000000000000804a371c00206ec61f00020000");
  });
});

describe("hanbench zcl bad input: one line naming the field and offset, exit 2", { timeout: 60_000 }, () => {
  const bad: [string, string[], RegExp][] = [
    ["unknown cluster", ["decode", "--cluster", "seNope", "00000b0000"], /unknown cluster 'seNope'/],
    [
      "unknown command",
      ["encode", "--cluster", "0x0708", "--command", "publishChangeOfTenant", "{}"],
      /no command 'publishChangeOfTenant'/,
    ],
    [
      "unknown command id",
      ["decode", "--cluster", "0x0708", "09 00 7f"],
      /commandId at byte 2: .*no serverToClient command 0x7f/,
    ],
    [
      "truncated payload",
      ["decode", "--cluster", "0x0708", GCS09_COMMAND.hex.slice(0, -6)],
      /proposedTenancyChangeControl at byte 16: truncated/,
    ],
    [
      "over-long payload",
      ["decode", "--cluster", "0x0708", `${GCS09_COMMAND.hex} 00 01`],
      /publishChangeOfTenancy at byte 20: 2 unexpected trailing byte/,
    ],
    [
      "truncated string",
      ["decode", "--cluster", "0x0703", GCS07_COMMAND.hex.slice(0, -3)],
      /displayMessage\.message at byte 14: truncated: string length 5/,
    ],
    [
      "out-of-range value",
      [
        "encode",
        "--cluster",
        "0x0708",
        "--command",
        "publishChangeOfTenancy",
        GCS09_JSON.replace('"tariffType":0', '"tariffType":256'),
      ],
      /publishChangeOfTenancy\.tariffType at byte 11: 256 is out of range for ENUM8/,
    ],
    [
      "missing field",
      ["encode", "--cluster", "0x0708", "--command", "publishChangeOfTenancy", "{}"],
      /providerId at byte 3: missing/,
    ],
    [
      "bad time",
      [
        "encode",
        "--cluster",
        "0x0708",
        "--command",
        "publishChangeOfTenancy",
        GCS09_JSON.replace("2016-11-22T02:46:56Z", "yesterday"),
      ],
      /implementationDateTime: "yesterday" is not an ISO-8601/,
    ],
    ["bad hex", ["decode", "--cluster", "0x0708", "09 0g"], /'g' at digit 3 is not a hex digit/],
    [
      "bad json",
      ["encode", "--cluster", "0x0708", "--command", "getChangeOfTenancy", "{nope"],
      /payload: not valid JSON/,
    ],
  ];
  it.each(bad)("%s", async (_, args, message) => {
    const r = await hanbench("zcl", ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hanbench zcl: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("hanbench zcl decode: SE special values and violations", { timeout: 120_000 }, () => {
  it("shows a CoT date of 0xFFFFFFFF as 'no CoT / invalid', in ZCL seconds, not as a date in 2136", async () => {
    // Read Attributes Response from a meter: 0x0200 ChangeOfTenancyUpdateDateTime (UTC) = 0xFFFFFFFF
    const r = await hanbench("zcl", "decode", "--cluster", "0x0708", "18 01 01 00 02 00 E2 FF FF FF FF");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).payload.records).toEqual([
      {
        attrId: 0x0200,
        name: "changeOfTenancyUpdateDateTime",
        status: 0,
        type: 0xe2,
        typeName: "UTC",
        value: 0xffffffff,
        valueMeaning: "no CoT / invalid",
      },
    ]);
    expect(r.stdout).not.toContain("2136");
  });

  it("shows any other UTC time of 0xFFFFFFFF as ZCL's invalid time", async () => {
    const r = await hanbench("zcl", "decode", "--cluster", "0x0702", "18 01 01 07 00 00 E2 FF FF FF FF");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).payload.records[0]).toMatchObject({
      value: 0xffffffff,
      valueMeaning: "invalid (no time)",
    });
  });

  it("lists violations; --strict exits 2 on them with one line, the JSON still printed", async () => {
    const frame = "09 00 00 80 4A 37 1C 00 00 00 00 00 FF FF 05 52 FF 73 65 74";
    const lenient = await hanbench("zcl", "decode", "--cluster", "seMessaging", frame);
    expect(lenient.code).toBe(0);
    const violation = {
      field: "displayMessage.message",
      offset: 15,
      what: "not valid UTF-8 (shown with U+FFFD for the bad bytes)",
    };
    expect(JSON.parse(lenient.stdout).violations).toEqual([violation]);
    const strict = await hanbench("zcl", "decode", "--strict", "--cluster", "seMessaging", frame);
    expect(strict.code).toBe(2);
    expect(JSON.parse(strict.stdout).violations).toEqual([violation]);
    expect(strict.stderr).toBe(
      "hanbench zcl decode: --strict: 1 violation(s); the first: displayMessage.message at byte 15: not valid UTF-8 (shown with U+FFFD for the bad bytes)\n",
    );
    const clean = await hanbench("zcl", "decode", "--strict", "--cluster", "seMessaging", GCS07_COMMAND.hex);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).not.toHaveProperty("violations");
  });
});

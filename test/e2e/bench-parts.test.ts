/**
 * The parts a bench run rests on, each on its own: the device console's dump (read back through the console
 * probe's own parser and patterns), the ZDO_MSG_CB_INCOMING frames the host reads discovery from, DUT
 * install codes, and the options of `hanbench virtual` and `hanbench run` for bench rehearsals.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRunArgs } from "../../src/cli/run.js";
import { parseVirtualArgs } from "../../src/cli/virtual.js";
import { UsageError } from "../../src/cli/errors.js";
import { parseMsgCbIncoming } from "../../src/host/zdo-requests.js";
import type { Holdings } from "../../src/evidence/events.js";
import { parseDump } from "../../src/runner/probes/console.js";
import { answer, consoleName, dumpLines } from "../../src/virtual/console.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-bench-parts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOLDINGS: Holdings = {
  consumption: [
    {
      role: "esme",
      clusterId: 0x0702,
      item: "day",
      period: "2026-11-27T00:00:00.000Z",
      periodEnd: "2026-11-28T00:00:00.000Z",
      value: 1201,
    },
    { role: "gpf", clusterId: 0x0702, item: "week", period: "2026-11-23T00:00:00.000Z", value: 9902 },
  ],
  messages: [
    { messageId: 546601, text: "Supplier message\r\n1", receivedAt: "2026-11-27T09:00:00.000Z" },
    { messageId: 546602, text: "no time" },
  ],
  topUps: [{ role: "esme", clusterId: 0x0705, item: "topup-1", value: 2001 }],
  debts: [{ role: "gpf", clusterId: 0x0705, item: "debt-1", value: 301 }],
  aggregates: [
    { role: "esme", item: "totalSinceStart", start: "2026-11-20T00:00:00.000Z", granularity: "day", value: 40 },
  ],
  state: [{ role: "gpf", clusterId: 0x0702, item: "current summation", value: 99902 }],
};

/** The console patterns hardware/README.md gives for rehearsing against `hanbench virtual --console`. */
const PATTERNS = {
  consumption: /^HIST (?<role>esme|gpf) (?<item>\S+) (?<period>\S+) (?<value>\d+)$/,
  message: /^MSG (?<messageId>\d+) (?<received>\S+) (?<text>.*)$/,
  aggregate: /^AGG (?<role>esme|gpf) (?<item>\S+) (?<start>\S+) (?<granularity>\S+) (?<value>\S+)$/,
  state: /^STATE (?<role>esme|gpf) (?<item>\S+) (?<value>\S+)$/,
  topUp: /^TOPUP (?<role>esme|gpf) (?<item>\S+) (?<value>\d+)$/,
  debt: /^DEBT (?<role>esme|gpf) (?<item>\S+) (?<value>\d+)$/,
};

describe("device console", () => {
  it("dumps the store as one line per item, ending with END, which the console probe reads back", () => {
    const lines = dumpLines(HOLDINGS);
    expect(lines).toEqual([
      "HIST esme day 2026-11-27T00:00:00.000Z/2026-11-28T00:00:00.000Z 1201",
      "HIST gpf week 2026-11-23T00:00:00.000Z 9902",
      "MSG 546601 2026-11-27T09:00:00.000Z Supplier message 1",
      "MSG 546602 - no time",
      "AGG esme totalSinceStart 2026-11-20T00:00:00.000Z day 40",
      "STATE gpf current_summation 99902",
      "TOPUP esme topup-1 2001",
      "DEBT gpf debt-1 301",
      "END",
    ]);
    const back = parseDump(lines.slice(0, -1), PATTERNS);
    expect(back.consumption.map((c) => [c.role, c.value, c.period, c.periodEnd])).toEqual([
      ["esme", 1201, "2026-11-27T00:00:00.000Z", "2026-11-28T00:00:00.000Z"],
      ["gpf", 9902, "2026-11-23T00:00:00.000Z", undefined],
    ]);
    expect(back.messages).toEqual([
      { messageId: 546601, text: "Supplier message 1", receivedAt: "2026-11-27T09:00:00.000Z" },
      { messageId: 546602, text: "no time" },
    ]);
    expect(back.aggregates).toEqual(HOLDINGS.aggregates);
    expect(back.state).toEqual([{ role: "gpf", clusterId: 0x0702, item: "current_summation", value: 99902 }]);
    expect(back.topUps[0]?.value).toBe(2001);
    expect(back.debts[0]?.role).toBe("gpf");
  });

  it("answers dump and help, refuses anything else, ignores empty lines", () => {
    const device = { label: "ihd-1 (ihd:compliant)", holdings: () => HOLDINGS };
    expect(answer(device, "  DUMP ")?.at(-1)).toBe("END");
    expect(answer(device, "dump")?.length).toBe(9);
    expect(answer(device, "help")?.[0]).toMatch(/dump/);
    expect(answer(device, "reboot")?.[0]).toMatch(/^ERR unknown command 'reboot'/);
    expect(answer(device, "")).toBeUndefined();
    expect(consoleName("ihd-1 (ihd:compliant)")).toBe("ihd-1");
    expect(consoleName("ppmid 2/x")).toBe("ppmid-2-x");
  });
});

describe("ZDO_MSG_CB_INCOMING", () => {
  function frame(data: Buffer): Buffer {
    const body = Buffer.concat([Buffer.from([data.length, 0x45, 0xff]), data]);
    let fcs = 0;
    for (const b of body) fcs ^= b;
    return Buffer.concat([Buffer.from([0xfe]), body, Buffer.from([fcs])]);
  }

  it("gives source, cluster, broadcast flag and the whole request body", () => {
    // a broadcast Match_Desc from 0x1234: srcaddr, wasbroadcast, clusterid, securityuse, seqnum, macdstaddr, body
    const body = Buffer.from([0xfd, 0xff, 0x09, 0x01, 0x02, 0x02, 0x07, 0x08, 0x07, 0x00]);
    const data = Buffer.concat([Buffer.from([0x34, 0x12, 1, 0x06, 0x00, 0, 0x2a, 0xfd, 0xff]), body]);
    expect(parseMsgCbIncoming(frame(data))).toEqual({ srcNwk: 0x1234, broadcast: true, clusterId: 0x0006, body });
    // a unicast Simple_Desc keeps its body too (herdsman's own parser would read 0 bytes of it)
    const simple = Buffer.concat([
      Buffer.from([0x34, 0x12, 0, 0x04, 0x00, 0, 0x2b, 0x00, 0x00]),
      Buffer.from([0, 0, 3]),
    ]);
    expect(parseMsgCbIncoming(frame(simple))?.body).toEqual(Buffer.from([0, 0, 3]));
  });

  it("ignores other frames", () => {
    const tcDeviceInd = Buffer.from([0xfe, 0x0c, 0x45, 0xca, ...Buffer.alloc(12), 0]);
    expect(parseMsgCbIncoming(tcDeviceInd)).toBeUndefined();
    expect(parseMsgCbIncoming(Buffer.from([0xfe, 0x02, 0x45, 0xff, 1, 2, 0]))).toBeUndefined();
  });
});

describe("options for bench rehearsals", () => {
  it("hanbench virtual takes a poll interval, a clock scale and a console directory", () => {
    const v = parseVirtualArgs(["--poll-interval", "500ms", "--clock-scale", "60", "--console", "/c"]);
    expect(v).toMatchObject({ pollIntervalMs: 500, clockScale: 60, console: "/c" });
    expect(parseVirtualArgs([])).toMatchObject({ clockScale: 1 });
    expect(() => parseVirtualArgs(["--poll-interval", "soon"])).toThrow(UsageError);
    expect(() => parseVirtualArgs(["--poll-interval", "10ms"])).toThrow(/at least 100ms/);
    expect(() => parseVirtualArgs(["--clock-scale", "0"])).toThrow(UsageError);
  });

  it("hanbench run: seconds of window on the bench only; --join-timeout on the bench only", () => {
    const dut = join(dir, "ihd.json");
    writeFileSync(
      dut,
      JSON.stringify({
        label: "x",
        kind: "ihd",
        eui64: "0D6F0053CBE880FE",
        installCode: "B63C173FEAEE55D6D95E9D8E25419D801D5B",
      }),
    );
    const bench = parseRunArgs(["--port", "/dev/null", "--dut", dut, "--window", "4s", "--join-timeout", "2m"]);
    expect(bench).toMatchObject({ mode: "bench", windowMs: 4_000, joinTimeoutMs: 120_000 });
    expect(() => parseRunArgs(["--window", "4s"])).toThrow(/at least 1m/);
    expect(() => parseRunArgs(["--port", "/dev/null", "--dut", dut, "--window", "500ms"])).toThrow(/at least 1s/);
    expect(() => parseRunArgs(["--join-timeout", "2m"])).toThrow(/bench runs/);
  });
});

import { DelimiterParser } from "@serialport/parser-delimiter";
import { SerialPort } from "serialport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDutFile, type ConsoleProbeSpec } from "../../../src/runner/dut-file.js";
import { ConsoleProbe, parseDump, VIRTUAL_CONSOLE } from "../../../src/runner/probes/console.js";
import { dumpLines } from "../../../src/virtual/console.js";
import type { LookFor } from "../../../src/runner/probes/types.js";
import type { Holdings } from "../../../src/evidence/events.js";
import { ptyPair, type PtyPair } from "../../support/pty-pair.js";

const NOTHING: LookFor = { messages: [], periods: [], cots: [] };

function spec(port: string, extra: Record<string, unknown> = {}): ConsoleProbeSpec {
  const d = parseDutFile(
    JSON.stringify({
      label: "x",
      kind: "ihd",
      eui64: "00db1234567890a0",
      installCode: "83FED3407A939723A5C639B26916D505C3B5",
      probe: {
        method: "console",
        port,
        dumpCommand: "dump\r\n",
        endMarker: "END",
        timeout: "1s",
        patterns: {
          consumption: "^HIST (?<role>esme|gpf) (?<item>\\S+) (?<period>\\S+) (?<value>\\d+)$",
          message: "^MSG (?<messageId>\\d+) (?<received>\\S+) (?<text>.*)$",
          aggregate: "^AGG (?<role>esme|gpf) (?<item>\\S+) (?<start>\\S+) (?<granularity>\\S+) (?<value>\\S+)$",
          state: "^STATE (?<role>esme|gpf) (?<item>\\S+) (?<value>\\S+)$",
        },
        ...extra,
      },
    }),
    "dut.json",
  );
  if (d.probe.method !== "console") throw new Error("unreachable");
  return d.probe;
}

/** A fake device console on the other end of the cable: answers `dump` with its data store. */
function fakeConsole(path: string, reply: string[]): Promise<{ port: SerialPort; received: string[] }> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    const received: string[] = [];
    port.open((err) => {
      if (err) return reject(err);
      port.pipe(new DelimiterParser({ delimiter: "\n" })).on("data", (line: Buffer) => {
        const cmd = line.toString().trim();
        received.push(cmd);
        if (cmd === "dump") port.write(reply.map((l) => `${l}\r\n`).join(""));
      });
      resolve({ port, received });
    });
  });
}

describe("console probe over a real serial port (socat pty pair)", () => {
  let pair: PtyPair;
  let device: SerialPort | undefined;
  beforeEach(async () => {
    pair = await ptyPair();
  });
  afterEach(async () => {
    if (device?.isOpen) await new Promise((r) => device!.close(r));
    device = undefined;
    await pair.close();
  });

  it("sends the dump command and parses the dump into holdings, each value with its period", async () => {
    const fake = await fakeConsole(pair.b, [
      "IHD data store",
      "HIST esme previousDayConsumptionDelivered 2026-11-26T00:00:00Z/2026-11-27T00:00:00Z 4123",
      "HIST gpf previousDay2AlternativeConsumptionDelivered 2026-11-25T00:00:00Z 11870",
      "HIST esme previousDayCostConsumptionDelivered 2026-11-26T00:00:00Z 99123",
      "MSG 4821 2026-11-27T09:00:00.000Z Supplier message 1",
      "AGG esme totalSinceStart 2026-11-20T00:00:00.000Z day 40123",
      "STATE gpf currentSummationDelivered 9912345",
      "END",
      "MSG 9999 - after the end marker",
    ]);
    device = fake.port;
    const answer = await new ConsoleProbe(spec(pair.a)).take("baseline", NOTHING);
    expect(answer.error).toBeUndefined();
    expect(fake.received).toEqual(["dump"]);
    expect(answer.ok).toBe(true);
    expect(answer.holdings?.messages).toEqual([
      { messageId: 4821, text: "Supplier message 1", receivedAt: "2026-11-27T09:00:00.000Z" },
    ]);
    expect(answer.holdings?.consumption).toEqual([
      {
        role: "esme",
        clusterId: 0x0702,
        item: "previousDayConsumptionDelivered",
        period: "2026-11-26T00:00:00Z",
        periodEnd: "2026-11-27T00:00:00Z",
        value: 4123,
      },
      {
        role: "gpf",
        clusterId: 0x0702,
        item: "previousDay2AlternativeConsumptionDelivered",
        period: "2026-11-25T00:00:00Z",
        value: 11870,
      },
      {
        role: "esme",
        clusterId: 0x0705,
        item: "previousDayCostConsumptionDelivered",
        period: "2026-11-26T00:00:00Z",
        value: 99123,
      },
    ]);
    expect(answer.holdings?.aggregates).toEqual([
      { role: "esme", item: "totalSinceStart", start: "2026-11-20T00:00:00.000Z", granularity: "day", value: 40123 },
    ]);
    expect(answer.holdings?.state).toEqual([
      { role: "gpf", clusterId: 0x0702, item: "currentSummationDelivered", value: 9912345 },
    ]);
  });

  it("reports no answer (not an empty store) when the device stays silent", async () => {
    const fake = await fakeConsole(pair.b, []);
    device = fake.port;
    fake.port.removeAllListeners("data");
    const answer = await new ConsoleProbe(spec(pair.a, { timeout: "300ms" })).take("baseline", NOTHING);
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/no answer to the dump command/);
  });

  it("takes the end marker alone for an empty store (a device that has just cleared everything)", async () => {
    const fake = await fakeConsole(pair.b, ["END"]);
    device = fake.port;
    const answer = await new ConsoleProbe(spec(pair.a)).take("after-cot", NOTHING);
    expect(answer).toEqual({
      ok: true,
      holdings: { consumption: [], messages: [], topUps: [], debts: [], aggregates: [], state: [] },
    });
  });

  it("reports a port that cannot be opened", async () => {
    const answer = await new ConsoleProbe(spec(`${pair.a}-missing`)).take("baseline", NOTHING);
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/-missing/);
  });
});

describe("dump parsing", () => {
  it("reads with VIRTUAL_CONSOLE what the consoles of 'hanbench virtual --console' print", () => {
    const holdings: Holdings = {
      consumption: [
        {
          role: "esme",
          clusterId: 0x0702,
          item: "previousDayConsumpDelivered",
          period: "2026-12-03T00:00:00.000Z",
          periodEnd: "2026-12-04T00:00:00.000Z",
          value: 38801,
        },
        { role: "gpf", clusterId: 0x0705, item: "previousDayCostConsumptionDelivered", value: 12 },
      ],
      messages: [{ messageId: 849726248, text: "two words", receivedAt: "2026-12-04T19:04:08.000Z" }],
      topUps: [],
      debts: [],
      aggregates: [
        { role: "esme", item: "dailyTotal", start: "2026-12-04T19:04:00.000Z", granularity: "day", value: 7 },
      ],
      state: [{ role: "gpf", clusterId: 0x0702, item: "currentSummDelivered", value: 43555242 }],
    };
    const lines = dumpLines(holdings);
    expect(lines.at(-1)).toBe("END");
    expect(parseDump(lines.slice(0, -1), VIRTUAL_CONSOLE.patterns)).toEqual(holdings);
  });

  it("ignores lines that match no pattern", () => {
    const h = parseDump(["", "garbage", "MSG x not a number id"], spec("/dev/null").patterns);
    expect(h).toEqual({ consumption: [], messages: [], topUps: [], debts: [], aggregates: [], state: [] });
  });
});

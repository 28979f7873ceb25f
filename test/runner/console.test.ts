/**
 * The bench console of `hanbench serve`, on a host with a fake adapter and the real hub model: every
 * command's answer, and one clear line for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tenancy } from "../../src/cluster-cot/tenancy.js";
import { SteppedClock } from "../../src/hub/clock.js";
import type { Hub } from "../../src/hub/hub.js";
import { BenchConsole, ConsoleError, words } from "../../src/runner/console.js";
import type { Host } from "../../src/host/host.js";
import { type HubHost, startHubHost } from "../support/hub-host.js";
import { FakeAdapter, useFakeAdapter } from "../host/fake-adapter.js";

const CODE = "83FED3407A939723A5C639B26916D505C3B5";
const start = Date.UTC(2026, 10, 28, 12);
const clock = new SteppedClock(start);
const fake = new FakeAdapter();
const lines: string[] = [];
let stack: HubHost;
let host: Host;
let hub: Hub;
let bench: BenchConsole;
let undo: () => void;

async function run(line: string): Promise<string[]> {
  lines.length = 0;
  await bench.execute(line);
  return [...lines];
}

async function fails(line: string): Promise<string> {
  const err = await bench.execute(line).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConsoleError);
  const message = (err as Error).message;
  expect(message).not.toContain("\n");
  return message;
}

beforeAll(async () => {
  undo = useFakeAdapter(fake);
  stack = await startHubHost({
    port: "tcp://127.0.0.1:1",
    clock,
    seed: 1,
    hubIeee: "0x00124b00cafe0001",
    memoryEvidence: true,
  });
  ({ hub, host } = stack);
  bench = new BenchConsole({
    host,
    hub,
    tenancy: new Tenancy({ clock, providers: hub.providerId("gpf") }),
    clock,
    out: (l) => lines.push(l),
  });
});

afterAll(async () => {
  await stack.stop();
  undo();
});

describe("bench console", () => {
  it("splits words and keeps quoted text together", () => {
    expect(words(' message "two  words" x ')).toEqual(["message", "two  words", "x"]);
  });

  it("adds a device to the Device Log and gives its install code to the coordinator", async () => {
    expect(await run(`add 00:DB:12:34:56:78:90:A0 ${CODE} ppmid`)).toEqual([
      "added 0x00db1234567890a0 to the Device Log (1/16)",
    ]);
    expect(fake.installCodes.map((c) => c.ieee)).toEqual(["0x00db1234567890a0"]);
    expect(await run("log")).toEqual(["Device Log 1/16", "  0x00db1234567890a0  PPMID"]);
  });

  it("refuses a bad EUI-64, a bad install code, an unknown type and a duplicate with one line", async () => {
    expect(await fails(`add 00DB12345678 ${CODE}`)).toMatch(/EUI-64 must be 16 hex digits/);
    expect(await fails("add 00DB1234567890A1 83FED3407A939723A5C639B26916D505C3B6")).toMatch(/CRC/);
    expect(await fails("add 00DB1234567890A1 XYZ")).toMatch(/install code/);
    expect(await fails(`add 00DB1234567890A1 ${CODE} toaster`)).toMatch(/unknown device type 'toaster'/);
    expect(await fails(`add 00DB1234567890A0 ${CODE}`)).toMatch(/already in the Device Log/);
    expect(await fails("add")).toMatch(/usage: add/);
  });

  it("says the Device Log is full at 16 entries", async () => {
    for (let i = 1; i < 16; i++) await run(`add 00DB1234567891${i.toString(16).padStart(2, "0")} ${CODE}`);
    expect(hub.deviceLog.size).toBe(16);
    expect(await fails(`add 00DB12345678FFFF ${CODE}`)).toMatch(/Device Log is full \(16 entries\)/);
    await run("remove 00DB1234567891" + "0f");
    expect(hub.deviceLog.size).toBe(15);
    expect(await fails("remove 00DB12345678FFFF")).toMatch(/not in the Device Log/);
  });

  it("opens and closes joining", async () => {
    expect(await run("permit 60")).toEqual(["joining open for 60 s"]);
    expect(await run("permit off")).toEqual(["joining closed"]);
    expect(await fails("permit 255")).toMatch(/0\.\.254/);
  });

  it("performs a CoT now on both meters, then a future one on the GPF with control bits, and refuses a CoT dated before it", async () => {
    const [gpf, esme] = await run("cot");
    expect(gpf).toContain("CoT recorded on the GPF: from 2026-11-28T12:00:00.000Z (now");
    expect(gpf).toContain("control 0x00000600");
    expect(esme).toContain("CoT recorded on the ESME: from 2026-11-28T12:00:00.000Z (now");
    const later = await run("cot +2h 0x200 gpf push");
    expect(later).toHaveLength(1);
    expect(later[0]).toContain("CoT recorded on the GPF: from 2026-11-28T14:00:00.000Z (in 2h");
    expect(later[0]).toContain("control 0x00000200");
    expect(later[0]).toContain("pushed");
    expect(hub.cots.latest("gpf")).toMatchObject({ control: 0x200, implementationTime: start + 7_200_000 });
    expect(hub.cots.latest("esme")).toMatchObject({ control: 0x600, implementationTime: start });
    expect(await fails("cot 2026-11-28T13:00:00Z gpf")).toMatch(/before the previous CoT/);
    expect(await fails("cot soon")).toMatch(/'soon' is not/);
  });

  it("publishes a supplier message with its text, a CoT changing nothing of it", async () => {
    const [line] = await run('message "Your tariff changes"');
    expect(line).toMatch(/^message \d+ published: Your tariff changes$/);
  });

  it("lists devices and requests, and rejects unknown commands", async () => {
    expect(await run("devices")).toEqual(["no devices on the network"]);
    expect(await run("requests 00DB1234567890A0")).toEqual(["no requests from 0x00db1234567890a0"]);
    expect(await fails("requests 00DB12")).toMatch(/EUI-64 must be 16 hex digits/);
    expect(await fails("frobnicate")).toMatch(/unknown command 'frobnicate'/);
    expect(await bench.execute("quit")).toBe("quit");
    expect(await run("# a comment")).toEqual([]);
  });

  it("waits for a join: the interview of a new device, the join alone for a rejoin, or times out", async () => {
    const device = {
      ieee: "0x00db1234567890a0",
      nwk: 0x3333,
      endpoints: [{ id: 1, profileId: 0x0109, deviceId: 0x0507, in: [], out: [0x0708] }],
    };
    const first = run("wait join 00DB1234567890A0 5");
    setTimeout(() => fake.join(device), 20);
    expect(await first).toEqual(["0x00db1234567890a0 joined"]);
    expect(await run("wait join 00DB1234567890A0 5")).toEqual(["0x00db1234567890a0 is on the network"]);
    const timedOut = await fails("wait join 00DB1234567890B0 1");
    expect(timedOut).toBe("no device joined within 1s");
    expect(await fails("wait join 00DB12 1")).toMatch(/EUI-64 must be 16 hex digits/);
    // A new console does not know the device joined; herdsman will not interview it again on a rejoin.
    const other = new BenchConsole({
      host,
      hub,
      tenancy: new Tenancy({ clock, providers: hub.providerId("gpf") }),
      clock,
      out: (l) => lines.push(l),
    });
    lines.length = 0;
    const rejoin = other.execute("wait join 00DB1234567890A0 5");
    setTimeout(() => fake.join(device), 20);
    await rejoin;
    expect(lines).toEqual(["0x00db1234567890a0 joined"]);
  });

  it.each([
    [
      "cot +10x",
      /^'\+10x' is not \+DURATION \(\+30m, \+2h, \+1d\) \(usage: cot \[WHEN\] \[CONTROL\] \[METER\] \[push\]; 'help cot'\)$/,
    ],
    ["cot now now", /^'now': the time given twice \(usage: cot/],
    ["cot 0x200 0x400", /^'0x400': the control given twice/],
    ["cot 12/1", /^'12\/1' is not now, \+DURATION, an ISO time, a control value, a meter or 'push'/],
    ["cot gpf esme", /^'esme': the meter given twice/],
    ["cot 2026-13-45T99:00Z", /is not now, \+DURATION, an ISO time/],
    ["cot 0x80000000", /^control 0x80000000 sets reserved bits 15-31$/],
    ["permit abc", /^permit takes 0\.\.254 seconds or 'off', not 'abc' \(usage: permit/],
    ["permit 60 70", /^unexpected '70' \(usage: permit/],
    ["wait", /^wait for what\? \(usage: wait/],
    ["wait 10x", /^wait: '10x' is not a number of seconds nor a duration/],
    ["wait 2d", /^wait: 2d is longer than a day/],
    ["wait join 1 2 3", /^unexpected|EUI-64/],
    ["requests", /^give the EUI-64 \(usage: requests/],
    ["requests 00DB1234567890A0 many", /^'many' is not a count/],
    ["remove", /^give the EUI-64/],
    ["log x", /^unexpected 'x'/],
    ["add 00DB1234567890AA", /^give the install code too/],
    ["devcies", /^unknown command 'devcies' \(did you mean 'devices'\?\); 'help' lists the commands$/],
    ["help nothing", /^no command 'nothing'/],
  ])("a bad line '%s' is one ConsoleError line with a hint", async (line, re) => {
    expect(await fails(line)).toMatch(re);
  });

  it("says what one command takes with 'help CMD'", async () => {
    const help = await run("help cot");
    expect(help[0]).toBe("cot [WHEN] [CONTROL] [METER] [push]");
    expect(help.join("\n")).toContain("ISO time");
    expect(help.join("\n")).toContain("METER: gpf or esme (default both, one CoT each)");
    expect((await run("help")).some((l) => /^ {2}wait join \[EUI64\] \[SECONDS\]/.test(l))).toBe(true);
  });

  it("completes command names, the EUI-64s the hub knows in the case typed, and a command's words", () => {
    expect(bench.complete("dev")).toEqual([["devices "], "dev"]);
    expect(bench.complete("")[0]).toContain("cot ");
    expect(bench.complete("requests 00DB1234567890A")).toEqual([["00DB1234567890A0 "], "00DB1234567890A"]);
    expect(bench.complete("requests 0x00db1234567890a")).toEqual([["0x00db1234567890a0 "], "0x00db1234567890a"]);
    expect(bench.complete("remove 00db1234567890a")).toEqual([["00db1234567890a0 "], "00db1234567890a"]);
    expect(bench.complete("requests FF")).toEqual([[], "FF"]);
    expect(bench.complete("permit o")).toEqual([["off "], "o"]);
    expect(bench.complete("add 00DB1234567890A0 CODE pp")).toEqual([["ppmid "], "pp"]);
    expect(bench.complete("help co")).toEqual([["cot "], "co"]);
    expect(bench.complete("wait join 00DB1234567890A")).toEqual([["00DB1234567890A0 "], "00DB1234567890A"]);
    expect(bench.complete("log x")).toEqual([[], "x"]);
  });

  it("names the attributes a device asked for in 'requests'", async () => {
    const device = "0x00db12345678aaaa";
    await run(`add ${device} ${CODE}`);
    const joined = run(`wait join ${device} 5`);
    fake.join({
      ieee: device,
      nwk: 0x4444,
      endpoints: [{ id: 1, profileId: 0x0109, deviceId: 0x0507, in: [], out: [] }],
    });
    await joined;
    // Read Attributes of Device Management 0x0200, 0x0201 to the GPF's endpoint 2
    const read = Buffer.from([0x00, 0x21, 0x00, 0x00, 0x02, 0x01, 0x02]);
    fake.deliver({ nwk: 0x4444, srcEp: 1, dstEp: 2, clusterId: 0x0708, bytes: read });
    const out = await run(`requests ${device} 1`);
    expect(out).toEqual([
      expect.stringMatching(
        / ep 2 \(gpf\) DeviceManagement read changeOfTenancyUpdateDateTime, proposedTenancyChangeControl$/,
      ),
    ]);
  });
});

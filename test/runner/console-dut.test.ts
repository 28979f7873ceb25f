/**
 * The serve console's commands about the devices under test (src/runner/console-dut.ts), on a host with a
 * fake adapter, the real hub model and a session writing its evidence in memory: status, probe and holds,
 * the waits for scripts, and the verdict. Each test has a hub and a console of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Tenancy } from "../../src/cluster-cot/tenancy.js";
import { SteppedClock } from "../../src/hub/clock.js";
import { BenchConsole, ConsoleError, sleep } from "../../src/runner/console.js";
import { DutCommands } from "../../src/runner/console-dut.js";
import { ServeSession } from "../../src/runner/session.js";
import { type HubHost, startHubHost } from "../support/hub-host.js";
import { FakeAdapter, useFakeAdapter } from "../host/fake-adapter.js";

const CODE = "83FED3407A939723A5C639B26916D505C3B5";
const IHD = "0x00db12345678bbbb";
const start = Date.UTC(2026, 10, 28, 12);

interface Bench {
  stack: HubHost;
  fake: FakeAdapter;
  run(line: string): Promise<string[]>;
  fails(line: string): Promise<string>;
}

const files = mkdtempSync(join(tmpdir(), "hanbench-console-dut-"));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

async function bench(): Promise<Bench> {
  const clock = new SteppedClock(start);
  const fake = new FakeAdapter();
  const undo = useFakeAdapter(fake);
  const stack = await startHubHost({
    port: "tcp://127.0.0.1:1",
    clock,
    seed: 1,
    hubIeee: "0x00124b00cafe0001",
    memoryEvidence: true,
  });
  open.push(async () => {
    await stack.stop();
    undo();
  });
  const { hub, host, evidence } = stack;
  const lines: string[] = [];
  const out = (l: string) => lines.push(l);
  const tenancy = new Tenancy({ clock, providers: hub.providerId("gpf") });
  const session = new ServeSession({
    evidence,
    clock,
    windowMs: 3_600_000,
    tool: "hanbench",
    version: "test",
    seed: 1,
    hubParameters: () => ({ endpoints: { ...hub.endpoints } }),
  });
  session.start({ duts: [], admitted: [] });
  const dut = new DutCommands({ host, hub, tenancy, clock, evidence, session, out, sleep });
  const console_ = new BenchConsole({ host, hub, tenancy, clock, out, session, dut });
  const run = async (line: string) => {
    lines.length = 0;
    await console_.execute(line);
    return [...lines];
  };
  const fails = async (line: string) => {
    const err = await console_.execute(line).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  };
  return { stack, fake, run, fails };
}

/** Adds the IHD to the Device Log and lets it join on the fake adapter. */
async function joinIhd(b: Bench, nwk = 0x5555): Promise<void> {
  await b.run(`add ${IHD} ${CODE}`);
  const waiting = b.run(`wait join ${IHD} 5`);
  b.fake.join({ ieee: IHD, nwk, endpoints: [{ id: 1, profileId: 0x0109, deviceId: 0x0507, in: [], out: [] }] });
  await waiting;
}

describe("serve console: the devices under test", () => {
  it("waits for a CoT query after the last CoT and says when it came", async () => {
    const b = await bench();
    await joinIhd(b);
    await b.run("cot now");
    const waiting = b.run(`wait cot-query ${IHD} 5`);
    // a Read of 0x0708/0x0200 to the ESME's endpoint 3
    b.fake.deliver({
      nwk: 0x5555,
      srcEp: 1,
      dstEp: 3,
      clusterId: 0x0708,
      bytes: Buffer.from([0x00, 0x22, 0x00, 0x00, 0x02]),
    });
    expect(await waiting).toEqual([
      expect.stringMatching(
        new RegExp(`^${IHD} queried the CoT: read 0x0708/0x0200 on the ESME \\(seq \\d+\\), 0s after the CoT$`),
      ),
    ]);
    // asked again, the same query still answers it; after another CoT it does not
    expect(await b.run(`wait cot-query ${IHD} 0.2`)).toHaveLength(1);
    await b.run("cot +1h");
    expect(await b.fails(`wait cot-query ${IHD} 0.2`)).toMatch(
      /^0x00db12345678bbbb sent no CoT query within 200ms \(the last CoT is seq \d+\)$/,
    );
  });

  it("says what the hub serves: the CoTs, each meter's CoT attributes and message, the devices under test", async () => {
    const b = await bench();
    await b.run(`add ${IHD} ${CODE}`);
    await b.run('message "Your tariff changes"');
    await b.run("cot +2h 0x200 gpf push");
    const out = await b.run("status");
    expect(out[0]).toBe("hub time 2026-11-28T12:00:00Z; hub variant reference");
    expect(out[1]).toBe("CoTs recorded: 1");
    expect(out[2]).toMatch(
      /^ {2}GPF from 2026-11-28T14:00:00Z \(takes effect in 2h\), control 0x00000200, issuer event \d+, recorded 2026-11-28T12:00:00Z, pushed$/,
    );
    expect(out[3]).toMatch(
      /^GPF \(endpoint 2\): ChangeOfTenancyUpdateDateTime 2026-11-28T14:00:00Z, ProposedTenancyChangeControl 0x00000200; one continuous history; supplier message \d+ 'Your tariff changes'$/,
    );
    expect(out[4]).toMatch(/^ESME \(endpoint 3\): ChangeOfTenancyUpdateDateTime none; .* supplier message \d+ /);
    expect(out[5]).toBe(`devices under test: ${IHD} ihd, probe none`);
    expect(out[6]).toBe("detection window 1h; the main CoT's clear is due 2026-11-28T15:00:00Z (in 3h)");
  });

  it("asks for a probe before 'holds' and 'wait clear', and says what is wrong with one", async () => {
    const b = await bench();
    await b.run(`add ${IHD} ${CODE}`);
    await b.run("add 0x00db12345678cccc 83FED3407A939723A5C639B26916D505C3B5 esme");
    const noProbe = `${IHD} has no probe: give one with 'probe ${IHD} console PORT' or a DUT file ('dut FILE')`;
    expect(await b.fails(`holds ${IHD}`)).toBe(noProbe);
    await b.run("cot");
    expect(await b.fails(`wait clear ${IHD} 1`)).toBe(noProbe);
    expect(await b.fails("holds 00DB1234567891FF")).toBe("0x00db1234567891ff is not in the Device Log");
    expect(await b.fails("holds 0x00db12345678cccc")).toBe(
      "0x00db12345678cccc is in the Device Log as ESME, not an IHD or PPMID",
    );
    expect(await b.run(`probe ${IHD} console /tmp/hb-no-such-console`)).toEqual([
      `${IHD}: console probe on /tmp/hb-no-such-console (dump: HIST, MSG, AGG, STATE lines, then END)`,
    ]);
    expect(await b.fails(`holds ${IHD}`)).toMatch(
      /^probe seq \d+ got no answer: console probe on \/tmp\/hb-no-such-console: /,
    );
    expect(await b.fails(`probe ${IHD} telnet x`)).toMatch(/^say 'console PORT' or 'off'/);
    expect(await b.fails("wait fetch")).toMatch(/^wait fetch for which device\? give its EUI-64/);
  });

  it("has nothing to clear or wait for before a CoT", async () => {
    const b = await bench();
    await b.run(`add ${IHD} ${CODE}`);
    expect(await b.fails(`wait clear ${IHD} 1`)).toBe("no CoT recorded yet: nothing to clear");
    expect(await b.fails("wait window")).toBe("no CoT recorded in this session yet: no window to wait for");
  });

  it("prints the verdict of the cases the session made judgeable, and names the others", async () => {
    const b = await bench();
    expect(await b.run("verdict")).toEqual(["verdict: no device under test in this session (add an IHD or PPMID)"]);
    await joinIhd(b);
    await b.run("permit 60");
    await b.run("cot");
    const out = await b.run("verdict");
    expect(out[0]).toMatch(/^verdict of this session so far \(phases join, cot, observe; /);
    expect(out[1]).toBe(`${IHD}  ihd`);
    expect(out).toContainEqual(expect.stringMatching(/^ {2}COT-01 {2}\w+/));
    expect(out.at(-1)).toBe(
      "not judged in this session: COT-02, COT-05, COT-06, COT-07, COT-08, COT-09, COT-10, COT-11, COT-12, COT-13, COT-14, COT-15, COT-16, COT-18, COT-19, COT-20 (their phases were not run)",
    );
  });

  it("declares a device from its DUT file: Device Log, install code to the coordinator, claims and console probe", async () => {
    const b = await bench();
    const path = join(files, "ihd-1.json");
    writeFileSync(
      path,
      JSON.stringify({
        label: "ihd-1",
        kind: "ihd",
        eui64: "00DB12345678BBBB",
        installCode: CODE,
        claims: "SMETS 29 November 2020 IHDTS v5.0",
        probe: {
          method: "console",
          port: "/tmp/hb-no-such-console",
          dumpCommand: "dump\r\n",
          endMarker: "END",
          timeout: "1s",
          patterns: { consumption: "^HIST (?<role>esme|gpf) (?<item>\\S+) (?<period>\\S+) (?<value>\\d+)$" },
        },
      }),
    );
    expect(await b.run(`dut ${path}`)).toEqual([
      `ihd-1 (${IHD}): ihd from ${path} in the Device Log (1/16), probe console on /tmp/hb-no-such-console`,
    ]);
    expect(b.fake.installCodes.map((c) => c.ieee)).toEqual([IHD]);
    expect(b.stack.evidence.events.filter((e) => e.kind === "declared")).toMatchObject([
      {
        dut: {
          label: "ihd-1",
          ieee: IHD,
          dutFile: path,
          claims: "SMETS 29 November 2020 IHDTS v5.0",
          probe: "console",
        },
      },
    ]);
    expect(await b.fails(`holds ${IHD}`)).toMatch(
      /^probe seq \d+ got no answer: console probe on \/tmp\/hb-no-such-console: /,
    );
    expect(await b.fails(`dut ${join(files, "none.json")}`)).toMatch(/none\.json: cannot read the DUT file/);
    expect(await b.fails("dut")).toMatch(/^give the DUT file \(usage: dut FILE; 'help dut'\)$/);
  });
});

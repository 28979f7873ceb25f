/**
 * What `hanbench serve` keeps in its state directory (src/runner/session-state.ts): a round trip with mode
 * 0600, the probes built again, and a file that is not a session state refused in one line that names the way
 * past it (--reset).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Tenancy } from "../../src/cluster-cot/tenancy.js";
import { SteppedClock } from "../../src/hub/clock.js";
import { GbcsDeviceType } from "../../src/hub/device-log.js";
import { Hub } from "../../src/hub/hub.js";
import {
  loadSessionState,
  restoreDuts,
  SESSION_FILE,
  SessionStateError,
  saveSessionState,
  snapshot,
} from "../../src/runner/session-state.js";

const CODE = "83FED3407A939723A5C639B26916D505C3B5";
const IHD = "0x0d6f0053cbe880fe";
const T0 = Date.parse("2026-12-04T12:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "hanbench-session-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hubAt(ms: number): { hub: Hub; tenancy: Tenancy; clock: SteppedClock } {
  const clock = new SteppedClock(ms);
  const hub = new Hub({ clock, seed: 1, hubIeee: "0x00124b00c06fb534" });
  return { hub, tenancy: new Tenancy({ clock, providers: hub.providerId("gpf") }), clock };
}

describe("the session state of hanbench serve", () => {
  it("keeps the Device Log, the devices under test, CoTs and messages in a file of mode 0600", async () => {
    const state = join(dir, "round-trip");
    const { hub, tenancy } = hubAt(T0);
    hub.deviceLog.add({ eui64: IHD, installCode: CODE, deviceType: GbcsDeviceType.TYPE2 });
    const msg = hub.publishMessage({ text: "hello" });
    for (const meter of ["gpf", "esme"] as const) await tenancy.record(hub, { meter, recordedAt: T0 });
    saveSessionState(
      state,
      snapshot({
        hub,
        tenancy,
        duts: [{ decl: { label: IHD, kind: "ihd", ieee: IHD, probe: "console" }, console: "/dev/pts/99" }],
        admitted: [{ label: "esme", ieee: "0x0d6f009708e2e015" }],
      }),
    );
    expect(statSync(join(state, SESSION_FILE)).mode & 0o777).toBe(0o600);
    const kept = loadSessionState(state)!;
    expect(kept.deviceLog).toEqual([{ eui64: IHD, deviceType: GbcsDeviceType.TYPE2, installCode: CODE.toLowerCase() }]);
    expect(kept.messages).toMatchObject([{ messageId: msg.messageId, text: "hello", roles: ["gpf", "esme"] }]);
    expect(kept.cots.map((c) => [c.meter, c.implementationTime, c.control])).toEqual([
      ["gpf", T0, 0x600],
      ["esme", T0, 0x600],
    ]);
    expect(kept.admitted).toEqual([{ label: "esme", ieee: "0x0d6f009708e2e015" }]);
    const [dut] = restoreDuts(kept.duts).duts;
    expect(dut).toMatchObject({ decl: { ieee: IHD }, console: "/dev/pts/99" });
    expect(dut!.probe?.method).toBe("console");
  });

  it("gives a restarted hub message and issuer event ids above every kept one, even within the same second", async () => {
    const { hub, tenancy } = hubAt(T0);
    const first = hub.publishMessage({ text: "one" });
    const cot = await tenancy.record(hub, { meter: "gpf", recordedAt: T0 });
    const state = join(dir, "ids");
    saveSessionState(state, snapshot({ hub, tenancy, duts: [], admitted: [] }));
    const kept = loadSessionState(state)!;
    // restarted at the same hub time
    const again = hubAt(T0);
    for (const m of kept.messages) again.hub.messages.publish({ ...m, now: m.publishedAt });
    for (const c of kept.cots) await again.tenancy.record({ recordCot: () => undefined }, { ...c, push: false });
    expect(again.hub.publishMessage({ text: "two" }).messageId).toBeGreaterThan(first.messageId);
    const next = await again.tenancy.record(again.hub, { meter: "gpf", recordedAt: T0 });
    expect(next.issuerEventId).toBe(cot.issuerEventId + 1);
  });

  it("builds a DUT file's console probe again from the file, and warns when the file is gone", () => {
    const path = join(dir, "ihd-1.json");
    writeFileSync(
      path,
      JSON.stringify({
        label: "ihd-1",
        kind: "ihd",
        eui64: IHD,
        installCode: CODE,
        probe: {
          method: "console",
          port: "/dev/pts/98",
          dumpCommand: "dump\r\n",
          endMarker: "END",
          timeout: "1s",
          patterns: { message: "^MSG (?<messageId>\\d+) (?<text>.*)$" },
        },
      }),
    );
    const decl = { label: "ihd-1", kind: "ihd" as const, ieee: IHD, dutFile: path, probe: "console" as const };
    const gone = { ...decl, ieee: "0x0d6f000000000001", dutFile: join(dir, "gone.json") };
    const { duts, warnings } = restoreDuts([{ decl }, { decl: gone }]);
    expect(warnings).toHaveLength(1);
    expect(duts[0]!.probe?.method).toBe("console");
    expect(duts[1]!.probe).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^ihd-1: no probe \(.*gone\.json: cannot read the DUT file/)]);
  });

  it("has nothing when there is no file yet", () => {
    expect(loadSessionState(join(dir, "none"))).toBeUndefined();
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["a list", "[]", /not a JSON object/],
    ["another version", '{"version": 9}', /version 9, this hanbench reads 1/],
    ["a broken Device Log entry", '{"version": 1, "deviceLog": [{"eui64": "x"}]}', /deviceLog\[0\] is incomplete/],
    ["a CoT on no meter", '{"version": 1, "cots": [{"meter": "water"}]}', /cots\[0\]\.meter is not gpf or esme/],
  ])("refuses %s in one line ending in the way past it", (what, text, re) => {
    const state = join(dir, `bad-${what.replace(/\W+/g, "-")}`);
    saveSessionState(state, { deviceLog: [], duts: [], admitted: [], cots: [], messages: [] });
    writeFileSync(join(state, SESSION_FILE), text);
    let err: unknown;
    try {
      loadSessionState(state);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SessionStateError);
    const message = (err as Error).message;
    expect(message).toMatch(re);
    expect(message).not.toContain("\n");
    expect(message).toMatch(/; move it away or start with --reset to begin afresh$/);
  });
});

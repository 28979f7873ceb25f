/**
 * Progress on the long waits of a run: a line per device as it joins, is interviewed or refused, and as it
 * first queries the CoT, each with the real time since the wait began (an injected clock), and the devices
 * that got nowhere named when the wait ends. Evidence in memory, the progress stream a non-terminal one.
 */
import { describe, expect, it } from "vitest";
import type { ZclEvent } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { elapsed, watchCotQueries, watchJoins } from "../../src/runner/device-progress.js";
import { Progress } from "../../src/runner/progress.js";

const IHD = { label: "ihd-1", ieee: "0x0d6f0053cbe880fe" };
const PPMID = { label: "ppmid-1", ieee: "0x0d6f00a1b2c3d4e5" };
const STRANGER = "0x00124b0000000001";

function setup(quiet = false) {
  let realMs = 1_000;
  const written: string[] = [];
  const stream = {
    isTTY: false,
    write(s: string) {
      written.push(s);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const evidence = new EvidenceLog({ now: () => Date.parse("2026-12-04T12:00:00Z") });
  const progress = new Progress({ quiet, stream });
  return {
    evidence,
    opts: { evidence, progress, devices: [IHD, PPMID], now: () => realMs },
    advance: (ms: number) => {
      realMs += ms;
    },
    lines: () => written.join("").split("\n").filter(Boolean),
  };
}

function cotRead(device: string, over: Partial<ZclEvent> = {}): ZclEvent {
  return {
    kind: "zcl",
    dir: "in",
    device,
    nwk: 0x1234,
    deviceEp: 1,
    hubEp: 2,
    role: "gpf",
    clusterId: 0x0708,
    frameType: "global",
    direction: "clientToServer",
    tsn: 7,
    commandId: 0x00,
    command: "read",
    payload: [0x0200, 0x0201],
    raw: "",
    ...over,
  };
}

describe("progress while devices join", () => {
  it("says when each device joins and is interviewed, once, with the time since the wait began", () => {
    const { evidence, opts, advance, lines } = setup();
    const stop = watchJoins(opts);
    advance(1_200);
    evidence.append({ kind: "join", device: IHD.ieee, nwk: 0x1234, accepted: true, reason: "in the Device Log" });
    evidence.append({ kind: "join", device: STRANGER, nwk: 0x9999, accepted: false, reason: "not in the Device Log" });
    advance(2_000);
    evidence.append({ kind: "interview", device: IHD.ieee, status: "started" });
    evidence.append({ kind: "interview", device: IHD.ieee, status: "successful" });
    evidence.append({ kind: "join", device: IHD.ieee, nwk: 0x1234, accepted: true, reason: "rejoin" });
    evidence.append({ kind: "join", device: PPMID.ieee, nwk: 0x5678, accepted: false, reason: "install code refused" });
    advance(60_000);
    stop();
    evidence.append({ kind: "interview", device: PPMID.ieee, status: "successful" });
    expect(lines()).toEqual([
      `  ihd-1 (${IHD.ieee}) joined — 1.2 s`,
      `  ihd-1 (${IHD.ieee}) interviewed — 3.2 s`,
      `  ppmid-1 (${PPMID.ieee}) refused: install code refused — 3.2 s`,
      `  ppmid-1 (${PPMID.ieee}) not joined yet — 1 min 03 s`,
    ]);
  });

  it("prints nothing with --quiet", () => {
    const { evidence, opts, lines } = setup(true);
    const stop = watchJoins(opts);
    evidence.append({ kind: "join", device: IHD.ieee, nwk: 0x1234, accepted: true, reason: "in the Device Log" });
    stop();
    expect(lines()).toEqual([]);
  });
});

describe("progress while a CoT's window runs", () => {
  it("says when each device first queries the CoT after it, and who did not when asked", () => {
    const { evidence, opts, advance, lines } = setup();
    evidence.append(cotRead(IHD.ieee)); // before the CoT: not a query of it
    const cotSeq = evidence.append({ kind: "note", message: "the CoT" }).seq;
    const stop = watchCotQueries({ ...opts, afterSeq: cotSeq, sayMissing: true });
    advance(4_000);
    evidence.append(cotRead(IHD.ieee, { dir: "out", direction: "serverToClient", command: "readRsp", commandId: 1 }));
    evidence.append(cotRead(IHD.ieee, { payload: [0x0000] })); // another attribute
    evidence.append(cotRead(IHD.ieee, { role: "esme", hubEp: 3 }));
    evidence.append(cotRead(IHD.ieee));
    stop();
    expect(lines()).toEqual([
      `  ihd-1 (${IHD.ieee}) queried the CoT (read 0x0708/0x0200 on the ESME) — 4.0 s`,
      `  ppmid-1 (${PPMID.ieee}) has not queried the CoT — 4.0 s`,
    ]);
  });

  it("stays quiet about devices that had queried before the wait, and names nobody missing unless asked", () => {
    const { evidence, opts, lines } = setup();
    const stop = watchCotQueries({ ...opts, afterSeq: 0, already: [IHD.ieee] });
    evidence.append(cotRead(IHD.ieee));
    evidence.append(cotRead(PPMID.ieee, { frameType: "specific", commandId: 0x00, command: "getChangeOfTenancy" }));
    stop();
    expect(lines()).toEqual([`  ppmid-1 (${PPMID.ieee}) queried the CoT (GetChangeOfTenancy on the GPF) — 0.0 s`]);
  });

  it("writes elapsed time in seconds, then minutes", () => {
    expect([elapsed(0), elapsed(31_040), elapsed(59_949), elapsed(65_000), elapsed(3_600_000)]).toEqual([
      "0.0 s",
      "31.0 s",
      "59.9 s",
      "1 min 05 s",
      "60 min 00 s",
    ]);
  });
});

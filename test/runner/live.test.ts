/**
 * The live lines of the serve console, from evidence events as the host appends them: which events give a
 * line, what it says (the hub's answer to a CoT read, the time since the CoT, the periods of a history
 * fetch), and that only `verbose` shows the other requests.
 */
import { describe, expect, it } from "vitest";
import type { CotRecord } from "../../src/hub/cots.js";
import type { Evidence, EvidenceBody, ZclEvent } from "../../src/evidence/events.js";
import { LiveFeed } from "../../src/runner/live.js";

const DEV = "0x0d6f0053cbe880fe";
const T0 = Date.parse("2026-12-04T12:00:00Z");

function feed(opts: { verbose?: boolean; cot?: CotRecord } = {}): {
  lines: string[];
  send(b: EvidenceBody, at?: number): void;
} {
  const lines: string[] = [];
  const live = new LiveFeed({
    out: (l) => lines.push(l),
    ...(opts.verbose ? { verbose: true } : {}),
    latestCot: (meter) => (opts.cot?.meter === meter ? opts.cot : undefined),
    nameOf: (ieee) => (ieee === DEV ? `ihd-1 (${ieee})` : ieee),
  });
  let seq = 0;
  return {
    lines,
    send(body, at = T0) {
      const t = new Date(at).toISOString();
      live.on({ seq: ++seq, t, wall: t, ...body } as Evidence);
    },
  };
}

function zcl(over: Partial<ZclEvent>): ZclEvent {
  return {
    kind: "zcl",
    dir: "in",
    device: DEV,
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
    raw: "",
    ...over,
  };
}

const COT: CotRecord = {
  meter: "gpf",
  providerId: 1,
  issuerEventId: 1,
  tariffType: 0,
  implementationTime: T0 - 4_000,
  control: 0x600,
  recordedAt: T0 - 4_000,
};

describe("live lines of the serve console", () => {
  it("shows joins, refusals, leaves and finished interviews with the hub time", () => {
    const f = feed();
    f.send({ kind: "join", device: DEV, nwk: 1, accepted: true, reason: "in the Device Log" });
    f.send({ kind: "join", device: "0x0d6f000000000001", nwk: 2, accepted: false, reason: "not in the Device Log" });
    f.send({ kind: "interview", device: DEV, status: "started" });
    f.send({ kind: "interview", device: DEV, status: "successful" });
    f.send({ kind: "leave", device: DEV, reason: "removed from the Device Log" });
    expect(f.lines).toEqual([
      `12:00:00 joined: ihd-1 (${DEV})`,
      "12:00:00 refused: 0x0d6f000000000001 (not in the Device Log)",
      `12:00:00 interview successful: ihd-1 (${DEV})`,
      `12:00:00 left: ihd-1 (${DEV}) (removed from the Device Log)`,
    ]);
  });

  it("shows which endpoints a discovery found", () => {
    const f = feed();
    f.send({ kind: "discovery", device: DEV, request: "matchDesc", endpoints: [2, 3] });
    f.send({ kind: "discovery", device: DEV, request: "simpleDesc", endpoints: [2], clusters: [0, 0x0a, 0x0708] });
    f.send({ kind: "discovery", device: DEV, request: "matchDesc", endpoints: [] });
    expect(f.lines).toEqual([
      `12:00:00 ihd-1 (${DEV}) discovery: Match_Desc → endpoints 2, 3`,
      `12:00:00 ihd-1 (${DEV}) discovery: Simple_Desc → endpoints 2 (3 clusters)`,
      `12:00:00 ihd-1 (${DEV}) discovery: Match_Desc → no Smart Energy endpoint`,
    ]);
  });

  it("shows a read of the CoT attributes with the hub's answer and the time since the CoT", () => {
    const f = feed({ cot: COT });
    f.send(zcl({ payload: [0x0200, 0x0201] }));
    f.send({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0708,
      item: "changeOfTenancyUpdateDateTime",
      value: 849700796,
    });
    f.send(
      zcl({
        dir: "out",
        direction: "serverToClient",
        commandId: 0x01,
        command: "readRsp",
        payload: [
          { attrId: 0x0200, status: 0, dataType: 0xe2, attrData: 849700796 },
          { attrId: 0x0201, status: 0, dataType: 0x1b, attrData: 0x600 },
        ],
      }),
    );
    expect(f.lines).toEqual([
      `12:00:00 ihd-1 (${DEV}) read the CoT on the GPF (ep 2): date 2026-12-04T11:59:56Z, control 0x00000600; the GPF's CoT was recorded 4s before`,
    ]);
  });

  it("shows 'none' before any CoT, and a GetChangeOfTenancy answered NOT_FOUND", () => {
    const f = feed();
    f.send(zcl({ role: "esme", hubEp: 3, payload: [0x0200] }));
    f.send(
      zcl({
        role: "esme",
        hubEp: 3,
        dir: "out",
        direction: "serverToClient",
        commandId: 0x01,
        command: "readRsp",
        payload: [{ attrId: 0x0200, status: 0, dataType: 0xe2, attrData: 0xffffffff }],
      }),
    );
    f.send(zcl({ tsn: 8, frameType: "specific", command: "getChangeOfTenancy", payload: {} }));
    f.send(
      zcl({
        tsn: 8,
        dir: "out",
        direction: "serverToClient",
        commandId: 0x0b,
        command: "defaultRsp",
        payload: { cmdId: 0, statusCode: 0x8b },
      }),
    );
    expect(f.lines).toEqual([
      `12:00:00 ihd-1 (${DEV}) read the CoT on the ESME (ep 3): date none; no CoT recorded on it yet`,
      `12:00:00 ihd-1 (${DEV}) GetChangeOfTenancy to the GPF (ep 2): NOT_FOUND; no CoT recorded on it yet`,
    ]);
  });

  it("shows a history fetch with its attributes and periods against the meter's CoT date, and a message fetch", () => {
    const T = Date.parse("2026-12-03T00:00:00Z");
    const f = feed({ cot: { ...COT, implementationTime: T, recordedAt: T } });
    f.send(zcl({ clusterId: 0x0702, tsn: 9, payload: [0x0403, 0x0420] }));
    f.send({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0702,
      item: "previousDayConsumpDelivered",
      value: 38801,
      period: "2026-12-03T00:00:00.000Z",
      periodEnd: "2026-12-04T00:00:00.000Z",
    });
    f.send({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0702,
      item: "previousDay2ConsumptionDelivered",
      value: 41601,
      period: "2026-12-02T00:00:00.000Z",
      periodEnd: "2026-12-03T00:00:00.000Z",
    });
    f.send(
      zcl({ clusterId: 0x0702, tsn: 9, dir: "out", direction: "serverToClient", commandId: 0x01, command: "readRsp" }),
    );
    f.send(zcl({ clusterId: 0x0703, tsn: 10, frameType: "specific", command: "getLastMessage", payload: {} }));
    f.send({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0703,
      item: "displayMessage.messageId",
      value: 546601,
    });
    f.send({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0703,
      item: "displayMessage.message",
      value: "hello",
    });
    f.send(
      zcl({
        clusterId: 0x0703,
        tsn: 10,
        dir: "out",
        direction: "serverToClient",
        frameType: "specific",
        command: "displayMessage",
      }),
    );
    expect(f.lines).toEqual([
      `12:00:00 ihd-1 (${DEV}) fetched 2 history attributes previousDayConsumpDelivered, previousDay2ConsumptionDelivered from the GPF (ep 2): periods 2026-12-02 … 2026-12-03; against the CoT's T 2026-12-03T00:00:00Z: 1 previous occupier's, 1 new occupier's`,
      `12:00:00 ihd-1 (${DEV}) fetched the last message from the GPF (ep 2): 546601 'hello'`,
    ]);
  });

  it("shows other requests only when verbose", () => {
    const request = zcl({ clusterId: 0x000a, tsn: 11, payload: [0, 1] });
    const answer = zcl({
      clusterId: 0x000a,
      tsn: 11,
      dir: "out",
      direction: "serverToClient",
      commandId: 0x01,
      command: "readRsp",
    });
    const quiet = feed();
    quiet.send(request);
    quiet.send(answer);
    expect(quiet.lines).toEqual([]);
    const verbose = feed({ verbose: true });
    verbose.send(request);
    verbose.send(answer);
    expect(verbose.lines).toEqual([`12:00:00 ihd-1 (${DEV}) Time read time, timeStatus to the GPF (ep 2)`]);
  });

  it("gives no line to an answer that matches no request (another TSN)", () => {
    const f = feed();
    f.send(zcl({ payload: [0x0200] }));
    f.send(zcl({ tsn: 99, dir: "out", direction: "serverToClient", commandId: 0x01, command: "readRsp", payload: [] }));
    expect(f.lines).toEqual([]);
  });

  it("does not repeat a poll whose answer is unchanged, until a CoT is recorded (verbose shows each)", () => {
    const poll = (f: ReturnType<typeof feed>, tsn: number, at: number) => {
      f.send(zcl({ tsn, frameType: "specific", command: "getChangeOfTenancy", payload: {} }), at);
      f.send(
        zcl({
          tsn,
          dir: "out",
          direction: "serverToClient",
          commandId: 0x0b,
          command: "defaultRsp",
          payload: { cmdId: 0, statusCode: 0x8b },
        }),
        at,
      );
    };
    const f = feed();
    poll(f, 1, T0);
    poll(f, 2, T0 + 2_000);
    f.send({
      kind: "cot",
      meter: "esme",
      providerId: 1,
      issuerEventId: 1,
      tariffType: 0,
      implementationTime: "2026-12-04T12:00:03Z",
      recordedAt: "2026-12-04T12:00:03Z",
      control: 0x600,
      pushed: false,
    });
    poll(f, 3, T0 + 4_000);
    expect(f.lines).toEqual([
      `12:00:00 ihd-1 (${DEV}) GetChangeOfTenancy to the GPF (ep 2): NOT_FOUND; no CoT recorded on it yet`,
      `12:00:04 ihd-1 (${DEV}) GetChangeOfTenancy to the GPF (ep 2): NOT_FOUND; no CoT recorded on it yet`,
    ]);
    const v = feed({ verbose: true });
    poll(v, 1, T0);
    poll(v, 2, T0 + 2_000);
    expect(v.lines).toHaveLength(2);
  });
});

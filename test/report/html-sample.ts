/**
 * A sample run for the HTML report: built through the real EvidenceLog, with two IHDs (one compliant, one that
 * keeps the previous occupier's data), the provenance a run records, a CoT, the hub's answers to CoT queries
 * (real ZCL bytes, dissected below), a long supplier message, operator answers and one hostile string in a
 * reason, a label, a note and an answer. Used by test/report/html.test.ts and by scripts/html-screenshot.sh
 * --sample.
 */
import { EvidenceLog } from "../../src/evidence/log.js";
import type { Evidence, RunEvent } from "../../src/evidence/events.js";
import { provenanceOf } from "../../src/cluster-cot/provenance.js";
import { type Basis, type CaseResult, type RunReport, summarise } from "../../src/cluster-cot/results.js";
import type { Run } from "../../src/cluster-cot/view.js";

export const HOSTILE = `<script>alert("x")</script> & <img src="http://evil.example/x.png" onerror='boom()'>`;

export const IHD_A = "0x00db1234567890a0";
export const IHD_B = "0x00db1234567890b1";

/** The supplier message of tenancy 1, longer than any cut a report makes. */
export const MESSAGE =
  "T1-MSG-4821 previous occupier: your tariff changes on 1 April; the standing charge rises by 2p a day and the unit rate falls by 0.4p per kWh. Call 0800 000 0000 for a review of your payment plan.";

// ZCL frames as they went over the air (hex):
// Read Attributes 0x0200, 0x0201: 00 (global, client→server) TSN 00 (read) 0002 0102
const readCot = (tsn: number) => `00${tsn.toString(16).padStart(2, "0")}0000020102`;
// Read Attributes Response before any CoT: 18 (global, server→client, no default response) TSN 01 (readRsp)
//   0002 00 e2 ffffffff (0x0200 SUCCESS UTC "not set")  0102 00 1b 00000000 (0x0201 SUCCESS BITMAP32 0)
const noCotRsp = (tsn: number) =>
  `18${tsn.toString(16).padStart(2, "0")}010002 00e2ffffffff 0102001b00000000`.replace(/ /g, "");
// … after the CoT: 0x0200 = d6bc3631 (ZCL UTC 825670870 = 2026-03-01T09:01:10Z), 0x0201 = 00060000 (0x00000600)
const cotRsp = (tsn: number) => `18${tsn.toString(16).padStart(2, "0")}01000200e2d6bc36310102001b00060000`;
// DisplayMessage: 09 (specific, server→client) TSN 07 cmd 00; messageId d5120000 (4821); control 00;
//   start aebc3631 (2026-03-01T09:00:30Z); duration ffff (until changed); c3 (195 characters) then the text
const DISPLAY_MESSAGE = `090700d512000000aebc3631ffffc3${Buffer.from(MESSAGE).toString("hex")}`;

export interface Sample {
  report: RunReport;
  events: Evidence[];
}

const BASIS: Record<string, Basis[]> = {
  "COT-01": ["gb", "zse"],
  "COT-03": ["gb", "policy"],
  "COT-04": ["gb", "policy"],
  "COT-12": ["zse"],
};

/** `requests` extra polls per device after the CoT (to make a long timeline). */
export function buildSample(opts: { requests?: number } = {}): Sample {
  let now = Date.parse("2026-03-01T09:00:00Z");
  const log = new EvidenceLog({ now: () => now });
  const step = (ms: number) => {
    now += ms;
  };
  const run = log.append({
    kind: "run",
    tool: "hanbench",
    version: "0.1.0",
    mode: "virtual",
    seed: 42,
    hub: {
      variant: "reference",
      channel: 15,
      panId: 0x1a62,
      extendedPanId: "0x00db1234567890ff",
      gpfEndpoint: 9,
      esmeEndpoint: 10,
      networkKey: "must-not-show",
    },
    baseline: { ESMETS: "5.1", IHDTS: "5.0", PPMIDTS: "5.0", GBCS: "5.0", CHTS: "1.5" },
    windowMs: 24 * 3_600_000,
    duts: [
      {
        label: "ihd:compliant",
        kind: "ihd",
        ieee: IHD_A,
        profile: "compliant",
        probe: "virtual",
        firmware: "compliant",
        manufacturer: "hanbench",
      },
      { label: HOSTILE, kind: "ihd", ieee: IHD_B, firmware: "5.0.3", claims: "5.0", probe: "operator" },
    ],
    reportId: "hb-20260301T090000Z-5a3c9e01",
    build: { version: "0.1.0", commit: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", dirty: false, from: "source" },
    herdsman: "11.1.1",
    suiteVersion: "1",
    endpointLayout: "default",
    coordinator: {
      adapter: "zstack",
      port: "tcp://127.0.0.1:6638",
      type: "ZStack3x0",
      meta: { product: 1, majorrel: 2, minorrel: 7, revision: 20230507 },
      ieee: "0x00db1234567890ff",
    },
    lab: { lab: "Acme Test House, bench 2", operator: "J. Smith", notes: ["IHD on mains", HOSTILE] },
    deviations: [],
    limitations: ["no Certificate-Based Key Establishment and no APS security"],
  } as RunEvent);
  log.append({ kind: "phase", name: "join", state: "start" });
  const joins = [IHD_A, IHD_B].map((d, i) => {
    step(1_000);
    return log.append({ kind: "join", device: d, nwk: 0x4f21 + i, accepted: true, reason: "in the Device Log" });
  });
  log.append({
    kind: "basic",
    device: IHD_A,
    manufacturerName: "hanbench",
    modelId: "virtual-ihd",
    swBuildId: "compliant",
    hwVersion: 1,
  });
  log.append({ kind: "basic", device: IHD_B, manufacturerName: "Acme", modelId: "IHD-7", swBuildId: "5.0.4" });
  const disc = [IHD_A, IHD_B].map((d) => {
    step(500);
    return log.append({ kind: "discovery", device: d, request: "matchDesc", endpoints: [9, 10], clusters: [0x0708] });
  });
  const frame = (device: string, dir: "in" | "out", hubEp: number, raw: string) =>
    log.append({
      kind: "zcl",
      dir,
      device,
      nwk: device === IHD_A ? 0x4f21 : 0x4f22,
      deviceEp: 1,
      hubEp,
      role: hubEp === 9 ? "gpf" : "esme",
      profileId: 0x0109,
      clusterId: 0x0708,
      cluster: "seDeviceManagement",
      frameType: "global",
      direction: dir === "in" ? "clientToServer" : "serverToClient",
      tsn: Number.parseInt(raw.slice(2, 4), 16),
      commandId: dir === "in" ? 0 : 1,
      command: dir === "in" ? "read" : "readRsp",
      payload: dir === "in" ? [0x0200, 0x0201] : { records: "as the bytes say" },
      raw,
    });
  const read = (device: string, hubEp: number, tsn: number, answer: (tsn: number) => string) => {
    step(2_000);
    const q = frame(device, "in", hubEp, readCot(tsn));
    frame(device, "out", hubEp, answer(tsn));
    return q;
  };
  const baseline = [read(IHD_A, 9, 1, noCotRsp), read(IHD_B, 9, 1, noCotRsp)];
  const servedValue = log.append({
    kind: "served",
    device: IHD_B,
    role: "esme",
    clusterId: 0x0702,
    item: "previousDayConsumptionDelivered",
    value: 1234,
    period: "2026-02-28T00:00:00.000Z",
  });
  step(30_000);
  const message = log.append({
    kind: "zcl",
    dir: "out",
    device: IHD_B,
    nwk: 0x4f22,
    deviceEp: 1,
    hubEp: 9,
    role: "gpf",
    profileId: 0x0109,
    clusterId: 0x0703,
    cluster: "seMessaging",
    frameType: "specific",
    direction: "serverToClient",
    tsn: 7,
    commandId: 0,
    command: "displayMessage",
    payload: { messageId: 4821 },
    raw: DISPLAY_MESSAGE,
  });
  const served = log.append({
    kind: "served",
    device: IHD_B,
    role: "gpf",
    clusterId: 0x0703,
    item: "displayMessage",
    value: { messageId: 4821, text: MESSAGE },
  });
  step(30_000);
  const cot = log.append({
    kind: "cot",
    meter: "gpf",
    providerId: 1,
    issuerEventId: 7,
    tariffType: 0,
    implementationTime: "2026-03-01T09:01:10.000Z",
    recordedAt: "2026-03-01T09:01:10.000Z",
    control: 0x600,
    pushed: false,
  });
  step(30 * 60_000);
  const afterA = [read(IHD_A, 9, 2, cotRsp), read(IHD_A, 10, 3, cotRsp), read(IHD_A, 9, 4, cotRsp)];
  const afterB = [read(IHD_B, 9, 2, cotRsp), read(IHD_B, 10, 3, cotRsp)];
  for (let i = 0; i < (opts.requests ?? 0); i++) {
    step(60_000);
    const device = i % 2 ? IHD_A : IHD_B;
    frame(device, "in", 9, readCot((5 + i) & 0xff));
  }
  step(3_600_000);
  const probeA = log.append({
    kind: "probe",
    device: IHD_A,
    label: "ihd:compliant",
    method: "virtual",
    purpose: "after-cot",
    ok: true,
    holdings: { consumption: [], messages: [], topUps: [], debts: [] },
  });
  const probeB = log.append({
    kind: "probe",
    device: IHD_B,
    label: HOSTILE,
    method: "operator",
    purpose: "after-cot",
    ok: true,
    holdings: {
      consumption: [
        {
          role: "esme",
          clusterId: 0x0702,
          item: "previousDayConsumptionDelivered",
          value: 1234,
          period: "2026-02-28T00:00:00.000Z",
        },
      ],
      messages: [{ messageId: 4821, text: MESSAGE }],
      topUps: [],
      debts: [],
    },
    answers: {
      "Does the display still show the message 'T1-MSG-4821 previous occupier'?": "yes",
      "Does the history screen show any day before 2026-03-01?": `yes ${HOSTILE}`,
    },
  });
  log.append({
    kind: "error",
    source: "host",
    message: "malformed frame from 0x4f22: truncated attribute record",
    device: IHD_B,
  });
  log.append({ kind: "end" });

  const t = (e: Evidence) => e.t;
  const caseOf = (
    id: string,
    title: string,
    verdict: CaseResult["verdict"],
    reason: string,
    ev: Evidence[],
  ): CaseResult => ({
    id,
    title,
    basis: BASIS[id] ?? ["gb"],
    verdict,
    reason,
    startedAt: t(ev[0] ?? run),
    finishedAt: t(ev[ev.length - 1] ?? run),
    durationMs: 0,
    evidence: ev.map((e) => e.seq),
  });
  const cot06: CaseResult = {
    ...caseOf(
      "COT-06",
      "Clears supplier messages",
      "fail",
      `after-cot probe seq ${probeB.seq} still holds 1 supplier message(s) it held across T (msg 4821); CoT seq ${cot.seq} on the GPF, T 2026-03-01T09:01:10.000Z`,
      [message, cot, probeB],
    ),
    held: [
      {
        probe: probeB.seq,
        purpose: "after-cot",
        method: "operator",
        t: probeB.t,
        cot: { seq: cot.seq, ts: { gpf: "2026-03-01T09:01:10.000Z" } },
        items: [
          {
            category: "messages",
            occupier: "previous",
            side: "previous",
            heldAcross: true,
            messageId: 4821,
            text: MESSAGE,
            served: [served.seq],
          },
          {
            category: "consumption",
            occupier: "previous",
            side: "previous",
            role: "esme",
            item: "previousDayConsumptionDelivered",
            period: "2026-02-28T00:00:00.000Z",
            value: 1234,
            served: [servedValue.seq],
          },
          {
            category: "consumption",
            occupier: "new",
            side: "new",
            role: "gpf",
            item: "currentDayConsumptionDelivered",
            period: "2026-03-01T00:00:00.000Z",
            value: 77,
            served: [],
          },
        ],
      },
    ],
  };
  const report: RunReport = {
    tool: "hanbench",
    version: "0.1.0",
    mode: "virtual",
    seed: 42,
    baseline: (run as Evidence & { baseline: Record<string, string> }).baseline,
    hub: {
      channel: 15,
      panId: 0x1a62,
      extendedPanId: "0x00db1234567890ff",
      gpfEndpoint: 9,
      esmeEndpoint: 10,
      networkKey: "must-not-show",
    },
    startedAt: run.t,
    finishedAt: new Date(now).toISOString(),
    provenance: provenanceOf(log.events, run as Run, {
      evidence: { file: "runs/sample/evidence.jsonl", sha256: "5e".repeat(32), seal: "matches" },
    }),
    duts: [
      {
        label: "ihd:compliant",
        kind: "ihd",
        ieee: IHD_A,
        profile: "compliant",
        identity: {
          declared: { firmware: "compliant", manufacturer: "hanbench" },
          read: { manufacturerName: "hanbench", modelId: "virtual-ihd", swBuildId: "compliant", hwVersion: 1, seq: 5 },
          mismatches: [],
        },
        results: [
          caseOf(
            "COT-01",
            "Joins and discovers the hub",
            "pass",
            "joined; Match_Desc answered with 9, 10; all requests to 9 and 10",
            [joins[0]!, disc[0]!],
          ),
          caseOf("COT-03", "Queries the GPF for CoT", "pass", "read 0x0200 on GPF ep 9 30 min after the CoT", [
            cot,
            afterA[0]!,
          ]),
          caseOf("COT-04", "Queries the ESME for CoT", "pass", "read 0x0200 on ESME ep 10 30 min after the CoT", [
            cot,
            afterA[1]!,
          ]),
          caseOf(
            "COT-05",
            "Clears historic consumption",
            "pass",
            "no tenancy-1 consumption held after the implementation time",
            [cot, probeA],
          ),
          caseOf("COT-11", "Prepayment data (information)", "not_applicable", "not a PPMID", []),
        ],
      },
      {
        label: HOSTILE,
        kind: "ihd",
        ieee: IHD_B,
        dutFile: "ihd.json",
        identity: {
          declared: { firmware: "5.0.3", claims: "5.0" },
          read: { manufacturerName: "Acme", modelId: "IHD-7", swBuildId: "5.0.4", seq: 6 },
          mismatches: [{ field: "firmware", declared: "5.0.3", read: "5.0.4" }],
        },
        results: [
          caseOf("COT-01", "Joins and discovers the hub", "pass", "joined; discovered 9, 10", [joins[1]!, disc[1]!]),
          caseOf("COT-03", "Queries the GPF for CoT", "pass", "read 0x0200 on GPF ep 9", [cot, afterB[0]!]),
          caseOf("COT-05", "Clears historic consumption", "fail", HOSTILE, [cot, probeB]),
          cot06,
          caseOf(
            "COT-07",
            "Keeps the new tenancy's data",
            "inconclusive",
            "no operator answer in a non-interactive run",
            [baseline[1]!],
          ),
          caseOf("COT-12", "Control bits (information)", "info", "reacted to 0x600 only", [cot]),
        ],
      },
    ],
    summary: { pass: 0, fail: 0, inconclusive: 0, error: 0, not_applicable: 0, info: 0 },
  };
  report.summary = summarise(report.duts);
  return { report, events: log.events };
}

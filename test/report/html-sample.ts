/**
 * A sample run for the HTML report: built through the real EvidenceLog, with two IHDs (one compliant,
 * one that keeps its history), a CoT, operator answers and one hostile string in a reason, a label and
 * an answer. Used by test/report/html.test.ts and by scripts/html-screenshot.sh --sample.
 */
import { EvidenceLog } from "../../src/evidence/log.js";
import type { Evidence } from "../../src/evidence/events.js";
import { type CaseResult, type RunReport, summarise } from "../../src/cluster-cot/results.js";

export const HOSTILE = `<script>alert("x")</script> & <img src="http://evil.example/x.png" onerror='boom()'>`;

export const IHD_A = "0x00db1234567890a0";
export const IHD_B = "0x00db1234567890b1";

export interface Sample {
  report: RunReport;
  events: Evidence[];
}

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
      { label: "ihd:compliant", kind: "ihd", ieee: IHD_A, profile: "compliant", probe: "virtual" },
      { label: HOSTILE, kind: "ihd", ieee: IHD_B, firmware: "5.0.3", claims: "5.0", probe: "operator" },
    ],
  });
  log.append({ kind: "phase", name: "join", state: "start" });
  const joins = [IHD_A, IHD_B].map((d, i) => {
    step(1_000);
    return log.append({ kind: "join", device: d, nwk: 0x4f21 + i, accepted: true, reason: "in the Device Log" });
  });
  const disc = [IHD_A, IHD_B].map((d) => {
    step(500);
    return log.append({ kind: "discovery", device: d, request: "matchDesc", endpoints: [9, 10], clusters: [0x0708] });
  });
  const read = (device: string, hubEp: number, tsn: number) => {
    step(2_000);
    return log.append({
      kind: "zcl",
      dir: "in",
      device,
      nwk: device === IHD_A ? 0x4f21 : 0x4f22,
      deviceEp: 1,
      hubEp,
      role: hubEp === 9 ? "gpf" : "esme",
      profileId: 0x0109,
      clusterId: 0x0708,
      cluster: "seDeviceManagement",
      frameType: "global",
      direction: "clientToServer",
      tsn,
      commandId: 0,
      command: "read",
      payload: [0x0200, 0x0201],
      raw: `00${tsn.toString(16).padStart(2, "0")}0000020102`,
    });
  };
  const baseline = [read(IHD_A, 9, 1), read(IHD_B, 9, 1)];
  const served = log.append({
    kind: "served",
    device: IHD_B,
    role: "gpf",
    clusterId: 0x0703,
    item: "displayMessage",
    value: { messageId: 4821, text: "Supplier message 1" },
  });
  step(60_000);
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
  const afterA = [read(IHD_A, 9, 2), read(IHD_A, 10, 3)];
  const afterB = [read(IHD_B, 9, 2), read(IHD_B, 10, 3)];
  for (let i = 0; i < (opts.requests ?? 0); i++) {
    step(60_000);
    read(i % 2 ? IHD_A : IHD_B, 9, (4 + i) & 0xff);
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
    answers: {
      "Does the display still show the message 'T1-MSG-4821 previous occupier'?": "no",
      "Does the history screen show any day before 2026-03-01?": `yes ${HOSTILE}`,
    },
  });
  log.append({
    kind: "error",
    source: "host",
    message: "malformed frame from 0x4f22: truncated attribute record",
    device: IHD_B,
  });

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
    verdict,
    reason,
    startedAt: t(ev[0] ?? run),
    finishedAt: t(ev[ev.length - 1] ?? run),
    evidence: ev.map((e) => e.seq),
  });
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
    duts: [
      {
        label: "ihd:compliant",
        kind: "ihd",
        ieee: IHD_A,
        profile: "compliant",
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
        results: [
          caseOf("COT-01", "Joins and discovers the hub", "pass", "joined; discovered 9, 10", [joins[1]!, disc[1]!]),
          caseOf("COT-03", "Queries the GPF for CoT", "pass", "read 0x0200 on GPF ep 9", [cot, afterB[0]!]),
          caseOf("COT-05", "Clears historic consumption", "fail", HOSTILE, [cot, probeB]),
          caseOf("COT-06", "Clears supplier messages", "pass", "operator: message T1-MSG-4821 no longer shown", [
            served,
            probeB,
          ]),
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

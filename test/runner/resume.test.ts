/**
 * `hanbench run --resume`: what an interrupted bench run's evidence says of where it stopped (src/runner/resume.ts),
 * the log continued in the same file (src/evidence/log.ts), the hub brought back to the state the evidence records
 * without new cot events, and the cases reading a redone phase's last attempt (src/cluster-cot/view.ts). The bench
 * run end to end (SIGTERM, then --resume) is in test/e2e/bench-pty.test.ts.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Tenancy } from "../../src/cluster-cot/tenancy.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { DutView, type Run } from "../../src/cluster-cot/view.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJunit } from "../../src/report/junit.js";
import { checkSeal, digestPath } from "../../src/evidence/digest.js";
import type { Evidence, EvidenceBody } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { readEvidence } from "../../src/evidence/read.js";
import { SteppedClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import {
  cannotRunNote,
  cutTornLine,
  keyedDevices,
  lastCotOf,
  readResumePoint,
  ResumeError,
  restoreHub,
} from "../../src/runner/resume.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DUT = "0x0d6f000000000001";
const T0 = Date.parse("2026-12-04T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const RUN: EvidenceBody = {
  kind: "run",
  tool: "hanbench",
  version: "test",
  mode: "bench",
  seed: 1,
  hub: { variant: "reference", channel: 11, panId: "0x1a62", endpoints: { esi: 2, mirror: 4, esme: 3 } },
  baseline: {},
  windowMs: 60_000,
  duts: [{ label: "ihd", kind: "ihd", ieee: DUT, probe: "console" }],
};

const cot = (meter: "gpf" | "esme", implMs: number, recMs: number, issuerEventId: number, control = 0x600) =>
  ({
    kind: "cot",
    meter,
    providerId: 1,
    issuerEventId,
    tariffType: 0,
    implementationTime: iso(implMs),
    recordedAt: iso(recMs),
    control,
    pushed: false,
  }) as const;

/** A bench log: the join and baseline ended, the CoT phase cut after its CoT (no end, no end event). */
const CUT_IN_COT: EvidenceBody[] = [
  { kind: "note", message: "host started (resumed)" },
  RUN,
  { kind: "phase", name: "join", state: "start" },
  { kind: "ke", device: DUT, step: "installed", by: "hub", fingerprint: "ab" },
  { kind: "phase", name: "join", state: "end" },
  { kind: "phase", name: "baseline", state: "start" },
  { kind: "served", device: "*", role: "gpf", clusterId: 0x0703, item: "displayMessage.messageId", value: 800_000_001 },
  { kind: "served", device: "*", role: "gpf", clusterId: 0x0703, item: "displayMessage.message", value: "first" },
  {
    kind: "served",
    device: "*",
    role: "esme",
    clusterId: 0x0703,
    item: "displayMessage.messageId",
    value: 800_000_001,
  },
  { kind: "served", device: "*", role: "esme", clusterId: 0x0703, item: "displayMessage.message", value: "first" },
  { kind: "window", device: DUT, windowMs: 30_000, reason: "3 x 10s" },
  { kind: "phase", name: "baseline", state: "end" },
  { kind: "phase", name: "cot", state: "start" },
  cot("gpf", T0, T0, 850_000_000),
  cot("esme", T0, T0, 850_000_000),
];

/** Writes a log of these bodies (hub time from T0, a second apart) and returns its path. */
function logOf(name: string, bodies: readonly EvidenceBody[]): string {
  const path = join(dir, `${name}.jsonl`);
  let now = T0 - 60_000;
  const log = new EvidenceLog({ path, now: () => (now += 1000) });
  for (const b of bodies) log.append(b);
  log.close();
  return path;
}

describe("where an interrupted bench run stopped", () => {
  it("a log without an end event: the phases that ended stay done, the one cut is redone", () => {
    const p = readResumePoint(logOf("cut", CUT_IN_COT));
    expect(p.run.mode).toBe("bench");
    expect([...p.ended]).toEqual(["join", "baseline"]);
    expect(p.redo).toBe("cot");
    expect(p.reason).toBe(
      `the log ends at seq ${CUT_IN_COT.length} without an end event (the process ended without closing it)`,
    );
    expect(p.dropped).toBeUndefined();
  });

  it("a run a signal stopped (end event with aborted) resumes, and so does one resumed and cut again", () => {
    const stopped = [
      ...CUT_IN_COT,
      { kind: "error", source: "run", message: "stopped (SIGTERM)" },
      { kind: "end", aborted: "stopped (SIGTERM)" },
    ] as EvidenceBody[];
    expect(readResumePoint(logOf("stopped", stopped)).reason).toBe("the run stopped: stopped (SIGTERM)");
    const again = [
      ...stopped,
      { kind: "resume", after: stopped.length, reason: "x", phase: "cot" },
      { kind: "phase", name: "cot", state: "start" },
    ] as EvidenceBody[];
    const p = readResumePoint(logOf("again", again));
    expect(p.redo).toBe("cot");
    expect(p.reason).toMatch(/without an end event/);
    // the redone phase ended this time (its last attempt counts), the next one was cut
    const later = [
      ...again,
      { kind: "phase", name: "cot", state: "end" },
      { kind: "phase", name: "observe", state: "start" },
    ] as EvidenceBody[];
    const q = readResumePoint(logOf("again-later", later));
    expect([...q.ended]).toEqual(["join", "baseline", "cot"]);
    expect(q.redo).toBe("observe");
  });

  it("the phases that could not run, from the run loop's notes", () => {
    const blocked = [
      ...CUT_IN_COT.slice(0, -2),
      { kind: "note", message: cannotRunNote("cot", "ended early", "the meters refused the CoT") },
      { kind: "phase", name: "cot", state: "end" },
      { kind: "note", message: cannotRunNote("observe", "not run", "it builds on cot, which could not") },
      { kind: "note", message: "phase repeat started late: not a note of a phase that could not run" },
      { kind: "phase", name: "repeat", state: "start" },
    ] as EvidenceBody[];
    const p = readResumePoint(logOf("cannot-run", blocked));
    expect([...p.cannotRun].sort()).toEqual(["cot", "observe"]);
    expect(p.redo).toBe("repeat");
  });

  it("a line cut by a power failure is dropped, and only that one; a last line that lost only its newline is kept", () => {
    const path = logOf("torn", CUT_IN_COT);
    const whole = readFileSync(path);
    appendFileSync(path, '{"seq":16,"t":"2026-12-04T12:0');
    const p = readResumePoint(path);
    expect(p.dropped).toEqual({ line: CUT_IN_COT.length + 1, bytes: 30 });
    expect(p.events).toHaveLength(CUT_IN_COT.length);
    cutTornLine(p);
    expect(readFileSync(path)).toEqual(whole);

    const noNewline = logOf("no-newline", CUT_IN_COT);
    writeFileSync(noNewline, readFileSync(noNewline).subarray(0, -1));
    const q = readResumePoint(noNewline);
    expect(q.dropped).toBeUndefined();
    expect(q.events).toHaveLength(CUT_IN_COT.length);
    cutTornLine(q);
    expect(readEvidence(noNewline).events).toHaveLength(CUT_IN_COT.length);
    expect(readFileSync(noNewline).at(-1)).toBe(0x0a);
  });

  it.each([
    ["a virtual run", [{ ...RUN, mode: "virtual" }], /is a virtual run's evidence: only a bench run resumes/],
    ["a serve session", [{ ...RUN, session: "serve" }], /serve session's evidence/],
    ["a run that finished", [...CUT_IN_COT, { kind: "end" }], /is of a run that finished \(its end event is there\)/],
    [
      "a run found not testable",
      [...CUT_IN_COT, { kind: "outcome", outcome: "not-testable", reason: "CA", devices: [DUT] }, { kind: "end" }],
      /is of a run that finished: not-testable/,
    ],
    ["a log without a run event", [{ kind: "note", message: "x" }], /is not a run's evidence/],
  ] as [string, EvidenceBody[], RegExp][])("refuses %s", (name, bodies, why) => {
    const path = logOf(name.replace(/\W+/g, "-"), bodies);
    expect(() => readResumePoint(path)).toThrow(ResumeError);
    expect(() => readResumePoint(path)).toThrow(why);
  });

  it("refuses a log that cannot be read: missing, binary, or a bad line before its end", () => {
    expect(() => readResumePoint(join(dir, "none.jsonl"))).toThrow(/cannot be read \(ENOENT\)/);
    const binary = join(dir, "binary.jsonl");
    writeFileSync(binary, Buffer.from([0x7b, 0x00, 0x0a]));
    expect(() => readResumePoint(binary)).toThrow(/cannot be read \(not an evidence log: binary data/);
    const middle = logOf("middle", CUT_IN_COT);
    const lines = readFileSync(middle, "utf8").split("\n");
    lines[3] = "{not json";
    writeFileSync(middle, lines.join("\n"));
    expect(() => readResumePoint(middle)).toThrow(/cannot be read: line 4 not JSON; only a cut last line is dropped/);
  });
});

describe("the log continued", () => {
  it("appends to the same file: seq goes on, the old seal goes at once and the close seals the whole file", () => {
    const path = logOf("continued", [...CUT_IN_COT, { kind: "end", aborted: "stopped (SIGINT)" }]);
    const p = readResumePoint(path);
    expect(existsSync(digestPath(path))).toBe(true);
    const log = new EvidenceLog({ path, now: () => T0, continues: p.events });
    // an interrupted-then-sealed log no longer matches its seal once appended: it is void from the start
    expect(existsSync(digestPath(path))).toBe(false);
    const e = log.append({ kind: "resume", after: p.events.at(-1)!.seq, reason: p.reason, phase: "cot" });
    expect(e.seq).toBe(p.events.length + 1);
    log.append({ kind: "end" });
    log.close();
    const back = readEvidence(path);
    expect(back.bad).toEqual([]);
    expect(back.events.map((x) => x.seq)).toEqual(back.events.map((_, i) => i + 1));
    expect(back.events.at(-2)).toMatchObject({
      kind: "resume",
      phase: "cot",
      reason: "the run stopped: stopped (SIGINT)",
    });
    expect(checkSeal(path)).toEqual({ ok: true, sha256: log.sha256 });
  });
});

describe("the hub brought back to the state the evidence records", () => {
  it("each meter's CoTs and resets, the messages; no cot event; issuer ids go on above them", async () => {
    const events = readEvidence(
      logOf("hub", [
        ...CUT_IN_COT,
        { kind: "cot-reset", meter: "gpf" },
        { kind: "cot-reset", meter: "esme" },
        // a date older than the previous (after the reset), then a correction even older: both as recorded
        cot("esme", T0 - 86_400_000, T0 + 5000, 850_000_010),
        cot("esme", T0 - 2 * 86_400_000, T0 + 6000, 850_000_011, 0),
      ]),
    ).events;
    const clock = new SteppedClock(T0 + 60_000);
    const appended: Evidence[] = [];
    const hub = new Hub({
      clock,
      seed: 1,
      hubIeee: "0x00124b00c06fb534",
      evidence: {
        append: (b) => {
          appended.push(b as Evidence);
          return b as Evidence;
        },
      },
    });
    const tenancy = new Tenancy({ clock, providers: 1 });
    const r = await restoreHub(hub, tenancy, events);
    expect(r).toEqual({ cots: 4, resets: 2, messages: 1 });
    expect(appended).toEqual([]);
    expect(hub.cots.latest("gpf")).toBeUndefined();
    expect(hub.cots.latest("esme")).toMatchObject({
      implementationTime: T0 - 2 * 86_400_000,
      control: 0,
      issuerEventId: 850_000_011,
    });
    expect(tenancy.records()).toHaveLength(4);
    expect(hub.messages.active("gpf")).toMatchObject({ messageId: 800_000_001, text: "first", roles: ["gpf", "esme"] });
    expect(hub.messages.active("esme")?.messageId).toBe(800_000_001);
    // the next CoT and message ids are above every one the evidence holds
    expect(tenancy.build({ meter: "esme" }).issuerEventId).toBeGreaterThan(850_000_011);
    expect(hub.nextIssuerId()).toBeGreaterThan(800_000_001);
  });

  it("the newest CoT for the steps that read it, and the devices whose link keys the coordinator holds", () => {
    const events = readEvidence(logOf("last", CUT_IN_COT)).events;
    const last = lastCotOf(events)!;
    expect(last.records.map((c) => c.meter)).toEqual(["gpf", "esme"]);
    expect(last.seq).toBe(CUT_IN_COT.length - 1);
    expect(last.records[0]).toMatchObject({ implementationTime: T0, control: 0x600, push: false });
    expect(keyedDevices(events)).toEqual([DUT]);
  });
});

describe("a redone phase", () => {
  it("is read in its last attempt (the cut attempt's CoT is in no phase); the reports say the run was resumed", () => {
    const log = new EvidenceLog({ now: () => T0 });
    for (const b of [
      RUN,
      { kind: "phase", name: "cot", state: "start" },
      cot("gpf", T0, T0, 850_000_000),
      { kind: "end", aborted: "stopped (SIGTERM)" },
      { kind: "resume", after: 4, reason: "the run stopped: stopped (SIGTERM)", phase: "cot" },
      { kind: "phase", name: "cot", state: "start" },
      cot("gpf", T0 + 1000, T0 + 1000, 850_000_001),
      { kind: "phase", name: "cot", state: "end" },
    ] as EvidenceBody[])
      log.append(b);
    const run = log.events[0] as Run;
    const view = new DutView({ events: log.events, run, dut: run.duts[0]! });
    expect(view.phase("cot").start?.seq).toBe(6);
    expect(view.phase("cot").end?.seq).toBe(8);
    expect(view.cotsIn("cot").map((c) => c.event.seq)).toEqual([7]);
    expect(view.cots).toHaveLength(2);
    // every report says the run was resumed, when and why, and the phase redone
    const report = buildReport(log.events);
    expect(report.provenance.resumed).toEqual([
      { wall: log.events[4]!.wall, hubTime: iso(T0), reason: "the run stopped: stopped (SIGTERM)", phase: "cot" },
    ]);
    const line = `resumed ${log.events[4]!.wall} (the run stopped: stopped (SIGTERM)), cot redone`;
    expect(renderJunit(report)).toContain(`<property name="resumed" value="${line}"/>`);
    expect(renderHtml(report, log.events)).toContain(line);
  });
});

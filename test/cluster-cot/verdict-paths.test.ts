/**
 * The verdicts other than pass and fail: inconclusive when evidence is missing (no operator terminal, a
 * failed probe, COT-02 not met, a run cut short), not_applicable for devices declaring a version before the
 * baseline, error when a bench error prevented the evidence. Each starts from the recorded evidence of a real
 * virtual run (test/support/recorded-run.ts) and edits in what went wrong.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import type { Evidence } from "../../src/evidence/events.js";
import { zclEvent } from "../../src/evidence/zcl-event.js";
import type { CaseResult, DutResult } from "../../src/cluster-cot/results.js";
import { type RecordedDut, recordedRun } from "../support/recorded-run.js";
import { benchError, cutAfterPhase, failProbes, insert, withoutOperator } from "./evidence-edits.js";

beforeAll(() => recordedRun().then(() => undefined), 600_000);

const run = (...duts: RecordedDut[]) => recordedRun(duts);

function verdicts(d: DutResult): Record<string, string> {
  return Object.fromEntries(d.results.map((r) => [r.id, r.verdict]));
}

function byId(d: DutResult, id: string): CaseResult {
  return d.results.find((r) => r.id === id)!;
}

describe("inconclusive", () => {
  it("an operator probe without a terminal leaves every probe case inconclusive, never a guess", async () => {
    const events = await run("ppmid:compliant");
    withoutOperator(events, "ppmid:compliant");
    const [d] = evaluate(events);
    expect(verdicts(d!)).toEqual({
      "COT-01": "pass",
      "COT-02": "inconclusive",
      "COT-03": "pass",
      "COT-04": "pass",
      "COT-05": "inconclusive",
      "COT-06": "inconclusive",
      "COT-07": "inconclusive",
      "COT-08": "inconclusive",
      "COT-09": "inconclusive",
      "COT-10": "inconclusive",
      "COT-11": "inconclusive",
      "COT-12": "inconclusive",
      "COT-13": "inconclusive",
      "COT-14": "inconclusive",
      "COT-15": "inconclusive",
      "COT-16": "inconclusive",
      // no probe: key establishment and APS security are seen on the network
      "COT-17": "pass",
      "COT-18": "inconclusive",
      "COT-19": "inconclusive",
      "COT-20": "inconclusive",
    });
    expect(byId(d!, "COT-02").reason).toMatch(/^'baseline' probe seq \d+ \(operator\) got no answer: no terminal/);
    expect(byId(d!, "COT-05").reason).toMatch(/^COT-02 not met \(inconclusive\)/);
  });

  it("one failed probe makes only the cases resting on it inconclusive", async () => {
    const events = await run("ihd:keeps-messages");
    failProbes(events, { label: "ihd:keeps-messages", purpose: /^after-cot$/, error: "console timed out" });
    const [d] = evaluate(events);
    expect(byId(d!, "COT-05").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-05").reason).toMatch(
      /'after-cot' probe seq (\d+) \(virtual\) got no answer: console timed out/,
    );
    expect(byId(d!, "COT-05").evidence).toHaveLength(1);
    expect(byId(d!, "COT-06").verdict).toBe("inconclusive");
    for (const id of ["COT-01", "COT-02", "COT-03", "COT-04", "COT-07", "COT-08", "COT-09", "COT-10"]) {
      expect(byId(d!, id).verdict, id).toBe("pass");
    }
  });

  it("a run cut short right after the CoT cannot tell whether the DUT would have queried in the window", async () => {
    const events = await run("ihd:no-query");
    cutAfterPhase(events, "cot");
    const [d] = evaluate(events);
    expect(byId(d!, "COT-03").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-03").reason).toMatch(/^evidence ends 0 h into the 24 h window after CoT seq \d+/);
    expect(byId(d!, "COT-12").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-07").reason).toBe("no 'after-new-data' probe of this DUT in the evidence");
  });

  it("a run cut short after the window still judges the queries", async () => {
    const events = await run("ihd:gpf-only");
    cutAfterPhase(events, "observe");
    const [d] = evaluate(events);
    expect([byId(d!, "COT-03").verdict, byId(d!, "COT-04").verdict]).toEqual(["pass", "fail"]);
    expect(byId(d!, "COT-08").reason).toBe("no CoT recorded in phase 'future-cot'");
  });
});

describe("a bench run stopped and resumed", () => {
  /**
   * The run stopped right after phase `phase` started and was resumed `gapMs` later: a `resume` event and the
   * phase started again follow the cut start; every later event is `gapMs` later in hub time (a bench's clock).
   */
  function stopAndResume(events: Evidence[], phase: string, gapMs: number): void {
    const at = events.findIndex((e) => e.kind === "phase" && e.name === phase && e.state === "start");
    if (at < 0) throw new Error(`no start of phase ${phase}`);
    const cut = events[at]!;
    for (const e of events.slice(at + 1)) e.t = new Date(Date.parse(e.t) + gapMs).toISOString();
    const later = { ...cut, t: new Date(Date.parse(cut.t) + gapMs).toISOString() };
    const resume = insert(events, at + 1, later, {
      kind: "resume",
      after: 0,
      reason: "the run stopped: stopped (SIGTERM)",
      phase,
    });
    insert(events, at + 2, later, { kind: "phase", name: phase, state: "start" });
    if (resume.kind === "resume") resume.after = cut.seq;
  }
  const DAY = 24 * 3600_000;

  it("COT-03/04 count the window from the resume when the run stopped inside it", async () => {
    const events = await run("ihd:compliant", "ihd:no-query");
    stopAndResume(events, "observe", 2 * DAY);
    const [good, silent] = evaluate(events);
    for (const id of ["COT-03", "COT-04"]) {
      expect(byId(good!, id).verdict, id).toBe("pass");
      expect(byId(good!, id).reason).toMatch(
        /after the resume \(seq \d+\) that followed CoT seq \d+ \(window 24 h, counted from the resume at seq \d+: the run stopped inside it\)$/,
      );
      // a device that does not query after the resume either still fails
      expect(byId(silent!, id).verdict, id).toBe("fail");
      expect(byId(silent!, id).reason).toMatch(/within 24 h, counted from the resume at seq \d+/);
    }
  });

  it("a resume after the window had run its course changes nothing", async () => {
    const events = await run("ihd:no-query");
    stopAndResume(events, "repeat", 2 * DAY);
    const [d] = evaluate(events);
    expect(byId(d!, "COT-03").verdict).toBe("fail");
    expect(byId(d!, "COT-03").reason).toMatch(
      /^no Read 0x0708\/0x0200 nor GetChangeOfTenancy on the GPF within 24 h of CoT seq \d+$/,
    );
  });
});

describe("not_applicable", () => {
  it("a device declaring IHDTS 4.x gets not_applicable on every case, with the reason", async () => {
    const events = await run("ihd:no-query", "ppmid:compliant", "ihd:compliant");
    const decl = (events.find((e) => e.kind === "run") as Evidence & { duts: { claims?: string }[] }).duts;
    decl[0]!.claims = "4.2";
    decl[1]!.claims = "v4.0";
    decl[2]!.claims = "5.0";
    const [ihd, ppmid, current] = evaluate(events);
    for (const r of ihd!.results) {
      expect(r.verdict).toBe("not_applicable");
      expect(r.reason).toBe("declares IHDTS 4.2, before the IHDTS v5.0 that carries SECMP0056");
    }
    expect(ppmid!.results.every((r) => r.verdict === "not_applicable" && r.reason.includes("PPMIDTS 4.0,"))).toBe(true);
    expect(byId(current!, "COT-05").verdict).toBe("pass");
  });

  it("the clear case of a category the DUT declares it never shows does not apply; COT-02 does not look for it", async () => {
    const events = await run("ihd:keeps-messages", "ppmid:keeps-history");
    const decl = (events.find((e) => e.kind === "run") as Evidence & { duts: { neverShows?: string[] }[] }).duts;
    decl[0]!.neverShows = ["messages"];
    decl[1]!.neverShows = ["consumption"];
    const [ihd, ppmid] = evaluate(events);
    expect([verdicts(ihd!)["COT-02"], verdicts(ihd!)["COT-05"], verdicts(ihd!)["COT-06"]]).toEqual([
      "pass",
      "pass",
      "not_applicable",
    ]);
    expect(byId(ihd!, "COT-06").reason).toBe(
      'the DUT declares it never shows supplier messages (DUT file "neverShows")',
    );
    expect(byId(ihd!, "COT-02").reason).toMatch(/; declares it never shows messages$/);
    expect([verdicts(ppmid!)["COT-02"], verdicts(ppmid!)["COT-05"], verdicts(ppmid!)["COT-06"]]).toEqual([
      "pass",
      "not_applicable",
      "pass",
    ]);
  });

  it("COT-05 and COT-06 do not depend on the control bits of the CoT (SECMP0056 sets no condition on them)", async () => {
    const events = await run("ppmid:keeps-history");
    for (const e of events) if (e.kind === "cot") (e as Evidence & { control: number }).control = 0x400;
    const [d] = evaluate(events);
    expect(byId(d!, "COT-05").verdict).toBe("fail");
    expect(byId(d!, "COT-06").verdict).toBe("pass");
    expect(byId(d!, "COT-05").reason).not.toMatch(/bit 9/);
  });
});

describe("error", () => {
  it("a bench error in a phase turns the missing evidence of its cases into error", async () => {
    const events = await run("ppmid:compliant");
    benchError(events, { phase: "observe", message: "dongle unplugged" });
    const [d] = evaluate(events);
    expect(byId(d!, "COT-05").verdict).toBe("error");
    expect(byId(d!, "COT-05").reason).toMatch(/^bench error seq \d+ \(runner\): dongle unplugged — 'after-cot' probe/);
    expect(byId(d!, "COT-06").verdict).toBe("error");
    expect(byId(d!, "COT-11").verdict).toBe("error");
    // evidence the error did not prevent still counts
    expect([byId(d!, "COT-03").verdict, byId(d!, "COT-04").verdict, byId(d!, "COT-08").verdict]).toEqual([
      "pass",
      "pass",
      "pass",
    ]);
  });

  it("an error of another device does not touch this one", async () => {
    const events = await run("ihd:compliant", "ihd:keeps-messages");
    // the second device's console closed; the first device's probes of that phase got no answer either
    benchError(events, { phase: "future-cot", message: "console port closed", label: "ihd:keeps-messages" });
    failProbes(events, {
      label: "ihd:compliant",
      phase: "future-cot",
      purpose: /./,
      error: "aborted after a bench error",
    });
    const [a, b] = evaluate(events);
    expect(byId(a!, "COT-08").verdict).toBe("inconclusive");
    expect(byId(b!, "COT-08").verdict).toBe("error");
  });

  it("a case inconclusive because COT-02 was not met stays inconclusive despite a bench error", async () => {
    const events = await run("ihd:fixed-endpoint");
    benchError(events, { phase: "away-cot", message: "push failed: MAC_NO_ACK", label: "ihd:fixed-endpoint" });
    const [d] = evaluate(events);
    expect(byId(d!, "COT-10").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-10").reason).toBe("COT-02 not met (inconclusive): no previous-occupier data to see cleared");
  });

  it("COT-01 fails a request sent to an advertised endpoint whose Simple_Desc does not list its cluster", async () => {
    const events = await run("ihd:compliant");
    const [before] = evaluate(events);
    expect(byId(before!, "COT-01").verdict).toBe("pass");
    // the ESI's Simple_Desc lists Device Management, not Metering: a Metering read moved there is misplaced
    const esi = events.find(
      (e) =>
        e.kind === "discovery" &&
        e.request === "simpleDesc" &&
        e.clusters?.includes(0x0708) &&
        !e.clusters.includes(0x0702),
    ) as Evidence & { endpoints: number[] };
    const read = events.find(
      (e) => e.kind === "zcl" && e.direction === "clientToServer" && e.clusterId === 0x0702 && e.role === "gpf",
    ) as Evidence & { hubEp: number; seq: number };
    read.hubEp = esi.endpoints[0]!;
    const cot01 = byId(evaluate(events)[0]!, "COT-01");
    expect(cot01.verdict).toBe("fail");
    expect(cot01.reason).toContain(`seq ${read.seq} cluster 0x0702`);
    expect(cot01.reason).toContain("which does not serve cluster 0x0702");
  });

  it("a stranger the hub admitted is a bench fault in COT-01", async () => {
    const events = await run("ihd:compliant");
    const stranger = events.find((e) => e.kind === "join" && !e.accepted)!;
    (stranger as Evidence & { accepted: boolean }).accepted = true;
    const [d] = evaluate(events);
    expect(byId(d!, "COT-01").verdict).toBe("error");
    expect(byId(d!, "COT-01").reason).toContain(
      `the hub admitted ${(stranger as Evidence & { device: string }).device}`,
    );
  });

  it("a device the hub admits on purpose (an ESME node declared in the run event) is no stranger", async () => {
    const events = await run("ihd:compliant");
    const runEvent = events.find((e) => e.kind === "run") as Evidence & {
      admitted?: { label: string; ieee: string }[];
    };
    const esme = {
      kind: "join",
      device: "0x00124b00000000e5",
      nwk: 0x3000,
      accepted: true,
      reason: "ESME node",
    } as const;
    events.push({ seq: events.length + 1, t: runEvent.t, wall: runEvent.wall, ...esme });
    expect(byId(evaluate(events)[0]!, "COT-01").verdict).toBe("error");
    runEvent.admitted = [...(runEvent.admitted ?? []), { label: "esme", ieee: esme.device }];
    expect(byId(evaluate(events)[0]!, "COT-01").verdict).toBe("pass");
  });

  it("a log without a run event cannot be evaluated", () => {
    expect(() => evaluate([])).toThrow(/no run event/);
  });
});

describe("rules resting on single frames", () => {
  it("COT-01 fails a request to an endpoint discovery did not advertise, naming it", async () => {
    const events = await run("ihd:compliant");
    const dut = (events.find((e) => e.kind === "run") as Evidence & { duts: { ieee: string }[] }).duts[0]!.ieee;
    const req = events.find((e) => e.kind === "zcl" && e.dir === "in" && e.device === dut && e.clusterId === 0x0702)!;
    (req as Evidence & { hubEp: number; role?: string }).hubEp = 7;
    const [d] = evaluate(events);
    expect(byId(d!, "COT-01").verdict).toBe("fail");
    expect(byId(d!, "COT-01").reason).toMatch(
      new RegExp(
        `^seq ${req.seq} cluster 0x0702 read to hub endpoint 7, not advertised \\(advertised: 2, 3, 4 by matchDesc seq \\d+\\)`,
      ),
    );
  });

  it("COT-09 fails a device that dropped tenancy-1 data after a NOT_FOUND answer", async () => {
    const events = await run("ihd:compliant");
    const dut = (events.find((e) => e.kind === "run") as Evidence & { duts: { ieee: string }[] }).duts[0]!.ieee;
    // the hub answered a GetChangeOfTenancy before the CoT with NOT_FOUND (the emulated displays read the
    // attributes instead, so the answer is put in, as host's tap records one)
    const before = events.findIndex((e) => e.kind === "probe" && e.purpose === "baseline" && e.device === dut);
    const meta = { device: dut, nwk: 1, deviceEp: 1, hubEp: 2, role: "gpf" as const, clusterId: 0x0708 };
    const notFound = zclEvent("out", meta, Buffer.from("18600b008b", "hex"), {
      cluster: "seDeviceManagement",
      command: "defaultRsp",
      payload: { cmdId: 0, statusCode: 0x8b },
    });
    insert(events, before, events[before]!, notFound);
    const base = events.find((e) => e.kind === "probe" && e.purpose === "baseline" && e.device === dut)!;
    (base as Evidence & { holdings: { messages: unknown[] } }).holdings.messages = [];
    const [d] = evaluate(events);
    // a precondition not met is inconclusive, never a failure (cot-suite.md COT-02)
    expect(byId(d!, "COT-02").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-02").reason).toMatch(
      /holds \d+ interval figure\(s\) of periods before T and 0 supplier message/,
    );
    expect(byId(d!, "COT-09").verdict).toBe("fail");
    expect(byId(d!, "COT-09").reason).toMatch(/holds no supplier messages after the "no CoT" answer seq \d+/);
  });

  it("COT-10 is inconclusive, never pass, when the DUT sent frames while declared off (after a 30 s grace)", async () => {
    const events = await run("ihd:compliant");
    const dut = (events.find((e) => e.kind === "run") as Evidence & { duts: { ieee: string }[] }).duts[0]!.ieee;
    const off = events.findIndex((e) => e.kind === "presence" && e.device === dut && !e.online);
    const on = events.findIndex((e, i) => i > off && e.kind === "presence" && e.device === dut && e.online);
    const frame = events.find((e) => e.kind === "zcl" && e.device === dut && e.dir === "in")!;
    const { seq: _s, t: _t, wall: _w, ...body } = frame;
    // in flight as it went off: within the grace, the case still judges
    insert(events, off + 1, events[off]!, body);
    expect(byId(evaluate([...events])[0]!, "COT-10").verdict).toBe("pass");
    // heard 45 s after it went off: a virtual device is off for one second of hub time, so the return and
    // everything after it are moved a minute later, keeping the log in time order
    const back = on + 1;
    for (const e of events.slice(back)) e.t = new Date(Date.parse(e.t) + 60_000).toISOString();
    const heard = insert(events, back, events[back]!, body);
    heard.t = new Date(Date.parse(events[off]!.t) + 45_000).toISOString();
    const c = byId(evaluate([...events])[0]!, "COT-10");
    expect(c.verdict).toBe("inconclusive");
    expect(c.reason).toMatch(
      /^the DUT sent 1 frame\(s\) while declared off \(presence seq \d+ → \d+\), the first seq \d+ 45s after it went off \(grace 30 s\)/,
    );
  });

  it("COT-16 passes the compliant DUT across the three restarts, and is inconclusive when one is not on record", async () => {
    const events = await run("ihd:compliant");
    const pass = byId(evaluate([...events])[0]!, "COT-16");
    expect([pass.verdict, pass.reason]).toEqual([
      "pass",
      expect.stringMatching(
        /^after the main line's CoTs: after-restart probe seq \d+ still holds \d+ interval data, \d+ supplier messages of the new occupier after the hub restart seq \d+, power cycle seq \d+, leave and rejoin seq \d+, the CoT unchanged \(CoT GPF seq \d+ T \S+, ESME seq \d+ T \S+\); \d+ CoT queries after them \(first seq \d+\); after a back-dated CoT: after-restart-back-dated probe seq \d+ still holds \d+ interval data, \d+ supplier messages of the new occupier after the hub restart seq \d+, power cycle seq \d+, leave and rejoin seq \d+, the CoT unchanged \(CoT GPF seq \d+ T \S+, ESME seq \d+ T \S+\); \d+ CoT queries after them/,
      ),
    ]);
    // a bench without a terminal: nobody power-cycled the DUT or had it rejoin
    const dut = (events.find((e) => e.kind === "run") as Evidence & { duts: { ieee: string }[] }).duts[0]!.ieee;
    const unasked = events.filter((e) => !(e.kind === "restart" && e.device === dut));
    const c = byId(evaluate(unasked)[0]!, "COT-16");
    expect([c.verdict, c.reason]).toEqual([
      "inconclusive",
      expect.stringMatching(
        /^after the main line's CoTs: no record of the power cycle, leave and rejoin between probes seq \d+ and \d+; after a back-dated CoT: no record of the power cycle, leave and rejoin between probes seq \d+ and \d+$/,
      ),
    ]);
    // only the restarts after the back-dated CoT not on record: still inconclusive, the main line's pass named
    const backDatedStart = events.findIndex(
      (e) => e.kind === "phase" && e.name === "back-dated" && e.state === "start",
    );
    const half = events.filter((e, i) => !(i > backDatedStart && e.kind === "restart" && e.device === dut));
    const h = byId(evaluate(half)[0]!, "COT-16");
    expect([h.verdict, h.reason]).toEqual([
      "inconclusive",
      expect.stringMatching(
        /^after the main line's CoTs: after-restart probe seq \d+ still holds .*; after a back-dated CoT: no record of the power cycle, leave and rejoin between probes seq \d+ and \d+$/,
      ),
    ]);
  });

  it("COT-16 is inconclusive when the CoT did not stay unchanged across the restarts", async () => {
    const events = await run("ihd:compliant");
    const hub = events.findIndex((e) => e.kind === "restart" && e.what === "hub");
    const cot = events.find((e) => e.kind === "cot")!;
    const { seq: _s, t: _t, wall: _w, ...body } = cot;
    insert(events, hub + 1, events[hub]!, body);
    const c = byId(evaluate([...events])[0]!, "COT-16");
    expect([c.verdict, c.reason]).toEqual([
      "inconclusive",
      expect.stringMatching(/^after the main line's CoTs: the CoT did not stay unchanged: cot seq \d+ between probes/),
    ]);
  });

  it("COT-16 names the first change of the CoT across the restarts, a reset or a new CoT", async () => {
    const events = await run("ihd:compliant");
    const hub = events.findIndex((e) => e.kind === "restart" && e.what === "hub");
    const cot = events.find((e) => e.kind === "cot")!;
    const { seq: _s, t: _t, wall: _w, ...body } = cot;
    // a reset, then a new CoT: the reset is named
    insert(events, hub + 1, events[hub]!, body);
    const reset = insert(events, hub + 1, events[hub]!, { kind: "cot-reset", meter: "esme" });
    const c = byId(evaluate([...events])[0]!, "COT-16");
    expect([c.verdict, c.reason]).toEqual([
      "inconclusive",
      expect.stringMatching(
        new RegExp(`^after the main line's CoTs: the CoT did not stay unchanged: cot-reset seq ${reset.seq} between`),
      ),
    ]);
  });

  it("COT-15 reports what went at the ESME-only and at the GPF-only CoT, and is inconclusive without the second", async () => {
    const events = await run("ihd:compliant");
    const info = byId(evaluate([...events])[0]!, "COT-15");
    expect([info.verdict, info.reason]).toEqual([
      "info",
      expect.stringMatching(
        /^ESME-only CoT seq \d+ \(T \S+\), probes seq \d+ → \d+: electricity data [1-9]\d* → 0, gas data ([1-9]\d*) → \1, supplier messages held 1 → 1 \(across T 0 → 0\)\. GPF-only CoT seq \d+ \(T \S+\), probes seq \d+ → \d+: gas data [1-9]\d* → 0, electricity data ([1-9]\d*) → \2, supplier messages held 1 → 1 \(across T 0 → 0\)$/,
      ),
    ]);
    // the GPF's T days after the ESME's (back-dated 45 and 10 days, recorded a 24 h window apart: 36 days)
    const [, esmeT, gpfT] = /ESME-only CoT seq \d+ \(T (\S+)\).*GPF-only CoT seq \d+ \(T (\S+)\)/.exec(info.reason)!;
    const apart = (Date.parse(gpfT!) - Date.parse(esmeT!)) / (24 * 3_600_000);
    expect(Math.round(apart)).toBe(36);
    // without the GPF-only CoT the reason names
    const gpfSeq = Number(/GPF-only CoT seq (\d+)/.exec(info.reason)![1]);
    const gpfOnly = events.find((e) => e.seq === gpfSeq && e.kind === "cot" && e.meter === "gpf");
    expect(gpfOnly).toBeDefined();
    const c = byId(evaluate(events.filter((e) => e !== gpfOnly))[0]!, "COT-15");
    expect([c.verdict, c.reason]).toEqual([
      "inconclusive",
      "no CoT on the ESME only, then on the GPF only, in phase 'back-dated'",
    ]);
  });

  it("COT-10 is inconclusive when nothing shows the DUT was away during its CoT", async () => {
    const events = (await run("ihd:compliant")).filter((e) => e.kind !== "presence");
    const [d] = evaluate(events);
    expect(byId(d!, "COT-10").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-10").reason).toMatch(
      /no record that the DUT was off the network when CoT seq \d+ was recorded/,
    );
  });
});

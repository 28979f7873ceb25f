/**
 * The verdicts other than pass and fail: inconclusive when evidence is missing (no operator terminal, a
 * failed probe, COT-02 not met, a run cut short), not_applicable for devices declaring a version before the
 * baseline, error when a bench error prevented the evidence.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import type { Evidence } from "../../src/evidence/events.js";
import type { CaseResult, DutResult } from "../../src/cluster-cot/results.js";
import { synthRun } from "./builders.js";

function verdicts(d: DutResult): Record<string, string> {
  return Object.fromEntries(d.results.map((r) => [r.id, r.verdict]));
}

function byId(d: DutResult, id: string): CaseResult {
  return d.results.find((r) => r.id === id)!;
}

describe("inconclusive", () => {
  it("an operator probe without a terminal leaves every probe case inconclusive, never a guess", async () => {
    const [d] = evaluate(await synthRun({ duts: [{ kind: "ppmid", profile: "compliant", probe: "operator" }] }));
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
    });
    expect(byId(d!, "COT-02").reason).toMatch(/^'baseline' probe seq \d+ \(operator\) got no answer: no terminal/);
    expect(byId(d!, "COT-05").reason).toMatch(/^COT-02 not met \(inconclusive\)/);
  });

  it("one failed probe makes only the cases resting on it inconclusive", async () => {
    const duts = [{ kind: "ihd" as const, profile: "keeps-history" as const }];
    const [d] = evaluate(await synthRun({ duts, failProbes: { match: /^after-cot$/, error: "console timed out" } }));
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
    const [d] = evaluate(await synthRun({ duts: [{ kind: "ihd", profile: "no-query" }], stopAfter: "cot" }));
    expect(byId(d!, "COT-03").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-03").reason).toMatch(/^evidence ends 0 h into the 24 h window after CoT seq \d+/);
    expect(byId(d!, "COT-12").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-07").reason).toBe("no 'after-new-data' probe of this DUT in the evidence");
  });

  it("a run cut short after the window still judges the queries", async () => {
    const [d] = evaluate(await synthRun({ duts: [{ kind: "ihd", profile: "gpf-only" }], stopAfter: "observe" }));
    expect([byId(d!, "COT-03").verdict, byId(d!, "COT-04").verdict]).toEqual(["pass", "fail"]);
    expect(byId(d!, "COT-08").reason).toBe("no CoT recorded in phase 'future-cot'");
  });
});

describe("not_applicable", () => {
  it("a device declaring IHDTS 4.x gets not_applicable on every case, with the reason", async () => {
    const [ihd, ppmid, current] = evaluate(
      await synthRun({
        duts: [
          { kind: "ihd", profile: "no-query", claims: "4.2" },
          { kind: "ppmid", profile: "compliant", claims: "v4.0" },
          { kind: "ihd", profile: "compliant", claims: "5.0" },
        ],
      }),
    );
    for (const r of ihd!.results) {
      expect(r.verdict).toBe("not_applicable");
      expect(r.reason).toBe("declares IHDTS 4.2, before the IHDTS v5.0 that carries SECMP0056");
    }
    expect(ppmid!.results.every((r) => r.verdict === "not_applicable" && r.reason.includes("PPMIDTS v4.0"))).toBe(true);
    expect(byId(current!, "COT-05").verdict).toBe("pass");
  });

  it("COT-05 does not apply when the CoT's control has bit 9 clear", async () => {
    const events = await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] });
    const cot = events.find((e) => e.kind === "cot")!;
    (cot as Evidence & { control: number }).control = 0x400;
    const [d] = evaluate(events);
    expect(byId(d!, "COT-05").verdict).toBe("not_applicable");
    expect(byId(d!, "COT-05").reason).toMatch(/control 0x00000400 has bit 9 \(Clear IHD Data – Consumer\) clear/);
    expect(byId(d!, "COT-06").verdict).toBe("pass");
  });
});

describe("error", () => {
  it("a bench error in a phase turns the missing evidence of its cases into error", async () => {
    const [d] = evaluate(
      await synthRun({
        duts: [{ kind: "ppmid", profile: "compliant" }],
        benchError: { phase: "observe", message: "dongle unplugged" },
      }),
    );
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
    const events = await synthRun({
      duts: [
        { kind: "ihd", profile: "compliant" },
        { kind: "ihd", profile: "keeps-history" },
      ],
      benchError: { phase: "future-cot", message: "console port closed", perDevice: true },
    });
    // keep only the error of the second device
    const first = events.find((e) => e.kind === "run")!;
    const ieee0 = (first as Evidence & { duts: { ieee: string }[] }).duts[0]!.ieee;
    const trimmed = events.filter((e) => !(e.kind === "error" && e.device === ieee0));
    const [a, b] = evaluate(trimmed);
    expect(byId(a!, "COT-08").verdict).toBe("inconclusive");
    expect(byId(b!, "COT-08").verdict).toBe("error");
  });

  it("a case inconclusive because COT-02 was not met stays inconclusive despite a bench error", async () => {
    const [d] = evaluate(
      await synthRun({
        duts: [{ kind: "ihd", profile: "fixed-endpoint" }],
        benchError: { phase: "away-cot", message: "push failed: MAC_NO_ACK", perDevice: true },
      }),
    );
    expect(byId(d!, "COT-10").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-10").reason).toBe("COT-02 not met (fail): no previous-occupier data to see cleared");
  });

  it("a stranger the hub admitted is a bench fault in COT-01", async () => {
    const events = await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] });
    const stranger = events.find((e) => e.kind === "join" && !e.accepted)!;
    (stranger as Evidence & { accepted: boolean }).accepted = true;
    const [d] = evaluate(events);
    expect(byId(d!, "COT-01").verdict).toBe("error");
    expect(byId(d!, "COT-01").reason).toContain("the hub admitted 0x00124b0000000bad");
  });

  it("a device the hub admits on purpose (an ESME node declared in the run event) is no stranger", async () => {
    const events = await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] });
    const run = events.find((e) => e.kind === "run") as Evidence & { admitted?: { label: string; ieee: string }[] };
    const esme = {
      kind: "join",
      device: "0x00124b00000000e5",
      nwk: 0x3000,
      accepted: true,
      reason: "ESME node",
    } as const;
    events.push({ seq: events.length + 1, t: run.t, wall: run.wall, ...esme });
    expect(byId(evaluate(events)[0]!, "COT-01").verdict).toBe("error");
    run.admitted = [{ label: "esme", ieee: esme.device }];
    expect(byId(evaluate(events)[0]!, "COT-01").verdict).toBe("pass");
  });

  it("a log without a run event cannot be evaluated", () => {
    expect(() => evaluate([])).toThrow(/no run event/);
  });
});

describe("rules resting on single frames", () => {
  it("COT-01 fails a request to an endpoint discovery did not advertise, naming it", async () => {
    const events = await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] });
    const req = events.find((e) => e.kind === "zcl" && e.dir === "in" && e.clusterId === 0x0702)!;
    (req as Evidence & { hubEp: number; role?: string }).hubEp = 7;
    const [d] = evaluate(events);
    expect(byId(d!, "COT-01").verdict).toBe("fail");
    expect(byId(d!, "COT-01").reason).toMatch(
      new RegExp(
        `^seq ${req.seq} cluster 0x0702 read to hub endpoint 7, not advertised \\(advertised: 2, 3 by matchDesc seq \\d+\\)`,
      ),
    );
  });

  it("COT-09 fails a device that dropped tenancy-1 data after a NOT_FOUND answer", async () => {
    const events = await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] });
    const base = events.find((e) => e.kind === "probe" && e.purpose === "baseline")!;
    (base as Evidence & { holdings: { messages: unknown[] } }).holdings.messages = [];
    const [d] = evaluate(events);
    expect(byId(d!, "COT-02").verdict).toBe("fail");
    expect(byId(d!, "COT-09").verdict).toBe("fail");
    expect(byId(d!, "COT-09").reason).toMatch(/holds no tenancy-1 supplier messages after the "no CoT" answer seq \d+/);
  });

  it("COT-10 is inconclusive when nothing shows the DUT was away during its CoT", async () => {
    const events = (await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] })).filter(
      (e) => e.kind !== "presence",
    );
    const [d] = evaluate(events);
    expect(byId(d!, "COT-10").verdict).toBe("inconclusive");
    expect(byId(d!, "COT-10").reason).toMatch(
      /no record that the DUT was off the network when CoT seq \d+ was recorded/,
    );
  });
});

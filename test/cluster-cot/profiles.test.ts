/**
 * Every behaviour profile of cot-suite.md on synthetic evidence shaped like a virtual run of VIRTUAL_PLAN:
 * `compliant` passes everything (COT-11/12 info), each faulty profile fails its own case(s), the cases its
 * fault implies, and passes the rest.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import type { DutResult, Verdict } from "../../src/cluster-cot/results.js";
import { synthRun } from "./builders.js";
import { PROFILES, type Profile } from "./synth-device.js";

const IDS = Array.from({ length: 12 }, (_, i) => `COT-${String(i + 1).padStart(2, "0")}`);

/** Verdicts that differ from pass (COT-11 and COT-12 are information). */
const FAULTS: Record<Profile, Record<string, Verdict>> = {
  compliant: {},
  // never reads tenancy information: no query, so nothing is ever cleared
  "no-query": {
    "COT-03": "fail",
    "COT-04": "fail",
    "COT-05": "fail",
    "COT-06": "fail",
    "COT-08": "fail",
    "COT-10": "fail",
  },
  "gpf-only": { "COT-04": "fail" },
  "keeps-history": { "COT-05": "fail" },
  "keeps-messages": { "COT-06": "fail" },
  "early-clear": { "COT-08": "fail" },
  "repeat-clear": { "COT-09": "fail" },
  // endpoint 1 has no Smart Energy server: no history fetched (COT-02, so the clears are inconclusive),
  // no CoT query reaches the GPF or ESME, no new consumption; pushed messages still arrive and stay (COT-09)
  "fixed-endpoint": {
    "COT-01": "fail",
    "COT-02": "fail",
    "COT-03": "fail",
    "COT-04": "fail",
    "COT-05": "inconclusive",
    "COT-06": "inconclusive",
    "COT-07": "fail",
    "COT-08": "inconclusive",
    "COT-10": "inconclusive",
  },
  "offline-miss": { "COT-10": "fail" },
};

function expected(profile: Profile): Verdict[] {
  const info: Record<string, Verdict> = { "COT-11": "info", "COT-12": "info" };
  return IDS.map((id) => FAULTS[profile][id] ?? info[id] ?? "pass");
}

describe.each(["ihd", "ppmid"] as const)("every profile as %s", (kind) => {
  let results: DutResult[];
  beforeAll(async () => {
    results = evaluate(await synthRun({ duts: PROFILES.map((profile) => ({ kind, profile })) }));
  });

  it.each(PROFILES)(`${kind}:%s gets the verdicts its behaviour implies`, (profile) => {
    const r = results.find((d) => d.label === `${kind}:${profile}`)!;
    expect(r.results.map((c) => c.id)).toEqual(IDS);
    expect(Object.fromEntries(r.results.map((c) => [c.id, c.verdict]))).toEqual(
      Object.fromEntries(IDS.map((id, i) => [id, expected(profile)[i]])),
    );
  });

  it("gives one-line reasons that cite evidence seq numbers, and evidence behind every pass and fail", () => {
    for (const d of results) {
      for (const c of d.results) {
        expect(c.reason, `${d.label} ${c.id}`).not.toMatch(/\n/);
        expect(c.reason.length, `${d.label} ${c.id}`).toBeGreaterThan(10);
        if (c.verdict === "pass" || c.verdict === "fail") {
          expect(c.evidence.length, `${d.label} ${c.id}`).toBeGreaterThan(0);
          expect(c.reason, `${d.label} ${c.id}`).toMatch(/seq \d+/);
          expect(c.startedAt <= c.finishedAt).toBe(true);
        }
      }
    }
  });
});

describe("reasons name what the verdict rests on", () => {
  it("COT-11 reports what became of tenancy-1 top-ups and debts, on a PPMID and on an IHD", async () => {
    const [ihd, ppmid, kept] = evaluate(
      await synthRun({
        duts: [
          { kind: "ihd", profile: "compliant" },
          { kind: "ppmid", profile: "compliant" },
          { kind: "ppmid", profile: "keeps-history" },
        ],
      }),
    );
    const reason = (d: DutResult | undefined) => d!.results.find((r) => r.id === "COT-11")!.reason;
    expect(reason(ihd)).toMatch(/^IHD, tenancy 1, .*: top-up history: none held; debt recovery: none held$/);
    expect(reason(ppmid)).toMatch(
      /^PPMID, tenancy 1, .*: top-up history: cleared \(1 → 0\); debt recovery: cleared \(1 → 0\)$/,
    );
    expect(reason(kept)).toMatch(/top-up history: kept \(1 → 1\); debt recovery: kept \(1 → 1\)$/);
  });

  it("COT-06 of keeps-messages names the probe, the message id of tenancy 1 and the CoT control", async () => {
    const [d] = evaluate(await synthRun({ duts: [{ kind: "ihd", profile: "keeps-messages" }] }));
    const c = d!.results.find((r) => r.id === "COT-06")!;
    expect(c.reason).toMatch(
      /^after-cot probe seq \d+ still holds 1 of tenancy 1's supplier messages \(msg 1001\); CoT seq \d+ control 0x00000600$/,
    );
  });

  it("COT-03 of a compliant device names the frame, the GPF endpoint and the window", async () => {
    const [d] = evaluate(await synthRun({ duts: [{ kind: "ihd", profile: "compliant" }] }));
    const c = d!.results.find((r) => r.id === "COT-03")!;
    expect(c.reason).toMatch(
      /^seq \d+: GetChangeOfTenancy on the GPF \(hub endpoint 2\) 2 h after CoT seq \d+ \(window 24 h\)$/,
    );
  });

  it("COT-01 of fixed-endpoint names the first request to endpoint 1", async () => {
    const [d] = evaluate(await synthRun({ duts: [{ kind: "ppmid", profile: "fixed-endpoint" }] }));
    expect(d!.results[0]!.reason).toMatch(
      /sent no ZDO discovery; first request seq \d+ cluster 0x0708 read to hub endpoint 1/,
    );
  });
});

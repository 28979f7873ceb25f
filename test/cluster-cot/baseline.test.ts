/**
 * The baseline as data (cot-suite.md "Baseline and claims"): the shipped file, what a baseline file may hold
 * and what is refused with its reason, and a DUT's claim judged against the run's baseline, not a constant.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BaselineError, parseBaseline } from "../../src/cluster-cot/baseline.js";
import { outOfScope } from "../../src/cluster-cot/claims.js";
import { evaluate } from "../../src/cluster-cot/index.js";
import type { RunEvent } from "../../src/evidence/events.js";
import { recordedRun } from "../support/recorded-run.js";

const SHIPPED = new URL("../../docs/baseline.json", import.meta.url);

describe("the shipped baseline", () => {
  it("is the contract's default: ESMETS 5.1, IHDTS 5.0, PPMIDTS 5.0, GBCS 5.0, CHTS 1.5 for SECMP0056", () => {
    expect(parseBaseline(readFileSync(SHIPPED, "utf8"), "docs/baseline.json")).toEqual({
      modification: "SECMP0056",
      release: "November 2021 SEC release",
      ESMETS: "5.1",
      IHDTS: "5.0",
      PPMIDTS: "5.0",
      GBCS: "5.0",
      CHTS: "1.5",
    });
  });
});

describe("a baseline file", () => {
  it("takes a lab's versions, with any specification named in capitals", () => {
    expect(parseBaseline('{"IHDTS": "4.2", "PPMIDTS": "5.0", "SMETS2": "1.10"}', "lab.json")).toEqual({
      IHDTS: "4.2",
      PPMIDTS: "5.0",
      SMETS2: "1.10",
    });
  });

  it.each([
    ["{", /^lab\.json is not JSON: /],
    ["[]", /^lab\.json must be a JSON object of specification versions/],
    ['{"IHDTS": 5, "PPMIDTS": "5.0"}', /^lab\.json: "IHDTS" must be a string, not 5$/],
    ['{"IHDTS": "v5", "PPMIDTS": "5.0"}', /^lab\.json: IHDTS "v5" is not a version MAJOR\.MINOR \(such as 5\.0\)$/],
    [
      '{"ihdts": "5.0", "PPMIDTS": "5.0"}',
      /^lab\.json: "ihdts" is neither modification nor release nor a specification name/,
    ],
    ['{"PPMIDTS": "5.0"}', /^lab\.json has no IHDTS version: /],
    ["{}", /^lab\.json has no IHDTS and PPMIDTS version: /],
  ])("refuses %s, saying why", (text, message) => {
    const parse = () => parseBaseline(text, "lab.json");
    expect(parse).toThrow(BaselineError);
    expect(parse).toThrow(message);
  });
});

describe("a claim against the run's baseline", () => {
  const baseline = { modification: "SECMP0056", IHDTS: "5.0", PPMIDTS: "5.0" };

  it("puts a version before the baseline out of scope, naming what was read from what was declared", () => {
    expect(outOfScope({ kind: "ihd", claims: "SMETS 29 November 2020 IHDTS v4.2" }, baseline)).toBe(
      'declares IHDTS 4.2 ("SMETS 29 November 2020 IHDTS v4.2"), before the IHDTS v5.0 that carries SECMP0056',
    );
  });

  it("follows a lab's baseline: IHDTS 4.2 is in scope when the baseline is 4.2, PPMIDTS 5.0 not when it is 5.1", () => {
    const lab = { IHDTS: "4.2", PPMIDTS: "5.1" };
    expect(outOfScope({ kind: "ihd", claims: "IHDTS v4.2" }, lab)).toBeUndefined();
    expect(outOfScope({ kind: "ihd", claims: "IHDTS v4.1" }, lab)).toBe(
      'declares IHDTS 4.1 ("IHDTS v4.1"), before the IHDTS v4.2 of the baseline',
    );
    expect(outOfScope({ kind: "ppmid", claims: "5.0" }, lab)).toBe(
      "declares PPMIDTS 5.0, before the PPMIDTS v5.1 of the baseline",
    );
  });

  it("judges no claim against a baseline that names no version of the device's specification", () => {
    expect(outOfScope({ kind: "ihd", claims: "IHDTS v1.0" }, { GBCS: "5.0" })).toBeUndefined();
  });
});

describe("the run's baseline in the verdicts", () => {
  it("puts a DUT out of scope by the baseline its run event recorded, not a built-in one", async () => {
    const events = await recordedRun(["ihd:compliant"]);
    const run = events.find((e) => e.kind === "run") as RunEvent;
    run.duts[0]!.claims = "IHDTS v5.0";
    expect(evaluate(events)[0]!.results.every((r) => r.verdict !== "not_applicable" || r.id === "COT-17")).toBe(true);
    run.baseline = { ...run.baseline, modification: "a lab's baseline", IHDTS: "5.1" };
    const results = evaluate(events)[0]!.results;
    expect(new Set(results.map((r) => r.verdict))).toEqual(new Set(["not_applicable"]));
    expect(results[0]!.reason).toBe(
      'declares IHDTS 5.0 ("IHDTS v5.0"), before the IHDTS v5.1 that carries a lab\'s baseline',
    );
  }, 600_000);
});

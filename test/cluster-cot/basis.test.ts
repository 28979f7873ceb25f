/**
 * Every case names its basis (cot-suite.md v2 "Basis of each case"), and every result carries it: the table
 * below is the contract's, written out.
 */
import { describe, expect, it } from "vitest";
import { CASES, evaluate } from "../../src/cluster-cot/index.js";
import { recordedRun } from "../support/recorded-run.js";

const CONTRACT: Record<string, string[]> = {
  "COT-01": ["gb", "zse"],
  "COT-02": ["policy"],
  "COT-03": ["gb", "policy"],
  "COT-04": ["gb", "policy"],
  "COT-05": ["gb"],
  "COT-06": ["gb"],
  "COT-07": ["gb"],
  "COT-08": ["zse"],
  "COT-09": ["gb"],
  "COT-10": ["gb"],
  "COT-11": ["gb"],
  "COT-12": ["zse"],
  "COT-13": ["interpretation"],
  "COT-14": ["gb"],
  "COT-15": ["gb"],
  "COT-16": ["gb"],
  "COT-17": ["gb"],
  "COT-18": ["policy"],
  "COT-19": ["interpretation"],
  "COT-20": ["gb"],
};

describe("case basis", () => {
  it("is the contract's for every case of the suite", () => {
    expect(Object.fromEntries(CASES.map((c) => [c.id, [...c.basis]]))).toEqual(CONTRACT);
  });

  it("is carried by every case result", async () => {
    const [dut] = evaluate(await recordedRun(["ihd:keeps-messages"]));
    expect(Object.fromEntries(dut!.results.map((r) => [r.id, r.basis]))).toEqual(CONTRACT);
  }, 600_000);
});

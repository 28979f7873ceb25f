/**
 * The lab's requirements map (docs/reports.md): JSON and CSV say the same, the example files in docs/ parse,
 * and what does not fit the suite is refused with the reason, not half-used.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CASES } from "../../src/cluster-cot/index.js";
import {
  parseCsv,
  parseRequirements,
  RequirementsError,
  withRequirements,
} from "../../src/cluster-cot/requirements.js";
import type { CaseResult } from "../../src/cluster-cot/results.js";

const docs = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), "utf8");

/** A suite with one interpretation case, as suite v2 has (COT-13). */
const WITH_INTERPRETATION = [...CASES, { id: "COT-13", basis: ["interpretation"] as const }];

describe("requirements map", () => {
  it("reads the example files in docs/ the same from JSON and from CSV", () => {
    const json = parseRequirements(docs("requirements-example.json"), "docs/requirements-example.json", CASES);
    const csv = parseRequirements(docs("requirements-example.csv"), "docs/requirements-example.csv", CASES);
    expect(Object.keys(json.cases)).toEqual(["COT-01", "COT-03", "COT-04", "COT-05", "COT-06", "COT-07"]);
    expect(json.cases["COT-06"]).toEqual({
      clauses: [
        {
          id: "LAB-COT-04",
          text: "On a change of tenancy the device clears the previous occupier's Supplier messages.",
        },
      ],
    });
    expect(csv.cases).toEqual(json.cases);
    expect(csv.file).toBe("docs/requirements-example.csv");
  });

  it("reads RFC 4180 CSV: quotes, doubled quotes, commas and line breaks inside quotes, CRLF, a BOM", () => {
    const text = '\uFEFFclause,case,text\r\n"A-1",COT-05,"one, ""two""\nthree"\r\nB-2,COT-05,\r\n\r\n';
    expect(parseCsv(text).map((r) => r.row)).toEqual([
      ["clause", "case", "text"],
      ["A-1", "COT-05", 'one, "two"\nthree'],
      ["B-2", "COT-05", ""],
    ]);
    expect(parseRequirements(text, "m.csv", CASES).cases["COT-05"]).toEqual({
      clauses: [{ id: "A-1", text: 'one, "two"\nthree' }, { id: "B-2" }],
    });
  });

  it.each([
    [
      '{"cases":{"COT-99":{"clauses":[{"id":"X"}]}}}',
      "m.json",
      /m\.json: unknown case id 'COT-99' \(the suite has COT-01\.\.COT-20\)/,
    ],
    ["case,clause,text\nCOT-42,X,y\n", "m.csv", /m\.csv: unknown case id 'COT-42'/],
    [
      '{"cases":{"COT-05":{"clauses":[{"id":"X"}],"interpretation":"confirm"}}}',
      "m.json",
      /COT-05: "interpretation" applies to interpretation cases only; COT-05's basis is gb/,
    ],
    ['{"cases":{"COT-05":{"clauses":[{"text":"no id"}]}}}', "m.json", /COT-05 clause 1 needs a non-empty "id"/],
    ['{"cases":{"COT-05":{"clauses":[]}}}', "m.json", /COT-05: no clauses/],
    ['{"cases":{"COT-05":{"clause":[]}}}', "m.json", /COT-05: unknown key "clause"/],
    ["{not json", "m.json", /m\.json: not valid JSON/],
    ["case,text\nCOT-05,x\n", "m.csv", /the header needs the columns case and clause/],
    ["case,clause,colour\nCOT-05,X,red\n", "m.csv", /unknown column 'colour'/],
    ['case,clause\nCOT-05,"open\n', "m.csv", /a quoted field is not closed/],
    ["case,clause\nCOT-05,X,extra\n", "m.csv", /line 2: 3 fields, the header has 2/],
  ])("refuses %j (%s)", (text, file, message) => {
    expect(() => parseRequirements(text, file, CASES)).toThrow(RequirementsError);
    expect(() => parseRequirements(text, file, CASES)).toThrow(message);
  });

  it("takes confirm / not_applicable for an interpretation case, and refuses anything else there", () => {
    const map = parseRequirements(
      '{"cases":{"COT-13":{"clauses":[{"id":"L-13"}],"interpretation":"not_applicable"}}}',
      "m.json",
      WITH_INTERPRETATION,
    );
    expect(map.cases["COT-13"]).toEqual({ clauses: [{ id: "L-13" }], interpretation: "not_applicable" });
    expect(() =>
      parseRequirements('{"cases":{"COT-13":{"interpretation":"maybe"}}}', "m.json", WITH_INTERPRETATION),
    ).toThrow(/"interpretation" must be confirm or not_applicable, not "maybe"/);
    expect(
      parseRequirements("case,clause,interpretation\nCOT-13,,confirm\n", "m.csv", WITH_INTERPRETATION).cases,
    ).toEqual({ "COT-13": { clauses: [], interpretation: "confirm" } });
  });

  it("puts the clauses on the result; a lab's not_applicable on an interpretation case replaces the verdict", () => {
    const result: CaseResult = {
      id: "COT-13",
      title: "Clears whatever the control bits",
      basis: ["interpretation"],
      verdict: "fail",
      reason: "kept the messages under PTCC 0x200",
      startedAt: "2026-05-04T09:00:00.000Z",
      finishedAt: "2026-05-05T09:00:00.000Z",
      durationMs: 12,
      evidence: [3, 4],
    };
    expect(withRequirements(result, undefined)).toBe(result);
    expect(withRequirements(result, { clauses: [{ id: "L-13", text: "t" }], interpretation: "confirm" })).toEqual({
      ...result,
      clauses: [{ id: "L-13", text: "t" }],
      interpretation: "confirm",
    });
    expect(withRequirements(result, { clauses: [], interpretation: "not_applicable" })).toEqual({
      ...result,
      clauses: [],
      interpretation: "not_applicable",
      verdict: "not_applicable",
      reason:
        "the lab's requirements map holds this interpretation case not applicable; hanbench's reading gave fail: kept the messages under PTCC 0x200",
    });
  });
});

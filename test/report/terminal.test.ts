/**
 * The verdict table on a terminal: 80 columns whatever the labels and reasons, reasons of what did not pass
 * wrapped to two lines, colour on fail and error only and only when asked, and a closing line per device
 * naming its failing cases.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import type { RunReport } from "../../src/cluster-cot/results.js";
import { clip, renderTerminal, wrap } from "../../src/report/terminal.js";
import { recordedRun } from "../support/recorded-run.js";

let report: RunReport;
beforeAll(async () => {
  report = buildReport(await recordedRun(["ihd:keeps-messages", "ihd:no-query", "ihd:compliant"]));
}, 600_000);

const ESC = "\x1b";
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, "g");
const columns = (line: string) => [...line.replace(SGR, "")].length;

describe("terminal verdict table", () => {
  it("fits 80 columns, even with a long label, a long DUT file path and long reasons", () => {
    const r = structuredClone(report);
    r.duts[0]!.label = `ihd:${"very-long-label-".repeat(8)}`;
    r.duts[0]!.dutFile = `/bench/${"nested/".repeat(12)}dut.json`;
    r.duts[0]!.results[5]!.reason = `${"a-word-without-spaces-".repeat(10)} then ${"more words ".repeat(40)}`;
    r.duts[0]!.identity.mismatches = [{ field: "firmware", declared: "5.0.3".repeat(10), read: "5.0.4".repeat(10) }];
    const out = renderTerminal(r);
    const lines = out.trimEnd().split("\n");
    for (const line of lines) expect(columns(line), line).toBeLessThanOrEqual(80);
    expect(out).toMatch(/warning: declared firmware\s+'(5\.0\.3){10}', the device reports\s+'(5\.0\.4){10}'/);
  });

  it("gives one line per case, the reason of a fail under it in at most two lines, the rest in the reports", () => {
    const lines = renderTerminal(report).split("\n");
    const at = lines.findIndex((l) => l.startsWith("  COT-06  fail"));
    expect(lines[at]).toBe("  COT-06  fail           Clears supplier messages");
    expect(lines[at + 1]).toMatch(/^ {10}after-cot probe seq \d+ still holds 1 supplier message\(s\) it held$/);
    // a reason longer than two lines is cut after a whole word, marked once
    expect(lines[at + 2]).toMatch(/^ {10}across T \(msg \d+\); CoT GPF seq \d+( [^ …]+)* …$/);
    expect(lines[at + 3]).toMatch(/^ {2}COT-07 {2}pass {11}Keeps the new tenancy's data$/);
    // passes carry no reason line
    expect(lines[lines.findIndex((l) => l.startsWith("  COT-05")) + 1]).toMatch(/^ {2}COT-06/);
    const r = structuredClone(report);
    r.duts[0]!.results[5]!.reason = "word ".repeat(60);
    const cut = renderTerminal(r).split("\n");
    const i = cut.findIndex((l) => l.startsWith("  COT-06"));
    expect(cut[i + 2]).toMatch(/ …$/);
    expect(cut[i + 3]).toMatch(/^ {2}COT-07/);
    expect(cut.at(-2)).toBe("(reasons cut short here are in full in the JSON, JUnit and HTML reports)");
    expect(renderTerminal(structuredClone({ ...report, duts: [report.duts[2]!] }))).not.toContain("cut short");
  });

  it("keeps a space between every verdict and its title, not_applicable (the longest verdict) included", () => {
    const caseLines = renderTerminal(report)
      .split("\n")
      .filter((l) => /^ {2}COT-\d\d /.test(l));
    expect(caseLines.some((l) => l.includes("not_applicable"))).toBe(true);
    for (const l of caseLines) expect(l).toMatch(/^ {2}COT-\d\d {2}[a-z_]+ +[A-Z]/);
  });

  it("closes with the failing cases per device, then the counts", () => {
    const lines = renderTerminal(report).trimEnd().split("\n");
    const at = lines.findIndex((l) => l.startsWith("FAIL "));
    expect(lines.slice(at, at + 4)).toEqual([
      "FAIL ihd:keeps-messages: COT-06, COT-13, COT-20",
      // 80 columns: the list goes on under itself
      "FAIL ihd:no-query: COT-03, COT-04, COT-05, COT-06, COT-08, COT-10, COT-13,",
      "                   COT-14, COT-19, COT-20",
      "32 pass, 13 fail, 3 not_applicable, 12 info",
    ]);
  });

  it("colours fail and error only, and only when asked", () => {
    expect(renderTerminal(report)).not.toContain(ESC);
    const coloured = renderTerminal(report, { color: true });
    const painted = coloured.split("\n").filter((l) => l.includes(ESC));
    expect(painted.length).toBe(13 + 2);
    const red = new RegExp(`${ESC}\\[1;31m(fail {11}|FAIL)${ESC}\\[0m`);
    for (const l of painted) expect(l).toMatch(red);
    const r = structuredClone(report);
    r.duts[2]!.results[0]!.verdict = "error";
    r.summary.error = 1;
    expect(renderTerminal(r, { color: true })).toContain("\x1b[1;35merror          \x1b[0m");
    expect(renderTerminal(r, { color: true })).toContain("\x1b[1;35mERROR\x1b[0m ihd:compliant: COT-01");
  });

  it("wraps at word boundaries and cuts what no line can hold", () => {
    expect(wrap("aa bb cc dd", 8, "  ")).toEqual(["  aa bb", "  cc dd"]);
    expect(wrap("x".repeat(12), 8, "  ")).toEqual(["  xxxxx…"]);
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("abcd", 4)).toBe("abcd");
  });
});

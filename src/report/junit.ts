/**
 * The run report as JUnit XML, for CI: one `testsuite` per DUT named by its label, one `testcase` per case
 * whose name begins with the case id (`COT-06 Clears supplier messages`). `fail` → `<failure>`, `error` →
 * `<error>`, `inconclusive` / `not_applicable` / `info` → `<skipped>` whose message begins with the verdict.
 * Counts are in the attributes of every suite and of the root.
 */
import type { CaseResult, DutResult, RunReport } from "../cluster-cot/results.js";

/** Text safe for an XML attribute or element: the five entities escaped, characters XML 1.0 forbids removed. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join("");
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function counts(results: CaseResult[]): Counts {
  return {
    tests: results.length,
    failures: results.filter((r) => r.verdict === "fail").length,
    errors: results.filter((r) => r.verdict === "error").length,
    skipped: results.filter((r) => ["inconclusive", "not_applicable", "info"].includes(r.verdict)).length,
  };
}

function testcase(dut: DutResult, r: CaseResult): string {
  const head = `    <testcase${attrs({ name: `${r.id} ${r.title}`, classname: `hanbench.${dut.label}`, time: 0 })}`;
  const evidence = `evidence seq ${r.evidence.join(", ") || "none"}; hub time ${r.startedAt} .. ${r.finishedAt}`;
  const out = `      <system-out>${xmlEscape(`${r.verdict}: ${r.reason}\n${evidence}`)}</system-out>\n`;
  switch (r.verdict) {
    case "pass":
      return `${head}>\n${out}    </testcase>`;
    case "fail":
      return `${head}>\n      <failure${attrs({ message: r.reason, type: "fail" })}>${xmlEscape(evidence)}</failure>\n${out}    </testcase>`;
    case "error":
      return `${head}>\n      <error${attrs({ message: r.reason, type: "error" })}>${xmlEscape(evidence)}</error>\n${out}    </testcase>`;
    default:
      return `${head}>\n      <skipped${attrs({ message: `${r.verdict}: ${r.reason}` })}/>\n${out}    </testcase>`;
  }
}

function testsuite(report: RunReport, dut: DutResult): string {
  const c = counts(dut.results);
  const props = {
    kind: dut.kind,
    ieee: dut.ieee,
    ...(dut.profile ? { profile: dut.profile } : {}),
    ...(dut.dutFile ? { dutFile: dut.dutFile } : {}),
  };
  const properties = Object.entries(props)
    .map(([name, value]) => `      <property${attrs({ name, value })}/>`)
    .join("\n");
  return [
    `  <testsuite${attrs({ name: dut.label, ...c, time: 0, timestamp: report.startedAt })}>`,
    `    <properties>\n${properties}\n    </properties>`,
    ...dut.results.map((r) => testcase(dut, r)),
    "  </testsuite>",
  ].join("\n");
}

export function renderJunit(report: RunReport): string {
  const all = counts(report.duts.flatMap((d) => d.results));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `hanbench ${report.version} CoT suite (${report.mode})`, ...all, time: 0 })}>`,
    ...report.duts.map((d) => testsuite(report, d)),
    "</testsuites>",
    "",
  ].join("\n");
}

/**
 * The run report as JUnit XML, for CI dashboards, valid against the JUnit schema of Jenkins' xUnit plugin
 * (test/report/schema/junit-10.xsd checks it):
 *
 * - one `testsuite` per DUT, named by its label, with the run's provenance and each case's basis (and the
 *   lab's clauses) as properties: `COT-06.basis` = `gb`. That schema allows properties on suites only, so the
 *   basis is named per case there and repeated in each testcase's system-out;
 * - one `testcase` per case, `name` "COT-06 Clears supplier messages", `classname` `hanbench.<DUT label>`,
 *   `time` the wall-clock seconds between the first and the last evidence of the case;
 * - `fail` → `<failure>`, `error` → `<error>`, `inconclusive` → `<skipped>` (a dashboard should flag it: the
 *   evidence could not be had); `pass`, `info` and `not_applicable` pass, their verdict and text in
 *   `<system-out>` (not `<skipped>`, which dashboards flag).
 */
import { describePhases, describeResumes } from "../cluster-cot/provenance.js";
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

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
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
    skipped: results.filter((r) => r.verdict === "inconclusive").length,
  };
}

/** Seconds with millisecond precision, as JUnit writes them ("12.345"). */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** JUnit's timestamp form: ISO-8601 without fraction or zone (the time is UTC). */
function timestamp(iso: string): string {
  return iso.replace(/\.\d+Z$|Z$/, "");
}

function testcase(dut: DutResult, r: CaseResult): string {
  const head = `    <testcase${attrs({ name: `${r.id} ${r.title}`, classname: `hanbench.${dut.label}`, time: seconds(r.durationMs) })}`;
  const evidence = `evidence seq ${r.evidence.join(", ") || "none"}; hub time ${r.startedAt} .. ${r.finishedAt}`;
  const lines = [`${r.verdict}: ${r.reason}`, `basis: ${r.basis.join(", ")}`];
  if (r.clauses?.length) lines.push(`clauses: ${r.clauses.map((c) => c.id).join("; ")}`);
  if (r.interpretation) lines.push(`lab's interpretation: ${r.interpretation}`);
  lines.push(evidence);
  const out = `      <system-out>${xmlEscape(lines.join("\n"))}</system-out>\n`;
  switch (r.verdict) {
    case "fail":
      return `${head}>\n      <failure${attrs({ message: r.reason, type: "fail" })}>${xmlEscape(evidence)}</failure>\n${out}    </testcase>`;
    case "error":
      return `${head}>\n      <error${attrs({ message: r.reason, type: "error" })}>${xmlEscape(evidence)}</error>\n${out}    </testcase>`;
    case "inconclusive":
      return `${head}>\n      <skipped${attrs({ message: `inconclusive: ${r.reason}` })}/>\n${out}    </testcase>`;
    default:
      return `${head}>\n${out}    </testcase>`;
  }
}

/** The run's provenance and the DUT's identity, as suite properties. */
function suiteProperties(report: RunReport, dut: DutResult): [string, string | number | undefined][] {
  const p = report.provenance;
  const id = dut.identity;
  return [
    ["kind", dut.kind],
    ["ieee", dut.ieee],
    ["profile", dut.profile],
    ["window", dut.window ? `${dut.window.ms} ms (${dut.window.reason})` : undefined],
    ["dutFile", dut.dutFile],
    ["declared.firmware", id?.declared.firmware],
    ["basic.manufacturerName", id?.read?.manufacturerName],
    ["basic.modelId", id?.read?.modelId],
    ["basic.swBuildId", id?.read?.swBuildId],
    ...(id?.mismatches ?? []).map((m): [string, string] => [
      `identity.warning.${m.field}`,
      `declared ${m.declared}, reported ${m.read}`,
    ]),
    ["reportId", p.reportId],
    ["mode", report.mode],
    ["hanbench.version", p.build?.version ?? report.version],
    ["hanbench.commit", p.build?.commit],
    ["zigbee-herdsman.version", p.herdsman],
    ["suite.version", p.suite.version],
    ["suite.cases", p.suite.selection?.asked],
    ["suite.notSelected", p.suite.selection?.notSelected.join(" ")],
    ["suite.skippedPhases", p.suite.selection?.skippedPhases.join(" ")],
    ["phases", p.phases ? describePhases(p.phases) : undefined],
    ["resumed", p.resumed ? describeResumes(p.resumed) : undefined],
    ["hubVariant", p.hubVariant],
    ["coordinator.firmware", p.coordinator?.type],
    ["lab", p.lab?.lab],
    ["operator", p.lab?.operator],
    ["evidence.sha256", p.evidence.sha256],
    ...dut.results.flatMap((r): [string, string | undefined][] => [
      [`${r.id}.basis`, r.basis.join(" ")],
      [`${r.id}.clauses`, r.clauses?.length ? r.clauses.map((c) => c.id).join("; ") : undefined],
    ]),
  ];
}

function testsuite(report: RunReport, dut: DutResult): string {
  const c = counts(dut.results);
  const properties = suiteProperties(report, dut)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([name, value]) => `      <property${attrs({ name, value })}/>`)
    .join("\n");
  const wall = report.provenance.wall;
  return [
    `  <testsuite${attrs({
      name: dut.label,
      ...c,
      time: seconds(Date.parse(wall.end) - Date.parse(wall.start)),
      timestamp: timestamp(wall.start),
      package: "hanbench",
    })}>`,
    `    <properties>\n${properties}\n    </properties>`,
    ...dut.results.map((r) => testcase(dut, r)),
    "  </testsuite>",
  ].join("\n");
}

export function renderJunit(report: RunReport): string {
  const { skipped: _skipped, ...all } = counts(report.duts.flatMap((d) => d.results));
  const wall = report.provenance.wall;
  const suite = report.provenance.suite.version ? ` v${report.provenance.suite.version}` : "";
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({
      name: `hanbench ${report.version} CoT suite${suite} (${report.mode})${report.provenance.reportId ? ` ${report.provenance.reportId}` : ""}`,
      ...all,
      time: seconds(Date.parse(wall.end) - Date.parse(wall.start)),
    })}>`,
    ...report.duts.map((d) => testsuite(report, d)),
    "</testsuites>",
    "",
  ].join("\n");
}

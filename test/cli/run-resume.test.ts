/**
 * `hanbench run --resume EVIDENCE`: what is checked before an interrupted bench run continues (src/cli/run-resume.ts).
 * The run event decides the DUTs, cases, window and hub; an option that contradicts it, a new run's option, another
 * dongle, other DUT files or another state directory is refused as one line that says what to do (exit 2), before
 * any port opens. The resumed run itself is in test/e2e/bench-pty.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { HELP, parseRunLine } from "../../src/cli/run.js";
import { type ResumeArgs, resumedRun } from "../../src/cli/run-resume.js";
import type { EvidenceBody } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { describeNetwork, loadOrCreateNetwork } from "../../src/host/network.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hanbench-run-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PORT = "tcp://127.0.0.1:6638";

function dutFile(name: string, eui: string): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({ label: name, kind: "ihd", eui64: eui, installCode: "83FED3407A939723A5C639B26916D505C3B5" }),
  );
  return path;
}

const DUT = dutFile("ihd-1", "0x0d6f000000000001");
const OTHER = dutFile("ihd-9", "0x0d6f000000000009");
const STATE = join(dir, "state");
mkdirSync(STATE);
const network = describeNetwork(loadOrCreateNetwork(STATE));
const ELSEWHERE = join(dir, "other-state");
mkdirSync(ELSEWHERE);
loadOrCreateNetwork(ELSEWHERE);

/** A bench run cut in its CoT phase, with these run event fields. */
function evidence(name: string, run: Partial<Extract<EvidenceBody, { kind: "run" }>> = {}): string {
  const path = join(dir, `${name}.jsonl`);
  const log = new EvidenceLog({ path, now: () => Date.parse("2026-12-04T12:00:00Z") });
  log.append({
    kind: "run",
    tool: "hanbench",
    version: "test",
    mode: "bench",
    seed: 1,
    hub: { variant: "attributes-only", ...network, adapter: "zstack", transport: PORT },
    baseline: {},
    windowMs: 86_400_000,
    windowAuto: { factor: 3, floorMs: 600_000, ceilingMs: 86_400_000 },
    duts: [{ label: "ihd-1", kind: "ihd", ieee: "0x0d6f000000000001", dutFile: DUT, probe: "operator" }],
    coordinator: { adapter: "zstack", port: PORT },
    endpointLayout: "default",
    security: { mode: "off" },
    selection: { asked: "gb", cases: ["COT-03"], notSelected: [], phases: [], skippedPhases: [] },
    ...run,
  });
  log.append({ kind: "phase", name: "join", state: "start" });
  log.append({ kind: "phase", name: "join", state: "end" });
  log.append({ kind: "phase", name: "cot", state: "start" });
  log.close();
  return path;
}

const CUT = evidence("cut");

function args(extra: Partial<ResumeArgs> = {}): ResumeArgs {
  return { resume: CUT, state: STATE, quiet: true, ...extra };
}

function refused(a: ResumeArgs): string {
  try {
    resumedRun(a);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("not refused");
}

describe("hanbench run --resume", () => {
  it("takes the DUTs, cases, window, hub and dongle from the run event", () => {
    const r = resumedRun(args());
    expect(r).toMatchObject({
      mode: "bench",
      port: PORT,
      adapter: "zstack",
      cases: "gb",
      windowMs: 86_400_000,
      windowAuto: { factor: 3, floorMs: 600_000, ceilingMs: 86_400_000 },
      hubVariant: "attributes-only",
      endpointLayout: "default",
      security: "off",
      seed: 1,
      state: STATE,
    });
    expect(r.duts.map((d) => d.path)).toEqual([DUT]);
    expect(r.point.redo).toBe("cot");
    // the same options given again are no contradiction
    expect(() =>
      resumedRun(
        args({ port: PORT, dut: [DUT], cases: "gb", window: "auto", hubVariant: "attributes-only", seed: "1" }),
      ),
    ).not.toThrow();
  });

  it("parses from the command line, and --help teaches it", () => {
    expect(parseRunLine(["--resume", CUT, "--state", STATE])).toMatchObject({ resume: CUT, state: STATE });
    expect(HELP).toMatch(/--resume EVIDENCE/);
    expect(HELP).toMatch(/redone from its start/);
  });

  it.each([
    [
      { port: "/dev/ttyUSB0" },
      /^--port \/dev\/ttyUSB0 is not the dongle the run used \(tcp:\/\/127\.0\.0\.1:6638\): resume on the same dongle/,
    ],
    [
      { dut: [OTHER] },
      /^the DUT files \(0x0d6f000000000009\) are not the run's DUTs \(0x0d6f000000000001\): give the DUT files it ran with/,
    ],
    [{ dut: [DUT, OTHER] }, /are not the run's DUTs/],
    [
      { state: ELSEWHERE },
      /^--state .* is not the state directory the run used \((channel|panId|extendedPanId) .*\): give that one with --state DIR/,
    ],
    [{ state: join(dir, "empty") }, /^--state .* holds no network: not the state directory .* ran with/],
    [
      { cases: "COT-05" },
      /^--cases COT-05 contradicts the run being resumed \(it ran with gb\): leave --cases out or give the same/,
    ],
    [{ window: "2h" }, /^--window 2h contradicts the run being resumed \(it ran with auto\)/],
    [
      { hubVariant: "reference" },
      /^--hub-variant reference contradicts the run being resumed \(it ran with attributes-only\)/,
    ],
    [{ endpointLayout: "silabs" }, /^--endpoint-layout silabs contradicts/],
    [{ seed: "2" }, /^--seed 2 contradicts/],
    [{ adapter: "ember" }, /^--adapter ember contradicts/],
    [{ cert: "hub.txt" }, /^--cert: the run being resumed ran with --security off; leave --cert out/],
    [{ joinTimeout: "soon" }, /^--join-timeout: 'soon' is not a duration/],
  ] as [Partial<ResumeArgs>, RegExp][])("refuses %o", (extra, why) => {
    expect(refused(args(extra))).toMatch(why);
  });

  it.each([
    ["a virtual run", { mode: "virtual" as const }, /is a virtual run's evidence: only a bench run resumes/],
    ["a window other than the run's", { windowAuto: undefined, windowMs: 3_600_000 }, null],
    [
      "key establishment without the certificate",
      { security: { mode: "cbke" as const, issuer: "ab" } },
      /give the hub's certificate again with --cert FILE/,
    ],
  ])("%s", (name, run, why) => {
    const path = evidence(name.replace(/\W+/g, "-"), run);
    if (why) expect(refused(args({ resume: path }))).toMatch(why);
    else {
      expect(refused(args({ resume: path, window: "2h" }))).toMatch(
        /^--window 2h contradicts the run being resumed \(it ran with 1h\)/,
      );
      expect(resumedRun(args({ resume: path, window: "60m" })).windowMs).toBe(3_600_000);
      expect(refused(args({ resume: path, window: "soon" }))).toMatch(/^--window: 'soon' is not a duration/);
    }
  });

  it("refuses a new run's options: the run event has them", () => {
    for (const [flag, value] of [
      ["--devices", "ihd:compliant"],
      ["--evidence", join(dir, "x.jsonl")],
      ["--reset", undefined],
      ["--lab", "Acme"],
      ["--baseline", "b.json"],
    ] as const) {
      expect(() => parseRunLine(["--resume", CUT, flag, ...(value ? [value] : [])])).toThrow(
        new RegExp(`^${flag} cannot be given with --resume: a resumed run keeps what its run event says`),
      );
    }
  });

  it("on the command line: one line, exit 2, the log left as it was", () => {
    const before = readFileSync(CUT);
    const r = spawnSync(process.execPath, [BIN, "run", "--resume", CUT, "--state", STATE, "--cases", "COT-05"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--cases COT-05 contradicts the run being resumed/);
    expect(readFileSync(CUT)).toEqual(before);
    const html = join(dir, "no-such-dir", "nested", "report.html");
    writeFileSync(join(dir, "no-such-dir"), "a file, not a directory");
    const out = spawnSync(process.execPath, [BIN, "run", "--resume", CUT, "--state", STATE, "--html", html], {
      encoding: "utf8",
    });
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split("\n")).toHaveLength(1);
    expect(out.stderr).toMatch(/^hanbench run: --html: /);
    expect(readFileSync(CUT)).toEqual(before);
  });
});

/**
 * Bench runs end to end without hardware: `hanbench virtual` plays the dongle on a socat pty, with emulated
 * IHDs that poll in real time and a console pty each (a test build's serial console); `hanbench run --port
 * <pty> --dut FILE` drives it as it would drive a USB stick, every process a child, every wait real.
 *
 * - console probes, one compliant IHD and one that keeps supplier messages, in one run: the compliant one
 *   fails nothing, the other fails COT-06; exit code 1; JSON, JUnit and HTML reports written, each with the
 *   run's provenance (bench file, notes, the lab's requirements map) and the seal that `report --verify` checks;
 * - operator probe and no terminal: nothing is guessed, the probe cases are inconclusive, exit code 3;
 * - SIGTERM mid-run: the run stops after the step in progress and still writes its reports (exit code 3); then
 *   `run --resume` continues it in the same log (seq going on, the old seal replaced by one of the whole file,
 *   the hub's CoTs and message taken back without new cot events, the cut phase redone) to the verdicts of
 *   the uninterrupted console run of the same devices.
 *
 * The window is a few seconds and the displays poll every 500 ms, so each window holds several polls: the
 * run is short but every verdict rests on real traffic and real dumps. Each run selects (`--cases`) the cases
 * it asserts, so it walks only the phases those read: every wait is real time (the suite's slowest file).
 */
import { BENCH_PLAN, defaultTiming } from "../../src/cluster-cot/plan.js";
import { planTime } from "../../src/cluster-cot/plan-time.js";
import { phasesFor } from "../../src/cluster-cot/selection.js";
import { CASES } from "../../src/cluster-cot/index.js";
import { formatDuration } from "../../src/duration.js";
import { expectedDuration } from "../../src/runner/run.js";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEvidence } from "../../src/evidence/read.js";
import { parseJsonReport } from "../../src/report/json.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "hanbench.js");
const hasSocat = spawnSync("socat", ["-V"], { stdio: "ignore" }).status === 0;
const children: ChildProcess[] = [];
const root = mkdtempSync(join(tmpdir(), "hanbench-bench-e2e-"));

interface Child {
  child: ChildProcess;
  out: string[];
  err: string[];
  closed: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"], env });
  children.push(child);
  const out: string[] = [];
  const err: string[] = [];
  const collect = (into: string[]) => {
    let rest = "";
    return (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split("\n");
      rest = lines.pop() ?? "";
      into.push(...lines);
    };
  };
  child.stdout!.on("data", collect(out));
  child.stderr!.on("data", collect(err));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, out, err, closed };
}

async function waitFor(lines: string[], re: RegExp, ms: number): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    for (const line of lines) {
      const m = line.match(re);
      if (m) return m;
    }
    if (Date.now() > until) throw new Error(`no line matching ${re} within ${ms} ms; got:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stop(c: Child): Promise<number | null> {
  if (c.child.exitCode === null && c.child.signalCode === null && c.child.pid) process.kill(c.child.pid, "SIGTERM");
  return c.closed;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, "SIGTERM");
  rmSync(root, { recursive: true, force: true });
});

interface Device {
  label: string;
  eui: string;
  code: string;
  console?: string;
}

/** `hanbench virtual` with a pty dongle and console ptys; resolves with the devices as it printed them. */
async function virtualBench(
  dir: string,
  devices: string,
  opts: { requireInstallCodes: boolean; extra?: string[]; env?: NodeJS.ProcessEnv } = { requireInstallCodes: true },
): Promise<{ virtual: Child; port: string; devices: Device[] }> {
  const port = join(dir, "dongle");
  const virtual = start(
    [
      "virtual",
      "--listen",
      "tcp://127.0.0.1:0",
      "--pty",
      port,
      "--console",
      join(dir, "console"),
      "--devices",
      devices,
      ...(opts.requireInstallCodes ? ["--require-install-codes"] : []),
      "--poll-interval",
      "500ms",
      ...(opts.extra ?? []),
    ],
    opts.env,
  );
  await waitFor(virtual.out, /connect to: /, 20_000);
  const count = devices.split(",").filter((d) => !d.startsWith("esme")).length;
  const re = /^((?:ihd|ppmid)-\d+) \(\S+\)\s+([0-9A-F]{16})\s+([0-9A-F]{36})(?:\s+console (\S+))?$/;
  const lines = () => virtual.out.filter((l) => re.test(l));
  const until = Date.now() + 5_000;
  while (lines().length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const found: Device[] = lines().map((line) => {
    const m = line.match(re)!;
    return { label: m[1]!, eui: m[2]!, code: m[3]!, ...(m[4] ? { console: m[4] } : {}) };
  });
  expect(found).toHaveLength(count);
  return { virtual, port, devices: found };
}

function consoleDut(dir: string, d: Device): string {
  const path = join(dir, `${d.label}.json`);
  expect(d.console, `${d.label} has a console`).toBeDefined();
  writeFileSync(
    path,
    JSON.stringify({
      label: d.label,
      kind: "ihd",
      eui64: d.eui,
      installCode: d.code,
      firmware: "virtual",
      claims: "5.0",
      probe: {
        method: "console",
        port: d.console,
        baudRate: 115200,
        dumpCommand: "dump\r\n",
        endMarker: "END",
        timeout: "2s",
        patterns: {
          consumption: "^HIST (?<role>esme|gpf) (?<item>\\S+) (?<period>\\S+) (?<value>\\d+)$",
          message: "^MSG (?<messageId>\\d+) (?<received>\\S+) (?<text>.*)$",
        },
      },
    }),
  );
  return path;
}

function operatorDut(dir: string, d: Device, kind: "ihd" | "ppmid" = "ihd"): string {
  const path = join(dir, `${d.label}.json`);
  writeFileSync(
    path,
    JSON.stringify({ label: d.label, kind, eui64: d.eui, installCode: d.code, probe: { method: "operator" } }),
  );
  return path;
}

function runArgs(dir: string, port: string, duts: string[], window: string, extra: string[] = []): string[] {
  return [
    "run",
    "--port",
    port,
    "--adapter",
    "zstack",
    ...duts.flatMap((f) => ["--dut", f]),
    "--window",
    window,
    "--state",
    join(dir, "state"),
    "--evidence",
    join(dir, "evidence.jsonl"),
    "--json",
    join(dir, "out.json"),
    "--junit",
    join(dir, "out.xml"),
    ...extra,
  ];
}

interface FullReport {
  provenance: {
    coordinator?: Record<string, unknown>;
    deviations: string[];
    wall: { start: string; end: string };
    hubTime: { start: string; end: string };
    aborted?: string;
  };
  duts: { label: string; identity: { read?: { swBuildId?: string }; mismatches: unknown[] } }[];
}

interface Report {
  mode: string;
  summary: Record<string, number>;
  duts: { label: string; results: { id: string; verdict: string; reason: string }[] }[];
}

/** The console run's report, for the resumed run to compare with (both run the same devices and cases). */
let uninterrupted: (report: Report) => void = () => undefined;
const uninterruptedReport = new Promise<Report>((resolve) => {
  uninterrupted = resolve;
});

function verdicts(report: Report, label: string): Record<string, string> {
  const dut = report.duts.find((d) => d.label === label);
  expect(dut, `${label} in the report`).toBeDefined();
  return Object.fromEntries(dut!.results.map((r) => [r.id, r.verdict]));
}

/** What the console run asserts: join, the main CoT and its clears, the new data, no spurious clearing, away. */
const CONSOLE_CASES = ["COT-01", "COT-02", "COT-03", "COT-04", "COT-05", "COT-06", "COT-07", "COT-09", "COT-10"];
/** What the operator run asserts: the cases with a probe (inconclusive) and the queries (judged from traffic). */
const OPERATOR_CASES = ["COT-02", "COT-03", "COT-04", "COT-05", "COT-06", "COT-07", "COT-08", "COT-09", "COT-10"];

describe.skipIf(!hasSocat)("bench run on the virtual dongle through a pty", () => {
  it.concurrent("console probes: the compliant IHD fails nothing, the one keeping messages fails COT-06 (exit 1)", async () => {
    const dir = mkdtempSync(join(root, "console-"));
    const bench = await virtualBench(dir, "ihd:compliant,ihd:keeps-messages,esme");
    const [good, keeper] = bench.devices as [Device, Device];
    const duts = [consoleDut(dir, good), consoleDut(dir, keeper)];
    const benchFile = join(dir, "bench.json");
    writeFileSync(
      benchFile,
      JSON.stringify({ lab: "Rehearsal lab, pty bench", operator: "CI", notes: ["from the file"] }),
    );
    const requirements = join(import.meta.dirname, "..", "..", "docs", "requirements-example.json");
    const run = start(
      runArgs(dir, bench.port, duts, "4s", [
        "--bench-file",
        benchFile,
        "--note",
        "from the command line",
        "--requirements",
        requirements,
        "--html",
        join(dir, "out.html"),
        "--cases",
        CONSOLE_CASES.join(","),
      ]),
    );
    const code = await run.closed;
    await stop(bench.virtual);
    const report = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Report;
    uninterrupted(report);
    const ok = verdicts(report, good.label);
    const bad = verdicts(report, keeper.label);
    const context = `\n${run.err.filter((l) => !l.startsWith("{")).join("\n")}\n${run.out.join("\n")}`;
    expect(report.mode, context).toBe("bench");
    expect(
      Object.values(ok).filter((v) => v === "fail"),
      context,
    ).toEqual([]);
    for (const id of ["COT-01", "COT-02", "COT-03", "COT-04", "COT-05", "COT-06", "COT-09"]) {
      expect(`${id} ${ok[id]}`, context).toBe(`${id} pass`);
    }
    // a 4 s window ends before the first half-hour of the new occupier is over: no new history to keep yet
    expect(ok["COT-07"], context).toBe("inconclusive");
    // nobody to switch the devices off: COT-10 cannot be observed, and is not guessed
    expect(ok["COT-10"]).toBe("inconclusive");
    expect(bad["COT-06"], context).toBe("fail");
    expect(bad["COT-05"], context).toBe("pass");
    expect(code).toBe(1);
    // the phases the selected cases read, and no other: the expected duration before the run and what is
    // left at each phase
    const plan = phasesFor(CONSOLE_CASES, CASES, BENCH_PLAN);
    expect(plan.map((p) => p.name)).toEqual(["join", "baseline", "cot", "observe", "new-data", "repeat", "away-cot"]);
    const progress = run.err.join("\n");
    const times = planTime(plan, defaultTiming(4000), "bench");
    expect(times.phases.find((p) => p.name === "observe")?.waitMs).toBe(4000);
    expect(progress).toContain(`expected duration: ${expectedDuration(times, 4000)}`);
    const skipped = BENCH_PLAN.filter((p) => !plan.includes(p)).map((p) => p.name);
    expect(skipped).toEqual(expect.arrayContaining(["second-cot", "future-cot", "bits-cot", "control-bits"]));
    expect(progress).toContain(`phases skipped, no selected case needs them: ${skipped.join(", ")}`);
    const n = plan.length;
    const left = (i: number) => formatDuration(planTime(plan.slice(i), defaultTiming(4000), "bench").waitMs);
    expect(progress).toContain(`[2/${n}] baseline `);
    expect(progress).toMatch(new RegExp(`\\[2/${n}\\] baseline .*; about ${left(1)} of waits left\\)`));
    expect(progress).toMatch(
      new RegExp(`\\[${n}/${n}\\] ${plan[n - 1]!.name} .*; about ${left(n - 1)} of waits left\\)`),
    );

    // the verdicts rest on console dumps of the devices' own stores
    const events = readEvidence(join(dir, "evidence.jsonl")).events;
    const probes = events.filter((e) => e.kind === "probe");
    // baseline, after-cot, after-new-data, after-repeat, after-date-none, after-date-older, before-away,
    // after-return: for each of the two displays
    expect(probes.length).toBe(2 * 8);
    expect(probes.every((p) => p.kind === "probe" && p.method === "console" && p.ok)).toBe(true);
    const baseline = probes.find((p) => p.kind === "probe" && p.purpose === "baseline" && p.label === keeper.label);
    expect(
      baseline?.kind === "probe" && baseline.holdings?.messages.some((m) => m.text.startsWith("Supplier message")),
    ).toBe(true);
    // discovery was seen through the coordinator's ZDO indications
    expect(events.some((e) => e.kind === "discovery" && e.request === "matchDesc" && e.endpoints.length > 0)).toBe(
      true,
    );
    const junit = readFileSync(join(dir, "out.xml"), "utf8");
    expect(junit).toMatch(/<testsuite[^>]*name="[^"]*ihd-2/);
    expect(junit).toMatch(/COT-06[\s\S]*?<failure/);

    // provenance, from the bench's own evidence: the dongle's firmware as it reports it, the single-dongle
    // deviation, each DUT's Basic cluster against its DUT file (which says "virtual"; the device says its
    // profile), and the seal that `hanbench report --verify` checks
    const full = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as FullReport;
    expect(full.provenance.coordinator).toMatchObject({ adapter: "zstack", port: bench.port, type: "ZStack3x0" });
    expect(full.provenance.deviations.join(" ")).toMatch(/^single-dongle ESME/);
    // the bench's hub time is the wall clock (read twice per event, so a millisecond may lie between the two);
    // a stepped virtual clock would be hours or days away
    for (const k of ["start", "end"] as const)
      expect(Math.abs(Date.parse(full.provenance.hubTime[k]) - Date.parse(full.provenance.wall[k]))).toBeLessThan(1000);
    const keeperIdentity = full.duts.find((d) => d.label === keeper.label)!.identity;
    expect(keeperIdentity.read?.swBuildId).toBe("keeps-messages");
    expect(keeperIdentity.mismatches).toEqual([{ field: "firmware", declared: "virtual", read: "keeps-messages" }]);
    expect(run.out.join("\n")).toContain("warning: declared firmware 'virtual', the device reports 'keeps-messages'");
    const verify = spawnSync(process.execPath, [BIN, "report", join(dir, "evidence.jsonl"), "--verify"], {
      encoding: "utf8",
    });
    expect(verify.status, verify.stderr).toBe(1);
    expect(verify.stdout).toMatch(/^verified: .*evidence\.jsonl matches its seal/);

    // every item of the report's provenance, on the bench: id, build, herdsman, lab from the bench file and the
    // command line, the lab's clauses on each result
    const r = parseJsonReport(readFileSync(join(dir, "out.json"), "utf8"));
    expect(r.provenance.reportId).toMatch(/^hb-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(r.provenance.build?.version).toBe(r.version);
    expect(r.provenance.herdsman).toBe("11.1.1");
    expect(r.provenance.hubVariant).toBe("attributes-only");
    expect(r.provenance.lab).toEqual({
      lab: "Rehearsal lab, pty bench",
      operator: "CI",
      notes: ["from the file", "from the command line"],
      benchFile,
    });
    expect(r.provenance.requirements).toMatchObject({ file: requirements });
    expect(r.provenance.evidence.seal).toBe("matches");
    const cot06 = r.duts.find((d) => d.label === keeper.label)!.results.find((x) => x.id === "COT-06")!;
    expect(cot06.basis).toEqual(["gb"]);
    expect(cot06.clauses?.map((c) => c.id)).toEqual(["LAB-COT-04"]);
    // the terminal names the failing case per device; the HTML leads with the verdict, the grid and the
    // message the display kept, in full, as its console dumped it
    const failLine = run.out.find((l) => l.startsWith(`FAIL ${keeper.label}: `));
    expect(failLine?.split(": ")[1]?.split(", "), run.out.join("\n")).toContain("COT-06");
    expect(run.out.some((l) => l.startsWith(`FAIL ${good.label}: `))).toBe(false);
    const html = readFileSync(join(dir, "out.html"), "utf8");
    expect(html).toMatch(/<header id="banner" class="banner v-fail">/);
    expect(html).toContain('<table class="grid">');
    const afterCot = probes.find((p) => p.kind === "probe" && p.purpose === "after-cot" && p.label === keeper.label);
    const held = afterCot?.kind === "probe" ? (afterCot.holdings?.messages ?? []) : [];
    expect(held.length).toBeGreaterThan(0);
    for (const m of held) expect(html).toContain(`message ${m.messageId}: ${m.text}`);
    // the reports re-rendered from the log alone say the same
    const again = join(dir, "again.json");
    const rerun = spawnSync(process.execPath, [BIN, "report", join(dir, "evidence.jsonl"), "--json", again], {
      encoding: "utf8",
    });
    expect(rerun.status, rerun.stderr).toBe(1);
    expect(parseJsonReport(readFileSync(again, "utf8"))).toEqual(r);
  }, 240_000); // 5 windows of 4 s of real time, the data fetches, joins and the hub start: slow on a loaded machine

  it.concurrent("operator probe without a terminal: inconclusive, never a guess (exit 3)", async () => {
    const dir = mkdtempSync(join(root, "operator-"));
    const bench = await virtualBench(dir, "ihd:compliant");
    const dut = operatorDut(dir, bench.devices[0]!);
    const run = start(runArgs(dir, bench.port, [dut], "2s", ["--cases", OPERATOR_CASES.join(",")]));
    const code = await run.closed;
    await stop(bench.virtual);
    const report = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Report;
    const v = verdicts(report, bench.devices[0]!.label);
    const context = `\n${run.out.join("\n")}`;
    expect(report.summary.fail, context).toBe(0);
    for (const id of OPERATOR_CASES.filter((c) => c !== "COT-03" && c !== "COT-04")) {
      expect(`${id} ${v[id]}`, context).toBe(`${id} inconclusive`);
    }
    // what needs no person is still judged from the traffic
    expect(v["COT-03"], context).toBe("pass");
    expect(v["COT-04"], context).toBe("pass");
    expect(code).toBe(3);
    const probes = readEvidence(join(dir, "evidence.jsonl")).events.filter((e) => e.kind === "probe");
    expect(probes.length).toBeGreaterThan(0);
    for (const p of probes) {
      expect(p.kind === "probe" && !p.ok && /terminal/.test(p.error ?? "")).toBe(true);
    }
    // the run says in advance when the next prompt is due: at the start of the baseline, its probe after the
    // message and the history fetch; after that probe, the one after the CoT's window (2 s)
    const progress = run.err.join("\n");
    expect(progress).toMatch(
      /\[2\/\d+\] baseline [^\n]*\n {2}next operator prompt: look at the DUTs \(baseline\), in baseline; due by \S+ \S+ hub time, \S+ \S+ on this PC's clock \(0s of waits at most and 2 data fetches before it\)/,
    );
    expect(progress).toMatch(
      /next operator prompt: look at the DUTs \(after-cot\), in observe; due by [^\n]*\(2s of waits at most before it\)/,
    );
    expect(progress).toMatch(/next operator prompt: switch the DUTs off, in away-cot/);
  }, 180_000);

  it.concurrent("SIGTERM stops the run after the step in progress, reports written (exit 3); --resume continues it to the uninterrupted run's verdicts", async () => {
    const dir = mkdtempSync(join(root, "resume-"));
    const bench = await virtualBench(dir, "ihd:compliant,ihd:keeps-messages,esme");
    const [good, keeper] = bench.devices as [Device, Device];
    const duts = [consoleDut(dir, good), consoleDut(dir, keeper)];
    const evidence = join(dir, "evidence.jsonl");
    // the console run's devices, cases and window: its verdicts are the uninterrupted run's
    const run = start(runArgs(dir, bench.port, duts, "4s", ["--cases", CONSOLE_CASES.join(",")]));
    // the observe phase waits one window: interrupt it (a later phase, on a slow machine: it is redone alike)
    await waitFor(run.err, /\[4\/\d+\] observe/, 60_000);
    process.kill(run.child.pid!, "SIGTERM");
    const code = await run.closed;
    expect(code).toBe(3);
    expect(run.err.join("\n")).toMatch(/stopped early/);
    const first = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Report;
    // what was seen before the stop is judged; what was never reached is not
    expect(verdicts(first, good.label)["COT-02"]).toBe("pass");
    expect(verdicts(first, good.label)["COT-10"]).not.toBe("pass");
    expect((JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as FullReport).provenance.aborted).toMatch(
      /^stopped \(SIGTERM\)/,
    );
    expect(existsSync(join(dir, "out.xml"))).toBe(true);
    const before = readEvidence(evidence).events;
    expect(before.some((e) => e.kind === "error" && e.message === "stopped (SIGTERM)")).toBe(true);
    const oldSeal = readFileSync(`${evidence}.sha256`, "utf8");
    // the phase cut: started, never ended (a signal ends no phase)
    const started = before
      .filter((e) => e.kind === "phase" && e.state === "start")
      .map((e) => e.kind === "phase" && e.name);
    const endedBefore = before
      .filter((e) => e.kind === "phase" && e.state === "end")
      .map((e) => e.kind === "phase" && e.name);
    expect(endedBefore).toEqual(started.slice(0, -1));
    const cut = started.at(-1);

    // the bench PC is back: the same command line with --resume, the DUTs, window and cases from the run event
    const resumed = start([
      "run",
      "--resume",
      evidence,
      "--state",
      join(dir, "state"),
      "--json",
      join(dir, "out.json"),
    ]);
    const resumedCode = await resumed.closed;
    await stop(bench.virtual);
    const context = `\n${resumed.err.filter((l) => !l.startsWith("{")).join("\n")}\n${resumed.out.join("\n")}`;
    expect(resumedCode, context).toBe(1);
    const { events, bad, gaps } = readEvidence(evidence);
    expect(bad, context).toEqual([]);
    expect(gaps).toEqual([]);
    // one log: the earlier lines as they were, seq strictly increasing across the resume
    expect(events.slice(0, before.length)).toEqual(before);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const resume = events[before.length]!;
    expect(resume).toMatchObject({ kind: "resume", after: before.length, phase: cut });
    expect(resume.kind === "resume" && resume.reason).toBe("the run stopped: stopped (SIGTERM)");
    // the hub took its CoT back without a cot event: the next cot events are the redone phases' own
    const after = events.slice(before.length);
    const nextStart = after.findIndex((e) => e.kind === "phase" && e.state === "start");
    expect(after[nextStart]).toMatchObject({ kind: "phase", name: cut, state: "start" });
    expect(after.slice(0, nextStart).some((e) => e.kind === "cot")).toBe(false);
    // phases done before are not walked again
    const startedAfter = after
      .filter((e) => e.kind === "phase" && e.state === "start")
      .map((e) => e.kind === "phase" && e.name);
    for (const p of endedBefore) expect(startedAfter).not.toContain(p);
    expect(context).toMatch(
      /the hub takes back what the evidence records: [1-9]\d* CoT\(s\), \d+ reset\(s\), [1-9]\d* supplier message\(s\), the DUTs in its Device Log/,
    );
    // the old seal is void; the new one seals the whole file, and report --verify checks it
    expect(readFileSync(`${evidence}.sha256`, "utf8")).not.toBe(oldSeal);
    const verify = spawnSync(process.execPath, [BIN, "report", evidence, "--verify"], { encoding: "utf8" });
    expect(verify.stdout, verify.stderr).toMatch(/^verified: .*evidence\.jsonl matches its seal/);
    // the verdicts are the uninterrupted run's, and the report says it was resumed
    const report = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Report;
    expect(parseJsonReport(readFileSync(join(dir, "out.json"), "utf8")).provenance.resumed).toEqual([
      { wall: resume.wall, hubTime: resume.t, reason: "the run stopped: stopped (SIGTERM)", phase: cut },
    ]);
    const reference = await uninterruptedReport;
    for (const d of [good, keeper]) {
      expect(verdicts(report, d.label), `${d.label}${context}`).toEqual(verdicts(reference, d.label));
    }
    // a finished run does not resume
    const again = spawnSync(process.execPath, [BIN, "run", "--resume", evidence], { encoding: "utf8" });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/finished/);
  }, 240_000);

  it.concurrent("CBKE on the bench path: the PPMID keys its link with the hub's certificate; ZDO_SET_LINK_KEY and AF security (0x40) cross the pty", async () => {
    const dir = mkdtempSync(join(root, "cbke-"));
    // a test CA (its first certificate is thrown away), the dongle's PPMID issued by it
    const issue = (args: string[]) =>
      spawnSync(process.execPath, [BIN, "cert", "issue", ...args], { encoding: "utf8" });
    expect(issue(["--out", join(dir, "ca"), "--subject", "0000000000000001"]).status).toBe(0);
    const ca = join(dir, "ca", "ca.txt");
    const bench = await virtualBench(dir, "ppmid:compliant", {
      requireInstallCodes: true,
      extra: ["--ca", ca],
      env: { ...process.env, HANBENCH_LOG_LEVEL: "debug" },
    });
    const coordinator = (await waitFor(bench.virtual.out, /^coordinator ([0-9A-F]{16})/, 5_000))[1]!;
    const hubCert = issue(["--ca", ca, "--out", join(dir, "hub"), "--subject", coordinator]);
    expect(hubCert.status, hubCert.stderr).toBe(0);
    const dut = operatorDut(dir, bench.devices[0]!, "ppmid");
    const args = [
      // COT-03 walks the baseline and the main CoT: SE frames (history, CoT polls) cross the secured link
      ...runArgs(dir, bench.port, [dut], "2s", ["--cases", "COT-17,COT-03"]),
      "--cert",
      join(dir, "hub", `${coordinator.toLowerCase()}.txt`),
    ];
    const run = start(args);
    const code = await run.closed;
    await stop(bench.virtual);
    const context = `\n${run.err.filter((l) => !l.startsWith("{")).join("\n")}\n${run.out.join("\n")}`;
    expect(code, context).toBe(3);
    // what the dongle read off the pty: the key install and APS-secured data requests
    const mt = bench.virtual.err
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg?: string; command?: string; data?: string; length?: number })
      .filter((l) => l.msg === "znp in");
    const setKey = mt.filter((l) => l.command === "ZDO_SET_LINK_KEY");
    expect(setKey, context).toHaveLength(1);
    expect(setKey[0]).toMatchObject({ length: 26 });
    expect(setKey[0]!.data).toBeUndefined(); // key material: the name and length only
    const secured = mt.filter(
      (l) => l.command === "AF_DATA_REQUEST" && l.data && (Buffer.from(l.data, "hex")[7]! & 0x40) !== 0,
    );
    expect(secured.length, context).toBeGreaterThan(0);
    // the hub's evidence: the exchange, the install, SE frames secured both ways
    const events = readEvidence(join(dir, "evidence.jsonl")).events;
    const steps = events.filter((e) => e.kind === "ke").map((e) => (e.kind === "ke" ? e.step : ""));
    expect(steps).toEqual(["initiate", "ephemeral", "confirm", "established", "installed"]);
    const se = events.filter(
      (e) => e.kind === "zcl" && [0x0702, 0x0708].includes(e.clusterId) && e.role !== undefined,
    ) as { apsSecured?: boolean }[];
    expect(se.length).toBeGreaterThan(0);
    expect(se.every((z) => z.apsSecured === true)).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Report;
    const v = verdicts(report, bench.devices[0]!.label);
    // no test-SMKI credentials on a bench: the PPMID-ESME pairing is out of reach
    expect(v["COT-17"], context).toBe("inconclusive");
    expect(report.duts[0]!.results.find((r) => r.id === "COT-17")!.reason).toMatch(/out of reach/);
  }, 120_000);
});

/**
 * A run of the CoT suite: builds the world (virtual or bench), appends the run event, walks the plan's
 * phases and steps, and leaves everything in the evidence log. Verdicts and reports are computed from that
 * log afterwards (src/cluster-cot, src/report), so a crash mid-run still leaves usable evidence.
 */
import type { EndpointLayoutName } from "../hub/layout.js";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { defaultTiming, type Phase, planFor, type Step, type Timing } from "../cluster-cot/plan.js";
import type { WindowPolicy } from "../cluster-cot/window.js";
import type { SteppedClock } from "../hub/clock.js";
import { RealClock } from "../hub/clock.js";
import type { HubVariantName } from "../hub/variants.js";
import { EvidenceLog } from "../evidence/log.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import type { BuildInfo, Evidence, LabInfo, RequirementsMap } from "../evidence/events.js";
import { CASES, SUITE_VERSION } from "../cluster-cot/index.js";
import { nextPrompt, planTime } from "../cluster-cot/plan-time.js";
import { selectionOf, withNeededCases } from "../cluster-cot/selection.js";
import { withEarlyEnds } from "../cluster-cot/early-end.js";
import { readBaseline } from "./baseline-file.js";
import { formatDuration } from "../duration.js";
import { PcapWriter, pcapOptionsFromRun } from "../report/pcap.js";
import { makeDirs, OutputPathError } from "../files.js";
import type { VirtualAdapter } from "../virtual/dongle.js";
import type { RunEnv } from "./env.js";
import { coordinatorLine, Progress, hubTime } from "./progress.js";
import { NotTestable, PhaseCannotRun, runStep, type StepContext, timingOfWindows } from "./steps.js";
import { cannotRunNote, lastCotOf, learnedWindows, type ResumePoint } from "./resume.js";

/** What hanbench does not do in this run (by its security mode); each report lists them. */
export function limitationsFor(security: { mode: "cbke" | "off" }): string[] {
  return security.mode === "off"
    ? [
        "no Certificate-Based Key Establishment and no APS security (security off): the hub serves every device, PPMIDs (GB Type 1) included, with network security only, and COT-17 is not applicable",
      ]
    : [];
}

/** `hb-20261204T125226Z-1a2b3c4d`: the start (wall clock, UTC) and 4 random bytes. */
export function newReportId(wallMs: number): string {
  const stamp = new Date(wallMs)
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[-:]/g, "");
  return `hb-${stamp}-${randomBytes(4).toString("hex")}`;
}

export interface RunSpec {
  mode: "virtual" | "bench";
  /** Virtual: the emulated DUTs (`foreignCa`: a certificate from another CA than the hub's, for tests). */
  devices: { kind: "ihd" | "ppmid"; profile: string; label: string; foreignCa?: boolean }[];
  /** Virtual: key establishment and APS security (`cbke`, the default) or none (`off`). */
  security?: "cbke" | "off";
  seed: number;
  windowMs: number;
  /** `--window auto`: each DUT's window is learned in the baseline by this policy (its ceiling is `windowMs`). */
  windowAuto?: WindowPolicy;
  /** Virtual runs: how often the emulated devices poll, hub ms (default: the virtual env's). */
  pollIntervalMs?: number;
  /** Virtual runs: how often they read their live values, hub ms (default: `pollIntervalMs`, else the env's). */
  refreshIntervalMs?: number;
  /** The specification baseline (`--baseline FILE`, read and checked by the caller) and its file; absent: the
   * baseline the project ships (docs/baseline.json). */
  baseline?: { values: Record<string, string>; file: string };
  /** `--cases`: the case ids and presets to run (validated by the caller); absent: every case. */
  cases?: string;
  /**
   * The evidence file (JSONL, sealed at the end). Absent, a virtual run keeps its evidence in memory only
   * (RunOutcome.events): for callers that judge the run there and would delete the file unread
   * (scripts/bench-matrix.ts). A bench run needs one.
   */
  evidencePath?: string;
  /** Virtual runs: the virtual coordinator and herdsman adapter (default zstack). */
  adapter?: VirtualAdapter;
  /** Virtual runs: how the hub and its meters carry a CoT (default `reference`). */
  hubVariant?: HubVariantName;
  /** Virtual runs: the hub's endpoint layout (default `default`). */
  endpointLayout?: EndpointLayoutName;
  /** Virtual runs: keep the host's state here (a new or empty directory) instead of a temporary one. */
  stateDir?: string;
  /** Virtual runs: the hub time to start at (default: the wall-clock hour). */
  hubStartMs?: number;
  capture?: string;
  quiet: boolean;
  tool: string;
  version: string;
  /** Version and commit of the hanbench that runs (provenance). */
  build?: BuildInfo;
  /** zigbee-herdsman's version. */
  herdsman?: string;
  /** Lab, operator and notes (`--lab`, `--operator`, `--note`, a bench file). */
  lab?: LabInfo;
  /** The lab's requirements map, as given (validated by the caller). */
  requirements?: RequirementsMap;
  /** Bench runs: builds the world on the real clock (bench-env.ts). */
  benchEnv?: (evidence: EvidenceLog, progress: Progress) => Promise<RunEnv>;
  /** Stops the run between steps (Ctrl-C); the evidence so far is kept and the run reported as aborted. */
  signal?: AbortSignal;
  /**
   * Bench runs: continue an interrupted run (`--resume`, resume.ts): its log is appended to, the phases that
   * ended are not walked again and the first one cut is redone; no run event (the log has it).
   */
  resume?: ResumePoint;
}

export interface RunOutcome {
  events: Evidence[];
  /** The evidence file (absent: the run kept its evidence in memory only). */
  evidencePath?: string;
  /** SHA-256 of the evidence file, as sealed when the log was closed (`<evidence>.sha256`). */
  sha256?: string;
  /** Something stopped the run before the plan was done (the evidence still holds what was seen). */
  aborted?: string;
  /** The run could not test with this hub certificate (the key-establishment pre-check): why. */
  notTestable?: string;
}

/**
 * A new directory for a run's files under `root`, named after the start time (`2026-11-28T14-05-09Z`), made
 * exclusively: when another run started in the same second it has the name, and this one gets the next free
 * suffix (`…Z-2`, `…Z-3`). Two runs never share a directory, so neither appends to the other's log.
 */
export function newRunDir(root = join(".hanbench", "runs"), now = new RealClock().now()): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
  makeDirs(root);
  for (let n = 1; ; n++) {
    const dir = join(root, n === 1 ? stamp : `${stamp}-${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new OutputPathError(`cannot make the run directory ${dir}: ${(err as Error).message}`);
      }
    }
  }
}

async function buildEnv(spec: RunSpec, progress: Progress): Promise<{ env: RunEnv; evidence: EvidenceLog }> {
  if (spec.evidencePath !== undefined) makeDirs(dirname(spec.evidencePath));
  else if (spec.mode === "bench") throw new Error("a bench run writes its evidence to a file: no evidencePath given");
  if (spec.mode === "virtual") {
    const { createVirtualEnv } = await import("./virtual-env.js");
    let evidence: EvidenceLog | undefined;
    const env = await createVirtualEnv({
      devices: spec.devices,
      seed: spec.seed,
      ...(spec.adapter ? { adapter: spec.adapter } : {}),
      ...(spec.hubVariant !== undefined ? { hubVariant: spec.hubVariant } : {}),
      ...(spec.endpointLayout !== undefined ? { endpointLayout: spec.endpointLayout } : {}),
      ...(spec.security ? { security: spec.security } : {}),
      ...(spec.pollIntervalMs !== undefined ? { pollIntervalMs: spec.pollIntervalMs } : {}),
      ...(spec.refreshIntervalMs !== undefined ? { refreshIntervalMs: spec.refreshIntervalMs } : {}),
      ...(spec.stateDir !== undefined ? { stateDir: spec.stateDir } : {}),
      ...(spec.hubStartMs !== undefined ? { hubStartMs: spec.hubStartMs } : {}),
      evidence: (clock: SteppedClock) => {
        evidence = new EvidenceLog({
          ...(spec.evidencePath !== undefined ? { path: spec.evidencePath } : {}),
          now: () => clock.now(),
        });
        return evidence;
      },
    });
    return { env, evidence: evidence! };
  }
  if (!spec.benchEnv) throw new Error("a bench run needs its environment");
  const clock = new RealClock();
  const resume = spec.resume;
  const evidence = new EvidenceLog({
    path: spec.evidencePath,
    now: () => clock.now(),
    ...(resume ? { continues: resume.events } : {}),
  });
  if (resume) {
    evidence.append({
      kind: "resume",
      after: resume.events.at(-1)!.seq,
      reason: resume.reason,
      ...(resume.redo ? { phase: resume.redo } : {}),
      ...(resume.dropped ? { droppedLine: resume.dropped } : {}),
    });
  }
  try {
    return { env: await spec.benchEnv(evidence, progress), evidence };
  } catch (err) {
    evidence.append({ kind: "error", source: "bench", message: (err as Error).message });
    evidence.close();
    throw err;
  }
}

export async function runSuite(spec: RunSpec): Promise<RunOutcome> {
  const reportId = newReportId(Date.now());
  const progress = new Progress({ quiet: spec.quiet });
  const resume = spec.resume;
  progress.line(
    spec.mode === "virtual"
      ? `hanbench: virtual dry-run of the CoT suite — ${spec.devices.map((d) => d.label).join(", ")} (seed ${spec.seed})`
      : resume
        ? `hanbench: bench run of the CoT suite, resumed (${resume.reason}); ${resume.redo ? `phase ${resume.redo} is redone from its start` : "no phase was cut"}${resume.ended.size ? `, done before: ${[...resume.ended].join(", ")}` : ""}`
        : "hanbench: bench run of the CoT suite",
  );
  if (resume?.dropped) {
    progress.line(
      `  line ${resume.dropped.line} of ${spec.evidencePath} was cut (${resume.dropped.bytes} bytes, no newline): dropped`,
    );
  }
  progress.status(
    spec.mode === "virtual"
      ? "starting the virtual dongle and the hub…"
      : "starting the coordinator (forming a new network takes herdsman about 3 s)…",
  );
  const selection = spec.cases !== undefined ? selectionOf(spec.cases, CASES, planFor(spec.mode)) : undefined;
  // a wait ends early only where no case the run evaluates needs its whole length (early-end.ts)
  const evaluated = withNeededCases(selection?.cases ?? CASES.map((c) => c.id), CASES);
  const plan = withEarlyEnds(selection?.plan ?? planFor(spec.mode), evaluated);
  const timing: Timing = {
    ...defaultTiming(spec.windowMs),
    ...(spec.windowAuto ? { learn: { ...spec.windowAuto, ceilingMs: spec.windowMs } } : {}),
  };
  const baseline = spec.baseline ?? { values: readBaseline() };
  const { env, evidence } = await buildEnv(spec, progress);
  const capture = spec.capture ? openCapture(spec.capture, env) : undefined;
  const stopCapture = capture ? evidence.onEvent((e) => capture.write(e)) : undefined;
  let aborted: string | undefined;
  let notTestable: string | undefined;
  try {
    const hub = env.hubParameters();
    if (!resume)
      evidence.append({
        kind: "run",
        tool: spec.tool,
        version: spec.version,
        mode: spec.mode,
        seed: spec.seed,
        hub,
        baseline: { ...baseline.values },
        ...(spec.baseline ? { baselineFile: spec.baseline.file } : {}),
        windowMs: spec.windowMs,
        ...(timing.learn ? { windowAuto: timing.learn } : {}),
        duts: env.duts.map((d) => d.decl),
        admitted: env.admitted,
        reportId,
        ...(spec.build ? { build: spec.build } : {}),
        ...(spec.herdsman ? { herdsman: spec.herdsman } : {}),
        suiteVersion: SUITE_VERSION,
        endpointLayout: env.hub.layout,
        coordinator: env.coordinator(),
        ...(spec.lab ? { lab: spec.lab } : {}),
        deviations: [...env.deviations],
        limitations: limitationsFor(env.security),
        ...(spec.requirements ? { requirements: spec.requirements } : {}),
        security: env.security,
        ...(selection
          ? {
              selection: {
                asked: selection.asked,
                cases: selection.cases,
                notSelected: selection.notSelected,
                phases: selection.phases,
                skippedPhases: selection.skippedPhases,
              },
            }
          : {}),
      });
    progress.line(`  ${coordinatorLine(env.coordinator())}`);
    const ctx: StepContext = { env, timing, progress };
    if (resume) {
      // what the steps of the phases still to walk read of the ones done: the learned windows, the newest CoT
      const windows = learnedWindows(resume.events);
      if (timing.learn && windows.length > 0) {
        ctx.timing = timingOfWindows(timing.learn, Math.max(...windows.map((w) => w.windowMs)));
      }
      const lastCot = lastCotOf(resume.events);
      if (lastCot) ctx.lastCot = lastCot;
    }
    if (selection) {
      progress.line(
        `  cases ${selection.cases.join(", ")} (--cases ${selection.asked})${selection.skippedPhases.length ? `; phases skipped, no selected case needs them: ${selection.skippedPhases.join(", ")}` : ""}`,
      );
    }
    const todo = resume ? plan.filter((p) => !resume.ended.has(p.name)) : plan;
    if (spec.mode === "bench") {
      const auto =
        timing.learn && ctx.timing === timing ? " (until the windows are learned in the baseline: at the ceiling)" : "";
      progress.line(
        `  expected duration${resume ? " of what is left" : ""}${auto}: ${expectedDuration(planTime(todo, ctx.timing, spec.mode), ctx.timing.settleMs)}`,
      );
    }
    /** Phases that could not run (PhaseCannotRun), and so the phases that build on them do not either. */
    const cannotRun = new Set<string>(resume?.cannotRun);
    phases: for (const [i, phase] of plan.entries()) {
      if (resume?.ended.has(phase.name)) continue;
      const blocked = phase.needs?.find((n) => cannotRun.has(n));
      if (blocked) {
        cannotRun.add(phase.name);
        evidence.append({
          kind: "note",
          message: cannotRunNote(phase.name, "not run", `it builds on ${blocked}, which could not`),
        });
        progress.line(`[${i + 1}/${plan.length}] ${phase.name} — not run: it builds on ${blocked}, which could not`);
        continue;
      }
      const left =
        spec.mode === "bench"
          ? `; about ${formatDuration(
              planTime(
                plan.slice(i).filter((p) => todo.includes(p)),
                ctx.timing,
                spec.mode,
              ).waitMs,
            )} of waits left`
          : "";
      progress.line(
        `[${i + 1}/${plan.length}] ${phase.name} — ${phase.summary} (hub time ${hubTime(env.clock.now())}${left})`,
      );
      evidence.append({ kind: "phase", name: phase.name, state: "start", detail: phase.summary });
      announcePrompt(plan.slice(i), 0, ctx);
      ctx.changeSeq = EvidenceIndex.of(evidence.events).nextSeq();
      ctx.waitsEnded = [];
      for (const [j, step] of phase.steps.entries()) {
        if (spec.signal?.aborted) throw new Error(`stopped (${String(spec.signal.reason ?? "aborted")})`);
        // the evidence file cannot be written: the verdicts would rest on nothing on disk
        if (evidence.failed.aborted) throw evidence.failed.reason as Error;
        try {
          await runStep(ctx, step);
          if (promptsOperator(env, step)) announcePrompt(plan.slice(i), j + 1, ctx);
        } catch (err) {
          if (err instanceof NotTestable) {
            notTestable = err.message;
            progress.line(`  not testable with this hub certificate: ${err.message}`);
            evidence.append({ kind: "phase", name: phase.name, state: "end", detail: "not testable" });
            break phases;
          }
          if (err instanceof PhaseCannotRun) {
            // not a bench fault: the evidence cannot be had, so the cases reading the phase are inconclusive
            cannotRun.add(phase.name);
            evidence.append({ kind: "note", message: cannotRunNote(phase.name, "ended early", err.message) });
            progress.line(`  ${phase.name} ends here: ${err.message}`);
            break;
          }
          evidence.append({ kind: "error", source: `${phase.name}/${step.do}`, message: (err as Error).message });
          progress.line(`  error in ${phase.name}/${step.do}: ${(err as Error).message}`);
        }
      }
      // a phase a signal cut (its last wait ended at once) has no end: a resumed run redoes it
      if (spec.signal?.aborted) throw new Error(`stopped (${String(spec.signal.reason ?? "aborted")})`);
      const waits = ctx.waitsEnded;
      const ended = waits.includes("window") ? "window" : "complete";
      evidence.append({ kind: "phase", name: phase.name, state: "end", ended });
      if (waits.length > 0) {
        progress.line(
          ended === "complete"
            ? `  ${phase.name} ended early: the evidence its cases need is complete for every DUT (hub time ${hubTime(env.clock.now())})`
            : `  ${phase.name} ended: its window elapsed (hub time ${hubTime(env.clock.now())})`,
        );
      }
      if (ctx.timing.windowMs !== timing.windowMs && phase.steps.some((s) => s.do === "learn-window")) {
        const rest = planTime(plan.slice(i + 1), ctx.timing, spec.mode);
        progress.line(
          `  expected duration from here, by the learned windows: ${expectedDuration(rest, ctx.timing.settleMs)}`,
        );
      }
    }
  } catch (err) {
    aborted = (err as Error).message;
    evidence.append({ kind: "error", source: "run", message: aborted });
  } finally {
    progress.done();
    stopCapture?.();
    capture?.close();
    await env
      .close()
      .catch((err: Error) => evidence.append({ kind: "error", source: "shutdown", message: err.message }));
    evidence.append({ kind: "end", ...(aborted ? { aborted } : {}) });
    evidence.close();
  }
  if (!aborted && evidence.failed.aborted) {
    // the last lines could not be written: the file lacks what the verdicts rest on
    aborted = (evidence.failed.reason as Error).message;
    evidence.append({ kind: "error", source: "evidence", message: aborted });
  }
  return {
    events: evidence.events,
    ...(spec.evidencePath !== undefined ? { evidencePath: spec.evidencePath } : {}),
    ...(evidence.sha256 ? { sha256: evidence.sha256 } : {}),
    ...(aborted ? { aborted } : {}),
    ...(notTestable ? { notTestable } : {}),
  };
}

/**
 * A step that asks the person at the bench: a probe of a DUT with an operator probe, the DUTs to go or come
 * back, or to be restarted.
 */
function promptsOperator(env: RunEnv, step: Step): boolean {
  if (env.mode !== "bench") return false;
  return (
    step.do === "power" ||
    (step.do === "restart" && step.what === "duts") ||
    (step.do === "probe" && env.duts.some((d) => d.probe.method === "operator"))
  );
}

/** "14:05 GMT": a time on this PC's clock, in its own time zone, for the person at the bench. */
function wallClock(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
}

/**
 * Says when the next operator prompt is due (bench runs): what it asks, in which phase, and by when in hub time
 * and on this PC's clock, every wait before it counted at its full length (a wait that ends early brings it
 * sooner; a data fetch may delay it, up to its limit).
 */
function announcePrompt(phases: readonly Phase[], fromStep: number, ctx: StepContext): void {
  const { env, progress } = ctx;
  if (env.mode !== "bench") return;
  const next = nextPrompt(phases, ctx.timing, env.mode, (s) => promptsOperator(env, s), fromStep);
  if (!next) return;
  const s = next.step;
  const what =
    s.do === "power"
      ? s.online
        ? "switch the DUTs back on"
        : "switch the DUTs off"
      : s.do === "restart"
        ? "power-cycle the DUTs, then have them leave and rejoin"
        : `look at the DUTs (${s.do === "probe" ? s.purpose : s.do})`;
  const fetches = next.dataSteps ? ` and ${next.dataSteps} data fetch${next.dataSteps === 1 ? "" : "es"}` : "";
  progress.line(
    `  next operator prompt: ${what}, in ${next.phase}; due by ${hubTime(env.clock.now() + next.waitMs)} hub time, ${wallClock(Date.now() + next.waitMs)} on this PC's clock (${formatDuration(next.waitMs)} of waits at most${fetches} before it)`,
  );
}

/**
 * "3d of waits: observe 1d, repeat 1d, away-cot 1d (the detection window 24h × 3); plus 4 data fetches of at
 * most 24h each (they end when every DUT has its data) and the join".
 */
export function expectedDuration(t: ReturnType<typeof planTime>, settleMs: number): string {
  const waits = t.phases.filter((p) => p.waitMs > 0).map((p) => `${p.name} ${formatDuration(p.waitMs)}`);
  const fetches =
    t.dataSteps > 0
      ? `; plus ${t.dataSteps} data fetch${t.dataSteps === 1 ? "" : "es"} of at most ${formatDuration(settleMs)} each (each ends when every DUT has its data) and the join`
      : "; plus the join";
  return `${formatDuration(t.waitMs)} of waits${waits.length ? ` (${waits.join(", ")})` : ""}${fetches}`;
}

function openCapture(path: string, env: RunEnv): PcapWriter {
  makeDirs(dirname(path));
  const params = env.hubParameters();
  const esme = params.esme as { ieee?: string; nwk?: number } | undefined;
  return new PcapWriter(path, {
    ...pcapOptionsFromRun({ hub: params }),
    ...(esme?.ieee && esme.nwk !== undefined ? { esmeNode: { ieee: esme.ieee, nwk: esme.nwk } } : {}),
  });
}

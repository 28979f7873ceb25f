/**
 * Evidence → verdicts: every case of cot-suite.md for every DUT declared in the run event.
 *
 * - A DUT declaring IHDTS/PPMIDTS before 5.0 (cot-suite.md "Baseline") gets `not_applicable` on every
 *   case, with the reason; it was still run and its evidence is in the log.
 * - A case that could not get its evidence (`inconclusive`) becomes `error` when a bench error
 *   (`ErrorEvent` of this DUT or of the whole run) was logged inside the phases it reads: the bench, not the
 *   device, is why the evidence is missing. A case inconclusive only because COT-02 was not met stays so.
 */
import { outOfScope } from "./claims.js";
import type { DeclaredEvent, DutDeclaration, Evidence } from "../evidence/events.js";
import type { CaseResult, DutResult } from "./results.js";
import { type CaseDef, type Outcome, outcome } from "./cases/case.js";
import { cot01 } from "./cases/cot01-joins-discovers.js";
import { cot02 } from "./cases/cot02-holds-previous.js";
import { cot03, cot04 } from "./cases/cot03-04-queries.js";
import { cot05, cot06 } from "./cases/cot05-06-clears.js";
import { cot07 } from "./cases/cot07-keeps-new.js";
import { cot08 } from "./cases/cot08-future.js";
import { cot09 } from "./cases/cot09-no-spurious.js";
import { cot10 } from "./cases/cot10-away.js";
import { cot11 } from "./cases/cot11-prepayment.js";
import { cot12 } from "./cases/cot12-control-bits.js";
import { cot13 } from "./cases/cot13-bits.js";
import { cot14 } from "./cases/cot14-back-dated.js";
import { cot15 } from "./cases/cot15-one-meter.js";
import { cot16 } from "./cases/cot16-restart.js";
import { cot18 } from "./cases/cot18-old-message.js";
import { cot19 } from "./cases/cot19-late-join.js";
import { cot20 } from "./cases/cot20-second.js";
import { heldBehind } from "./held.js";
import { identityOf } from "./provenance.js";
import { cot17 } from "./cases/cot17-secures-link.js";
import { securityOf } from "./security.js";
import { DutView, type Run } from "./view.js";

/**
 * The suite version these cases implement: v1's cases COT-01..COT-12, each with the basis the version-2
 * contract gives it (cot-suite.md). Reports name it.
 */
export const SUITE_VERSION = "1";

/** The suite, in case order. */
export const CASES: readonly CaseDef[] = [
  cot01,
  cot02,
  cot03,
  cot04,
  cot05,
  cot06,
  cot07,
  cot08,
  cot09,
  cot10,
  cot11,
  cot12,
  cot13,
  cot14,
  cot15,
  cot16,
  cot17,
  cot18,
  cot19,
  cot20,
];

function withBenchErrors(view: DutView, def: CaseDef, out: Outcome): Outcome {
  if (out.verdict !== "inconclusive" || out.dependency) return out;
  const errors = view.errors().filter((e) => def.phases.some((p) => (view.phase(p).start ? view.inPhase(e, p) : true)));
  const first = errors[0];
  if (!first) return out;
  return outcome("error", `bench error seq ${first.seq} (${first.source}): ${first.message} — ${out.reason}`, [
    ...errors.map((e) => e.seq),
    ...out.evidence,
  ]);
}

function toResult(view: DutView, def: CaseDef, out: Outcome): CaseResult {
  const events = out.evidence.map((s) => view.event(s)).filter((e) => e !== undefined);
  const times = events
    .map((e) => e.t)
    .filter((t) => typeof t === "string")
    .sort();
  const walls = events.map((e) => Date.parse(e.wall)).filter((w) => Number.isFinite(w));
  const held = out.verdict === "fail" ? heldBehind(view, out.evidence) : [];
  return {
    id: def.id,
    title: def.title,
    basis: [...def.basis],
    verdict: out.verdict,
    reason: out.reason.replace(/\s*\n\s*/g, " "),
    startedAt: times[0] ?? view.run.t,
    finishedAt: times.at(-1) ?? view.run.t,
    durationMs: walls.length ? Math.max(...walls) - Math.min(...walls) : 0,
    evidence: out.evidence,
    ...(held.length ? { held } : {}),
  };
}

/** The cases for one DUT; `events` in seq order. */
function evaluateDut(events: readonly Evidence[], run: Run, dut: DutDeclaration): DutResult {
  const view = new DutView({ events, run, dut });
  const prior = new Map<string, CaseResult>();
  const scope = outOfScope(dut, run.baseline);
  for (const def of CASES) {
    let out: Outcome;
    if (scope) {
      out = outcome("not_applicable", scope, [run.seq]);
    } else {
      try {
        // a case sees the results of the cases it declares it builds on, and only those
        const given = new Map([...prior].filter(([id]) => def.needs?.includes(id)));
        out = withBenchErrors(view, def, def.evaluate(view, given));
      } catch (err) {
        out = outcome("error", `evaluating the case failed: ${(err as Error).message}`);
      }
    }
    prior.set(def.id, toResult(view, def, out));
  }
  return {
    label: dut.label,
    kind: dut.kind,
    ieee: dut.ieee,
    ...(dut.profile !== undefined ? { profile: dut.profile } : {}),
    ...(dut.dutFile !== undefined ? { dutFile: dut.dutFile } : {}),
    identity: identityOf(view, dut),
    security: securityOf(view),
    ...(view.learnedWindow
      ? { window: { ms: view.learnedWindow.windowMs, reason: view.learnedWindow.reason, seq: view.learnedWindow.seq } }
      : {}),
    // cases not selected for the run (`--cases`) were evaluated only as what a selected case builds on
    results: [...prior.values()].filter((r) => !run.selection || run.selection.cases.includes(r.id)),
  };
}

/**
 * The run event of a log (the first one), with the devices declared after it (`declared` events of a serve
 * session) added to its DUTs and admitted devices; a device declared again replaces its earlier declaration.
 */
export function runOf(events: readonly Evidence[]): Run | undefined {
  const run = events.find((e): e is Run => e.kind === "run");
  if (!run) return undefined;
  const declared = events.filter((e): e is Evidence & DeclaredEvent => e.kind === "declared" && e.seq > run.seq);
  if (declared.length === 0) return run;
  const duts = new Map(run.duts.map((d) => [d.ieee, d]));
  const admitted = new Map((run.admitted ?? []).map((a) => [a.ieee, a]));
  for (const d of declared) {
    if (d.dut) duts.set(d.dut.ieee, d.dut);
    if (d.admitted) admitted.set(d.admitted.ieee, d.admitted);
  }
  return { ...run, duts: [...duts.values()], admitted: [...admitted.values()] };
}

/** `evaluate` of a log already in seq order whose run event (runOf) is `run`: neither is worked out again. */
export function evaluateInOrder(sorted: readonly Evidence[], run: Run): DutResult[] {
  return run.duts.map((dut) => evaluateDut(sorted, run, dut));
}

/** Every case for every DUT of the run. Throws if the log has no run event. */
export function evaluate(events: Evidence[]): DutResult[] {
  const run = runOf(events);
  if (!run) throw new Error("the evidence has no run event: cannot tell which devices were under test");
  // a run's own log is in seq order already, and its index (the one the runner's waits read) is reused
  const inOrder = events.every((e, i) => i === 0 || events[i - 1]!.seq < e.seq);
  const sorted = inOrder ? events : [...events].sort((a, b) => a.seq - b.seq);
  return run.duts.map((dut) => evaluateDut(sorted, run, dut));
}

/**
 * How long the phases of a plan take in hub time, from their steps and the run's timing: what a bench run
 * announces before it starts, and what is left at each phase.
 *
 * The waits of a phase (`wait` steps: a detection window, until each DUT has queried a CoT, until a window
 * after a future CoT's implementation time) are counted at their full length, as the runner waits them.
 * The data steps (`await-fetch`, `join-fresh`, and on a bench `publish-message`) end as soon as every DUT has its data (or has joined), so
 * they are counted apart: how many there are, and at most `settleMs` each. The join is not counted (it lasts
 * until the DUTs are switched on).
 */
import type { Phase, Step, Timing } from "./plan.js";

export interface PhaseTime {
  name: string;
  /** Hub ms of the phase's waits. */
  waitMs: number;
  /** Data steps that end once every DUT has its data (each at most `settleMs`). */
  dataSteps: number;
}

export interface PlanTime {
  phases: PhaseTime[];
  /** The waits of every phase, hub ms. */
  waitMs: number;
  dataSteps: number;
  /** At most: the waits plus every data step at its limit. */
  boundMs: number;
}

function isDataStep(step: Step, mode: "virtual" | "bench", timing: Timing): boolean {
  return (
    step.do === "await-fetch" ||
    // a factory-reset DUT joining afresh: ends once every DUT has joined
    step.do === "join-fresh" ||
    (step.do === "publish-message" && mode === "bench") ||
    // learning the window ends once every DUT has polled twice (at most the ceiling, the settle time then)
    (step.do === "learn-window" && timing.learn !== undefined) ||
    // a look at the CoT after the restarts ends with each DUT's next poll
    step.do === "probe-once-queried"
  );
}

/** The hub time of each phase's waits, walking the steps as the runner does. */
export function planTime(phases: readonly Phase[], timing: Timing, mode: "virtual" | "bench"): PlanTime {
  let now = 0;
  /** Implementation time of the newest CoT, relative to the start. */
  let implementation: number | undefined;
  const out: PhaseTime[] = [];
  for (const phase of phases) {
    const start = now;
    let dataSteps = 0;
    for (const step of phase.steps) {
      if (isDataStep(step, mode, timing)) dataSteps++;
      // a CoT dated back counts as one dated now: no wait of the plan follows one
      if (step.do === "record-cot") implementation = step.at === "future" ? now + timing.futureLeadMs : now;
      if (step.do !== "wait") continue;
      if (step.until === "window") now += timing.windowMs;
      else if (implementation === undefined) continue;
      else if (step.until === "queried")
        now = Math.max(now, Math.min(now + timing.windowMs, implementation - timing.beforeMarginMs));
      else now = Math.max(now, implementation + timing.windowMs);
    }
    out.push({ name: phase.name, waitMs: now - start, dataSteps });
  }
  const waitMs = out.reduce((a, p) => a + p.waitMs, 0);
  const dataSteps = out.reduce((a, p) => a + p.dataSteps, 0);
  return { phases: out, waitMs, dataSteps, boundMs: waitMs + dataSteps * timing.settleMs };
}

/** The next step that asks a person something, and the waits before it. */
export interface NextPrompt {
  phase: string;
  step: Step;
  /** Hub ms of the waits before it, each counted at its full length: it comes at the latest then. */
  waitMs: number;
  /** Data steps before it (each ends when every DUT has its data, at most `settleMs`). */
  dataSteps: number;
}

/**
 * The first step of `phases` (from step `fromStep` of the first) that `prompts`, walking the waits as
 * `planTime` does; absent when none is left.
 */
export function nextPrompt(
  phases: readonly Phase[],
  timing: Timing,
  mode: "virtual" | "bench",
  prompts: (step: Step) => boolean,
  fromStep = 0,
): NextPrompt | undefined {
  let waitMs = 0;
  let dataSteps = 0;
  for (const [i, phase] of phases.entries()) {
    // the steps already done count for the waits' reference points (a future CoT's implementation time)
    const done = i === 0 ? phase.steps.slice(0, fromStep) : [];
    const base = planTime([{ ...phase, steps: done }], timing, mode);
    const time = (steps: Step[]) => {
      const t = planTime([{ ...phase, steps: [...done, ...steps] }], timing, mode);
      return { waitMs: t.waitMs - base.waitMs, dataSteps: t.dataSteps - base.dataSteps };
    };
    const steps = phase.steps.slice(done.length);
    for (const [j, step] of steps.entries()) {
      if (!prompts(step)) continue;
      const t = time(steps.slice(0, j));
      return { phase: phase.name, step, waitMs: waitMs + t.waitMs, dataSteps: dataSteps + t.dataSteps };
    }
    const t = time(steps);
    waitMs += t.waitMs;
    dataSteps += t.dataSteps;
  }
  return undefined;
}

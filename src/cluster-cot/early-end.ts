/**
 * Which waits of a plan may end before their length (issue 18): a wait ends as soon as the evidence the cases
 * reading its phase need is complete for every DUT, and only where ending early cannot change a verdict.
 *
 * A case says what it needs before a probe it reads (`CaseDef.waits`, keyed by the probe's purpose); a `wait`
 * step of the plan leads to the first probe after it in its phase. Every case that reads the phase and says
 * nothing about that probe needs the whole wait (`length`): a clear is judged at max(T, recorded) + the window
 * (cot-suite.md), data must stay until an implementation time, a DUT must stay silent while declared off. A
 * phase that no case reads (walked only because another builds on it) also waits its whole length: what the
 * later phase needs of the world (a DUT that has cleared) is not evidence this one can see.
 *
 * Nothing here is listed per phase: it follows from the cases the run evaluates and the plan's steps.
 */
import type { CaseDef } from "./cases/case.js";
import type { EarlyEnd, Phase, Step } from "./plan.js";

/** What a wait needs, from the weakest to the whole length. */
const STRENGTH: Record<EarlyEnd | "length", number> = { query: 0, "re-read": 1, length: 2 };

/** The purpose of the first probe after step `i` of a phase (the probe a wait leads to). */
function probeAfter(steps: readonly Step[], i: number): string | undefined {
  for (const s of steps.slice(i + 1)) if (s.do === "probe") return s.purpose;
  return undefined;
}

/** What a wait before `probe` in `phase` needs, over the cases that read the phase. */
export function waitNeed(phase: Phase, probe: string | undefined, cases: readonly CaseDef[]): EarlyEnd | "length" {
  const readers = cases.filter((c) => c.phases.includes(phase.name));
  if (readers.length === 0 || probe === undefined) return "length";
  let need: EarlyEnd | "length" = "query";
  for (const c of readers) {
    const n = c.waits?.[probe] ?? "length";
    if (STRENGTH[n] > STRENGTH[need]) need = n;
  }
  return need;
}

/**
 * The plan with each detection-window wait that may end early marked (`enough`), for the cases the run
 * evaluates (the selected ones and the cases they build on). The other waits are left as they are.
 */
export function withEarlyEnds(plan: readonly Phase[], cases: readonly CaseDef[]): Phase[] {
  return plan.map((phase) => ({
    ...phase,
    steps: phase.steps.map((step, i): Step => {
      if (step.do !== "wait" || step.until !== "window") return step;
      const need = waitNeed(phase, probeAfter(phase.steps, i), cases);
      return need === "length" ? step : { ...step, enough: need };
    }),
  }));
}

/**
 * The plan of a run: the phases, in order, and the steps of each, as data the runner iterates over.
 * The cases (src/cluster-cot/cases) read the evidence this plan produces, so the names here are a
 * contract between the runner and the cases:
 *
 * - every phase is bracketed by `PhaseEvent`s `{name, state: "start" | "end"}` with the phase name;
 * - every CoT a phase records (`record-cot`) appears as a `CotEvent` between those brackets, in step order;
 * - every probe is a `ProbeEvent` per DUT whose `purpose` is the step's purpose (a probe that cannot be
 *   had is still logged, with `ok: false` and the reason);
 * - `power` steps appear as `PresenceEvent`s per DUT;
 * - whatever stops a step is logged as an `ErrorEvent` (with `device` when it concerns one DUT).
 *
 * Time is hub time: a virtual run advances a SteppedClock, a bench run waits on the real clock. Durations
 * are named (`Timing`) and resolved by the runner from the run's options.
 */
import type { EndpointRole } from "../evidence/events.js";
import { CLEAR_CONSUMER, CLEAR_SUPPLIER, DEFAULT_CONTROL } from "./tenancy.js";
import { hex } from "../hex.js";
import { DAY_MS, dayStart, ukDst, ukOffsetMs } from "../hub/data/periods.js";
import { PTCC } from "../zcl/index.js";
import type { WindowPolicy } from "./window.js";

export type RunMode = "virtual" | "bench";

export const PHASE = {
  join: "join",
  baseline: "baseline",
  cot: "cot",
  observe: "observe",
  newData: "new-data",
  repeat: "repeat",
  secondCot: "second-cot",
  futureCot: "future-cot",
  awayCot: "away-cot",
  bitsCot: "bits-cot",
  controlBits: "control-bits",
  restart: "restart",
  lateJoin: "late-join",
  backDated: "back-dated",
} as const;
export type PhaseName = (typeof PHASE)[keyof typeof PHASE];

/** Probe purposes (`ProbeEvent.purpose`) the cases read. */
export const PROBE = {
  baseline: "baseline",
  afterCot: "after-cot",
  afterNewData: "after-new-data",
  afterRepeat: "after-repeat",
  beforeFutureCot: "before-future-cot",
  beforeImplementation: "before-implementation",
  afterImplementation: "after-implementation",
  beforeAway: "before-away",
  afterReturn: "after-return",
  afterDateNone: "after-date-none",
  afterDateOlder: "after-date-older",
  beforeRestart: "before-restart",
  afterRestart: "after-restart",
  beforeRestartBackDated: "before-restart-back-dated",
  afterRestartBackDated: "after-restart-back-dated",
  beforeSecondCot: "before-second-cot",
  afterSecondCot: "after-second-cot",
  beforeBitsCot: "before-bits-cot",
  afterBitsCot: "after-bits-cot",
  afterLateJoin: "after-late-join",
} as const;

/**
 * The controls COT-12 tries, each on a fresh tenancy: bits 9 and 10 (Clear IHD Data – Consumer / Supplier),
 * both, none, then bit 7 (Block Historical LP information), bit 8 (Clear Historical LP information), bit 13
 * (Clear Transaction Log) and bit 14 (Clear Prepayment Data) on their own (domain-review M5).
 */
export const CONTROL_STEPS = [
  CLEAR_CONSUMER,
  CLEAR_SUPPLIER,
  CLEAR_CONSUMER | CLEAR_SUPPLIER,
  0,
  PTCC.blockHistoricalLoadProfileInformation,
  PTCC.clearHistoricalLoadProfileInformation,
  PTCC.clearTransactionLog,
  PTCC.clearPrepaymentData,
] as const;

/**
 * COT-13's CoT: the GPF with PTCC 0x00000200 (the RTDS GCS09 sample value: bit 9 only) and the ESME with a
 * date only (ECS12 carries no control value), so a bits-only reading would clear the gas history alone.
 */
export const BITS_COT_CONTROLS: Readonly<Record<EndpointRole, number>> = { gpf: CLEAR_CONSUMER, esme: 0 };

/** Probe after the CoT of a control step: `control-0x200`, `control-0x400`, `control-0x600`, `control-0x000`. */
export function controlProbe(control: number): string {
  return `control-${hex(control, 3)}`;
}

/** Probe before the CoT of a control step: `control-0x200-before` … */
export function controlBeforeProbe(control: number): string {
  return `${controlProbe(control)}-before`;
}

/** How far back the older CoT date of COT-09 lies: before the main CoT's T, as a replaced meter may show. */
export const DATE_BACK_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * COT-14's back-dated CoTs, in the order the run records them. The first, T across a DST change (at least 46
 * days back), is recorded while the DUTs, reset to factory settings, are away (phase `late-join`): they join
 * after it and must fetch nothing of periods before it (COT-19), so they hold months of the tenancy the
 * next CoTs clear. Then (phase `back-dated`) a correction moving T earlier, older than any history the meters
 * serve (`nothingToClear`: COT-14 needs only each DUT's query of it, so its window ends early: early-end.ts),
 * and T about 45, 10 and 1 days back, each later than the one before (a detection window each, as each has
 * something to clear).
 *
 * Each meter has its own T (cot-suite.md "Attribution"), and a GB CoT reaches the two meters separately: the 45
 * days go on the ESME only and the 10 days on the GPF only, which are COT-15's two one-meter CoTs ("a CoT on the
 * ESME only, then on the GPF only days later": their T's lie 35 days apart), so COT-14 and COT-15 share those
 * two windows; the 1 day goes on both. Under a hub variant where the named meter carries no CoT, the step records
 * on each meter that does (`elseEvery`), so a one-CoT home still sees every T (COT-15 is `not_applicable` there).
 */
export const BACK_DATED_COTS = [
  { name: "across-dst", backMs: 46 * DAY_MS, acrossDst: true },
  { name: "older-than-history", backMs: 450 * DAY_MS, correction: true, nothingToClear: true },
  { name: "45-days", backMs: 45 * DAY_MS, meters: ["esme"] },
  { name: "10-days", backMs: 10 * DAY_MS, meters: ["gpf"] },
  { name: "1-day", backMs: DAY_MS },
] as const satisfies readonly {
  name: string;
  backMs: number;
  acrossDst?: boolean;
  correction?: boolean;
  nothingToClear?: boolean;
  meters?: readonly EndpointRole[];
}[];

/**
 * COT-15's CoTs among the back-dated ones: the ESME only, then the GPF only; what the DUT held before them is
 * the probe after the correction older than any history.
 */
export const ONE_METER_COTS = { before: "older-than-history", esme: "45-days", gpf: "10-days" } as const;

/** The probe after a back-dated CoT: `after-late-join` for the first, then `back-dated-45-days` … */
export function backDatedProbe(name: (typeof BACK_DATED_COTS)[number]["name"]): string {
  return name === BACK_DATED_COTS[0].name ? PROBE.afterLateJoin : `back-dated-${name}`;
}

/**
 * What every case reading phase `back-dated` needs before its probes, less than the whole wait (early-end.ts):
 * after a CoT with nothing to clear (the correction older than any history), each DUT's query of it. The other
 * probes keep their whole window. One map for COT-14, COT-15 and COT-16, since a wait ends early only where
 * every case reading the phase allows it.
 */
export const BACK_DATED_WAITS: Readonly<Record<string, EarlyEnd>> = Object.fromEntries(
  BACK_DATED_COTS.filter((c) => "nothingToClear" in c).map((c) => [backDatedProbe(c.name), "query"]),
);

/**
 * T of COT-14's CoT across a DST change: the UK local midnight that starts the first whole day after the
 * latest clock change at least `minBackMs` before `now` whose offset is not the one in force at `now` (so T
 * and the time it is recorded lie on different sides of a clock change, and the day ending at T is the 23- or
 * 25-hour day of the change).
 */
export function acrossDstTime(now: number, minBackMs: number): number {
  const year = new Date(now).getUTCFullYear();
  const changes = [year, year - 1, year - 2]
    .flatMap((y) => {
      const d = ukDst(Date.UTC(y, 5, 1));
      return [d.start, d.end];
    })
    .sort((a, b) => b - a);
  for (const change of changes) {
    const t = dayStart(change, -1);
    if (t <= now - minBackMs && ukOffsetMs(t) !== ukOffsetMs(now)) return t;
  }
  throw new RangeError(`no clock change found before ${new Date(now - minBackMs).toISOString()}`);
}

/**
 * Named durations, resolved from the run's options.
 * - `window`: the detection window (`RunEvent.windowMs`, default 24 h): a compliant DUT queries the CoT
 *   within it and acts on it.
 * - `queried`: until every DUT has queried the phase's CoT (Read 0x0708/0x0200 or GetChangeOfTenancy, on
 *   either server) and finished the data refresh that follows its poll; at most one window, and never past
 *   `beforeMarginMs` before the implementation time. Probing right after the DUT has seen a future-dated
 *   CoT catches a clear-on-sight even when the DUT later fetches its history again.
 * - `after-implementation`: until one window after the implementation time of the phase's CoT.
 */
export type WaitUntil = "window" | "queried" | "after-implementation";

/**
 * What a case needs before a probe, when that is less than the whole wait before it (early-end.ts):
 * - `query`: each DUT has queried the CoT (Read 0x0708/0x0200 or GetChangeOfTenancy) on every meter that
 *   carries one since the phase's last change (COT-03/04: the query is the evidence);
 * - `re-read`: each DUT has re-read the CoT on every such meter since the change and that poll is over (a
 *   minute since its first query, as window.ts counts a poll), so whatever the re-read makes it do shows in
 *   the probe that follows (COT-09: re-reading an unchanged CoT, or a date gone back, clears nothing).
 */
export type EarlyEnd = "query" | "re-read";

export interface Timing {
  /** Detection window, hub ms. */
  windowMs: number;
  /** How far ahead a future CoT is dated: long enough for a DUT to see it before it takes effect. */
  futureLeadMs: number;
  /** The `before-implementation` probe is taken at least this long before the implementation time. */
  beforeMarginMs: number;
  /** Longest wait for joins and discovery, and for a DUT to fetch data (`await-fetch`). */
  settleMs: number;
  /** `--window auto`: the window is learned in the baseline (`learn-window`) by this policy (window.ts). */
  learn?: WindowPolicy;
}

const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

export function defaultTiming(windowMs: number = DEFAULT_WINDOW_MS): Timing {
  return {
    windowMs,
    futureLeadMs: 2 * windowMs,
    beforeMarginMs: Math.min(60 * 60 * 1000, windowMs / 4),
    settleMs: windowMs,
  };
}

/** One thing the runner does. Steps run in order; each is bounded in hub time. */
export type Step =
  /** Put each DUT's EUI-64 and install code in the Device Log, permit joining, wait (≤ settle) for each DUT to
   * join, be interviewed and send its ZDO discovery. Joins and discovery requests are logged as they come. */
  | { do: "admit" }
  /** With key establishment on: wait (briefly) until each Type 1 DUT's key establishment with the hub has ended;
   * an issuer mismatch either side ends the run as not testable with this hub certificate (`outcome` event). */
  | { do: "key-check" }
  /** Virtual only: an emulated device that is not in the Device Log tries to join; the hub must refuse it
   * (`JoinEvent` accepted false). */
  | { do: "stranger" }
  /** The hub publishes the supplier message of the tenancy in force (DisplayMessage to every DUT, with the
   * tenancy's marker text), logged as a `ServedEvent` per DUT. */
  | { do: "publish-message" }
  /** Wait (≤ settle) until the hub has served each DUT consumption of the tenancy in force. */
  | { do: "await-fetch" }
  /** Record a CoT through `Tenancy.record(hub, …)`: implementation now, `futureLeadMs` ahead, or `backMs` back
   * (on a whole second; `acrossDst`: at `acrossDstTime`, at least `backMs` back). Never pushed. `controls`: a
   * meter's own control, where it differs from `control`. `meters`: on these meters only (of those that carry
   * a CoT under the hub variant); absent: on each. `correction`: a corrected date, which may be earlier than
   * the previous CoT's. `elseEvery`: where none of `meters` carries a CoT under the hub variant, on each meter
   * that does (otherwise nothing is recorded, with a note). */
  | {
      do: "record-cot";
      control: number;
      at: "now" | "future" | "past";
      backMs?: number;
      acrossDst?: boolean;
      correction?: boolean;
      controls?: Partial<Record<EndpointRole, number>>;
      meters?: readonly EndpointRole[];
      elseEvery?: boolean;
    }
  /** Every meter's CoT record goes (a meter or the hub replaced): 0x0200 shows no CoT again (`cot-reset` events). */
  | { do: "reset-cot" }
  /** COT-16: the hub restarts (its host, on the same dongle and state), or every DUT is power-cycled and then
   * leaves the network and rejoins it (virtual: the emulated devices; bench: one operator prompt). */
  | { do: "restart"; what: "hub" | "duts" }
  /** Take the DUTs off the network (virtual: power off; bench: operator prompt) or bring them back. */
  | { do: "power"; online: boolean }
  /** Each DUT is reset to factory settings: it leaves the network, forgets all it held and knew, stays off. */
  | { do: "factory-reset" }
  /** Joining opens and each DUT reset to factory settings joins afresh (≤ settle); joining closes again. */
  | { do: "join-fresh" }
  /** Let hub time pass. `enough` (set for the cases a run evaluates, early-end.ts): a `window` wait ends as
   * soon as every DUT has done that much since the phase's last change. */
  | { do: "wait"; until: WaitUntil; enough?: EarlyEnd }
  /** Probe every DUT; the ProbeEvent carries this purpose. */
  | { do: "probe"; purpose: string }
  /** Probe each DUT as soon as it has queried the CoT since the last `restart` step (its first look at the
   * unchanged CoT after it); one that has not within a window is probed at its end. */
  | { do: "probe-once-queried"; purpose: string }
  /** With `--window auto` (`Timing.learn`): wait (≤ the ceiling) until each DUT has queried the CoT twice on
   * each meter that carries one, give each DUT its window (a `WindowEvent`) and time the rest of the run by
   * the longest. Otherwise nothing. */
  | { do: "learn-window" };

export interface Phase {
  name: PhaseName;
  /** One line for progress displays. */
  summary: string;
  steps: Step[];
  /** Cases that read this phase's evidence. */
  cases: string[];
  /**
   * The phases whose effect on the world this one builds on (the CoT it observes, the data it expects the DUTs
   * to hold): they run whenever it runs. Absent: every phase before it.
   */
  needs?: PhaseName[];
}

/**
 * Delivering a tenancy's data before a probe: consumption first, the message last, the probe at once. A
 * device that clears on every poll (`repeat-clear`) then still holds the new data at the probe, so COT-09
 * catches it rather than COT-07, COT-08 or COT-10. (The baseline is the exception: there the message goes
 * first, so that the DUT's CoT polls answered NOT_FOUND come after it holds tenancy-1 data; COT-09.)
 */
function deliver(purpose: string): Step[] {
  return [{ do: "await-fetch" }, { do: "publish-message" }, { do: "probe", purpose }];
}

/**
 * COT-16's restarts after the DUTs acted on a CoT, with that CoT unchanged: the data delivered and probed, the hub
 * restarted first (so the DUTs' first look at the CoT after their own restarts is at the restarted hub), each
 * DUT power-cycled and then leaving and rejoining, and each DUT probed once it has looked at the CoT again. Only
 * its catch-up polls at power-on and rejoin fall between a DUT's probes in a virtual run (a DUT that never
 * queries is probed a window later, without holding the others back). Phase `restart` takes them after the main
 * line's CoTs, phase `back-dated` after its back-dated CoTs (cot-suite.md COT-16: "including a back-dated one").
 */
export function restartSteps(before: string, after: string): Step[] {
  return [
    ...deliver(before),
    { do: "restart", what: "hub" },
    { do: "restart", what: "duts" },
    { do: "probe-once-queried", purpose: after },
  ];
}

const controlSteps: Step[] = CONTROL_STEPS.flatMap((control): Step[] => [
  ...deliver(controlBeforeProbe(control)),
  { do: "record-cot", control, at: "now" },
  { do: "wait", until: "window" },
  { do: "probe", purpose: controlProbe(control) },
]);

/** The step that records one of COT-14's back-dated CoTs (BACK_DATED_COTS), in phase `late-join` or `back-dated`. */
function recordBackDated(c: (typeof BACK_DATED_COTS)[number]): Step {
  return {
    do: "record-cot",
    control: DEFAULT_CONTROL,
    at: "past",
    backMs: c.backMs,
    ...("acrossDst" in c ? { acrossDst: c.acrossDst } : {}),
    ...("correction" in c ? { correction: c.correction } : {}),
    ...("meters" in c ? { meters: c.meters, elseEvery: true } : {}),
  };
}

/**
 * COT-14's phase: the back-dated CoTs after the first (which phase `late-join` records), each with its wait and
 * probe (two of them are COT-15's one-meter CoTs), then COT-16's restarts with the last of them unchanged.
 */
function backDatedSteps(): Step[] {
  return [
    ...BACK_DATED_COTS.slice(1).flatMap((c): Step[] => [
      recordBackDated(c),
      { do: "wait", until: "window" },
      { do: "probe", purpose: backDatedProbe(c.name) },
    ]),
    ...restartSteps(PROBE.beforeRestartBackDated, PROBE.afterRestartBackDated),
  ];
}

const PHASES: (Phase & { modes: RunMode[] })[] = [
  {
    name: PHASE.join,
    summary: "DUTs join with their install codes and discover the GPF and ESME; a stranger is refused",
    steps: [{ do: "admit" }, { do: "key-check" }, { do: "stranger" }],
    cases: ["COT-01", "COT-17"],
    needs: [],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.baseline,
    summary: "tenancy 1: supplier message published, consumption fetched, CoT polls answered NOT_FOUND",
    steps: [
      { do: "publish-message" },
      { do: "await-fetch" },
      { do: "probe", purpose: PROBE.baseline },
      { do: "learn-window" },
    ],
    cases: ["COT-02", "COT-09", "COT-11"],
    needs: [PHASE.join],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.cot,
    summary: "a CoT effective now, control 0x00000600, not pushed",
    steps: [{ do: "record-cot", control: DEFAULT_CONTROL, at: "now" }],
    cases: ["COT-03", "COT-04", "COT-05", "COT-06"],
    needs: [PHASE.baseline],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.observe,
    summary: "the detection window: DUTs must query the GPF and the ESME and clear tenancy-1 data",
    steps: [
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterCot },
    ],
    cases: ["COT-03", "COT-04", "COT-05", "COT-06", "COT-11"],
    needs: [PHASE.cot],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.newData,
    summary: "tenancy 2: a new supplier message and new consumption, fetched and held",
    steps: deliver(PROBE.afterNewData),
    cases: ["COT-07", "COT-09"],
    needs: [PHASE.observe],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.repeat,
    summary:
      "the unchanged CoT is polled again for a window, then its date goes back to none and to an older date (a meter replaced); tenancy-2 data must survive",
    steps: [
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterRepeat },
      { do: "reset-cot" },
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterDateNone },
      { do: "record-cot", control: DEFAULT_CONTROL, at: "past", backMs: DATE_BACK_MS },
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterDateOlder },
    ],
    cases: ["COT-09"],
    needs: [PHASE.newData],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.secondCot,
    summary: "the home changes hands again: a second CoT effective now (T2 > T1); the data before T2 must go",
    steps: [
      ...deliver(PROBE.beforeSecondCot),
      { do: "record-cot", control: DEFAULT_CONTROL, at: "now" },
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterSecondCot },
    ],
    cases: ["COT-20"],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.futureCot,
    summary: "a CoT dated ahead: tenancy-2 data stays until the implementation time, then goes",
    steps: [
      ...deliver(PROBE.beforeFutureCot),
      { do: "record-cot", control: DEFAULT_CONTROL, at: "future" },
      { do: "wait", until: "queried" },
      { do: "probe", purpose: PROBE.beforeImplementation },
      { do: "wait", until: "after-implementation" },
      { do: "probe", purpose: PROBE.afterImplementation },
    ],
    cases: ["COT-08"],
    needs: [PHASE.join],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.awayCot,
    summary: "a CoT recorded while the DUTs are off the network; they must catch it when back",
    steps: [
      ...deliver(PROBE.beforeAway),
      { do: "power", online: false },
      { do: "record-cot", control: DEFAULT_CONTROL, at: "now" },
      { do: "power", online: true },
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterReturn },
    ],
    cases: ["COT-10"],
    needs: [PHASE.join],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.bitsCot,
    summary: "a CoT with control 0x00000200 on the GPF and a date only on the ESME: history and messages must go",
    steps: [
      ...deliver(PROBE.beforeBitsCot),
      { do: "record-cot", control: BITS_COT_CONTROLS.gpf, controls: BITS_COT_CONTROLS, at: "now" },
      { do: "wait", until: "window" },
      { do: "probe", purpose: PROBE.afterBitsCot },
    ],
    cases: ["COT-13"],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.controlBits,
    summary: "CoTs with control 0x200, 0x400, 0x600, 0 and bits 7, 8, 13, 14, each on a fresh tenancy (information)",
    steps: controlSteps,
    cases: ["COT-12"],
    needs: [PHASE.join],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.restart,
    summary:
      "with the CoT unchanged, the hub restarts, then each DUT is power-cycled and leaves and rejoins: tenancy-2 data must survive",
    steps: restartSteps(PROBE.beforeRestart, PROBE.afterRestart),
    cases: ["COT-16"],
    needs: [PHASE.newData],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.lateJoin,
    summary:
      "the DUTs are reset to factory settings; a CoT is recorded with T back across a DST change; they join afresh and must fetch only data of periods from T",
    steps: [
      { do: "factory-reset" },
      { do: "reset-cot" },
      recordBackDated(BACK_DATED_COTS[0]),
      { do: "join-fresh" },
      { do: "await-fetch" },
      { do: "probe", purpose: PROBE.afterLateJoin },
    ],
    cases: ["COT-19", "COT-14"],
    needs: [PHASE.join],
    modes: ["virtual", "bench"],
  },
  {
    name: PHASE.backDated,
    summary:
      "back-dated CoTs: a correction to a T older than any history, then T about 45 days back on the ESME only, 10 on the GPF only and 1 on both; data of periods before each T must go; then the restarts, the CoT unchanged",
    steps: backDatedSteps(),
    cases: ["COT-14", "COT-15", "COT-16"],
    needs: [PHASE.lateJoin],
    modes: ["virtual", "bench"],
  },
];

function forMode(mode: RunMode): readonly Phase[] {
  return PHASES.filter((p) => p.modes.includes(mode)).map(({ modes: _m, ...p }) => ({
    ...p,
    // A bench has no second device to play the stranger unless the operator brings one.
    steps: mode === "bench" ? p.steps.filter((s) => s.do !== "stranger") : p.steps,
  }));
}

/** The phases of a virtual run (emulated devices, SteppedClock), in order. */
export const VIRTUAL_PLAN: readonly Phase[] = forMode("virtual");
/** The phases of a bench run (real devices, real clock, console or operator probes), in order. */
export const BENCH_PLAN: readonly Phase[] = forMode("bench");

export function planFor(mode: RunMode): readonly Phase[] {
  return mode === "virtual" ? VIRTUAL_PLAN : BENCH_PLAN;
}

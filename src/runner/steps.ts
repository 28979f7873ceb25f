/**
 * The steps of the run plan (src/cluster-cot/plan.ts), carried out on a RunEnv. Each step is bounded in
 * hub time (virtual) or real time (bench); whatever stops a step is logged as an ErrorEvent and the run
 * goes on, so the cases can say `error` or `inconclusive` for what it prevented.
 */
import type { CotRecord } from "../cluster-cot/tenancy.js";
import { acrossDstTime, defaultTiming, type EarlyEnd, type Step, type Timing } from "../cluster-cot/plan.js";
import { learnWindow, POLL_BURST_MS, type PollTimes, pollsSeen, type WindowPolicy } from "../cluster-cot/window.js";
import type { EndpointRole } from "../evidence/events.js";
import {
  hasAcknowledgedMessage,
  hasFetchedHistory,
  hasIssuerMismatch,
  hasKeyOutcome,
  hasQueriedCot,
  isCotQuery,
  isInterviewed,
} from "../cluster-cot/questions.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import { formatDuration } from "../duration.js";
import { watchCotQueries, watchJoins } from "./device-progress.js";
import { type RunEnv, takeProbe } from "./env.js";
import { type Progress, hubTime } from "./progress.js";
import { hex } from "../hex.js";

/** Real-time limit for the DUTs of a virtual run to join and be interviewed. */
const VIRTUAL_JOIN_MS = 30_000;
/**
 * Real-time limit of the key-establishment pre-check: a virtual exchange takes well under a second; a real
 * device starts right after joining and takes its announced generate times at most (TI's KE client gives up
 * a connection after 60 s).
 */
const KEY_CHECK_MS = { virtual: 20_000, bench: 60_000 } as const;

/** The run cannot test: the hub's certificate and a DUT's are from different CAs. */
export class NotTestable extends Error {
  override name = "NotTestable";
}

/**
 * The rest of a phase cannot be done (a bench without anyone to reset the DUTs): the runner ends the phase, and
 * skips the phases that build on it, instead of waiting out steps that can show nothing.
 */
export class PhaseCannotRun extends Error {
  override name = "PhaseCannotRun";
}

export interface StepContext {
  env: RunEnv;
  timing: Timing;
  progress: Progress;
  /** The newest CoTs of the run (one per meter, recorded by one step), and the seq of the evidence before them. */
  lastCot?: { records: CotRecord[]; seq: number };
  /** The seq of the evidence before the last `restart` step (`probe-once-queried` counts queries after it). */
  restartSeq?: number;
  /**
   * The seq of the evidence before the phase's last change (its start, a CoT recorded or reset, the DUTs back
   * on the network): what an early end (`enough`) counts the DUTs' queries from. Set by the run loop at each
   * phase start.
   */
  changeSeq?: number;
  /** How the phase's waits ended so far: each ran its whole length (`window`) or ended on its condition. */
  waitsEnded?: ("complete" | "window")[];
}

/** Hub ms between checks of an early end's condition. */
const EARLY_END_STEP_MS = 5 * 60_000;

/** Records how one wait of the phase ended. */
function ended(ctx: StepContext, complete: boolean): void {
  ctx.waitsEnded?.push(complete ? "complete" : "window");
}

/** The run's evidence index: the one the verdicts read at the end of the run. */
function indexOf(env: RunEnv): EvidenceIndex {
  return EvidenceIndex.of(env.evidence.events);
}

async function admit(ctx: StepContext): Promise<void> {
  const { env, progress } = ctx;
  for (const dut of env.duts) {
    try {
      await env.host.addDevice({ eui64: dut.decl.ieee, installCode: dut.installCode, deviceType: dut.deviceType });
    } catch (err) {
      env.evidence.append({
        kind: "error",
        source: "device log",
        device: dut.decl.ieee,
        message: (err as Error).message,
      });
    }
  }
  await env.host.permitJoin(254);
  const joinMs = env.mode === "virtual" ? VIRTUAL_JOIN_MS : ctx.timing.settleMs;
  if (env.mode === "bench") {
    progress.line(
      `  switch on / put in join mode: ${env.duts.map((d) => `${d.decl.label} (${d.decl.ieee})`).join(", ")}; joining is open`,
    );
  }
  const stopWatch = watchJoins({ evidence: env.evidence, progress, devices: watched(env) });
  await env.startJoining?.();
  const all = () => env.duts.every((d) => isInterviewed(indexOf(env), d.decl.ieee));
  const joined = await env.settle(all, joinMs);
  stopWatch();
  if (!joined) {
    for (const d of env.duts.filter((x) => !isInterviewed(indexOf(env), x.decl.ieee))) {
      env.evidence.append({
        kind: "error",
        source: "join",
        device: d.decl.ieee,
        message: `${d.decl.label} did not join and finish its interview within ${formatDuration(joinMs)}`,
      });
    }
  }
  // discovery follows the interview: let it happen
  await env.advance({ untilMs: env.clock.now(), label: "discovery" });
}

/**
 * The DUTs, reset to factory settings, join afresh: joining opens, each is switched on (virtual: it joins with
 * its install code; bench: the operator puts it in join mode), and the step waits (≤ the join limit) until each
 * has joined again; joining closes.
 */
async function joinFresh(ctx: StepContext): Promise<void> {
  const { env, progress } = ctx;
  const from = indexOf(env).nextSeq();
  // the coordinator gets each DUT's install code again: its trust centre may have dropped the key at the leave
  await env.host.giveInstallCodesAgain(env.duts.map((d) => d.decl.ieee));
  await env.host.permitJoin(254);
  const stopWatch = watchJoins({ evidence: env.evidence, progress, devices: watched(env) });
  try {
    // emulated units join together; at a bench the operator is asked about one device at a time
    // a DUT that cannot join again is an error of that DUT, not of the others
    const online = (d: (typeof env.duts)[number]) =>
      d.setOnline(true).catch((err: Error) => {
        env.evidence.append({ kind: "error", source: "join", device: d.decl.ieee, message: err.message });
      });
    if (env.mode === "virtual") await Promise.all(env.duts.map(online));
    else for (const d of env.duts) await online(d);
    const joinMs = env.mode === "virtual" ? VIRTUAL_JOIN_MS : ctx.timing.settleMs;
    const joined = (ieee: string) =>
      indexOf(env)
        .ofDevice("join", ieee.toLowerCase())
        .some((j) => j.seq >= from && j.accepted);
    if (!(await env.settle(() => env.duts.every((d) => joined(d.decl.ieee)), joinMs))) {
      for (const d of env.duts.filter((x) => !joined(x.decl.ieee))) {
        env.evidence.append({
          kind: "error",
          source: "join",
          device: d.decl.ieee,
          message: `${d.decl.label} did not join again within ${formatDuration(joinMs)} after its factory reset`,
        });
      }
    }
  } finally {
    stopWatch();
    await env.host.permitJoin(0);
  }
  await env.advance({ untilMs: env.clock.now(), label: "discovery" });
}

/**
 * The pre-check right after the join: each Type 1 DUT establishes keys with the hub. An issuer mismatch either
 * side (Terminate UNKNOWN_ISSUER) makes the run not testable with this hub certificate, said at once instead
 * of after a long run of inconclusive cases.
 */
async function keyCheck(ctx: StepContext): Promise<void> {
  const { env, progress } = ctx;
  if (env.security.mode !== "cbke") return;
  const type1 = env.duts.filter((d) => d.decl.kind === "ppmid" || d.decl.cbke);
  if (type1.length === 0) return;
  const ended = () => type1.every((d) => hasKeyOutcome(indexOf(env), d.decl.ieee));
  await env.settle(ended, KEY_CHECK_MS[env.mode]);
  const mismatched = type1.filter((d) => hasIssuerMismatch(indexOf(env), d.decl.ieee));
  if (mismatched.length > 0) {
    const reason = `the hub's certificate (issuer ${env.security.issuer ?? "unknown"}) and that of ${mismatched.map((d) => d.decl.label).join(", ")} are from different certification authorities (Terminate UNKNOWN_ISSUER in key establishment)`;
    env.evidence.append({
      kind: "outcome",
      outcome: "not-testable",
      reason,
      devices: mismatched.map((d) => d.decl.ieee),
    });
    throw new NotTestable(reason);
  }
  for (const d of type1.filter((x) => !hasKeyOutcome(indexOf(env), x.decl.ieee))) {
    env.evidence.append({
      kind: "note",
      message: `${d.decl.label} did not finish key establishment with the hub within ${formatDuration(KEY_CHECK_MS[env.mode])}`,
      data: { device: d.decl.ieee },
    });
    progress.line(`  ${d.decl.label}: no key establishment with the hub yet`);
  }
}

/** Real ms to wait for a pushed message to reach every DUT (its Default Response) before going on. */
const MESSAGE_DELIVERY_MS = 5_000;

async function publishMessage(ctx: StepContext): Promise<void> {
  const { env } = ctx;
  const from = indexOf(env).nextSeq();
  const m = env.hub.publishMessage();
  ctx.progress.line(`  supplier message published: "${m.text}"`);
  // the message goes out from each meter: hub time moves on only once each DUT has acknowledged every push,
  // so a push still on its way cannot reach a DUT after a CoT recorded next
  const missing = (ieee: string) => m.roles.filter((r) => !hasAcknowledgedMessage(indexOf(env), ieee, from, r));
  const delivered = () => env.duts.every((d) => missing(d.decl.ieee).length === 0);
  if (!(await env.settle(delivered, env.mode === "virtual" ? MESSAGE_DELIVERY_MS : ctx.timing.settleMs))) {
    for (const d of env.duts) {
      const meters = missing(d.decl.ieee);
      if (meters.length === 0) continue;
      env.evidence.append({
        kind: "note",
        message: `${d.decl.label} did not acknowledge DisplayMessage ${m.messageId} (from the ${meters.map((r) => r.toUpperCase()).join(" and the ")})`,
        data: { device: d.decl.ieee, messageId: m.messageId, meters },
      });
    }
  }
  await env.advance({ untilMs: env.clock.now(), label: "message delivery" });
}

/**
 * Waits (≤ settle) until each DUT has fetched history (a complete period's figure from each meter that serves
 * it) of periods from the latest T on (any period before a CoT).
 */
async function awaitFetch(ctx: StepContext): Promise<void> {
  const { env } = ctx;
  const latest = ctx.lastCot?.records;
  const t = latest ? Math.max(...latest.map((r) => r.implementationTime)) : undefined;
  const fromIso = t !== undefined && t <= env.clock.now() ? new Date(t).toISOString() : undefined;
  const fromSeq = ctx.lastCot?.seq ?? 0;
  const fetched = () => env.duts.every((d) => hasFetchedHistory(indexOf(env), d.decl.ieee, fromIso, fromSeq));
  const done = await env.advance({
    untilMs: env.clock.now() + ctx.timing.settleMs,
    done: fetched,
    label: fromIso ? `each DUT to fetch history of periods from ${hubTime(t!)}` : "each DUT to fetch history",
  });
  ended(ctx, done);
}

async function recordCot(ctx: StepContext, step: Extract<Step, { do: "record-cot" }>): Promise<void> {
  const { env, progress } = ctx;
  if (step.at !== "future") {
    // T on the next whole second (ZCL UTCTime carries seconds): strictly after everything already served,
    // so a message or period of the previous occupier is never "at" T, and not after the time recorded
    await env.advance({ untilMs: Math.floor(env.clock.now() / 1000) * 1000 + 1000, label: "the CoT" });
  }
  const now = env.clock.now();
  const implementationTime =
    step.at === "now"
      ? Math.floor(now / 1000) * 1000
      : step.at === "past"
        ? step.acrossDst
          ? acrossDstTime(now, step.backMs ?? 0)
          : Math.floor((now - (step.backMs ?? 0)) / 1000) * 1000
        : // a device must not see the CoT take effect before the hub does
          Math.ceil((now + ctx.timing.futureLeadMs) / 1000) * 1000;
  const records: CotRecord[] = [];
  // one step, one time recorded for both meters (those that carry a CoT under the hub variant): the cases
  // judge them as one CoT with a T per meter
  const named = env.hub.variant.cotMeters.filter((m) => !step.meters || step.meters.includes(m));
  // `elseEvery`: a one-meter step on a home whose named meter carries no CoT goes on the meter that does
  const meters = named.length === 0 && step.elseEvery ? env.hub.variant.cotMeters : named;
  if (meters.length === 0) {
    const asked = (step.meters ?? []).map((m) => m.toUpperCase()).join(" and ");
    const message = `no CoT recorded: the ${asked} carries no CoT under hub variant ${env.hub.variant.name}`;
    env.evidence.append({ kind: "note", message });
    progress.line(`  ${message}`);
    return;
  }
  // the phase's last change, which early ends count from: only a CoT actually recorded is one
  const seq = indexOf(env).nextSeq();
  ctx.changeSeq = seq;
  for (const meter of meters) {
    const control = step.controls?.[meter] ?? step.control;
    records.push(
      await env.tenancy.record(env.hub, {
        meter,
        control,
        implementationTime,
        recordedAt: now,
        ...(step.correction ? { correction: true } : {}),
      }),
    );
  }
  ctx.lastCot = { records, seq };
  const controls = records.map((r) => `${r.meter.toUpperCase()} ${hex(r.control, 8)}`).join(", ");
  progress.line(
    `  CoT recorded on the ${meters.map((m) => m.toUpperCase()).join(" and ")}${step.meters ? " only" : ""}: from ${hubTime(implementationTime)}, control ${step.controls ? controls : hex(step.control, 8)}, not pushed`,
  );
}

/** The DUTs as the progress lines name them. */
function watched(env: RunEnv): { label: string; ieee: string }[] {
  return env.duts.map((d) => ({ label: d.decl.label, ieee: d.decl.ieee }));
}

/** A wait during a CoT's window, with a progress line per DUT as it first queries the CoT. */
async function wait(ctx: StepContext, step: Extract<Step, { do: "wait" }>): Promise<void> {
  const cot = ctx.lastCot;
  if (!cot) return waitFor(ctx, step);
  const { env, progress } = ctx;
  const stopWatch = watchCotQueries({
    evidence: env.evidence,
    progress,
    devices: watched(env),
    afterSeq: cot.seq,
    already: env.duts.map((d) => d.decl.ieee).filter((ieee) => hasQueriedCot(indexOf(env), ieee, cot.seq)),
    sayMissing: step.until === "queried",
  });
  try {
    await waitFor(ctx, step);
  } finally {
    stopWatch();
  }
}

/**
 * An early end's condition (early-end.ts): each DUT has queried the CoT on every meter that carries one since
 * the phase's last change (`query`), and for `re-read` that poll is over (a minute since, as window.ts counts
 * a poll). Counted incrementally: the log only grows.
 */
function enoughDone(ctx: StepContext, enough: EarlyEnd): () => boolean {
  const { env } = ctx;
  const since = ctx.changeSeq ?? 0;
  const meters = env.hub.variant.cotMeters;
  const seen = env.duts.map((d) => ({
    ieee: d.decl.ieee.toLowerCase(),
    next: 0,
    first: new Map<EndpointRole, number>(),
  }));
  const polled = (s: (typeof seen)[number]): boolean => {
    const list = indexOf(env).ofDevice("zcl", s.ieee);
    for (; s.next < list.length; s.next++) {
      const z = list[s.next]!;
      if (z.seq < since || z.dir !== "in" || !z.role || !isCotQuery(z) || s.first.has(z.role)) continue;
      s.first.set(z.role, Date.parse(z.t));
    }
    if (meters.length === 0 || !meters.every((m) => s.first.has(m))) return false;
    return enough === "query" || env.clock.now() - Math.max(...s.first.values()) >= POLL_BURST_MS;
  };
  return () => seen.every(polled);
}

/** "each DUT to query the CoT on the GPF and the ESME", "… to re-read …": an early end, for progress. */
function enoughLabel(ctx: StepContext, enough: EarlyEnd): string {
  const meters = ctx.env.hub.variant.cotMeters.map((m) => m.toUpperCase()).join(" and ");
  return `each DUT to ${enough === "query" ? "query" : "re-read"} the CoT on the ${meters}`;
}

async function waitFor(ctx: StepContext, step: Extract<Step, { do: "wait" }>): Promise<void> {
  const { env, timing } = ctx;
  const now = env.clock.now();
  if (step.until === "window") {
    const window = `the detection window (${formatDuration(timing.windowMs)})`;
    const enough = step.enough;
    const done = await env.advance({
      untilMs: now + timing.windowMs,
      // checked every few minutes of hub time (a virtual clock steps 15 min otherwise): the wait ends close to
      // the poll that completes it
      ...(enough ? { done: enoughDone(ctx, enough), stepMs: EARLY_END_STEP_MS } : {}),
      label: enough ? `${enoughLabel(ctx, enough)}, at most ${window}` : window,
    });
    ended(ctx, enough !== undefined && done);
    return;
  }
  const cot = ctx.lastCot;
  if (!cot) throw new Error(`wait '${step.until}' needs a CoT recorded before it`);
  const times = cot.records.map((r) => r.implementationTime);
  if (step.until === "after-implementation") {
    await env.advance({
      untilMs: Math.max(now, Math.max(...times) + timing.windowMs),
      label: "one window after the implementation time",
    });
    ended(ctx, false);
    return;
  }
  const allQueried = () => env.duts.every((d) => hasQueriedCot(indexOf(env), d.decl.ieee, cot.seq));
  const limit = Math.min(now + timing.windowMs, Math.min(...times) - timing.beforeMarginMs);
  const queried = await env.advance({
    untilMs: Math.max(now, limit),
    done: allQueried,
    label: "each DUT to query the CoT",
  });
  ended(ctx, queried);
}

/** Each DUT's CoT queries so far, by meter (hub ms). */
function pollTimes(env: RunEnv, ieee: string): PollTimes {
  const polls: Partial<Record<EndpointRole, number[]>> = {};
  for (const z of indexOf(env).ofDevice("zcl", ieee.toLowerCase())) {
    if (z.dir !== "in" || !z.role || !isCotQuery(z)) continue;
    polls[z.role] = [...(polls[z.role] ?? []), Date.parse(z.t)];
  }
  return polls;
}

/**
 * `--window auto`: waits (≤ the ceiling) until every DUT has queried the CoT twice on each meter that carries
 * one, then gives each its window (a `WindowEvent` with the reason) and times the rest of the run by the
 * longest of them.
 */
async function learnWindows(ctx: StepContext): Promise<void> {
  const policy = ctx.timing.learn;
  if (!policy) return;
  const { env, progress } = ctx;
  const meters = env.hub.variant.cotMeters;
  const seen = () => env.duts.every((d) => pollsSeen(pollTimes(env, d.decl.ieee), meters));
  progress.line(
    `  learning each DUT's CoT polling: until each has queried the ${meters.map((m) => m.toUpperCase()).join(" and ")} twice (at most ${formatDuration(policy.ceilingMs)})`,
  );
  ended(
    ctx,
    await env.advance({
      untilMs: env.clock.now() + policy.ceilingMs,
      done: seen,
      label: "each DUT to query the CoT twice on each meter",
    }),
  );
  let longest = policy.floorMs;
  for (const d of env.duts) {
    const w = learnWindow(pollTimes(env, d.decl.ieee), meters, policy);
    longest = Math.max(longest, w.windowMs);
    env.evidence.append({
      kind: "window",
      device: d.decl.ieee,
      windowMs: w.windowMs,
      ...(w.intervalMs !== undefined ? { intervalMs: w.intervalMs } : {}),
      reason: w.reason,
    });
    progress.line(`  ${d.decl.label}: detection window ${formatDuration(w.windowMs)} (${w.reason})`);
  }
  ctx.timing = timingOfWindows(policy, longest);
}

/**
 * The run's timing once each DUT's window is learned: every wait by the longest of them (at least the floor),
 * data fetches still bounded by the ceiling (they end as soon as every DUT has its data, and a device refreshes
 * its history on its own schedule, not its CoT poll's).
 */
export function timingOfWindows(policy: Pick<WindowPolicy, "floorMs" | "ceilingMs">, longestMs: number): Timing {
  return { ...defaultTiming(Math.max(policy.floorMs, longestMs)), settleMs: policy.ceilingMs };
}

/** COT-16: the hub restarts, or every DUT is power-cycled and then leaves and rejoins; the CoTs stay as they are. */
async function restart(ctx: StepContext, what: "hub" | "duts"): Promise<void> {
  const { env, progress } = ctx;
  ctx.restartSeq = indexOf(env).nextSeq();
  if (what === "hub") {
    progress.status("restarting the hub (its host, on the same dongle and state)…");
    await env.restartHub();
    progress.line("  the hub restarted: same dongle, network, Device Log, CoTs and served data");
  } else {
    const from = ctx.restartSeq;
    await env.restartDuts();
    const done = new Set(
      indexOf(env)
        .all("restart")
        .filter((e) => e.seq >= from && e.device !== undefined)
        .map((e) => e.device!.toLowerCase()),
    );
    const restarted = watched(env).filter((d) => done.has(d.ieee.toLowerCase()));
    if (restarted.length)
      progress.line(`  ${restarted.map((d) => d.label).join(", ")}: power-cycled, then left the network and rejoined`);
  }
  await env.advance({ untilMs: env.clock.now(), label: what === "hub" ? "the hub's restart" : "the DUTs' restarts" });
}

/**
 * Each DUT is probed as soon as it has queried the CoT since the last restart, the others once they have or at
 * the end of a window: a DUT that never queries holds no other's probe back while its periodic polls go on.
 */
async function probeOnceQueried(ctx: StepContext, purpose: string): Promise<void> {
  const { env, timing } = ctx;
  const from = ctx.restartSeq;
  if (from === undefined) throw new Error("'probe-once-queried' needs a restart before it");
  const left = new Set(env.duts);
  const probeQueried = async () => {
    for (const dut of [...left]) {
      if (!hasQueriedCot(indexOf(env), dut.decl.ieee, from)) continue;
      left.delete(dut);
      await takeProbe(env.evidence, dut, purpose);
    }
  };
  await probeQueried();
  const until = env.clock.now() + timing.windowMs;
  while (left.size > 0 && env.clock.now() < until) {
    const queried = () => [...left].some((d) => hasQueriedCot(indexOf(env), d.decl.ieee, from));
    await env.advance({ untilMs: until, done: queried, label: "each DUT to query the CoT again" });
    await probeQueried();
  }
  for (const dut of left) await takeProbe(env.evidence, dut, purpose);
}

async function probe(ctx: StepContext, purpose: string): Promise<void> {
  const { env } = ctx;
  const asked = env.duts.filter((d) => d.probe.method === "operator").map((d) => d.decl.label);
  if (asked.length > 0) env.operatorPrompt?.(purpose, asked);
  for (const dut of env.duts) {
    await takeProbe(env.evidence, dut, purpose);
  }
}

export async function runStep(ctx: StepContext, step: Step): Promise<void> {
  const { env } = ctx;
  switch (step.do) {
    case "admit":
      return admit(ctx);
    case "key-check":
      return keyCheck(ctx);
    case "stranger":
      await env.stranger?.();
      await env.host.permitJoin(0);
      return;
    case "publish-message":
      return publishMessage(ctx);
    case "await-fetch":
      return awaitFetch(ctx);
    case "record-cot":
      return recordCot(ctx, step);
    case "reset-cot":
      ctx.changeSeq = indexOf(env).nextSeq();
      for (const meter of env.hub.variant.cotMeters) env.tenancy.reset(env.hub, meter);
      ctx.progress.line(
        `  the CoT records of the ${env.hub.variant.cotMeters.map((m) => m.toUpperCase()).join(" and ")} went (a meter replaced): no CoT shown`,
      );
      await env.advance({ untilMs: env.clock.now(), label: "the reset" });
      return;
    case "restart":
      return restart(ctx, step.what);
    case "power":
      if (step.online) ctx.changeSeq = indexOf(env).nextSeq();
      if (env.setAllOnline) await env.setAllOnline(step.online);
      else for (const d of env.duts) await d.setOnline(step.online);
      await env.advance({ untilMs: env.clock.now(), label: step.online ? "rejoin" : "power off" });
      return;
    case "factory-reset": {
      const notReset: string[] = [];
      for (const d of env.duts) if (!(await d.factoryReset())) notReset.push(d.decl.label);
      if (notReset.length) throw new PhaseCannotRun(`not reset to factory settings: ${notReset.join(", ")}`);
      await env.advance({ untilMs: env.clock.now(), label: "factory reset" });
      return;
    }
    case "join-fresh":
      return joinFresh(ctx);
    case "wait":
      return wait(ctx, step);
    case "probe":
      return probe(ctx, step.purpose);
    case "probe-once-queried":
      return probeOnceQueried(ctx, step.purpose);
    case "learn-window":
      return learnWindows(ctx);
  }
}

/**
 * The detection window learned from a DUT (`--window auto`, issue 18): during the baseline the hub watches how
 * often each DUT queries the CoT on each meter that carries one (Read of 0x0708/0x0200, GetChangeOfTenancy),
 * and gives it a window of `factor` × the slowest interval seen between two of its queries on one meter,
 * no shorter than the floor and no longer than the ceiling (the 24 h policy window). A DUT that did not
 * query every such meter twice before the ceiling keeps the ceiling: a device that polls one meter rarely
 * or never is judged as with a fixed 24 h window, never with a shorter one.
 */
import type { EndpointRole } from "../evidence/events.js";
import { formatDuration } from "../duration.js";

export interface WindowPolicy {
  /** The window is this many times the slowest poll interval. */
  factor: number;
  floorMs: number;
  /** The policy window, and the longest the baseline waits to see the polls. */
  ceilingMs: number;
}

export const AUTO_WINDOW: WindowPolicy = { factor: 3, floorMs: 10 * 60_000, ceilingMs: 24 * 3_600_000 };

/** A DUT's CoT queries seen in the baseline: hub ms of each, per meter. */
export type PollTimes = Partial<Record<EndpointRole, readonly number[]>>;

export interface LearnedWindow {
  windowMs: number;
  /** The slowest interval seen between two queries on one meter (absent: not seen on every meter). */
  intervalMs?: number;
  /** Why this window, in one line for the reports. */
  reason: string;
}

/**
 * Queries less than this apart are one poll: a device reads 0x0200 and 0x0201 in two frames, or asks
 * GetChangeOfTenancy and reads the attributes, in one go.
 */
export const POLL_BURST_MS = 60_000;

/** The polls among queries: the first query of each burst, in time order. */
export function pollStarts(times: readonly number[]): number[] {
  const starts: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t - last >= POLL_BURST_MS) starts.push(t);
    last = t;
  }
  return starts;
}

/** Each meter that carries a CoT has been polled twice or more: its interval is known. */
export function pollsSeen(polls: PollTimes, meters: readonly EndpointRole[]): boolean {
  return meters.length > 0 && meters.every((m) => pollStarts(polls[m] ?? []).length >= 2);
}

/** The slowest gap between consecutive polls on one meter. */
function slowest(times: readonly number[]): number {
  const starts = pollStarts(times);
  let gap = 0;
  for (let i = 1; i < starts.length; i++) gap = Math.max(gap, starts[i]! - starts[i - 1]!);
  return gap;
}

export function learnWindow(polls: PollTimes, meters: readonly EndpointRole[], policy: WindowPolicy): LearnedWindow {
  const ceiling = formatDuration(policy.ceilingMs);
  if (!pollsSeen(polls, meters)) {
    const seen = meters.map((m) => `${m.toUpperCase()} ${pollStarts(polls[m] ?? []).length}`).join(", ");
    return {
      windowMs: policy.ceilingMs,
      reason: `auto: the ${ceiling} ceiling, the DUT did not poll the CoT twice on every meter in the baseline (polls: ${seen})`,
    };
  }
  const per = meters.map((m) => [m, slowest(polls[m]!)] as const);
  const intervalMs = Math.max(...per.map(([, g]) => g));
  const each = per.map(([m, g]) => `${m.toUpperCase()} ${formatDuration(g)}`).join(", ");
  const raw = policy.factor * intervalMs;
  const windowMs = Math.min(policy.ceilingMs, Math.max(policy.floorMs, raw));
  const bound =
    windowMs === policy.floorMs && raw < policy.floorMs
      ? `, raised to the ${formatDuration(policy.floorMs)} floor`
      : windowMs === policy.ceilingMs && raw > policy.ceilingMs
        ? `, cut to the ${ceiling} ceiling`
        : "";
  return {
    windowMs,
    intervalMs,
    reason: `auto: ${policy.factor} × ${formatDuration(intervalMs)}, the slowest interval between the DUT's CoT polls in the baseline (${each})${bound}`,
  };
}

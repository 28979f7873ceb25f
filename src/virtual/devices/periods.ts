/** Calendar periods (UTC) of the consumption series a display keeps: days, weeks from Monday, months. */
import type { PeriodUnit } from "./se-payloads.js";

const DAY_MS = 86_400_000;

/** Start (ms) of the period `back` periods before the one containing `nowMs`. */
export function periodStart(nowMs: number, unit: PeriodUnit, back: number): number {
  const d = new Date(nowMs);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (unit === "day") return midnight - back * DAY_MS;
  if (unit === "week") {
    const sinceMonday = (d.getUTCDay() + 6) % 7;
    return midnight - (sinceMonday + 7 * back) * DAY_MS;
  }
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
}

/** UTC day number of an instant (changes at midnight UTC). */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

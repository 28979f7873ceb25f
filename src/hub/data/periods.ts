/**
 * Period boundaries for metering history, all in UTC (documented simplification: GB meters use local
 * time; hub time is UTC here). Days start at 00:00Z, weeks on Monday 00:00Z, months on the 1st 00:00Z.
 */

export const HALF_HOUR_MS = 30 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Index of the half-hour containing `ms` (half-hours since the Unix epoch). */
export function halfHourIndex(ms: number): number {
  return Math.floor(ms / HALF_HOUR_MS);
}

export function dayStart(ms: number, daysBack = 0): number {
  return Math.floor(ms / DAY_MS) * DAY_MS - daysBack * DAY_MS;
}

/** Monday 00:00Z of the week containing `ms`, `weeksBack` weeks earlier. */
export function weekStart(ms: number, weeksBack = 0): number {
  const day = dayStart(ms);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * DAY_MS - weeksBack * 7 * DAY_MS;
}

/** The 1st 00:00Z of the month containing `ms`, `monthsBack` months earlier. */
export function monthStart(ms: number, monthsBack = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1);
}

/** ISO strings of recent period starts: the same few periods are served over and over. */
const isoCache = new Map<number, string>();
const ISO_CACHE_SIZE = 4096;

export function iso(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    s = new Date(ms).toISOString();
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.clear();
    isoCache.set(ms, s);
  }
  return s;
}

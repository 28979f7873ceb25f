/**
 * Periods as a GB meter defines them: UK local days, weeks (from Monday) and months, each starting at the
 * meter's HistoricalFreezeTime (Metering 0x045C, Prepayment 0x055C: local time of day, hours in the high
 * byte, minutes in the low byte; domain.md §4.2, §5.1). UK local time is GMT in winter and BST (GMT+1)
 * from the last Sunday of March 01:00Z to the last Sunday of October 01:00Z, the same rule the hub's Time
 * cluster serves. A local day is 23 or 25 hours long on the days the clocks change.
 *
 * Half-hour profile intervals are UTC half-hours (the UK offset is a whole number of hours).
 */

export const HALF_HOUR_MS = 30 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** HistoricalFreezeTime of the hub's meters: local midnight. */
export const DEFAULT_FREEZE_TIME = 0x0000;

/** Index of the half-hour containing `ms` (half-hours since the Unix epoch). */
export function halfHourIndex(ms: number): number {
  return Math.floor(ms / HALF_HOUR_MS);
}

/** Last Sunday of `month` (0-based) of `year` at 01:00Z. */
function lastSunday0100Z(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * DAY_MS;
}

/** The UTC year last asked about, [from, to), with its British Summer Time (a run asks about one or two years). */
const dstYear = { from: Number.NaN, to: Number.NaN, start: 0, end: 0 };

function dstOfYearOf(ms: number): typeof dstYear {
  if (!(ms >= dstYear.from && ms < dstYear.to)) {
    const year = new Date(ms).getUTCFullYear();
    dstYear.from = Date.UTC(year, 0, 1);
    dstYear.to = Date.UTC(year + 1, 0, 1);
    dstYear.start = lastSunday0100Z(year, 2);
    dstYear.end = lastSunday0100Z(year, 9);
  }
  return dstYear;
}

/** British Summer Time of the year of `ms` (UTC): [start, end). */
export function ukDst(ms: number): { start: number; end: number } {
  const d = dstOfYearOf(ms);
  return { start: d.start, end: d.end };
}

/** UK local time minus UTC at the instant `ms`: 0 or one hour. */
export function ukOffsetMs(ms: number): number {
  const d = dstOfYearOf(ms);
  return ms >= d.start && ms < d.end ? HOUR_MS : 0;
}

/** The instant at which UK clocks show `minutes` past midnight of local date y-m-d (month 0-based; days may overflow). */
export function ukLocalToUtc(year: number, month: number, day: number, minutes = 0): number {
  const local = Date.UTC(year, month, day, 0, minutes);
  const summer = local - HOUR_MS;
  return ukOffsetMs(summer) === HOUR_MS ? summer : local;
}

/** Minutes past local midnight of a HistoricalFreezeTime value (hours high byte, minutes low byte). */
export function freezeMinutes(freezeTime: number): number {
  const h = (freezeTime >> 8) & 0xff;
  const m = freezeTime & 0xff;
  if (h > 23 || m > 59) throw new RangeError(`HistoricalFreezeTime 0x${freezeTime.toString(16)} is not a time of day`);
  return h * 60 + m;
}

/** A local calendar date (month 0-based). */
type LocalDate = Readonly<{ y: number; m: number; d: number }>;

/**
 * Meter dates of recent instants at the default freeze time: a poll asks for the periods of many attributes at
 * the same `now`, and each period's start and end from it. The dates are frozen (shared between callers).
 */
const meterDateCache = new Map<number, LocalDate>();
const METER_DATE_CACHE_SIZE = 4096;

/** The local calendar date of the meter day containing `ms` (a day that starts at the freeze time). */
function meterDate(ms: number, freeze: number): LocalDate {
  if (freeze !== DEFAULT_FREEZE_TIME) return computeMeterDate(ms, freeze);
  let date = meterDateCache.get(ms);
  if (date === undefined) {
    date = Object.freeze(computeMeterDate(ms, freeze));
    if (meterDateCache.size >= METER_DATE_CACHE_SIZE) meterDateCache.clear();
    meterDateCache.set(ms, date);
  }
  return date;
}

function computeMeterDate(ms: number, freeze: number): { y: number; m: number; d: number } {
  const local = new Date(ms + ukOffsetMs(ms) - freezeMinutes(freeze) * 60_000);
  return { y: local.getUTCFullYear(), m: local.getUTCMonth(), d: local.getUTCDate() };
}

/** Start of the meter day containing `ms`, `daysBack` days earlier. */
export function dayStart(ms: number, daysBack = 0, freeze = DEFAULT_FREEZE_TIME): number {
  const { y, m, d } = meterDate(ms, freeze);
  return ukLocalToUtc(y, m, d - daysBack, freezeMinutes(freeze));
}

/** Start of the meter week (from Monday) containing `ms`, `weeksBack` weeks earlier. */
export function weekStart(ms: number, weeksBack = 0, freeze = DEFAULT_FREEZE_TIME): number {
  const { y, m, d } = meterDate(ms, freeze);
  const weekday = (new Date(Date.UTC(y, m, d)).getUTCDay() + 6) % 7; // Monday = 0
  return ukLocalToUtc(y, m, d - weekday - 7 * weeksBack, freezeMinutes(freeze));
}

/** Start of the meter month containing `ms`, `monthsBack` months earlier. */
export function monthStart(ms: number, monthsBack = 0, freeze = DEFAULT_FREEZE_TIME): number {
  const { y, m } = meterDate(ms, freeze);
  return ukLocalToUtc(y, m - monthsBack, 1, freezeMinutes(freeze));
}

/** Start of the meter year containing `ms`, `yearsBack` years earlier. */
export function yearStart(ms: number, yearsBack = 0, freeze = DEFAULT_FREEZE_TIME): number {
  const { y } = meterDate(ms, freeze);
  return ukLocalToUtc(y - yearsBack, 0, 1, freezeMinutes(freeze));
}

export type PeriodKind = "halfHour" | "day" | "week" | "month" | "year";

/** [start, end) of the period of a kind containing `ms`, `back` periods earlier. */
export function periodAt(
  kind: PeriodKind,
  ms: number,
  back = 0,
  freeze = DEFAULT_FREEZE_TIME,
): { start: number; end: number } {
  switch (kind) {
    case "halfHour": {
      const start = (halfHourIndex(ms) - back) * HALF_HOUR_MS;
      return { start, end: start + HALF_HOUR_MS };
    }
    case "day":
      return { start: dayStart(ms, back, freeze), end: dayStart(ms, back - 1, freeze) };
    case "week":
      return { start: weekStart(ms, back, freeze), end: weekStart(ms, back - 1, freeze) };
    case "month":
      return { start: monthStart(ms, back, freeze), end: monthStart(ms, back - 1, freeze) };
    case "year":
      return { start: yearStart(ms, back, freeze), end: yearStart(ms, back - 1, freeze) };
  }
}

/** The first start of a period of `kind` at or after `ms` (a boundary of that granularity). */
export function nextBoundary(kind: PeriodKind, ms: number, freeze = DEFAULT_FREEZE_TIME): number {
  const p = periodAt(kind, ms, 0, freeze);
  return p.start === ms ? ms : p.end;
}

/**
 * A number that counts periods of one kind: consecutive periods get consecutive numbers (days: the local
 * date as days since 1970-01-01; weeks: that of their Monday / 7; months: year·12 + month; half-hours: the
 * UTC half-hour index).
 */
export function periodNumber(kind: PeriodKind, start: number, freeze = DEFAULT_FREEZE_TIME): number {
  if (kind === "halfHour") return halfHourIndex(start);
  const { y, m, d } = meterDate(start, freeze);
  const days = Math.round(Date.UTC(y, m, d) / DAY_MS);
  if (kind === "day") return days;
  if (kind === "week") return Math.floor((days + 3) / 7); // 1970-01-01 was a Thursday: Monday-based weeks
  if (kind === "month") return y * 12 + m;
  return y;
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

/** Instants of recent ISO times (`iso`'s inverse): a display's store and the cases compare the same few periods. */
const instantCache = new Map<string, number>();
const INSTANT_CACHE_SIZE = 16_384;

/** `Date.parse(text)` (NaN when it is not a time), remembered for the most recent texts. */
export function instantOf(text: string): number {
  let ms = instantCache.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    if (instantCache.size >= INSTANT_CACHE_SIZE) instantCache.clear();
    instantCache.set(text, ms);
  }
  return ms;
}

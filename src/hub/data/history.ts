/**
 * The historical consumption layout shared by Metering 0x04xx, the alternative set 0x0Cxx and the
 * Prepayment cost set 0x05xx: current day, previous day, previous days 2–8, current week, previous
 * weeks 1–5, current month, previous months 1–13 (Delivered attributes only). Periods are the meter's
 * (periods.ts: UK local days, weeks, months from the HistoricalFreezeTime).
 */
import { DEFAULT_FREEZE_TIME, periodAt } from "./periods.js";

export type HistoryKind = "day" | "week" | "month";

export interface PeriodSpec {
  kind: HistoryKind;
  /** 0 = current, 1 = previous, … */
  back: number;
}

export interface HistoryLayout {
  currentDay: number;
  previousDay: number;
  /** previous day 2 (previous days 2..8 follow at +2 each). */
  previousDay2: number;
  currentWeek: number;
  /** previous week 1 (weeks 1..5 at +2). */
  previousWeek1: number;
  currentMonth: number;
  /** previous month 1 (months 1..13 at +2). */
  previousMonth1: number;
}

export const METERING_HISTORY: HistoryLayout = {
  currentDay: 0x0401,
  previousDay: 0x0403,
  previousDay2: 0x0420,
  currentWeek: 0x0430,
  previousWeek1: 0x0432,
  currentMonth: 0x0440,
  previousMonth1: 0x0442,
};

export const ALTERNATIVE_HISTORY: HistoryLayout = {
  currentDay: 0x0c01,
  previousDay: 0x0c03,
  previousDay2: 0x0c20,
  currentWeek: 0x0c30,
  previousWeek1: 0x0c32,
  currentMonth: 0x0c40,
  previousMonth1: 0x0c42,
};

export const COST_HISTORY: HistoryLayout = {
  currentDay: 0x051c,
  previousDay: 0x051e,
  previousDay2: 0x0520,
  currentWeek: 0x0530,
  previousWeek1: 0x0532,
  currentMonth: 0x0540,
  previousMonth1: 0x0542,
};

/** Attribute id → period, for one layout. */
export function historyAttributes(layout: HistoryLayout): Map<number, PeriodSpec> {
  const m = new Map<number, PeriodSpec>();
  m.set(layout.currentDay, { kind: "day", back: 0 });
  m.set(layout.previousDay, { kind: "day", back: 1 });
  for (let n = 2; n <= 8; n++) m.set(layout.previousDay2 + 2 * (n - 2), { kind: "day", back: n });
  m.set(layout.currentWeek, { kind: "week", back: 0 });
  for (let n = 1; n <= 5; n++) m.set(layout.previousWeek1 + 2 * (n - 1), { kind: "week", back: n });
  m.set(layout.currentMonth, { kind: "month", back: 0 });
  for (let n = 1; n <= 13; n++) m.set(layout.previousMonth1 + 2 * (n - 1), { kind: "month", back: n });
  return m;
}

/**
 * [start, end) of the period an attribute holds at `now`. The current period ends in the future: its value
 * covers [start, now) so far.
 */
export function periodBounds(
  spec: PeriodSpec,
  now: number,
  freeze = DEFAULT_FREEZE_TIME,
): { start: number; end: number } {
  return periodAt(spec.kind, now, spec.back, freeze);
}

/**
 * The value a meter serves for a period: the raw figure with its last three decimal digits replaced by the
 * period's number (periods.ts `periodNumber`) modulo 1000. Consecutive periods of one kind differ in those
 * digits, so for an attribute no two periods within 1000 of each other (about 2.7 years of days) ever serve
 * the same value, and a value a device holds names the period it came from (cot-suite.md "Attribution").
 * At divisor 1000 the three digits are the decimals of the kWh (or m³, or 1e-5 GBP of a cost) figure.
 */
export const PERIOD_MODULUS = 1000;

export function periodFigure(raw: number, periodNo: number): number {
  const r = Math.max(0, Math.floor(raw));
  return r - (r % PERIOD_MODULUS) + (((periodNo % PERIOD_MODULUS) + PERIOD_MODULUS) % PERIOD_MODULUS);
}

/** The item names of a GetProfile response's intervals made so far, by index. */
const profileIntervalItems: string[] = [];

/**
 * `getProfileResponse.intervals[k]`: the item under which the hub serves, and a display keeps, a profile's kth
 * interval. Made once for each k, so that the evidence of every served interval shares it.
 */
export function profileIntervalItem(k: number): string {
  let item = profileIntervalItems[k];
  if (item === undefined) {
    item = `getProfileResponse.intervals[${k}]`;
    if (Number.isInteger(k) && k >= 0 && k < 256) profileIntervalItems[k] = item; // an APS frame holds fewer
  }
  return item;
}

/**
 * The historical consumption layout shared by Metering 0x04xx, the alternative set 0x0Cxx and the
 * Prepayment cost set 0x05xx: current day, previous day, previous days 2–8, current week, previous
 * weeks 1–5, current month, previous months 1–13 (Delivered attributes only).
 */
import { dayStart, monthStart, weekStart } from "./periods.js";

export type PeriodKind = "day" | "week" | "month";

export interface PeriodSpec {
  kind: PeriodKind;
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

/** [start, end) of a period relative to `now`; the current period ends at `now`. */
export function periodBounds(spec: PeriodSpec, now: number): { start: number; end: number } {
  const start =
    spec.kind === "day"
      ? dayStart(now, spec.back)
      : spec.kind === "week"
        ? weekStart(now, spec.back)
        : monthStart(now, spec.back);
  if (spec.back === 0) return { start, end: now };
  const next =
    spec.kind === "day"
      ? dayStart(now, spec.back - 1)
      : spec.kind === "week"
        ? weekStart(now, spec.back - 1)
        : monthStart(now, spec.back - 1);
  return { start, end: next };
}

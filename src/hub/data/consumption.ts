/**
 * Half-hourly consumption of one meter, generated on demand from the seed: one continuous series per meter,
 * whoever lives in the home (a CoT changes nothing a meter serves; cot-suite.md "The meters behave as real
 * meters").
 *
 * Units, for divisor 1000 (domain-review W4: real GB meters serve Divisor 1000): energy in Wh (kWh), gas
 * volume in dm³ (m³), volume = energy / 11.2. Electricity is the ESME's consumption; gas energy is the GPF's
 * alternative (kWh) set, gas volume its main set, summation and profile.
 * Each commodity has its own seed stream, household level and daily shape. Half-hours are counted from the
 * Unix epoch, so any period can be computed without storing a series. Values here are raw; the servers
 * serve period figures (history.ts `periodFigure`).
 */
import { between, unit } from "./random.js";
import { DAY_MS, HALF_HOUR_MS } from "./periods.js";

export type Commodity = "electricity" | "gas";
export type Measure = "energy" | "volume";

const STREAM = { electricity: 1, gas: 2 } as const;
/** Energy units per volume unit of gas (11.2 kWh per m³). */
const GAS_WH_PER_DM3 = 11.2;
/** The meter register's starting point: summation counts from here. */
const SUMMATION_ANCHOR_MS = Date.UTC(2024, 0, 1);
/** Day number (days since the Unix epoch) of the anchor. */
const ANCHOR_DAY = SUMMATION_ANCHOR_MS / DAY_MS;

export class ConsumptionSeries {
  readonly #stream: number;
  readonly #level: number;
  readonly #days = new Map<number, { energy: number; volume: number }>();
  /** Running totals of whole days from the anchor day: `[k]` is the sum of its first k days. */
  readonly #running: Record<Measure, number[]> = { energy: [0], volume: [0] };
  /** The register reading at the anchor, in energy units (electricity) or volume units (gas). */
  readonly baseReading: number;

  constructor(
    readonly seed: number,
    readonly commodity: Commodity,
  ) {
    this.#stream = STREAM[commodity];
    this.#level = 0.6 + unit(seed, this.#stream, 1) * 0.9;
    this.baseReading = between(1_000_000, 40_000_000, seed, this.#stream, 2);
  }

  /** Energy of half-hour `i`, Wh. */
  energy(i: number): number {
    const hh = ((i % 48) + 48) % 48;
    const u = unit(this.seed, this.#stream, 3, i);
    const v = unit(this.seed, this.#stream, 4, i);
    let wh: number;
    if (this.commodity === "electricity") {
      wh = 70 + 90 * u;
      if (hh < 12) wh *= 0.6;
      if (hh >= 13 && hh <= 16) wh += 180 * v;
      if (hh >= 34 && hh <= 43) wh += 450 * v;
    } else {
      wh = 40 + 120 * u;
      if (hh >= 12 && hh <= 17) wh += 1_200 + 1_600 * v;
      if (hh >= 34 && hh <= 44) wh += 1_400 + 1_800 * v;
    }
    return Math.round(wh * this.#level);
  }

  /** Volume of half-hour `i`, dm³ (gas); the energy for electricity. */
  volume(i: number): number {
    return this.commodity === "gas" ? Math.round(this.energy(i) / GAS_WH_PER_DM3) : this.energy(i);
  }

  interval(i: number, measure: Measure): number {
    return measure === "energy" ? this.energy(i) : this.volume(i);
  }

  /** Sum over the half-hours that lie wholly within [fromMs, toMs). */
  sum(fromMs: number, toMs: number, measure: Measure): number {
    let i = Math.ceil(fromMs / HALF_HOUR_MS);
    const end = Math.floor(toMs / HALF_HOUR_MS); // first half-hour not complete by toMs
    let total = 0;
    while (i < end) {
      if (i % 48 === 0 && i + 48 <= end) {
        // whole days: from the running totals when they start on or after the anchor day
        const firstDay = i / 48;
        const days = Math.floor((end - i) / 48);
        if (firstDay >= ANCHOR_DAY) {
          total += this.#daysFromAnchor(firstDay + days - ANCHOR_DAY, measure);
          total -= this.#daysFromAnchor(firstDay - ANCHOR_DAY, measure);
          i += days * 48;
        } else {
          total += this.#day(firstDay)[measure];
          i += 48;
        }
      } else {
        total += this.interval(i, measure);
        i++;
      }
    }
    return total;
  }

  /** Sum of the first `k` whole days from the anchor day. */
  #daysFromAnchor(k: number, measure: Measure): number {
    const running = this.#running[measure];
    while (running.length <= k) {
      running.push(running[running.length - 1]! + this.#day(ANCHOR_DAY + running.length - 1)[measure]);
    }
    return running[k]!;
  }

  /** The register reading at `ms`. */
  summation(ms: number, measure: Measure): number {
    if (ms <= SUMMATION_ANCHOR_MS) return this.baseReading;
    return this.baseReading + this.sum(SUMMATION_ANCHOR_MS, ms, measure);
  }

  #day(day: number): { energy: number; volume: number } {
    let d = this.#days.get(day);
    if (!d) {
      d = { energy: 0, volume: 0 };
      const gas = this.commodity === "gas";
      for (let k = 0; k < 48; k++) {
        const e = this.energy(day * 48 + k);
        d.energy += e;
        d.volume += gas ? Math.round(e / GAS_WH_PER_DM3) : e; // volume(i), without computing energy(i) again
      }
      this.#days.set(day, d);
    }
    return d;
  }
}

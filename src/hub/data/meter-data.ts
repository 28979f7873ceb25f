/**
 * Everything one meter keeps, per commodity: its consumption series, tariff, top-ups and debts. Generated
 * from (seed, commodity) only; `MeterDataStore` caches one object per commodity. Nothing here depends on
 * who lives in the home: a CoT changes none of it (cot-suite.md "The meters behave as real meters").
 *
 * Monetary raw values: prices in 1e-5 GBP per kWh (trailing digits 5), costs in 1e-5 GBP, top-ups, debts
 * and credit in pence.
 */
import { type Commodity, ConsumptionSeries } from "./consumption.js";
import { DAY_MS } from "./periods.js";
import { between, mix } from "./random.js";

const STREAM = { electricity: 11, gas: 12 } as const;
const WEEK_MS = 7 * DAY_MS;
/** Every top-up week is counted from this Monday (UTC). */
const WEEK_ZERO = Date.UTC(1970, 0, 5);

export interface TopUp {
  /** Hub ms. */
  time: number;
  /** Amount in pence. */
  amount: number;
  /** The top-up code (UTRN). */
  code: string;
}

export interface Debt {
  /** 0, 1, 2 (Debt 1..3). */
  index: number;
  label: string;
  amount: number;
  recoveryMethod: number;
  recoveryStartTime: number;
  /** Minutes past midnight. */
  recoveryCollectionTime: number;
  /** 1 = daily. */
  recoveryFrequency: number;
  recoveryAmount: number;
  recoveryTopUpPercentage: number;
}

export interface DebtCollection {
  time: number;
  debtType: number;
  amountCollected: number;
  outstandingDebt: number;
}

export class MeterData {
  readonly series: ConsumptionSeries;
  /** Unit price, 1e-5 GBP per kWh. */
  readonly unitPrice: number;
  /** Standing charge, 1e-5 GBP per day. */
  readonly standingCharge: number;
  readonly debts: Debt[];
  readonly #s: number;

  constructor(
    readonly seed: number,
    readonly commodity: Commodity,
  ) {
    this.#s = STREAM[commodity];
    this.series = new ConsumptionSeries(seed, commodity);
    const gas = commodity === "gas";
    this.unitPrice = between(gas ? 5_500 : 22_000, gas ? 8_000 : 30_000, seed, this.#s, 1);
    this.standingCharge = between(gas ? 25_000 : 40_000, gas ? 35_000 : 65_000, seed, this.#s, 2);
    this.debts = [0, 1, 2].map((k) => ({
      index: k,
      label: `${gas ? "GAS" : "ELEC"}-DEBT-${k + 1}`,
      amount: between(5_000, 60_000, seed, this.#s, 5, k),
      recoveryMethod: 0,
      recoveryStartTime: Date.UTC(2024, 0, 1) + (3 + k) * DAY_MS,
      recoveryCollectionTime: 60 + 7 * k,
      recoveryFrequency: 1,
      recoveryAmount: between(100, 900, seed, this.#s, 7, k),
      recoveryTopUpPercentage: between(0, 25, seed, this.#s, 8, k),
    }));
  }

  /** Cost in 1e-5 GBP of `energy` Wh at this tariff. */
  cost(energy: number): number {
    return Math.round((energy * this.unitPrice) / 1_000);
  }

  /** The top-up made in week `w` (weeks from WEEK_ZERO, Monday-based, UTC). */
  topUpOfWeek(w: number): TopUp {
    const monday = WEEK_ZERO + w * WEEK_MS;
    const minute = between(0, 7 * 24 * 60 - 1, this.seed, this.#s, 9, w);
    const digits = String(mix(this.seed, this.#s, 10, w))
      .padStart(10, "0")
      .slice(0, 10);
    return {
      time: monday + minute * 60_000,
      amount: between(10, 60, this.seed, this.#s, 11, w) * 100,
      code: `UTRN-${digits}`,
    };
  }

  /** The latest `count` top-ups at or before `ms`, newest first. */
  topUpsBefore(ms: number, count: number): TopUp[] {
    const out: TopUp[] = [];
    let w = Math.floor((ms - WEEK_ZERO) / WEEK_MS);
    while (out.length < count) {
      const t = this.topUpOfWeek(w--);
      if (t.time <= ms) out.push(t);
    }
    return out;
  }

  /** The debt collections at or before `ms`, newest first (one a day per debt, from its recovery start). */
  collectionsBefore(ms: number, count: number, debtType?: number): DebtCollection[] {
    const out: DebtCollection[] = [];
    const debts = this.debts.filter((d) => debtType === undefined || d.index === debtType);
    if (debts.length === 0) return out;
    for (let day = Math.floor(ms / DAY_MS); out.length < count; day--) {
      const ofDay: DebtCollection[] = [];
      for (const d of debts) {
        const time = day * DAY_MS + d.recoveryCollectionTime * 60_000;
        if (time > ms || time < d.recoveryStartTime) continue;
        const daysLeft = 1_000 - (Math.floor((time - d.recoveryStartTime) / DAY_MS) % 1_000);
        ofDay.push({
          time,
          debtType: d.index,
          amountCollected: d.recoveryAmount,
          outstandingDebt: d.amount + d.recoveryAmount * daysLeft,
        });
      }
      ofDay.sort((a, b) => b.time - a.time);
      out.push(...ofDay.slice(0, count - out.length));
      if (debts.every((d) => day * DAY_MS < d.recoveryStartTime)) break;
    }
    return out;
  }

  /** Credit remaining at `ms`, pence: varies by the hour. */
  creditAt(ms: number): number {
    return between(500, 9_000, this.seed, this.#s, 12, Math.floor(ms / 3_600_000));
  }
}

/** One MeterData per commodity, created on first use. */
export class MeterDataStore {
  readonly #cache = new Map<Commodity, MeterData>();
  constructor(readonly seed: number) {}

  get(commodity: Commodity): MeterData {
    let d = this.#cache.get(commodity);
    if (!d) {
      d = new MeterData(this.seed, commodity);
      this.#cache.set(commodity, d);
    }
    return d;
  }
}

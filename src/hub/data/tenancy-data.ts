/**
 * Everything one tenancy owns, per commodity: its consumption series, tariff, top-ups and debts.
 * Generated from (seed, tenancy, commodity) only; `TenancyDataStore` caches one object per pair.
 *
 * Every tenancy has a complete history of its own, for all time: after a CoT the hub serves the new
 * tenancy's series for every period, including periods before the CoT. Nothing of an older tenancy is
 * served from the implementation time on, and no zeros are served that no tenancy owns.
 * Monetary raw values: prices in 1e-5 GBP per kWh (trailing digits 5), costs in 1e-5 GBP, top-ups,
 * debts and credit in pence.
 */
import { type Commodity, ConsumptionSeries } from "./consumption.js";
import { DAY_MS, weekStart } from "./periods.js";
import { between, mix } from "./tag.js";

const STREAM = { electricity: 11, gas: 12 } as const;
const WEEK_MS = 7 * DAY_MS;

export interface TopUp {
  /** Hub ms. */
  time: number;
  /** Raw amount in pence (tag before serving). */
  amount: number;
  /** The top-up code (UTRN), marked with the tenancy: `T2-UTRN-…`. */
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

export class CommodityData {
  readonly series: ConsumptionSeries;
  /** Unit price, 1e-5 GBP per kWh. */
  readonly unitPrice: number;
  /** Standing charge, 1e-5 GBP per day. */
  readonly standingCharge: number;
  readonly providerId: number;
  readonly issuerEventId: number;
  readonly debts: Debt[];
  readonly #s: number;

  constructor(
    readonly seed: number,
    readonly tenancy: number,
    readonly commodity: Commodity,
  ) {
    this.#s = STREAM[commodity];
    this.series = new ConsumptionSeries(seed, tenancy, commodity);
    const gas = commodity === "gas";
    this.unitPrice = between(gas ? 5_500 : 22_000, gas ? 8_000 : 30_000, seed, tenancy, this.#s, 1);
    this.standingCharge = between(gas ? 25_000 : 40_000, gas ? 35_000 : 65_000, seed, tenancy, this.#s, 2);
    this.providerId = between(1_000, 9_999, seed, tenancy, this.#s, 3) * 100;
    this.issuerEventId = between(10_000, 99_999, seed, tenancy, this.#s, 4) * 100;
    this.debts = [0, 1, 2].map((k) => ({
      index: k,
      label: `T${tenancy}-DEBT-${k + 1}`,
      amount: between(5_000, 60_000, seed, tenancy, this.#s, 5, k),
      recoveryMethod: 0,
      // Start day and collection minute differ by tenancy, so collection times never coincide.
      recoveryStartTime: Date.UTC(2024, 0, 1) + (3 * tenancy + k) * DAY_MS,
      recoveryCollectionTime: 60 + 3 * tenancy + k,
      recoveryFrequency: 1,
      recoveryAmount: between(100, 900, seed, tenancy, this.#s, 7, k),
      recoveryTopUpPercentage: between(0, 25, seed, tenancy, this.#s, 8, k),
    }));
  }

  /** Cost in 1e-5 GBP of `energy` (0.1 Wh units) at this tariff. */
  cost(energy: number): number {
    return Math.round((energy * this.unitPrice) / 10_000);
  }

  /** The top-up made in week `w` (weeks of the Unix epoch calendar, Monday-based). */
  topUpOfWeek(w: number): TopUp {
    const monday = weekStart(0) + w * WEEK_MS;
    // The minute of the week ends in the tenancy's two digits, so top-up times never coincide either.
    const minute = between(0, 99, this.seed, this.tenancy, this.#s, 9, w) * 100 + this.tenancy;
    const digits = String(mix(this.seed, this.tenancy, this.#s, 10, w))
      .padStart(10, "0")
      .slice(0, 10);
    return {
      time: monday + minute * 60_000,
      amount: between(10, 60, this.seed, this.tenancy, this.#s, 11, w) * 100,
      code: `T${this.tenancy}-UTRN-${digits}`,
    };
  }

  /** The latest `count` top-ups at or before `ms`, newest first. */
  topUpsBefore(ms: number, count: number): TopUp[] {
    const out: TopUp[] = [];
    let w = Math.floor((weekStart(ms) - weekStart(0)) / WEEK_MS);
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

  /** Credit remaining at `ms`, pence (raw): varies by the hour. */
  creditAt(ms: number): number {
    return between(500, 9_000, this.seed, this.tenancy, this.#s, 12, Math.floor(ms / 3_600_000));
  }
}

/** One CommodityData per (tenancy, commodity), created on first use. */
export class TenancyDataStore {
  readonly #cache = new Map<string, CommodityData>();
  constructor(readonly seed: number) {}

  get(tenancy: number, commodity: Commodity): CommodityData {
    const key = `${tenancy}:${commodity}`;
    let d = this.#cache.get(key);
    if (!d) {
      d = new CommodityData(this.seed, tenancy, commodity);
      this.#cache.set(key, d);
    }
    return d;
  }
}

/**
 * Smart Energy cluster ids and the attribute ids a client reads (domain.md §3–§7). The frames themselves are
 * encoded and decoded by src/zcl.
 */

export const Cluster = {
  basic: 0x0000,
  time: 0x000a,
  price: 0x0700,
  messaging: 0x0703,
  metering: 0x0702,
  prepayment: 0x0705,
  deviceManagement: 0x0708,
} as const;

export const SE_PROFILE_ID = 0x0109;

/** The Smart Energy server clusters of a meter's or the Comms Hub's endpoint (Basic aside). */
export const SE_SERVER_CLUSTERS: readonly number[] = [
  Cluster.time,
  Cluster.price,
  Cluster.metering,
  Cluster.messaging,
  Cluster.prepayment,
  Cluster.deviceManagement,
];

/** Device Management tenancy attributes. */
export const Tenancy = { updateDateTime: 0x0200, proposedChangeControl: 0x0201 } as const;
/** ProposedTenancyChangeControl bits an IHD / PPMID acts on. */
export const ControlBit = { clearConsumer: 0x200, clearSupplier: 0x400 } as const;

export const TimeAttr = { time: 0x0000, timeStatus: 0x0001 } as const;

export const MeteringAttr = {
  currentSummationDelivered: 0x0000,
  meteringDeviceType: 0x0306,
} as const;

/** MeteringDeviceType 0 is Electric Metering; gas is 1, and the mirrored types (GPF) are 128 and up. */
export const ELECTRIC_METERING = 0;

export type PeriodUnit = "day" | "week" | "month";

/** One attribute of a consumption series: which period it holds, counted back from the current one. */
export interface SeriesAttribute {
  id: number;
  name: string;
  unit: PeriodUnit;
  /** 0 = the current period, 1 = the previous one, … */
  back: number;
}

function series(base: number, alt: string, cost: boolean): SeriesAttribute[] {
  const out: SeriesAttribute[] = [];
  const what = cost ? "CostConsumptionDelivered" : `${alt}ConsumptionDelivered`;
  const name = (prefix: string) => `${prefix}${what}`;
  out.push({ id: base + 0x01, name: name("currentDay"), unit: "day", back: 0 });
  out.push({ id: base + 0x03, name: name("previousDay"), unit: "day", back: 1 });
  for (let n = 2; n <= 8; n++)
    out.push({ id: base + 0x20 + 2 * (n - 2), name: name(`previousDay${n}`), unit: "day", back: n });
  out.push({ id: base + 0x30, name: name("currentWeek"), unit: "week", back: 0 });
  out.push({ id: base + 0x32, name: name("previousWeek"), unit: "week", back: 1 });
  for (let n = 2; n <= 5; n++)
    out.push({ id: base + 0x34 + 2 * (n - 2), name: name(`previousWeek${n}`), unit: "week", back: n });
  out.push({ id: base + 0x40, name: name("currentMonth"), unit: "month", back: 0 });
  out.push({ id: base + 0x42, name: name("previousMonth"), unit: "month", back: 1 });
  for (let n = 2; n <= 13; n++)
    out.push({ id: base + 0x44 + 2 * (n - 2), name: name(`previousMonth${n}`), unit: "month", back: n });
  return out;
}

/** Metering Historical Consumption set (0x04xx), delivered side. */
export const HISTORICAL_CONSUMPTION = series(0x0400, "", false);
/** Metering Alternative Historical Consumption set (0x0Cxx): kWh on the GPF's gas mirror. */
export const ALTERNATIVE_HISTORICAL_CONSUMPTION = series(0x0c00, "Alternative", false);
/**
 * Prepayment Historical Cost Consumption set (0x05xx): the same layout from 0x051C, with the current day at
 * 0x051C and the previous day at 0x051E.
 */
export const HISTORICAL_COST = series(0x0500, "", true).map((a) =>
  a.back === 0 && a.unit === "day" ? { ...a, id: 0x051c } : a.back === 1 && a.unit === "day" ? { ...a, id: 0x051e } : a,
);

export const PrepaymentAttr = { creditRemaining: 0x0001, accumulatedDebt: 0x0005 } as const;

export const DeviceManagementCmd = { getChangeOfTenancy: 0x00, publishChangeOfTenancy: 0x00 } as const;

/** ProfileIntervalPeriod enumeration → interval length in seconds. */
export const PROFILE_INTERVAL_S: Record<number, number> = {
  0: 86_400,
  1: 3_600,
  2: 1_800,
  3: 900,
  4: 600,
  5: 450,
  6: 300,
  7: 150,
};

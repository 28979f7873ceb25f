/**
 * Smart Energy cluster ids and the attribute ids a client reads (domain.md §3–§7). The frames themselves are
 * encoded and decoded by src/zcl.
 */
import {
  ALTERNATIVE_HISTORY,
  COST_HISTORY,
  type HistoryLayout,
  METERING_HISTORY,
  type PeriodSpec,
  historyAttributes,
} from "../../hub/data/history.js";
import { attributeDef } from "../../zcl/index.js";
import { hex } from "../../hex.js";

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

/** One attribute of a consumption series: the period it holds (the hub's layout) and its src/zcl name. */
export interface SeriesAttribute extends PeriodSpec {
  id: number;
  name: string;
  /** The series it belongs to in the device's store, e.g. `ConsumptionDelivered/day`. */
  series: string;
}

function series(clusterId: number, layout: HistoryLayout, what: string): SeriesAttribute[] {
  return [...historyAttributes(layout)].map(([id, spec]) => ({
    id,
    ...spec,
    name: attributeDef(clusterId, id)?.name ?? hex(id),
    series: `${what}/${spec.kind}`,
  }));
}

/** Metering Historical Consumption set (0x04xx), delivered side. */
export const HISTORICAL_CONSUMPTION = series(Cluster.metering, METERING_HISTORY, "ConsumptionDelivered");
/** Metering Alternative Historical Consumption set (0x0Cxx): kWh on the GPF's gas mirror. */
export const ALTERNATIVE_HISTORICAL_CONSUMPTION = series(
  Cluster.metering,
  ALTERNATIVE_HISTORY,
  "AlternativeConsumptionDelivered",
);
/** Prepayment Historical Cost Consumption set (0x05xx, from 0x051C). */
export const HISTORICAL_COST = series(Cluster.prepayment, COST_HISTORY, "CostConsumptionDelivered");

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

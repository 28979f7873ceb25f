/**
 * What an emulated display reads of the Smart Energy clusters (domain.md §3–§7): the server clusters it looks
 * for and the attributes it reads, by their src/zcl names. The frames themselves are encoded and decoded by
 * src/zcl.
 */
import {
  ALTERNATIVE_HISTORY,
  COST_HISTORY,
  type HistoryLayout,
  METERING_HISTORY,
  type PeriodSpec,
  historyAttributes,
} from "../../hub/data/history.js";
import { attributeDef, attributeId, ClusterId } from "../../zcl/index.js";
import { hex } from "../../hex.js";

/** The Smart Energy server clusters of a meter's or the Comms Hub's endpoint (Basic aside). */
export const SE_SERVER_CLUSTERS: readonly number[] = [
  ClusterId.time,
  ClusterId.price,
  ClusterId.metering,
  ClusterId.messaging,
  ClusterId.prepayment,
  ClusterId.deviceManagement,
];

/** Device Management tenancy attributes. */
export const Tenancy = {
  updateDateTime: attributeId(ClusterId.deviceManagement, "changeOfTenancyUpdateDateTime"),
  proposedChangeControl: attributeId(ClusterId.deviceManagement, "proposedTenancyChangeControl"),
} as const;

export const TimeAttr = {
  time: attributeId(ClusterId.time, "time"),
  timeStatus: attributeId(ClusterId.time, "timeStatus"),
} as const;

export const MeteringAttr = {
  currentSummationDelivered: attributeId(ClusterId.metering, "currentSummDelivered"),
  meteringDeviceType: attributeId(ClusterId.metering, "meteringDeviceType"),
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
export const HISTORICAL_CONSUMPTION = series(ClusterId.metering, METERING_HISTORY, "ConsumptionDelivered");
/** Metering Alternative Historical Consumption set (0x0Cxx): kWh on the GPF's gas mirror. */
export const ALTERNATIVE_HISTORICAL_CONSUMPTION = series(
  ClusterId.metering,
  ALTERNATIVE_HISTORY,
  "AlternativeConsumptionDelivered",
);
/** Prepayment Historical Cost Consumption set (0x05xx, from 0x051C). */
export const HISTORICAL_COST = series(ClusterId.prepayment, COST_HISTORY, "CostConsumptionDelivered");

export const PrepaymentAttr = {
  creditRemaining: attributeId(ClusterId.prepayment, "creditRemaining"),
  accumulatedDebt: attributeId(ClusterId.prepayment, "accumulatedDebt"),
} as const;

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

/**
 * Metering 0x0702 (domain.md §4). ESME: electricity in kWh (values in Wh, divisor 1000, as real GB meters
 * serve; domain-review W4). GPF (the gas mirror, MeteringDeviceType 0x80 Mirrored Gas Metering as real GPFs
 * serve): volume in m³ (values in dm³, divisor 1000) for the summation, the 0x04xx history and the profile;
 * energy in kWh (Wh) for the alternative 0x0Cxx history (§4.6). Delivered attributes only: the Received ones
 * are unsupported (no export is modelled). Periods are the meter's: UK local days, weeks and months from the
 * HistoricalFreezeTime (0x045C); each history figure carries its period (history.ts `periodFigure`).
 *
 * GetProfile: channel 0 (consumption delivered) only, 30-minute intervals, most recent first, at most
 * MAX_PROFILE_PERIODS per response; EndTime 0 or later than now means "the latest complete interval".
 * GetSampledData: SampleType 0 only, samples are the half-hour intervals from the first one starting at
 * or after EarliestSampleTime, complete by now, at most MAX_SAMPLES.
 */
import { msToZclUtc, zclUtcToMs } from "../clock.js";
import { ALTERNATIVE_HISTORY, METERING_HISTORY, profileIntervalItem } from "../data/history.js";
import { HALF_HOUR_MS, halfHourIndex } from "../data/periods.js";
import type { EndpointRole } from "../types.js";
import { ClusterId, Status } from "../../zcl/index.js";
import { historyServers } from "./history-attrs.js";
import {
  type AttributeTable,
  type ClusterServer,
  type CommandHandler,
  clusterServer,
  constant,
  field,
} from "./server.js";

const MAX_PROFILE_PERIODS = 16;
const MAX_SAMPLES = 16;
/** ProfileIntervalPeriod 2 = 30 minutes. */
const PERIOD_30_MIN = 2;
const FORMAT_5_3 = 0x2b; // 5 digits left of the decimal point, 3 right
export const DIVISOR = 1000;
/** MeteringDeviceType (bitmap8): 0 Electric Metering; 0x80 Mirrored Gas Metering, what a GB GPF serves. */
export const ELECTRIC_METERING = 0x00;
export const MIRRORED_GAS_METERING = 0x80;

export function meteringServer(role: EndpointRole): ClusterServer {
  const gas = role === "gpf";
  const measure = gas ? "volume" : "energy";
  const attributes: AttributeTable = {
    currentSummDelivered: { get: (env) => env.data.series.summation(env.now, measure) },
    supplyStatus: constant(0x02), // supply ON
    status: constant(0x00),
    unitOfMeasure: constant(gas ? 0x01 : 0x00), // m³ / kWh
    multiplier: constant(1),
    divisor: constant(DIVISOR),
    summaFormatting: constant(FORMAT_5_3),
    historicalConsumpFormatting: constant(FORMAT_5_3),
    meteringDeviceType: constant(gas ? MIRRORED_GAS_METERING : ELECTRIC_METERING),
    historicalFreezeTime: { get: (env) => env.freezeTime },
    ...historyServers(ClusterId.metering, METERING_HISTORY, (env, s, e) => env.data.series.sum(s, e, measure)),
    ...(gas
      ? {
          alternativeUnitOfMeasure: constant(0x00), // kWh
          alternativeConsumptionFormatting: constant(FORMAT_5_3),
          ...historyServers(ClusterId.metering, ALTERNATIVE_HISTORY, (env, s, e) =>
            env.data.series.sum(s, e, "energy"),
          ),
        }
      : {
          demandFormatting: constant(FORMAT_5_3),
          // Instantaneous demand in kW (W / 1000): twice the current half-hour's energy in Wh.
          instantaneousDemand: { get: (env) => 2 * env.data.series.energy(halfHourIndex(env.now)) },
        }),
  };

  const getProfile: CommandHandler = (env, req) => {
    const channel = field(req, "intervalChannel");
    const endTime = field(req, "endTime");
    const wanted = field(req, "numberOfPeriods");
    const reply = (status: number, end: number, intervals: number[]) => ({
      kind: "response" as const,
      commandId: 0x00,
      command: "getProfileResponse",
      payload: {
        endTime: end,
        status,
        profileIntervalPeriod: PERIOD_30_MIN,
        numberOfPeriodsDelivered: intervals.length,
        intervals,
      },
    });
    if (channel === 1) return reply(2, endTime, []); // received: not supported
    if (channel !== 0) return reply(1, endTime, []); // undefined channel
    const limit = endTime === 0 ? env.now : Math.min(env.now, zclUtcToMs(endTime));
    const lastEnd = Math.floor(limit / HALF_HOUR_MS) * HALF_HOUR_MS;
    const n = Math.min(wanted, MAX_PROFILE_PERIODS);
    const intervals: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = lastEnd / HALF_HOUR_MS - 1 - k;
      const v = env.data.series.interval(i, measure);
      intervals.push(v);
      env.served(profileIntervalItem(k), v, { start: i * HALF_HOUR_MS, end: (i + 1) * HALF_HOUR_MS });
    }
    return reply(0, msToZclUtc(lastEnd), intervals);
  };

  const getSampledData: CommandHandler = (env, req) => {
    const sampleId = field(req, "sampleId");
    const earliest = field(req, "earliestSampleTime");
    const sampleType = field(req, "sampleType");
    const wanted = field(req, "numberOfSamples");
    if (sampleType !== 0) return { kind: "default", status: Status.INVALID_FIELD };
    const first = Math.ceil(zclUtcToMs(earliest) / HALF_HOUR_MS);
    const complete = halfHourIndex(env.now); // first incomplete half-hour
    const n = Math.min(wanted, MAX_SAMPLES, complete - first);
    if (n <= 0) return { kind: "default", status: Status.NOT_FOUND };
    const samples: number[] = [];
    for (let k = 0; k < n; k++) {
      const v = env.data.series.interval(first + k, measure);
      samples.push(v);
      const start = (first + k) * HALF_HOUR_MS;
      env.served(`getSampledDataResponse.samples[${k}]`, v, { start, end: start + HALF_HOUR_MS });
    }
    return {
      kind: "response",
      commandId: 0x07,
      command: "getSampledDataResponse",
      payload: {
        sampleId,
        sampleStartTime: msToZclUtc(first * HALF_HOUR_MS),
        sampleType,
        sampleRequestInterval: HALF_HOUR_MS / 1000,
        numberOfSamples: n,
        samples,
      },
    };
  };

  return clusterServer(ClusterId.metering, { attributes, commands: { getProfile, getSampledData } });
}

/**
 * Metering 0x0702 (domain.md §4). Attribute names follow zigbee-herdsman's seMetering, with its id bugs
 * fixed (§4.5: 0x0313/0x0314 distinct, previousDay6ConsumptionReceived at 0x0429), plus the Alternative
 * Historical Consumption set (0x0Cxx, the 0x04xx layout offset by 0x0800). Commands use SE 1.2+ numbering.
 */
import { attr, attributeReportingStatus, cmd, defineCluster, param } from "../define.js";
import { type AttributeDef, DataType as T } from "../types.js";

type Row = [id: number, name: string, type: number];
const rows = (list: Row[]): AttributeDef[] => list.map(([id, name, type]) => attr(id, name, type));

/** Delivered (even id) / Received (odd id) pairs of a numbered series, e.g. previousDay2..8. */
function pairs(base: number, first: number, last: number, name: (n: number) => string, type: number): AttributeDef[] {
  const out: AttributeDef[] = [];
  for (let n = first; n <= last; n++) {
    const id = base + 2 * (n - first);
    out.push(attr(id, `${name(n)}Delivered`, type), attr(id + 1, `${name(n)}Received`, type));
  }
  return out;
}

const reading: Row[] = [
  [0x0000, "currentSummDelivered", T.UINT48],
  [0x0001, "currentSummReceived", T.UINT48],
  [0x0002, "currentMaxDemandDelivered", T.UINT48],
  [0x0003, "currentMaxDemandReceived", T.UINT48],
  [0x0004, "dftSumm", T.UINT48],
  [0x0005, "dailyFreezeTime", T.UINT16],
  [0x0006, "powerFactor", T.INT8],
  [0x0007, "readingSnapshotTime", T.UTC],
  [0x0008, "currentMaxDemandDeliverdTime", T.UTC],
  [0x0009, "currentMaxDemandReceivedTime", T.UTC],
  [0x000a, "defaultUpdatePeriod", T.UINT8],
  [0x000b, "fastPollUpdatePeriod", T.UINT8],
  [0x000c, "currentBlockPeriodConsumpDelivered", T.UINT48],
  [0x000d, "dailyConsumpTarget", T.UINT24],
  [0x000e, "currentBlock", T.ENUM8],
  [0x000f, "profileIntervalPeriod", T.ENUM8],
  [0x0011, "presetReadingTime", T.UINT16],
  [0x0012, "volumePerReport", T.UINT16],
  [0x0013, "flowRestriction", T.UINT8],
  [0x0014, "supplyStatus", T.ENUM8],
  [0x0015, "currentInEnergyCarrierSumm", T.UINT48],
  [0x0016, "currentOutEnergyCarrierSumm", T.UINT48],
  [0x0017, "inletTempreature", T.INT24],
  [0x0018, "outletTempreature", T.INT24],
  [0x0019, "controlTempreature", T.INT24],
  [0x001a, "currentInEnergyCarrierDemand", T.INT24],
  [0x001b, "currentOutEnergyCarrierDemand", T.INT24],
  // herdsman names 0x001C "previousBlockPeriodConsumpReceived"; it is PreviousBlockPeriodConsumptionDelivered
  // (domain-review W11: Exegin, ESP-Zigbee, zsmartsystems and Tasmota agree)
  [0x001c, "previousBlockPeriodConsumptionDelivered", T.UINT48],
  [0x001d, "currentBlockPeriodConsumpReceived", T.UINT48],
  [0x001e, "currentBlockReceived", T.ENUM8],
  [0x001f, "DFTSummationReceived", T.UINT48],
  [0x0020, "activeRegisterTierDelivered", T.ENUM8],
  [0x0021, "activeRegisterTierReceived", T.ENUM8],
  [0x0022, "lastBlockSwitchTime", T.UTC],
];

const status: Row[] = [
  [0x01fc, "cpp1SummationDelivered", T.UINT48],
  [0x01fe, "cpp2SummationDelivered", T.UINT48],
  [0x0200, "status", T.BITMAP8],
  [0x0201, "remainingBattLife", T.UINT8],
  [0x0202, "hoursInOperation", T.UINT24],
  [0x0203, "hoursInFault", T.UINT24],
  [0x0204, "extendedStatus", T.BITMAP64],
  [0x0205, "remainingBattLifeInDays", T.UINT16],
  [0x0206, "currentMeterId", T.OCTET_STR],
  [0x0207, "ambientConsumptionIndicator", T.ENUM8],
];

const formatting: Row[] = [
  [0x0300, "unitOfMeasure", T.ENUM8],
  [0x0301, "multiplier", T.UINT24],
  [0x0302, "divisor", T.UINT24],
  [0x0303, "summaFormatting", T.BITMAP8],
  [0x0304, "demandFormatting", T.BITMAP8],
  [0x0305, "historicalConsumpFormatting", T.BITMAP8],
  [0x0306, "meteringDeviceType", T.BITMAP8],
  [0x0307, "siteId", T.OCTET_STR],
  [0x0308, "meterSerialNumber", T.OCTET_STR],
  [0x0309, "energyCarrierUnitOfMeas", T.ENUM8],
  [0x030a, "energyCarrierSummFormatting", T.BITMAP8],
  [0x030b, "energyCarrierDemandFormatting", T.BITMAP8],
  [0x030c, "temperatureUnitOfMeas", T.ENUM8],
  [0x030d, "temperatureFormatting", T.BITMAP8],
  [0x030e, "moduleSerialNumber", T.OCTET_STR],
  [0x030f, "operatingTariffLevelDelivered", T.OCTET_STR],
  [0x0310, "operatingTariffLevelReceived", T.OCTET_STR],
  [0x0311, "customIdNumber", T.OCTET_STR],
  [0x0312, "alternativeUnitOfMeasure", T.ENUM8],
  [0x0313, "alternativeDemandFormatting", T.BITMAP8],
  [0x0314, "alternativeConsumptionFormatting", T.BITMAP8],
];

const historical: Row[] = [
  [0x0400, "instantaneousDemand", T.INT24],
  [0x0401, "currentDayConsumpDelivered", T.UINT24],
  [0x0402, "currentDayConsumpReceived", T.UINT24],
  [0x0403, "previousDayConsumpDelivered", T.UINT24],
  [0x0404, "previousDayConsumpReceived", T.UINT24],
  [0x0405, "curPartProfileIntStartTimeDelivered", T.UTC],
  [0x0406, "curPartProfileIntStartTimeReceived", T.UTC],
  [0x0407, "curPartProfileIntValueDelivered", T.UINT24],
  [0x0408, "curPartProfileIntValueReceived", T.UINT24],
  [0x0409, "currentDayMaxPressure", T.UINT48],
  [0x040a, "currentDayMinPressure", T.UINT48],
  [0x040b, "previousDayMaxPressure", T.UINT48],
  [0x040c, "previousDayMinPressure", T.UINT48],
  [0x040d, "currentDayMaxDemand", T.INT24],
  [0x040e, "previousDayMaxDemand", T.INT24],
  [0x040f, "currentMonthMaxDemand", T.INT24],
  [0x0410, "currentYearMaxDemand", T.INT24],
  [0x0411, "currentDayMaxEnergyCarrDemand", T.INT24],
  [0x0412, "previousDayMaxEnergyCarrDemand", T.INT24],
  [0x0413, "curMonthMaxEnergyCarrDemand", T.INT24],
  [0x0414, "curMonthMinEnergyCarrDemand", T.INT24],
  [0x0415, "curYearMaxEnergyCarrDemand", T.INT24],
  [0x0416, "curYearMinEnergyCarrDemand", T.INT24],
];

/** The day / week / month series shared by the 0x04xx and 0x0Cxx sets; `a` is "" or "Alternative". */
function periodSeries(base: number, a: string): AttributeDef[] {
  const ord = (word: string) => (n: number) => `previous${word}${n === 1 ? "" : n}${a}Consumption`;
  return [
    ...pairs(base + 0x20, 2, 8, ord("Day"), T.UINT24),
    ...pairs(base + 0x30, 0, 0, () => `currentWeek${a}Consumption`, T.UINT24),
    ...pairs(base + 0x32, 1, 5, ord("Week"), T.UINT24),
    ...pairs(base + 0x40, 0, 0, () => `currentMonth${a}Consumption`, T.UINT32),
    ...pairs(base + 0x42, 1, 13, ord("Month"), T.UINT32),
  ];
}

const alternativeHistorical: Row[] = [
  [0x0c00, "alternativeInstantaneousDemand", T.INT24],
  [0x0c01, "currentDayAlternativeConsumptionDelivered", T.UINT24],
  [0x0c02, "currentDayAlternativeConsumptionReceived", T.UINT24],
  [0x0c03, "previousDayAlternativeConsumptionDelivered", T.UINT24],
  [0x0c04, "previousDayAlternativeConsumptionReceived", T.UINT24],
  [0x0c05, "currentAlternativePartialProfileIntervalStartTimeDelivered", T.UTC],
  [0x0c06, "currentAlternativePartialProfileIntervalStartTimeReceived", T.UTC],
  [0x0c07, "currentAlternativePartialProfileIntervalValueDelivered", T.UINT24],
  [0x0c08, "currentAlternativePartialProfileIntervalValueReceived", T.UINT24],
  [0x0c09, "currentDayAlternativeMaxPressure", T.UINT48],
  [0x0c0a, "currentDayAlternativeMinPressure", T.UINT48],
  [0x0c0b, "previousDayAlternativeMaxPressure", T.UINT48],
  [0x0c0c, "previousDayAlternativeMinPressure", T.UINT48],
  [0x0c0d, "currentDayAlternativeMaxDemand", T.INT24],
  [0x0c0e, "previousDayAlternativeMaxDemand", T.INT24],
  [0x0c0f, "currentMonthAlternativeMaxDemand", T.INT24],
  [0x0c10, "currentYearAlternativeMaxDemand", T.INT24],
];

const supplyLimitAndAlarms: Row[] = [
  [0x0500, "maxNumberOfPeriodsDelivered", T.UINT8],
  [0x0600, "currentDemandDelivered", T.UINT24],
  [0x0601, "demandLimit", T.UINT24],
  [0x0602, "demandIntegrationPeriod", T.UINT8],
  [0x0603, "numberOfDemandSubintervals", T.UINT8],
  [0x0604, "demandLimitArmDuration", T.UINT16],
  [0x0605, "loadLimitSupplyState", T.ENUM8],
  [0x0606, "loadLimitCounter", T.UINT8],
  [0x0607, "supplyTamperState", T.ENUM8],
  [0x0608, "supplyDepletionState", T.ENUM8],
  [0x0609, "supplyUncontrolledFlowState", T.ENUM8],
  [0x0800, "genericAlarmMask", T.BITMAP16],
  [0x0801, "electricityAlarmMask", T.BITMAP32],
  [0x0802, "genFlowPressureAlarmMask", T.BITMAP16],
  [0x0803, "waterSpecificAlarmMask", T.BITMAP16],
  [0x0804, "heatCoolSpecificAlarmMASK", T.BITMAP16],
  [0x0805, "gasSpecificAlarmMask", T.BITMAP16],
  [0x0806, "extendedGenericAlarmMask", T.BITMAP48],
  [0x0807, "manufactureAlarmMask", T.BITMAP16],
  [0x0a00, "billToDateDelivered", T.UINT32],
  [0x0a01, "billToDateTimeStampDelivered", T.UTC],
  [0x0a02, "projectedBillDelivered", T.UINT32],
  [0x0a03, "projectedBillTimeStampDelivered", T.UTC],
  [0x0a04, "billDeliveredTrailingDigit", T.BITMAP8],
  [0x0a10, "billToDateReceived", T.UINT32],
  [0x0a11, "billToDateTimeStampReceived", T.UTC],
  [0x0a12, "projectedBillReceived", T.UINT32],
  [0x0a13, "projectedBillTimeStampReceived", T.UTC],
  [0x0a14, "billReceivedTrailingDigit", T.BITMAP8],
];

const tiers = pairs(0x0100, 1, 15, (n) => `currentTier${n}Summ`, T.UINT48);

const snapshotCause = param("snapshotCause", T.BITMAP32);

export const metering = defineCluster({
  id: 0x0702,
  name: "seMetering",
  aliases: ["metering"],
  attributes: [
    ...rows(reading),
    ...tiers,
    ...rows(status),
    ...rows(formatting),
    ...rows(historical),
    ...periodSeries(0x0400, ""),
    attr(0x045c, "historicalFreezeTime", T.UINT16),
    ...rows(supplyLimitAndAlarms),
    ...rows(alternativeHistorical),
    ...periodSeries(0x0c00, "Alternative"),
    attributeReportingStatus(),
  ],
  commands: [
    cmd(
      0x00,
      "getProfile",
      [param("intervalChannel", T.ENUM8), param("endTime", T.UTC), param("numberOfPeriods", T.UINT8)],
      { response: 0x00 },
    ),
    cmd(0x01, "requestMirrorResponse", [param("endpointId", T.UINT16)]),
    cmd(0x02, "mirrorRemoved", [param("removedEndpointId", T.UINT16)]),
    cmd(0x03, "requestFastPollMode", [param("fastPollUpdatePeriod", T.UINT8), param("duration", T.UINT8)], {
      response: 0x03,
    }),
    cmd(
      0x04,
      "scheduleSnapshot",
      [
        param("issuerEventId", T.UINT32),
        param("commandIndex", T.UINT8),
        param("totalCommands", T.UINT8),
        param("snapshotSchedules", "records", {
          record: [
            param("snapshotScheduleId", T.UINT8),
            param("snapshotStartTime", T.UTC),
            param("snapshotSchedule", T.BITMAP24),
            param("snapshotPayloadType", T.ENUM8),
            snapshotCause,
          ],
        }),
      ],
      { response: 0x04 },
    ),
    cmd(0x05, "takeSnapshot", [snapshotCause], { response: 0x05 }),
    cmd(
      0x06,
      "getSnapshot",
      [
        param("earliestStartTime", T.UTC),
        param("latestEndTime", T.UTC),
        param("snapshotOffset", T.UINT8),
        snapshotCause,
      ],
      { response: 0x06 },
    ),
    cmd(
      0x07,
      "startSampling",
      [
        param("issuerEventId", T.UINT32),
        param("startSamplingTime", T.UTC),
        param("sampleType", T.ENUM8),
        param("sampleRequestInterval", T.UINT16),
        param("maxNumberOfSamples", T.UINT16),
      ],
      { response: 0x0d },
    ),
    cmd(
      0x08,
      "getSampledData",
      [
        param("sampleId", T.UINT16),
        param("earliestSampleTime", T.UTC),
        param("sampleType", T.ENUM8),
        param("numberOfSamples", T.UINT16),
      ],
      { response: 0x07 },
    ),
    cmd(0x09, "mirrorReportAttributeResponse", [
      param("notificationScheme", T.UINT8),
      param("notificationFlags", T.BITMAP32),
    ]),
    cmd(0x0a, "resetLoadLimitCounter", [param("providerId", T.UINT32), param("issuerEventId", T.UINT32)]),
    cmd(0x0b, "changeSupply", [
      param("providerId", T.UINT32),
      param("issuerEventId", T.UINT32),
      param("requestDateTime", T.UTC),
      param("implementationDateTime", T.UTC, { special: { 0: "now" } }),
      param("proposedSupplyStatusAfterImplementation", T.ENUM8),
      param("supplyControlBits", T.BITMAP8),
    ]),
    cmd(0x0c, "localChangeSupply", [param("proposedSupplyStatus", T.ENUM8)]),
    cmd(0x0d, "setSupplyStatus", [
      param("issuerEventId", T.UINT32),
      param("supplyTamperState", T.ENUM8),
      param("supplyDepletionState", T.ENUM8),
      param("supplyUncontrolledFlowState", T.ENUM8),
      param("loadLimitSupplyState", T.ENUM8),
    ]),
    cmd(0x0e, "setUncontrolledFlowThreshold", [
      param("providerId", T.UINT32),
      param("issuerEventId", T.UINT32),
      param("uncontrolledFlowThreshold", T.UINT16),
      param("unitOfMeasure", T.ENUM8),
      param("multiplier", T.UINT16),
      param("divisor", T.UINT16),
      param("stabilisationPeriod", T.UINT8),
      param("measurementPeriod", T.UINT16),
    ]),
  ],
  commandsResponse: [
    cmd(0x00, "getProfileResponse", [
      param("endTime", T.UTC),
      param("status", T.ENUM8, {
        enumValues: {
          0: "success",
          1: "undefinedIntervalChannelRequested",
          2: "intervalChannelNotSupported",
          3: "invalidEndTime",
          4: "moreProfilePeriodsRequestedThanSupported",
          5: "noIntervalsAvailable",
        },
      }),
      param("profileIntervalPeriod", T.ENUM8),
      param("numberOfPeriodsDelivered", T.UINT8),
      param("intervals", "list", { of: T.UINT24, countField: "numberOfPeriodsDelivered" }),
    ]),
    cmd(0x01, "requestMirror"),
    cmd(0x02, "removeMirror"),
    cmd(0x03, "requestFastPollModeResponse", [
      param("appliedUpdatePeriod", T.UINT8),
      param("fastPollModeEndTime", T.UTC),
    ]),
    cmd(0x04, "scheduleSnapshotResponse", [
      param("issuerEventId", T.UINT32),
      param("snapshotResponses", "records", {
        record: [param("snapshotScheduleId", T.UINT8), param("snapshotScheduleConfirmation", T.ENUM8)],
      }),
    ]),
    cmd(0x05, "takeSnapshotResponse", [param("snapshotId", T.UINT32), param("snapshotConfirmation", T.ENUM8)]),
    cmd(0x06, "publishSnapshot", [
      param("snapshotId", T.UINT32),
      param("snapshotTime", T.UTC),
      param("totalSnapshotsFound", T.UINT8),
      param("commandIndex", T.UINT8),
      param("totalCommands", T.UINT8),
      snapshotCause,
      param("snapshotPayloadType", T.ENUM8),
      // The sub-payload's layout depends on snapshotPayloadType; kept raw.
      param("snapshotPayload", "rest"),
    ]),
    cmd(0x07, "getSampledDataResponse", [
      param("sampleId", T.UINT16),
      param("sampleStartTime", T.UTC),
      param("sampleType", T.ENUM8),
      param("sampleRequestInterval", T.UINT16),
      param("numberOfSamples", T.UINT16),
      param("samples", "list", { of: T.UINT24, countField: "numberOfSamples" }),
    ]),
    cmd(0x08, "configureMirror", [
      param("issuerEventId", T.UINT32),
      param("reportingInterval", T.UINT24),
      param("mirrorNotificationReporting", T.BOOLEAN),
      param("notificationScheme", T.UINT8),
    ]),
    cmd(0x09, "configureNotificationScheme", [
      param("issuerEventId", T.UINT32),
      param("notificationScheme", T.UINT8),
      param("notificationFlagOrder", T.BITMAP32),
    ]),
    cmd(0x0a, "configureNotificationFlags", [
      param("issuerEventId", T.UINT32),
      param("notificationScheme", T.UINT8),
      param("notificationFlagAttributeId", T.UINT16),
      param("clusterId", T.CLUSTER_ID),
      param("manufacturerCode", T.UINT16),
      param("numberOfCommands", T.UINT8),
      param("commandIds", "list", { of: T.UINT8, countField: "numberOfCommands" }),
    ]),
    cmd(0x0b, "getNotifiedMessage", [
      param("notificationScheme", T.UINT8),
      param("notificationFlagAttributeId", T.UINT16),
      param("notificationFlags", T.BITMAP32),
    ]),
    cmd(0x0c, "supplyStatusResponse", [
      param("providerId", T.UINT32),
      param("issuerEventId", T.UINT32),
      param("implementationDateTime", T.UTC),
      param("supplyStatus", T.ENUM8),
    ]),
    cmd(0x0d, "startSamplingResponse", [param("sampleId", T.UINT16)]),
  ],
});

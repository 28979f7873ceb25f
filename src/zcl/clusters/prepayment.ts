/**
 * Prepayment 0x0705 (domain.md §5). Commands whose payload layout is not recorded in our sources keep
 * their payload raw (`payload`, a Buffer) rather than guessing fields.
 */
import { attr, attributeReportingStatus, cmd, defineCluster, param } from "../define.js";
import { type AttributeDef, DataType as T } from "../types.js";

const originatingDevice = { enumValues: { 0: "energyServiceInterface", 1: "meter", 2: "inHomeDisplay" } };

/** Top-up set n (1..5) at 0x0100 + 0x10·(n−1). */
function topUpSet(n: number): AttributeDef[] {
  const base = 0x0100 + 0x10 * (n - 1);
  return [
    attr(base, `topUpDateTime${n}`, T.UTC),
    attr(base + 1, `topUpAmount${n}`, T.INT32),
    attr(base + 2, `originatingDevice${n}`, T.ENUM8, originatingDevice),
    attr(base + 3, `topUpCode${n}`, T.OCTET_STR, { maxLen: 25 }),
  ];
}

/** Debt set n (1..3) at 0x0210 + 0x10·(n−1). */
function debtSet(n: number): AttributeDef[] {
  const base = 0x0210 + 0x10 * (n - 1);
  return [
    attr(base, `debtLabel${n}`, T.OCTET_STR, { maxLen: 12 }),
    attr(base + 1, `debtAmount${n}`, T.UINT32),
    attr(base + 2, `debtRecoveryMethod${n}`, T.ENUM8),
    attr(base + 3, `debtRecoveryStartTime${n}`, T.UTC),
    attr(base + 4, `debtRecoveryCollectionTime${n}`, T.UINT16),
    attr(base + 6, `debtRecoveryFrequency${n}`, T.ENUM8),
    attr(base + 7, `debtRecoveryAmount${n}`, T.UINT32),
    attr(base + 9, `debtRecoveryTopUpPercentage${n}`, T.UINT16),
  ];
}

/** Historical cost consumption: day / week / month series, Delivered at even ids, Received at odd ids. */
function costSeries(): AttributeDef[] {
  const out: AttributeDef[] = [];
  const pair = (id: number, name: string) =>
    out.push(attr(id, `${name}Delivered`, T.UINT48), attr(id + 1, `${name}Received`, T.UINT48));
  pair(0x051c, "currentDayCostConsumption");
  pair(0x051e, "previousDayCostConsumption");
  for (let n = 2; n <= 8; n++) pair(0x0520 + 2 * (n - 2), `previousDay${n}CostConsumption`);
  pair(0x0530, "currentWeekCostConsumption");
  for (let n = 1; n <= 5; n++) pair(0x0532 + 2 * (n - 1), `previousWeek${n === 1 ? "" : n}CostConsumption`);
  pair(0x0540, "currentMonthCostConsumption");
  for (let n = 1; n <= 13; n++) pair(0x0542 + 2 * (n - 1), `previousMonth${n === 1 ? "" : n}CostConsumption`);
  return out;
}

const raw = () => [param("payload", "rest")];

export const prepayment = defineCluster({
  id: 0x0705,
  name: "sePrepayment",
  aliases: ["prepayment"],
  attributes: [
    attr(0x0000, "paymentControlConfiguration", T.BITMAP16, { required: true }),
    attr(0x0001, "creditRemaining", T.INT32),
    attr(0x0002, "emergencyCreditRemaining", T.INT32),
    attr(0x0003, "creditStatus", T.BITMAP8),
    attr(0x0004, "creditRemainingTimestamp", T.UTC),
    attr(0x0005, "accumulatedDebt", T.INT32),
    attr(0x0006, "overallDebtCap", T.INT32),
    attr(0x0010, "emergencyCreditLimitAllowance", T.UINT32),
    attr(0x0011, "emergencyCreditThreshold", T.UINT32),
    attr(0x0020, "totalCreditAdded", T.UINT48),
    attr(0x0021, "maxCreditLimit", T.UINT32),
    attr(0x0022, "maxCreditPerTopUp", T.UINT32),
    attr(0x0030, "friendlyCreditWarning", T.UINT8),
    attr(0x0031, "lowCreditWarning", T.UINT32),
    attr(0x0032, "ihdLowCreditWarning", T.UINT32, { writable: true }),
    attr(0x0033, "interruptSuspendTime", T.UINT8),
    attr(0x0034, "remainingFriendlyCreditTime", T.UINT16),
    attr(0x0035, "nextFriendlyCreditPeriod", T.UTC),
    attr(0x0040, "cutOffValue", T.INT32),
    attr(0x0080, "tokenCarrierId", T.OCTET_STR),
    ...[1, 2, 3, 4, 5].flatMap(topUpSet),
    ...[1, 2, 3].flatMap(debtSet),
    attr(0x0400, "prepaymentAlarmStatus", T.BITMAP16),
    attr(0x0401, "prepayGenericAlarmMask", T.BITMAP16),
    attr(0x0402, "prepaySwitchAlarmMask", T.BITMAP16),
    attr(0x0403, "prepayEventAlarmMask", T.BITMAP16),
    attr(0x0500, "historicalCostConsumptionFormatting", T.BITMAP8),
    attr(0x0501, "consumptionUnitOfMeasurement", T.ENUM8),
    attr(0x0502, "currencyScalingFactor", T.ENUM8),
    attr(0x0503, "currency", T.UINT16),
    ...costSeries(),
    attr(0x055c, "historicalFreezeTime", T.UINT16),
    attributeReportingStatus(),
  ],
  commands: [
    cmd(0x00, "selectAvailableEmergencyCredit", raw()),
    cmd(0x02, "changeDebt", raw()),
    cmd(0x03, "emergencyCreditSetup", raw()),
    cmd(0x04, "consumerTopUp", raw(), { response: 0x03 }),
    cmd(0x05, "creditAdjustment", raw()),
    cmd(0x06, "changePaymentMode", raw(), { response: 0x02 }),
    cmd(0x07, "getPrepaySnapshot", raw(), { response: 0x01 }),
    cmd(0x08, "getTopUpLog", [param("latestEndTime", T.UTC), param("numberOfRecords", T.UINT8)], { response: 0x05 }),
    cmd(0x09, "setLowCreditWarningLevel", [param("lowCreditWarningLevel", T.UINT32)]),
    cmd(
      0x0a,
      "getDebtRepaymentLog",
      [
        param("latestEndTime", T.UTC),
        param("numberOfDebts", T.UINT8),
        param("debtType", T.ENUM8, { enumValues: { 0: "debt1", 1: "debt2", 2: "debt3", 255: "allDebts" } }),
      ],
      { response: 0x06 },
    ),
    cmd(0x0b, "setMaximumCreditLimit", raw()),
    cmd(0x0c, "setOverallDebtCap", raw()),
  ],
  commandsResponse: [
    cmd(0x01, "publishPrepaySnapshot", raw()),
    cmd(0x02, "changePaymentModeResponse", raw()),
    cmd(0x03, "consumerTopUpResponse", raw()),
    cmd(0x05, "publishTopUpLog", [
      param("commandIndex", T.UINT8),
      param("totalCommands", T.UINT8),
      param("topUps", "records", {
        record: [
          param("topUpCode", T.OCTET_STR, { maxLen: 25 }),
          param("topUpAmount", T.INT32),
          param("topUpTime", T.UTC),
        ],
      }),
    ]),
    cmd(0x06, "publishDebtLog", [
      param("commandIndex", T.UINT8),
      param("totalCommands", T.UINT8),
      param("debts", "records", {
        record: [
          param("collectionTime", T.UTC),
          param("amountCollected", T.UINT32),
          param("debtType", T.ENUM8),
          param("outstandingDebt", T.UINT32),
        ],
      }),
    ]),
  ],
});

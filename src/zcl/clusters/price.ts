/** Price 0x0700 (domain.md §7): the core attributes an IHD needs, GetCurrentPrice and PublishPrice. */
import { attr, attributeReportingStatus, cmd, defineCluster, param } from "../define.js";
import { type AttributeDef, type CommandDef, DataType as T } from "../types.js";

function series(base: number, count: number, name: (n: number) => string, type: number, extra = {}): AttributeDef[] {
  return Array.from({ length: count }, (_, i) => attr(base + i, name(i + 1), type, extra));
}

/** Commands other than GetCurrentPrice / PublishPrice: ids and names, payload kept raw. */
function rawCommands(names: string[], first: number): CommandDef[] {
  return names.map((name, i) => cmd(first + i, name, [param("payload", "rest")]));
}

export const price = defineCluster({
  id: 0x0700,
  name: "sePrice",
  aliases: ["price"],
  attributes: [
    ...series(0x0000, 48, (n) => `tier${n}PriceLabel`, T.OCTET_STR, { maxLen: 12, writable: true }),
    ...series(0x0100, 15, (n) => `block${n}Threshold`, T.UINT48),
    attr(0x0300, "commodityType", T.ENUM8, { enumValues: { 0: "electricity", 1: "gas" } }),
    attr(0x0301, "standingCharge", T.UINT32),
    attr(0x0302, "conversionFactor", T.UINT32),
    attr(0x0303, "conversionFactorTrailingDigit", T.BITMAP8),
    attr(0x0304, "calorificValue", T.UINT32),
    attr(0x0305, "calorificValueUnit", T.ENUM8),
    attr(0x0306, "calorificValueTrailingDigit", T.BITMAP8),
    ...series(0x0400, 16, (n) => `noTierBlock${n}Price`, T.UINT32),
    ...series(0x0410, 16, (n) => `tier1Block${n}Price`, T.UINT32),
    attr(0x0610, "tariffLabel", T.OCTET_STR, { maxLen: 24 }),
    attr(0x0611, "numberOfPriceTiersInUse", T.UINT8),
    attr(0x0612, "numberOfBlockThresholdsInUse", T.UINT8),
    attr(0x0613, "tierBlockMode", T.ENUM8),
    attr(0x0615, "unitOfMeasure", T.ENUM8),
    attr(0x0616, "currency", T.UINT16),
    attr(0x0617, "priceTrailingDigit", T.BITMAP8),
    attr(0x0619, "tariffResolutionPeriod", T.ENUM8),
    attr(0x0620, "co2", T.UINT32),
    attr(0x0700, "currentBillingPeriodStart", T.UTC),
    attr(0x0701, "currentBillingPeriodDuration", T.UINT24),
    attr(0x0702, "lastBillingPeriodStart", T.UTC),
    attr(0x0800, "creditPaymentDueDate", T.UTC),
    attributeReportingStatus(),
  ],
  commands: [
    cmd(0x00, "getCurrentPrice", [param("commandOptions", T.BITMAP8, { bits: { requestorRxOnWhenIdle: 0x01 } })], {
      response: 0x00,
    }),
    ...rawCommands(
      [
        "getScheduledPrices",
        "priceAcknowledgement",
        "getBlockPeriods",
        "getConversionFactor",
        "getCalorificValue",
        "getTariffInformation",
        "getPriceMatrix",
        "getBlockThresholds",
        "getCo2Value",
        "getTierLabels",
        "getBillingPeriod",
        "getConsolidatedBill",
        "cppEventResponse",
        "getCreditPayment",
        "getCurrencyConversion",
        "getTariffCancellation",
      ],
      0x01,
    ),
  ],
  commandsResponse: [
    cmd(0x00, "publishPrice", [
      param("providerId", T.UINT32),
      param("rateLabel", T.OCTET_STR, { maxLen: 12 }),
      param("issuerEventId", T.UINT32),
      param("currentTime", T.UTC),
      param("unitOfMeasure", T.ENUM8),
      param("currency", T.UINT16),
      param("priceTrailingDigitAndPriceTier", T.UINT8),
      param("numberOfPriceTiersAndRegisterTier", T.UINT8),
      param("startTime", T.UTC, { special: { 0: "now" } }),
      param("durationInMinutes", T.UINT16, { special: { 65535: "untilChanged" } }),
      param("price", T.UINT32),
      param("priceRatio", T.UINT8, { optional: true }),
      param("generationPrice", T.UINT32, { optional: true }),
      param("generationPriceRatio", T.UINT8, { optional: true }),
      param("alternateCostDelivered", T.UINT32, { optional: true }),
      param("alternateCostUnit", T.ENUM8, { optional: true }),
      param("alternateCostTrailingDigit", T.UINT8, { optional: true }),
      param("numberOfBlockThresholds", T.UINT8, { optional: true }),
      param("priceControl", T.UINT8, { optional: true }),
      param("numberOfGenerationTiers", T.UINT8, { optional: true }),
      param("generationTier", T.UINT8, { optional: true }),
    ]),
    ...rawCommands(
      [
        "publishBlockPeriod",
        "publishConversionFactor",
        "publishCalorificValue",
        "publishTariffInformation",
        "publishPriceMatrix",
        "publishBlockThresholds",
        "publishCo2Value",
        "publishTierLabels",
        "publishBillingPeriod",
        "publishConsolidatedBill",
        "publishCppEvent",
        "publishCreditPayment",
        "publishCurrencyConversion",
        "cancelTariff",
      ],
      0x01,
    ),
  ],
});

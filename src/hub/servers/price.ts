/**
 * Price 0x0700 (domain.md §7): a single-rate tariff per meter. Price in 1e-5 GBP per kWh (PriceTrailingDigit
 * 5), standing charge in 1e-5 GBP per day, GBP (826). Gas adds the conversion factor 1.02264 and a
 * calorific value of 39.5 MJ/m³. A CoT changes none of it.
 *
 * GetCurrentPrice → PublishPrice of the meter's tariff: its supplier's provider id (the one Device
 * Management 0x0100 and the meter's CoTs carry; domain-review W6) and the tariff's issuer event id.
 */
import { msToZclUtc } from "../clock.js";
import type { EndpointRole } from "../types.js";
import { ClusterId } from "../../zcl/index.js";
import { type AttributeTable, type ClusterServer, type CommandHandler, clusterServer, constant } from "./server.js";

const TRAILING_DIGITS = 5;
const GBP = 826;
const RATE_LABEL = "STANDARD";

export function priceServer(role: EndpointRole): ClusterServer {
  const gas = role === "gpf";
  const attributes: AttributeTable = {
    commodityType: constant(gas ? 1 : 0),
    standingCharge: { get: (env) => env.data.standingCharge },
    noTierBlock1Price: { get: (env) => env.data.unitPrice },
    tariffLabel: { get: () => Buffer.from(gas ? "GAS SINGLE RATE" : "ELEC SINGLE RATE") },
    numberOfPriceTiersInUse: constant(0),
    unitOfMeasure: constant(0x00), // kWh
    currency: constant(GBP),
    priceTrailingDigit: constant(TRAILING_DIGITS << 4),
  };
  if (gas) {
    attributes.conversionFactor = constant(1_022_640); // 1.022640
    attributes.conversionFactorTrailingDigit = constant(6 << 4);
    attributes.calorificValue = constant(395_000); // 39.5000
    attributes.calorificValueUnit = constant(0x01); // MJ/m³
    attributes.calorificValueTrailingDigit = constant(4 << 4);
  }

  const getCurrentPrice: CommandHandler = (env) => {
    const payload = {
      providerId: env.providerId,
      rateLabel: Buffer.from(RATE_LABEL),
      issuerEventId: env.tariffIssuerEventId,
      currentTime: msToZclUtc(env.now),
      unitOfMeasure: 0x00,
      currency: GBP,
      priceTrailingDigitAndPriceTier: (TRAILING_DIGITS << 4) | 0,
      numberOfPriceTiersAndRegisterTier: 0,
      startTime: 0,
      durationInMinutes: 0xffff,
      price: env.data.unitPrice,
    };
    env.served("publishPrice.price", payload.price);
    env.served("publishPrice.providerId", payload.providerId);
    env.served("publishPrice.rateLabel", RATE_LABEL);
    return { kind: "response", commandId: 0x00, command: "publishPrice", payload };
  };

  return clusterServer(ClusterId.price, { attributes, commands: { getCurrentPrice } });
}

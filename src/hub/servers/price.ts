/**
 * Price 0x0700 (domain.md §7): a single-rate tariff per tenancy and commodity. Price in 1e-5 GBP per kWh
 * (PriceTrailingDigit 5), standing charge in 1e-5 GBP per day, GBP (826). Gas adds the conversion factor
 * 1.02264 and a calorific value of 39.5 MJ/m³ (fixed, not tenancy data).
 *
 * GetCurrentPrice → PublishPrice of the tariff of the tenancy in force (provider id, issuer event id and
 * rate label of that tenancy).
 */
import { msToZclUtc } from "../clock.js";
import type { EndpointRole } from "../types.js";
import { ClusterId } from "../../zcl/index.js";
import { type AttributeTable, type ClusterServer, type CommandHandler, clusterServer, constant } from "./server.js";

const TRAILING_DIGITS = 5;
const GBP = 826;

export function priceServer(role: EndpointRole): ClusterServer {
  const gas = role === "gpf";
  const attributes: AttributeTable = {
    commodityType: constant(gas ? 1 : 0),
    standingCharge: { get: (env) => env.tag(env.data.standingCharge) },
    noTierBlock1Price: { get: (env) => env.tag(env.data.unitPrice) },
    tariffLabel: { get: (env) => Buffer.from(`T${env.tenancy}-TARIFF-${gas ? "GAS" : "ELEC"}`) },
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
      providerId: env.tag(env.data.providerId),
      rateLabel: Buffer.from(`T${env.tenancy}-RATE`),
      issuerEventId: env.tag(env.data.issuerEventId),
      currentTime: msToZclUtc(env.now),
      unitOfMeasure: 0x00,
      currency: GBP,
      priceTrailingDigitAndPriceTier: (TRAILING_DIGITS << 4) | 0,
      numberOfPriceTiersAndRegisterTier: 0,
      startTime: 0,
      durationInMinutes: 0xffff,
      price: env.tag(env.data.unitPrice),
    };
    env.served("publishPrice.price", payload.price);
    env.served("publishPrice.providerId", payload.providerId);
    env.served("publishPrice.rateLabel", `T${env.tenancy}-RATE`);
    return { kind: "response", commandId: 0x00, command: "publishPrice", payload };
  };

  return clusterServer(ClusterId.price, { attributes, commands: { getCurrentPrice } });
}

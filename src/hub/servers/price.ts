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
import { type AttributeServer, type ClusterServer, type CommandHandler, constant } from "./server.js";

const TRAILING_DIGITS = 5;
const GBP = 826;

export function priceServer(role: EndpointRole): ClusterServer {
  const gas = role === "gpf";
  const attributes = new Map<number, AttributeServer>([
    [0x0300, constant(gas ? 1 : 0)],
    [0x0301, { get: (env) => env.tag(env.data.standingCharge) }],
    [0x0400, { get: (env) => env.tag(env.data.unitPrice) }],
    [0x0610, { get: (env) => Buffer.from(`T${env.tenancy}-TARIFF-${gas ? "GAS" : "ELEC"}`) }],
    [0x0611, constant(0)],
    [0x0615, constant(0x00)], // kWh
    [0x0616, constant(GBP)],
    [0x0617, constant(TRAILING_DIGITS << 4)],
  ]);
  if (gas) {
    attributes.set(0x0302, constant(1_022_640)); // 1.022640
    attributes.set(0x0303, constant(6 << 4));
    attributes.set(0x0304, constant(395_000)); // 39.5000
    attributes.set(0x0305, constant(0x01)); // MJ/m³
    attributes.set(0x0306, constant(4 << 4));
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

  return { clusterId: 0x0700, attributes, commands: new Map([[0x00, getCurrentPrice]]) };
}

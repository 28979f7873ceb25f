/**
 * The Zigbee identifiers the rest of hanbench names instead of writing numbers: application profile ids,
 * cluster ids and attribute ids. The Smart Energy cluster ids come from the cluster records (clusters/),
 * so each is written once; Identify and On/Off, which an emulated node serves without a record here, are
 * the two written out (ZCL 07-5123, chapter 3).
 */
import { hex } from "../hex.js";
import { basic, time } from "./clusters/basic-time.js";
import { deviceManagement } from "./clusters/device-management.js";
import { events } from "./clusters/events.js";
import { keyEstablishment } from "./clusters/key-establishment.js";
import { messaging } from "./clusters/messaging.js";
import { metering } from "./clusters/metering.js";
import { prepayment } from "./clusters/prepayment.js";
import { price } from "./clusters/price.js";
import { attributeByName, commandDef } from "./registry.js";
import type { Direction } from "./types.js";

/** Smart Energy application profile (SE 1.4, GBCS). */
export const SE_PROFILE_ID = 0x0109;
/** Home Automation profile: a generic emulated node's default. */
export const HA_PROFILE_ID = 0x0104;

export const ClusterId = {
  basic: basic.id,
  identify: 0x0003,
  onOff: 0x0006,
  time: time.id,
  price: price.id,
  metering: metering.id,
  messaging: messaging.id,
  prepayment: prepayment.id,
  deviceManagement: deviceManagement.id,
  events: events.id,
  keyEstablishment: keyEstablishment.id,
} as const;

/**
 * The id of a cluster's attribute by its src/zcl name (server side unless `client`). Throws for a name the
 * cluster record does not have: callers look ids up once, at load, so a misspelt name fails at once.
 */
export function attributeId(clusterId: number, name: string, opts: { client?: boolean } = {}): number {
  const def = attributeByName(clusterId, name, opts);
  if (!def) throw new Error(`cluster ${hex(clusterId, 4)} has no attribute '${name}'`);
  return def.id;
}

/** The id of a cluster-specific command by its src/zcl name and direction; throws for an unknown name, like `attributeId`. */
export function commandId(clusterId: number, direction: Direction, name: string): number {
  const def = commandDef(clusterId, direction, name);
  if (!def) throw new Error(`cluster ${hex(clusterId, 4)} has no ${direction} command '${name}'`);
  return def.id;
}

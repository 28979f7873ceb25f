/** Lookup of the cluster records by id or name, and of attributes and commands within them. */
import { basic, time } from "./clusters/basic-time.js";
import { deviceManagement } from "./clusters/device-management.js";
import { events } from "./clusters/events.js";
import { keyEstablishment } from "./clusters/key-establishment.js";
import { messaging } from "./clusters/messaging.js";
import { metering } from "./clusters/metering.js";
import { prepayment } from "./clusters/prepayment.js";
import { price } from "./clusters/price.js";
import type { AttributeDef, ClusterDef, CommandDef, Direction } from "./types.js";

/** Every cluster hanbench defines, in id order. */
export const CLUSTERS: readonly ClusterDef[] = Object.freeze(
  [basic, time, price, metering, messaging, prepayment, deviceManagement, events, keyEstablishment].sort(
    (a, b) => a.id - b.id,
  ),
);

const byId = new Map(CLUSTERS.map((c) => [c.id, c]));
const byName = new Map<string, ClusterDef>();
for (const c of CLUSTERS) {
  for (const n of [c.name, ...(c.aliases ?? [])]) byName.set(n.toLowerCase(), c);
}

export function clusterById(id: number): ClusterDef | undefined {
  return byId.get(id);
}

/** By herdsman-style name (`seDeviceManagement`) or alias (`deviceManagement`), case-insensitive. */
export function clusterByName(name: string): ClusterDef | undefined {
  return byName.get(name.toLowerCase());
}

/** Attribute records by cluster, side and id, built once at load (the cluster records are frozen). */
const attrByKey = new Map<number, AttributeDef>();
const attrKey = (clusterId: number, client: boolean, attrId: number) =>
  (clusterId * 2 + (client ? 1 : 0)) * 0x1_0000 + attrId;
for (const c of CLUSTERS) {
  for (const a of c.attributes) {
    const key = attrKey(c.id, !!a.client, a.id);
    if (!attrByKey.has(key)) attrByKey.set(key, a);
  }
}

/** A server attribute by default; `{client: true}` for the client-side set (e.g. Device Management event configuration). */
export function attributeDef(
  clusterId: number,
  attrId: number,
  opts: { client?: boolean } = {},
): AttributeDef | undefined {
  return attrByKey.get(attrKey(clusterId, !!opts.client, attrId));
}

export function attributeByName(
  clusterId: number,
  name: string,
  opts: { client?: boolean } = {},
): AttributeDef | undefined {
  const client = !!opts.client;
  return clusterById(clusterId)?.attributes.find((a) => a.name === name && !!a.client === client);
}

/** The command list of a direction: client → server is `commands`, server → client is `commandsResponse`. */
export function commandsFor(cluster: ClusterDef, direction: Direction): readonly CommandDef[] {
  return direction === "clientToServer" ? cluster.commands : cluster.commandsResponse;
}

export function commandDef(clusterId: number, direction: Direction, key: number | string): CommandDef | undefined {
  const c = clusterById(clusterId);
  if (!c) return undefined;
  return commandsFor(c, direction).find((cmd) => (typeof key === "number" ? cmd.id === key : cmd.name === key));
}

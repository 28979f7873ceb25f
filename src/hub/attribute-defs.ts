/**
 * Server attribute definitions by (cluster, attribute id), remembered: src/zcl's lookup searches a
 * cluster's attribute list, and every attribute the hub serves or a display stores asks it again.
 * The cluster records are frozen at load, so an answer never goes stale.
 */
import { type AttributeDef, attributeDef } from "../zcl/index.js";

const known = new Map<number, AttributeDef | undefined>();

/** The server attribute `attrId` of cluster `clusterId` (as src/zcl `attributeDef` without options). */
export function serverAttributeDef(clusterId: number, attrId: number): AttributeDef | undefined {
  const key = clusterId * 0x1_0000 + attrId;
  if (known.has(key)) return known.get(key);
  const def = attributeDef(clusterId, attrId);
  known.set(key, def);
  return def;
}

/** Attribute servers for a historical layout (day / week / month), valued from the tenancy's series. */
import { hex } from "../../hex.js";
import { attributeDef } from "../../zcl/index.js";
import { type HistoryLayout, historyAttributes, periodBounds } from "../data/history.js";
import type { AttributeTable, ServeEnv } from "./server.js";

/**
 * The servers of a layout's attributes on cluster `clusterId`, by their src/zcl names. `raw(env, start, end)`
 * gives the raw figure of the period [start, end); the getter serves it tagged. The period of the value is
 * the period's start.
 */
export function historyServers(
  clusterId: number,
  layout: HistoryLayout,
  raw: (env: ServeEnv, start: number, end: number) => number,
): AttributeTable {
  const out: AttributeTable = {};
  for (const [id, spec] of historyAttributes(layout)) {
    const def = attributeDef(clusterId, id);
    if (!def) throw new Error(`history attribute ${hex(id, 4)} of cluster ${hex(clusterId, 4)} is not defined`);
    out[def.name] = {
      get: (env) => {
        const { start, end } = periodBounds(spec, env.now);
        return env.tag(raw(env, start, end));
      },
      period: (env) => periodBounds(spec, env.now).start,
    };
  }
  return out;
}

/** Attribute servers for a historical layout (day / week / month), valued from the meter's series. */
import { hex } from "../../hex.js";
import { attributeDef } from "../../zcl/index.js";
import { type HistoryLayout, historyAttributes, periodBounds, periodFigure } from "../data/history.js";
import { periodNumber } from "../data/periods.js";
import type { AttributeTable, ServeEnv } from "./server.js";

/**
 * The servers of a layout's attributes on cluster `clusterId`, by their src/zcl names. `raw(env, start, end)`
 * gives the raw figure of [start, end) (a running period: up to now); the getter serves its period figure
 * (history.ts `periodFigure`), whose period is the attribute's period at `now`.
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
        const { start, end } = periodBounds(spec, env.now, env.freezeTime);
        return periodFigure(raw(env, start, Math.min(end, env.now)), periodNumber(spec.kind, start, env.freezeTime));
      },
      period: (env) => periodBounds(spec, env.now, env.freezeTime),
    };
  }
  return out;
}

/** Attribute servers for a historical layout (day / week / month), valued from the tenancy's series. */
import { type HistoryLayout, historyAttributes, periodBounds } from "../data/history.js";
import type { AttributeServer, ServeEnv } from "./server.js";

/**
 * `raw(env, start, end)` gives the raw figure of the period [start, end); the getter serves it tagged.
 * The period of the value is the period's start.
 */
export function historyServers(
  layout: HistoryLayout,
  raw: (env: ServeEnv, start: number, end: number) => number,
): Map<number, AttributeServer> {
  const out = new Map<number, AttributeServer>();
  for (const [id, spec] of historyAttributes(layout)) {
    out.set(id, {
      get: (env) => {
        const { start, end } = periodBounds(spec, env.now);
        return env.tag(raw(env, start, end));
      },
      period: (env) => periodBounds(spec, env.now).start,
    });
  }
  return out;
}

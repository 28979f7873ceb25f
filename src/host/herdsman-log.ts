/**
 * herdsman's own logger writes every debug line to the console (stdout) and builds each message even when
 * nobody reads it. This routes it into hanbench's logger (stderr): herdsman debug → trace, info → debug,
 * so a normal run stays quiet and fast; message lambdas run only when their level is on.
 */
import { setLogger } from "zigbee-herdsman";
import { log } from "../log.js";

let routed = false;

export function routeHerdsmanLogs(): void {
  if (routed) return;
  routed = true;
  const l = log("herdsman");
  const text = (m: string | (() => string)) => (typeof m === "function" ? m() : m);
  setLogger({
    debug: (m, ns) => {
      if (l.isLevelEnabled("trace")) l.trace({ ns }, text(m));
    },
    info: (m, ns) => {
      if (l.isLevelEnabled("debug")) l.debug({ ns }, text(m));
    },
    warning: (m, ns) => l.warn({ ns }, text(m)),
    error: (m, ns) => l.error({ ns }, m),
  });
}

/**
 * herdsman's own logger writes every debug line to the console (stdout) and builds each message even when
 * nobody reads it. This routes it into hanbench's logger (stderr): herdsman debug → trace, info → debug,
 * so a normal run stays quiet and fast; message lambdas run only when their level is on.
 *
 * Key material: herdsman prints the network key and install codes in some messages (a configuration
 * mismatch, provisioning, a bad install code) and dumps whole ZNP frames, NV writes of keys included, at
 * debug level. Debug lines of the Z-Stack frame, NV and commissioning namespaces are therefore dropped,
 * and long hex runs are masked in every message that is kept. What is kept then goes through the logger's
 * redaction of the run's registered secrets (src/redact.ts), like every other line.
 */
import { setLogger } from "zigbee-herdsman";
import { log } from "../log.js";

let routed = false;

/** Namespaces whose debug output carries raw frames or NV contents (keys among them). */
const RAW_NAMESPACES = /znp|unpi|manager|backup|nv|adapter-backup/i;

/** A run of 16 or more hex digits not prefixed by 0x (an IEEE address `0x…` stays readable). */
const HEX_RUN = /(?<![0-9a-fx])[0-9a-f]{16,}(?![0-9a-f])/gi;

export function maskKeys(text: string): string {
  return text.replace(HEX_RUN, "<redacted>");
}

export function routeHerdsmanLogs(): void {
  if (routed) return;
  routed = true;
  const l = log("herdsman");
  const text = (m: string | (() => string)) => maskKeys(typeof m === "function" ? m() : m);
  setLogger({
    debug: (m, ns) => {
      if (l.isLevelEnabled("trace") && !RAW_NAMESPACES.test(ns)) l.trace({ ns }, text(m));
    },
    info: (m, ns) => {
      if (l.isLevelEnabled("debug")) l.debug({ ns }, text(m));
    },
    warning: (m, ns) => l.warn({ ns }, text(m)),
    error: (m, ns) => l.error({ ns }, text(m)),
  });
}

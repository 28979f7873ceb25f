/**
 * Behaviour profiles of the emulated IHD and PPMID (cot-suite.md, "Emulated device behaviour profiles").
 * A profile is a set of switches over one reference behaviour; each faulty profile flips exactly the
 * switch its name says, so it fails its own case(s) and nothing else.
 */
import type { EndpointRole } from "../../evidence/events.js";
import { parseDuration } from "../../duration.js";
// a device list is user input (--devices): the CLI prints these errors as one line with exit code 2
import { DeviceSpecError } from "../registry.js";

export const PROFILES = [
  "compliant",
  "no-query",
  "gpf-only",
  "keeps-history",
  "keeps-messages",
  "early-clear",
  "repeat-clear",
  "fixed-endpoint",
  "offline-miss",
  "refetches",
  "bits-only",
  "ignores-past",
  "first-cot-only",
  "restart-clear",
  "no-aps",
  "bad-mac",
] as const;

/** Profiles about a Type 1 device's security: a PPMID only (an IHD is Type 2 and does no key establishment). */
export const PPMID_ONLY_PROFILES: readonly ProfileName[] = ["no-aps", "bad-mac"];

export type ProfileName = (typeof PROFILES)[number];

const SE_DEVICE_KINDS = ["ihd", "ppmid"] as const;
export type SeDeviceKind = (typeof SE_DEVICE_KINDS)[number];

export interface Behaviour {
  /** Finds the ESME and GPF by ZDO Match_Desc / Simple_Desc. Without it, everything goes to endpoint 1 of the coordinator. */
  discover: boolean;
  /** The servers whose tenancy attributes (0x0200/0x0201) are polled. */
  queryRoles: readonly EndpointRole[];
  /**
   * At a meter's CoT date, clears that meter's history of periods before it (interval data, its own
   * aggregate, and on a PPMID top-ups and debts), whatever the control bits (SECMP0056 sets no condition on
   * them; domain-review W1), and from then on fetches only periods from that date.
   */
  clearHistory: boolean;
  /** At a meter's CoT date, clears the supplier messages it held and never shows them again. */
  clearMessages: boolean;
  /** After clearing, fetches the previous occupier's history again from the meters (they still serve it). */
  refetchesHistory: boolean;
  /** Also clears the moment it sees a CoT dated in the future. */
  clearOnSight: boolean;
  /**
   * Clears only what a CoT's control bits name: history on bit 9 (Clear IHD Data – Consumer) or bit 8
   * (Clear Historical LP information), messages on bit 10 (Clear IHD Data – Supplier); a date without bits
   * (an ESME's ECS12) clears nothing.
   */
  clearsByBits: boolean;
  /** Acts only on the first CoT date it ever sees; any later one is ignored. */
  firstCotOnly: boolean;
  /**
   * Ignores a CoT whose date is earlier than the moment it learns of it: before its previous reading of that
   * meter (or, with none yet, before it joined), as a device that takes such a date for one it has already
   * dealt with. A back-dated CoT, and any CoT found when it first joins, is never acted on.
   */
  ignoresPast: boolean;
  /**
   * Clears again at every periodic poll while a reached CoT date is set (the poll at power-on or after a rejoin
   * is a catch-up: it acts on what it has not acted on, as the compliant device's does).
   */
  clearEveryPoll: boolean;
  /**
   * Keeps the CoT dates it acted on in RAM only: after every restart of its own (power cycle, leave and rejoin)
   * a CoT date still set is taken as new, and everything it holds of that meter is cleared again.
   */
  clearsAfterRestart: boolean;
  /** On power-on, polls at once and acts on any CoT recorded while it was away. */
  catchUpOnPowerOn: boolean;
  /** (Type 1, after key establishment) sends its Smart Energy frames APS-secured. */
  apsSecurity: boolean;
  /** (Type 1) sends a wrong key-confirmation MAC (MACU) in key establishment. */
  corruptConfirmMac: boolean;
}

const COMPLIANT: Behaviour = {
  discover: true,
  queryRoles: ["esme", "gpf"],
  clearHistory: true,
  clearMessages: true,
  refetchesHistory: false,
  clearOnSight: false,
  clearsByBits: false,
  firstCotOnly: false,
  ignoresPast: false,
  clearEveryPoll: false,
  clearsAfterRestart: false,
  catchUpOnPowerOn: true,
  apsSecurity: true,
  corruptConfirmMac: false,
};

const BEHAVIOURS: Record<ProfileName, Behaviour> = {
  compliant: COMPLIANT,
  "no-query": { ...COMPLIANT, queryRoles: [] },
  "gpf-only": { ...COMPLIANT, queryRoles: ["gpf"] },
  "keeps-history": { ...COMPLIANT, clearHistory: false },
  "keeps-messages": { ...COMPLIANT, clearMessages: false },
  "early-clear": { ...COMPLIANT, clearOnSight: true },
  "repeat-clear": { ...COMPLIANT, clearEveryPoll: true },
  "fixed-endpoint": { ...COMPLIANT, discover: false },
  "offline-miss": { ...COMPLIANT, catchUpOnPowerOn: false },
  refetches: { ...COMPLIANT, refetchesHistory: true },
  "bits-only": { ...COMPLIANT, clearsByBits: true },
  "ignores-past": { ...COMPLIANT, ignoresPast: true },
  "first-cot-only": { ...COMPLIANT, firstCotOnly: true },
  "restart-clear": { ...COMPLIANT, clearsAfterRestart: true },
  "no-aps": { ...COMPLIANT, apsSecurity: false },
  "bad-mac": { ...COMPLIANT, corruptConfirmMac: true },
};

function isProfileName(name: string): name is ProfileName {
  return (PROFILES as readonly string[]).includes(name);
}

export function behaviourOf(profile: ProfileName): Behaviour {
  return BEHAVIOURS[profile];
}

export interface DeviceSpec {
  kind: SeDeviceKind | "esme";
  /** Absent for the ESME. */
  profile?: ProfileName;
  /** The text it was parsed from, e.g. `ihd:keeps-history`. */
  label: string;
  /** A display's own tenancy poll interval (`ihd:compliant@10s`), device ms. */
  pollIntervalMs?: number;
}

/** The shortest poll interval a display takes (`@100ms`). */
export const MIN_POLL_INTERVAL_MS = 100;

/**
 * Parses one device of a device list: `ihd:<profile>`, `ppmid:<profile>`, `ihd` / `ppmid` (compliant) or
 * `esme`; a display may end in `@DURATION`, its own poll interval (`ihd:compliant@10s`). Errors name the valid
 * choices.
 */
export function parseDeviceSpec(text: string): DeviceSpec {
  const full = text.trim();
  const at = full.indexOf("@");
  const label = at < 0 ? full : full.slice(0, at);
  let pollIntervalMs: number | undefined;
  if (at >= 0) {
    const poll = full.slice(at + 1);
    try {
      pollIntervalMs = parseDuration(poll);
    } catch {
      throw new DeviceSpecError(`'${full}': '@${poll}' is not a poll interval (e.g. ihd:compliant@10s)`);
    }
    if (pollIntervalMs < MIN_POLL_INTERVAL_MS) {
      throw new DeviceSpecError(`'${full}': a poll interval of at least ${MIN_POLL_INTERVAL_MS}ms, please`);
    }
  }
  const [kind = "", profile, ...extra] = label.split(":");
  if (kind === "esme") {
    if (profile !== undefined) throw new DeviceSpecError(`'${label}': the ESME has no behaviour profile; write 'esme'`);
    if (pollIntervalMs !== undefined) throw new DeviceSpecError(`'${full}': the ESME does not poll; write 'esme'`);
    return { kind: "esme", label };
  }
  if (!(SE_DEVICE_KINDS as readonly string[]).includes(kind)) {
    throw new DeviceSpecError(`'${label}': unknown device kind '${kind}'; valid kinds: ihd, ppmid, esme`);
  }
  if (extra.length > 0) throw new DeviceSpecError(`'${label}': expected <kind>:<profile>, e.g. ihd:compliant`);
  const name = profile ?? "compliant";
  if (!isProfileName(name)) {
    throw new DeviceSpecError(`'${label}': unknown profile '${name}'; valid profiles: ${PROFILES.join(", ")}`);
  }
  if (kind === "ihd" && PPMID_ONLY_PROFILES.includes(name)) {
    throw new DeviceSpecError(
      `'${label}': ${name} is a PPMID profile (a Type 1 device's key establishment); an IHD is Type 2`,
    );
  }
  return {
    kind: kind as SeDeviceKind,
    profile: name,
    label: profile === undefined ? `${kind}:compliant` : label,
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  };
}

/** Parses a comma-separated device list (`ihd:compliant,ppmid:keeps-history,esme`). */
export function parseDeviceList(text: string): DeviceSpec[] {
  const parts = text.split(",").filter((p) => p.trim() !== "");
  if (parts.length === 0)
    throw new DeviceSpecError("the device list is empty; e.g. ihd:compliant,ppmid:compliant,esme");
  return parts.map(parseDeviceSpec);
}

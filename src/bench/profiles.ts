/**
 * Coordinator dongle profiles (`hardware/dongles.json`) and matching a serial port to them by USB ids,
 * refined by the manufacturer/product strings and the /dev/serial/by-id name (several dongles share the
 * same USB-serial bridge, e.g. 10c4:ea60).
 */
import { readFileSync } from "node:fs";

export type AdapterType = "zstack" | "ember" | "deconz" | "zboss" | "zigate" | "zoh";
export type Support = "supported" | "limited" | "unsupported";

export interface UsbId {
  /** 4 lower-case hex digits. */
  vendorId: string;
  productId: string;
  /** Case-insensitive regular expression over manufacturer, product and by-id name. */
  match?: string;
}

export interface DongleProfile {
  id: string;
  name: string;
  chip: string;
  adapter: AdapterType;
  baudRate: number;
  rtscts: boolean;
  usb: UsbId[];
  network?: { url: string; how: string };
  firmware: string[];
  support: Support;
  notes: string;
}

/** What is known about a port, from whichever source found it. */
export interface UsbFacts {
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  product?: string;
  /** The /dev/serial/by-id link name (without directory). */
  byId?: string;
}

/** How a profile was matched: ids and a name pattern, ids alone, or a name pattern alone (no ids known). */
export type MatchBy = "usb-id+name" | "usb-id" | "name";

export interface ProfileMatch {
  profile: DongleProfile;
  by: MatchBy;
}

const ADAPTERS: readonly string[] = ["zstack", "ember", "deconz", "zboss", "zigate", "zoh"];
const SUPPORT: readonly string[] = ["supported", "limited", "unsupported"];

const DEFAULT_PROFILES_URL = new URL("../../hardware/dongles.json", import.meta.url);

/** Checks one profile object; throws naming the profile and the field that is wrong. */
function checkProfile(p: Record<string, unknown>, i: number): DongleProfile {
  const where = `profile ${typeof p.id === "string" ? p.id : `#${i}`}`;
  const str = (k: string) => {
    if (typeof p[k] !== "string" || !p[k]) throw new Error(`${where}: '${k}' must be a non-empty string`);
  };
  for (const k of ["id", "name", "chip", "notes"]) str(k);
  if (!ADAPTERS.includes(p.adapter as string)) throw new Error(`${where}: unknown adapter '${String(p.adapter)}'`);
  if (!SUPPORT.includes(p.support as string)) throw new Error(`${where}: unknown support '${String(p.support)}'`);
  if (!Number.isInteger(p.baudRate)) throw new Error(`${where}: 'baudRate' must be an integer`);
  if (typeof p.rtscts !== "boolean") throw new Error(`${where}: 'rtscts' must be true or false`);
  if (!Array.isArray(p.firmware)) throw new Error(`${where}: 'firmware' must be a list`);
  if (!Array.isArray(p.usb)) throw new Error(`${where}: 'usb' must be a list`);
  for (const u of p.usb as Record<string, unknown>[]) {
    if (!/^[0-9a-f]{4}$/.test(String(u.vendorId)) || !/^[0-9a-f]{4}$/.test(String(u.productId)))
      throw new Error(`${where}: USB ids must be 4 lower-case hex digits`);
    if (u.match !== undefined) new RegExp(String(u.match), "i");
  }
  return p as unknown as DongleProfile;
}

/** Loads and checks the profiles file (default `hardware/dongles.json`). */
export function loadProfiles(path: string | URL = DEFAULT_PROFILES_URL): DongleProfile[] {
  const doc = JSON.parse(readFileSync(path, "utf8")) as { profiles?: unknown };
  if (!Array.isArray(doc.profiles)) throw new Error("profiles file has no 'profiles' list");
  const profiles = (doc.profiles as Record<string, unknown>[]).map(checkProfile);
  const ids = new Set<string>();
  for (const p of profiles) {
    if (ids.has(p.id)) throw new Error(`profile id '${p.id}' appears twice`);
    ids.add(p.id);
  }
  return profiles;
}

/**
 * The profiles a port matches, best first. With USB ids known: entries whose ids match and whose `match`
 * pattern (if any) finds one of the port's strings; if none does, the id-only entries; if still none,
 * every entry with those ids is returned as `usb-id` (ambiguous: the strings did not say which).
 * Without USB ids (a by-id link only): entries whose pattern matches the name.
 */
export function matchProfiles(facts: UsbFacts, profiles: readonly DongleProfile[]): ProfileMatch[] {
  const vid = facts.vendorId?.toLowerCase();
  const pid = facts.productId?.toLowerCase();
  const texts = [facts.manufacturer, facts.product, facts.byId].filter((t): t is string => !!t);
  const named = (u: UsbId) => u.match !== undefined && texts.some((t) => new RegExp(u.match!, "i").test(t));
  const seen = new Set<string>();
  const add = (out: ProfileMatch[], profile: DongleProfile, by: MatchBy) => {
    if (seen.has(profile.id)) return;
    seen.add(profile.id);
    out.push({ profile, by });
  };

  const out: ProfileMatch[] = [];
  if (vid && pid) {
    const sameIds = profiles.flatMap((p) =>
      p.usb.filter((u) => u.vendorId === vid && u.productId === pid).map((u) => ({ p, u })),
    );
    for (const { p, u } of sameIds) if (named(u)) add(out, p, "usb-id+name");
    if (out.length) return out;
    for (const { p, u } of sameIds) if (u.match === undefined) add(out, p, "usb-id");
    if (out.length) return out;
    for (const { p } of sameIds) add(out, p, "usb-id");
    return out;
  }
  for (const p of profiles) for (const u of p.usb) if (named(u)) add(out, p, "name");
  return out;
}

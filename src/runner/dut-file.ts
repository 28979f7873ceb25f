/**
 * The DUT file: what a lab declares about a real device under test (cot-suite.md "Baseline"), and how
 * the suite learns what the device holds (the probe).
 *
 * {
 *   "label": "acme-ihd",                         // names the device in reports
 *   "kind": "ihd",                               // ihd | ppmid
 *   "eui64": "00:0D:6F:00:0A:BC:DE:F0",          // from the device label; any separators
 *   "installCode": "83FED3407A939723A5C639B26916D505C3B5",
 *   "firmware": "5.0.3",                         // compared with the SWBuildID its Basic cluster reports
 *   "manufacturer": "Acme", "model": "IHD-7",    // optional: compared with ManufacturerName and ModelIdentifier
 *   "hardwareVersion": 2, "dateCode": "20250110",// optional: compared with HWVersion and DateCode
 *   "claims": "5.0",                             // the IHDTS / PPMIDTS version the device claims
 *   "neverShows": ["consumption"],               // optional: what it never shows (consumption, messages)
 *   "probe": { "method": "operator" }            // or a console probe:
 *   "probe": { "method": "console", "port": "/dev/ttyUSB1", "baudRate": 115200,
 *              "dumpCommand": "dump\r\n", "endMarker": "END", "timeout": "5s",
 *              "patterns": { "consumption": "^HIST (?<role>esme|gpf) (?<item>\\S+) (?<period>\\S+) (?<value>\\d+)$",
 *                            "message": "^MSG (?<messageId>\\d+) (?<text>.*)$" } }
 * }
 */
import { readFileSync } from "node:fs";
import { normaliseEui64 } from "../hex.js";
import { parseInstallCode } from "../hub/install-code.js";
import { parseDuration } from "../duration.js";
import type { DutDeclaration, ShownCategory } from "../evidence/events.js";

export interface ConsoleProbeSpec {
  method: "console";
  port: string;
  baudRate: number;
  /** Bytes sent to ask for a dump (JSON escapes such as \r\n allowed). */
  dumpCommand: string;
  /** A line that ends the dump; without it the probe reads until `timeoutMs` of silence after data. */
  endMarker?: string;
  timeoutMs: number;
  patterns: {
    consumption?: RegExp;
    message?: RegExp;
    topUp?: RegExp;
    debt?: RegExp;
    aggregate?: RegExp;
    state?: RegExp;
  };
}

export interface OperatorProbeSpec {
  method: "operator";
}

export interface DutFile {
  path: string;
  label: string;
  kind: "ihd" | "ppmid";
  /** herdsman's form: 0x + 16 lower-case hex digits. */
  ieee: string;
  /** The install code followed by its CRC (checked, or computed for a code given without one). Key material. */
  installCode: Buffer;
  firmware?: string;
  claims?: string;
  /** What the device never shows: the clear case of that category is not_applicable. */
  neverShows?: ShownCategory[];
  /** What the device's Basic cluster should report (the run compares and warns when it does not). */
  manufacturer?: string;
  model?: string;
  hardwareVersion?: number;
  dateCode?: string;
  probe: ConsoleProbeSpec | OperatorProbeSpec;
}

export class DutFileError extends Error {
  override name = "DutFileError";
}

function field(obj: Record<string, unknown>, name: string, path: string): unknown {
  if (!(name in obj)) throw new DutFileError(`${path}: missing "${name}"`);
  return obj[name];
}

function str(obj: Record<string, unknown>, name: string, path: string): string {
  const v = field(obj, name, path);
  if (typeof v !== "string" || !v.trim()) throw new DutFileError(`${path}: "${name}" must be a non-empty string`);
  return v.trim();
}

/** Like str(), but keeps surrounding white space (a command's line ending is part of it). */
function untrimmed(obj: Record<string, unknown>, name: string, path: string): string {
  str(obj, name, path);
  return obj[name] as string;
}

function optStr(obj: Record<string, unknown>, name: string, path: string): string | undefined {
  return name in obj ? str(obj, name, path) : undefined;
}

const PATTERN_GROUPS: Record<keyof ConsoleProbeSpec["patterns"], string[]> = {
  consumption: ["item", "value"],
  message: ["messageId", "text"],
  topUp: ["item", "value"],
  debt: ["item", "value"],
  aggregate: ["item", "start", "granularity"],
  state: ["item", "value"],
};

function compilePatterns(raw: unknown, path: string): ConsoleProbeSpec["patterns"] {
  if (!raw || typeof raw !== "object") throw new DutFileError(`${path}: probe "patterns" must be an object`);
  const out: ConsoleProbeSpec["patterns"] = {};
  for (const [name, src] of Object.entries(raw as Record<string, unknown>)) {
    if (!(name in PATTERN_GROUPS)) {
      throw new DutFileError(`${path}: unknown pattern "${name}" (known: ${Object.keys(PATTERN_GROUPS).join(", ")})`);
    }
    if (typeof src !== "string") throw new DutFileError(`${path}: pattern "${name}" must be a string`);
    let re: RegExp;
    try {
      re = new RegExp(src);
    } catch (err) {
      throw new DutFileError(`${path}: pattern "${name}" is not a valid regular expression: ${(err as Error).message}`);
    }
    for (const g of PATTERN_GROUPS[name as keyof ConsoleProbeSpec["patterns"]]) {
      if (!src.includes(`(?<${g}>`))
        throw new DutFileError(`${path}: pattern "${name}" needs a named group (?<${g}>…)`);
    }
    out[name as keyof ConsoleProbeSpec["patterns"]] = re;
  }
  if (!out.consumption && !out.message) {
    throw new DutFileError(`${path}: a console probe needs at least the "consumption" or "message" pattern`);
  }
  return out;
}

function parseProbe(raw: unknown, path: string): ConsoleProbeSpec | OperatorProbeSpec {
  if (raw === undefined) return { method: "operator" };
  if (!raw || typeof raw !== "object") throw new DutFileError(`${path}: "probe" must be an object`);
  const p = raw as Record<string, unknown>;
  const method = str(p, "method", path);
  if (method === "operator") return { method };
  if (method !== "console")
    throw new DutFileError(`${path}: probe method must be "console" or "operator", not "${method}"`);
  const baudRate = p.baudRate ?? 115200;
  if (typeof baudRate !== "number" || !Number.isInteger(baudRate) || baudRate <= 0) {
    throw new DutFileError(`${path}: probe "baudRate" must be a positive whole number`);
  }
  let timeoutMs = 5_000;
  if (p.timeout !== undefined) {
    try {
      timeoutMs = parseDuration(String(p.timeout));
    } catch (err) {
      throw new DutFileError(`${path}: probe "timeout": ${(err as Error).message}`);
    }
  }
  return {
    method,
    port: str(p, "port", path),
    baudRate,
    dumpCommand: untrimmed(p, "dumpCommand", path),
    endMarker: optStr(p, "endMarker", path),
    timeoutMs,
    patterns: compilePatterns(p.patterns, path),
  };
}

export function parseDutFile(text: string, path: string): DutFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DutFileError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new DutFileError(`${path}: must be a JSON object`);
  const o = raw as Record<string, unknown>;
  const kind = str(o, "kind", path);
  if (kind !== "ihd" && kind !== "ppmid") throw new DutFileError(`${path}: "kind" must be "ihd" or "ppmid"`);
  const eui64 = str(o, "eui64", path);
  let ieee: string;
  try {
    ieee = normaliseEui64(eui64);
  } catch (err) {
    throw new DutFileError(`${path}: "eui64": ${(err as Error).message}`);
  }
  const code = str(o, "installCode", path);
  let installCode: Buffer;
  try {
    installCode = parseInstallCode(code);
  } catch (err) {
    throw new DutFileError(`${path}: "installCode": ${(err as Error).message}`);
  }
  const hardwareVersion = o.hardwareVersion;
  if (
    hardwareVersion !== undefined &&
    (typeof hardwareVersion !== "number" ||
      !Number.isInteger(hardwareVersion) ||
      hardwareVersion < 0 ||
      hardwareVersion > 255)
  ) {
    throw new DutFileError(`${path}: "hardwareVersion" must be a whole number 0..255 (Basic HWVersion)`);
  }
  const manufacturer = optStr(o, "manufacturer", path);
  const model = optStr(o, "model", path);
  const dateCode = optStr(o, "dateCode", path);
  return {
    path,
    label: str(o, "label", path),
    kind,
    ieee,
    installCode,
    firmware: optStr(o, "firmware", path),
    claims: optStr(o, "claims", path),
    ...(o.neverShows === undefined ? {} : { neverShows: parseNeverShows(o.neverShows, path) }),
    ...(manufacturer !== undefined ? { manufacturer } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(hardwareVersion !== undefined ? { hardwareVersion } : {}),
    ...(dateCode !== undefined ? { dateCode } : {}),
    probe: parseProbe(o.probe, path),
  };
}

const SHOWN: readonly ShownCategory[] = ["consumption", "messages"];

function parseNeverShows(v: unknown, path: string): ShownCategory[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && (SHOWN as readonly string[]).includes(x))) {
    throw new DutFileError(`${path}: "neverShows" must be a list of ${SHOWN.map((s) => `"${s}"`).join(" and ")}`);
  }
  return [...new Set(v as ShownCategory[])];
}

export function loadDutFile(path: string): DutFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DutFileError(`${path}: cannot read the DUT file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseDutFile(text, path);
}

/** What a DUT file declares, as the run event (and a serve session's `declared` event) records it. */
export function declarationOf(file: DutFile): DutDeclaration {
  return {
    label: file.label,
    kind: file.kind,
    ieee: file.ieee,
    dutFile: file.path,
    ...(file.firmware ? { firmware: file.firmware } : {}),
    ...(file.claims ? { claims: file.claims } : {}),
    ...(file.neverShows?.length ? { neverShows: file.neverShows } : {}),
    ...(file.manufacturer ? { manufacturer: file.manufacturer } : {}),
    ...(file.model ? { model: file.model } : {}),
    ...(file.hardwareVersion !== undefined ? { hardwareVersion: file.hardwareVersion } : {}),
    ...(file.dateCode ? { dateCode: file.dateCode } : {}),
    probe: file.probe.method,
  };
}

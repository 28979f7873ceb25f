/**
 * What a `hanbench serve` hub keeps across restarts, in `session.json` of its state directory (beside the
 * network parameters): the Device Log (with install codes: key material, so the file has mode 0600 like
 * network.json), the devices under test and the console each is probed on, the devices admitted on purpose,
 * the CoTs recorded on each meter and the supplier messages published. A restarted hub serves the same CoT
 * attributes and active message, continues issuer event and message ids above every one used (each meter's
 * CoTs are recorded again through the tenancy rules; the hub's next id is above the messages it holds), and
 * admits the same devices. `--reset` moves it aside with the rest of the state
 * directory (src/host/state-dir.ts).
 *
 * Written after every console line, to a temporary file renamed over the old one, so a crash leaves the last
 * good state. A file that is not a session state is an error that says so, never half-read.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CotRecord, Tenancy } from "../cluster-cot/tenancy.js";
import type { SupplierMessage } from "../hub/data/messages.js";
import type { Hub } from "../hub/hub.js";
import type { DutDeclaration } from "../evidence/events.js";
import { DutFileError, loadDutFile } from "./dut-file.js";
import { ConsoleProbe, VIRTUAL_CONSOLE } from "./probes/console.js";
import type { SessionDut } from "./session.js";

export const SESSION_FILE = "session.json";
const VERSION = 1;

/** A device under test as kept: its declaration and the console port of `probe EUI64 console PORT`. */
export interface StoredDut {
  decl: DutDeclaration;
  console?: string;
}

export interface SessionState {
  deviceLog: { eui64: string; deviceType: number; installCode: string }[];
  duts: StoredDut[];
  admitted: { label: string; ieee: string }[];
  cots: CotRecord[];
  messages: SupplierMessage[];
}

export class SessionStateError extends Error {
  override name = "SessionStateError";
}

function fail(file: string, why: string): never {
  throw new SessionStateError(
    `${file} is not a hanbench session state (${why}); move it away or start with --reset to begin afresh`,
  );
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isMeter = (v: unknown): v is "gpf" | "esme" => v === "gpf" || v === "esme";

function list(file: string, raw: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const v = raw[name] ?? [];
  if (!Array.isArray(v) || !v.every(isObj)) fail(file, `"${name}" is not a list of objects`);
  return v as Record<string, unknown>[];
}

/** Reads the state kept in `stateDir`; undefined when there is none yet. Throws SessionStateError. */
export function loadSessionState(stateDir: string): SessionState | undefined {
  const file = join(stateDir, SESSION_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    fail(file, `not JSON: ${(err as Error).message}`);
  }
  if (!isObj(raw)) fail(file, "not a JSON object");
  if (raw.version !== VERSION) fail(file, `version ${JSON.stringify(raw.version)}, this hanbench reads ${VERSION}`);
  const deviceLog = list(file, raw, "deviceLog").map((e, i) => {
    if (!isStr(e.eui64) || !isInt(e.deviceType) || !isStr(e.installCode)) fail(file, `deviceLog[${i}] is incomplete`);
    return { eui64: e.eui64, deviceType: e.deviceType, installCode: e.installCode };
  });
  const duts = list(file, raw, "duts").map((d, i) => {
    const decl = d.decl;
    if (!isObj(decl) || !isStr(decl.ieee) || !isStr(decl.label) || (decl.kind !== "ihd" && decl.kind !== "ppmid")) {
      fail(file, `duts[${i}] is incomplete`);
    }
    if (d.console !== undefined && !isStr(d.console)) fail(file, `duts[${i}].console is not a path`);
    return { decl: decl as unknown as DutDeclaration, ...(isStr(d.console) ? { console: d.console } : {}) };
  });
  const admitted = list(file, raw, "admitted").map((a, i) => {
    if (!isStr(a.label) || !isStr(a.ieee)) fail(file, `admitted[${i}] is incomplete`);
    return { label: a.label, ieee: a.ieee };
  });
  const cots = list(file, raw, "cots").map((c, i) => {
    if (!isMeter(c.meter)) fail(file, `cots[${i}].meter is not gpf or esme`);
    for (const k of ["providerId", "issuerEventId", "tariffType", "implementationTime", "control", "recordedAt"]) {
      if (!isInt(c[k])) fail(file, `cots[${i}].${k} is not a whole number`);
    }
    return { ...(c as unknown as CotRecord), push: c.push === true };
  });
  const messages = list(file, raw, "messages").map((m, i) => {
    const ok =
      isInt(m.messageId) &&
      isStr(m.text) &&
      Array.isArray(m.roles) &&
      m.roles.every(isMeter) &&
      isInt(m.publishedAt) &&
      isInt(m.messageControl) &&
      isInt(m.durationInMinutes);
    if (!ok) fail(file, `messages[${i}] is incomplete`);
    return m as unknown as SupplierMessage;
  });
  return { deviceLog, duts, admitted, cots, messages };
}

/** Writes the state (mode 0600: it holds install codes), replacing the old file in one rename. */
export function saveSessionState(stateDir: string, state: SessionState): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, SESSION_FILE);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: VERSION, ...state }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The state of a running hub, to save: what its Device Log, CoTs and messages hold now. */
export function snapshot(opts: {
  hub: Hub;
  tenancy: Tenancy;
  duts: SessionDut[];
  admitted: { label: string; ieee: string }[];
}): SessionState {
  const { hub, tenancy } = opts;
  const deviceLog = hub.deviceLog.list().map((e) => {
    const code = hub.deviceLog.installCodeOf(e.eui64)!;
    const entry = { eui64: e.eui64, deviceType: e.deviceType, installCode: code.toString("hex") };
    code.fill(0);
    return entry;
  });
  return {
    deviceLog,
    duts: opts.duts.map((d) => ({ decl: d.decl, ...(d.console ? { console: d.console } : {}) })),
    admitted: opts.admitted,
    cots: tenancy.records().map((r) => ({ ...r })),
    messages: hub.messages.all().map((m) => ({ ...m, roles: [...m.roles] })),
  };
}

/**
 * The devices under test of a kept state with their console probes again: a console port as given, a DUT
 * file read again (one that cannot be read any more leaves the device without a probe, and a warning says
 * why).
 */
export function restoreDuts(stored: StoredDut[]): { duts: SessionDut[]; warnings: string[] } {
  const warnings: string[] = [];
  const duts = stored.map((d): SessionDut => {
    if (d.console)
      return { decl: d.decl, probe: new ConsoleProbe({ ...VIRTUAL_CONSOLE, port: d.console }), console: d.console };
    if (d.decl.dutFile && d.decl.probe === "console") {
      try {
        const file = loadDutFile(d.decl.dutFile);
        file.installCode.fill(0);
        if (file.probe.method === "console") return { decl: d.decl, probe: new ConsoleProbe(file.probe) };
      } catch (err) {
        if (!(err instanceof DutFileError)) throw err;
        warnings.push(`${d.decl.label}: no probe (${err.message})`);
      }
    }
    return { decl: d.decl };
  });
  return { duts, warnings };
}

/**
 * The evidence log: one JSON object per line, appended as things happen and written straight through to
 * the file (a crash keeps everything already seen). Cases are evaluated over these events and every
 * report is rendered from them, so `hanbench report <evidence>` re-creates a run's results.
 *
 * Values in events are JSON-safe: bigints become decimal strings, Buffers become hex strings.
 * Keys (network key, install codes, link keys) never go into evidence.
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";

/** The role of a hub-side Smart Energy server endpoint. */
export type EndpointRole = "gpf" | "esme";

/** Fields common to every event. */
export interface EventBase {
  /** Position in the log, from 1. */
  seq: number;
  /** Hub time (ISO-8601, UTC). */
  t: string;
  /** Wall-clock time (ISO-8601, UTC). */
  wall: string;
}

/** The run itself: written first. */
export interface RunEvent {
  kind: "run";
  tool: string;
  version: string;
  mode: "virtual" | "bench";
  seed: number;
  /** Hub parameters without keys: channel, panId, extendedPanId, hub IEEE, endpoints of GPF and ESME. */
  hub: Record<string, unknown>;
  /** Baseline of the suite (specification versions). */
  baseline: Record<string, string>;
  /** Detection window in hub ms. */
  windowMs: number;
  duts: DutDeclaration[];
  /** Devices other than the DUTs that the hub admits on purpose (the ESME when it is a node of its own). */
  admitted?: { label: string; ieee: string }[];
}

export interface DutDeclaration {
  /** e.g. `ihd:keeps-history`, or the label of a DUT file. */
  label: string;
  kind: "ihd" | "ppmid";
  /** EUI-64 as 16 lower-case hex digits with 0x prefix (herdsman's form). */
  ieee: string;
  /** Behaviour profile (virtual) or DUT file path (bench). */
  profile?: string;
  dutFile?: string;
  firmware?: string;
  /** IHDTS / PPMIDTS version the device claims, e.g. "5.0". */
  claims?: string;
  probe: "virtual" | "console" | "operator";
}

export interface PhaseEvent {
  kind: "phase";
  name: string;
  state: "start" | "end";
  detail?: string;
}

/** A ZCL frame that went over the HAN between a device and the hub (either direction). */
export interface ZclEvent {
  kind: "zcl";
  /** `in`: device → hub. `out`: hub → device. */
  dir: "in" | "out";
  /** The device's IEEE address. */
  device: string;
  nwk: number;
  /** Device endpoint. */
  deviceEp: number;
  /** Hub endpoint the frame was addressed to (in) or sent from (out). */
  hubEp: number;
  /** Which hub server the hub endpoint is, if it is one of them. */
  role?: EndpointRole;
  profileId?: number;
  clusterId: number;
  cluster?: string;
  frameType: "global" | "specific";
  direction: "clientToServer" | "serverToClient";
  tsn: number;
  commandId: number;
  command: string;
  /** Decoded payload (JSON-safe). For reads, the attribute ids. */
  payload?: unknown;
  /** The ZCL frame bytes, hex. */
  raw: string;
}

/**
 * A value the hub served, tagged with the tenancy it belongs to (cot-suite.md "Data tagged by tenancy").
 * `item` names what was served: an attribute name (`previousDayConsumptionDelivered`), a command field
 * (`getProfileResponse.intervals[3]`), or a message id (`displayMessage`).
 */
export interface ServedEvent {
  kind: "served";
  device: string;
  role: EndpointRole;
  clusterId: number;
  item: string;
  value: unknown;
  tenancy: number;
  /** The period the value belongs to (ISO start), if it is a consumption value. */
  period?: string;
}

export interface JoinEvent {
  kind: "join";
  device: string;
  nwk: number;
  accepted: boolean;
  reason: string;
}

export interface LeaveEvent {
  kind: "leave";
  device: string;
  reason?: string;
}

export interface InterviewEvent {
  kind: "interview";
  device: string;
  status: "started" | "successful" | "failed";
}

/** A ZDO discovery request a device sent to the hub (Match_Desc, Simple_Desc, Active_EP). */
export interface DiscoveryEvent {
  kind: "discovery";
  device: string;
  request: "matchDesc" | "simpleDesc" | "activeEp" | "nodeDesc";
  /** What the hub answered with (endpoint numbers). */
  endpoints: number[];
  clusters?: number[];
  /** Who answered: the hub's IEEE address, or the ESME's when it is a node of its own. */
  responder?: string;
}

/** A CoT recorded by the hub. */
export interface CotEvent {
  kind: "cot";
  /** The tenancy that starts at the implementation time: 2 for the first CoT (tenancy 1 → 2), and so on. */
  tenancy: number;
  providerId: number;
  issuerEventId: number;
  tariffType: number;
  /** ISO time the CoT takes effect. */
  implementationTime: string;
  /** ProposedTenancyChangeControl. */
  control: number;
  /** Whether the hub pushed PublishChangeOfTenancy unsolicited. */
  pushed: boolean;
}

/** Power or network presence of a device changed (virtual runs, or an operator step on the bench). */
export interface PresenceEvent {
  kind: "presence";
  device: string;
  online: boolean;
}

/** What a probe found a DUT holding. */
export interface ProbeEvent {
  kind: "probe";
  device: string;
  label: string;
  method: "virtual" | "console" | "operator";
  /** Why the probe was taken (e.g. "baseline", "after-cot", "before-future-cot"). */
  purpose: string;
  ok: boolean;
  /** When ok is false: why no answer could be had. */
  error?: string;
  holdings?: Holdings;
  /** Operator answers, verbatim. */
  answers?: Record<string, string>;
}

export interface Holdings {
  consumption: HeldValue[];
  messages: HeldMessage[];
  topUps: HeldValue[];
  debts: HeldValue[];
}

export interface HeldValue {
  role: EndpointRole;
  clusterId: number;
  item: string;
  value: unknown;
  period?: string;
}

export interface HeldMessage {
  messageId: number;
  text: string;
}

export interface ErrorEvent {
  kind: "error";
  source: string;
  message: string;
  device?: string;
}

export interface NoteEvent {
  kind: "note";
  message: string;
  data?: Record<string, unknown>;
}

export type EvidenceBody =
  | RunEvent
  | PhaseEvent
  | ZclEvent
  | ServedEvent
  | JoinEvent
  | LeaveEvent
  | InterviewEvent
  | DiscoveryEvent
  | CotEvent
  | PresenceEvent
  | ProbeEvent
  | ErrorEvent
  | NoteEvent;

export type Evidence = EventBase & EvidenceBody;

/** Names of fields that could hold key material (network key, install codes, link keys, passwords). */
const SECRET_NAME = /key|install|secret|password|token/i;

/**
 * A copy of `value` without any field named like key material, at any depth: the one rule by which the
 * reports keep keys out even when a producer slipped one into the run event's hub parameters.
 */
export function withoutKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!SECRET_NAME.test(k)) out[k] = withoutKeys(v);
    return out;
  }
  return value;
}

/** Converts bigints and Buffers so that any decoded value can go into a JSON line. */
export function jsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return value;
  }
  if (value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = jsonSafe(value[i]);
    return out;
  }
  if (value instanceof Uint8Array) {
    return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString(
      "hex",
    );
  }
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = jsonSafe((value as Record<string, unknown>)[k]);
  return out;
}

/** `new Date(ms).toISOString()`, remembering the last answer (many events share a millisecond). */
class IsoCache {
  #ms = Number.NaN;
  #iso = "";
  of(ms: number): string {
    if (ms !== this.#ms) {
      this.#iso = new Date(ms).toISOString();
      this.#ms = ms;
    }
    return this.#iso;
  }
}

export interface EvidenceSink {
  append(body: EvidenceBody): Evidence;
}

/**
 * The run's evidence: kept in memory for the cases and, when given a path, appended to a JSONL file.
 * Lines are collected during one turn of the event loop and written with one system call at its end (or
 * as soon as 64 KiB are waiting). A busy log (one written less than `BUSY_MS` ago) collects for up to
 * `BUSY_MS` instead, so a virtual run of many frames pays one system call per batch rather than per turn.
 * `flush()` writes at once, and the process writes what is waiting when it exits, even on an uncaught
 * exception. So a crash loses nothing already seen.
 */
const BUSY_MS = 20;

export class EvidenceLog implements EvidenceSink {
  readonly events: Evidence[] = [];
  readonly #now: () => number;
  #fd: number | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #flushScheduled = false;
  #flushedAt = Number.NEGATIVE_INFINITY;
  #listeners: ((e: Evidence) => void)[] = [];
  readonly #onExit = () => this.flush();
  readonly #hubIso = new IsoCache();
  readonly #wallIso = new IsoCache();

  constructor(opts: { path?: string; now: () => number }) {
    this.#now = opts.now;
    if (opts.path) {
      this.#fd = openSync(opts.path, "a", 0o644);
      process.on("exit", this.#onExit);
    }
  }

  append(body: EvidenceBody): Evidence {
    // An object literal with a spread: V8 gives each kind of event a shared shape. Adding the body's keys one by
    // one to an object instead leaves it in dictionary mode, ~250 bytes more per event (a 16-device run holds
    // ~110k events: 179 -> 208 MB peak RSS measured).
    const event = {
      seq: this.events.length + 1,
      t: this.#hubIso.of(this.#now()),
      wall: this.#wallIso.of(Date.now()),
      ...(jsonSafe(body) as EvidenceBody),
    } as Evidence;
    this.events.push(event);
    if (this.#fd !== undefined) {
      const line = `${JSON.stringify(event)}\n`;
      this.#pending.push(line);
      this.#pendingBytes += line.length;
      if (this.#pendingBytes >= 65_536) this.flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        const since = performance.now() - this.#flushedAt;
        if (since >= BUSY_MS) setImmediate(() => this.flush());
        // unref'd: a process about to end writes what is waiting on exit
        else setTimeout(() => this.flush(), BUSY_MS - since).unref();
      }
    }
    for (const l of this.#listeners) l(event);
    return event;
  }

  /** Writes every line still waiting. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#fd === undefined || this.#pending.length === 0) return;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#pendingBytes = 0;
    writeSync(this.#fd, text);
    this.#flushedAt = performance.now();
  }

  /** Called for every event appended (progress displays, live views, captures). */
  onEvent(listener: (e: Evidence) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  close(): void {
    this.flush();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    process.off("exit", this.#onExit);
  }
}

/**
 * Reads an evidence file back. A line that is not valid JSON (for example the half-written last line of
 * a crashed run) is reported in `bad` and skipped; every good line is kept.
 */
export function readEvidence(path: string): { events: Evidence[]; bad: { line: number; text: string }[] } {
  const events: Evidence[] = [];
  const bad: { line: number; text: string }[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      events.push(JSON.parse(text) as Evidence);
    } catch {
      bad.push({ line: i + 1, text: text.slice(0, 80) });
    }
  });
  return { events, bad };
}

/**
 * The DUT seen live at the bench console: one line per event that matters, as it happens, made from the
 * evidence the hub appends (the same stream the cases read):
 *
 * - a join, a refusal, a leave, the end of an interview;
 * - a discovery (which endpoints the hub gave it);
 * - every read of 0x0708/0x0200–0x0201 and every GetChangeOfTenancy, with the hub's answer and the time since
 *   the CoT the device should be looking for;
 * - every history fetch (which attributes, which periods, and how they lie against the meter's CoT date T:
 *   cot-suite.md "Attribution") and every message fetch;
 * - with `verbose`, every other request too.
 *
 * A request is printed when the hub's answer to it goes out (same device and TSN), with what the hub served
 * in between. Lines start with the hub time (UTC, seconds). A display polls: a CoT query or message fetch
 * whose answer is the same as the device's last one to that endpoint gets no new line until a CoT is
 * recorded (with `verbose`, every one does).
 */
import { isCotQuery } from "../cluster-cot/questions.js";
import type { CotRecord } from "../hub/cots.js";
import type { EndpointRole, Evidence, ServedEvent, ZclEvent } from "../evidence/events.js";
import { formatDuration } from "../duration.js";
import { hex } from "../hex.js";
import { attributeId, ClusterId, commandId, globalCommand, Status, zclUtcToMs } from "../zcl/index.js";
import { attributeName, clusterName } from "./console.js";

const DM = ClusterId.deviceManagement;
const CMD_GET_LAST_MESSAGE = commandId(ClusterId.messaging, "clientToServer", "getLastMessage");
const CMD_GET_PROFILE = commandId(ClusterId.metering, "clientToServer", "getProfile");
const CMD_DEFAULT_RSP = globalCommand("defaultRsp")!.id;
const CMD_READ_RSP = globalCommand("readRsp")!.id;
const ATTR_COT_DATE = attributeId(DM, "changeOfTenancyUpdateDateTime");
const ATTR_COT_CONTROL = attributeId(DM, "proposedTenancyChangeControl");
/** What 0x0200 reads when no CoT is set. */
const NO_COT = 0xffffffff;

/** ZCL status names, from src/zcl's Status. */
const STATUS_NAME = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));

export interface LiveOptions {
  out(line: string): void;
  /** Every request, not only the ones that matter. */
  verbose?: boolean;
  /** The newest CoT recorded on a meter, if any (the one a device asking that meter should find). */
  latestCot(meter: EndpointRole): CotRecord | undefined;
  /** How a device is named in lines (a DUT's label, or its EUI-64). */
  nameOf?(ieee: string): string;
}

interface Pending {
  request: Evidence & ZclEvent;
  served: (Evidence & ServedEvent)[];
}

type Served = Evidence & ServedEvent;

function role(z: ZclEvent): string {
  return `${z.role ? z.role.toUpperCase() : "hub endpoint"} (ep ${z.hubEp})`;
}

function clock(e: Evidence): string {
  return e.t.slice(11, 19);
}

function day(text: string): string {
  return text.length >= 16 && text.slice(11, 16) !== "00:00" ? `${text.slice(0, 16)}Z` : text.slice(0, 10);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function status(code: unknown): string {
  const n = Number(code);
  return STATUS_NAME.get(n) ?? `status ${hex(n, 2)}`;
}

/** A ZCL UTCTime (seconds since 2000) as ISO text, or "none" for the "no CoT" values. */
export function zclTime(v: unknown): string {
  const n = Number(v);
  if (!Number.isFinite(n) || n === NO_COT || n === 0) return "none";
  return new Date(zclUtcToMs(n)).toISOString().replace(".000Z", "Z");
}

function control(v: unknown): string {
  return hex(Number(v), 8);
}

/** "previousDayConsumpDelivered … previousDay8ConsumptionDelivered" for a list of names. */
function span(names: string[]): string {
  if (names.length <= 2) return names.join(", ");
  return `${names[0]} … ${names.at(-1)}`;
}

export class LiveFeed {
  readonly #o: LiveOptions;
  /** Requests waiting for the hub's answer, by device and TSN. */
  readonly #pending = new Map<string, Pending>();
  /** The last answer shown per device, endpoint and query (for polls that change nothing). */
  readonly #lastAnswer = new Map<string, string>();

  constructor(opts: LiveOptions) {
    this.#o = opts;
  }

  /** Feeds one evidence event (subscribe with `evidence.onEvent(e => feed.on(e))`). */
  on(e: Evidence): void {
    const line = this.#lineFor(e);
    if (line) this.#line(e, line);
  }

  #lineFor(e: Evidence): string | undefined {
    switch (e.kind) {
      case "join":
        return e.accepted ? `joined: ${this.#name(e.device)}` : `refused: ${this.#name(e.device)} (${e.reason})`;
      case "leave":
        return `left: ${this.#name(e.device)}${e.reason ? ` (${e.reason})` : ""}`;
      case "interview":
        return e.status === "started" ? undefined : `interview ${e.status}: ${this.#name(e.device)}`;
      case "discovery": {
        const what = e.request === "matchDesc" ? "Match_Desc" : e.request === "simpleDesc" ? "Simple_Desc" : e.request;
        const found = e.endpoints.length ? `endpoints ${e.endpoints.join(", ")}` : "no Smart Energy endpoint";
        const clusters = e.clusters ? ` (${e.clusters.length} clusters)` : "";
        return `${this.#name(e.device)} discovery: ${what} → ${found}${clusters}`;
      }
      case "served":
        this.#pending.get(e.device)?.served.push(e);
        return undefined;
      case "cot":
        // the first query after a CoT is always shown, whatever it answers
        this.#lastAnswer.clear();
        return undefined;
      case "zcl":
        this.#zcl(e);
        return undefined;
      default:
        return undefined;
    }
  }

  #zcl(z: Evidence & ZclEvent): void {
    if (z.dir === "in" && z.direction === "clientToServer") {
      this.#pending.set(z.device, { request: z, served: [] });
      return;
    }
    if (z.dir !== "out" || z.direction !== "serverToClient") return;
    const p = this.#pending.get(z.device);
    if (!p || p.request.tsn !== z.tsn || p.request.clusterId !== z.clusterId) return;
    this.#pending.delete(z.device);
    const text = this.#describe(p.request, p.served, z);
    if (!text) return;
    if (!this.#o.verbose && (isCotQuery(p.request) || this.#isMessageFetch(p.request))) {
      const key = `${z.device}|${z.hubEp}|${p.request.frameType}|${p.request.commandId}`;
      const answer = text.replace(/; (the \w+'s CoT was recorded .* before|no CoT recorded on it yet)$/, "");
      if (this.#lastAnswer.get(key) === answer) return;
      this.#lastAnswer.set(key, answer);
    }
    this.#line(p.request, `${this.#name(z.device)} ${text}`);
  }

  #isMessageFetch(req: ZclEvent): boolean {
    return (
      req.clusterId === ClusterId.messaging && req.frameType === "specific" && req.commandId === CMD_GET_LAST_MESSAGE
    );
  }

  /** What a request and its answer say, or undefined for a request not worth a line (unless verbose). */
  #describe(req: Evidence & ZclEvent, served: Served[], answer: ZclEvent): string | undefined {
    if (isCotQuery(req)) return this.#cotQuery(req, answer);
    if (req.clusterId === ClusterId.metering) {
      const history = served.filter((s) => s.period && (/^previous/.test(s.item) || s.item.includes("intervals[")));
      if (history.length) return this.#history(req, history);
    }
    if (this.#isMessageFetch(req)) return this.#messageFetch(req, served, answer);
    if (!this.#o.verbose) return undefined;
    const ids = Array.isArray(req.payload) ? (req.payload as unknown[]).filter((x) => typeof x === "number") : [];
    const attrs = ids.length ? ` ${(ids as number[]).map((a) => attributeName(req.clusterId, a)).join(", ")}` : "";
    const answered =
      answer.commandId === CMD_DEFAULT_RSP && answer.frameType === "global" ? `: ${this.#defaultStatus(answer)}` : "";
    return `${clusterName(req.clusterId)} ${req.command}${attrs} to the ${role(req)}${answered}`;
  }

  #cotQuery(req: Evidence & ZclEvent, answer: ZclEvent): string {
    const cot = req.role ? this.#o.latestCot(req.role) : undefined;
    const since = cot
      ? `; the ${req.role!.toUpperCase()}'s CoT was recorded ${formatDuration(Math.max(0, Math.round((Date.parse(req.t) - cot.recordedAt) / 1000)) * 1000)} before`
      : "; no CoT recorded on it yet";
    if (req.frameType === "specific") {
      const a = answer.payload as Record<string, unknown> | undefined;
      const said =
        answer.frameType === "global" && answer.commandId === CMD_DEFAULT_RSP
          ? this.#defaultStatus(answer)
          : a
            ? `PublishChangeOfTenancy ${zclTime(a.implementationDateTime)}, control ${control(a.proposedTenancyChangeControl)}`
            : answer.command;
      return `GetChangeOfTenancy to the ${role(req)}: ${said}${since}`;
    }
    const records = answer.commandId === CMD_READ_RSP && Array.isArray(answer.payload) ? answer.payload : [];
    const parts: string[] = [];
    for (const r of records as Record<string, unknown>[]) {
      const id = Number(r.attrId);
      if (Number(r.status ?? 0) !== 0) parts.push(`${attributeName(DM, id)} ${status(r.status)}`);
      else if (id === ATTR_COT_DATE) parts.push(`date ${zclTime(r.attrData)}`);
      else if (id === ATTR_COT_CONTROL) parts.push(`control ${control(r.attrData)}`);
    }
    const said = parts.length ? parts.join(", ") : answer.command;
    return `read the CoT on the ${role(req)}: ${said}${since}`;
  }

  #history(req: Evidence & ZclEvent, history: Served[]): string {
    const periods = history.map((s) => s.period!).sort();
    const what =
      req.frameType === "specific" && req.commandId === CMD_GET_PROFILE
        ? `${history.length} profile intervals`
        : `${history.length} history attributes ${span(history.map((s) => s.item))}`;
    const range = periods.length > 1 ? `${day(periods[0]!)} … ${day(periods.at(-1)!)}` : day(periods[0]!);
    return `fetched ${what} from the ${role(req)}: periods ${range}${this.#againstCot(req.role, history)}`;
  }

  /** How the periods lie against the meter's CoT date T: "; against T 2026-…: 3 previous, 1 straddling". */
  #againstCot(meter: EndpointRole | undefined, history: Served[]): string {
    const cot = meter ? this.#o.latestCot(meter) : undefined;
    if (!cot) return "";
    const t = cot.implementationTime;
    let previous = 0;
    let next = 0;
    let straddling = 0;
    for (const s of history) {
      const start = Date.parse(s.period!);
      const end = s.periodEnd === undefined ? Number.NaN : Date.parse(s.periodEnd);
      if (end <= t) previous++;
      else if (start >= t) next++;
      else straddling++;
    }
    const counts = [
      previous ? `${previous} previous occupier's` : "",
      next ? `${next} new occupier's` : "",
      straddling ? `${straddling} across T` : "",
    ].filter(Boolean);
    return `; against the CoT's T ${iso(t)}: ${counts.join(", ")}`;
  }

  #messageFetch(req: Evidence & ZclEvent, served: Served[], answer: ZclEvent): string {
    if (answer.frameType === "global" && answer.commandId === CMD_DEFAULT_RSP) {
      return `fetched the last message from the ${role(req)}: ${this.#defaultStatus(answer)}`;
    }
    const id = served.find((s) => s.item.endsWith("messageId"))?.value;
    const text = served.find((s) => s.item.endsWith(".message"))?.value;
    return `fetched the last message from the ${role(req)}: ${id ?? "?"} '${text ?? ""}'`;
  }

  #defaultStatus(answer: ZclEvent): string {
    const p = (answer.payload ?? {}) as Record<string, unknown>;
    return status(p.statusCode ?? p.status);
  }

  #name(ieee: string): string {
    return this.#o.nameOf?.(ieee) ?? ieee;
  }

  #line(e: Evidence, text: string): void {
    this.#o.out(`${clock(e)} ${text}`);
  }
}

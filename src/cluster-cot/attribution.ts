/**
 * Attributing what a DUT holds to a tenancy (cot-suite.md "Data tagged by tenancy"): the suite never
 * guesses. A held value belongs to tenancy T only if it matches something the hub served (ServedEvent)
 * tagged T and nothing it served tagged with another tenancy. Anything else is `unattributed` and counts
 * for no tenancy.
 *
 * Matching:
 * - consumption, top-ups, debts (`HeldValue`): same clusterId, item and value, and the same period when
 *   either side has one (and the same role);
 * - failing that, a held value that is a record (a top-up `{code, amount}` the hub served field by field as
 *   `publishTopUpLog.topUps[0].topUpAmount` …): each of its fields is matched by value against what the hub
 *   served on the same cluster, and the item belongs to the one tenancy every matched field agrees on;
 * - messages (`HeldMessage`): a served Messaging (0x0703) value with the same message id, or the same text.
 *   A served message value is an object with `messageId` (or `id`) and `message` (or `text`), or the text
 *   itself.
 */
import type { Evidence, HeldMessage, HeldValue, Holdings, ServedEvent } from "../evidence/events.js";
import { ClusterId } from "../zcl/index.js";

export type Category = "consumption" | "messages" | "topUps" | "debts";

export type Served = Evidence & ServedEvent;

export interface AttributedItem {
  held: HeldValue | HeldMessage;
  /** The single tenancy the item is attributed to, if exactly one matched. */
  tenancy?: number;
  /** Every tenancy whose served data matched (more than one: ambiguous). */
  tenancies: number[];
  /** Seq numbers of the served events it matched. */
  served: number[];
}

export type Attributed = Record<Category, AttributedItem[]>;

/** A canonical string for comparing JSON-safe values: numbers and numeric strings compare equal. */
function canon(v: unknown): string {
  // a number's decimal form has nothing JSON escapes: quoting it is JSON.stringify(String(v))
  if (typeof v === "number" || typeof v === "bigint") return `"${v}"`;
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canon(x)}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * The message id and text of a served Messaging value, as far as it says: an object with `messageId` (or
 * `id`) and `message` (or `text`); or one field per event, named by the item (`displayMessage.messageId`,
 * `displayMessage.message`); or the text itself.
 */
export function servedMessage(s: ServedEvent): { id?: string; text?: string } | undefined {
  if (s.clusterId !== ClusterId.messaging) return undefined;
  const v = s.value;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const id = o.messageId ?? o.id;
    const text = o.message ?? o.text;
    return {
      ...(id !== undefined && id !== null ? { id: String(id) } : {}),
      ...(typeof text === "string" ? { text } : {}),
    };
  }
  if (/messageid$/i.test(s.item) && (typeof v === "number" || typeof v === "string")) return { id: String(v) };
  if (typeof v === "string") return { text: v };
  return undefined;
}

/** Periods compare as instants: an ISO string and hub ms of the same instant are the same period. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function periodKey(p: unknown): string | undefined {
  if (p === undefined || p === null) return undefined;
  if (typeof p === "number") return new Date(p).toISOString();
  if (typeof p === "string" && CANONICAL_ISO.test(p)) return p;
  const ms = Date.parse(String(p));
  return Number.isNaN(ms) ? String(p) : new Date(ms).toISOString();
}

/**
 * The served events of a DUT indexed for matching, each value's canonical form computed once. Build it once
 * over the whole log and pass the probe's seq to `attribute`: only what was served before the probe counts.
 */
export class ServedIndex {
  readonly #t: Tables;
  readonly #limit: number;

  constructor(served: readonly Served[], limit = Number.POSITIVE_INFINITY, tables?: Tables) {
    this.#limit = limit;
    this.#t = tables ?? buildTables(served);
  }

  /** The same index limited to events with seq below `seq`. */
  before(seq: number): ServedIndex {
    return new ServedIndex([], Math.min(seq, this.#limit), this.#t);
  }

  #keep = (s: Served) => s.seq < this.#limit;

  /** Same cluster, item, period (when either has one), role (when both have one) and value. */
  exact(held: HeldValue): Served[] {
    const v = canon(held.value);
    return (this.#t.byItem.get(`${held.clusterId}|${held.item}|${periodKey(held.period) ?? ""}`) ?? [])
      .filter((x) => x.v === v && this.#keep(x.s) && !(held.role && x.s.role && held.role !== x.s.role))
      .map((x) => x.s);
  }

  /** Served values of a cluster equal to this one, whatever their item. */
  sameValue(clusterId: number, value: unknown): Served[] {
    return (this.#t.byValue.get(`${clusterId}|${canon(value)}`) ?? []).filter(this.#keep);
  }

  message(held: HeldMessage): Served[] {
    const byId = this.#t.messagesById.get(String(held.messageId)) ?? [];
    const byText = this.#t.messagesByText.get(held.text) ?? [];
    return [...new Set([...byId, ...byText])].filter(this.#keep).sort((x, y) => x.seq - y.seq);
  }
}

interface Tables {
  byItem: Map<string, { s: Served; v: string }[]>;
  byValue: Map<string, Served[]>;
  messagesById: Map<string, Served[]>;
  messagesByText: Map<string, Served[]>;
}

function buildTables(served: readonly Served[]): Tables {
  const t: Tables = { byItem: new Map(), byValue: new Map(), messagesById: new Map(), messagesByText: new Map() };
  const push = <T>(m: Map<string, T[]>, k: string, x: T) => {
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  };
  for (const s of served) {
    const v = canon(s.value);
    push(t.byItem, `${s.clusterId}|${s.item}|${periodKey(s.period) ?? ""}`, { s, v });
    push(t.byValue, `${s.clusterId}|${v}`, s);
    const m = servedMessage(s);
    if (m?.id !== undefined) push(t.messagesById, m.id, s);
    if (m?.text !== undefined) push(t.messagesByText, m.text, s);
  }
  return t;
}

/** The primitive fields of a record value (nested records and lists flattened). */
function leaves(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (v && typeof v === "object") return Object.values(v).flatMap(leaves);
  return v === null || v === undefined || v === "" ? [] : [v];
}

/** Field-by-field attribution of a record value; undefined when the value is no record or nothing matched. */
function attributeFields(held: HeldValue, index: ServedIndex): AttributedItem | undefined {
  if (!held.value || typeof held.value !== "object") return undefined;
  let common: Set<number> | undefined;
  const seqs: number[] = [];
  for (const leaf of leaves(held.value)) {
    const hits = index.sameValue(held.clusterId, leaf);
    if (hits.length === 0) continue;
    const ts = new Set(hits.map((s) => s.tenancy));
    common = common ? new Set([...common].filter((t) => ts.has(t))) : ts;
    seqs.push(...hits.map((s) => s.seq));
  }
  if (!common) return undefined;
  const tenancies = [...common].sort((a, b) => a - b);
  return {
    held,
    ...(tenancies.length === 1 ? { tenancy: tenancies[0] } : {}),
    tenancies,
    served: [...new Set(seqs)].sort((a, b) => a - b),
  };
}

function attributeOne(held: HeldValue | HeldMessage, matches: Served[]): AttributedItem {
  const tenancies = [...new Set(matches.map((s) => s.tenancy))].sort((a, b) => a - b);
  return {
    held,
    ...(tenancies.length === 1 ? { tenancy: tenancies[0] } : {}),
    tenancies,
    served: matches.map((s) => s.seq),
  };
}

/** Attributes every held item against the served events (pass the ones for this DUT). */
export function attribute(
  holdings: Holdings,
  served: readonly Served[] | ServedIndex,
  opts: { beforeSeq?: number } = {},
): Attributed {
  const all = served instanceof ServedIndex ? served : new ServedIndex(served);
  const index = opts.beforeSeq === undefined ? all : all.before(opts.beforeSeq);
  const values = (list: HeldValue[] | undefined) =>
    (list ?? []).map((h) => {
      const exact = index.exact(h);
      return exact.length ? attributeOne(h, exact) : (attributeFields(h, index) ?? attributeOne(h, []));
    });
  return {
    consumption: values(holdings.consumption),
    topUps: values(holdings.topUps),
    debts: values(holdings.debts),
    messages: (holdings.messages ?? []).map((h) => attributeOne(h, index.message(h))),
  };
}

/** Items of a category attributed to exactly this tenancy. */
export function heldOf(a: Attributed, category: Category, tenancy: number): AttributedItem[] {
  return a[category].filter((i) => i.tenancy === tenancy);
}

/** A short description of a held item for reasons: `previousDayConsumptionDelivered@2026-…=1234`, `msg 4821`. */
function describeHeld(item: AttributedItem): string {
  const h = item.held;
  if ("messageId" in h) return `msg ${h.messageId}`;
  return `${h.item}${h.period ? `@${h.period}` : ""}=${String(h.value)}`;
}

/** Up to `max` item descriptions, then "+N more". */
export function listHeld(items: AttributedItem[], max = 3): string {
  const shown = items.slice(0, max).map(describeHeld).join(", ");
  return items.length > max ? `${shown} +${items.length - max} more` : shown;
}

/**
 * The series a value belongs to, whatever the attribute that carried it: `currentDayConsumpDelivered` and
 * `previousDay3ConsumptionDelivered` are both the daily delivered series (`Day|ConsumptionDelivered`), a
 * running day becoming a previous one keeps its series; `getProfileResponse.intervals[5]` is the interval
 * series. Other names are their own series.
 */
export function seriesOf(item: string): string {
  const m = /^(?:current|previous)(Day|Week|Month|Year)\d*(.*)$/i.exec(item);
  if (m)
    return `${m[1]!.toLowerCase()}|${m[2]!.replace(/^(Alternative|Cost)?Consump(?=Delivered|Received)/, "$1Consumption")}`;
  return item.replace(/\[\d+\]/g, "[]");
}

/**
 * What identifies a held item across probes: a message by its id; a value by role, cluster, series and
 * period, or by item when it has no period.
 */
function holdingKey(item: AttributedItem): string {
  const h = item.held;
  if ("messageId" in h) return `msg|${h.messageId}`;
  const period = periodKey(h.period);
  return period === undefined
    ? `${h.role}|${h.clusterId}|${h.item}`
    : `${h.role}|${h.clusterId}|${seriesOf(h.item)}|${period}`;
}

/**
 * Items of a tenancy held in an earlier probe whose key no later probe of the same DUT holds for that
 * tenancy: data the device dropped (a value re-fetched after a clear has the same key and is not lost).
 */
export function lostItems(
  earlier: Attributed,
  later: Attributed,
  category: Category,
  tenancy: number,
): AttributedItem[] {
  const kept = new Set(heldOf(later, category, tenancy).map(holdingKey));
  return heldOf(earlier, category, tenancy).filter((i) => !kept.has(holdingKey(i)));
}

/**
 * What belongs to the previous occupier (cot-suite.md "Attribution"). The meters keep serving one
 * continuous series whoever lives in the home, so nothing a DUT holds is the previous occupier's because of
 * who was in when it was served: it is sorted by class against each meter's implementation time T.
 *
 * - Interval data (`consumption`: consumption or cost of a day, week, month or half-hour): the previous
 *   occupier's when its period ends at or before T, the new occupier's when it starts at or after T; a
 *   period straddling T is counted and reported, not judged. The period is the one the probe reports with
 *   the value; failing that, the one of the served figure the value traces to (every history figure is
 *   unique per attribute and period: src/hub/data/history.ts `periodFigure`). A value no period can be
 *   found for is `untraced`: counted and reported.
 * - Device aggregates (totals, averages, budgets the device keeps): the previous occupier's when their start
 *   is before T and they are still shown after the first boundary of their own granularity after T; before
 *   that boundary they are `pending`.
 * - Meter state (readings, balance, tariff): never judged.
 * - Supplier messages: the previous occupier's when published before T (the first time the hub served or
 *   pushed it); one the DUT held across T is `heldAcross`, one it fetched again after T (the probe reports
 *   it received at or after T) is not (COT-18 reports those). When the probe does not say when the copy was
 *   received and the hub served the message to the DUT again after T, whether it was kept or fetched again
 *   is unknown (`heldAcross` undefined).
 * - Top-ups and debt collections (COT-11): by their time against T.
 *
 * A meter without a T in the question leaves its items `unjudged`.
 */
import type {
  EndpointRole,
  Evidence,
  HeldAggregate,
  HeldMessage,
  HeldValue,
  Holdings,
  ServedEvent,
} from "../evidence/events.js";
import { nextBoundary, type PeriodKind, periodAt } from "../hub/data/periods.js";
import { ClusterId } from "../zcl/index.js";

export type Category = "consumption" | "messages" | "topUps" | "debts" | "aggregates" | "state";
export const CATEGORIES: readonly Category[] = ["consumption", "messages", "topUps", "debts", "aggregates", "state"];

/**
 * previous / new: the previous or the new occupier's; straddling: a period across T; pending: an
 * aggregate whose granularity boundary after T has not come; unjudged: meter state, or a meter without a T;
 * untraced: nothing tells what period (or message) it is.
 */
export type Side = "previous" | "new" | "straddling" | "pending" | "unjudged" | "untraced";

export type Served = Evidence & ServedEvent;

/** Each meter's implementation time (hub ms) for the CoT in question. */
export type Ts = Partial<Record<EndpointRole, number>>;

export interface AttributedItem {
  category: Category;
  held: HeldValue | HeldMessage | HeldAggregate;
  role?: EndpointRole;
  /** The period (interval data), the time (top-ups, debts: start = end) or the publication (messages: start). */
  period?: { start: number; end: number };
  side: Side;
  /** Messages of the previous occupier: held across T (true), fetched again after it (false), unknown. */
  heldAcross?: boolean;
  /** Seq numbers of the served events it traces to. */
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

/** An ISO time or hub ms as hub ms; undefined when it is neither. */
export function timeOf(p: unknown): number | undefined {
  if (typeof p === "number" && Number.isFinite(p)) return p;
  if (typeof p !== "string") return undefined;
  const ms = Date.parse(p);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The series a value belongs to, whatever the attribute that carried it: `currentDayConsumpDelivered` and
 * `previousDay3ConsumptionDelivered` are both the daily delivered series (`day|ConsumptionDelivered`), a
 * running day becoming a previous one keeps its series; `getProfileResponse.intervals[5]` is the interval
 * series. Other names are their own series.
 */
export function seriesOf(item: string): string {
  const m = /^(?:current|previous)(Day|Week|Month|Year)\d*(.*)$/i.exec(item);
  if (m)
    return `${m[1]!.toLowerCase()}|${m[2]!.replace(/^(Alternative|Cost)?Consump(?=Delivered|Received)/, "$1Consumption")}`;
  return item.replace(/\[\d+\]/g, "[]");
}

/** The kind of period an item's series counts in, when its name says. */
export function periodKindOf(item: string): PeriodKind | undefined {
  const m = /^(?:current|previous)(Day|Week|Month|Year)\d*/i.exec(item);
  if (m) return m[1]!.toLowerCase() as PeriodKind;
  if (/^(getProfileResponse\.intervals|getSampledDataResponse\.samples)\[\d+\]$/.test(item)) return "halfHour";
  return undefined;
}

interface Tables {
  /** The served events of a cluster, item and period, with each one's value in canonical form (canon), alike. */
  byItem: Map<string, { s: Served[]; v: string[] }>;
  byPeriod: Map<string, Served[]>;
  byValue: Map<string, Served[]>;
  messagesById: Map<string, Served[]>;
  messagesByText: Map<string, Served[]>;
}

function push<T>(m: Map<string, T[]>, k: string, x: T): void {
  const l = m.get(k);
  if (l) l.push(x);
  else m.set(k, [x]);
}

function buildTables(served: readonly Served[]): Tables {
  const t: Tables = {
    byItem: new Map(),
    byPeriod: new Map(),
    byValue: new Map(),
    messagesById: new Map(),
    messagesByText: new Map(),
  };
  // a DUT's served events repeat few items and values: each series and canonical value is kept once
  const series = new Map<string, string>();
  const values = new Map<string, string>();
  for (const s of served) {
    let v = canon(s.value);
    const known = values.get(v);
    if (known === undefined) values.set(v, v);
    else v = known;
    const start = timeOf(s.period);
    const itemKey = `${s.clusterId}|${s.item}|${start ?? ""}`;
    const same = t.byItem.get(itemKey);
    if (same) {
      same.s.push(s);
      same.v.push(v);
    } else t.byItem.set(itemKey, { s: [s], v: [v] });
    if (start !== undefined) {
      let ser = series.get(s.item);
      if (ser === undefined) {
        ser = seriesOf(s.item);
        series.set(s.item, ser);
      }
      push(t.byPeriod, `${s.clusterId}|${s.role}|${ser}|${start}`, s);
    }
    push(t.byValue, `${s.clusterId}|${v}`, s);
    const m = servedMessage(s);
    if (m?.id !== undefined) push(t.messagesById, m.id, s);
    if (m?.text !== undefined) push(t.messagesByText, m.text, s);
  }
  return t;
}

/**
 * The served events of a DUT indexed for matching, each value's canonical form computed once. Build it once
 * over the whole log and use `before(seq)`: only what was served before the probe counts.
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
    if (held.value === undefined) return [];
    const v = canon(held.value);
    const same = this.#t.byItem.get(`${held.clusterId}|${held.item}|${timeOf(held.period) ?? ""}`);
    const out: Served[] = [];
    if (!same) return out;
    for (let i = 0; i < same.s.length; i++) {
      const s = same.s[i]!;
      if (same.v[i] === v && this.#keep(s) && !(held.role && s.role && held.role !== s.role)) out.push(s);
    }
    return out;
  }

  /** Served figures of the same cluster, meter and series for the period starting at `start`. */
  samePeriod(held: HeldValue, start: number): Served[] {
    return (this.#t.byPeriod.get(`${held.clusterId}|${held.role}|${seriesOf(held.item)}|${start}`) ?? []).filter(
      this.#keep,
    );
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

/** The primitive fields of a record value (nested records and lists flattened). */
function leaves(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (v && typeof v === "object") return Object.values(v).flatMap(leaves);
  return v === null || v === undefined || v === "" ? [] : [v];
}

/** The served events a record value (a top-up `{code, amount}`) traces to, field by field on its cluster. */
function recordMatches(held: HeldValue, index: ServedIndex): Served[] {
  if (!held.value || typeof held.value !== "object") return [];
  return leaves(held.value).flatMap((leaf) => index.sameValue(held.clusterId, leaf));
}

function sideOf(period: { start: number; end: number }, t: number | undefined): Side {
  if (t === undefined) return "unjudged";
  if (period.end <= t) return "previous";
  if (period.start >= t) return "new";
  return "straddling";
}

/** The period of a held figure: the probe's, else the served figure's it traces to; undefined when none. */
function periodOfValue(
  held: HeldValue,
  index: ServedIndex,
): { period?: { start: number; end: number }; served: Served[] } {
  const exact = index.exact(held);
  const start = timeOf(held.period);
  const fromServed = (s: Served | undefined) => {
    const a = timeOf(s?.period);
    const b = timeOf(s?.periodEnd);
    return a !== undefined && b !== undefined ? { start: a, end: b } : undefined;
  };
  if (start !== undefined) {
    const end =
      timeOf(held.periodEnd) ??
      fromServed(exact[0] ?? index.samePeriod(held, start)[0])?.end ??
      (() => {
        const kind = periodKindOf(held.item);
        return kind ? periodAt(kind, start).end : undefined;
      })();
    return end !== undefined ? { period: { start, end }, served: exact } : { served: exact };
  }
  if (held.value === undefined) return { served: [] };
  // no period reported: the value names the period it is the figure of, if it traces to one
  const series = seriesOf(held.item);
  const matches = index
    .sameValue(held.clusterId, held.value)
    .filter((s) => s.period !== undefined && seriesOf(s.item) === series && (!held.role || s.role === held.role));
  const periods = new Set(matches.map((s) => `${s.period}/${s.periodEnd}`));
  if (periods.size !== 1) return { served: matches };
  return { ...(fromServed(matches[0]) ? { period: fromServed(matches[0])! } : {}), served: matches };
}

export interface AttributeOptions {
  /** Hub time of the probe. */
  probeMs: number;
  /** Each meter's T for the CoT in question (none: every item is `unjudged`). */
  ts: Ts;
  /** Only served events with seq below this count (the probe's seq). */
  beforeSeq?: number;
}

/** Sorts everything a probe found against the CoT's T of each meter (pass the served events of this DUT). */
export function attribute(
  holdings: Holdings,
  served: readonly Served[] | ServedIndex,
  opts: AttributeOptions,
): Attributed {
  const all = served instanceof ServedIndex ? served : new ServedIndex(served);
  const index = opts.beforeSeq === undefined ? all : all.before(opts.beforeSeq);
  const ts = opts.ts;

  const interval = (held: HeldValue): AttributedItem => {
    const { period, served: s } = periodOfValue(held, index);
    const served = s.map((x) => x.seq);
    // two literals rather than a spread: one compact shape each for the thousands of items of a report
    return period
      ? { category: "consumption", held, role: held.role, period, side: sideOf(period, ts[held.role]), served }
      : { category: "consumption", held, role: held.role, side: "untraced", served };
  };

  const timed = (category: "topUps" | "debts") => (held: HeldValue) => {
    const at = timeOf(held.period);
    const matches = index.exact(held).length ? index.exact(held) : recordMatches(held, index);
    return {
      category,
      held,
      role: held.role,
      ...(at !== undefined ? { period: { start: at, end: at } } : {}),
      side: at === undefined ? "untraced" : sideOf({ start: at, end: at + 1 }, ts[held.role]),
      served: [...new Set(matches.map((x) => x.seq))].sort((a, b) => a - b),
    } satisfies AttributedItem;
  };

  const aggregate = (held: HeldAggregate): AttributedItem => {
    const start = timeOf(held.start);
    const t = ts[held.role];
    let side: Side;
    if (start === undefined) side = "untraced";
    else if (t === undefined) side = "unjudged";
    else if (start >= t) side = "new";
    else side = opts.probeMs >= nextBoundary(held.granularity, t) ? "previous" : "pending";
    return {
      category: "aggregates",
      held,
      role: held.role,
      ...(start !== undefined ? { period: { start, end: opts.probeMs } } : {}),
      side,
      served: [],
    };
  };

  const message = (held: HeldMessage): AttributedItem => {
    const matches = index.message(held);
    const first = matches[0];
    if (!first) return { category: "messages", held, side: "untraced", served: [] };
    const start = Date.parse(first.t);
    const roles = [...new Set(matches.map((s) => s.role))];
    const meterTs = roles.map((r) => ts[r]).filter((t): t is number => t !== undefined);
    const role = roles.length === 1 ? roles[0] : undefined;
    const base = {
      category: "messages" as const,
      held,
      ...(role ? { role } : {}),
      period: { start, end: start },
      served: matches.map((s) => s.seq),
    };
    if (meterTs.length === 0) return { ...base, side: "unjudged" };
    const t = Math.min(...meterTs);
    if (start >= t) return { ...base, side: "new" };
    const received = timeOf(held.receivedAt);
    const servedAgain = matches.some((s) => s.device !== "*" && Date.parse(s.t) >= t);
    const heldAcross = received !== undefined ? received < t : servedAgain ? undefined : true;
    return { ...base, side: "previous", ...(heldAcross === undefined ? {} : { heldAcross }) };
  };

  return {
    consumption: (holdings.consumption ?? []).map(interval),
    messages: (holdings.messages ?? []).map(message),
    topUps: (holdings.topUps ?? []).map(timed("topUps")),
    debts: (holdings.debts ?? []).map(timed("debts")),
    aggregates: (holdings.aggregates ?? []).map(aggregate),
    state: (holdings.state ?? []).map((held) => ({
      category: "state" as const,
      held,
      role: held.role,
      side: "unjudged" as const,
      served: index.exact(held).map((x) => x.seq),
    })),
  };
}

/** Items of a category on one side of T. */
export function itemsOn(a: Attributed, category: Category, side: Side): AttributedItem[] {
  return a[category].filter((i) => i.side === side);
}

/** The previous occupier's items of a category (messages: only those held across T, unless `anyMessage`). */
export function previousOf(a: Attributed, category: Category, opts: { anyMessage?: boolean } = {}): AttributedItem[] {
  return a[category].filter(
    (i) => i.side === "previous" && (category !== "messages" || opts.anyMessage || i.heldAcross !== false),
  );
}

/** Counts of an attributed category by side, for reasons: `3 previous, 2 new, 1 straddling`. */
export function sideCounts(items: AttributedItem[]): string {
  const counts = new Map<Side, number>();
  for (const i of items) counts.set(i.side, (counts.get(i.side) ?? 0) + 1);
  const order: Side[] = ["previous", "new", "straddling", "pending", "unjudged", "untraced"];
  const parts = order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return parts.length ? parts.join(", ") : "none";
}

/** A short description of a held item for reasons: `previousDayConsumptionDelivered@2026-…=1234`, `msg 4821`. */
function describeHeld(item: AttributedItem): string {
  const h = item.held;
  if ("messageId" in h) return `msg ${h.messageId}`;
  if ("granularity" in h) return `${h.item} since ${h.start} (${h.granularity})`;
  const v = h.value === undefined ? "" : `=${typeof h.value === "object" ? JSON.stringify(h.value) : String(h.value)}`;
  return `${h.item}${h.period ? `@${h.period}` : ""}${v}`;
}

/** Up to `max` item descriptions, then "+N more". */
export function listHeld(items: AttributedItem[], max = 3): string {
  const shown = items.slice(0, max).map(describeHeld).join(", ");
  return items.length > max ? `${shown} +${items.length - max} more` : shown;
}

/**
 * What identifies a held item across probes: a message by its id; an aggregate by role and item; a value
 * by role, cluster, series and period, or by item when it has no period.
 */
function holdingKey(item: AttributedItem): string {
  const h = item.held;
  if ("messageId" in h) return `msg|${h.messageId}`;
  if ("granularity" in h) return `agg|${h.role}|${h.item}`;
  const period = timeOf(h.period);
  return period === undefined
    ? `${h.role}|${h.clusterId}|${h.item}|${canon(h.value)}`
    : `${h.role}|${h.clusterId}|${seriesOf(h.item)}|${period}`;
}

/**
 * Items on `side` in an earlier probe whose key no later probe of the same DUT holds: data the device
 * dropped (a value fetched again after a clear has the same key and is not lost).
 */
export function lostItems(earlier: Attributed, later: Attributed, category: Category, side: Side): AttributedItem[] {
  const kept = new Set(later[category].map(holdingKey));
  return itemsOn(earlier, category, side).filter((i) => !kept.has(holdingKey(i)));
}

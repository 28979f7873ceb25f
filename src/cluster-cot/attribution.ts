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
import { instantOf, nextBoundary, type PeriodKind, periodAt } from "../hub/data/periods.js";
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
  // a report reads the same few period strings in thousands of served events and held items: parsed once
  const ms = instantOf(p);
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

function push<T>(m: Map<string, T[]>, k: string, x: T): void {
  const l = m.get(k);
  if (l) l.push(x);
  else m.set(k, [x]);
}

/** The map under `k` in `m`, made when there is none. */
function child<K, K2, V>(m: Map<K, Map<K2, V>>, k: K): Map<K2, V> {
  let c = m.get(k);
  if (!c) {
    c = new Map();
    m.set(k, c);
  }
  return c;
}

function inSeqOrder(served: readonly Served[]): boolean {
  for (let i = 1; i < served.length; i++) if (served[i - 1]!.seq >= served[i]!.seq) return false;
  return true;
}

/** The served events of one cluster, item, period and value (in the order given), and those a role's value matches. */
class SameValue {
  readonly all: Served[] = [];
  /** The role of every event while they all have the same one; `mixed` once they do not. */
  #role: string | undefined;
  #mixed = false;
  #byRole: Map<string, Served[]> | undefined;

  add(s: Served): void {
    if (this.all.length === 0) this.#role = s.role;
    else if (s.role !== this.#role) this.#mixed = true;
    this.all.push(s);
  }

  /** What a held value of `role` matches (read once every event is added): events of that role or of none. */
  of(role: string | undefined): readonly Served[] {
    if (!role) return this.all;
    // most lists are of one role: the held value's, or another
    if (!this.#mixed && this.#role) return this.#role === role ? this.all : [];
    this.#byRole ??= new Map();
    let list = this.#byRole.get(role);
    if (!list) {
      list = this.all.filter((s) => !(s.role && s.role !== role));
      this.#byRole.set(role, list);
    }
    return list;
  }
}

/**
 * The served events of a DUT in tables for matching, each list in the order of `served`. Only the events' cluster
 * and item are read at once; each table is built when first read, for one item or cluster where it can be (a
 * DUT is served hundreds of items, such as each field of a prepayment log, that no held value names).
 */
class Tables {
  readonly inSeqOrder: boolean;
  readonly #served: readonly Served[];
  /**
   * Cluster → item → the events. Cluster and item are keyed as strings: a held value's are compared as their
   * text, as a key joined from them would be.
   */
  readonly #items = new Map<string, Map<string, Served[]>>();
  /** Per list of #items, once asked for: period start (undefined: none) → canonical value (canon) → the events. */
  readonly #byItem = new Map<Served[], Map<number | undefined, Map<string, SameValue>>>();
  /** Cluster → the events. */
  readonly #clusters = new Map<string, Served[]>();
  /** Per cluster, once asked for: canonical value → the events, and their seq numbers. */
  readonly #byValue = new Map<string, Map<string, { events: Served[]; seqs?: number[] }>>();
  #byPeriod: Map<string, Served[]> | undefined;
  #messagesById: Map<string, Served[]> | undefined;
  #messagesByText: Map<string, Served[]> | undefined;

  constructor(served: readonly Served[]) {
    this.inSeqOrder = inSeqOrder(served);
    this.#served = served;
    for (const s of served) {
      const cluster = String(s.clusterId);
      push(child(this.#items, cluster), String(s.item), s);
      push(this.#clusters, cluster, s);
    }
  }

  /** The events of a cluster, item and period start, by canonical value: what `exact` matches a held value in. */
  sameItem(clusterId: unknown, item: unknown, start: number | undefined): Map<string, SameValue> | undefined {
    const list = this.#items.get(String(clusterId))?.get(String(item));
    if (!list) return undefined;
    let byPeriod = this.#byItem.get(list);
    if (!byPeriod) {
      byPeriod = new Map();
      for (const s of list) {
        const byValue = child(byPeriod, timeOf(s.period));
        const v = canon(s.value);
        let same = byValue.get(v);
        if (!same) {
          same = new SameValue();
          byValue.set(v, same);
        }
        same.add(s);
      }
      this.#byItem.set(list, byPeriod);
    }
    return byPeriod.get(start);
  }

  /** The events of a cluster whose value's canonical form is `v`, with their seq numbers. */
  sameValue(clusterId: unknown, v: string): { events: Served[]; seqs?: number[] } | undefined {
    const cluster = String(clusterId);
    let byValue = this.#byValue.get(cluster);
    if (!byValue) {
      byValue = new Map();
      for (const s of this.#clusters.get(cluster) ?? []) {
        const key = canon(s.value);
        const same = byValue.get(key);
        if (same) same.events.push(s);
        else byValue.set(key, { events: [s] });
      }
      this.#byValue.set(cluster, byValue);
    }
    return byValue.get(v);
  }

  /** The seq numbers of the events of a cluster whose value's canonical form is `v`, in the order of `served`. */
  seqsOfValue(clusterId: unknown, v: string): readonly number[] {
    const same = this.sameValue(clusterId, v);
    if (!same) return [];
    same.seqs ??= same.events.map((s) => s.seq);
    return same.seqs;
  }

  /** `cluster|role|series|start` → the figures of that period. */
  get byPeriod(): Map<string, Served[]> {
    if (!this.#byPeriod) {
      this.#byPeriod = new Map();
      // a DUT's served events repeat few items: each series is worked out once
      const series = new Map<string, string>();
      for (const s of this.#served) {
        const start = timeOf(s.period);
        if (start === undefined) continue;
        let ser = series.get(s.item);
        if (ser === undefined) {
          ser = seriesOf(s.item);
          series.set(s.item, ser);
        }
        push(this.#byPeriod, `${s.clusterId}|${s.role}|${ser}|${start}`, s);
      }
    }
    return this.#byPeriod;
  }

  get messagesById(): Map<string, Served[]> {
    if (!this.#messagesById) this.#messages();
    return this.#messagesById!;
  }

  get messagesByText(): Map<string, Served[]> {
    if (!this.#messagesByText) this.#messages();
    return this.#messagesByText!;
  }

  #messages(): void {
    this.#messagesById = new Map();
    this.#messagesByText = new Map();
    for (const s of this.#served) {
      const m = servedMessage(s);
      if (m?.id !== undefined) push(this.#messagesById, m.id, s);
      if (m?.text !== undefined) push(this.#messagesByText, m.text, s);
    }
  }
}

/** How many of a list in ascending seq order have seq below `limit` (binary search). */
function belowLimit<T>(list: readonly T[], limit: number, seqOf: (x: T) => number): number {
  if (list.length === 0 || seqOf(list[list.length - 1]!) < limit) return list.length;
  let lo = 0;
  let hi = list.length - 1;
  // the first at or past the limit lies in [lo, hi]: list[hi] is
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqOf(list[mid]!) < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The union of ascending `a` and the first `n` of ascending `b`, ascending, each number once. */
function mergeAscending(a: readonly number[], b: readonly number[], n: number): readonly number[] {
  if (n === 0) return a;
  if (a.length === 0) return n === b.length ? b : b.slice(0, n);
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < n) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < n) out.push(b[j++]!);
  return out;
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
    this.#t = tables ?? new Tables(served);
  }

  /** The same index limited to events with seq below `seq`. */
  before(seq: number): ServedIndex {
    return new ServedIndex([], Math.min(seq, this.#limit), this.#t);
  }

  /**
   * The events of a list with seq below the limit, in its order. When the lists are in seq order (a DUT's
   * served events are: DutView merges them by seq), that is the prefix up to the first event at or past the
   * limit, found by binary search; the list itself when all of it is (callers never change what they are given).
   */
  #kept(list: readonly Served[] | undefined): readonly Served[] {
    if (!list) return [];
    const limit = this.#limit;
    if (!this.#t.inSeqOrder) return list.filter((s) => s.seq < limit);
    const n = belowLimit(list, limit, (s) => s.seq);
    return n === list.length ? list : list.slice(0, n);
  }

  /** Same cluster, item, period (when either has one), role (when both have one) and value. */
  exact(held: HeldValue): readonly Served[] {
    if (held.value === undefined) return [];
    const same = this.#t.sameItem(held.clusterId, held.item, timeOf(held.period));
    return this.#kept(same?.get(canon(held.value))?.of(held.role));
  }

  /** Served figures of the same cluster, meter and series for the period starting at `start`. */
  samePeriod(held: HeldValue, start: number): readonly Served[] {
    return this.#kept(this.#t.byPeriod.get(`${held.clusterId}|${held.role}|${seriesOf(held.item)}|${start}`));
  }

  /** Served values of a cluster equal to this one, whatever their item. */
  sameValue(clusterId: number, value: unknown): readonly Served[] {
    return this.#kept(this.#t.sameValue(clusterId, canon(value))?.events);
  }

  /**
   * The seq numbers of the served events a record value (a top-up `{code, amount}`) traces to, field by field on
   * its cluster (sameValue of each field), ascending, each once.
   */
  recordSeqs(held: HeldValue): number[] {
    if (!held.value || typeof held.value !== "object") return [];
    const limit = this.#limit;
    const lists = leaves(held.value).map((leaf) => this.#t.seqsOfValue(held.clusterId, canon(leaf)));
    if (!this.#t.inSeqOrder) return [...new Set(lists.flat().filter((q) => q < limit))].sort((a, b) => a - b);
    // each field's list is ascending and each seq in it once: their prefixes below the limit, merged
    let out: readonly number[] = [];
    for (const list of lists)
      out = mergeAscending(
        out,
        list,
        belowLimit(list, limit, (q) => q),
      );
    // a copy when it is one field's list as the tables hold it
    return lists.includes(out) ? [...out] : (out as number[]);
  }

  message(held: HeldMessage): Served[] {
    const byId = this.#t.messagesById.get(String(held.messageId)) ?? [];
    const byText = this.#t.messagesByText.get(held.text) ?? [];
    return [...new Set([...byId, ...byText])].filter((s) => s.seq < this.#limit).sort((x, y) => x.seq - y.seq);
  }
}

/** The primitive fields of a record value (nested records and lists flattened). */
function leaves(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (v && typeof v === "object") return Object.values(v).flatMap(leaves);
  return v === null || v === undefined || v === "" ? [] : [v];
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
): { period?: { start: number; end: number }; served: readonly Served[] } {
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
    const exact = index.exact(held);
    return {
      category,
      held,
      role: held.role,
      ...(at !== undefined ? { period: { start: at, end: at } } : {}),
      side: at === undefined ? "untraced" : sideOf({ start: at, end: at + 1 }, ts[held.role]),
      served: exact.length ? [...new Set(exact.map((x) => x.seq))].sort((a, b) => a - b) : index.recordSeqs(held),
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

/**
 * What an emulated IHD / PPMID holds: consumption and cost history with the period of each value, supplier
 * messages with when each was received, a device aggregate (IHD), the meters' register readings, and (PPMID)
 * top-ups and debt payments. The store is the device's non-volatile memory: it survives power cycles and is
 * what the `virtual` probe reads through `holdings()`.
 *
 * A history entry is keyed by (role, cluster, series, period). Values of past periods are kept as first
 * fetched, the way a display builds up its own history; only the running period (current day, week, month)
 * is refreshed. So a device that fails to clear still shows the previous occupier's history after fetching
 * the new occupier's data.
 */
import type { EndpointRole, HeldAggregate, HeldMessage, HeldValue, Holdings } from "../../evidence/events.js";
import { instantOf } from "../../hub/data/periods.js";

export interface ConsumptionEntry {
  role: EndpointRole;
  clusterId: number;
  /** Attribute or command-field name the value was first served under. */
  item: string;
  value: number;
  /** ISO start of the period the value belongs to. */
  period: string;
  /** ISO end of that period (exclusive). */
  periodEnd: string;
  /** Series the value belongs to (`ConsumptionDelivered/day`, `profile:<seconds>`, …), part of the key. */
  series: string;
  /** True while the period is still running: a later read may replace it. */
  running: boolean;
  /** Hub time (ms) the value was stored. */
  storedAt: number;
}

export interface StoredMessage {
  role: EndpointRole;
  messageId: number;
  text: string;
  /** Hub ms the device received the copy it holds. */
  receivedAt: number;
}

export interface StoredTopUp {
  role: EndpointRole;
  clusterId: number;
  code: string;
  amount: number;
  /** ISO time of the top-up. */
  time: string;
}

export interface StoredDebtPayment {
  role: EndpointRole;
  clusterId: number;
  debtType: number;
  amountCollected: number;
  outstandingDebt: number;
  /** ISO time of the collection. */
  time: string;
}

/** The device's own total of a meter's daily consumption since `start` (moved on once a day). */
export interface DeviceAggregate {
  role: EndpointRole;
  /** Hub ms it counts from. */
  start: number;
  /** The day series it sums. */
  series: string;
}

/** The item name a display gives its own total. */
export const AGGREGATE_ITEM = "totalSinceStart";

function key(e: Pick<ConsumptionEntry, "role" | "clusterId" | "series" | "period">): string {
  return `${e.role}/${e.clusterId}/${e.series}/${e.period}`;
}

export class DeviceStore {
  readonly #consumption = new Map<string, ConsumptionEntry>();
  readonly #messages = new Map<string, StoredMessage>();
  readonly #topUps = new Map<string, StoredTopUp>();
  readonly #debts = new Map<string, StoredDebtPayment>();
  readonly #aggregates = new Map<EndpointRole, DeviceAggregate>();
  readonly #readings = new Map<EndpointRole, { item: string; value: number }>();

  /** Stores a consumption value. Returns false when a finished period already held a value (kept). */
  putConsumption(entry: ConsumptionEntry): boolean {
    const k = key(entry);
    const held = this.#consumption.get(k);
    if (held && !held.running) return false;
    this.#consumption.set(k, entry);
    return true;
  }

  /** Stores a message; a copy already held keeps when it was first received. */
  putMessage(m: StoredMessage): void {
    const k = `${m.role}/${m.messageId}`;
    const held = this.#messages.get(k);
    this.#messages.set(k, held ? { ...m, receivedAt: held.receivedAt } : m);
  }

  /** CancelMessage: removes the message with this id (from any server when role is absent). */
  cancelMessage(messageId: number, role?: EndpointRole): void {
    for (const [k, m] of this.#messages)
      if (m.messageId === messageId && (!role || m.role === role)) this.#messages.delete(k);
  }

  putTopUp(t: StoredTopUp): void {
    this.#topUps.set(`${t.role}/${t.time}/${t.code}/${t.amount}`, t);
  }

  putDebtPayment(d: StoredDebtPayment): void {
    this.#debts.set(`${d.role}/${d.time}/${d.debtType}/${d.amountCollected}`, d);
  }

  putReading(role: EndpointRole, item: string, value: number): void {
    this.#readings.set(role, { item, value });
  }

  /** Starts (or restarts) the device's total of a meter's daily series at `start`. */
  startAggregate(role: EndpointRole, series: string, start: number): void {
    this.#aggregates.set(role, { role, series, start });
  }

  aggregate(role: EndpointRole): DeviceAggregate | undefined {
    return this.#aggregates.get(role);
  }

  /** Drops a meter's history of periods starting before `before`, and its top-ups and debts dated before it. */
  clearHistoryBefore(role: EndpointRole, before: number): void {
    for (const [k, e] of this.#consumption)
      if (e.role === role && instantOf(e.period) < before) this.#consumption.delete(k);
    for (const [k, t] of this.#topUps) if (t.role === role && instantOf(t.time) < before) this.#topUps.delete(k);
    for (const [k, d] of this.#debts) if (d.role === role && instantOf(d.time) < before) this.#debts.delete(k);
  }

  /** Drops everything of a meter's history, top-ups and debts (a clear that keeps nothing). */
  clearHistory(role: EndpointRole): void {
    this.clearHistoryBefore(role, Number.POSITIVE_INFINITY);
  }

  /**
   * Drops every message (all copies of its id) a copy of which came from one of `roles` and was received
   * before `before`; returns their ids.
   */
  clearMessagesBefore(roles: readonly EndpointRole[], before: number): number[] {
    const ids = new Set<number>();
    for (const m of this.#messages.values()) if (roles.includes(m.role) && m.receivedAt < before) ids.add(m.messageId);
    for (const [k, m] of this.#messages) if (ids.has(m.messageId)) this.#messages.delete(k);
    return [...ids];
  }

  get consumption(): readonly ConsumptionEntry[] {
    return [...this.#consumption.values()];
  }

  get messages(): readonly StoredMessage[] {
    return [...this.#messages.values()];
  }

  /** A JSON-safe copy of everything held, for the `virtual` probe. */
  holdings(): Holdings {
    const consumption: HeldValue[] = [...this.#consumption.values()].map((e) => ({
      role: e.role,
      clusterId: e.clusterId,
      item: e.item,
      value: e.value,
      period: e.period,
      periodEnd: e.periodEnd,
    }));
    // the same message from both servers is one message on the display, received when it first came
    const messages = new Map<string, HeldMessage>();
    for (const m of this.#messages.values()) {
      const k = `${m.messageId}/${m.text}`;
      const seen = messages.get(k);
      const receivedAt = new Date(m.receivedAt).toISOString();
      if (!seen || (seen.receivedAt ?? "") > receivedAt) {
        messages.set(k, { messageId: m.messageId, text: m.text, receivedAt });
      }
    }
    const topUps: HeldValue[] = [...this.#topUps.values()].map((t) => ({
      role: t.role,
      clusterId: t.clusterId,
      item: "topUp",
      value: { code: t.code, amount: t.amount },
      period: t.time,
    }));
    const debts: HeldValue[] = [...this.#debts.values()].map((d) => ({
      role: d.role,
      clusterId: d.clusterId,
      item: "debtPayment",
      value: { debtType: d.debtType, amountCollected: d.amountCollected, outstandingDebt: d.outstandingDebt },
      period: d.time,
    }));
    const aggregates: HeldAggregate[] = [...this.#aggregates.values()].map((a) => ({
      role: a.role,
      item: AGGREGATE_ITEM,
      start: new Date(a.start).toISOString(),
      granularity: "day",
      value: [...this.#consumption.values()]
        .filter((e) => e.role === a.role && e.series === a.series && !e.running && instantOf(e.period) >= a.start)
        .reduce((sum, e) => sum + e.value, 0),
    }));
    const state: HeldValue[] = [...this.#readings].map(([role, r]) => ({
      role,
      clusterId: 0x0702,
      item: r.item,
      value: r.value,
    }));
    return { consumption, messages: [...messages.values()], topUps, debts, aggregates, state };
  }
}

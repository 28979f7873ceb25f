/**
 * What an emulated IHD / PPMID holds: consumption history with the period of each value, supplier
 * messages, and (PPMID) top-ups and debt payments. The store is the device's non-volatile memory: it
 * survives power cycles and is what the `virtual` probe reads through `holdings()`.
 *
 * A history entry is keyed by (role, cluster, series, period). Values of past periods are kept as first
 * fetched, the way a display builds up its own history; only the running period (current day, week,
 * month) is refreshed. So a device that fails to clear still shows the previous occupier's history after
 * fetching the new tenancy's data.
 */
import type { EndpointRole, HeldMessage, HeldValue, Holdings } from "../../evidence/events.js";

export interface ConsumptionEntry {
  role: EndpointRole;
  clusterId: number;
  /** Attribute or command-field name the value was first served under. */
  item: string;
  value: number;
  /** ISO start of the period the value belongs to. */
  period: string;
  /** Series the value belongs to (`day`, `week`, `month`, `profile:<seconds>`), part of the key. */
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

function key(e: Pick<ConsumptionEntry, "role" | "clusterId" | "series" | "period">): string {
  return `${e.role}/${e.clusterId}/${e.series}/${e.period}`;
}

export class DeviceStore {
  readonly #consumption = new Map<string, ConsumptionEntry>();
  readonly #messages = new Map<string, StoredMessage>();
  readonly #topUps = new Map<string, StoredTopUp>();
  readonly #debts = new Map<string, StoredDebtPayment>();

  /** Stores a consumption value. Returns false when a finished period already held a value (kept). */
  putConsumption(entry: ConsumptionEntry): boolean {
    const k = key(entry);
    const held = this.#consumption.get(k);
    if (held && !held.running) return false;
    this.#consumption.set(k, entry);
    return true;
  }

  putMessage(m: StoredMessage): void {
    this.#messages.set(`${m.role}/${m.messageId}`, m);
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

  clearConsumption(): void {
    this.#consumption.clear();
  }

  clearMessages(): void {
    this.#messages.clear();
  }

  clearPrepayment(): void {
    this.#topUps.clear();
    this.#debts.clear();
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
    }));
    // the same message from both servers is one message on the display
    const messages = new Map<string, HeldMessage>();
    for (const m of this.#messages.values())
      messages.set(`${m.messageId}/${m.text}`, { messageId: m.messageId, text: m.text });
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
    return { consumption, messages: [...messages.values()], topUps, debts };
  }
}

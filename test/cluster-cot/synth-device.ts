/**
 * A small model of an emulated IHD/PPMID for synthetic evidence: what it holds, how it polls the CoT and
 * how each behaviour profile of cot-suite.md reacts. Like the emulated devices of the virtual HAN, every
 * poll cycle is: query the CoT, act on it, then refresh the running values and the last supplier message;
 * history is fetched again when the day changes or after it enacted a CoT. Past periods are kept as first
 * fetched; the running period is replaced.
 */
import type { HeldMessage, HeldValue, Holdings } from "../../src/evidence/events.js";
import { CLEAR_CONSUMER, CLEAR_SUPPLIER } from "../../src/cluster-cot/tenancy.js";
import { PROFILES, type ProfileName } from "../../src/virtual/devices/profiles.js";

export { PROFILES };
export type Profile = ProfileName;

/** What the hub tells a device that asks for the CoT. */
export interface SeenCot {
  issuerEventId: number;
  implementationMs: number;
  control: number;
}

const DAY = 86_400_000;

export class SynthDevice {
  readonly holdings: Holdings = { consumption: [], messages: [], topUps: [], debts: [] };
  online = true;
  #acted = new Set<number>();
  #sighted = new Set<number>();
  #pending: SeenCot | undefined;
  #baselineNext = false;
  #historyDay: number | undefined;

  constructor(
    readonly kind: "ihd" | "ppmid",
    readonly profile: Profile,
  ) {}

  get discovers(): boolean {
    return this.profile !== "fixed-endpoint";
  }

  /** The hub roles it asks for the CoT. */
  get queryRoles(): ("gpf" | "esme")[] {
    if (this.profile === "no-query") return [];
    if (this.profile === "gpf-only") return ["gpf"];
    return ["gpf", "esme"];
  }

  setOnline(online: boolean): void {
    // offline-miss takes what it reads first after power-on as its baseline; the others poll and act at once
    if (online && !this.online && this.profile === "offline-miss") this.#baselineNext = true;
    this.online = online;
  }

  /** What it makes of the CoT answers of one poll (undefined: NOT_FOUND / unset) at hub time `now`. */
  react(cot: SeenCot | undefined, now: number): void {
    if (this.#baselineNext) {
      this.#baselineNext = false;
      if (cot) this.#acted.add(cot.issuerEventId);
      return;
    }
    if (!cot) return;
    if (this.#acted.has(cot.issuerEventId)) {
      if (this.profile === "repeat-clear" && now >= cot.implementationMs) this.clear(cot.control);
      return;
    }
    if (now >= cot.implementationMs) {
      this.#enact(cot);
      return;
    }
    if (this.profile === "early-clear" && !this.#sighted.has(cot.issuerEventId)) {
      this.#sighted.add(cot.issuerEventId);
      this.clear(cot.control);
    }
    this.#pending = cot;
  }

  /** Acts on a CoT it saw earlier whose implementation time has come (its own timer). */
  tick(now: number): void {
    if (this.#pending && now >= this.#pending.implementationMs) {
      const cot = this.#pending;
      this.#pending = undefined;
      if (!this.#acted.has(cot.issuerEventId)) this.#enact(cot);
    }
  }

  #enact(cot: SeenCot): void {
    this.#acted.add(cot.issuerEventId);
    this.clear(cot.control);
    this.#historyDay = undefined; // wants the new tenancy's history
  }

  clear(control: number): void {
    if (control & CLEAR_CONSUMER && this.profile !== "keeps-history") {
      this.holdings.consumption = [];
      if (this.kind === "ppmid") {
        this.holdings.topUps = [];
        this.holdings.debts = [];
      }
    }
    if (control & CLEAR_SUPPLIER && this.profile !== "keeps-messages") this.holdings.messages = [];
  }

  /** Whether this refresh should fetch history too (day changed, or a CoT was enacted); marks it done. */
  wantsHistory(now: number): boolean {
    const day = Math.floor(now / DAY);
    if (this.#historyDay === day) return false;
    this.#historyDay = day;
    return true;
  }

  /** Stores a value: a running period is replaced, a past one is kept as first fetched. */
  storeValue(list: "consumption" | "topUps" | "debts", v: HeldValue, running: boolean): void {
    const same = (x: HeldValue) => x.role === v.role && x.clusterId === v.clusterId && x.period === v.period;
    const held = this.holdings[list].find(same);
    if (held && !running) return;
    this.holdings[list] = [...this.holdings[list].filter((x) => !same(x)), v];
  }

  storeMessage(m: HeldMessage): void {
    this.holdings.messages = [...this.holdings.messages.filter((x) => x.messageId !== m.messageId), m];
  }

  snapshot(): Holdings {
    return structuredClone(this.holdings);
  }
}

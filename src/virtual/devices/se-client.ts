/**
 * The behaviour of an emulated IHD or PPMID: a Smart Energy client that finds the ESME and the GPF,
 * fetches what a display shows (time, consumption and cost and their history, price, supplier messages,
 * and on a PPMID prepayment data), polls the Change-of-Tenancy attributes and clears the previous
 * occupier's data as its behaviour profile says (profiles.ts).
 *
 * The compliant behaviour (cot-suite.md "Emulated device behaviour profiles"): a CoT date read on a meter
 * is acted on at that date, for that meter: its history of periods before the date, the device's own total
 * of it and the messages received from it before the date are cleared, whatever the control bits; from
 * then on only periods from that date are fetched and a cleared message is never shown again, although
 * the meters keep serving both. A device that queries only some meters applies what it reads to the meters
 * it does not query too, and so to a meter that carries no CoT (0x0200 unsupported: a pre-5.1 ESME, a
 * pre-1.5 GPF). A poll asks each meter GetChangeOfTenancy first and reads 0x0200/0x0201 when it gets no
 * PublishChangeOfTenancy; a meter that answers NOT_FOUND while its attributes show a CoT (a server without
 * the pending flag) is only read from then on.
 *
 * Time comes from the shared Clock. A poll is a `clock.at` callback that awaits all its network work, so
 * `SteppedClock.advanceTo` completes it before moving on.
 */
import { type Cancel, type Clock, zclUtcToMs } from "../../hub/clock.js";
import type { EndpointRole, Holdings } from "../../evidence/events.js";
import { log } from "../../log.js";
import type { NodeAddress, SeLink } from "./link.js";
import { type Behaviour, type ProfileName, type SeDeviceKind, behaviourOf } from "./profiles.js";
import { DeviceStore } from "./store.js";
import { dayStart } from "../../hub/data/periods.js";
import { ClusterId, commandId, decodeZcl, PTCC, Status, type ZclFrame, type ZclHeader } from "../../zcl/index.js";
import { defaultRsp } from "../han/zcl-lite.js";
import { Tenancy } from "./se-payloads.js";
import { discoverServers, type Server } from "./discovery.js";
import { DataFetcher, NoAnswer } from "./fetch.js";

const DEFAULT_POLL_INTERVAL_MS = 30 * 60_000;
/** How long after a CoT's date a device that acted on it fetches its history at every poll: two half-hours. */
const REFILL_MS = 60 * 60_000;
/** The control bits a bits-only device takes as naming history: 9 (Clear IHD Data – Consumer), 8 (Clear Historical LP). */
const HISTORY_BITS = PTCC.clearIhdDataConsumer | PTCC.clearHistoricalLoadProfileInformation;

const PUBLISH_CHANGE_OF_TENANCY = commandId(ClusterId.deviceManagement, "serverToClient", "publishChangeOfTenancy");
const LOG_PARTS = new Set([
  commandId(ClusterId.prepayment, "serverToClient", "publishTopUpLog"),
  commandId(ClusterId.prepayment, "serverToClient", "publishDebtLog"),
]);

export interface SeClientOptions {
  kind: SeDeviceKind;
  profile: ProfileName;
  clock: Clock;
  link: SeLink;
  /** Tenancy poll interval in hub ms (default 30 min). */
  pollIntervalMs?: number;
  /** Delay of the first scheduled poll after start, to spread devices (default: one interval). */
  firstPollDelayMs?: number;
  /**
   * How often the displayed values (time, running consumption, price, last message) are read again, in hub
   * ms (default: every poll). The tenancy check runs at every poll; history once a day, after a clear and at
   * every poll in the hour after the date of a CoT it acted on.
   */
  refreshIntervalMs?: number;
  /** For logs. */
  name?: string;
}

/** One reading of the tenancy attributes of one server. */
export interface TenancyObservation {
  role: EndpointRole;
  atMs: number;
  /** Implementation time in hub ms; undefined when no CoT is set (attribute absent, 0 or 0xFFFFFFFF). */
  dateMs?: number;
  control?: number;
}

/** A clear the device performed. */
export interface ClearRecord {
  atMs: number;
  dateMs: number;
  control: number;
  /** The meters whose data it cleared. */
  meters: EndpointRole[];
  history: boolean;
  messages: boolean;
  why: "reached" | "on-sight" | "repeat" | "push" | "restart";
}

/** The day series a display's own total sums, per meter (kWh: the gas mirror's alternative set). */
const AGGREGATE_SERIES: Record<EndpointRole, string> = {
  esme: "ConsumptionDelivered/day",
  gpf: "AlternativeConsumptionDelivered/day",
};

export class SeClient {
  readonly kind: SeDeviceKind;
  readonly profile: ProfileName;
  readonly behaviour: Behaviour;
  readonly store = new DeviceStore();
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  readonly refreshIntervalMs: number;
  /** Every tenancy reading, in order (for tests and diagnostics). */
  readonly observations: TenancyObservation[] = [];
  readonly clears: ClearRecord[] = [];
  readonly errors: string[] = [];
  servers: Server[] = [];

  readonly #link: SeLink;
  readonly #firstPollDelayMs: number;
  readonly #fetcher: DataFetcher;
  readonly #log;
  #tsn = 0;
  #online = false;
  #started = false;
  #pollCancel: Cancel | undefined;
  #nextPollAt = 0;
  /** CoT dates already acted on, as `role@ms`: kept across power cycles like the store. */
  readonly #acted = new Set<string>();
  readonly #sighted = new Set<string>();
  /**
   * `restart-clear`: the CoT dates it had acted on before its last restart, which its RAM no longer holds: one
   * still set is taken as new once more.
   */
  #forgotten = new Set<string>();
  /** CoT dates it has read while online (a power cycle does not forget them). */
  readonly #seen = new Set<string>();
  readonly #scheduled = new Map<string, Cancel>();
  /** Per meter, the CoT date acted on: history is fetched from there on. */
  readonly #historyFrom = new Map<EndpointRole, number>();
  /** Per meter, the CoT date acted on: a message that started before it is not shown. */
  readonly #messagesFrom = new Map<EndpointRole, number>();
  /** Meters whose Device Management has no 0x0200: their data goes with a CoT read on another meter. */
  readonly #noCot = new Set<EndpointRole>();
  /** Servers (`nwk/ep`) that answer GetChangeOfTenancy NOT_FOUND although their attributes show a CoT. */
  readonly #attributesOnly = new Set<string>();
  /** Messages cleared: never shown again. */
  readonly #clearedMessages = new Set<number>();
  /** The first CoT date it saw (a first-cot-only device acts on no other). */
  #firstDate: number | undefined;
  /** Per meter, when it last read the meter's tenancy: what an ignores-past device takes as "already known". */
  readonly #readAt = new Map<EndpointRole, number>();
  /** When it first started (joined): before any reading, an ignores-past device's horizon. */
  #startedAt = 0;
  #baselineNext = false;
  #historyDay: number | undefined;
  /**
   * After acting on a CoT: until this hub time the device fetches its history at every poll, so it refills
   * its half-hourly view of the new occupier (the first complete half-hour after the date) within two polls
   * rather than at the next daily refresh.
   */
  #refillUntil = Number.NEGATIVE_INFINITY;
  #refreshedAt: number | undefined;

  constructor(opts: SeClientOptions) {
    this.kind = opts.kind;
    this.profile = opts.profile;
    this.behaviour = behaviourOf(opts.profile);
    this.clock = opts.clock;
    this.#link = opts.link;
    this.pollIntervalMs = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!(this.pollIntervalMs > 0)) throw new RangeError("poll interval must be > 0 ms");
    this.refreshIntervalMs = opts.refreshIntervalMs ?? this.pollIntervalMs;
    if (!(this.refreshIntervalMs > 0)) throw new RangeError("refresh interval must be > 0 ms");
    this.#firstPollDelayMs = opts.firstPollDelayMs ?? this.pollIntervalMs;
    this.#log = log("virtual-device").child({ device: opts.name ?? `${opts.kind}:${opts.profile}` });
    this.#fetcher = new DataFetcher({
      kind: opts.kind,
      store: this.store,
      clock: opts.clock,
      request: (server, clusterId, frame) => this.#request(server, clusterId, frame),
      tsn: () => this.#nextTsn(),
      onError: (message) => this.#error(message),
      historyFrom: (role) => this.#historyFrom.get(role),
      acceptMessage: (role, m) => this.#acceptMessage(role, m.messageId, m.startMs),
    });
  }

  get online(): boolean {
    return this.#online;
  }

  /** Called once the device has joined: discovers, fetches, checks tenancy, then polls on the clock. */
  async start(): Promise<void> {
    this.#online = true;
    this.#started = true;
    this.#startedAt = this.clock.now();
    await this.cycle("catch-up");
    this.#nextPollAt = this.clock.now() + this.#firstPollDelayMs;
    this.#schedule();
  }

  /** Power lost: timers stop, the store and what it has acted on are kept. */
  powerOff(): void {
    this.#online = false;
    this.#pollCancel?.();
    this.#pollCancel = undefined;
    for (const cancel of this.#scheduled.values()) cancel();
    this.#scheduled.clear();
  }

  /** Power back, or back after leaving and rejoining the network: a restart of the device. */
  async powerOn(): Promise<void> {
    if (!this.#started) return this.start();
    this.#online = true;
    // what it acted on was in RAM: a CoT date still set is new to it again
    if (this.behaviour.clearsAfterRestart) this.#forgotten = new Set(this.#acted);
    if (this.behaviour.catchUpOnPowerOn) {
      await this.cycle("catch-up");
    } else {
      // reacts only to changes it sees while online: the first reading after power-on is its new baseline
      this.#baselineNext = true;
    }
    this.#nextPollAt = this.clock.now() + this.pollIntervalMs;
    this.#schedule();
  }

  /** Stops everything (end of a run). */
  stop(): void {
    this.powerOff();
  }

  /**
   * One poll: discovery if needed, time, the tenancy check, then the data a display refreshes. `catch-up`: the
   * poll at start, power-on or rejoin, not the periodic one.
   */
  async cycle(kind: "periodic" | "catch-up" = "periodic"): Promise<void> {
    if (!this.#online) return;
    try {
      if (this.servers.length === 0) {
        this.servers = await discoverServers(this.#link, this.behaviour.discover);
        // an IHD keeps its own total of each meter's daily use, from when it started
        if (this.kind === "ihd") {
          for (const role of new Set(this.servers.map((x) => x.role))) {
            if (!this.store.aggregate(role)) this.store.startAggregate(role, AGGREGATE_SERIES[role], this.clock.now());
          }
        }
      }
      const now = this.clock.now();
      const live = this.#refreshedAt === undefined || now - this.#refreshedAt >= this.refreshIntervalMs;
      if (live) await this.#fetcher.readTime(this.servers);
      await this.#checkTenancy(kind);
      if (live || this.#historyDue(now)) {
        this.#refreshedAt = now;
        await this.#refresh(false);
      }
    } catch (err) {
      this.#error(err);
    }
  }

  /**
   * An unsolicited cluster-specific server → client frame (DisplayMessage push, CancelMessage,
   * PublishChangeOfTenancy), with its header as the node parsed it. Resolves with the Default Response.
   */
  async handleFrame(src: NodeAddress, clusterId: number, bytes: Buffer, h: ZclHeader): Promise<Buffer | undefined> {
    const messaging = clusterId === ClusterId.messaging;
    const cot = clusterId === ClusterId.deviceManagement && h.commandId === PUBLISH_CHANGE_OF_TENANCY;
    const role = this.#roleOf(src);
    if (clusterId === ClusterId.prepayment && LOG_PARTS.has(h.commandId)) {
      // a later part of a multi-command PublishTopUpLog / PublishDebtLog (the first answered the request)
      try {
        this.#fetcher.storeLogPart(role, decodeZcl(clusterId, bytes));
      } catch (err) {
        this.#error(err);
        return defaultRsp(h, Status.MALFORMED_COMMAND);
      }
      return h.disableDefaultResponse ? undefined : defaultRsp(h, Status.SUCCESS);
    }
    if (!messaging && !cot) return defaultRsp(h, Status.UNSUP_COMMAND);
    try {
      if (messaging) this.#onMessaging(role, decodeZcl(clusterId, bytes));
      else if (this.behaviour.queryRoles.includes(role)) {
        const p = decodeZcl(clusterId, bytes).payload as {
          implementationDateTime: number;
          proposedTenancyChangeControl: number;
        };
        const dateMs = validDate(p.implementationDateTime);
        const obs: TenancyObservation = {
          role,
          atMs: this.clock.now(),
          ...(dateMs === undefined ? {} : { dateMs }),
          control: p.proposedTenancyChangeControl,
        };
        this.observations.push(obs);
        await this.#act([obs], "push");
        this.#readAt.set(role, obs.atMs);
      }
    } catch (err) {
      this.#error(err);
      return defaultRsp(h, Status.MALFORMED_COMMAND);
    }
    return h.disableDefaultResponse ? undefined : defaultRsp(h, Status.SUCCESS);
  }

  holdings(): Holdings {
    return this.store.holdings();
  }

  // ---- tenancy ----

  async #checkTenancy(kind: "periodic" | "catch-up"): Promise<void> {
    const observations: TenancyObservation[] = [];
    for (const role of this.behaviour.queryRoles) {
      // the meter's Device Management: on a Comms Hub the GPF's is on its ESI, not on the gas mirror
      for (const server of this.servers.filter(
        (s) => s.role === role && s.clusters.includes(ClusterId.deviceManagement),
      )) {
        try {
          const obs = await this.#queryTenancy(server);
          observations.push(obs);
          this.observations.push(obs);
        } catch (err) {
          // no answer: nothing learnt from this server; a garbled answer is reported, the poll goes on
          if (!(err instanceof NoAnswer)) this.#error(err);
        }
      }
    }
    if (this.#baselineNext) {
      // what changed while it was away is taken as the way things are; what it saw before still counts
      this.#baselineNext = false;
      for (const o of observations) {
        const k = o.dateMs === undefined ? undefined : key(o.role, o.dateMs);
        if (k && !this.#seen.has(k)) this.#acted.add(k);
      }
    }
    await this.#act(observations, kind === "periodic" ? "poll" : "catch-up");
    for (const o of observations) this.#readAt.set(o.role, o.atMs);
  }

  /**
   * One meter's tenancy: GetChangeOfTenancy (unless the server is known not to answer it), else Read
   * 0x0200/0x0201.
   */
  async #queryTenancy(server: Server): Promise<TenancyObservation> {
    const key = `${server.nwk}/${server.ep}`;
    const role = server.role;
    let asked = false;
    if (!this.#attributesOnly.has(key)) {
      asked = true;
      const rsp = await this.#fetcher.command(server, ClusterId.deviceManagement, "getChangeOfTenancy", {});
      if (rsp.command === "publishChangeOfTenancy") {
        const p = rsp.payload as { implementationDateTime: number; proposedTenancyChangeControl: number };
        const dateMs = validDate(p.implementationDateTime);
        return {
          role,
          atMs: this.clock.now(),
          ...(dateMs === undefined ? {} : { dateMs }),
          control: p.proposedTenancyChangeControl,
        };
      }
    }
    const records = await this.#fetcher.read(server, ClusterId.deviceManagement, [
      Tenancy.updateDateTime,
      Tenancy.proposedChangeControl,
    ]);
    const date = records.get(Tenancy.updateDateTime);
    const control = records.get(Tenancy.proposedChangeControl);
    const obs: TenancyObservation = { role, atMs: this.clock.now() };
    if (typeof date === "number") {
      this.#noCot.delete(role);
      const d = validDate(date);
      if (d !== undefined) obs.dateMs = d;
    } else this.#noCot.add(role);
    if (typeof control === "number") obs.control = control;
    if (asked && obs.dateMs !== undefined) this.#attributesOnly.add(key);
    return obs;
  }

  /**
   * The meters a CoT read on `role` applies to: that one, those the device does not query itself and those
   * that carry no CoT.
   */
  #targets(role: EndpointRole): EndpointRole[] {
    const known = new Set<EndpointRole>([...this.servers.map((s) => s.role), "gpf", "esme"]);
    return [
      role,
      ...[...known].filter((r) => r !== role && (!this.behaviour.queryRoles.includes(r) || this.#noCot.has(r))),
    ];
  }

  async #act(observations: TenancyObservation[], source: "poll" | "catch-up" | "push"): Promise<void> {
    const now = this.clock.now();
    const dates = new Map<string, { role: EndpointRole; date: number; control: number }>();
    for (const o of observations) {
      if (o.dateMs === undefined) continue;
      const k = key(o.role, o.dateMs);
      dates.set(k, { role: o.role, date: o.dateMs, control: (dates.get(k)?.control ?? 0) | (o.control ?? 0) });
    }
    if (source !== "push") {
      // a date a meter no longer shows (superseded or withdrawn) is not waited for any more
      const answered = new Set(observations.map((o) => o.role));
      for (const [k, cancel] of this.#scheduled) {
        if (!dates.has(k) && answered.has(roleOfKey(k))) {
          cancel();
          this.#scheduled.delete(k);
        }
      }
    }
    for (const [k, { role, date, control }] of dates) {
      if (this.behaviour.ignoresPast && !this.#seen.has(k) && date < (this.#readAt.get(role) ?? this.#startedAt)) {
        // dated before it last looked (or before it joined): taken as a CoT already dealt with
        this.#seen.add(k);
        this.#acted.add(k);
        this.#log.debug({ date: new Date(date).toISOString(), role }, "ignored a CoT dated before it learnt of it");
        continue;
      }
      this.#seen.add(k);
      this.#firstDate ??= date;
      if (this.behaviour.firstCotOnly && date !== this.#firstDate) continue;
      if (this.#acted.has(k)) {
        if (this.#forgotten.delete(k) && now >= date) {
          // restart-clear: it no longer knows it acted on this date, and clears all it holds of the meter
          this.#clear(role, date, control, "restart", { all: true });
          this.#historyDay = undefined;
          continue;
        }
        if (this.behaviour.clearEveryPoll && source === "poll" && now >= date) {
          // like after any clear, it fetches what the meters still serve; what only it had kept is gone
          this.#clear(role, date, control, "repeat", { all: true });
          this.#historyDay = undefined;
        }
        continue;
      }
      if (now >= date) {
        await this.#enact(role, date, control, source === "push" ? "push" : "reached");
        continue;
      }
      if (this.behaviour.clearOnSight && !this.#sighted.has(k)) {
        this.#sighted.add(k);
        this.#clear(role, date, control, "on-sight", { all: true });
      }
      if (!this.#scheduled.has(k)) {
        const cancel = this.clock.at(date, async () => {
          this.#scheduled.delete(k);
          if (!this.#online || this.#acted.has(k)) return;
          try {
            await this.#enact(role, date, control, "reached");
            await this.#refresh(true);
          } catch (err) {
            this.#error(err);
          }
        });
        this.#scheduled.set(k, cancel);
      }
    }
  }

  /** Acts on a CoT whose date is reached: clears, then wants the history it may still fetch. */
  async #enact(role: EndpointRole, date: number, control: number, why: ClearRecord["why"]): Promise<void> {
    const k = key(role, date);
    this.#acted.add(k);
    this.#scheduled.get(k)?.();
    this.#scheduled.delete(k);
    this.#clear(role, date, control, why);
    this.#historyDay = undefined;
    this.#refillUntil = Math.max(this.#refillUntil, date + REFILL_MS);
  }

  /**
   * Clears the previous occupier's data of the meters a CoT read on `role` applies to: history of periods
   * before `date` (with `all`: everything held of those meters, as a device that clears all it has).
   */
  #clear(
    role: EndpointRole,
    date: number,
    control: number,
    why: ClearRecord["why"],
    opts: { all?: boolean } = {},
  ): void {
    const meters = this.#targets(role);
    const bits = this.behaviour.clearsByBits;
    const history = this.behaviour.clearHistory && (!bits || (control & HISTORY_BITS) !== 0);
    const messages = this.behaviour.clearMessages && (!bits || (control & PTCC.clearIhdDataSupplier) !== 0);
    const before = opts.all ? Number.POSITIVE_INFINITY : date;
    for (const m of meters) {
      if (history) {
        this.store.clearHistoryBefore(m, before);
        if (!this.behaviour.refetchesHistory) this.#historyFrom.set(m, Math.max(this.#historyFrom.get(m) ?? 0, date));
        if (this.store.aggregate(m)) this.store.startAggregate(m, AGGREGATE_SERIES[m], Math.max(date, this.#since(m)));
      }
      if (messages) this.#messagesFrom.set(m, Math.max(this.#messagesFrom.get(m) ?? 0, date));
    }
    if (messages) for (const id of this.store.clearMessagesBefore(meters, before)) this.#clearedMessages.add(id);
    this.clears.push({ atMs: this.clock.now(), dateMs: date, control, meters, history, messages, why });
    this.#log.debug({ date: new Date(date).toISOString(), control, meters, history, messages, why }, "cleared");
  }

  /** The start of a meter's own total: never before the latest date it acted on. */
  #since(role: EndpointRole): number {
    return this.#historyFrom.get(role) ?? 0;
  }

  /** Whether to show a message a meter serves: not one it cleared, nor one that started before the date it acted on. */
  #acceptMessage(role: EndpointRole, messageId: number, startMs: number | undefined): boolean {
    if (!this.behaviour.clearMessages) return true;
    if (this.#clearedMessages.has(messageId)) return false;
    const from = this.#messagesFrom.get(role);
    return from === undefined || startMs === undefined || startMs >= from;
  }

  // ---- data ----

  /** Running values every poll; history when it is due (`#historyDue`) or a clear wanted it. */
  async #refresh(force: boolean): Promise<void> {
    await this.#fetcher.refreshLive(this.servers);
    const now = this.clock.now();
    if (force || this.#historyDue(now)) {
      this.#historyDay = dayStart(now);
      await this.#fetcher.refreshHistory(this.servers);
    }
  }

  /** History is fetched once a day, and at every poll in the refill hour after the date of a CoT it acted on. */
  #historyDue(now: number): boolean {
    return this.#historyDay !== dayStart(now) || now <= this.#refillUntil;
  }

  #onMessaging(role: EndpointRole, frame: ZclFrame): void {
    const p = frame.payload as { messageId: number; message: string };
    switch (frame.command) {
      case "displayMessage":
      case "displayProtectedMessage": {
        const start = (frame.payload as { startTime?: number }).startTime;
        const startMs = start === undefined || start === 0 ? undefined : zclUtcToMs(start);
        if (!this.#acceptMessage(role, p.messageId, startMs)) break;
        this.store.putMessage({ role, messageId: p.messageId, text: p.message, receivedAt: this.clock.now() });
        break;
      }
      case "cancelMessage":
        this.store.cancelMessage(p.messageId, role);
        break;
      case "cancelAllMessages":
        this.store.clearMessagesBefore([role], Number.POSITIVE_INFINITY);
        break;
    }
  }

  // ---- plumbing ----

  #schedule(): void {
    this.#pollCancel?.();
    this.#pollCancel = this.clock.at(this.#nextPollAt, async () => {
      this.#pollCancel = undefined;
      if (!this.#online) return;
      await this.cycle();
      this.#nextPollAt = Math.max(this.#nextPollAt + this.pollIntervalMs, this.clock.now() + 1);
      if (this.#online) this.#schedule();
    });
  }

  async #request(server: Server, clusterId: number, frame: Buffer): Promise<Buffer | undefined> {
    if (!this.#online) return undefined;
    return this.#link.zcl({ nwk: server.nwk, ep: server.ep }, clusterId, frame);
  }

  #nextTsn(): number {
    this.#tsn = (this.#tsn + 1) & 0xff;
    return this.#tsn;
  }

  #roleOf(src: NodeAddress): EndpointRole {
    const s =
      this.servers.find((x) => x.nwk === src.nwk && x.ep === src.ep) ?? this.servers.find((x) => x.nwk === src.nwk);
    return s?.role ?? (src.nwk === 0 ? "gpf" : "esme");
  }

  #error(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.errors.push(message);
    this.#log.warn({ err: message }, "device error");
  }
}

function key(role: EndpointRole, dateMs: number): string {
  return `${role}@${dateMs}`;
}

function roleOfKey(k: string): EndpointRole {
  return k.slice(0, k.indexOf("@")) as EndpointRole;
}

/** A CoT date attribute value as hub ms, or undefined for "none" (0 or 0xFFFFFFFF). */
function validDate(utc: number): number | undefined {
  if (utc === 0 || utc === 0xffffffff) return undefined;
  return zclUtcToMs(utc);
}

/**
 * The data requests of a display, per server: time, running consumption and cost, the register reading,
 * supplier messages, price and (on a PPMID) credit, then history (previous periods, GetProfile, historical
 * cost, and on a PPMID the top-up and debt logs). Every value lands in the device store with its role, item
 * and period.
 *
 * `historyFrom(role)` is the start of what the device wants of a meter (after it acted on a CoT: its T):
 * periods starting before it are not asked for at all, so a device that has cleared the previous occupier's
 * history never fetches it again although the meter still serves it. `acceptMessage` decides whether a
 * supplier message the meter serves is shown.
 */
import { type Clock, msToZclUtc, zclUtcToMs } from "../../hub/clock.js";
import { periodBounds, profileIntervalItem } from "../../hub/data/history.js";
import { iso } from "../../hub/data/periods.js";
import type { Server } from "./discovery.js";
import type { EndpointRole } from "../../evidence/events.js";
import type { SeDeviceKind } from "./profiles.js";
import type { ReadRecord } from "../../hub/types.js";
import { ClusterId, decodeZcl, encodeZcl, type FrameType, type ZclFrame } from "../../zcl/index.js";
import {
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
  MeteringAttr,
  PROFILE_INTERVAL_S,
  PrepaymentAttr,
  type SeriesAttribute,
  TimeAttr,
} from "./se-payloads.js";
import type { DeviceStore } from "./store.js";
import { hex } from "../../hex.js";

/** A server did not answer: the rest of its requests in this poll are skipped. */
export class NoAnswer extends Error {}

/** Attributes per Read Attributes request: keeps every response within one APS frame. */
const READ_CHUNK = 8;
const PROFILE_PERIODS = 24;

export interface DataFetcherOptions {
  kind: SeDeviceKind;
  store: DeviceStore;
  clock: Clock;
  request(server: Server, clusterId: number, frame: Buffer): Promise<Buffer | undefined>;
  tsn(): number;
  /** An answer that could not be used (malformed, unexpected). */
  onError(message: string): void;
  /** Hub ms from which the device wants a meter's history (undefined: everything the meter serves). */
  historyFrom?(role: Server["role"]): number | undefined;
  /** Whether to show a message a meter served (StartTime as hub ms; undefined for "now"). Default: yes. */
  acceptMessage?(role: Server["role"], m: { messageId: number; startMs: number | undefined }): boolean;
}

export class DataFetcher {
  /** Hub time minus device time, learnt from the Time cluster (ms). */
  timeOffsetMs = 0;
  readonly #o: DataFetcherOptions;

  constructor(opts: DataFetcherOptions) {
    this.#o = opts;
  }

  #now(): number {
    return this.#o.clock.now() + this.timeOffsetMs;
  }

  async readTime(servers: Server[]): Promise<void> {
    const hub =
      servers.find((s) => s.role === "gpf" && s.clusters.includes(ClusterId.time)) ??
      servers.find((s) => s.clusters.includes(ClusterId.time));
    if (!hub) return;
    await this.#each([hub], async (s, step) => {
      await step("time", async () => {
        const recs = await this.read(s, ClusterId.time, [TimeAttr.time, TimeAttr.timeStatus]);
        const t = recs.get(TimeAttr.time);
        if (typeof t === "number" && t > 0)
          this.timeOffsetMs = zclUtcToMs(t) - Math.floor(this.#o.clock.now() / 1000) * 1000;
      });
    });
  }

  async refreshLive(servers: Server[]): Promise<void> {
    await this.#each(servers, async (s, step) => {
      if (s.clusters.includes(ClusterId.metering)) {
        await step("metering", async () => {
          const running = this.#wanted(s, this.#seriesFor(s), true);
          const ids = [MeteringAttr.currentSummationDelivered, ...running.map((a) => a.id)];
          const recs = await this.read(s, ClusterId.metering, ids);
          const reading = recs.get(MeteringAttr.currentSummationDelivered);
          if (typeof reading === "number") this.#o.store.putReading(s.role, "currentSummationDelivered", reading);
          this.#storeSeries(s, ClusterId.metering, running, recs);
        });
      }
      if (s.clusters.includes(ClusterId.messaging)) await step("GetLastMessage", () => this.#getLastMessage(s));
      if (s.clusters.includes(ClusterId.price)) await step("GetCurrentPrice", () => this.#getCurrentPrice(s));
      if (s.clusters.includes(ClusterId.prepayment)) {
        if (this.#o.kind === "ppmid") {
          await step("credit", async () => {
            await this.read(s, ClusterId.prepayment, [PrepaymentAttr.creditRemaining, PrepaymentAttr.accumulatedDebt]);
          });
        }
        await step("cost", async () => {
          const running = this.#wanted(s, HISTORICAL_COST, true);
          if (running.length === 0) return;
          const recs = await this.read(
            s,
            ClusterId.prepayment,
            running.map((a) => a.id),
          );
          this.#storeSeries(s, ClusterId.prepayment, running, recs);
        });
      }
    });
  }

  async refreshHistory(servers: Server[]): Promise<void> {
    await this.#each(servers, async (s, step) => {
      if (s.clusters.includes(ClusterId.metering)) {
        await step("metering history", async () => {
          const past = this.#wanted(s, this.#seriesFor(s), false);
          if (past.length === 0) return;
          const recs = await this.read(
            s,
            ClusterId.metering,
            past.map((a) => a.id),
          );
          this.#storeSeries(s, ClusterId.metering, past, recs);
        });
        await step("GetProfile", () => this.#getProfile(s));
      }
      if (s.clusters.includes(ClusterId.prepayment)) {
        await step("cost history", async () => {
          const past = this.#wanted(s, HISTORICAL_COST, false);
          if (past.length === 0) return;
          const recs = await this.read(
            s,
            ClusterId.prepayment,
            past.map((a) => a.id),
          );
          this.#storeSeries(s, ClusterId.prepayment, past, recs);
        });
        if (this.#o.kind === "ppmid") {
          await step("GetTopUpLog", () => this.#getTopUpLog(s));
          await step("GetDebtRepaymentLog", () => this.#getDebtLog(s));
        }
      }
    });
  }

  /** The running (or past) attributes of a series whose period starts where the device wants the meter's data. */
  #wanted(s: Server, attrs: readonly SeriesAttribute[], running: boolean): SeriesAttribute[] {
    const from = this.#o.historyFrom?.(s.role);
    const now = this.#now();
    return attrs.filter(
      (a) => (a.back === 0) === running && (from === undefined || periodBounds(a, now).start >= from),
    );
  }

  /** A cluster-specific request; resolves with the decoded answer (a Default Response is a global frame). */
  async command(
    server: Server,
    clusterId: number,
    command: string,
    payload: Record<string, unknown>,
  ): Promise<ZclFrame> {
    return this.#send(server, clusterId, "specific", command, payload);
  }

  /**
   * Read Attributes in chunks; resolves with the values of the attributes read successfully. A server whose
   * response would not fit one APS frame leaves the last records out: those are read again.
   */
  async read(server: Server, clusterId: number, attrIds: readonly number[]): Promise<Map<number, unknown>> {
    const out = new Map<number, unknown>();
    let pending = [...attrIds];
    while (pending.length > 0) {
      const chunk = pending.slice(0, READ_CHUNK);
      pending = pending.slice(chunk.length);
      const rsp = await this.#send(server, clusterId, "global", "read", { attributes: chunk });
      if (rsp.command !== "readRsp") continue;
      const records = rsp.payload.records as ReadRecord[];
      for (const rec of records) if (rec.status === 0 && rec.value !== undefined) out.set(rec.attrId, rec.value);
      const answered = new Set(records.map((r) => r.attrId));
      const left = chunk.filter((id) => !answered.has(id));
      if (left.length > 0 && left.length < chunk.length) pending = [...left, ...pending];
    }
    return out;
  }

  #seriesFor(s: Server): SeriesAttribute[] {
    // the GPF's gas mirror carries kWh in the Alternative set besides the m³ set
    return s.role === "gpf"
      ? [...HISTORICAL_CONSUMPTION, ...ALTERNATIVE_HISTORICAL_CONSUMPTION]
      : HISTORICAL_CONSUMPTION;
  }

  #storeSeries(s: Server, clusterId: number, attrs: readonly SeriesAttribute[], values: Map<number, unknown>): void {
    const now = this.#now();
    for (const a of attrs) {
      const v = values.get(a.id);
      if (typeof v !== "number") continue;
      const period = periodBounds(a, now);
      this.#o.store.putConsumption({
        role: s.role,
        clusterId,
        // the name src/zcl gives the attribute, which is what the hub records as served
        item: a.name,
        value: v,
        period: iso(period.start),
        periodEnd: iso(period.end),
        series: a.series,
        running: a.back === 0,
        storedAt: this.#o.clock.now(),
      });
    }
  }

  async #getLastMessage(s: Server): Promise<void> {
    const rsp = await this.#send(s, ClusterId.messaging, "specific", "getLastMessage", {});
    if (rsp.command !== "displayMessage") return; // NOT_FOUND: none
    const m = rsp.payload as { messageId: number; message: string; startTime: number };
    const startMs = m.startTime === 0 ? undefined : zclUtcToMs(m.startTime);
    if (this.#o.acceptMessage && !this.#o.acceptMessage(s.role, { messageId: m.messageId, startMs })) return;
    this.#o.store.putMessage({
      role: s.role,
      messageId: m.messageId,
      text: m.message,
      receivedAt: this.#o.clock.now(),
    });
  }

  async #getCurrentPrice(s: Server): Promise<void> {
    // the display shows the price; the bench judges only what it keeps, so an answer is decoded and let go
    await this.#send(s, ClusterId.price, "specific", "getCurrentPrice", { commandOptions: 0 });
  }

  async #getProfile(s: Server): Promise<void> {
    const from = this.#o.historyFrom?.(s.role);
    // only the half-hours the device wants: those complete since `from`
    const complete = from === undefined ? PROFILE_PERIODS : Math.floor((this.#now() - from) / (30 * 60_000));
    const numberOfPeriods = Math.min(PROFILE_PERIODS, complete);
    if (numberOfPeriods <= 0) return;
    const payload = { intervalChannel: 0, endTime: 0, numberOfPeriods };
    const rsp = await this.#send(s, ClusterId.metering, "specific", "getProfile", payload);
    if (rsp.command !== "getProfileResponse") return;
    const p = rsp.payload as { endTime: number; status: number; profileIntervalPeriod: number; intervals: number[] };
    const len = PROFILE_INTERVAL_S[p.profileIntervalPeriod];
    if (p.status !== 0 || len === undefined || p.endTime === 0) return;
    const end = zclUtcToMs(p.endTime);
    // most recent interval first (reverse chronological)
    p.intervals.forEach((value, i) => {
      const start = end - (i + 1) * len * 1000;
      if (from !== undefined && start < from) return;
      this.#o.store.putConsumption({
        role: s.role,
        clusterId: ClusterId.metering,
        item: profileIntervalItem(i),
        value,
        period: iso(start),
        periodEnd: iso(start + len * 1000),
        series: `profile:${len}`,
        running: false,
        storedAt: this.#o.clock.now(),
      });
    });
  }

  async #getTopUpLog(s: Server): Promise<void> {
    const payload = { latestEndTime: msToZclUtc(this.#now()), numberOfRecords: 5 };
    const rsp = await this.#send(s, ClusterId.prepayment, "specific", "getTopUpLog", payload);
    this.storeLogPart(s.role, rsp);
  }

  /**
   * Keeps the records of a PublishTopUpLog or PublishDebtLog: the answer to a request, or a later part of a
   * multi-command answer (commandIndex > 0), which comes as a frame of its own with the request's TSN.
   */
  storeLogPart(role: EndpointRole, rsp: ZclFrame): void {
    if (rsp.command === "publishTopUpLog") this.#storeTopUps(role, rsp);
    else if (rsp.command === "publishDebtLog") this.#storeDebts(role, rsp);
  }

  #storeTopUps(role: EndpointRole, rsp: ZclFrame): void {
    const from = this.#o.historyFrom?.(role);
    for (const t of rsp.payload.topUps as { topUpCode: Buffer; topUpAmount: number; topUpTime: number }[]) {
      if (from !== undefined && zclUtcToMs(t.topUpTime) < from) continue;
      this.#o.store.putTopUp({
        role,
        clusterId: ClusterId.prepayment,
        code: t.topUpCode.toString("utf8"),
        amount: t.topUpAmount,
        time: new Date(zclUtcToMs(t.topUpTime)).toISOString(),
      });
    }
  }

  async #getDebtLog(s: Server): Promise<void> {
    const payload = { latestEndTime: msToZclUtc(this.#now()), numberOfDebts: 10, debtType: 0xff };
    const rsp = await this.#send(s, ClusterId.prepayment, "specific", "getDebtRepaymentLog", payload);
    this.storeLogPart(s.role, rsp);
  }

  #storeDebts(role: EndpointRole, rsp: ZclFrame): void {
    type Debt = { collectionTime: number; amountCollected: number; debtType: number; outstandingDebt: number };
    const from = this.#o.historyFrom?.(role);
    for (const d of rsp.payload.debts as Debt[]) {
      if (from !== undefined && zclUtcToMs(d.collectionTime) < from) continue;
      this.#o.store.putDebtPayment({
        role,
        clusterId: ClusterId.prepayment,
        debtType: d.debtType,
        amountCollected: d.amountCollected,
        outstandingDebt: d.outstandingDebt,
        time: new Date(zclUtcToMs(d.collectionTime)).toISOString(),
      });
    }
  }

  /** Sends a client → server request and decodes the answer with src/zcl (a Default Response is a global frame). */
  async #send(
    server: Server,
    clusterId: number,
    frameType: FrameType,
    command: string,
    payload: Record<string, unknown>,
  ): Promise<ZclFrame> {
    const tsn = this.#o.tsn();
    const frame = encodeZcl(clusterId, {
      frameType,
      direction: "clientToServer",
      disableDefaultResponse: false,
      tsn,
      command,
      payload,
    });
    const reply = await this.#o.request(server, clusterId, frame);
    if (!reply)
      throw new NoAnswer(
        `no answer from ${server.role} (${hex(server.nwk)}/${server.ep}) to cluster ${hex(clusterId)}`,
      );
    return decodeZcl(clusterId, reply);
  }

  /**
   * Runs `fn` per server. Within it, each `step` stands alone: an answer that cannot be decoded is
   * reported and the next step still runs; a server that does not answer is skipped for the rest of
   * this poll.
   */
  async #each(servers: Server[], fn: (s: Server, step: Step) => Promise<void>): Promise<void> {
    for (const s of servers) {
      const step: Step = async (what, run) => {
        try {
          await run();
        } catch (err) {
          if (err instanceof NoAnswer) throw err;
          this.#o.onError(`${what} from ${s.role} (${hex(s.nwk)}/${s.ep}): ${(err as Error).message}`);
        }
      };
      try {
        await fn(s, step);
      } catch (err) {
        if (!(err instanceof NoAnswer)) throw err;
      }
    }
  }
}

type Step = (what: string, run: () => Promise<void>) => Promise<void>;

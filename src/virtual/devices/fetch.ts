/**
 * The data requests of a display, per server: time, running consumption, supplier messages, price and (on
 * a PPMID) credit, then history (previous periods, GetProfile, historical cost, top-up and debt logs).
 * Every value lands in the device store with its role, item and period.
 */
import { type Clock, msToZclUtc, zclUtcToMs } from "../../hub/clock.js";
import type { EndpointRole } from "../../report/evidence.js";
import { serverAttributeDef } from "../../hub/attribute-defs.js";
import { iso } from "../../hub/data/periods.js";
import type { Server } from "./discovery.js";
import { periodStart } from "./periods.js";
import type { SeDeviceKind } from "./profiles.js";
import {
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  Cluster,
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
  MessagingCmd,
  MeteringAttr,
  MeteringCmd,
  PROFILE_INTERVAL_S,
  PrepaymentAttr,
  PrepaymentCmd,
  PriceCmd,
  type PriceSummary,
  type SeriesAttribute,
  TimeAttr,
  decodeDisplayMessage,
  decodeGetProfileResponse,
  decodePublishDebtLog,
  decodePublishPrice,
  decodePublishTopUpLog,
  encodeGetDebtRepaymentLog,
  encodeGetProfile,
  encodeGetTopUpLog,
} from "./se-payloads.js";
import type { DeviceStore } from "./store.js";
import {
  FrameType,
  GlobalCommand,
  type ZclFrame,
  decodeFrame,
  decodeReadResponse,
  encodeFrame,
  encodeReadRequest,
} from "./zcl-bytes.js";

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
}

export class DataFetcher {
  /** Hub time minus device time, learnt from the Time cluster (ms). */
  timeOffsetMs = 0;
  /** Latest price per server, and latest credit figures (what the display shows now, not history). */
  readonly price = new Map<EndpointRole, PriceSummary>();
  readonly live = new Map<string, number | string | boolean>();
  readonly #o: DataFetcherOptions;

  constructor(opts: DataFetcherOptions) {
    this.#o = opts;
  }

  #now(): number {
    return this.#o.clock.now() + this.timeOffsetMs;
  }

  async readTime(servers: Server[]): Promise<void> {
    const hub =
      servers.find((s) => s.role === "gpf" && s.clusters.includes(Cluster.time)) ??
      servers.find((s) => s.clusters.includes(Cluster.time));
    if (!hub) return;
    await this.#each([hub], async (s, step) => {
      await step("time", async () => {
        const recs = await this.read(s, Cluster.time, [TimeAttr.time, TimeAttr.timeStatus]);
        const t = recs.get(TimeAttr.time);
        if (typeof t === "number" && t > 0)
          this.timeOffsetMs = zclUtcToMs(t) - Math.floor(this.#o.clock.now() / 1000) * 1000;
      });
    });
  }

  async refreshLive(servers: Server[]): Promise<void> {
    await this.#each(servers, async (s, step) => {
      if (s.clusters.includes(Cluster.metering)) {
        await step("metering", async () => {
          const running = this.#seriesFor(s).filter((a) => a.back === 0);
          const ids = [MeteringAttr.currentSummationDelivered, ...running.map((a) => a.id)];
          const recs = await this.read(s, Cluster.metering, ids);
          const summ = recs.get(MeteringAttr.currentSummationDelivered);
          if (summ !== undefined) this.live.set(`${s.role}/currentSummationDelivered`, summ);
          this.#storeSeries(s, Cluster.metering, running, recs);
        });
      }
      if (s.clusters.includes(Cluster.messaging)) await step("GetLastMessage", () => this.#getLastMessage(s));
      if (s.clusters.includes(Cluster.price)) await step("GetCurrentPrice", () => this.#getCurrentPrice(s));
      if (this.#o.kind === "ppmid" && s.clusters.includes(Cluster.prepayment)) {
        await step("credit", async () => {
          const ids = [PrepaymentAttr.creditRemaining, PrepaymentAttr.accumulatedDebt];
          for (const [id, v] of await this.read(s, Cluster.prepayment, ids)) {
            this.live.set(`${s.role}/prepayment/0x${id.toString(16)}`, v);
          }
        });
        await step("cost", async () => {
          const running = HISTORICAL_COST.filter((a) => a.back === 0);
          const recs = await this.read(
            s,
            Cluster.prepayment,
            running.map((a) => a.id),
          );
          this.#storeSeries(s, Cluster.prepayment, running, recs);
        });
      }
    });
  }

  async refreshHistory(servers: Server[]): Promise<void> {
    await this.#each(servers, async (s, step) => {
      if (s.clusters.includes(Cluster.metering)) {
        await step("metering history", async () => {
          const past = this.#seriesFor(s).filter((a) => a.back > 0);
          const recs = await this.read(
            s,
            Cluster.metering,
            past.map((a) => a.id),
          );
          this.#storeSeries(s, Cluster.metering, past, recs);
        });
        await step("GetProfile", () => this.#getProfile(s));
      }
      if (this.#o.kind === "ppmid" && s.clusters.includes(Cluster.prepayment)) {
        await step("cost history", async () => {
          const past = HISTORICAL_COST.filter((a) => a.back > 0);
          const recs = await this.read(
            s,
            Cluster.prepayment,
            past.map((a) => a.id),
          );
          this.#storeSeries(s, Cluster.prepayment, past, recs);
        });
        await step("GetTopUpLog", () => this.#getTopUpLog(s));
        await step("GetDebtRepaymentLog", () => this.#getDebtLog(s));
      }
    });
  }

  /** Read Attributes in chunks; resolves with the values of the attributes read successfully. */
  async read(
    server: Server,
    clusterId: number,
    attrIds: readonly number[],
  ): Promise<Map<number, number | string | boolean>> {
    const out = new Map<number, number | string | boolean>();
    for (let i = 0; i < attrIds.length; i += READ_CHUNK) {
      const chunk = attrIds.slice(i, i + READ_CHUNK);
      const rsp = await this.#send(server, clusterId, FrameType.global, GlobalCommand.read, encodeReadRequest(chunk));
      if (rsp.frameType !== FrameType.global || rsp.commandId !== GlobalCommand.readResponse) continue;
      for (const rec of decodeReadResponse(rsp.payload))
        if (rec.status === 0 && rec.value !== undefined) out.set(rec.attrId, rec.value);
    }
    return out;
  }

  #seriesFor(s: Server): SeriesAttribute[] {
    // the GPF's gas mirror carries kWh in the Alternative set besides the m³ set
    return s.role === "gpf"
      ? [...HISTORICAL_CONSUMPTION, ...ALTERNATIVE_HISTORICAL_CONSUMPTION]
      : HISTORICAL_CONSUMPTION;
  }

  #storeSeries(
    s: Server,
    clusterId: number,
    attrs: readonly SeriesAttribute[],
    values: Map<number, number | string | boolean>,
  ): void {
    const now = this.#now();
    for (const a of attrs) {
      const v = values.get(a.id);
      if (typeof v !== "number") continue;
      this.#o.store.putConsumption({
        role: s.role,
        clusterId,
        // the name src/zcl gives the attribute, which is what the hub records as served
        item: serverAttributeDef(clusterId, a.id)?.name ?? a.name,
        value: v,
        period: iso(periodStart(now, a.unit, a.back)),
        series: `${a.name.replace(/^(current|previous)(Day|Week|Month)\d*/, "")}/${a.unit}`,
        running: a.back === 0,
        storedAt: this.#o.clock.now(),
      });
    }
  }

  async #getLastMessage(s: Server): Promise<void> {
    const rsp = await this.#send(
      s,
      Cluster.messaging,
      FrameType.specific,
      MessagingCmd.getLastMessage,
      Buffer.alloc(0),
    );
    if (rsp.frameType !== FrameType.specific || rsp.commandId !== MessagingCmd.displayMessage) return; // NOT_FOUND: none
    const m = decodeDisplayMessage(rsp.payload);
    this.#o.store.putMessage({
      role: s.role,
      messageId: m.messageId,
      text: m.message,
      receivedAt: this.#o.clock.now(),
    });
  }

  async #getCurrentPrice(s: Server): Promise<void> {
    const rsp = await this.#send(s, Cluster.price, FrameType.specific, PriceCmd.getCurrentPrice, Buffer.from([0x00]));
    if (rsp.frameType !== FrameType.specific || rsp.commandId !== PriceCmd.publishPrice) return;
    this.price.set(s.role, decodePublishPrice(rsp.payload));
  }

  async #getProfile(s: Server): Promise<void> {
    const payload = encodeGetProfile({ intervalChannel: 0, endTime: 0, numberOfPeriods: PROFILE_PERIODS });
    const rsp = await this.#send(s, Cluster.metering, FrameType.specific, MeteringCmd.getProfile, payload);
    if (rsp.frameType !== FrameType.specific || rsp.commandId !== MeteringCmd.getProfileResponse) return;
    const p = decodeGetProfileResponse(rsp.payload);
    const len = PROFILE_INTERVAL_S[p.profileIntervalPeriod];
    if (p.status !== 0 || len === undefined || p.endTime === 0) return;
    const end = zclUtcToMs(p.endTime);
    // most recent interval first (reverse chronological)
    p.intervals.forEach((value, i) => {
      this.#o.store.putConsumption({
        role: s.role,
        clusterId: Cluster.metering,
        item: `getProfileResponse.intervals[${i}]`,
        value,
        period: iso(end - (i + 1) * len * 1000),
        series: `profile:${len}`,
        running: false,
        storedAt: this.#o.clock.now(),
      });
    });
  }

  async #getTopUpLog(s: Server): Promise<void> {
    const payload = encodeGetTopUpLog(msToZclUtc(this.#now()), 5);
    const rsp = await this.#send(s, Cluster.prepayment, FrameType.specific, PrepaymentCmd.getTopUpLog, payload);
    if (rsp.frameType !== FrameType.specific || rsp.commandId !== PrepaymentCmd.publishTopUpLog) return;
    for (const t of decodePublishTopUpLog(rsp.payload).entries) {
      this.#o.store.putTopUp({
        role: s.role,
        clusterId: Cluster.prepayment,
        code: t.code,
        amount: t.amount,
        time: new Date(zclUtcToMs(t.time)).toISOString(),
      });
    }
  }

  async #getDebtLog(s: Server): Promise<void> {
    const payload = encodeGetDebtRepaymentLog(msToZclUtc(this.#now()), 10, 0xff);
    const rsp = await this.#send(s, Cluster.prepayment, FrameType.specific, PrepaymentCmd.getDebtRepaymentLog, payload);
    if (rsp.frameType !== FrameType.specific || rsp.commandId !== PrepaymentCmd.publishDebtLog) return;
    for (const d of decodePublishDebtLog(rsp.payload).entries) {
      this.#o.store.putDebtPayment({
        role: s.role,
        clusterId: Cluster.prepayment,
        debtType: d.debtType,
        amountCollected: d.amountCollected,
        outstandingDebt: d.outstandingDebt,
        time: new Date(zclUtcToMs(d.collectionTime)).toISOString(),
      });
    }
  }

  async #send(
    server: Server,
    clusterId: number,
    frameType: 0 | 1,
    commandId: number,
    payload: Buffer,
  ): Promise<ZclFrame> {
    const tsn = this.#o.tsn();
    const frame = encodeFrame(
      { frameType, serverToClient: false, disableDefaultResponse: false, tsn, commandId },
      payload,
    );
    const reply = await this.#o.request(server, clusterId, frame);
    if (!reply)
      throw new NoAnswer(
        `no answer from ${server.role} (0x${server.nwk.toString(16)}/${server.ep}) to cluster 0x${clusterId.toString(16)}`,
      );
    return decodeFrame(reply);
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
          this.#o.onError(`${what} from ${s.role} (0x${s.nwk.toString(16)}/${s.ep}): ${(err as Error).message}`);
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

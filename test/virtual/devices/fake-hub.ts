/**
 * A test double of the hub model for device-level tests: serves the SE clusters for the GPF and the ESME
 * from bytes to bytes as real meters do (one continuous series whoever lives in the home: a figure depends
 * only on the attribute and its period; the last supplier message is served until replaced), records every
 * request, and performs CoTs (the tenancy attributes show them at once; nothing else changes).
 */
import { type Clock, msToZclUtc } from "../../../src/hub/clock.js";
import { periodBounds } from "../../../src/hub/data/history.js";
import { dayStart } from "../../../src/hub/data/periods.js";
import type { RequestContext } from "../../../src/hub/types.js";
import type { EndpointRole } from "../../../src/evidence/events.js";
import {
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
} from "../../../src/virtual/devices/se-payloads.js";
import type { ReadRecord } from "../../../src/hub/types.js";
import { ClusterId, DataType, type FrameType, decodeZcl, encodeZcl } from "../../../src/zcl/index.js";

export interface FakeMessage {
  messageId: number;
  text: string;
  startMs: number;
}

export interface Request {
  role: EndpointRole;
  device: string;
  hubEp: number;
  clusterId: number;
  global: boolean;
  commandId: number;
  attrs?: number[];
  atMs: number;
}

export interface FakeCot {
  dateMs: number;
  control: number;
}

const SERIES = new Map(
  [...HISTORICAL_CONSUMPTION, ...ALTERNATIVE_HISTORICAL_CONSUMPTION, ...HISTORICAL_COST].map((a) => [a.id, a]),
);
const DAY = 86_400_000;

export class FakeHub {
  readonly requests: Request[] = [];
  /** Commands (`cluster/command`, decimal) whose answer is cut to its first 7 payload bytes. */
  readonly garble = new Set<string>();
  readonly cots: FakeCot[] = [];
  readonly messages: FakeMessage[] = [];

  constructor(readonly clock: Clock) {
    this.publishMessage("Supplier message 1");
  }

  /** Records a CoT on both meters: the tenancy attributes show it at once; nothing else changes. */
  performCot(cot: Partial<FakeCot> = {}): FakeCot {
    const record = { dateMs: cot.dateMs ?? this.clock.now(), control: cot.control ?? 0x600 };
    this.cots.push(record);
    return record;
  }

  /** A new supplier message, served from now on by GetLastMessage (the devices fetch it at their next poll). */
  publishMessage(text = `Supplier message ${this.messages.length + 1}`): FakeMessage {
    const m = { messageId: 1000 + this.messages.length + 1, text, startMs: this.clock.now() };
    this.messages.push(m);
    return m;
  }

  /** A figure of a period: the attribute and meter in the thousands, the day number in the last three digits. */
  figure(role: EndpointRole, id: number, periodStart: number): number {
    return (((id * 7 + (role === "esme" ? 1 : 2)) % 900) + 100) * 1000 + (Math.floor(periodStart / DAY) % 1000);
  }

  /** Requests of one device, optionally to one role and cluster. */
  requestsOf(device: string, filter: Partial<Pick<Request, "role" | "clusterId">> = {}): Request[] {
    return this.requests.filter(
      (r) =>
        r.device === device &&
        (filter.role === undefined || r.role === filter.role) &&
        (filter.clusterId === undefined || r.clusterId === filter.clusterId),
    );
  }

  handleFrame(ctx: RequestContext, clusterId: number, bytes: Buffer): Buffer | undefined {
    const f = decodeZcl(clusterId, bytes);
    const req: Request = {
      role: ctx.role,
      device: ctx.device,
      hubEp: ctx.hubEp,
      clusterId,
      global: f.frameType === "global",
      commandId: f.commandId,
      atMs: this.clock.now(),
    };
    this.requests.push(req);
    const reply = (frameType: FrameType, command: string, payload: Record<string, unknown>) => {
      const frame = encodeZcl(clusterId, {
        frameType,
        direction: "serverToClient",
        disableDefaultResponse: true,
        tsn: f.tsn,
        command,
        payload,
      });
      return this.garble.has(`${clusterId}/${f.commandId}`) ? frame.subarray(0, 3 + 7) : frame;
    };
    if (f.command === "read") {
      req.attrs = f.payload.attributes as number[];
      return reply("global", "readRsp", {
        records: req.attrs.map((id) => this.#attribute(ctx.role, clusterId, id)),
      });
    }
    if (f.frameType === "global") return undefined;
    const now = this.clock.now();
    switch (`${clusterId}/${f.command}`) {
      case `${ClusterId.messaging}/getLastMessage`: {
        const m = this.messages.at(-1);
        if (!m) return reply("global", "defaultRsp", { commandId: f.commandId, status: 0x8b });
        return reply("specific", "displayMessage", {
          messageId: m.messageId,
          messageControl: 0,
          startTime: msToZclUtc(m.startMs),
          durationInMinutes: 0xffff,
          message: m.text,
        });
      }
      case `${ClusterId.metering}/getProfile`: {
        const end = Math.floor(now / 1_800_000) * 1_800_000;
        const n = Math.min(24, (f.payload.numberOfPeriods as number) || 24);
        const intervals = Array.from({ length: n }, (_, i) => 100 + ((end / 1_800_000 - i) % 500));
        return reply("specific", "getProfileResponse", {
          endTime: msToZclUtc(end),
          status: 0,
          profileIntervalPeriod: 2,
          numberOfPeriodsDelivered: intervals.length,
          intervals,
        });
      }
      case `${ClusterId.price}/getCurrentPrice`:
        return reply("specific", "publishPrice", {
          providerId: 1,
          rateLabel: Buffer.from("Standard"),
          issuerEventId: 7,
          currentTime: msToZclUtc(now),
          unitOfMeasure: 0,
          currency: 826,
          priceTrailingDigitAndPriceTier: 0x21,
          numberOfPriceTiersAndRegisterTier: 0x11,
          startTime: 0,
          durationInMinutes: 0xffff,
          price: 22_345,
        });
      case `${ClusterId.prepayment}/getTopUpLog`:
        return reply("specific", "publishTopUpLog", {
          commandIndex: 0,
          totalCommands: 1,
          // one top-up a day at 09:00 UTC: the latest two
          topUps: [0, 1].map((n) => {
            const at = dayStart(now - 9 * 3_600_000) + 9 * 3_600_000 - n * DAY;
            return { topUpCode: Buffer.from(`UTRN-${at / 1000}`), topUpAmount: 500 + n, topUpTime: msToZclUtc(at) };
          }),
        });
      case `${ClusterId.prepayment}/getDebtRepaymentLog`:
        return reply("specific", "publishDebtLog", {
          commandIndex: 0,
          totalCommands: 1,
          // one collection a day at 01:00 UTC: the latest
          debts: [
            {
              collectionTime: msToZclUtc(dayStart(now - 3_600_000) + 3_600_000),
              amountCollected: 40,
              debtType: 0,
              outstandingDebt: 900 + (Math.floor(now / DAY) % 100),
            },
          ],
        });
      case `${ClusterId.deviceManagement}/getChangeOfTenancy`: {
        const cot = this.cots.at(-1);
        if (!cot) return reply("global", "defaultRsp", { commandId: f.commandId, status: 0x8b });
        return reply("specific", "publishChangeOfTenancy", {
          providerId: 0,
          issuerEventId: this.cots.length,
          tariffType: 0,
          implementationDateTime: msToZclUtc(cot.dateMs),
          proposedTenancyChangeControl: cot.control,
        });
      }
      default:
        return reply("global", "defaultRsp", { commandId: f.commandId, status: 0x81 });
    }
  }

  #attribute(role: EndpointRole, clusterId: number, id: number): ReadRecord {
    const ok = (type: number, value: number): ReadRecord => ({ attrId: id, status: 0, type, value });
    const series = SERIES.get(id);
    const figure = (type: number) => ok(type, this.figure(role, id, periodBounds(series!, this.clock.now()).start));
    const cot = this.cots.at(-1);
    switch (clusterId) {
      case ClusterId.time:
        if (id === 0x0000) return ok(DataType.UTC, msToZclUtc(this.clock.now()));
        if (id === 0x0001) return ok(DataType.BITMAP8, 0x02);
        break;
      case ClusterId.metering:
        if (id === 0x0306) return ok(DataType.BITMAP8, role === "esme" ? 0 : 128);
        if (id === 0x0000) return ok(DataType.UINT48, 12_345_000 + (Math.floor(this.clock.now() / 60_000) % 1000));
        if (series) return figure((id & 0xff) >= 0x40 && (id & 0xff) < 0x60 ? DataType.UINT32 : DataType.UINT24);
        break;
      case ClusterId.prepayment:
        if (id === 0x0001 || id === 0x0005) return ok(DataType.INT32, id * 11);
        if (series) return figure(DataType.UINT48);
        break;
      case ClusterId.deviceManagement:
        // both meters carry a CoT (a meter that answers UNSUPPORTED_ATTRIBUTE carries none): "none yet" before one
        if (id === 0x0200) return ok(DataType.UTC, cot ? msToZclUtc(cot.dateMs) : 0xffffffff);
        if (id === 0x0201) return ok(DataType.BITMAP32, cot?.control ?? 0);
        break;
    }
    return { attrId: id, status: 0x86 };
  }
}

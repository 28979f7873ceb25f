/**
 * A test double of the hub model for device-level tests: serves the SE clusters for the GPF and the ESME
 * from bytes to bytes, with every value tagged by the tenancy in force (value = tenancy × 100 000 + n),
 * records every request, and performs CoTs (future-dated ones take effect at their time).
 */
import { type Clock, msToZclUtc } from "../../../src/hub/clock.js";
import type { RequestContext } from "../../../src/hub/types.js";
import type { EndpointRole } from "../../../src/evidence/events.js";
import {
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
} from "../../../src/virtual/devices/se-payloads.js";
import type { ReadRecord } from "../../../src/hub/types.js";
import { ClusterId, DataType, type FrameType, decodeZcl, encodeZcl } from "../../../src/zcl/index.js";

export const TAG = 100_000;
export const tenancyOf = (value: number): number => Math.floor(value / TAG);

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

const HISTORY = new Set([...HISTORICAL_CONSUMPTION, ...ALTERNATIVE_HISTORICAL_CONSUMPTION].map((a) => a.id));
const COST = new Set(HISTORICAL_COST.map((a) => a.id));

export class FakeHub {
  readonly requests: Request[] = [];
  /** Commands (`cluster/command`, decimal) whose answer is cut to its first 7 payload bytes. */
  readonly garble = new Set<string>();
  readonly cots: FakeCot[] = [];

  constructor(readonly clock: Clock) {}

  /** Records a CoT: the tenancy attributes show it at once; data switches at `dateMs`. */
  performCot(cot: Partial<FakeCot> = {}): FakeCot {
    const record = { dateMs: cot.dateMs ?? this.clock.now(), control: cot.control ?? 0x600 };
    this.cots.push(record);
    return record;
  }

  tenancy(at = this.clock.now()): number {
    return 1 + this.cots.filter((c) => c.dateMs <= at).length;
  }

  messageId(tenancy: number): number {
    return tenancy * 1000 + 1;
  }

  messageText(tenancy: number): string {
    return `T${tenancy}-MSG-${this.messageId(tenancy)} ${tenancy === 1 ? "previous occupier" : "new occupier"}`;
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
    const t = this.tenancy();
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
        records: req.attrs.map((id) => this.#attribute(ctx.role, clusterId, id, t)),
      });
    }
    if (f.frameType === "global") return undefined;
    const now = this.clock.now();
    switch (`${clusterId}/${f.command}`) {
      case `${ClusterId.messaging}/getLastMessage`:
        return reply("specific", "displayMessage", {
          messageId: this.messageId(t),
          messageControl: 0,
          startTime: 0,
          durationInMinutes: 0xffff,
          message: this.messageText(t),
        });
      case `${ClusterId.metering}/getProfile`: {
        const end = Math.floor(now / 1_800_000) * 1_800_000;
        const intervals = Array.from({ length: 24 }, (_, i) => t * TAG + ((end / 1_800_000 - i) % 1000));
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
          price: t * TAG + 2345,
        });
      case `${ClusterId.prepayment}/getTopUpLog`:
        return reply("specific", "publishTopUpLog", {
          commandIndex: 0,
          totalCommands: 1,
          topUps: [1, 2].map((n) => ({
            topUpCode: Buffer.from(`T${t}-TOPUP-${n}`),
            topUpAmount: t * TAG + n * 500,
            topUpTime: msToZclUtc(now) - n * 86_400,
          })),
        });
      case `${ClusterId.prepayment}/getDebtRepaymentLog`:
        return reply("specific", "publishDebtLog", {
          commandIndex: 0,
          totalCommands: 1,
          debts: [
            {
              collectionTime: msToZclUtc(now) - 3600,
              amountCollected: t * TAG + 40,
              debtType: 0,
              outstandingDebt: t * TAG + 900,
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

  #attribute(role: EndpointRole, clusterId: number, id: number, t: number): ReadRecord {
    const ok = (type: number, value: number): ReadRecord => ({ attrId: id, status: 0, type, value });
    const tagged = (type: number, n: number) => ok(type, t * TAG + (n % TAG));
    const cot = this.cots.at(-1);
    switch (clusterId) {
      case ClusterId.time:
        if (id === 0x0000) return ok(DataType.UTC, msToZclUtc(this.clock.now()));
        if (id === 0x0001) return ok(DataType.BITMAP8, 0x02);
        break;
      case ClusterId.metering:
        if (id === 0x0306) return ok(DataType.BITMAP8, role === "esme" ? 0 : 128);
        if (id === 0x0000) return ok(DataType.UINT48, t * TAG + 12_345);
        if (HISTORY.has(id))
          return tagged(
            id >= 0x0440 && id < 0x0460 ? DataType.UINT32 : DataType.UINT24,
            id * 7 + (role === "esme" ? 1 : 2),
          );
        break;
      case ClusterId.prepayment:
        if (id === 0x0001 || id === 0x0005) return tagged(DataType.INT32, id * 11);
        if (COST.has(id)) return tagged(DataType.UINT48, id * 3);
        break;
      case ClusterId.deviceManagement:
        if (id === 0x0200 && cot) return ok(DataType.UTC, msToZclUtc(cot.dateMs));
        if (id === 0x0201 && cot) return ok(DataType.BITMAP32, cot.control);
        break;
    }
    return { attrId: id, status: 0x86 };
  }
}

/**
 * A test double of the hub model for device-level tests: serves the SE clusters for the GPF and the ESME
 * from bytes to bytes, with every value tagged by the tenancy in force (value = tenancy × 100 000 + n),
 * records every request, and performs CoTs (future-dated ones take effect at their time).
 */
import { type Clock, msToZclUtc } from "../../../src/hub/clock.js";
import type { RequestContext } from "../../../src/hub/types.js";
import type { EndpointRole } from "../../../src/report/evidence.js";
import {
  ALTERNATIVE_HISTORICAL_CONSUMPTION,
  Cluster,
  HISTORICAL_CONSUMPTION,
  HISTORICAL_COST,
  encodeDisplayMessage,
  encodeGetProfileResponse,
  encodePublishDebtLog,
  encodePublishTopUpLog,
} from "../../../src/virtual/devices/se-payloads.js";
import {
  type AttributeRecord,
  DataType,
  Writer,
  decodeFrame,
  decodeReadRequest,
  encodeFrame,
  encodeReadResponse,
} from "../../../src/virtual/devices/zcl-bytes.js";

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
    const f = decodeFrame(bytes);
    const t = this.tenancy();
    const req: Request = {
      role: ctx.role,
      device: ctx.device,
      hubEp: ctx.hubEp,
      clusterId,
      global: f.frameType === 0,
      commandId: f.commandId,
      atMs: this.clock.now(),
    };
    this.requests.push(req);
    const reply = (frameType: 0 | 1, commandId: number, payload: Buffer) =>
      encodeFrame(
        { frameType, serverToClient: true, disableDefaultResponse: true, tsn: f.tsn, commandId },
        this.garble.has(`${clusterId}/${f.commandId}`) ? payload.subarray(0, 7) : payload,
      );
    if (f.frameType === 0 && f.commandId === 0x00) {
      req.attrs = decodeReadRequest(f.payload);
      return reply(0, 0x01, encodeReadResponse(req.attrs.map((id) => this.#attribute(ctx.role, clusterId, id, t))));
    }
    if (f.frameType === 0) return undefined;
    const key = `${clusterId}/${f.commandId}`;
    const now = this.clock.now();
    switch (key) {
      case `${Cluster.messaging}/0`:
        return reply(
          1,
          0x00,
          encodeDisplayMessage({
            messageId: this.messageId(t),
            messageControl: 0,
            startTime: 0,
            durationInMinutes: 0xffff,
            message: this.messageText(t),
          }),
        );
      case `${Cluster.metering}/0`: {
        const end = Math.floor(now / 1_800_000) * 1_800_000;
        return reply(
          1,
          0x00,
          encodeGetProfileResponse({
            endTime: msToZclUtc(end),
            status: 0,
            profileIntervalPeriod: 2,
            intervals: Array.from({ length: 24 }, (_, i) => t * TAG + ((end / 1_800_000 - i) % 1000)),
          }),
        );
      }
      case `${Cluster.price}/0`: {
        const w = new Writer().u32(1).string("Standard").u32(7).u32(msToZclUtc(now)).u8(0).u16(826).u8(0x21).u8(0x11);
        return reply(
          1,
          0x00,
          w
            .u32(0)
            .u16(0xffff)
            .u32(t * TAG + 2345)
            .bytes(),
        );
      }
      case `${Cluster.prepayment}/8`:
        return reply(
          1,
          0x05,
          encodePublishTopUpLog({
            commandIndex: 0,
            totalCommands: 1,
            entries: [1, 2].map((n) => ({
              code: `T${t}-TOPUP-${n}`,
              amount: t * TAG + n * 500,
              time: msToZclUtc(now) - n * 86_400,
            })),
          }),
        );
      case `${Cluster.prepayment}/10`:
        return reply(
          1,
          0x06,
          encodePublishDebtLog({
            commandIndex: 0,
            totalCommands: 1,
            entries: [
              {
                collectionTime: msToZclUtc(now) - 3600,
                amountCollected: t * TAG + 40,
                debtType: 0,
                outstandingDebt: t * TAG + 900,
              },
            ],
          }),
        );
      case `${Cluster.deviceManagement}/0`: {
        const cot = this.cots.at(-1);
        if (!cot) return reply(0, 0x0b, Buffer.from([0x00, 0x8b]));
        const w = new Writer().u32(0).u32(this.cots.length).u8(0).u32(msToZclUtc(cot.dateMs)).u32(cot.control);
        return reply(1, 0x00, w.bytes());
      }
      default:
        return reply(0, 0x0b, Buffer.from([f.commandId, 0x81]));
    }
  }

  #attribute(role: EndpointRole, clusterId: number, id: number, t: number): AttributeRecord {
    const ok = (type: number, value: number): AttributeRecord => ({ attrId: id, status: 0, type, value });
    const tagged = (type: number, n: number) => ok(type, t * TAG + (n % TAG));
    const cot = this.cots.at(-1);
    switch (clusterId) {
      case Cluster.time:
        if (id === 0x0000) return ok(DataType.utc, msToZclUtc(this.clock.now()));
        if (id === 0x0001) return ok(DataType.bitmap8, 0x02);
        break;
      case Cluster.metering:
        if (id === 0x0306) return ok(DataType.bitmap8, role === "esme" ? 0 : 128);
        if (id === 0x0000) return ok(DataType.uint48, t * TAG + 12_345);
        if (HISTORY.has(id))
          return tagged(
            id >= 0x0440 && id < 0x0460 ? DataType.uint32 : DataType.uint24,
            id * 7 + (role === "esme" ? 1 : 2),
          );
        break;
      case Cluster.prepayment:
        if (id === 0x0001 || id === 0x0005) return tagged(DataType.int32, id * 11);
        if (COST.has(id)) return tagged(DataType.uint48, id * 3);
        break;
      case Cluster.deviceManagement:
        if (id === 0x0200 && cot) return ok(DataType.utc, msToZclUtc(cot.dateMs));
        if (id === 0x0201 && cot) return ok(DataType.bitmap32, cot.control);
        break;
    }
    return { attrId: id, status: 0x86 };
  }
}

/**
 * Smart Energy cluster ids, the attribute ids a client reads, and the payloads of the SE commands an
 * IHD / PPMID exchanges (domain.md §3–§7), with encoders and decoders for both directions.
 */
import { Reader, Writer } from "./zcl-bytes.js";

export const Cluster = {
  basic: 0x0000,
  time: 0x000a,
  price: 0x0700,
  messaging: 0x0703,
  metering: 0x0702,
  prepayment: 0x0705,
  deviceManagement: 0x0708,
} as const;

export const SE_PROFILE_ID = 0x0109;

/** Device Management tenancy attributes. */
export const Tenancy = { updateDateTime: 0x0200, proposedChangeControl: 0x0201 } as const;
/** ProposedTenancyChangeControl bits an IHD / PPMID acts on. */
export const ControlBit = { clearConsumer: 0x200, clearSupplier: 0x400 } as const;

export const TimeAttr = { time: 0x0000, timeStatus: 0x0001 } as const;

export const MeteringAttr = {
  currentSummationDelivered: 0x0000,
  meteringDeviceType: 0x0306,
} as const;

/** MeteringDeviceType 0 is Electric Metering; gas is 1, and the mirrored types (GPF) are 128 and up. */
export const ELECTRIC_METERING = 0;

export type PeriodUnit = "day" | "week" | "month";

/** One attribute of a consumption series: which period it holds, counted back from the current one. */
export interface SeriesAttribute {
  id: number;
  name: string;
  unit: PeriodUnit;
  /** 0 = the current period, 1 = the previous one, … */
  back: number;
}

function series(base: number, alt: string, cost: boolean): SeriesAttribute[] {
  const out: SeriesAttribute[] = [];
  const what = cost ? "CostConsumptionDelivered" : `${alt}ConsumptionDelivered`;
  const name = (prefix: string) => `${prefix}${what}`;
  out.push({ id: base + 0x01, name: name("currentDay"), unit: "day", back: 0 });
  out.push({ id: base + 0x03, name: name("previousDay"), unit: "day", back: 1 });
  for (let n = 2; n <= 8; n++)
    out.push({ id: base + 0x20 + 2 * (n - 2), name: name(`previousDay${n}`), unit: "day", back: n });
  out.push({ id: base + 0x30, name: name("currentWeek"), unit: "week", back: 0 });
  out.push({ id: base + 0x32, name: name("previousWeek"), unit: "week", back: 1 });
  for (let n = 2; n <= 5; n++)
    out.push({ id: base + 0x34 + 2 * (n - 2), name: name(`previousWeek${n}`), unit: "week", back: n });
  out.push({ id: base + 0x40, name: name("currentMonth"), unit: "month", back: 0 });
  out.push({ id: base + 0x42, name: name("previousMonth"), unit: "month", back: 1 });
  for (let n = 2; n <= 13; n++)
    out.push({ id: base + 0x44 + 2 * (n - 2), name: name(`previousMonth${n}`), unit: "month", back: n });
  return out;
}

/** Metering Historical Consumption set (0x04xx), delivered side. */
export const HISTORICAL_CONSUMPTION = series(0x0400, "", false);
/** Metering Alternative Historical Consumption set (0x0Cxx): kWh on the GPF's gas mirror. */
export const ALTERNATIVE_HISTORICAL_CONSUMPTION = series(0x0c00, "Alternative", false);
/**
 * Prepayment Historical Cost Consumption set (0x05xx): the same layout from 0x051C, with the current day at
 * 0x051C and the previous day at 0x051E.
 */
export const HISTORICAL_COST = series(0x0500, "", true).map((a) =>
  a.back === 0 && a.unit === "day" ? { ...a, id: 0x051c } : a.back === 1 && a.unit === "day" ? { ...a, id: 0x051e } : a,
);

export const PrepaymentAttr = { creditRemaining: 0x0001, accumulatedDebt: 0x0005 } as const;

export const MessagingCmd = {
  displayMessage: 0x00,
  cancelMessage: 0x01,
  displayProtectedMessage: 0x02,
  cancelAllMessages: 0x03,
  getLastMessage: 0x00,
} as const;
export const MeteringCmd = { getProfile: 0x00, getProfileResponse: 0x00 } as const;
export const PriceCmd = { getCurrentPrice: 0x00, publishPrice: 0x00 } as const;
export const PrepaymentCmd = {
  getTopUpLog: 0x08,
  getDebtRepaymentLog: 0x0a,
  publishTopUpLog: 0x05,
  publishDebtLog: 0x06,
} as const;
export const DeviceManagementCmd = { getChangeOfTenancy: 0x00, publishChangeOfTenancy: 0x00 } as const;

export interface DisplayMessage {
  messageId: number;
  messageControl: number;
  startTime: number;
  durationInMinutes: number;
  message: string;
  extendedMessageControl?: number;
}

export function decodeDisplayMessage(payload: Buffer): DisplayMessage {
  const r = new Reader(payload);
  const m: DisplayMessage = {
    messageId: r.u32(),
    messageControl: r.u8(),
    startTime: r.u32(),
    durationInMinutes: r.u16(),
    message: r.string(),
  };
  // optional: the GB vector (domain.md §16.3) has none
  if (r.remaining > 0) m.extendedMessageControl = r.u8();
  return m;
}

export function encodeDisplayMessage(m: DisplayMessage): Buffer {
  const w = new Writer().u32(m.messageId).u8(m.messageControl).u32(m.startTime).u16(m.durationInMinutes);
  w.string(m.message);
  if (m.extendedMessageControl !== undefined) w.u8(m.extendedMessageControl);
  return w.bytes();
}

export function decodeCancelMessage(payload: Buffer): { messageId: number } {
  return { messageId: new Reader(payload).u32() };
}

export interface GetProfile {
  intervalChannel: number;
  endTime: number;
  numberOfPeriods: number;
}

export function encodeGetProfile(p: GetProfile): Buffer {
  return new Writer().u8(p.intervalChannel).u32(p.endTime).u8(p.numberOfPeriods).bytes();
}

export function decodeGetProfile(payload: Buffer): GetProfile {
  const r = new Reader(payload);
  return { intervalChannel: r.u8(), endTime: r.u32(), numberOfPeriods: r.u8() };
}

export interface GetProfileResponse {
  endTime: number;
  status: number;
  profileIntervalPeriod: number;
  intervals: number[];
}

export function decodeGetProfileResponse(payload: Buffer): GetProfileResponse {
  const r = new Reader(payload);
  const endTime = r.u32();
  const status = r.u8();
  const profileIntervalPeriod = r.u8();
  const n = r.u8();
  const intervals: number[] = [];
  for (let i = 0; i < n && r.remaining >= 3; i++) intervals.push(r.u24());
  return { endTime, status, profileIntervalPeriod, intervals };
}

export function encodeGetProfileResponse(p: GetProfileResponse): Buffer {
  const w = new Writer().u32(p.endTime).u8(p.status).u8(p.profileIntervalPeriod).u8(p.intervals.length);
  for (const v of p.intervals) w.u24(v);
  return w.bytes();
}

/** ProfileIntervalPeriod enumeration → interval length in seconds. */
export const PROFILE_INTERVAL_S: Record<number, number> = {
  0: 86_400,
  1: 3_600,
  2: 1_800,
  3: 900,
  4: 600,
  5: 450,
  6: 300,
  7: 150,
};

export interface TopUp {
  code: string;
  amount: number;
  time: number;
}

export interface LogPage<T> {
  commandIndex: number;
  totalCommands: number;
  entries: T[];
}

export function decodePublishTopUpLog(payload: Buffer): LogPage<TopUp> {
  const r = new Reader(payload);
  const page: LogPage<TopUp> = { commandIndex: r.u8(), totalCommands: r.u8(), entries: [] };
  while (r.remaining > 0) page.entries.push({ code: r.string(), amount: r.int(4), time: r.u32() });
  return page;
}

export function encodePublishTopUpLog(page: LogPage<TopUp>): Buffer {
  const w = new Writer().u8(page.commandIndex).u8(page.totalCommands);
  for (const t of page.entries) w.string(t.code).int(t.amount, 4).u32(t.time);
  return w.bytes();
}

export interface DebtPayment {
  collectionTime: number;
  amountCollected: number;
  debtType: number;
  outstandingDebt: number;
}

export function decodePublishDebtLog(payload: Buffer): LogPage<DebtPayment> {
  const r = new Reader(payload);
  const page: LogPage<DebtPayment> = { commandIndex: r.u8(), totalCommands: r.u8(), entries: [] };
  while (r.remaining > 0) {
    page.entries.push({
      collectionTime: r.u32(),
      amountCollected: r.u32(),
      debtType: r.u8(),
      outstandingDebt: r.u32(),
    });
  }
  return page;
}

export function encodePublishDebtLog(page: LogPage<DebtPayment>): Buffer {
  const w = new Writer().u8(page.commandIndex).u8(page.totalCommands);
  for (const d of page.entries) w.u32(d.collectionTime).u32(d.amountCollected).u8(d.debtType).u32(d.outstandingDebt);
  return w.bytes();
}

export function encodeGetTopUpLog(latestEndTime: number, numberOfRecords: number): Buffer {
  return new Writer().u32(latestEndTime).u8(numberOfRecords).bytes();
}

export function encodeGetDebtRepaymentLog(latestEndTime: number, numberOfDebts: number, debtType: number): Buffer {
  return new Writer().u32(latestEndTime).u8(numberOfDebts).u8(debtType).bytes();
}

/** The leading fields of PublishPrice that an IHD shows. */
export interface PriceSummary {
  providerId: number;
  rateLabel: string;
  issuerEventId: number;
  currentTime: number;
  unitOfMeasure: number;
  currency: number;
  priceTrailingDigitAndTier: number;
  numberOfTiersAndRegisterTier: number;
  startTime: number;
  durationInMinutes: number;
  price: number;
}

export function decodePublishPrice(payload: Buffer): PriceSummary {
  const r = new Reader(payload);
  return {
    providerId: r.u32(),
    rateLabel: r.string(),
    issuerEventId: r.u32(),
    currentTime: r.u32(),
    unitOfMeasure: r.u8(),
    currency: r.u16(),
    priceTrailingDigitAndTier: r.u8(),
    numberOfTiersAndRegisterTier: r.u8(),
    startTime: r.u32(),
    durationInMinutes: r.u16(),
    price: r.u32(),
  };
}

export interface ChangeOfTenancy {
  providerId: number;
  issuerEventId: number;
  tariffType: number;
  implementationDateTime: number;
  proposedTenancyChangeControl: number;
}

export function decodePublishChangeOfTenancy(payload: Buffer): ChangeOfTenancy {
  const r = new Reader(payload);
  return {
    providerId: r.u32(),
    issuerEventId: r.u32(),
    tariffType: r.u8(),
    implementationDateTime: r.u32(),
    proposedTenancyChangeControl: r.u32(),
  };
}

/**
 * Prepayment 0x0705 (domain.md §5) on both meters, from the role's meter: a meter in prepayment mode
 * (PaymentControlConfiguration with Prepayment Enabled and Credit Display Enabled, so a PPMID shows its
 * prepayment screens; domain-review W7), credit and accumulated debt (pence), top-up sets 1–5 (set 1 the
 * latest), debt sets 1–3, the Historical Cost Consumption set (1e-5 GBP, the consumption at the meter's unit
 * price; periods as the Metering history, HistoricalFreezeTime 0x055C).
 *
 * GetTopUpLog → PublishTopUpLog with the latest top-ups at or before LatestEndTime (0 or later than now
 * means now), newest first, at most MAX_LOG_RECORDS (NumberOfRecords 0 means as many as fit).
 * GetDebtRepaymentLog → PublishDebtLog likewise, filtered by DebtType (0..2, 0xFF all).
 * Octet strings (top-up codes, debt labels) are served as bytes and recorded in evidence as text.
 */
import { msToZclUtc, zclUtcToMs } from "../clock.js";
import { COST_HISTORY } from "../data/history.js";
import { ClusterId, Status } from "../../zcl/index.js";
import { historyServers } from "./history-attrs.js";
import {
  type AttributeTable,
  type ClusterServer,
  type CommandHandler,
  clusterServer,
  constant,
  field,
  type ServeEnv,
} from "./server.js";

const MAX_LOG_RECORDS = 5;
export const GBP = 826;
/** PaymentControlConfiguration bits (bitmap16; zsmartsystems PaymentControlConfigurationBitmap). */
export const PaymentControl = {
  disconnectionEnabled: 0x0001,
  prepaymentEnabled: 0x0002,
  creditManagementEnabled: 0x0004,
  creditDisplayEnabled: 0x0010,
} as const;
/** What the hub's meters serve: prepayment mode with credit display, supply disconnection enabled. */
export const PAYMENT_CONTROL =
  PaymentControl.disconnectionEnabled | PaymentControl.prepaymentEnabled | PaymentControl.creditDisplayEnabled;

function untilTime(env: { now: number }, latestEndTime: number): number {
  return latestEndTime === 0 ? env.now : Math.min(env.now, zclUtcToMs(latestEndTime));
}

function wanted(n: number): number {
  return n === 0 ? MAX_LOG_RECORDS : Math.min(n, MAX_LOG_RECORDS);
}

export function prepaymentServer(): ClusterServer {
  const attributes: AttributeTable = {
    paymentControlConfiguration: constant(PAYMENT_CONTROL),
    creditRemaining: { get: (env) => env.data.creditAt(env.now) },
    creditStatus: constant(0x01), // credit OK
    creditRemainingTimestamp: { get: (env) => msToZclUtc(Math.floor(env.now / 3_600_000) * 3_600_000) },
    accumulatedDebt: { get: (env) => env.data.debts.reduce((s, d) => s + d.amount, 0) },
    historicalCostConsumptionFormatting: constant(0x2d), // 5 digits left, 5 right
    consumptionUnitOfMeasurement: constant(0x00), // kWh
    currency: constant(GBP),
    historicalFreezeTime: { get: (env) => env.freezeTime },
    ...historyServers(ClusterId.prepayment, COST_HISTORY, (env, s, e) =>
      env.data.cost(env.data.series.sum(s, e, "energy")),
    ),
  };
  // top-up sets 1..5 (set 1 the latest) and debt sets 1..3
  for (let n = 1; n <= 5; n++) {
    const topUp = (env: ServeEnv) => env.data.topUpsBefore(env.now, n)[n - 1]!;
    attributes[`topUpDateTime${n}`] = { get: (env) => msToZclUtc(topUp(env).time) };
    attributes[`topUpAmount${n}`] = { get: (env) => topUp(env).amount };
    attributes[`originatingDevice${n}`] = constant(0x00); // ESI
    attributes[`topUpCode${n}`] = { get: (env) => Buffer.from(topUp(env).code) };
  }
  for (let n = 1; n <= 3; n++) {
    const debt = (env: ServeEnv) => env.data.debts[n - 1]!;
    attributes[`debtLabel${n}`] = { get: (env) => Buffer.from(debt(env).label) };
    attributes[`debtAmount${n}`] = { get: (env) => debt(env).amount };
    attributes[`debtRecoveryMethod${n}`] = { get: (env) => debt(env).recoveryMethod };
    attributes[`debtRecoveryStartTime${n}`] = { get: (env) => msToZclUtc(debt(env).recoveryStartTime) };
    attributes[`debtRecoveryCollectionTime${n}`] = { get: (env) => debt(env).recoveryCollectionTime };
    attributes[`debtRecoveryFrequency${n}`] = { get: (env) => debt(env).recoveryFrequency };
    attributes[`debtRecoveryAmount${n}`] = { get: (env) => debt(env).recoveryAmount };
    attributes[`debtRecoveryTopUpPercentage${n}`] = { get: (env) => debt(env).recoveryTopUpPercentage };
  }

  const getTopUpLog: CommandHandler = (env, req) => {
    const until = untilTime(env, field(req, "latestEndTime"));
    const n = wanted(field(req, "numberOfRecords"));
    const topUps = env.data.topUpsBefore(until, n).map((t, i) => {
      const rec = { topUpCode: Buffer.from(t.code), topUpAmount: t.amount, topUpTime: msToZclUtc(t.time) };
      env.served(`publishTopUpLog.topUps[${i}].topUpCode`, rec.topUpCode);
      env.served(`publishTopUpLog.topUps[${i}].topUpAmount`, rec.topUpAmount);
      env.served(`publishTopUpLog.topUps[${i}].topUpTime`, rec.topUpTime);
      return rec;
    });
    return {
      kind: "response",
      commandId: 0x05,
      command: "publishTopUpLog",
      payload: { commandIndex: 0, totalCommands: 1, topUps },
    };
  };

  const getDebtRepaymentLog: CommandHandler = (env, req) => {
    const until = untilTime(env, field(req, "latestEndTime"));
    const n = wanted(field(req, "numberOfDebts"));
    const type = field(req, "debtType");
    if (type > 2 && type !== 0xff) return { kind: "default", status: Status.INVALID_FIELD };
    const list = env.data.collectionsBefore(until, n, type === 0xff ? undefined : type);
    if (list.length === 0) return { kind: "default", status: Status.NOT_FOUND };
    const debts = list.map((c, i) => {
      const rec = {
        collectionTime: msToZclUtc(c.time),
        amountCollected: c.amountCollected,
        debtType: c.debtType,
        outstandingDebt: c.outstandingDebt,
      };
      env.served(`publishDebtLog.debts[${i}].amountCollected`, rec.amountCollected);
      env.served(`publishDebtLog.debts[${i}].outstandingDebt`, rec.outstandingDebt);
      return rec;
    });
    return {
      kind: "response",
      commandId: 0x06,
      command: "publishDebtLog",
      payload: { commandIndex: 0, totalCommands: 1, debts },
    };
  };

  return clusterServer(ClusterId.prepayment, { attributes, commands: { getTopUpLog, getDebtRepaymentLog } });
}

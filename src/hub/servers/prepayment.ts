/**
 * Prepayment 0x0705 (domain.md §5) on both endpoints, from the role's commodity of the tenancy in force:
 * credit and accumulated debt (pence), top-up sets 1–5 (set 1 the latest), debt sets 1–3, the
 * Historical Cost Consumption set (1e-5 GBP, from the consumption series at the tenancy's unit price).
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

function untilTime(env: { now: number }, latestEndTime: number): number {
  return latestEndTime === 0 ? env.now : Math.min(env.now, zclUtcToMs(latestEndTime));
}

function wanted(n: number): number {
  return n === 0 ? MAX_LOG_RECORDS : Math.min(n, MAX_LOG_RECORDS);
}

export function prepaymentServer(): ClusterServer {
  const attributes: AttributeTable = {
    paymentControlConfiguration: constant(0x0001), // disconnection enabled
    creditRemaining: { get: (env) => env.tag(env.data.creditAt(env.now)) },
    creditStatus: constant(0x01), // credit OK
    creditRemainingTimestamp: { get: (env) => msToZclUtc(Math.floor(env.now / 3_600_000) * 3_600_000) },
    accumulatedDebt: { get: (env) => env.tag(env.data.debts.reduce((s, d) => s + d.amount, 0)) },
    historicalCostConsumptionFormatting: constant(0x2d), // 5 digits left, 5 right
    consumptionUnitOfMeasurement: constant(0x00), // kWh
    currency: constant(GBP),
    ...historyServers(ClusterId.prepayment, COST_HISTORY, (env, s, e) =>
      env.data.cost(env.data.series.sum(s, e, "energy")),
    ),
  };
  // top-up sets 1..5 (set 1 the latest) and debt sets 1..3
  for (let n = 1; n <= 5; n++) {
    const topUp = (env: ServeEnv) => env.data.topUpsBefore(env.now, n)[n - 1]!;
    attributes[`topUpDateTime${n}`] = { get: (env) => msToZclUtc(topUp(env).time) };
    attributes[`topUpAmount${n}`] = { get: (env) => env.tag(topUp(env).amount) };
    attributes[`originatingDevice${n}`] = constant(0x00); // ESI
    attributes[`topUpCode${n}`] = { get: (env) => Buffer.from(topUp(env).code) };
  }
  for (let n = 1; n <= 3; n++) {
    const debt = (env: ServeEnv) => env.data.debts[n - 1]!;
    attributes[`debtLabel${n}`] = { get: (env) => Buffer.from(debt(env).label) };
    attributes[`debtAmount${n}`] = { get: (env) => env.tag(debt(env).amount) };
    attributes[`debtRecoveryMethod${n}`] = { get: (env) => debt(env).recoveryMethod };
    attributes[`debtRecoveryStartTime${n}`] = { get: (env) => msToZclUtc(debt(env).recoveryStartTime) };
    attributes[`debtRecoveryCollectionTime${n}`] = { get: (env) => debt(env).recoveryCollectionTime };
    attributes[`debtRecoveryFrequency${n}`] = { get: (env) => debt(env).recoveryFrequency };
    attributes[`debtRecoveryAmount${n}`] = { get: (env) => env.tag(debt(env).recoveryAmount) };
    attributes[`debtRecoveryTopUpPercentage${n}`] = { get: (env) => debt(env).recoveryTopUpPercentage };
  }

  const getTopUpLog: CommandHandler = (env, req) => {
    const until = untilTime(env, field(req, "latestEndTime"));
    const n = wanted(field(req, "numberOfRecords"));
    const topUps = env.data.topUpsBefore(until, n).map((t, i) => {
      const rec = { topUpCode: Buffer.from(t.code), topUpAmount: env.tag(t.amount), topUpTime: msToZclUtc(t.time) };
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
        amountCollected: env.tag(c.amountCollected),
        debtType: c.debtType,
        outstandingDebt: env.tag(c.outstandingDebt),
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

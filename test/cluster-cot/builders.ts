/**
 * Synthetic evidence of a virtual run, produced the way a real run produces it: the steps of VIRTUAL_PLAN
 * are iterated in order, a small hub model serves tenancy-tagged data and records CoTs through `Tenancy`,
 * and each DUT is a SynthDevice with a behaviour profile polling on the hub clock. This doubles as an
 * executable sketch of what the runner does per step.
 */
import type { Clock } from "../../src/hub/clock.js";
import { TenancySchedule } from "../../src/hub/tenancy.js";
import { defaultTiming, type PhaseName, type Step, VIRTUAL_PLAN } from "../../src/cluster-cot/plan.js";
import { type CotRecord, Tenancy } from "../../src/cluster-cot/tenancy.js";
import type { DutDeclaration, EndpointRole, Evidence, EvidenceBody, HeldMessage } from "../../src/evidence/events.js";
import { type Profile, type SeenCot, SynthDevice } from "./synth-device.js";
import { frames } from "./synth-frames.js";

export const T0 = Date.parse("2026-05-04T09:00:00Z");
export const HUB_EP = { gpf: 2, esme: 3 } as const;
export const POLL_MS = 2 * 3_600_000;
const DAY = 86_400_000;

export interface SynthDut {
  kind: "ihd" | "ppmid";
  profile: Profile;
  claims?: string;
  probe?: "virtual" | "operator";
}

export interface SynthOptions {
  duts: SynthDut[];
  windowMs?: number;
  /** Probes whose purpose matches answer `ok: false` with this error (an operator without a TTY). */
  failProbes?: { match: RegExp; error: string };
  /** A bench error logged at the start of this phase; the phase's probes then get no answer. */
  benchError?: { phase: PhaseName; message: string; perDevice?: boolean };
  /** Stop after this phase (a run cut short). */
  stopAfter?: PhaseName;
}

export class SynthLog {
  readonly events: Evidence[] = [];
  now = T0;
  add(body: EvidenceBody): Evidence {
    const e = {
      seq: this.events.length + 1,
      t: new Date(this.now).toISOString(),
      wall: "2026-05-04T09:00:00.000Z",
      ...body,
    };
    this.events.push(e as Evidence);
    return e as Evidence;
  }
}

export interface Dut {
  decl: DutDeclaration;
  dev: SynthDevice;
}

/** A deterministic raw figure per item and period; the last two digits carry the tenancy, as the hub tags it. */
export function tagged(item: string, period: number, tenancy: number): number {
  let h = 7;
  for (const ch of `${item}|${period}`) h = (h * 31 + ch.charCodeAt(0)) % 100_000;
  return (h + 100) * 100 + tenancy;
}

export async function synthRun(opts: SynthOptions): Promise<Evidence[]> {
  const log = new SynthLog();
  const timing = defaultTiming(opts.windowMs);
  const clock: Clock = { now: () => log.now, at: () => () => {}, sleep: () => Promise.resolve() };
  const tenancy = new Tenancy({ clock, providerId: 0x0042 });
  /** The tenancy in force, as the hub model derives it from the recorded CoTs. */
  const schedule = new TenancySchedule(clock);
  const recorded: CotRecord[] = [];
  const messages = new Map<number, HeldMessage[]>();
  const duts: Dut[] = opts.duts.map((d, i) => ({
    decl: {
      label: `${d.kind}:${d.profile}`,
      kind: d.kind,
      ieee: `0x00124b00000000${(0x10 + i).toString(16)}`,
      profile: d.profile,
      probe: d.probe ?? "virtual",
      ...(d.claims ? { claims: d.claims } : {}),
    },
    dev: new SynthDevice(d.kind, d.profile),
  }));
  const f = frames(log, HUB_EP);
  let messageNo = 0;
  let benchBroken = false;

  log.add({
    kind: "run",
    tool: "hanbench",
    version: "0.1.0",
    mode: "virtual",
    seed: 42,
    hub: { channel: 15, panId: 0x1a62, ieee: "0x00124b0000000001", endpoints: HUB_EP, networkKey: "not in reports" },
    baseline: { IHDTS: "5.0", PPMIDTS: "5.0", ESMETS: "5.1", GBCS: "5.0", CHTS: "1.5" },
    windowMs: timing.windowMs,
    duts: duts.map((d) => d.decl),
  });

  const tenancyNow = () => schedule.current();
  /** First day a tenancy owns data of (tenancy 1: three days before the run). */
  const startDay = (t: number) =>
    Math.floor((t === 1 ? T0 - 3 * DAY : recorded.find((r) => r.tenancy === t)!.implementationTime) / DAY) * DAY;
  const served = (d: Dut | "*", role: EndpointRole, clusterId: number, item: string, value: unknown, period?: number) =>
    log.add({
      kind: "served",
      device: d === "*" ? "*" : d.decl.ieee,
      role,
      clusterId,
      item,
      value,
      tenancy: tenancyNow(),
      ...(period !== undefined ? { period: new Date(period).toISOString() } : {}),
    });
  const latestCot = (): SeenCot | undefined => {
    const r = recorded.at(-1);
    return r && { issuerEventId: r.issuerEventId, implementationMs: r.implementationTime, control: r.control };
  };

  /** One poll cycle of a device: CoT query on its roles, act, refresh running values (+ history). */
  const cycle = (d: Dut) => {
    if (!d.dev.online) return;
    const cot = latestCot();
    for (const role of d.dev.queryRoles) {
      if (!d.dev.discovers) {
        f.unanswered(d, 0x0708, [0x200, 0x201]);
        continue;
      }
      if (role === "gpf") f.getChangeOfTenancy(d, cot?.issuerEventId);
      else f.readTenancy(d, cot !== undefined);
    }
    if (d.dev.discovers && d.dev.queryRoles.length) d.dev.react(cot, log.now);
    refresh(d);
  };

  const refresh = (d: Dut) => {
    const items = d.dev.wantsHistory(log.now)
      ? ["currentDayConsumptionDelivered", "previousDayConsumptionDelivered", "previousDay2ConsumptionDelivered"]
      : ["currentDayConsumptionDelivered"];
    if (!d.dev.discovers) {
      f.unanswered(d, 0x0702, [0x401]);
      return;
    }
    f.read(d, "esme", 0x0702, items.length);
    const t = tenancyNow();
    const today = Math.floor(log.now / DAY) * DAY;
    items.forEach((item, k) => {
      const period = today - k * DAY;
      if (period < startDay(t)) return; // no tenancy owns it: nothing served
      const value = tagged(item, period, t);
      served(d, "esme", 0x0702, item, value, period);
      d.dev.storeValue(
        "consumption",
        { role: "esme", clusterId: 0x0702, item, value, period: new Date(period).toISOString() },
        k === 0,
      );
    });
    const last = messages.get(t)?.at(-1);
    f.getLastMessage(d, last);
    if (last) {
      served(d, "esme", 0x0703, "displayMessage.messageId", last.messageId);
      served(d, "esme", 0x0703, "displayMessage.message", last.text);
      d.dev.storeMessage(last);
    }
    if (d.decl.kind === "ppmid" && items.length > 1) {
      const time = new Date(startDay(t) + 3_600_000).toISOString();
      const code = `T${t}-TOPUP-7${t}`;
      const amount = tagged("topUp", 0, t);
      f.read(d, "esme", 0x0705, 2);
      served(d, "esme", 0x0705, "publishTopUpLog.topUps[0].topUpCode", code);
      served(d, "esme", 0x0705, "publishTopUpLog.topUps[0].topUpAmount", amount);
      d.dev.storeValue(
        "topUps",
        { role: "esme", clusterId: 0x0705, item: "topUp", value: { code, amount }, period: time },
        false,
      );
      const debt = { debtType: 1, amountCollected: tagged("debt", 1, t), outstandingDebt: tagged("debt", 2, t) };
      served(d, "esme", 0x0705, "publishDebtLog.debts[0].amountCollected", debt.amountCollected);
      served(d, "esme", 0x0705, "publishDebtLog.debts[0].outstandingDebt", debt.outstandingDebt);
      d.dev.storeValue(
        "debts",
        { role: "esme", clusterId: 0x0705, item: "debtPayment", value: debt, period: time },
        false,
      );
    }
  };

  const advanceTo = (target: number) => {
    while (log.now + POLL_MS <= target) {
      log.now += POLL_MS;
      for (const d of duts) {
        if (!d.dev.online) continue;
        d.dev.tick(log.now);
        cycle(d);
      }
    }
    log.now = target;
  };

  const probe = (purpose: string) => {
    for (const d of duts) {
      const fail = benchBroken
        ? "aborted after a bench error"
        : d.decl.probe === "operator"
          ? "no terminal for the operator prompt"
          : opts.failProbes?.match.test(purpose)
            ? opts.failProbes.error
            : undefined;
      log.add({
        kind: "probe",
        device: d.decl.ieee,
        label: d.decl.label,
        method: d.decl.probe,
        purpose,
        ok: !fail,
        ...(fail ? { error: fail } : { holdings: d.dev.snapshot() }),
      });
    }
  };

  const hub = {
    recordCot(r: CotRecord) {
      recorded.push(r);
      schedule.record(r);
      log.add({
        kind: "cot",
        tenancy: r.tenancy,
        providerId: r.providerId,
        issuerEventId: r.issuerEventId,
        tariffType: r.tariffType,
        implementationTime: new Date(r.implementationTime).toISOString(),
        control: r.control,
        pushed: r.push,
      });
    },
  };

  const run = async (step: Step) => {
    switch (step.do) {
      case "admit":
        for (const d of duts) {
          log.now += 60_000;
          log.add({
            kind: "join",
            device: d.decl.ieee,
            nwk: 0x1000,
            accepted: true,
            reason: "install code in the Device Log",
          });
          log.add({ kind: "interview", device: d.decl.ieee, status: "successful" });
          if (d.dev.discovers) {
            log.add({
              kind: "discovery",
              device: d.decl.ieee,
              request: "matchDesc",
              endpoints: [HUB_EP.gpf, HUB_EP.esme],
              clusters: [0x0708],
            });
          }
          cycle(d);
        }
        return;
      case "stranger":
        log.add({
          kind: "join",
          device: "0x00124b0000000bad",
          nwk: 0x2000,
          accepted: false,
          reason: "not in the Device Log",
        });
        return;
      case "publish-message": {
        log.now += 60_000;
        const t = tenancyNow();
        const m = { messageId: t * 1000 + ++messageNo, text: `T${t}-MSG-${t * 1000 + messageNo} occupier ${t}` };
        messages.set(t, [...(messages.get(t) ?? []), m]);
        for (const d of duts) f.displayMessage(d, m);
        served("*", "esme", 0x0703, "displayMessage.messageId", m.messageId);
        served("*", "esme", 0x0703, "displayMessage.message", m.text);
        for (const d of duts) if (d.dev.online) d.dev.storeMessage(m);
        return;
      }
      case "await-fetch":
        advanceTo(log.now + POLL_MS);
        return;
      case "record-cot": {
        const implementationTime = step.at === "now" ? log.now : log.now + timing.futureLeadMs;
        await tenancy.record(hub, { control: step.control, implementationTime });
        return;
      }
      case "power":
        for (const d of duts) {
          d.dev.setOnline(step.online);
          log.add({ kind: "presence", device: d.decl.ieee, online: step.online });
        }
        log.now += 60_000;
        if (step.online) for (const d of duts) cycle(d); // back on the network: devices poll at power-on
        return;
      case "wait": {
        const cot = recorded.at(-1)!;
        if (step.until === "window") advanceTo(log.now + timing.windowMs);
        else if (step.until === "queried")
          advanceTo(log.now + POLL_MS); // every DUT polls once per POLL_MS
        else advanceTo(cot.implementationTime + timing.windowMs);
        return;
      }
      case "probe":
        probe(step.purpose);
        return;
    }
  };

  for (const phase of VIRTUAL_PLAN) {
    log.add({ kind: "phase", name: phase.name, state: "start" });
    if (opts.benchError?.phase === phase.name) {
      benchBroken = true;
      for (const d of opts.benchError.perDevice ? duts : [undefined]) {
        log.add({
          kind: "error",
          source: "runner",
          message: opts.benchError.message,
          ...(d ? { device: d.decl.ieee } : {}),
        });
      }
    }
    for (const step of phase.steps) await run(step);
    log.add({ kind: "phase", name: phase.name, state: "end" });
    benchBroken = false;
    if (opts.stopAfter === phase.name) break;
  }
  return log.events;
}

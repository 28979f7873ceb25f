/**
 * The console commands about the devices under test of a serve session: what the hub serves (`status`), a
 * device declared by its DUT file (`dut`), what a DUT holds (`probe`, `holds`), the waits scripts need (`wait fetch`, `wait cot-query`, `wait clear`,
 * `wait window`) and the verdict of the session (`verdict`). Everything they find out they ask of the
 * evidence, with the questions the cases ask (src/cluster-cot: isCotQuery, hasFetchedHistory, the attribution
 * of holdings by period against each meter's CoT date T), and every probe they take goes into it.
 */
import { type Attributed, type Category, previousOf, type Side, type Ts } from "../cluster-cot/attribution.js";
import { CATEGORY_LABEL, CLEARED } from "../cluster-cot/cases/case.js";
import { runOf } from "../cluster-cot/index.js";
import { hasAcknowledgedMessage, hasFetchedHistory, hasQueriedCot, isCotQuery } from "../cluster-cot/questions.js";
import type { Tenancy } from "../cluster-cot/tenancy.js";
import { DutView } from "../cluster-cot/view.js";
import type { Clock } from "../hub/clock.js";
import { GbcsDeviceType } from "../hub/device-log.js";
import type { Hub } from "../hub/hub.js";
import type { Host } from "../host/host.js";
import type { EndpointRole, Evidence, ProbeEvent } from "../evidence/events.js";
import type { EvidenceLog } from "../evidence/log.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import { formatDuration } from "../duration.js";
import { hex } from "../hex.js";
import { dutDeviceType } from "./env.js";
import { ConsoleError } from "./console-error.js";
import { type DutFile, DutFileError, declarationOf, loadDutFile } from "./dut-file.js";
import { ConsoleProbe, VIRTUAL_CONSOLE } from "./probes/console.js";
import type { ServeSession, SessionDut } from "./session.js";

/** Real ms between the probes of `wait fetch` and `wait clear`. */
const PROBE_EVERY_MS = 2_000;

const METERS: readonly EndpointRole[] = ["gpf", "esme"];

export interface DutCommandDeps {
  host: Host;
  hub: Hub;
  tenancy: Tenancy;
  clock: Clock;
  evidence: EvidenceLog;
  session: ServeSession;
  out(line: string): void;
  /** Resolves after `ms` real ms, or false at once when the command is interrupted. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

type Probe = Evidence & ProbeEvent;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function seconds(ms: number): string {
  return formatDuration(Math.max(0, Math.round(ms / 1000)) * 1000);
}

/** The kind a Device Log type makes a device under test, if it does (a meter is not one). */
export function dutKindOf(deviceType: number): "ihd" | "ppmid" | undefined {
  if (deviceType === GbcsDeviceType.TYPE2) return "ihd";
  if (deviceType === GbcsDeviceType.PPMID) return "ppmid";
  return undefined;
}

export class DutCommands {
  readonly #d: DutCommandDeps;

  constructor(deps: DutCommandDeps) {
    this.#d = deps;
  }

  /**
   * Each meter's T for the newest CoTs: a meter without one of its own takes the other's when the hub variant
   * gives it none to carry (cot-suite.md "Hub variants"); empty before any CoT.
   */
  ts(): Ts {
    const { tenancy, hub } = this.#d;
    const ts: Ts = {};
    for (const m of METERS) {
      const t = tenancy.latest(m)?.implementationTime;
      if (t !== undefined) ts[m] = t;
    }
    const given = Object.values(ts);
    if (given.length)
      for (const m of METERS) if (!hub.variant.cotMeters.includes(m) && ts[m] === undefined) ts[m] = Math.min(...given);
    return ts;
  }

  /** The CoTs recorded, what each meter serves, the devices under test and the detection window. */
  status(): void {
    const { hub, clock, session, tenancy } = this.#d;
    const now = clock.now();
    this.#d.out(`hub time ${iso(now)}; hub variant ${hub.variant.name}`);
    const cots = tenancy.records();
    this.#d.out(cots.length ? `CoTs recorded: ${cots.length}` : "no CoT recorded");
    for (const c of cots) {
      const state = c.implementationTime > now ? `takes effect in ${seconds(c.implementationTime - now)}` : "in effect";
      this.#d.out(
        `  ${c.meter.toUpperCase()} from ${iso(c.implementationTime)} (${state}), control ${hex(c.control, 8)}, issuer event ${c.issuerEventId}, recorded ${iso(c.recordedAt)}${c.push ? ", pushed" : ""}`,
      );
    }
    for (const role of METERS) {
      if (!hub.variant.meters.includes(role)) {
        this.#d.out(`${role.toUpperCase()}: none under hub variant ${hub.variant.name}`);
        continue;
      }
      const cot = hub.cots.latest(role);
      const carries = hub.variant.cotMeters.includes(role);
      const attrs = !carries
        ? "no CoT attributes under this hub variant"
        : cot
          ? `ChangeOfTenancyUpdateDateTime ${iso(cot.implementationTime)}, ProposedTenancyChangeControl ${hex(cot.control, 8)}`
          : "ChangeOfTenancyUpdateDateTime none";
      const msg = hub.messages.active(role);
      this.#d.out(
        `${role.toUpperCase()} (endpoint ${hub.endpoints[role]}): ${attrs}; one continuous history; supplier message ${msg ? `${msg.messageId} '${msg.text}'` : "none"}`,
      );
    }
    const duts = session.duts;
    this.#d.out(
      duts.length
        ? `devices under test: ${duts.map((d) => `${session.nameOf(d.decl.ieee)} ${d.decl.kind}, probe ${d.probe ? `${d.probe.method}${d.console ? ` on ${d.console}` : ""}` : "none"}`).join("; ")}`
        : "no device under test (add an IHD or PPMID)",
    );
    const end = session.windowEnd;
    this.#d.out(
      `detection window ${formatDuration(session.windowMs)}${end === undefined ? "" : end > now ? `; the main CoT's clear is due ${iso(end)} (in ${seconds(end - now)})` : `; the main CoT's clear was due ${iso(end)}`}`,
    );
  }

  /** `probe EUI64 console PORT` | `probe EUI64 off`: how `holds` learns what a DUT holds. */
  probe(ieee: string, args: string[]): void {
    const [method, port, ...extra] = args;
    if (extra.length) throw new ConsoleError(`unexpected '${extra[0]}'`);
    const dut = this.#dutOrDeclare(ieee);
    const { session } = this.#d;
    if (method?.toLowerCase() === "off") {
      session.declare({ decl: { ...dut.decl, probe: "operator" } });
      this.#d.out(`${session.nameOf(ieee)}: no probe`);
      return;
    }
    if (method?.toLowerCase() !== "console" || !port) throw new ConsoleError("say 'console PORT' or 'off'");
    const probe = new ConsoleProbe({ ...VIRTUAL_CONSOLE, port });
    session.declare({ decl: { ...dut.decl, probe: "console" }, probe, console: port });
    this.#d.out(`${session.nameOf(ieee)}: console probe on ${port} (dump: HIST, MSG, AGG, STATE lines, then END)`);
  }

  /**
   * `dut FILE`: the device a DUT file declares (hardware/README.md section 5), put in the Device Log if it is not
   * there yet and declared with its label, claims and what it never shows; its console probe if it has one (an
   * operator probe asks questions the console cannot: `holds` then says it has no probe).
   */
  async dut(path: string): Promise<void> {
    let file: DutFile;
    try {
      file = loadDutFile(path);
    } catch (err) {
      if (err instanceof DutFileError) throw new ConsoleError(err.message, false);
      throw err;
    }
    const { hub, host, session } = this.#d;
    try {
      if (!hub.deviceLog.has(file.ieee)) {
        await host.addDevice({ eui64: file.ieee, installCode: file.installCode, deviceType: dutDeviceType(file.kind) });
      }
    } finally {
      file.installCode.fill(0);
    }
    session.declare({
      decl: declarationOf(file),
      ...(file.probe.method === "console" ? { probe: new ConsoleProbe(file.probe) } : {}),
    });
    const log = hub.deviceLog;
    this.#d.out(
      `${session.nameOf(file.ieee)}: ${file.kind} from ${file.path} in the Device Log (${log.size}/${log.capacity}), probe ${file.probe.method === "console" ? `console on ${file.probe.port}` : "none at the console (its file names an operator)"}`,
    );
  }

  /** `holds EUI64`: probes the DUT now and says what it holds, sorted against each meter's CoT date. */
  async holds(ieee: string): Promise<void> {
    const p = await this.#probe(ieee);
    const ts = this.ts();
    const a = this.#attributed(ieee, p, ts);
    const against = Object.keys(ts).length ? "by period against the CoT date" : "no CoT yet";
    this.#d.out(`${this.#d.session.nameOf(ieee)} holds (probe seq ${p.seq}, ${p.purpose}; ${against}): ${summary(a)}`);
  }

  /**
   * After a supplier message is published from the meters `roles`: waits (at most `ms`) until every DUT on the
   * network has acknowledged its DisplayMessage from each of them, so that what a probe shows next includes
   * it, and says who did.
   */
  async awaitDelivery(fromSeq: number, roles: readonly EndpointRole[], ms: number, signal: AbortSignal): Promise<void> {
    const { evidence, host, session } = this.#d;
    const online = new Set(host.devices().map((d) => d.ieee));
    const duts = session.duts.map((d) => d.decl.ieee).filter((ieee) => online.has(ieee));
    if (duts.length === 0) return;
    const index = EvidenceIndex.of(evidence.events);
    const acked = (ieee: string) => roles.every((r) => hasAcknowledgedMessage(index, ieee, fromSeq, r));
    await this.#until(() => duts.every(acked), ms, signal);
    const yes = duts.filter(acked).map((d) => session.nameOf(d));
    const no = duts.filter((d) => !acked(d)).map((d) => session.nameOf(d));
    if (yes.length) this.#d.out(`  acknowledged by ${yes.join(", ")}`);
    if (no.length) this.#d.out(`  not acknowledged within ${formatDuration(ms)} by ${no.join(", ")}`);
  }

  /**
   * `wait fetch EUI64`: until the hub has served the DUT history (a figure of a complete period) and, when the
   * DUT has a probe, until a probe shows it holds some (a display stores a read's values only once the whole
   * read is answered, so "served" alone does not mean "held"). Every probe goes into the evidence.
   */
  async waitFetch(ieee: string, ms: number, signal: AbortSignal): Promise<void> {
    const { evidence, session } = this.#d;
    const name = session.nameOf(ieee);
    const deadline = Date.now() + ms;
    const index = EvidenceIndex.of(evidence.events);
    const done = () => hasFetchedHistory(index, ieee, undefined, 0);
    if (!(await this.#until(done, ms, signal))) {
      if (signal.aborted) throw new ConsoleError("wait interrupted", false);
      throw new ConsoleError(`${name} fetched no history within ${formatDuration(ms)}`, false);
    }
    if (!session.dut(ieee)?.probe) {
      this.#d.out(`${name} has fetched history (served by the hub; no probe to see it held)`);
      return;
    }
    let last = "";
    for (;;) {
      const p = await session.probe(ieee);
      if (p?.ok) {
        const held = p.holdings?.consumption.length ?? 0;
        if (held > 0) {
          this.#d.out(`${name} has fetched history and holds ${held} interval values (probe seq ${p.seq})`);
          return;
        }
        last = `probe seq ${p.seq} shows none held`;
      } else last = `probe seq ${p?.seq} got no answer: ${p?.error ?? "no probe"}`;
      const wait = Math.min(PROBE_EVERY_MS, deadline - Date.now());
      if (wait <= 0 || !(await this.#d.sleep(wait, signal))) break;
    }
    if (signal.aborted) throw new ConsoleError("wait interrupted", false);
    throw new ConsoleError(
      `${name} was served history but holds none of it after ${formatDuration(ms)}: ${last}`,
      false,
    );
  }

  /** `wait cot-query EUI64`: until the DUT asks for CoT information after the last CoT (or from now). */
  async waitCotQuery(ieee: string, ms: number, signal: AbortSignal): Promise<void> {
    const { evidence, session } = this.#d;
    const index = EvidenceIndex.of(evidence.events);
    const cot = index.all("cot").at(-1);
    const from = (cot?.seq ?? index.nextSeq() - 1) + 1;
    const done = () => hasQueriedCot(index, ieee, from);
    if (!(await this.#until(done, ms, signal))) {
      if (signal.aborted) throw new ConsoleError("wait interrupted", false);
      throw new ConsoleError(
        `${session.nameOf(ieee)} sent no CoT query within ${formatDuration(ms)}${cot ? ` (the last CoT is seq ${cot.seq})` : ""}`,
        false,
      );
    }
    const q = index.ofDevice("zcl", ieee).find((e) => e.seq >= from && isCotQuery(e))!;
    const what = q.frameType === "specific" ? "GetChangeOfTenancy" : "read 0x0708/0x0200";
    const after = cot ? `, ${seconds(Date.parse(q.t) - Date.parse(cot.t))} after the CoT` : "";
    this.#d.out(
      `${session.nameOf(ieee)} queried the CoT: ${what} on the ${q.role?.toUpperCase() ?? `endpoint ${q.hubEp}`} (seq ${q.seq})${after}`,
    );
  }

  /**
   * `wait clear EUI64`: probes the DUT every 2 s, once the newest CoT has taken effect, until it holds no
   * interval data, device aggregate or supplier message of the previous occupier (cot-suite.md COT-05/06:
   * whatever the control bits). Every probe goes into the evidence.
   */
  async waitClear(ieee: string, ms: number, signal: AbortSignal): Promise<void> {
    const ts = this.ts();
    const times = Object.values(ts);
    if (times.length === 0) throw new ConsoleError("no CoT recorded yet: nothing to clear", false);
    this.#needProbe(ieee);
    const effective = Math.max(...times);
    const { session, clock } = this.#d;
    const deadline = Date.now() + ms;
    let last = "";
    for (;;) {
      if (clock.now() >= effective) {
        const p = await session.probe(ieee);
        const left = p?.ok ? leftOf(this.#attributed(ieee, p, ts), CLEARED) : undefined;
        if (!p?.ok) last = `probe seq ${p?.seq} got no answer: ${p?.error ?? "no probe"}`;
        else if (left!.length === 0) {
          this.#d.out(
            `${session.nameOf(ieee)} holds none of the previous occupier's ${CLEARED.map((c) => CATEGORY_LABEL[c]).join(", ")} (probe seq ${p.seq}, ${seconds(clock.now() - effective)} after the CoT took effect)`,
          );
          return;
        } else last = `still holds ${left!.join(", ")} (probe seq ${p.seq})`;
      } else last = `the CoT takes effect at ${iso(effective)}`;
      const wait = Math.min(PROBE_EVERY_MS, deadline - Date.now());
      if (wait <= 0 || !(await this.#d.sleep(wait, signal))) break;
    }
    if (signal.aborted) throw new ConsoleError("wait interrupted", false);
    throw new ConsoleError(`${session.nameOf(ieee)} has not cleared within ${formatDuration(ms)}: ${last}`, false);
  }

  /** `wait window`: until the main CoT's clear is due (then probes are `after-cot`). */
  async waitWindow(signal: AbortSignal): Promise<void> {
    const end = this.#d.session.windowEnd;
    if (end === undefined) throw new ConsoleError("no CoT recorded in this session yet: no window to wait for", false);
    const left = end - this.#d.clock.now();
    if (left > 0 && !(await this.#d.sleep(left, signal))) throw new ConsoleError("wait interrupted", false);
    this.#d.out(`the detection window of the main CoT ended at ${iso(end)}; probes now count as after-cot`);
  }

  /** `verdict`: the cases the session's actions made judgeable, evaluated now. */
  verdict(): void {
    const { session } = this.#d;
    const v = session.verdict();
    if (v.duts.length === 0) {
      this.#d.out("verdict: no device under test in this session (add an IHD or PPMID)");
      return;
    }
    this.#d.out(
      `verdict of this session so far (phases ${v.phases.length ? v.phases.join(", ") : "none"}; every case: hanbench report on the evidence):`,
    );
    for (const d of v.duts) {
      this.#d.out(`${session.nameOf(d.ieee)}  ${d.kind}`);
      if (d.results.length === 0) this.#d.out("  no case judgeable yet");
      for (const r of d.results) this.#d.out(`  ${r.id}  ${r.verdict.padEnd(14)} ${r.title}: ${r.reason}`);
    }
    if (v.notJudged.length)
      this.#d.out(`not judged in this session: ${v.notJudged.join(", ")} (their phases were not run)`);
  }

  #dutOrDeclare(ieee: string): SessionDut {
    const known = this.#d.session.dut(ieee);
    if (known) return known;
    const entry = this.#d.hub.deviceLog.get(ieee);
    const kind = entry && dutKindOf(entry.deviceType);
    if (!kind) {
      throw new ConsoleError(
        entry
          ? `${ieee} is in the Device Log as ${entry.typeName}, not an IHD or PPMID`
          : `${ieee} is not in the Device Log`,
        false,
      );
    }
    return { decl: { label: ieee, kind, ieee, probe: "operator" } };
  }

  #needProbe(ieee: string): void {
    const dut = this.#dutOrDeclare(ieee);
    if (!dut.probe) {
      throw new ConsoleError(
        `${this.#d.session.nameOf(ieee)} has no probe: give one with 'probe ${ieee} console PORT' or a DUT file ('dut FILE')`,
        false,
      );
    }
  }

  async #probe(ieee: string): Promise<Probe> {
    this.#needProbe(ieee);
    const p = await this.#d.session.probe(ieee);
    if (!p) throw new ConsoleError(`${ieee} has no probe`, false);
    if (!p.ok) throw new ConsoleError(`probe seq ${p.seq} got no answer: ${p.error ?? "no reason given"}`, false);
    return p;
  }

  #attributed(ieee: string, p: Probe, ts: Ts): Attributed {
    const events = this.#d.evidence.events;
    const run = runOf(events);
    const dut = this.#d.session.dut(ieee);
    if (!run || !dut) throw new Error("the session has no run event or no such DUT");
    return new DutView({ events, run, dut: dut.decl }).attributed(p, ts);
  }

  /** Resolves true when `done()` holds (checked on every evidence event), false at the limit or on Ctrl-C. */
  #until(done: () => boolean, ms: number, signal: AbortSignal): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), ms);
      const stop = this.#d.evidence.onEvent(() => {
        if (done()) finish(true);
      });
      const onAbort = () => finish(false);
      signal.addEventListener("abort", onAbort, { once: true });
      function finish(ok: boolean) {
        clearTimeout(timer);
        stop();
        signal.removeEventListener("abort", onAbort);
        resolve(ok);
      }
    });
  }
}

/** "12 interval data" … of the previous occupier still held, per category (none: empty). */
function leftOf(a: Attributed, categories: readonly Category[]): string[] {
  return categories
    .map((c) => [c, previousOf(a, c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${CATEGORY_LABEL[c]} of the previous occupier`);
}

const SIDE_WORDS: Record<Side, string> = {
  previous: "previous occupier's",
  new: "new occupier's",
  straddling: "across T",
  pending: "pending their boundary",
  unjudged: "no CoT to judge by",
  untraced: "not traced to what the hub served",
};

/** What attributed holdings hold, per category and side of T: `14 interval data (10 previous occupier's, …)`. */
export function summary(a: Attributed): string {
  const parts: string[] = [];
  for (const c of ["consumption", "aggregates", "messages", "topUps", "debts", "state"] as Category[]) {
    const items = a[c];
    if (items.length === 0) {
      if (c === "consumption" || c === "messages") parts.push(`no ${CATEGORY_LABEL[c]}`);
      continue;
    }
    const counts = new Map<Side, number>();
    for (const i of items) counts.set(i.side, (counts.get(i.side) ?? 0) + 1);
    const by = [...counts].map(([side, n]) => `${n} ${SIDE_WORDS[side]}`);
    parts.push(`${items.length} ${CATEGORY_LABEL[c]} (${by.join(", ")})`);
  }
  return parts.join("; ");
}

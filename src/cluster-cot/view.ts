/**
 * A read-only view of a run's evidence for one DUT: the phases, the CoTs, the probes, what the hub served
 * and what the DUT sent. The cases ask this view; they never scan the raw log themselves.
 */
import type {
  BasicEvent,
  CotEvent,
  DiscoveryEvent,
  DutDeclaration,
  EndpointRole,
  ErrorEvent,
  Evidence,
  JoinEvent,
  KeyEstablishmentEvent,
  PhaseEvent,
  PresenceEvent,
  ProbeEvent,
  RestartEvent,
  RunEvent,
  ServedEvent,
  WindowEvent,
  ZclEvent,
} from "../evidence/events.js";
import { type Ev, EvidenceIndex } from "../evidence/log-index.js";
import { type Attributed, attribute, ServedIndex, type Ts } from "./attribution.js";
import { isCotQuery } from "./questions.js";
import { type HubVariant, hubVariant, isHubVariantName } from "../hub/variants.js";

export type Run = Evidence & RunEvent;
export type Zcl = Evidence & ZclEvent;
export type Probe = Evidence & ProbeEvent;
export type Cot = Evidence & CotEvent;

/** A CoT recorded on one meter. */
export interface CotInfo {
  event: Cot;
  meter: EndpointRole;
  /** T. */
  implementationMs: number;
  recordedMs: number;
}

/**
 * The CoTs one step of the plan recorded, one per meter (the runner records a step's CoTs together, at one
 * hub time): what a case judges as one CoT, with a T per meter.
 */
export interface CotSet {
  cots: CotInfo[];
  byMeter: Partial<Record<EndpointRole, CotInfo>>;
  /** Each meter's T. */
  ts: Ts;
  /** The first CoT event of the set (log order). */
  first: CotInfo;
  /** The latest of max(T, time recorded) over its meters: a clear is judged a detection window after it. */
  dueMs: number;
}

/**
 * Groups CoTs into sets: consecutive CoTs recorded at the same hub time on different meters. A meter that
 * carries no CoT under the run's hub variant (not in `cotMeters`) takes the set's earliest T: the CoT of the
 * home, which the other meter carries (cot-suite.md "Hub variants").
 */
export function cotSets(cots: readonly CotInfo[], cotMeters: readonly EndpointRole[] = ["gpf", "esme"]): CotSet[] {
  const sets: CotInfo[][] = [];
  for (const c of cots) {
    const last = sets.at(-1);
    if (last && last[0]!.recordedMs === c.recordedMs && !last.some((x) => x.meter === c.meter)) last.push(c);
    else sets.push([c]);
  }
  return sets.map((list) => ({
    cots: list,
    byMeter: Object.fromEntries(list.map((c) => [c.meter, c])),
    ts: {
      ...Object.fromEntries(
        (["gpf", "esme"] as const)
          .filter((m) => !cotMeters.includes(m))
          .map((m) => [m, Math.min(...list.map((c) => c.implementationMs))]),
      ),
      ...Object.fromEntries(list.map((c) => [c.meter, c.implementationMs])),
    },
    first: list[0]!,
    dueMs: Math.max(...list.map((c) => Math.max(c.implementationMs, c.recordedMs))),
  }));
}

export interface PhaseSpan {
  start?: Evidence & PhaseEvent;
  end?: Evidence & PhaseEvent;
}

/** The hub variant a run was made under (`reference` for evidence that names none). */
export function variantOf(run: RunEvent): HubVariant {
  const name = run.hub?.variant;
  return hubVariant(typeof name === "string" && isHubVariantName(name) ? name : "reference");
}

export function ms(e: { t: string }): number {
  return Date.parse(e.t);
}

/** Hub endpoint numbers by role, from the run's hub parameters (`endpoints: {gpf, esme}` or `gpfEndpoint`…). */
function hubEndpoints(hub: Record<string, unknown>): Map<number, EndpointRole> {
  const eps = (hub.endpoints ?? {}) as Record<string, unknown>;
  const out = new Map<number, EndpointRole>();
  // `esi` and `mirror` are the GPF's endpoints (suite v2 topology); logs before it name one `gpf` endpoint
  const names: [string, EndpointRole][] = [
    ["esi", "gpf"],
    ["mirror", "gpf"],
    ["gpf", "gpf"],
    ["esme", "esme"],
  ];
  for (const [name, role] of names) {
    const v = eps[name] ?? hub[`${name}Endpoint`] ?? hub[`${name}Ep`];
    if (typeof v === "number") out.set(v, role);
  }
  return out;
}

/** Merges two lists in log order into one. */
function mergeBySeq<T extends Evidence>(a: readonly T[], b: readonly T[]): T[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.seq < b[j]!.seq ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

export class DutView {
  readonly run: Run;
  readonly dut: DutDeclaration;
  readonly events: readonly Evidence[];
  /** The detection window this DUT is judged with: its learned one, or the run's. */
  readonly windowMs: number;
  /** The window learned for it in the baseline (`--window auto`), with the reason. */
  readonly learnedWindow: (Evidence & WindowEvent) | undefined;
  /** The hub variant of the run (run event `hub.variant`). */
  readonly variant: HubVariant;
  readonly #endpoints: ReadonlyMap<number, EndpointRole>;
  readonly #phases = new Map<string, PhaseSpan>();
  readonly #cots: CotInfo[];
  readonly served: (Evidence & ServedEvent)[];
  readonly sent: Zcl[];
  readonly zcl: Zcl[];
  readonly #index: EvidenceIndex;
  readonly #probes: readonly Probe[];
  readonly #attributed = new Map<string, Attributed>();
  #servedIndex: ServedIndex | undefined;
  #cotQueries: Zcl[] | undefined;

  /** The events in seq order; their index is the log's one EvidenceIndex, shared by every DUT and the runner. */
  constructor(opts: { events: readonly Evidence[]; run: Run; dut: DutDeclaration }) {
    this.run = opts.run;
    this.dut = opts.dut;
    this.events = opts.events;
    this.variant = variantOf(opts.run);
    this.#endpoints = hubEndpoints(opts.run.hub ?? {});
    this.#index = EvidenceIndex.of(opts.events);
    // a window learned for this DUT (`--window auto`) replaces the run's
    this.learnedWindow = this.#index.ofDevice("window", this.dut.ieee.toLowerCase()).at(-1);
    this.windowMs = this.learnedWindow?.windowMs ?? opts.run.windowMs;
    // a phase started again (a resumed run redoes the phase it was cut in: `resume` event) is read in its last
    // attempt; the cut attempt's events lie outside every phase
    for (const p of this.#all("phase")) {
      const span = this.#phases.get(p.name);
      if (p.state === "start") this.#phases.set(p.name, { start: p });
      else if (span && !span.end) span.end = p;
      else if (!span) this.#phases.set(p.name, { end: p });
    }
    this.#cots = this.#all("cot").map((event) => ({
      event,
      meter: event.meter,
      implementationMs: Date.parse(event.implementationTime),
      recordedMs: Date.parse(event.recordedAt ?? event.t),
    }));
    const device = this.dut.ieee.toLowerCase();
    // Pushes to every device are logged once with device "*".
    this.served = mergeBySeq(this.#index.ofDevice("served", "*"), this.#index.ofDevice("served", device));
    this.zcl = [...this.#index.ofDevice("zcl", device)];
    this.sent = this.zcl.filter((z) => z.dir === "in");
    this.#probes = this.#index.ofDevice("probe", device);
  }

  /** The event with this seq number. */
  event(seq: number): Evidence | undefined {
    return this.#index.event(seq);
  }

  #all<K extends Evidence["kind"]>(kind: K): readonly Ev<K>[] {
    return this.#index.all(kind);
  }

  #mine(device: string | undefined): boolean {
    return device !== undefined && device.toLowerCase() === this.dut.ieee.toLowerCase();
  }

  phase(name: string): PhaseSpan {
    return this.#phases.get(name) ?? {};
  }

  /**
   * Where a detection window opened by event `e` starts: at `e`; or, when the run stopped before that window had
   * run its course and was resumed (`resume` event, a bench run only), at the resume. While the bench was down the
   * DUT's queries got no answer and left no evidence, so the window counts again from when the hub was back.
   */
  windowFrom(e: Evidence): { ms: number; resume?: Evidence } {
    let from: { ms: number; resume?: Evidence } = { ms: ms(e) };
    for (const r of this.#all("resume")) {
      if (r.seq <= e.seq) continue;
      const lastBefore = this.event(r.after);
      if (lastBefore && ms(lastBefore) < from.ms + this.windowMs) from = { ms: ms(r), resume: r };
    }
    return from;
  }

  /** Whether an event lies inside a phase's brackets (an unfinished phase runs to the end of the log). */
  inPhase(e: Evidence, name: string): boolean {
    const span = this.phase(name);
    if (!span.start) return false;
    return e.seq > span.start.seq && e.seq < (span.end?.seq ?? Number.POSITIVE_INFINITY);
  }

  /** The CoTs recorded inside a phase, in order. */
  cotsIn(name: string): CotInfo[] {
    return this.#cots.filter((c) => this.inPhase(c.event, name));
  }

  /** The CoT sets recorded inside a phase, in order (cotSets). */
  cotSetsIn(name: string): CotSet[] {
    return cotSets(this.cotsIn(name), this.variant.cotMeters);
  }

  get cots(): readonly CotInfo[] {
    return this.#cots;
  }

  /** This DUT's probe with that purpose (the last one, if it was retaken). */
  probe(purpose: string): Probe | undefined {
    return this.#probes.filter((p) => p.purpose === purpose).at(-1);
  }

  /**
   * Holdings of a probe sorted against a CoT's T per meter (attribution.ts), with what the hub served this
   * DUT up to the probe.
   */
  attributed(p: Probe, ts: Ts): Attributed {
    const key = `${p.seq}|${ts.gpf ?? ""}|${ts.esme ?? ""}`;
    let a = this.#attributed.get(key);
    if (!a) {
      this.#servedIndex ??= new ServedIndex(this.served);
      a = attribute(p.holdings ?? { consumption: [], messages: [], topUps: [], debts: [] }, this.#servedIndex, {
        beforeSeq: p.seq,
        probeMs: ms(p),
        ts,
      });
      this.#attributed.set(key, a);
    }
    return a;
  }

  /** The role of the hub endpoint a frame went to or came from. */
  roleOf(z: ZclEvent): EndpointRole | undefined {
    if (z.role) return z.role;
    return this.#endpoints.get(z.hubEp);
  }

  /** CoT queries this DUT sent to a role (or any role) with seq in (afterSeq, beforeSeq). */
  cotQueries(opts: { role?: EndpointRole; afterSeq: number; beforeSeq?: number; untilMs?: number }): Zcl[] {
    // every CoT query it sent, picked out of its frames once: the cases ask for them between many pairs of events
    this.#cotQueries ??= this.sent.filter(isCotQuery);
    return this.#cotQueries.filter(
      (z) =>
        z.seq > opts.afterSeq &&
        z.seq < (opts.beforeSeq ?? Number.POSITIVE_INFINITY) &&
        (opts.untilMs === undefined || ms(z) <= opts.untilMs) &&
        (opts.role === undefined || this.roleOf(z) === opts.role),
    );
  }

  /** The first CoT recorded or reset (`cot`, `cot-reset` events of the log) with seq in (afterSeq, beforeSeq). */
  firstCotChange(afterSeq: number, beforeSeq: number): Evidence | undefined {
    const between = (e: Evidence) => e.seq > afterSeq && e.seq < beforeSeq;
    // each list is in log order: the first of each in the span, then the earlier of the two
    const cot = this.#all("cot").find(between);
    const reset = this.#all("cot-reset").find(between);
    return cot && reset ? (cot.seq < reset.seq ? cot : reset) : (cot ?? reset);
  }

  joins(): (Evidence & JoinEvent)[] {
    return this.#all("join").filter((j) => this.#mine(j.device));
  }

  /** Join attempts by devices that are not DUTs of this run. */
  strangerJoins(): (Evidence & JoinEvent)[] {
    // DUTs and the devices the hub admits on purpose (an ESME node) are not strangers
    const known = new Set([...this.run.duts, ...(this.run.admitted ?? [])].map((d) => d.ieee.toLowerCase()));
    return this.#all("join").filter((j) => !known.has(j.device.toLowerCase()));
  }

  discoveries(): (Evidence & DiscoveryEvent)[] {
    return this.#all("discovery").filter((d) => this.#mine(d.device));
  }

  presence(): (Evidence & PresenceEvent)[] {
    return this.#all("presence").filter((p) => this.#mine(p.device));
  }

  /** What the DUT's Basic cluster said at its interviews, in log order. */
  basic(): readonly (Evidence & BasicEvent)[] {
    return this.#index.ofDevice("basic", this.dut.ieee);
  }

  /** Key establishment steps of this DUT with the hub, in log order. */
  keyEstablishment(): readonly (Evidence & KeyEstablishmentEvent)[] {
    return this.#index.ofDevice("ke", this.dut.ieee);
  }

  /** Restarts that concern this DUT (COT-16): the hub's (no device) and its own, in log order. */
  restarts(): (Evidence & RestartEvent)[] {
    return this.#all("restart").filter((r) => r.device === undefined || this.#mine(r.device));
  }

  /** Bench errors that concern this DUT: its own and those without a device. */
  errors(): (Evidence & ErrorEvent)[] {
    return this.#all("error").filter((e) => e.device === undefined || this.#mine(e.device));
  }

  /** The last event of the log (how far the evidence reaches). */
  get last(): Evidence {
    return this.events.at(-1) ?? this.run;
  }
}

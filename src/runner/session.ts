/**
 * A `hanbench serve` session as evidence the cases can judge: the same run event, phases and probes a run
 * writes (src/cluster-cot/plan.ts is the contract), made from what the person at the console does instead of
 * from a plan. The verdict of a session is `evaluate` of src/cluster-cot over its evidence: the same cases as
 * a run, no copy of them.
 *
 * - The run event (mode `bench`, `session: "serve"`) is written at the start with the devices the Device Log
 *   holds then; a device added later is declared with a `declared` event (as a DUT for an IHD or a PPMID, as
 *   admitted on purpose for a meter), which `runOf` merges into the run.
 * - Phases follow what was done: `join` from the first `permit`; `baseline` from the first supplier message
 *   or probe before the session's first CoT; that CoT (one per meter, recorded at one hub time) is the main
 *   one, bracketed by `cot`; `observe` runs from it until a later CoT or the end. A phase never opened leaves
 *   its cases unjudged.
 * - Probes get the purpose a run would give them at that point: `baseline` before the main CoT; `after-cot`
 *   once its clear is due (max(T, recorded) + the detection window, cot-suite.md "The CoT the hub performs");
 *   `during-window` before that and `session` after a later CoT, which no case reads.
 * - The cases a session made judgeable are those whose phases it opened, all of them.
 */
import { CASES, evaluate, SUITE_VERSION } from "../cluster-cot/index.js";
import { PHASE, PROBE, type PhaseName } from "../cluster-cot/plan.js";
import type { DutResult } from "../cluster-cot/results.js";
import type { CotRecord } from "../cluster-cot/tenancy.js";
import type { Clock } from "../hub/clock.js";
import type { BuildInfo, CoordinatorInfo, DutDeclaration, Evidence, ProbeEvent } from "../evidence/events.js";
import type { EvidenceLog } from "../evidence/log.js";
import type { Probe } from "./probes/types.js";
import { takeProbe } from "./env.js";
import type { EndpointLayoutName } from "../hub/layout.js";
import { readBaseline } from "./baseline-file.js";
import { limitationsFor, newReportId } from "./run.js";

/** Probe purposes of a session that no case reads. */
export const SESSION_PROBE = { duringWindow: "during-window", session: "session" } as const;

export interface SessionDut {
  decl: DutDeclaration;
  /** How to learn what it holds (a console probe), if there is one. */
  probe?: Probe;
  /** The console port given at the console (`probe EUI64 console PORT`). */
  console?: string;
}

export interface SessionOptions {
  evidence: EvidenceLog;
  clock: Clock;
  windowMs: number;
  tool: string;
  version: string;
  seed: number;
  build?: BuildInfo;
  herdsman?: string;
  /** Hub parameters for the run event (no keys). */
  hubParameters(): Record<string, unknown>;
  /** The hub's endpoint layout (src/hub/layout.ts; default `default`). */
  endpointLayout?: EndpointLayoutName;
  /** The coordinator as it reported itself, for the run event. */
  coordinator?(): CoordinatorInfo | undefined;
  /** Departures from the suite's topology (the single-dongle ESME …). */
  deviations?: string[];
}

/** What a session's verdict says. */
export interface SessionVerdict {
  /** Per DUT, the results of the cases the session made judgeable. */
  duts: DutResult[];
  /** Ids of the cases it did not. */
  notJudged: string[];
  /** The phases the session went through. */
  phases: PhaseName[];
}

type ProbeRecord = Evidence & ProbeEvent;

export class ServeSession {
  readonly #o: SessionOptions;
  readonly #duts = new Map<string, SessionDut>();
  readonly #admitted = new Map<string, string>();
  /** Phases opened (in order) and whether each is still open. */
  readonly #phases = new Map<PhaseName, boolean>();
  #mainCot: readonly CotRecord[] | undefined;
  #laterCot = false;
  #started = false;

  constructor(opts: SessionOptions) {
    this.#o = opts;
  }

  /** Writes the run event: the devices under test and the admitted ones known at the start. */
  start(opts: { duts: SessionDut[]; admitted: { label: string; ieee: string }[] }): void {
    if (this.#started) throw new Error("the session has already started");
    this.#started = true;
    for (const d of opts.duts) this.#duts.set(d.decl.ieee, d);
    for (const a of opts.admitted) this.#admitted.set(a.ieee, a.label);
    const coordinator = this.#o.coordinator?.();
    this.#o.evidence.append({
      kind: "run",
      tool: this.#o.tool,
      version: this.#o.version,
      mode: "bench",
      session: "serve",
      seed: this.#o.seed,
      hub: this.#o.hubParameters(),
      baseline: readBaseline(),
      windowMs: this.#o.windowMs,
      duts: opts.duts.map((d) => d.decl),
      admitted: opts.admitted,
      reportId: newReportId(Date.now()),
      ...(this.#o.build ? { build: this.#o.build } : {}),
      ...(this.#o.herdsman ? { herdsman: this.#o.herdsman } : {}),
      suiteVersion: SUITE_VERSION,
      endpointLayout: this.#o.endpointLayout ?? "default",
      ...(coordinator ? { coordinator } : {}),
      deviations: [...(this.#o.deviations ?? [])],
      limitations: limitationsFor({ mode: "off" }),
      security: { mode: "off" },
    });
  }

  /** The seq the next evidence event gets. */
  nextSeq(): number {
    const last = this.#o.evidence.events.at(-1);
    return last ? last.seq + 1 : 1;
  }

  get windowMs(): number {
    return this.#o.windowMs;
  }

  get duts(): SessionDut[] {
    return [...this.#duts.values()];
  }

  dut(ieee: string): SessionDut | undefined {
    return this.#duts.get(ieee);
  }

  /** The name of a device in console lines: a DUT's label when it has its own, else the EUI-64. */
  nameOf(ieee: string): string {
    const label = this.#duts.get(ieee)?.decl.label ?? this.#admitted.get(ieee);
    return label && label !== ieee ? `${label} (${ieee})` : ieee;
  }

  /** A device under test added during the session (or given a probe): declared in the evidence. */
  declare(dut: SessionDut): void {
    const before = this.#duts.get(dut.decl.ieee);
    this.#duts.set(dut.decl.ieee, dut);
    if (before && JSON.stringify(before.decl) === JSON.stringify(dut.decl)) return;
    this.#o.evidence.append({ kind: "declared", dut: dut.decl });
  }

  /** The devices admitted on purpose. */
  get admitted(): { label: string; ieee: string }[] {
    return [...this.#admitted].map(([ieee, label]) => ({ label, ieee }));
  }

  /** A device taken out of the Device Log: no longer a DUT or admitted (the evidence keeps what it was). */
  forget(ieee: string): void {
    this.#duts.delete(ieee);
    this.#admitted.delete(ieee);
  }

  /** A device the hub admits on purpose (a meter), not under test. */
  admit(device: { label: string; ieee: string }): void {
    if (this.#admitted.has(device.ieee)) return;
    this.#admitted.set(device.ieee, device.label);
    this.#o.evidence.append({ kind: "declared", admitted: device });
  }

  /** Joining was opened: the join phase starts (once). */
  permitted(): void {
    if (!this.#mainCot) this.#open(PHASE.join, "joining opened at the console");
  }

  /** A supplier message or a probe before the main CoT: the baseline starts (once), ending the join phase. */
  baselineAction(): void {
    if (this.#mainCot || this.#phases.has(PHASE.baseline)) return;
    this.#close(PHASE.join);
    this.#open(PHASE.baseline, "the previous occupier as the console left it: messages published, data fetched");
  }

  /** Call right before the CoTs of one `cot` line are recorded: brackets the main one. */
  beforeCot(): void {
    if (this.#mainCot) {
      this.#close(PHASE.observe);
      this.#laterCot = true;
      return;
    }
    this.#close(PHASE.join);
    this.#close(PHASE.baseline);
    this.#open(PHASE.cot, "the session's first CoT: the main one the clear cases judge");
  }

  /** Call once the CoTs of the line are recorded (one per meter). */
  afterCot(records: readonly CotRecord[]): void {
    if (this.#mainCot) return;
    // nothing recorded (refused): no main CoT yet, and the cot phase stays open for the next `cot` line
    if (records.length === 0) return;
    this.#mainCot = records;
    this.#close(PHASE.cot);
    this.#open(PHASE.observe, "the detection window after the main CoT");
  }

  /** When the main CoT's clear is due (hub ms: max(T, recorded) + the window), if there is a main CoT. */
  get windowEnd(): number | undefined {
    const cots = this.#mainCot;
    if (!cots) return undefined;
    return Math.max(...cots.map((c) => Math.max(c.implementationTime, c.recordedAt))) + this.#o.windowMs;
  }

  /** The purpose a probe taken now gets (see the module comment). */
  probePurpose(): string {
    if (!this.#mainCot) return PROBE.baseline;
    if (this.#laterCot) return SESSION_PROBE.session;
    return this.#o.clock.now() >= this.windowEnd! ? PROBE.afterCot : SESSION_PROBE.duringWindow;
  }

  /** Probes a DUT, appends the probe event and returns it (undefined when the DUT has no probe). */
  async probe(ieee: string): Promise<ProbeRecord | undefined> {
    const dut = this.#duts.get(ieee);
    if (!dut?.probe) return undefined;
    const purpose = this.probePurpose();
    if (purpose === PROBE.baseline) this.baselineAction();
    return takeProbe(this.#o.evidence, { decl: dut.decl, probe: dut.probe }, purpose);
  }

  /** Closes the phases still open (the end of the session). */
  end(): void {
    for (const [name, open] of this.#phases) if (open) this.#close(name);
  }

  /** The cases the session made judgeable, evaluated over its evidence so far. */
  verdict(): SessionVerdict {
    const phases = [...this.#phases.keys()];
    const judged = new Set(CASES.filter((c) => c.phases.every((p) => this.#phases.has(p))).map((c) => c.id));
    const all = evaluate(this.#o.evidence.events);
    return {
      duts: all.map((d) => ({ ...d, results: d.results.filter((r) => judged.has(r.id)) })),
      notJudged: CASES.map((c) => c.id).filter((id) => !judged.has(id)),
      phases,
    };
  }

  #open(name: PhaseName, detail: string): void {
    if (this.#phases.has(name)) return;
    this.#phases.set(name, true);
    this.#o.evidence.append({ kind: "phase", name, state: "start", detail });
  }

  #close(name: PhaseName): void {
    if (this.#phases.get(name) !== true) return;
    this.#phases.set(name, false);
    this.#o.evidence.append({ kind: "phase", name, state: "end" });
  }
}

/**
 * What the phases of a run act on: the hub, the host, the evidence, the DUTs and a way to let hub time
 * pass. A virtual run (virtual-env.ts) steps a SteppedClock; a bench run (bench-env.ts) waits in real time.
 */
import { Tenancy } from "../cluster-cot/tenancy.js";
import type { Clock } from "../hub/clock.js";
import { GbcsDeviceType } from "../hub/device-log.js";
import type { Hub } from "../hub/hub.js";
import type { Host } from "../host/host.js";
import type { CoordinatorInfo, DutDeclaration, Evidence, ProbeEvent } from "../evidence/events.js";
import type { EvidenceLog } from "../evidence/log.js";
import { lookForDut } from "./look-for.js";
import { nothingToLookFor, type Probe } from "./probes/types.js";

export interface Dut {
  decl: DutDeclaration;
  probe: Probe;
  /** GBCS device type for the Device Log (5 PPMID, 6 Type 2). */
  deviceType: number;
  installCode: string | Uint8Array;
  /** Take the device off the network or bring it back (virtual: power; bench: ask the operator). */
  setOnline(online: boolean): Promise<void>;
  /**
   * Reset the device to factory settings: it leaves the network, forgets what it held and the CoTs it saw, and
   * stays off; the next `setOnline(true)` has it join afresh (virtual: the emulated unit; bench: the operator).
   * Resolves with whether it was done (a bench without a terminal has nobody to do it).
   */
  factoryReset(): Promise<boolean>;
}

export interface RunEnv {
  mode: "virtual" | "bench";
  clock: Clock;
  hub: Hub;
  host: Host;
  tenancy: Tenancy;
  evidence: EvidenceLog;
  duts: Dut[];
  /** Devices other than the DUTs the hub admits on purpose (the ESME node). */
  admitted: { label: string; ieee: string }[];
  /** Hub parameters for the report (no keys). */
  hubParameters(): Record<string, unknown>;
  /** The coordinator as the run found it (adapter, port, firmware as the dongle reports it, IEEE). */
  coordinator(): CoordinatorInfo;
  /** Where this world departs from the suite's topology (cot-suite.md "Actors and hub topology"). */
  deviations: string[];
  /** The run's Smart Energy security: key establishment with the hub's certificate (its issuer id), or off. */
  security: { mode: "cbke" | "off"; issuer?: string };
  /**
   * Lets hub time pass until `untilMs`, or until `done()` holds (checked at least every `stepMs` of hub time).
   * Resolves with whether `done()` held. `label` says what is awaited, for progress displays.
   */
  advance(opts: { untilMs: number; done?: () => boolean; stepMs?: number; label: string }): Promise<boolean>;
  /** Waits in REAL time (joins, interviews) until `done()` holds or `timeoutMs` passes. */
  settle(done: () => boolean, timeoutMs: number): Promise<boolean>;
  /**
   * The hub restarts (COT-16): its host stops and starts again on the same dongle and state; the hub keeps its
   * CoTs, Device Log and served data. Logs a `restart` event once the hub is back.
   */
  restartHub(): Promise<void>;
  /**
   * Every DUT is power-cycled, then leaves the network and rejoins it (COT-16); virtual: the emulated devices,
   * bench: one prompt to the operator for all of them. Logs a `restart` event per DUT and restart done (none
   * when nobody could be asked).
   */
  restartDuts(): Promise<void>;
  /**
   * Bench: takes every DUT off the network or brings them all back, in one prompt to the operator (absent:
   * each DUT's `setOnline` in turn).
   */
  setAllOnline?(online: boolean): Promise<void>;
  /**
   * Bench: announces a probe step's operator questions once, for every DUT probed by a person (`labels`); the
   * questions of each follow in turn.
   */
  operatorPrompt?(purpose: string, labels: string[]): void;
  /** Virtual only: the emulated DUTs try to join (a real device is switched on by a person). */
  startJoining?(): Promise<void>;
  /** Virtual only: a device not in the Device Log tries to join. Resolves once the attempt is over. */
  stranger?(): Promise<void>;
  close(): Promise<void>;
}

/** What the host knows of its coordinator, with the port it is on, for the run event. */
export function coordinatorOf(host: Host, adapter: string, port: string): CoordinatorInfo {
  return { ...(host.coordinator ?? { adapter }), port };
}

/**
 * The hub parameters of a bench with one dongle (a run's or a serve session's run event): the ESME is an
 * endpoint on the hub node. `transport` is the port as given (absent: herdsman's auto-discovery).
 */
export function singleDongleHubParameters(
  hub: Hub,
  host: Host,
  adapter: string,
  transport: string | undefined,
): Record<string, unknown> {
  return {
    variant: hub.variant.name,
    ...host.network,
    hubIeee: host.coordinatorIeee ?? hub.hubIeee,
    endpoints: hub.endpointParameters(),
    esme: { endpoint: hub.endpoints.esme, node: "endpoint on the hub node (single-dongle mode)" },
    ...(transport ? { transport } : {}),
    adapter,
  };
}

/** Asks a DUT's probe what it holds now and records the answer as a `probe` event. */
export async function takeProbe(
  evidence: EvidenceLog,
  dut: { decl: Pick<DutDeclaration, "ieee" | "label">; probe: Probe },
  purpose: string,
): Promise<Evidence & ProbeEvent> {
  const lookFor = dut.probe.readsLookFor === false ? nothingToLookFor() : lookForDut(evidence.events, dut.decl.ieee);
  const answer = await dut.probe.take(purpose, lookFor);
  return evidence.append({
    kind: "probe",
    device: dut.decl.ieee,
    label: dut.decl.label,
    method: dut.probe.method,
    purpose,
    ok: answer.ok,
    ...(answer.error !== undefined ? { error: answer.error } : {}),
    ...(answer.holdings ? { holdings: answer.holdings } : {}),
    ...(answer.answers ? { answers: answer.answers } : {}),
  }) as Evidence & ProbeEvent;
}

/** The CoT recorder of a run, on the run's hub clock: each meter's CoTs carry that meter's supplier. */
export function runTenancy(clock: Clock, hub: Pick<Hub, "providerId">): Tenancy {
  return new Tenancy({ clock, providers: { gpf: hub.providerId("gpf"), esme: hub.providerId("esme") } });
}

/** GBCS device type a DUT goes into the Device Log with: PPMID, or Type 2 for an IHD. */
export function dutDeviceType(kind: "ihd" | "ppmid"): number {
  return kind === "ppmid" ? GbcsDeviceType.PPMID : GbcsDeviceType.TYPE2;
}

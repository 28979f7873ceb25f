/**
 * A bench run's world: the host on a real coordinator dongle (a serial path or tcp://), the hub with both
 * its GPF and ESME endpoints on the coordinator (single-dongle mode), real devices declared in DUT files,
 * each with its console or operator probe, all on the real clock: hub time is wall time, so `advance()`
 * waits for real and shows what it waits for and until when.
 *
 * A meter on the bench (a test ESME) is not part of the run: the hub serves the ESME from its own endpoint,
 * and a meter that is not declared is not in the Device Log, so the trust centre refuses it and asks it to
 * leave. The DUTs therefore find the ESME only on the hub node.
 *
 * Discovery: Z-Stack answers a device's Match_Desc / Simple_Desc itself, so the host asks it to pass those
 * requests on (ZDO_MSG_CB_REGISTER) and each one from a DUT becomes a DiscoveryEvent with the hub endpoints
 * the coordinator advertises for it.
 */
import { BENCH_DEFAULT_VARIANT, type HubVariantName } from "../hub/variants.js";
import { RealClock } from "../hub/clock.js";
import { Hub } from "../hub/hub.js";
import type { EndpointLayoutName } from "../hub/layout.js";
import type { AdapterType } from "../host/endpoints.js";
import { Host } from "../host/host.js";
import { loadOrCreateNetwork } from "../host/network.js";
import { openStateDir } from "../host/state-dir.js";
import type { Evidence } from "../evidence/events.js";
import type { EvidenceLog } from "../evidence/log.js";
import { keyedDevices, restoreHub } from "./resume.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import { isInterviewed } from "../cluster-cot/questions.js";
import { DISCOVERY_REQUESTS, discoveryRecorder } from "./discovery-recorder.js";
import { type DutFile, declarationOf } from "./dut-file.js";
import { coordinatorOf, type Dut, type RunEnv, dutDeviceType, runTenancy, singleDongleHubParameters } from "./env.js";
import { PowerPrompt } from "./operator-prompt.js";
import { ConsoleProbe } from "./probes/console.js";
import { type OperatorIo, OperatorProbe } from "./probes/operator.js";
import type { Probe } from "./probes/types.js";
import type { Progress } from "./progress.js";
import { RealTimeWaiter } from "./real-time-wait.js";
import { parseCertificate } from "../crypto/cert.js";
import type { KeCredentials } from "../crypto/pki.js";
import { KeyEstablishmentServer } from "../hub/key-establishment.js";

const DEFAULT_JOIN_TIMEOUT_MS = 5 * 60_000;
/** Joining is opened again this often while the bench waits for joins (a permit lasts 254 s at most). */
const PERMIT_RENEW_MS = 200_000;

export interface BenchEnvOptions {
  /** Serial path or tcp://HOST:PORT of the coordinator. */
  port: string;
  adapter: AdapterType;
  /** Network parameters, herdsman database and coordinator backup. */
  stateDir: string;
  duts: DutFile[];
  seed: number;
  evidence: EvidenceLog;
  progress: Progress;
  /** Aborted (Ctrl-C): every wait ends at once. */
  signal?: AbortSignal;
  /** Where the operator is asked (default stdin / stderr). */
  operatorIo?: OperatorIo;
  baudRate?: number;
  /** Longest wait for the DUTs to join and be interviewed (default 5 min): a person switches them on. */
  joinTimeoutMs?: number;
  /** Move the state directory's files aside and start a new network (--reset). */
  reset?: boolean;
  /** How the hub and its meters carry a CoT (default `attributes-only`, the conservative one). */
  hubVariant?: HubVariantName;
  /** The hub's endpoint layout (src/hub/layout.ts; default `default`). */
  endpointLayout?: EndpointLayoutName;
  /**
   * The hub's certificate and key (`--cert`, a lab's Certicom file): the hub runs Key Establishment with it and
   * secures SE traffic to the devices it establishes keys with. Absent: security off.
   */
  hubCredentials?: KeCredentials;
  /**
   * A resumed run (`--resume`): the interrupted run's events, whose CoTs, messages, Device Log and keyed devices
   * the hub takes back before it starts (resume.ts), and whether its join phase ended (the DUTs are in the
   * Device Log; a join redone admits them itself).
   */
  resume?: { events: readonly Evidence[]; joined: boolean };
}

export class BenchConfigError extends Error {
  override name = "BenchConfigError";
}

function probeFor(dut: DutFile, io: OperatorIo): Probe {
  return dut.probe.method === "console" ? new ConsoleProbe(dut.probe) : new OperatorProbe(dut.label, io);
}

/** The DUTs of the DUT files (an EUI-64 declared twice is a BenchConfigError); going away is asked of a person. */
function benchDuts(files: DutFile[], operatorIo: OperatorIo, power: PowerPrompt): Dut[] {
  const known = new Set<string>();
  return files.map((file) => {
    if (known.has(file.ieee)) throw new BenchConfigError(`${file.path}: EUI-64 ${file.ieee} is declared twice`);
    known.add(file.ieee);
    const decl = declarationOf(file);
    return {
      decl,
      probe: probeFor(file, operatorIo),
      deviceType: dutDeviceType(file.kind),
      installCode: file.installCode,
      setOnline: async (online: boolean) => {
        await power.ask({ label: file.label, ieee: file.ieee, online });
      },
      factoryReset: () => power.ask({ label: file.label, ieee: file.ieee, online: false, factoryReset: true }),
    };
  });
}

/**
 * The join wait of the bench (a person switches each device on or puts it in join mode): until every DUT
 * has joined and been interviewed, at most `joinMs`, keeping joining open all along (a permit lasts at most
 * 254 s). The plan's own join wait (one window) follows it.
 */
async function awaitJoins(opts: {
  waiter: RealTimeWaiter;
  clock: RealClock;
  host: Host;
  evidence: EvidenceLog;
  duts: Dut[];
  joinMs: number;
}): Promise<void> {
  const { waiter, clock, host, evidence, duts } = opts;
  const deadline = clock.now() + opts.joinMs;
  const ready = () => duts.every((d) => isInterviewed(EvidenceIndex.of(evidence.events), d.decl.ieee));
  while (!ready() && clock.now() < deadline && !waiter.aborted) {
    const until = Math.min(deadline, clock.now() + PERMIT_RENEW_MS);
    if (await waiter.until(until, "the DUTs to join and be interviewed", ready)) return;
    if (clock.now() < deadline) await host.permitJoin(254);
  }
}

export async function createBenchEnv(opts: BenchEnvOptions): Promise<RunEnv> {
  const { evidence, progress } = opts;
  const clock = new RealClock();
  // the person at the bench: every prompt and operator probe of the run asks on this terminal
  const io: OperatorIo = opts.operatorIo ?? { input: process.stdin, output: process.stderr };
  const power = new PowerPrompt({ io, evidence, progress });
  const duts = benchDuts(opts.duts, io, power);

  // locked, checked and tightened before anything reads it (a StateDirError is the caller's to show)
  const state = openStateDir(opts.stateDir, { command: "hanbench run", reset: opts.reset ?? false });
  if (state.replaced) progress.line(`the earlier state is kept aside in ${state.replaced}; a new network is formed`);
  // The hub's IEEE is the coordinator's; a state directory that has run before knows it.
  let network: ReturnType<typeof loadOrCreateNetwork>;
  try {
    network = loadOrCreateNetwork(opts.stateDir);
  } catch (err) {
    state.release();
    throw err;
  }
  // A certificate names it too (checked against the coordinator once it is up).
  const certified = opts.hubCredentials
    ? `0x${parseCertificate(opts.hubCredentials.own.cert).subject.toString("hex")}`
    : undefined;
  const keyEstablishment = opts.hubCredentials
    ? new KeyEstablishmentServer({
        clock,
        evidence,
        hubIeee: certified!,
        credentials: [opts.hubCredentials.own],
        trusted: [opts.hubCredentials.ca],
      })
    : undefined;
  const hub = new Hub({
    clock,
    seed: opts.seed,
    evidence,
    ...(opts.endpointLayout ? { layout: opts.endpointLayout } : {}),
    hubIeee: certified ?? network.extendedPanId ?? "0x0000000000000000",
    variant: opts.hubVariant ?? BENCH_DEFAULT_VARIANT,
    ...(keyEstablishment ? { keyEstablishment } : {}),
  });
  const host = new Host({
    port: opts.port,
    adapter: opts.adapter,
    ...(opts.baudRate ? { baudRate: opts.baudRate } : {}),
    stateDir: opts.stateDir,
    hub,
    evidence,
    clock,
  });
  const waiter = new RealTimeWaiter({ clock, progress, ...(opts.signal ? { signal: opts.signal } : {}) });

  let stopWatch: (() => void) | undefined;
  let closed = false;
  const recorder = discoveryRecorder({
    hub,
    evidence,
    duts: new Set(duts.map((d) => d.decl.ieee)),
    responder: () => host.coordinatorIeee ?? hub.hubIeee,
  });
  /** Z-Stack answers discovery itself: the coordinator is asked to pass the requests on (COT-01). */
  const watchDiscovery = async () => {
    try {
      stopWatch = await host.watchZdoRequests(DISCOVERY_REQUESTS, recorder);
    } catch (err) {
      evidence.append({
        kind: "error",
        source: "discovery",
        message: `the coordinator does not pass on ZDO discovery requests, so COT-01 cannot see them: ${(err as Error).message}`,
      });
    }
  };
  const env: RunEnv = {
    mode: "bench",
    clock,
    hub,
    host,
    tenancy: runTenancy(clock, hub),
    evidence,
    duts,
    admitted: [],
    security: opts.hubCredentials
      ? { mode: "cbke", issuer: Buffer.from(opts.hubCredentials.ca.issuer).toString("hex") }
      : { mode: "off" },
    hubParameters: () => singleDongleHubParameters(hub, host, opts.adapter, opts.port),
    coordinator: () => coordinatorOf(host, opts.adapter, opts.port),
    deviations: [
      `single-dongle ESME: the ESME is served from endpoint ${hub.endpoints.esme} of the hub node, not by a meter node of its own (cot-suite.md "Actors and hub topology")`,
    ],
    advance: ({ untilMs, done, stepMs, label }) => waiter.until(untilMs, label, done, stepMs),
    settle: (done, timeoutMs) => waiter.until(clock.now() + timeoutMs, "the DUTs", done),
    async restartHub() {
      stopWatch?.();
      stopWatch = undefined;
      await host.restart();
      // the coordinator passes discovery requests on again (its registration went with the restart)
      if (opts.adapter === "zstack") await watchDiscovery();
      evidence.append({ kind: "restart", what: "hub", by: "hanbench" });
    },
    async restartDuts() {
      // a device that leaves without the rejoin flag joins afresh: joining is open while the operator works
      await host.permitJoin(254);
      try {
        await power.askRestarts(duts.map((d) => ({ label: d.decl.label, ieee: d.decl.ieee })));
      } finally {
        await host.permitJoin(0);
      }
    },
    setAllOnline: async (online) => {
      await power.askAll(opts.duts, online);
    },
    operatorPrompt: (purpose, labels) => {
      if (!io.input.isTTY) return;
      progress.done();
      io.output.write(
        `\n== look at the devices now (${purpose}): ${labels.join(", ")}; the questions of each follow ==\n`,
      );
    },
    startJoining: () =>
      awaitJoins({ waiter, clock, host, evidence, duts, joinMs: opts.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS }),
    async close() {
      if (closed) return;
      closed = true;
      progress.done();
      stopWatch?.();
      keyEstablishment?.close();
      try {
        await host.stop();
      } finally {
        state.release();
      }
    },
  };
  try {
    if (opts.resume) {
      const r = await restoreHub(hub, env.tenancy, opts.resume.events);
      if (opts.resume.joined) {
        for (const d of duts) {
          hub.deviceLog.add({ eui64: d.decl.ieee, installCode: d.installCode, deviceType: d.deviceType });
        }
        host.rememberKeyed(keyedDevices(opts.resume.events));
      }
      progress.line(
        `  the hub takes back what the evidence records: ${r.cots} CoT(s), ${r.resets} reset(s), ${r.messages} supplier message(s)${opts.resume.joined ? `, the DUTs in its Device Log` : ""}`,
      );
    }
    await host.start();
    if (certified && host.coordinatorIeee && host.coordinatorIeee.toLowerCase() !== certified) {
      throw new BenchConfigError(
        `--cert: the certificate is for EUI-64 ${certified}, but the coordinator is ${host.coordinatorIeee}: the hub's certificate must name its coordinator`,
      );
    }
    if (opts.adapter === "zstack") await watchDiscovery();
  } catch (err) {
    await env.close().catch(() => undefined);
    throw err;
  }
  return env;
}

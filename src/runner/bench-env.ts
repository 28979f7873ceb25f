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
import { createInterface } from "node:readline/promises";
import { RealClock } from "../hub/clock.js";
import { DEFAULT_ENDPOINTS, Hub, ROLES } from "../hub/hub.js";
import type { AdapterType } from "../host/endpoints.js";
import { Host } from "../host/host.js";
import { loadOrCreateNetwork } from "../host/network.js";
import type { ZdoRequestSeen } from "../host/zdo-requests.js";
import type { EvidenceLog } from "../evidence/log.js";
import { formatDuration } from "../duration.js";
import type { DutFile } from "./dut-file.js";
import { type Dut, type RunEnv, dutDeviceType, runTenancy } from "./env.js";
import { ConsoleProbe } from "./probes/console.js";
import { type OperatorIo, OperatorProbe } from "./probes/operator.js";
import type { Probe } from "./probes/types.js";
import type { Progress } from "./progress.js";
import { SE_PROFILE_ID } from "../zcl/index.js";
import { isInterviewed } from "../cluster-cot/questions.js";
import { EvidenceIndex } from "../evidence/log-index.js";

const MATCH_DESC_REQ = 0x0006;
const SIMPLE_DESC_REQ = 0x0004;
/** Real ms between checks of a wait's condition. */
const CHECK_MS = 250;
/** Waits at least this long get a line of their own on a non-terminal progress display. */
const ANNOUNCE_MS = 5_000;
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
}

export class BenchConfigError extends Error {
  override name = "BenchConfigError";
}

function probeFor(dut: DutFile, io: OperatorIo | undefined): Probe {
  return dut.probe.method === "console" ? new ConsoleProbe(dut.probe) : new OperatorProbe(dut.label, io);
}

function clock24(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Match_Desc body: nwkOfInterest(2) profile(2) inCount in[] outCount out[]; undefined when not all there. */
function parseMatchDesc(body: Buffer): { profileId: number; inClusters: number[]; outClusters: number[] } | undefined {
  if (body.length < 6) return undefined;
  const profileId = body.readUInt16LE(2);
  const inCount = body[4]!;
  const outAt = 5 + 2 * inCount;
  if (body.length < outAt + 1) return undefined;
  const outCount = body[outAt]!;
  if (body.length < outAt + 1 + 2 * outCount) return undefined;
  const list = (at: number, n: number) => Array.from({ length: n }, (_, i) => body.readUInt16LE(at + 2 * i));
  return { profileId, inClusters: list(5, inCount), outClusters: list(outAt + 1, outCount) };
}

export async function createBenchEnv(opts: BenchEnvOptions): Promise<RunEnv> {
  const { evidence, progress, signal } = opts;
  const clock = new RealClock();
  const known = new Set<string>();
  const duts: Dut[] = opts.duts.map((file) => {
    if (known.has(file.ieee)) throw new BenchConfigError(`${file.path}: EUI-64 ${file.ieee} is declared twice`);
    known.add(file.ieee);
    const decl = {
      label: file.label,
      kind: file.kind,
      ieee: file.ieee,
      dutFile: file.path,
      ...(file.firmware ? { firmware: file.firmware } : {}),
      ...(file.claims ? { claims: file.claims } : {}),
      probe: file.probe.method,
    };
    return {
      decl,
      probe: probeFor(file, opts.operatorIo),
      deviceType: dutDeviceType(file.kind),
      installCode: file.installCode,
      setOnline: (online: boolean) => askPower({ label: file.label, ieee: file.ieee, online }),
    };
  });

  // The hub's IEEE is the coordinator's; a state directory that has run before knows it.
  const network = loadOrCreateNetwork(opts.stateDir);
  const hub = new Hub({
    clock,
    seed: opts.seed,
    evidence,
    endpoints: { ...DEFAULT_ENDPOINTS },
    hubIeee: network.extendedPanId ?? "0x0000000000000000",
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

  const io = opts.operatorIo ?? { input: process.stdin, output: process.stderr };
  /** The away phase: a person switches each device off and on again; without one, say so and go on. */
  async function askPower(d: { label: string; ieee: string; online: boolean }): Promise<void> {
    const what = d.online ? "switch it back on" : "switch it off (or take its batteries out)";
    if (!io.input.isTTY) {
      // Not a bench fault (an ErrorEvent would make COT-10 `error`): the evidence cannot be had, so COT-10
      // finds no presence record and is `inconclusive` (cot-suite.md "Verdicts").
      evidence.append({
        kind: "note",
        message: `no terminal to ask the operator to ${what} for ${d.label}: whether it was away is unknown`,
        data: { device: d.ieee, away: !d.online },
      });
      progress.line(`  ${d.label}: nobody to ${what} (no terminal); COT-10 will be inconclusive`);
      return;
    }
    progress.done();
    const rl = createInterface({ input: io.input, output: io.output, terminal: false });
    try {
      await rl.question(`  ${d.label} (${d.ieee}): ${what}, then press Enter `);
    } finally {
      rl.close();
    }
    evidence.append({ kind: "presence", device: d.ieee, online: d.online });
  }

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });

  /** Waits in real time until `untilMs` (wall clock) or `done()`, redrawing what it waits for. */
  async function waitUntil(untilMs: number, label: string, done?: () => boolean, stepMs = CHECK_MS): Promise<boolean> {
    if (done?.()) return true;
    const total = untilMs - clock.now();
    if (total >= ANNOUNCE_MS)
      progress.line(
        `  waiting for ${label} — until ${clock24(untilMs)}Z (${formatDuration(Math.round(total / 1000) * 1000)})`,
      );
    while (clock.now() < untilMs && !signal?.aborted) {
      const left = untilMs - clock.now();
      progress.status(
        `  waiting for ${label} — until ${clock24(untilMs)}Z, ${formatDuration(Math.ceil(left / 1000) * 1000)} left`,
      );
      await wait(Math.min(left, stepMs, CHECK_MS));
      if (done?.()) return true;
    }
    return done ? done() : true;
  }

  /**
   * The join wait of the bench (a person switches each device on or puts it in join mode): until every DUT
   * has joined and been interviewed, at most the join timeout, keeping joining open all along (a permit
   * lasts at most 254 s). The plan's own join wait (one window) follows it.
   */
  async function awaitJoins(): Promise<void> {
    const joinMs = opts.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
    const deadline = clock.now() + joinMs;
    const ready = () => duts.every((d) => isInterviewed(EvidenceIndex.of(evidence.events), d.decl.ieee));
    while (!ready() && clock.now() < deadline && !signal?.aborted) {
      const until = Math.min(deadline, clock.now() + PERMIT_RENEW_MS);
      if (await waitUntil(until, "the DUTs to join and be interviewed", ready)) return;
      if (clock.now() < deadline) await host.permitJoin(254);
    }
  }

  let stopWatch: (() => void) | undefined;
  const dutIeees = new Set(duts.map((d) => d.decl.ieee));
  const onZdo = (r: ZdoRequestSeen & { ieee: string | undefined }) => {
    if (!r.ieee || !dutIeees.has(r.ieee)) return;
    const responder = host.coordinatorIeee ?? hub.hubIeee;
    if (r.clusterId === MATCH_DESC_REQ) {
      const req = parseMatchDesc(r.body);
      const endpoints = ROLES.filter((role) => {
        if (!req) return false;
        if (req.profileId !== SE_PROFILE_ID && req.profileId !== 0xffff) return false;
        const { inClusters, outClusters } = hub.serverClusters(role);
        return (
          req.inClusters.some((c) => inClusters.includes(c)) || req.outClusters.some((c) => outClusters.includes(c))
        );
      }).map((role) => hub.endpoints[role]);
      evidence.append({ kind: "discovery", device: r.ieee, request: "matchDesc", endpoints, responder });
      return;
    }
    const ep = r.body.length >= 3 ? r.body[2]! : undefined;
    const role = ROLES.find((x) => hub.endpoints[x] === ep);
    if (ep === undefined) return;
    evidence.append({
      kind: "discovery",
      device: r.ieee,
      request: "simpleDesc",
      endpoints: role ? [ep] : [],
      ...(role ? { clusters: hub.serverClusters(role).inClusters } : {}),
      responder,
    });
  };

  let closed = false;
  const env: RunEnv = {
    mode: "bench",
    clock,
    hub,
    host,
    tenancy: runTenancy(clock),
    evidence,
    duts,
    admitted: [],
    hubParameters: () => ({
      ...host.network,
      hubIeee: host.coordinatorIeee ?? hub.hubIeee,
      endpoints: { ...hub.endpoints },
      esme: { endpoint: hub.endpoints.esme, node: "endpoint on the hub node (single-dongle mode)" },
      transport: opts.port,
      adapter: opts.adapter,
    }),
    advance: ({ untilMs, done, stepMs, label }) => waitUntil(untilMs, label, done, stepMs),
    settle: (done, timeoutMs) => waitUntil(clock.now() + timeoutMs, "the DUTs", done),
    startJoining: () => awaitJoins(),
    async close() {
      if (closed) return;
      closed = true;
      progress.done();
      stopWatch?.();
      await host.stop();
    },
  };
  try {
    await host.start();
    if (opts.adapter === "zstack") {
      try {
        stopWatch = await host.watchZdoRequests([MATCH_DESC_REQ, SIMPLE_DESC_REQ], onZdo);
      } catch (err) {
        evidence.append({
          kind: "error",
          source: "discovery",
          message: `the coordinator does not pass on ZDO discovery requests, so COT-01 cannot see them: ${(err as Error).message}`,
        });
      }
    }
  } catch (err) {
    await env.close().catch(() => undefined);
    throw err;
  }
  return env;
}

/**
 * A virtual run's world: the virtual dongle (a Z-Stack ZNP, or with `adapter: "ember"` an EmberZNet NCP) with the emulated DUTs and an ESME node on its HAN,
 * the host on herdsman driving the dongle over tcp://, the hub model serving the GPF (through the host) and
 * the ESME (through the ESME node), all on one SteppedClock that the runner advances.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RealClock, SteppedClock } from "../hub/clock.js";
import { DEVICE_LOG_CAPACITY, GbcsDeviceType } from "../hub/device-log.js";
import { Hub } from "../hub/hub.js";
import type { Push } from "../hub/types.js";
import { Host, VIRTUAL_DONGLE_HOST } from "../host/host.js";
import type { HubPort } from "../host/hub-port.js";
import { loadOrCreateNetwork, saveNetwork } from "../host/network.js";
import { openStateDir } from "../host/state-dir.js";
import type { Evidence } from "../evidence/events.js";
import type { EvidenceLog } from "../evidence/log.js";
import { configureSeDevices } from "../virtual/devices/kinds.js";
import type { EmulatedSeDevice } from "../virtual/devices/se-device.js";
import type { EmulatedEsme } from "../virtual/devices/esme.js";
import type { HubVariantName } from "../hub/variants.js";
import type { EndpointLayoutName } from "../hub/layout.js";
import { type VirtualAdapter, VirtualDongle } from "../virtual/dongle.js";
import { coordinatorIeee } from "../virtual/registry.js";
import { coordinatorOf, type Dut, type RunEnv, dutDeviceType, runTenancy } from "./env.js";
import { tapMedium } from "./medium-evidence.js";
import { VirtualProbe } from "./probes/virtual.js";
import { hasInstalledKey, isInterviewed } from "../cluster-cot/questions.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import { eui64ToLe } from "../hex.js";
import { scratchDir } from "../files.js";
import { makeTestCa, type TestCa } from "../crypto/pki.js";
import { KeyEstablishmentServer } from "../hub/key-establishment.js";

/** Hub time between checks while waiting for a condition. */
const DEFAULT_STEP_MS = 15 * 60_000;
/** Hub time within which due device timers run together. */
const BATCH_MS = 60_000;
/** Tenancy poll interval of the emulated displays in runs: hourly (a day of hub time is 24 polls). */
const RUN_POLL_INTERVAL_MS = 60 * 60_000;
/** The displays read their live values (time, running consumption, price, last message) every 6 h of hub time. */
const RUN_REFRESH_INTERVAL_MS = 6 * 60 * 60_000;
/**
 * Real ms an emulated display waits for an answer, as long as its key establishment waits. Every request of a
 * virtual run is answered (by the hub through herdsman, the ESME node or the coordinator's firmware), in
 * milliseconds on an idle machine but seconds later on a loaded one; a display that gave up first would go on
 * without it and take the late answer as an unsolicited frame (a PublishChangeOfTenancy as a push), so what it
 * did, and its verdicts, would follow the machine's load.
 */
export const RUN_RESPONSE_TIMEOUT_MS = 10_000;
/**
 * Real ms between a display joining and its first request (its key establishment, in a real home), at most:
 * the display starts as soon as the host has begun its interview.
 */
const RUN_START_DELAY_MS = 250;
/**
 * Real ms a display collects answers to its broadcast Match_Desc. The virtual HAN delivers a frame as a microtask
 * and the coordinator and the ESME answer a Match_Desc as they receive it, so every answer is in before a timer
 * of any length fires; the window stays a few ms so that one broadcast costs that, not the 100 ms of a display
 * on a HAN with latency (`hanbench virtual --latency`).
 */
const RUN_BROADCAST_WINDOW_MS = 10;
/** Real ms of silence on the HAN that count as "nothing in flight". */
const QUIET_MS = 3;

/** A device of a virtual run. `foreignCa`: its certificate comes from another CA than the hub's (tests). */
export interface VirtualDevice {
  kind: "ihd" | "ppmid";
  profile: string;
  label: string;
  foreignCa?: boolean;
}

export interface VirtualEnvOptions {
  devices: VirtualDevice[];
  seed: number;
  /** The virtual coordinator and the herdsman adapter that drives it (default zstack). */
  adapter?: VirtualAdapter;
  evidence: (clock: SteppedClock) => EvidenceLog;
  /** Tenancy poll interval of the emulated displays (hub ms). */
  pollIntervalMs?: number;
  /**
   * How often the emulated displays read their live values (hub ms; default: `pollIntervalMs` when that is given,
   * a poll interval asked for being the displays' whole polling, else every 6 h).
   */
  refreshIntervalMs?: number;
  /** How the hub and its meters carry a CoT (default `reference`). */
  hubVariant?: HubVariantName;
  /** The hub's endpoint layout (src/hub/layout.ts; default `default`). */
  endpointLayout?: EndpointLayoutName;
  /**
   * Where the host keeps its network parameters, herdsman database and coordinator backup, left there after
   * the run (a new or empty directory: the caller checks). Default: a temporary directory, removed at the end.
   */
  stateDir?: string;
  /**
   * `cbke` (default, on either coordinator): the hub runs Key Establishment with a certificate from a test CA
   * made for the run, the PPMIDs and the ESME hold certificates from the same CA and use APS security. `off`:
   * none of it.
   */
  security?: "cbke" | "off";
  /** Hub time the run starts at (ms; scripts measuring a plan from a given hour). Default: the wall-clock hour. */
  hubStartMs?: number;
}

/** "HBOTHRCA": the issuer of the certificates of devices marked `foreignCa`. */
const OTHER_CA_ISSUER = Buffer.from("HBOTHRCA", "latin1");

/**
 * The hub as the host sees it when the ESME is a node of its own: only the GPF's endpoints are on the
 * coordinator (its ESI and gas mirror; under `electricity-only` none, or with key establishment the ESI
 * serving the CHF's Basic, Time and Key Establishment).
 */
function gpfOnly(hub: Hub): HubPort {
  const onHub = hub.hubEndpoints().filter((e) => e.part !== "esme");
  const hubEps = new Set(onHub.map((e) => e.endpoint));
  const esi = onHub.find((e) => e.part === "esi")?.endpoint;
  return {
    endpoints: esi === undefined ? {} : { gpf: esi },
    deviceLog: hub.deviceLog,
    hubEndpoints: () => onHub,
    roleOf: (ep) => (hubEps.has(ep) ? hub.roleOf(ep) : undefined),
    serves: (ep, clusterId) => hubEps.has(ep) && hub.serves(ep, clusterId),
    read: (ctx, clusterId, attrIds) => hub.read(ctx, clusterId, [...attrIds]),
    command: (ctx, req) => hub.command(ctx, req),
    onPush: (listener) => hub.onPush((p: Push) => p.role === "gpf" && listener(p)),
    ...(hub.keyEstablishment ? { keyEstablishment: hub.keyEstablishment } : {}),
  };
}

/**
 * Resolves once the host has logged the start (or end) of the device's interview since it last left the
 * network (a device reset to factory settings joins and is interviewed again).
 */
function interviewStarted(evidence: EvidenceLog, ieee: string): Promise<void> {
  const device = ieee.toLowerCase();
  // the log's index (by kind and device, in seq order) instead of two scans of every event of the run
  const index = EvidenceIndex.of(evidence.events);
  const left = index.ofDevice("leave", device).at(-1)?.seq ?? -1;
  const isIt = (e: Evidence) => e.kind === "interview" && e.device.toLowerCase() === device && e.seq > left;
  return new Promise((resolve) => {
    if ((index.ofDevice("interview", device).at(-1)?.seq ?? -1) > left) return resolve();
    const stop = evidence.onEvent((e) => {
      if (!isIt(e)) return;
      stop();
      resolve();
    });
  });
}

/** Watches the HAN for frames: `quiet()` resolves once nothing has crossed it for QUIET_MS (at most 2 s). */
function quietHan(medium: VirtualDongle["medium"]): { quiet(): Promise<void>; stop(): void } {
  let lastFrameAt = 0;
  const stop = medium.onFrame(() => {
    lastFrameAt = performance.now();
  });
  return {
    async quiet() {
      const deadline = performance.now() + 2_000;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1));
        if (performance.now() - lastFrameAt >= QUIET_MS || performance.now() > deadline) return;
      }
    },
    stop,
  };
}

/**
 * RunEnv.advance on the stepped clock: once the HAN is quiet, hub time moves in steps of `stepMs` until
 * `untilMs` or `done()`. Device polls are awaited by the clock, so their exchanges are complete when a step
 * returns.
 */
function steppedAdvance(clock: SteppedClock, quiet: () => Promise<void>): RunEnv["advance"] {
  return async ({ untilMs, done, stepMs = DEFAULT_STEP_MS }) => {
    await quiet();
    if (done?.()) return true;
    while (clock.now() < untilMs) {
      await clock.advanceTo(Math.min(untilMs, clock.now() + stepMs));
      if (done?.()) return true;
    }
    return done ? done() : true;
  };
}

/**
 * RunEnv.settle: real time, checking `done()` every 5 ms and once after each turn of the event loop that appended
 * evidence (what every settle waits for is in the evidence: a join, an interview, a key, an acknowledgement), so a
 * wait ends as soon as its condition holds instead of up to 5 ms later.
 */
function settleReal(evidence: EvidenceLog): RunEnv["settle"] {
  return (done, timeoutMs) => {
    if (done()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const deadline = performance.now() + timeoutMs;
      let queued = false;
      let finished = false;
      const finish = (ok: boolean) => {
        finished = true;
        clearInterval(poll);
        stop();
        resolve(ok);
      };
      const check = () => {
        queued = false;
        if (finished) return;
        if (done()) finish(true);
        else if (performance.now() > deadline) finish(false);
      };
      const poll = setInterval(check, 5);
      const stop = evidence.onEvent(() => {
        if (queued) return;
        queued = true;
        setImmediate(check);
      });
    });
  };
}

/** The emulated displays as DUTs: probed in memory, taken away by cutting their power. */
function virtualDuts(nodes: EmulatedSeDevice[], devices: VirtualEnvOptions["devices"], evidence: EvidenceLog): Dut[] {
  return nodes.map((node, i) => {
    const d = devices[i]!;
    return {
      // implied for an emulated device (cot-suite.md "Baseline and claims"): what its Basic cluster says
      decl: {
        label: d.label,
        kind: d.kind,
        ieee: node.ieee,
        profile: d.profile,
        probe: "virtual",
        claims: "5.0",
        firmware: d.profile,
        manufacturer: "hanbench",
        model: `virtual-${d.kind}`,
      },
      probe: new VirtualProbe(node),
      deviceType: dutDeviceType(d.kind),
      installCode: node.installCode!,
      async setOnline(online: boolean) {
        if (online) await node.powerOn();
        else node.powerOff();
        evidence.append({ kind: "presence", device: node.ieee, online });
      },
      async factoryReset() {
        await node.factoryReset();
        evidence.append({ kind: "presence", device: node.ieee, online: false });
        evidence.append({
          kind: "note",
          message: `${d.label} reset to factory settings: it left the network and holds nothing`,
          data: { device: node.ieee, factoryReset: true },
        });
        return true;
      },
    };
  });
}

/** A display that is not in the Device Log tries to join: the trust centre must refuse it. */
async function strangerJoin(dongle: VirtualDongle, evidence: EvidenceLog): Promise<void> {
  const node = dongle.addDevice("ihd:compliant", { autoJoin: false });
  try {
    await node.join();
    evidence.append({
      kind: "error",
      source: "trust centre",
      message: `${node.ieee} is not in the Device Log but joined the network`,
    });
  } catch (err) {
    evidence.append({
      kind: "join",
      device: node.ieee,
      nwk: 0xffff,
      accepted: false,
      reason: `refused by the trust centre: ${(err as Error).message}`,
    });
  } finally {
    node.dispose();
  }
}

/** The DUTs join together; a refusal is an error of that DUT. */
async function joinAll(nodes: EmulatedSeDevice[], evidence: EvidenceLog): Promise<void> {
  await Promise.all(
    nodes.map((n) =>
      n
        .join()
        .catch((err: Error) =>
          evidence.append({ kind: "error", source: "join", device: n.ieee, message: err.message }),
        ),
    ),
  );
}

export async function createVirtualEnv(opts: VirtualEnvOptions): Promise<RunEnv> {
  // The run starts at the wall-clock hour; from there hub time moves only when the runner says so.
  const start = opts.hubStartMs ?? Math.floor(new RealClock().now() / 3_600_000) * 3_600_000;
  // Devices polling within a minute of each other poll together, as they would in a home.
  const clock = new SteppedClock(start, { batchMs: BATCH_MS });
  const evidence = opts.evidence(clock);
  const hubIeee = coordinatorIeee(opts.seed);
  const security = opts.security ?? "cbke";
  // the run's test CA: the hub's certificate and every Type 1 device's (or, marked foreignCa, another CA's)
  const ca = security === "cbke" ? makeTestCa() : undefined;
  let other: TestCa | undefined;
  let issuer = ca;
  const keyEstablishment = ca
    ? new KeyEstablishmentServer({
        clock,
        evidence,
        hubIeee,
        credentials: [ca.issue(Buffer.from(hubIeee.slice(2), "hex")).own],
        trusted: [ca.trusted],
        // every device of a virtual run may start at once: as many exchanges as the Device Log has entries
        maxExchanges: DEVICE_LOG_CAPACITY,
      })
    : undefined;
  const hub = new Hub({
    clock,
    seed: opts.seed,
    evidence,
    hubIeee,
    ...(opts.hubVariant === undefined ? {} : { variant: opts.hubVariant }),
    ...(opts.endpointLayout === undefined ? {} : { layout: opts.endpointLayout }),
    ...(keyEstablishment ? { keyEstablishment } : {}),
  });
  configureSeDevices({
    hub,
    pollIntervalMs: opts.pollIntervalMs ?? RUN_POLL_INTERVAL_MS,
    // a poll interval asked for is the displays' whole polling (the CoT and their live values), unless a refresh
    // interval is asked for too
    refreshIntervalMs: opts.refreshIntervalMs ?? opts.pollIntervalMs ?? RUN_REFRESH_INTERVAL_MS,
    responseTimeoutMs: RUN_RESPONSE_TIMEOUT_MS,
    broadcastWindowMs: RUN_BROADCAST_WINDOW_MS,
    startDelayMs: RUN_START_DELAY_MS,
    // what the delay waits for: herdsman has added the device (custom clusters and all) and begun its interview
    startGate: (ieee) => interviewStarted(evidence, ieee),
    esmeStartGate: (ieee) => interviewStarted(evidence, ieee),
    credentialsFor: (ieee) => issuer?.issue(Buffer.from(ieee.slice(2), "hex")),
  });
  // The host's network is made first and the dongle comes up with it formed, as a dongle this hub formed in
  // an earlier session: herdsman resumes it instead of forming it (3 s of waiting for the NIB to settle).
  const keepState = opts.stateDir !== undefined;
  const stateDir = opts.stateDir ?? mkdtempSync(join(scratchDir(), "hanbench-run-"));
  // locked and kept 0700 / 0600 like a bench's (src/host/state-dir.ts)
  const state = openStateDir(stateDir, { command: "hanbench run" });
  const network = loadOrCreateNetwork(stateDir);
  const adapter = opts.adapter ?? "zstack";
  if (adapter === "ember") {
    // GBCS: EPID = hub IEEE. herdsman's ember adapter forms with the EPID it is given (zstack substitutes
    // the coordinator IEEE itself), so the host is told it, and the NCP has the network formed with it.
    network.extendedPanId = coordinatorIeee(opts.seed);
    saveNetwork(stateDir, network);
  }
  const dongle = await VirtualDongle.start({
    adapter,
    seed: opts.seed,
    clock,
    requireInstallCodes: true,
    network: {
      channel: network.channel,
      panId: network.panId,
      networkKey: network.networkKey,
      ...(adapter === "ember" && network.extendedPanId ? { emberExtendedPanId: eui64ToLe(network.extendedPanId) } : {}),
    },
  });
  // The meter is there before the displays: it joins first, so their discovery finds it.
  const esme = dongle.addDevice("esme") as EmulatedEsme;
  const nodes = opts.devices.map((d) => {
    if (d.foreignCa && ca) {
      other ??= makeTestCa({ issuer: OTHER_CA_ISSUER });
      issuer = other;
    } else issuer = ca;
    return dongle.addDevice(`${d.kind}:${d.profile}`, { autoJoin: false });
  }) as EmulatedSeDevice[];
  issuer = ca;

  const han = quietHan(dongle.medium);
  const stopTap = tapMedium({
    medium: dongle.medium,
    evidence,
    duts: new Set(nodes.map((n) => n.ieee)),
    esme: { ieee: esme.ieee, endpoint: esme.seEndpoint },
  });
  // the virtual HAN delivers a broadcast at once: herdsman's settling pause after each is not waited for; its
  // waits, one or two per frame, build their timeout's Error only on a timeout
  const host = new Host({
    port: dongle.url,
    adapter,
    stateDir,
    hub: gpfOnly(hub),
    evidence,
    clock,
    ...VIRTUAL_DONGLE_HOST,
  });

  let closed = false;
  const env: RunEnv = {
    mode: "virtual",
    clock,
    hub,
    host,
    tenancy: runTenancy(clock, hub),
    evidence,
    duts: virtualDuts(nodes, opts.devices, evidence),
    admitted: [{ label: "esme", ieee: esme.ieee }],
    security: ca ? { mode: "cbke", issuer: ca.issuer.toString("hex") } : { mode: "off" },
    hubParameters: () => ({
      ...host.network,
      hubIeee: hub.hubIeee,
      variant: hub.variant.name,
      endpoints: { ...hub.endpointParameters(), esme: esme.seEndpoint },
      esme: { ieee: esme.ieee, nwk: esme.nwk, node: "own node on the virtual HAN" },
      transport: dongle.url,
    }),
    coordinator: () => coordinatorOf(host, adapter, dongle.url),
    // the ESME is a node of its own, as in a home: the suite's topology
    deviations: [],
    advance: steppedAdvance(clock, han.quiet),
    settle: settleReal(evidence),
    async restartHub() {
      await host.restart();
      evidence.append({ kind: "restart", what: "hub", by: "hanbench" });
    },
    async restartDuts() {
      // each DUT in turn: the power cycle (its catch-up poll at power-on), then the leave and rejoin; a DUT that
      // is not in the network (an earlier step failed it) is an error of its own, the others go on
      for (const node of nodes) {
        try {
          if (!node.online) throw new Error(`${node.label} is not in the network: not restarted`);
          node.powerOff();
          await node.powerOn();
          evidence.append({ kind: "restart", what: "power-cycle", device: node.ieee, by: "hanbench" });
          await node.rejoin();
          evidence.append({ kind: "restart", what: "leave-rejoin", device: node.ieee, by: "hanbench" });
        } catch (err) {
          evidence.append({ kind: "error", source: "restart", device: node.ieee, message: (err as Error).message });
        }
      }
    },
    startJoining: () => joinAll(nodes, evidence),
    stranger: () => strangerJoin(dongle, evidence),
    async close() {
      if (closed) return;
      closed = true;
      stopTap();
      han.stop();
      keyEstablishment?.close();
      for (const n of nodes) n.dispose();
      await host.stop().catch(() => undefined);
      await dongle.stop();
      state.release();
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
  try {
    await host.start();
    // the ESME is a meter in the home: it is in the Device Log and joins like any device, before the DUTs
    await host.addDevice({ eui64: esme.ieee, installCode: esme.installCode!, deviceType: GbcsDeviceType.ESME });
    await host.permitJoin(254);
    if (!(await env.settle(() => isInterviewed(EvidenceIndex.of(evidence.events), esme.ieee), 20_000)))
      throw new Error("the emulated ESME did not join the virtual HAN within 20 s");
    if (keyEstablishment) {
      // the meter establishes keys with the hub before the displays join (they pair with it afterwards)
      await esme.whenKeyed();
      const installed = () => hasInstalledKey(EvidenceIndex.of(evidence.events), esme.ieee);
      if (!(await env.settle(installed, 20_000))) {
        const why = esme.security?.outcome?.reason ?? "its key was not installed on the coordinator";
        throw new Error(`the emulated ESME did not establish keys with the hub: ${why}`);
      }
    }
  } catch (err) {
    await env.close();
    throw err;
  }
  return env;
}

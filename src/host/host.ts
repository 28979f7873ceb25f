/**
 * The host: the emulated Comms Hub on a Zigbee coordinator, through zigbee-herdsman.
 *
 * ```ts
 * const host = new Host({ port: "tcp://127.0.0.1:6638", adapter: "zstack", stateDir, hub, evidence, clock });
 * await host.start();            // controller up, SE endpoints registered, install codes given
 * await host.permitJoin(120);    // devices in the Device Log may join
 * host.devices();                // who is on the network
 * host.lastRequests("0x…");      // what a device last asked the hub
 * await host.stop();             // then exit the process explicitly (herdsman leaves a ref'd timer)
 * ```
 *
 * Events: `join` (JoinEvent, also for refused devices), `leave`, `interview` (InterviewEvent), `disconnected`.
 * Everything observable also goes to the evidence sink: ZCL frames in and out, joins (accepted or not),
 * interviews, leaves, errors. Network parameters are kept in `stateDir` (network.ts).
 *
 * The host holds no domain rules: reads and commands go to the hub (`HubPort`), whose answers are sent
 * back from the addressed hub endpoint with the SE profile (router.ts).
 */
import type { ZclFrame } from "zigbee-herdsman/dist/zspec/zcl/zclFrame.js";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { Controller, Zcl } from "zigbee-herdsman";
import type { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";
import type { DeviceJoinedPayload, ZclPayload } from "zigbee-herdsman/dist/adapter/events.js";
import type { Device } from "zigbee-herdsman/dist/controller/model/device.js";
import type { Cluster } from "zigbee-herdsman/dist/zspec/zcl/definition/tstype.js";
import type { Clock } from "../hub/clock.js";
import { normaliseEui64 } from "../hex.js";
import { herdsmanClusters, SE_PROFILE_ID } from "../zcl/index.js";
import type { Push } from "../hub/types.js";
import type { BasicEvent, CoordinatorInfo, InterviewEvent, JoinEvent, LeaveEvent } from "../evidence/events.js";
import type { EvidenceSink } from "../evidence/log.js";
import { log } from "../log.js";
import { type AdapterType, checkAdapterForSe, patchZStackEndpoints, type SeEndpoint } from "./endpoints.js";
import { routeHerdsmanLogs } from "./herdsman-log.js";
import type { HubPort } from "./hub-port.js";
import {
  describeNetwork,
  herdsmanNetworkOptions,
  loadOrCreateNetwork,
  type NetworkParameters,
  saveNetwork,
} from "./network.js";
import { type LinkSecurity, linkSecurityUnsupported, ZStackLinkSecurity } from "./link-security.js";
import { type RequestSummary, RequestLog } from "./requests.js";
import { Router } from "./router.js";
import { lazyTimeoutErrors, zstackWaitresses } from "./waits.js";
import { tightenStateDir } from "./state-dir.js";
import { FrameTap } from "./tap.js";
import { type ZdoRequestSeen, watchEmberZdoRequests, watchZdoRequests } from "./zdo-requests.js";

type Frame = ZclFrame;

/** The ember parts of the host: loaded for an ember coordinator only (they bring in herdsman's EZSP stack). */
type EmberParts = typeof import("./ember-hooks.js") & typeof import("./ember-link-security.js");

async function loadEmber(): Promise<EmberParts> {
  const [hooks, security] = await Promise.all([import("./ember-hooks.js"), import("./ember-link-security.js")]);
  return { ...hooks, ...security };
}

const logger = log("host");

export interface HostOptions {
  /** Serial path (`/dev/ttyACM0`) or `tcp://host:port`; absent: herdsman's USB auto-discovery. */
  port?: string;
  adapter?: AdapterType;
  /** Accept an adapter other than zstack for SE (herdsman.md §13.2). */
  acceptAdapterRisk?: boolean;
  baudRate?: number;
  rtscts?: boolean;
  /** Holds network.json (0600), herdsman's database and the coordinator backup. */
  stateDir: string;
  hub: HubPort;
  /** The cluster definitions added to every device (default: src/zcl's SE clusters, `herdsmanClusters()`). */
  clusters?: Record<string, Cluster>;
  evidence: EvidenceSink;
  clock: Clock;
  /** Channel for a new network (default: one of 15, 20, 25). Ignored once network.json exists. */
  channel?: number;
  /** Requests kept per device for `lastRequests`. */
  keepRequests?: number;
  /**
   * The coordinator is a virtual dongle whose HAN delivers a broadcast at once: herdsman's fixed pause after
   * each broadcast (200 ms on zstack, 500 ms on ember: the Green Power commissioning frame of every permit-join
   * and of the stop) is not waited for. The broadcast still goes out, in the same order; a failure is logged
   * and recorded. Never on a real radio.
   */
  instantBroadcasts?: boolean;
  /**
   * herdsman's Z-Stack waits build their timeout's `Error` (with its stack trace) only when a wait times out,
   * not each time one starts (waits.ts): the same messages, the same timeouts. For the many frames of a virtual
   * run; a bench host keeps herdsman's stack traces of who waited.
   */
  lazyWaitErrors?: boolean;
}

/**
 * How a host on a virtual dongle is run (src/runner/virtual-env.ts; the read-path benchmarks measure the same
 * host): broadcasts delivered at once, herdsman's waits without a stack trace each.
 */
export const VIRTUAL_DONGLE_HOST = { instantBroadcasts: true, lazyWaitErrors: true } as const satisfies Pick<
  HostOptions,
  "instantBroadcasts" | "lazyWaitErrors"
>;

export interface HostDevice {
  ieee: string;
  nwk: number;
  type: string;
  modelId?: string;
  manufacturer?: string;
  interview: string;
  inDeviceLog: boolean;
  /** Hub time of the last frame, ms. */
  lastSeen?: number;
  endpoints: number[];
}

interface HostEvents {
  join: [JoinEvent];
  leave: [LeaveEvent];
  interview: [InterviewEvent];
  /** The coordinator went away (serial port closed, TCP connection lost). */
  disconnected: [];
}

export class Host extends EventEmitter<HostEvents> {
  readonly #opts: HostOptions;
  readonly #adapterType: AdapterType;
  readonly #requests: RequestLog;
  readonly #tap: FrameTap;
  readonly #router: Router;
  /** EUI-64s whose install code the coordinator has. */
  readonly #codesGiven = new Set<string>();
  /** Network address last seen in an adapter-level join, per EUI-64 (the accept handler only gets the EUI-64). */
  readonly #joiningNwk = new Map<string, number>();
  /** EUI-64s herdsman reported a leave for (so a removal does not record it twice). */
  readonly #left = new Set<string>();
  #controller: Controller | undefined;
  #adapter: Adapter | undefined;
  #network: NetworkParameters | undefined;
  #coordinatorIeee: string | undefined;
  #version: CoordinatorVersion | undefined;
  #unsubscribePush: (() => void) | undefined;
  #security: LinkSecurity | undefined;
  #unsubscribeKeys: (() => void) | undefined;
  /** EUI-64s whose link key the coordinator took (kept across `restart`, as the coordinator keeps its key table). */
  readonly #keyedDevices = new Set<string>();
  /** Link-key installs under way, by EUI-64: a frame to that device waits for its key to be in place. */
  readonly #installs = new Map<string, Promise<void>>();
  #tsn = 0;
  /** ember: called when the adapter has opened joining (#openJoiningEmber). */
  #joiningOpened: (() => void) | undefined;
  /** ember: the NCP's largest APS payload (EmberZNet does not fragment for herdsman). */
  #maxPayload: number | undefined;

  constructor(opts: HostOptions) {
    super();
    this.#opts = opts;
    this.#adapterType = opts.adapter ?? "zstack";
    checkAdapterForSe(this.#adapterType, opts.acceptAdapterRisk ?? false);
    this.#requests = new RequestLog(opts.clock, opts.keepRequests ?? 20);
    this.#tap = new FrameTap(opts.evidence, (ep) => opts.hub.roleOf(ep));
    this.#router = new Router({
      hub: opts.hub,
      tap: this.#tap,
      evidence: opts.evidence,
      requests: this.#requests,
      findDevice: (address) => this.#findDevice(address),
      send: (o) => this.#sendFrame(o.device, o.deviceEp, o.srcEp, o.frame, o.profileId),
      maxPayload: () => this.#maxPayload,
      securityOf: (payload) => this.#security?.securityOf(payload),
    });
  }

  /** The coordinator IEEE address (the hub's; on zstack also the extended PAN id), once started. */
  get coordinatorIeee(): string | undefined {
    return this.#coordinatorIeee;
  }

  /** Adapter, firmware as reported, IEEE, channel and PAN ids of the coordinator (no key), once started. */
  get coordinator(): CoordinatorInfo | undefined {
    if (!this.#network) return undefined;
    const net = describeNetwork(this.#network);
    return {
      adapter: this.#adapterType,
      ...(this.#version
        ? {
            type: String(this.#version.type),
            meta: { ...(this.#version.meta as Record<string, unknown>) },
            firmware: firmwareText(this.#version),
          }
        : {}),
      ...(this.#coordinatorIeee ? { ieee: this.#coordinatorIeee } : {}),
      channel: this.#network.channel,
      panId: net.panId as string,
      ...(this.#network.extendedPanId ? { extendedPanId: this.#network.extendedPanId } : {}),
    };
  }

  /** Channel, PAN id and extended PAN id (no key), once started. */
  get network(): Record<string, unknown> | undefined {
    return this.#network && describeNetwork(this.#network);
  }

  get started(): boolean {
    return this.#controller !== undefined;
  }

  async start(): Promise<"resumed" | "reset" | "restored"> {
    if (this.#controller) throw new Error("host already started");
    const { hub, stateDir } = this.#opts;
    if (hub.keyEstablishment) {
      const unsupported = linkSecurityUnsupported(this.#adapterType);
      if (unsupported) throw new Error(unsupported);
    }
    routeHerdsmanLogs();
    const network = loadOrCreateNetwork(
      stateDir,
      this.#opts.channel === undefined ? {} : { channel: this.#opts.channel },
    );
    // herdsman's coordinator backup holds the network key too, and herdsman writes it (and its database)
    // through a temporary file and a rename, so every write comes back with the default mode: each is
    // followed by a tightening of the directory to 0700 and its files to 0600 (state-dir.ts).
    tightenStateDir(stateDir);
    if (this.#adapterType === "zstack") patchZStackEndpoints(this.#seEndpoints());
    const ember = this.#adapterType === "ember" ? await loadEmber() : undefined;
    ember?.prepareEmber(this.#seEndpoints());
    const networkOptions = herdsmanNetworkOptions(network);
    // zstack puts the coordinator IEEE in place of the default EPID (GBCS: EPID = hub IEEE); pass none.
    if (this.#adapterType === "zstack") delete networkOptions.extendedPanID;
    // ember takes the EPID in the NCP's byte order (little-endian)
    if (ember && network.extendedPanId) networkOptions.extendedPanID = ember.emberExtendedPanId(network.extendedPanId);
    const controller = new Controller({
      network: networkOptions,
      transport: {
        ...(this.#opts.port ? { path: this.#opts.port } : {}),
        adapter: this.#adapterType,
        ...(this.#opts.baudRate ? { baudRate: this.#opts.baudRate } : {}),
        ...(this.#opts.rtscts !== undefined ? { rtscts: this.#opts.rtscts } : {}),
      },
      databasePath: join(stateDir, "database.db"),
      databaseBackupPath: join(stateDir, "database.db.backup"),
      backupPath: join(stateDir, "coordinator_backup.json"),
      adapter: { disableLED: false },
      acceptJoiningDeviceHandler: (ieee) => Promise.resolve(this.#accept(ieee)),
    });
    this.#listen(controller);
    keepStateTight(controller, stateDir);
    const result = await controller.start();
    tightenStateDir(stateDir);
    if (this.#adapterType === "ember" && result === "reset" && !network.extendedPanId) {
      // herdsman's ember adapter has just formed the network with the EPID it was given, herdsman's default;
      // GBCS wants the hub IEEE, known only now. Record it and start again: herdsman finds the network
      // unlike its configuration, leaves it and forms it anew with that EPID (once, for a new state).
      const ieee = controller.getDevicesByType("Coordinator")[0]?.ieeeAddr;
      if (ieee) {
        await controller.stop();
        network.extendedPanId = ieee;
        saveNetwork(stateDir, network);
        logger.info({ extendedPanId: ieee }, "forming the network again with the hub IEEE as extended PAN id");
        return await this.start();
      }
    }
    this.#controller = controller;
    this.#adapter = (controller as unknown as { adapter: Adapter }).adapter;
    this.#hookAdapter(this.#adapter);
    if (ember) this.#maxPayload = await ember.emberMaximumPayload(this.#adapter);
    if (hub.keyEstablishment) await this.#startLinkSecurity(this.#adapter, hub.keyEstablishment, ember);
    this.#coordinatorIeee = controller.getDevicesByType("Coordinator")[0]?.ieeeAddr;
    this.#version = await controller.getCoordinatorVersion().catch((err: unknown) => {
      logger.warn({ err: String(err) }, "the coordinator did not say its version");
      return undefined;
    });
    const epid = (await controller.getNetworkParameters().catch(() => undefined))?.extendedPanID;
    if (epid && network.extendedPanId !== epid) {
      network.extendedPanId = epid;
      saveNetwork(stateDir, network);
    }
    if (epid && this.#coordinatorIeee && epid !== this.#coordinatorIeee) {
      const message = `extended PAN id ${epid} is not the hub IEEE ${this.#coordinatorIeee} (GBCS wants them equal)`;
      logger.warn(message);
      this.#opts.evidence.append({ kind: "note", message });
    }
    this.#network = network;
    for (const device of controller.getDevicesIterator()) this.#prepare(device);
    this.#unsubscribePush = hub.onPush((push) => this.#push(push));
    await this.syncInstallCodes();
    logger.info({ result, ...describeNetwork(network), endpoints: hub.endpoints }, "hub started");
    this.#opts.evidence.append({
      kind: "note",
      message: `host started (${result})`,
      data: {
        port: this.#opts.port,
        adapter: this.#adapterType,
        ...describeNetwork(network),
        endpoints: hub.endpoints,
      },
    });
    return result;
  }

  async stop(): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    this.#unsubscribePush?.();
    this.#unsubscribePush = undefined;
    this.#unsubscribeKeys?.();
    this.#unsubscribeKeys = undefined;
    this.#controller = undefined;
    await controller.stop();
    this.#security?.close();
    this.#security = undefined;
  }

  /**
   * Stops the host and starts it again on the same coordinator and state directory, as a restarted bench PC
   * does: herdsman resumes the network from its database and coordinator backup, and the link keys the
   * coordinator took stay in its key table, so the hub's SE frames to those devices go APS-secured again.
   */
  async restart(): Promise<"resumed" | "reset" | "restored"> {
    await this.stop();
    return this.start();
  }

  /** Opens joining for `seconds` (0 closes it; at most 254). Install codes are given to the coordinator first. */
  async permitJoin(seconds: number): Promise<void> {
    const controller = this.#need();
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 254) {
      throw new RangeError(`permit join time ${seconds} is outside 0..254 seconds`);
    }
    if (seconds > 0) await this.syncInstallCodes();
    if (this.#adapterType === "ember" && seconds > 0) await this.#openJoiningEmber(controller, seconds);
    else await controller.permitJoin(seconds);
  }

  /**
   * ember: resolves once the coordinator has opened joining. herdsman then broadcasts its Green Power
   * commissioning frame, and its ember adapter waits a fixed 500 ms after every broadcast before the
   * controller's permitJoin returns; the hub has no Green Power devices, so that goes on in the background
   * (a failure there is recorded). Closing (0 s) is awaited whole: the NCP closes only after it.
   */
  async #openJoiningEmber(controller: Controller, seconds: number): Promise<void> {
    let opened = false;
    const open = new Promise<void>((resolve) => {
      this.#joiningOpened = () => {
        opened = true;
        resolve();
      };
    });
    const whole = controller.permitJoin(seconds);
    whole
      .catch((err: unknown) => {
        if (!opened) return; // the caller gets it from the race below
        const message = `joining is open, but herdsman's Green Power permit-join broadcast failed: ${(err as Error).message}`;
        logger.warn(message);
        this.#opts.evidence.append({ kind: "error", source: "host.permitJoin", message });
      })
      .finally(() => {
        this.#joiningOpened = undefined;
      });
    await Promise.race([open, whole]);
  }

  /** Adds a device to the hub's Device Log and gives its install code to the coordinator. */
  async addDevice(opts: { eui64: string; installCode: string | Uint8Array; deviceType: number }): Promise<string> {
    const entry = this.#opts.hub.deviceLog.add(opts);
    if (this.#controller) await this.#giveInstallCode(entry.eui64);
    return entry.eui64;
  }

  /**
   * Devices whose link key the coordinator already holds (a resumed bench run: their `ke` events say it was
   * installed): the hub's SE frames to them are APS-secured from the start, as before the restart.
   */
  rememberKeyed(eui64s: readonly string[]): void {
    for (const e of eui64s) this.#keyedDevices.add(normaliseEui64(e));
  }

  /** Removes a device from the Device Log; if it is on the network it is asked to leave. */
  async removeDevice(eui64: string): Promise<void> {
    this.#opts.hub.deviceLog.remove(eui64);
    const ieee = normaliseEui64(eui64);
    this.#codesGiven.delete(ieee);
    const device = this.#controller?.getDeviceByIeeeAddr(ieee);
    if (!device) return;
    let confirmed = true;
    await device.removeFromNetwork().catch((err: unknown) => {
      confirmed = false;
      logger.warn({ device: ieee, err: String(err) }, "device did not confirm its leave; removed from the database");
      device.removeFromDatabase();
    });
    // herdsman reports a leave only for a device still in its database, and removeFromNetwork has just
    // taken it out: record the leave here unless herdsman did.
    if (this.#left.delete(ieee)) return;
    this.#leave({
      kind: "leave",
      device: ieee,
      reason: confirmed ? "removed from the Device Log" : "removed from the Device Log; the leave was not confirmed",
    });
  }

  /** Gives the coordinator the install code of every Device Log entry it does not have yet. */
  async syncInstallCodes(): Promise<void> {
    if (!this.#controller) return;
    for (const entry of this.#opts.hub.deviceLog.list()) {
      if (!this.#codesGiven.has(entry.eui64)) await this.#giveInstallCode(entry.eui64);
    }
  }

  /**
   * Gives the coordinator the install codes of these Device Log entries again (devices reset to factory settings
   * that join anew: a trust centre may have dropped their keys, and herdsman reports no leave of a device it has
   * already dropped): they count as not given, and `syncInstallCodes` gives them.
   */
  async giveInstallCodesAgain(eui64s: readonly string[]): Promise<void> {
    for (const eui64 of eui64s) this.#codesGiven.delete(normaliseEui64(eui64));
    await this.syncInstallCodes();
  }

  devices(): HostDevice[] {
    const controller = this.#controller;
    if (!controller) return [];
    const out: HostDevice[] = [];
    for (const d of controller.getDevicesIterator()) {
      if (d.type === "Coordinator") continue;
      const item: HostDevice = {
        ieee: d.ieeeAddr,
        nwk: d.networkAddress,
        type: d.type,
        interview: d.interviewState,
        inDeviceLog: this.#opts.hub.deviceLog.has(d.ieeeAddr),
        endpoints: d.endpoints.map((e) => e.ID),
      };
      if (d.modelID) item.modelId = d.modelID;
      if (d.manufacturerName) item.manufacturer = d.manufacturerName;
      if (d.lastSeen) item.lastSeen = d.lastSeen;
      out.push(item);
    }
    return out;
  }

  /**
   * ZDO requests devices send to the coordinator (answered by the firmware, so otherwise unseen), with the
   * sender's EUI-64 when herdsman knows it: on zstack by ZDO_MSG_CB_REGISTER, on ember from the copies the
   * NCP passes on (ember-hooks.ts `askZdoRequests`). Resolves with a function that stops watching.
   */
  async watchZdoRequests(
    clusters: readonly number[],
    listener: (r: ZdoRequestSeen & { ieee: string | undefined }) => void,
  ): Promise<() => void> {
    const adapter = this.#adapter;
    if (!adapter) throw new Error("host is not started");
    // a device asks right after joining, before herdsman has it in its database: the adapter-level join knows it
    const ieeeOf = (nwk: number) =>
      this.#findDevice(nwk)?.ieeeAddr ?? [...this.#joiningNwk].findLast(([, n]) => n === nwk)?.[0];
    const seen = (r: ZdoRequestSeen) => listener({ ...r, ieee: ieeeOf(r.srcNwk) });
    if (this.#adapterType === "ember") return watchEmberZdoRequests(adapter, clusters, seen);
    return watchZdoRequests(adapter, clusters, seen);
  }

  /** The last requests (client → server ZCL) a device made, oldest first. */
  lastRequests(device: string, n?: number): RequestSummary[] {
    return this.#requests.last(normaliseEui64(device), n);
  }

  #need(): Controller {
    if (!this.#controller) throw new Error("host is not started");
    return this.#controller;
  }

  #seEndpoints(): SeEndpoint[] {
    return this.#opts.hub.hubEndpoints().map(({ role, endpoint, deviceId, inClusters, outClusters }) => ({
      role,
      endpoint,
      deviceId,
      inClusters,
      outClusters,
    }));
  }

  #findDevice(address: number | string): Device | undefined {
    const c = this.#controller;
    if (!c) return undefined;
    return typeof address === "number" ? c.getDeviceByNetworkAddress(address) : c.getDeviceByIeeeAddr(address);
  }

  async #giveInstallCode(eui64: string): Promise<void> {
    const code = this.#opts.hub.deviceLog.installCodeOf(eui64);
    if (!code) return;
    try {
      await this.#need().addInstallCode(`${eui64.replace(/^0x/, "")}|${code.toString("hex")}`);
      this.#codesGiven.add(eui64);
    } catch (err) {
      const message = `the coordinator did not take the install code of ${eui64}: ${(err as Error).message}`;
      logger.warn({ device: eui64 }, message);
      this.#opts.evidence.append({ kind: "error", source: "host.installCode", message, device: eui64 });
    } finally {
      code.fill(0);
    }
  }

  /** acceptJoiningDeviceHandler: the Device Log decides. */
  #accept(ieee: string): boolean {
    const accepted = this.#opts.hub.deviceLog.has(ieee);
    this.#left.delete(ieee);
    const event: JoinEvent = {
      kind: "join",
      device: ieee,
      nwk: this.#joiningNwk.get(ieee) ?? -1,
      accepted,
      reason: accepted ? "in the Device Log" : "not in the Device Log: refused and asked to leave",
    };
    if (accepted) logger.info({ device: ieee }, "device joined");
    else logger.warn({ device: ieee }, "device not in the Device Log refused");
    this.#opts.evidence.append(event);
    this.emit("join", event);
    return accepted;
  }

  #listen(controller: Controller): void {
    controller.on("deviceJoined", ({ device }) => this.#prepare(device));
    controller.on("deviceAnnounce", ({ device }) => this.#prepare(device));
    controller.on("deviceInterview", ({ status, device }) => {
      const event: InterviewEvent = { kind: "interview", device: device.ieeeAddr, status };
      this.#opts.evidence.append(event);
      if (status === "successful") this.#opts.evidence.append(basicOf(device));
      this.emit("interview", event);
    });
    controller.on("deviceLeave", ({ ieeeAddr }) => {
      this.#left.add(ieeeAddr);
      if (this.#left.size > 64) this.#left.delete(this.#left.values().next().value as string);
      this.#leave({ kind: "leave", device: ieeeAddr });
    });
    controller.on("adapterDisconnected", () => {
      logger.error("the coordinator disconnected");
      this.#opts.evidence.append({ kind: "error", source: "host.adapter", message: "the coordinator disconnected" });
      this.emit("disconnected");
    });
  }

  /** Custom clusters (not persisted by herdsman) and no automatic Default Responses. */
  #prepare(device: Device): void {
    if (device.type === "Coordinator") return;
    for (const [name, cluster] of Object.entries(this.#opts.clusters ?? herdsmanClusters())) {
      if (!device.customClusters[name]) device.addCustomCluster(name, cluster);
    }
    device.skipDefaultResponse = true;
  }

  #leave(event: LeaveEvent): void {
    logger.info({ device: event.device }, "device left");
    this.#opts.evidence.append(event);
    this.emit("leave", event);
  }

  #hookAdapter(adapter: Adapter): void {
    // The router first: it needs destinationEndpoint, which herdsman drops. The controller's own listener (its
    // onZclPayload, the one herdsman 11.1.1 registers) then gets only the frames the router did not answer: a
    // request the hub answered is not parsed again, logged, turned into a `message` event and handed to
    // herdsman's own answering (router.ts `seenBy` keeps herdsman's bookkeeping of the sender).
    const controllerListeners = adapter.listeners("zclPayload") as ((p: ZclPayload) => void)[];
    adapter.removeAllListeners("zclPayload");
    adapter.on("zclPayload", (payload: ZclPayload) => {
      if (this.#router.onPayload(payload)) return;
      for (const l of controllerListeners) l.call(adapter, payload);
    });
    if (this.#opts.lazyWaitErrors && this.#adapterType === "zstack") {
      for (const waitress of zstackWaitresses(adapter)) lazyTimeoutErrors(waitress);
    }
    adapter.prependListener("deviceJoined", (p: DeviceJoinedPayload) => {
      this.#joiningNwk.set(p.ieeeAddr, p.networkAddress);
    });
    if (this.#opts.instantBroadcasts) {
      const toAll = adapter.sendZclFrameToAll.bind(adapter);
      // the adapter queues the broadcast before it returns: what the controller sends next goes after it
      adapter.sendZclFrameToAll = (endpoint, frame, srcEp, destination, profileId) => {
        toAll(endpoint, frame, srcEp, destination, profileId).catch((err: unknown) => {
          const message = `a ${frame.cluster.name} broadcast failed: ${(err as Error).message}`;
          logger.warn(message);
          if (this.#controller && this.#adapter === adapter)
            this.#opts.evidence.append({ kind: "error", source: "host.broadcast", message });
        });
        return Promise.resolve();
      };
    }
    const permitJoin = adapter.permitJoin.bind(adapter);
    adapter.permitJoin = async (seconds, networkAddress) => {
      await permitJoin(seconds, networkAddress);
      if (seconds > 0) this.#joiningOpened?.();
    };
    // Every unicast ZCL frame leaves through here: tap it for the evidence.
    const send = adapter.sendZclFrameToEndpoint.bind(adapter);
    adapter.sendZclFrameToEndpoint = (
      ieee,
      nwk,
      ep,
      frame,
      timeout,
      disableResponse,
      disableRecovery,
      srcEp,
      profileId,
    ) => {
      const apsSecured = this.#security?.wouldSecure(nwk, srcEp ?? 1, frame.cluster.ID);
      // The frame is encoded once: the evidence's bytes are the ones the adapter sends (it asks the frame for
      // them once, right after this), not a second encode of the same frame.
      const bytes = frame.toBuffer();
      frame.toBuffer = () => bytes;
      this.#tap.outgoing({
        ieee,
        nwk,
        deviceEp: ep,
        srcEp: srcEp ?? 1,
        frame,
        bytes,
        ...(profileId ? { profileId } : {}),
        ...(apsSecured !== undefined ? { apsSecured } : {}),
      });
      return send(ieee, nwk, ep, frame, timeout, disableResponse, disableRecovery, srcEp, profileId);
    };
  }

  async #sendFrame(device: Device, deviceEp: number, srcEp: number, frame: Frame, profileId?: number): Promise<void> {
    const adapter = this.#adapter;
    if (!adapter) throw new Error("host is not started");
    // a reply after a key exchange goes once the key is on the coordinator (the device uses it at once)
    const install = this.#installs.get(device.ieeeAddr);
    if (install) await install;
    await adapter.sendZclFrameToEndpoint(
      device.ieeeAddr,
      device.networkAddress,
      deviceEp,
      frame,
      10_000,
      true,
      false,
      srcEp,
      profileId,
    );
  }

  /**
   * Every key the hub's Key Establishment server establishes goes to the coordinator (ZDO_SET_LINK_KEY), and
   * the hub's SE frames to that device are sent APS-secured from then on.
   */
  async #startLinkSecurity(
    adapter: Adapter,
    ke: NonNullable<HubPort["keyEstablishment"]>,
    ember: EmberParts | undefined,
  ): Promise<void> {
    const { hub, evidence } = this.#opts;
    const opts = {
      isSeEndpoint: (ep: number) => hub.roleOf(ep) !== undefined,
      ieeeOf: (nwk: number) => this.#findDevice(nwk)?.ieeeAddr,
      keepsKeyOf: (eui64: string) => hub.deviceLog.has(eui64),
    };
    let security: LinkSecurity;
    if (ember) {
      const emberSecurity = new ember.EmberLinkSecurity(adapter, opts);
      await emberSecurity.allowPartnerKeys();
      security = emberSecurity;
    } else security = new ZStackLinkSecurity(adapter, opts);
    this.#security = security;
    for (const device of this.#keyedDevices) security.adopt(device);
    this.#unsubscribeKeys = ke.onEstablished((k) => {
      const device = normaliseEui64(k.device);
      const nwk = this.#findDevice(device)?.networkAddress ?? k.nwk;
      const install = security
        .install({ ieee: device, nwk }, k.linkKey)
        .then(
          () => {
            this.#keyedDevices.add(device);
            evidence.append({ kind: "ke", device, step: "installed", by: "hub", fingerprint: k.fingerprint });
          },
          (err: unknown) => {
            const message = `the coordinator did not take the link key of ${device}: ${(err as Error).message}`;
            logger.warn({ device }, message);
            evidence.append({ kind: "ke", device, step: "install-failed", by: "hub", reason: message });
            evidence.append({ kind: "error", source: "host.linkKey", message, device });
          },
        )
        .finally(() => {
          if (this.#installs.get(device) === install) this.#installs.delete(device);
        });
      this.#installs.set(device, install);
    });
  }

  #push(push: Push): void {
    const controller = this.#controller;
    const srcEp = this.#opts.hub.endpoints[push.role];
    if (!controller || srcEp === undefined) return;
    const targets = push.device
      ? [controller.getDeviceByIeeeAddr(push.device)].filter((d): d is Device => d !== undefined)
      : [...controller.getDevicesIterator()].filter(
          (d) => d.type !== "Coordinator" && this.#opts.hub.deviceLog.has(d.ieeeAddr),
        );
    for (const device of targets) {
      // Default Response enabled, as the hub model encodes pushes (frame control 0x09, as in the RTDS vectors).
      const frame = Zcl.Frame.create(
        Zcl.FrameType.SPECIFIC,
        Zcl.Direction.SERVER_TO_CLIENT,
        false,
        undefined,
        this.#nextTsn(),
        push.commandId,
        push.clusterId,
        push.payload,
        device.customClusters,
      );
      this.#sendFrame(device, clientEndpointOf(device, push.clusterId), srcEp, frame, SE_PROFILE_ID).catch(
        (err: unknown) => {
          const message = `push ${push.command} to ${device.ieeeAddr} failed: ${(err as Error).message}`;
          logger.warn({ device: device.ieeeAddr }, message);
          this.#opts.evidence.append({ kind: "error", source: "host.push", message, device: device.ieeeAddr });
        },
      );
    }
  }

  #nextTsn(): number {
    this.#tsn = (this.#tsn % 255) + 1;
    return this.#tsn;
  }
}

/**
 * Wraps herdsman's coordinator backup and database save (its timers and stop() call them through the
 * instance) so that the files they rename into place are made 0600 at once.
 */
function keepStateTight(controller: Controller, stateDir: string): void {
  const c = controller as unknown as { backup(): Promise<void>; databaseSave(): void };
  const backup = c.backup.bind(controller);
  const databaseSave = c.databaseSave.bind(controller);
  const tighten = () => {
    try {
      tightenStateDir(stateDir);
    } catch (err) {
      logger.warn({ err: String(err) }, "could not tighten the state directory's file modes");
    }
  };
  c.backup = async () => {
    try {
      await backup();
    } finally {
      tighten();
    }
  };
  c.databaseSave = () => {
    try {
      databaseSave();
    } finally {
      tighten();
    }
  };
}

/** What herdsman's interview read of a device's Basic cluster (the fields it got). */
function basicOf(device: Device): BasicEvent {
  const fields = {
    manufacturerName: device.manufacturerName,
    modelId: device.modelID,
    swBuildId: device.softwareBuildID,
    hwVersion: device.hardwareVersion,
    dateCode: device.dateCode,
    appVersion: device.applicationVersion,
    stackVersion: device.stackVersion,
    zclVersion: device.zclVersion,
    powerSource: device.powerSource,
  };
  const read = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ""));
  return { kind: "basic", device: device.ieeeAddr, ...read };
}

/** The device endpoint that holds the client side of `clusterId` (else one that serves it, else the first). */
function clientEndpointOf(device: Device, clusterId: number): number {
  const eps = device.endpoints;
  return (
    eps.find((e) => e.outputClusters.includes(clusterId))?.ID ??
    eps.find((e) => e.inputClusters.includes(clusterId))?.ID ??
    eps[0]?.ID ??
    1
  );
}

/** What herdsman's getCoordinatorVersion gives: a type and the firmware's own fields. */
interface CoordinatorVersion {
  type: string;
  meta: Record<string, unknown>;
}

/**
 * The firmware in one line, from what the coordinator reported: Z-Stack says its product and a revision
 * that is the build date (`zStack3x0 revision 20240710 (2.7.1)`); another adapter its type and whatever
 * revision or version its meta holds.
 */
export function firmwareText(v: CoordinatorVersion): string {
  const m = v.meta ?? {};
  const release = ["majorrel", "minorrel", "maintrel"].every((k) => typeof m[k] === "number")
    ? ` (${m.majorrel}.${m.minorrel}.${m.maintrel})`
    : "";
  const revision = m.revision ?? m.version;
  return `${v.type}${revision !== undefined && revision !== "" ? ` revision ${String(revision)}` : ""}${release}`;
}

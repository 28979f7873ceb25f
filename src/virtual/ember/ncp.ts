/**
 * The virtual EmberZNet NCP: EZSP over ASH to one host (zigbee-herdsman's `ember` adapter, or any EZSP
 * host), coordinator and trust centre on the simulated HAN. This class holds the state and routes: bytes
 * from the host go through the ASH link (ash-link.ts) to `#onEzsp`, which parses the EZSP header
 * (ezsp-frame.ts) and the parameters (the layouts of ezsp-commands.ts) and calls the handler of that name
 * (ncp-config.ts, ncp-network.ts, ncp-security.ts, ncp-messaging.ts). What firmware answers to a frame
 * it cannot run is answered the same way: invalidCommand with an EzspStatus reason (unknown frame id,
 * parameters cut short, a command before VERSION, a frame in the wrong direction or with unsupported
 * frame-control bits).
 *
 * What a reset keeps is in NcpState (tokens); everything in `ram` is lost at RST, as on the chip.
 */
import { linkKeyFromInstallCode } from "../../hub/install-code.js";
import { log } from "../../log.js";
import type { HanMedium } from "../han/medium.js";
import type { ApsFrame, HanMember, SimpleDescriptor, TrustCentre } from "../han/types.js";
import { AshNcpLink, type LinkTimers } from "./ash-link.js";
import {
  CALLBACKS,
  COMMANDS,
  COMMAND_BY_ID,
  type CallbackName,
  type CallbackOf,
  type CommandName,
  INVALID_COMMAND,
  type ParamsOf,
  type ResponseOf,
} from "./ezsp-commands.js";
import { type EzspCommandFrame, encodeEzspFrame, isFrameError, parseEzspCommand } from "./ezsp-frame.js";
import {
  ConfigId,
  Decision,
  DeviceUpdate,
  EzspStatus,
  JoinDecision,
  NodeType,
  PolicyId,
  TcPolicy,
} from "./ezsp-ids.js";
import { EzspReader, EzspTruncatedError, EzspWriter, readLayout, writeLayout } from "./ezsp-types.js";
import type { EzspInitialSecurityState, EzspMulticastTableEntry } from "./ezsp-types.js";
import { KEY_TABLE_SIZE, type NcpState } from "./ncp-state.js";

/** What VERSION and getValue(VERSION_INFO) report. */
export interface NcpVersion {
  /** The EZSP protocol version the NCP speaks (the layouts here are those of EZSP 14 and later). */
  protocol: number;
  major: number;
  minor: number;
  patch: number;
  special: number;
  build: number;
}

/** EmberZNet 8.2.2 (Simplicity SDK 2025.6.2), EZSP protocol 18 (0x12): what current stick firmware runs. */
export const DEFAULT_NCP_VERSION: NcpVersion = { protocol: 0x12, major: 8, minor: 2, patch: 2, special: 0, build: 0 };

/** Silicon Labs' manufacturer code, the NCP's default. */
export const SILABS_MANUFACTURER_CODE = 0x1049;

/** Configuration values after a reset (typical coordinator NCP builds; the host may change them before init). */
export const CONFIG_DEFAULTS: ReadonlyMap<number, number> = new Map([
  [ConfigId.PACKET_BUFFER_COUNT, 255],
  [ConfigId.NEIGHBOR_TABLE_SIZE, 26],
  [ConfigId.APS_UNICAST_MESSAGE_COUNT, 32],
  [ConfigId.BINDING_TABLE_SIZE, 32],
  [ConfigId.ADDRESS_TABLE_SIZE, 16],
  [ConfigId.MULTICAST_TABLE_SIZE, 16],
  [ConfigId.ROUTE_TABLE_SIZE, 16],
  [ConfigId.DISCOVERY_TABLE_SIZE, 8],
  [ConfigId.STACK_PROFILE, 2],
  [ConfigId.SECURITY_LEVEL, 5],
  [ConfigId.MAX_HOPS, 30],
  [ConfigId.MAX_END_DEVICE_CHILDREN, 32],
  [ConfigId.INDIRECT_TRANSMISSION_TIMEOUT, 7680],
  [ConfigId.END_DEVICE_POLL_TIMEOUT, 8],
  [ConfigId.TX_POWER_MODE, 0],
  [ConfigId.DISABLE_RELAY, 0],
  [ConfigId.TRUST_CENTER_ADDRESS_CACHE_SIZE, 2],
  [ConfigId.SOURCE_ROUTE_TABLE_SIZE, 200],
  [ConfigId.FRAGMENT_WINDOW_SIZE, 1],
  [ConfigId.FRAGMENT_DELAY_MS, 0],
  [ConfigId.KEY_TABLE_SIZE, KEY_TABLE_SIZE],
  [ConfigId.APS_ACK_TIMEOUT, 1600],
  [ConfigId.BEACON_JITTER_DURATION, 3],
  [ConfigId.PAN_ID_CONFLICT_REPORT_THRESHOLD, 1],
  [ConfigId.REQUEST_KEY_TIMEOUT, 0],
  [ConfigId.CERTIFICATE_TABLE_SIZE, 0],
  [ConfigId.APPLICATION_ZDO_FLAGS, 0],
  [ConfigId.BROADCAST_TABLE_SIZE, 15],
  [ConfigId.MAC_FILTER_TABLE_SIZE, 0],
  [ConfigId.SUPPORTED_NETWORKS, 1],
  [ConfigId.SEND_MULTICASTS_TO_SLEEPY_ADDRESS, 0],
  [ConfigId.ZLL_GROUP_ADDRESSES, 0],
  [ConfigId.ZLL_RSSI_THRESHOLD, 0xff80],
  [ConfigId.MTORR_FLOW_CONTROL, 1],
  [ConfigId.RETRY_QUEUE_SIZE, 16],
  [ConfigId.NEW_BROADCAST_ENTRY_THRESHOLD, 15],
  [ConfigId.TRANSIENT_KEY_TIMEOUT_S, 300],
  [ConfigId.BROADCAST_MIN_ACKS_NEEDED, 255],
  [ConfigId.TC_REJOINS_USING_WELL_KNOWN_KEY_TIMEOUT_S, 300],
  [ConfigId.CTUNE_VALUE, 0xffff],
  [ConfigId.ASSUME_TC_CONCENTRATOR_TYPE, 0],
  [ConfigId.GP_PROXY_TABLE_SIZE, 5],
  [ConfigId.GP_SINK_TABLE_SIZE, 0],
]);

/** Policies after a reset: joins refused until the host allows them. */
export const POLICY_DEFAULTS: ReadonlyMap<number, number> = new Map([
  [PolicyId.TRUST_CENTER_POLICY, TcPolicy.ALLOW_UNSECURED_REJOINS],
  [PolicyId.BINDING_MODIFICATION_POLICY, Decision.DISALLOW_BINDING_MODIFICATION],
  [PolicyId.UNICAST_REPLIES_POLICY, Decision.HOST_WILL_NOT_SUPPLY_REPLY],
  [PolicyId.POLL_HANDLER_POLICY, Decision.POLL_HANDLER_IGNORE],
  [PolicyId.MESSAGE_CONTENTS_IN_CALLBACK_POLICY, Decision.MESSAGE_TAG_ONLY_IN_CALLBACK],
  [PolicyId.TC_KEY_REQUEST_POLICY, Decision.DENY_TC_KEY_REQUESTS],
  [PolicyId.APP_KEY_REQUEST_POLICY, Decision.DENY_APP_KEY_REQUESTS],
  [PolicyId.PACKET_VALIDATE_LIBRARY_POLICY, Decision.PACKET_VALIDATE_LIBRARY_CHECKS_ENABLED],
  [PolicyId.ZLL_POLICY, 0],
  [PolicyId.TC_REJOINS_USING_WELL_KNOWN_KEY_POLICY, 0],
]);

/** The NCP's RAM: what a reset clears. */
export class NcpRam {
  versionSet = false;
  readonly config = new Map(CONFIG_DEFAULTS);
  /** Configuration is fixed once the stack allocated its tables (first endpoint or network start). */
  configLocked = false;
  readonly policies = new Map(POLICY_DEFAULTS);
  readonly endpoints = new Map<number, SimpleDescriptor>();
  readonly multicast: (EzspMulticastTableEntry | undefined)[] = [];
  /** Transient link keys by EUI-64 ("0x0000000000000000" for every device), with their expiry (ms). */
  readonly transientKeys = new Map<string, { key: Buffer; expiresAt: number }>();
  manufacturerCode = SILABS_MANUFACTURER_CODE;
  /** setInitialSecurityState, waiting for formNetwork. */
  securityState: EzspInitialSecurityState | undefined;
  extendedSecurityBitmask = 0;
  /** NWK frame counter the host set for the next formNetwork (a restore). */
  nextNwkFrameCounter: number | undefined;
  networkUp = false;
  radioPower = 3;
  transientDeviceTimeoutMs = 10_000;
  apsSequence = 0;
  readonly counters: number[] = new Array(42).fill(0);
}

export interface EmberNcpOptions {
  state: NcpState;
  medium: HanMedium;
  /** Only devices whose install-code key the host gave (importTransientKey / importLinkKey) may join. */
  requireInstallCodes?: boolean;
  version?: NcpVersion;
  /** ASH timers (tests drive them by hand). */
  timers?: LinkTimers;
}

export type Handler<N extends CommandName> = (p: ParamsOf<N>, ncp: EmberNcp) => ResponseOf<N>;
export type HandlerTable = { [N in CommandName]?: Handler<N> };

/** A HAN frame for the coordinator, handed to the messaging module (set by index.ts). */
export type HanReceiver = (ncp: EmberNcp, frame: ApsFrame) => void;

export interface NcpCounters {
  commands: number;
  invalidCommands: number;
  callbacks: number;
  callbacksDropped: number;
}

export class EmberNcp implements HanMember, TrustCentre {
  readonly tokens: NcpState;
  readonly medium: HanMedium;
  readonly version: NcpVersion;
  requireInstallCodes: boolean;
  readonly nwk = 0x0000;
  readonly link: AshNcpLink;
  readonly counters: NcpCounters = { commands: 0, invalidCommands: 0, callbacks: 0, callbacksDropped: 0 };
  ram = new NcpRam();
  /** Called when leaveNetwork forgot the network (the devices must forget it too). */
  onNetworkCleared: () => void = () => {};
  readonly #handlers: HandlerTable;
  readonly #receiveFromHan: HanReceiver;
  readonly #log = log("virtual-ncp");
  readonly #debug: boolean;
  #sink: ((bytes: Buffer) => void) | undefined;
  #lastSequence = 0;
  /** MAC capabilities of the end devices that joined (their child index is their order here). */
  readonly #lastCaps = new Map<string, number>();

  constructor(opts: EmberNcpOptions, handlers: HandlerTable, receiveFromHan: HanReceiver) {
    this.tokens = opts.state;
    this.medium = opts.medium;
    this.version = opts.version ?? DEFAULT_NCP_VERSION;
    this.requireInstallCodes = opts.requireInstallCodes ?? false;
    this.#handlers = handlers;
    this.#receiveFromHan = receiveFromHan;
    this.#debug = this.#log.isLevelEnabled("debug");
    this.link = new AshNcpLink({
      timers: opts.timers,
      write: (bytes) => this.#sink?.(bytes),
      onData: (ezsp) => this.#onEzsp(ezsp),
      onReset: () => this.#reset(),
    });
    this.medium.setCoordinator(this, this);
  }

  get ieee(): string {
    return this.tokens.eui64;
  }

  /** A network is in the tokens (formed, whether or not it is up). */
  get formed(): boolean {
    return this.tokens.network !== undefined;
  }

  get online(): boolean {
    return this.ram.networkUp;
  }

  // ---- host link ----

  /** Where bytes for the host go; `undefined` while no host is connected (the link starts over). */
  setSink(sink: ((bytes: Buffer) => void) | undefined): void {
    this.#sink = sink;
    this.link.reset();
  }

  /** Bytes from the host (any split of the stream). */
  fromHost(chunk: Buffer): void {
    this.link.receive(chunk);
  }

  /** Sends a callback to the host (dropped while no host is connected). */
  callback<N extends CallbackName>(name: N, params: CallbackOf<N>): void {
    if (!this.#sink || !this.ram.versionSet) {
      this.counters.callbacksDropped += 1;
      return;
    }
    const def = CALLBACKS[name];
    const w = new EzspWriter();
    try {
      writeLayout(def.params, w, params as never);
    } catch (err) {
      this.counters.callbacksDropped += 1;
      this.#log.warn({ callback: name, err: String(err) }, "callback could not be encoded; dropped");
      return;
    }
    const frame = encodeEzspFrame({
      sequence: this.#lastSequence,
      frameId: def.id,
      params: w.toBuffer(),
      callback: true,
    });
    if (frame.length > 220) {
      this.counters.callbacksDropped += 1;
      this.#log.warn({ callback: name, length: frame.length }, "callback longer than an EZSP frame dropped");
      return;
    }
    this.counters.callbacks += 1;
    if (this.#debug) this.#log.debug({ callback: name }, "ezsp callback");
    this.link.send(frame, "callback");
  }

  #onEzsp(bytes: Buffer): void {
    this.counters.commands += 1;
    const f = parseEzspCommand(bytes);
    this.#lastSequence = f.sequence;
    const out = isFrameError(f) ? this.#invalid(f, f.reason) : this.#execute(f);
    this.link.send(
      encodeEzspFrame({
        sequence: f.sequence,
        frameId: out.frameId,
        params: out.params,
        legacy: f.legacy,
        networkIndexBits: f.frameControl,
      }),
      "response",
    );
  }

  /** Runs a command: its response's frame id and parameters (invalidCommand when it cannot run). */
  #execute(f: EzspCommandFrame): { frameId: number; params: Buffer } {
    const name = COMMAND_BY_ID.get(f.frameId);
    if (name === undefined || (f.legacy && name !== "version"))
      return this.#invalid(f, EzspStatus.ERROR_INVALID_FRAME_ID);
    if (!this.ram.versionSet && name !== "version") return this.#invalid(f, EzspStatus.ERROR_VERSION_NOT_SET);
    const def = COMMANDS[name];
    let params: unknown;
    try {
      params = readLayout(def.params, new EzspReader(f.params));
    } catch (err) {
      if (!(err instanceof EzspTruncatedError)) this.#log.warn({ command: name, err: String(err) }, "bad parameters");
      return this.#invalid(f, EzspStatus.ERROR_INVALID_VALUE);
    }
    const handler = this.#handlers[name] as Handler<CommandName> | undefined;
    if (!handler) return this.#invalid(f, EzspStatus.ERROR_INVALID_FRAME_ID);
    if (this.#debug) this.#log.debug({ command: name, sequence: f.sequence }, "ezsp command");
    try {
      const w = new EzspWriter();
      writeLayout(def.response, w, handler(params as never, this) as never);
      return { frameId: def.id, params: w.toBuffer() };
    } catch (err) {
      this.#log.warn({ command: name, err: String(err) }, "EZSP command failed");
      return this.#invalid(f, EzspStatus.ERROR_INVALID_CALL);
    }
  }

  /** invalidCommand: one EzspStatus byte, the reason. */
  #invalid(f: { frameId: number }, reason: number): { frameId: number; params: Buffer } {
    this.counters.invalidCommands += 1;
    this.#log.warn({ frameId: f.frameId, reason }, "EZSP command answered with invalidCommand");
    return { frameId: INVALID_COMMAND.id, params: Buffer.from([reason]) };
  }

  /** RST: the chip restarts. RAM is lost, tokens stay; the network is down until networkInit. */
  #reset(): void {
    const wasUp = this.ram.networkUp;
    this.ram = new NcpRam();
    if (wasUp) this.medium.permitJoin(0);
    this.#log.debug("NCP reset");
  }

  // ---- HAN side ----

  receive(frame: ApsFrame): void {
    if (!this.ram.networkUp) return;
    this.#receiveFromHan(this, frame);
  }

  /** The APS link key shared with `partner`: its key-table entry (importLinkKey), as the stack secures with it. */
  apsKey(partner: string): Buffer | undefined {
    const ieee = partner.toLowerCase();
    return this.tokens.keyTable.find((e) => e?.eui64 === ieee)?.key;
  }

  // ---- trust centre ----

  /** The link key the trust centre would use for `ieee`: its transient key, else its key-table entry. */
  linkKeyFor(ieee: string): Buffer | undefined {
    const now = Date.now();
    const t = this.ram.transientKeys.get(ieee);
    if (t && t.expiresAt > now) return t.key;
    return this.tokens.keyTable.find((e) => e?.eui64 === ieee)?.key;
  }

  refuseReason(ieee: string, installCode: Buffer | undefined): string | undefined {
    if (!this.ram.networkUp) return "the coordinator has no network up";
    const policy = this.ram.policies.get(PolicyId.TRUST_CENTER_POLICY) ?? 0;
    if ((policy & TcPolicy.ALLOW_JOINS) === 0) return "the trust centre policy does not allow joins";
    if (!this.requireInstallCodes) return undefined;
    const key = this.linkKeyFor(ieee.toLowerCase());
    if (!key) return "install codes are required and the trust centre holds no link key for this device";
    if (!installCode) return "install codes are required and the device has none";
    let derived: Buffer;
    try {
      derived = linkKeyFromInstallCode(installCode);
    } catch (err) {
      return `the device's install code is invalid (${(err as Error).message})`;
    }
    if (!derived.equals(key)) return "the device's install-code link key does not match the one the trust centre holds";
    return undefined;
  }

  rememberedAddress(ieee: string): number | undefined {
    return this.tokens.devices.get(ieee.toLowerCase());
  }

  deviceJoined(ieee: string, nwk: number, rejoin: boolean): void {
    if (this.tokens.devices.get(ieee) !== nwk) {
      this.tokens.devices.set(ieee, nwk);
      this.tokens.save();
    }
    this.callback("trustCenterJoinHandler", {
      newNodeId: nwk,
      newNodeEui64: ieee,
      status: rejoin ? DeviceUpdate.STANDARD_SECURITY_SECURED_REJOIN : DeviceUpdate.STANDARD_SECURITY_UNSECURED_JOIN,
      policyDecision: rejoin ? JoinDecision.NO_ACTION : JoinDecision.USE_PRECONFIGURED_KEY,
      parentOfNewNodeId: this.nwk,
    });
    this.#childEvent(ieee, nwk, true);
  }

  deviceLeft(ieee: string, nwk: number, _rejoin: boolean): void {
    this.callback("trustCenterJoinHandler", {
      newNodeId: nwk,
      newNodeEui64: ieee,
      status: DeviceUpdate.DEVICE_LEFT,
      policyDecision: JoinDecision.NO_ACTION,
      parentOfNewNodeId: 0xffff,
    });
    this.#childEvent(ieee, nwk, false);
  }

  /** End devices are the coordinator's children: childJoinHandler when one joins or leaves. */
  #childEvent(ieee: string, nwk: number, joining: boolean): void {
    const caps = this.medium.member(nwk)?.macCapabilities ?? this.#lastCaps.get(ieee);
    if (caps === undefined || caps & 0x02) return; // a router (full-function device) is not a child
    this.#lastCaps.set(ieee, caps);
    const children = [...this.#lastCaps.keys()];
    this.callback("childJoinHandler", {
      index: Math.max(0, children.indexOf(ieee)),
      joining,
      childId: nwk,
      childEui64: ieee,
      childType: caps & 0x08 ? NodeType.END_DEVICE : NodeType.SLEEPY_END_DEVICE,
    });
  }

  /** Next APS counter for an outgoing frame. */
  nextApsSequence(): number {
    this.ram.apsSequence = (this.ram.apsSequence + 1) & 0xff;
    return this.ram.apsSequence;
  }

  /** Stops timers and saves the tokens. */
  close(): void {
    this.link.close();
    this.#sink = undefined;
    this.tokens.save();
  }
}

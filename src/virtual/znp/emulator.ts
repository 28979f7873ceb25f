/**
 * The virtual Z-Stack ZNP: speaks MT over UNPI to one host and acts as coordinator and trust centre on the
 * simulated HAN. Commands are the declarative table of commands.ts; what the coordinator does for each is
 * a responder keyed by (subsystem, command) — sys.ts, af.ts, zdo.ts, util.ts, app-cnf.ts, sapi.ts, put
 * together by index.ts. A command the emulator does not implement is answered as the firmware answers one
 * it does not know (mt.c MT_ProcessIncoming): an SREQ of a subsystem this build lacks gets RPC_Error 1
 * (invalid subsystem), an unknown SREQ of one it has RPC_Error 2 (invalid command id) — except APP_CNF,
 * whose command switch has no default and so sends nothing — and an unknown AREQ nothing.
 */
import { linkKeyFromInstallCode } from "../../hub/install-code.js";
import { type Logger, log } from "../../log.js";
import type { HanMedium } from "../han/medium.js";
import type { ApsFrame, HanMember, TrustCentre } from "../han/types.js";
import {
  type MtCommand,
  RPC_ERROR,
  RpcError,
  SUBSYSTEMS,
  ZDO_LEAVE_IND,
  ZDO_TC_DEV_IND,
  commandKey,
  mtCommand,
} from "./commands.js";
import { MtType, UnpiParser, openFrame, sealFrame, type MtFrame } from "./frame.js";
import { type Layout, LayoutError, type Params, decode, encoderOf } from "./layout.js";
import {
  AddrMgrUser,
  clearUserBits,
  createNetworkTables,
  findDevice,
  recordDevice,
  recordSeededKey,
  recordUniqueKey,
} from "./nv-tables.js";
import { NvId, type ZnpState, ieeeToLe } from "./state.js";

/** Answers an SREQ: returns the SRSP fields, or `undefined` to send no SRSP (as some firmware paths do). */
export type SreqHandler<C extends MtCommand> = (
  req: Params<C["request"]>,
  emu: ZnpEmulator,
  raw: Buffer,
) => Params<C["response"]> | undefined;
/** Handles an AREQ from the host (SYS_RESET_REQ). */
export type AreqHandler<C extends MtCommand> = (req: Params<C["request"]>, emu: ZnpEmulator, raw: Buffer) => void;

export interface Responder {
  readonly command: MtCommand;
  readonly sreq?: SreqHandler<MtCommand>;
  readonly areq?: AreqHandler<MtCommand>;
  /** Turns an older form of the request into the table's layout before decoding. */
  readonly normalise?: (raw: Buffer) => Buffer;
}

export type ResponderTable = ReadonlyMap<number, Responder>;

/** The responder of an SREQ of the table. */
export function onSreq<C extends MtCommand>(
  command: C,
  handler: SreqHandler<C>,
  normalise?: (raw: Buffer) => Buffer,
): Responder {
  if (command.type !== "SREQ") throw new TypeError(`${command.name} is not an SREQ`);
  return { command, sreq: handler as unknown as SreqHandler<MtCommand>, normalise };
}

/** The handler of an AREQ the host sends. */
export function onAreq<C extends MtCommand>(command: C, handler: AreqHandler<C>): Responder {
  if (command.type !== "AREQ") throw new TypeError(`${command.name} is not an AREQ`);
  return { command, areq: handler as unknown as AreqHandler<MtCommand> };
}

/** Responders keyed by (subsystem, command); a command given twice is a mistake in the table. */
export function responderTable(...groups: (readonly Responder[])[]): ResponderTable {
  const out = new Map<number, Responder>();
  for (const r of groups.flat()) {
    if (out.has(r.command.key)) throw new Error(`two responders for ${r.command.name}`);
    out.set(r.command.key, r);
  }
  return out;
}

/** Device states (ZDO_STATE_CHANGE_IND, UTIL_GET_DEVICE_INFO): 0 HOLD … 8 COORD_STARTING, 9 ZB_COORD. */
export const DevState = { HOLD: 0, COORD_STARTING: 8, ZB_COORD: 9 } as const;

export interface ZnpVersionInfo {
  transportRev: number;
  product: number;
  major: number;
  minor: number;
  maint: number;
  revision: number;
}

/** Z-Stack 3.x.0 (product 1) so herdsman runs 16 concurrent transactions; firmware controls the LED. */
export const DEFAULT_VERSION: ZnpVersionInfo = {
  transportRev: 2,
  product: 1,
  major: 2,
  minor: 7,
  maint: 1,
  revision: 20230507,
};

export interface ZnpEmulatorOptions {
  state: ZnpState;
  medium: HanMedium;
  /** Only devices whose install-code key the trust centre was given may join (default false). */
  requireInstallCodes?: boolean;
  version?: ZnpVersionInfo;
  /** Responders added to or replacing the built-in ones (tests, other firmware quirks). */
  extraResponders?: readonly Responder[];
  /** Where frame logs go (default: the "virtual-znp" child of the process logger). */
  logger?: Logger;
}

export interface ZnpCounters {
  framesIn: number;
  framesOut: number;
  rpcErrors: number;
}

/** The TCLK_SEED rotation a device's unique key uses: any of 0..15, fixed per IEEE here. */
function seedShift(ieee: string): number {
  let x = 0;
  for (const b of ieeeToLe(ieee)) x ^= b;
  return x & 0x0f;
}

export class ZnpEmulator implements HanMember, TrustCentre {
  readonly state: ZnpState;
  readonly medium: HanMedium;
  readonly version: ZnpVersionInfo;
  /** The trust centre admits only devices whose install-code key it holds (bdbJoinUsesInstallCodeKey). */
  requireInstallCodes: boolean;
  readonly nwk = 0x0000;
  readonly counters: ZnpCounters = { framesIn: 0, framesOut: 0, rpcErrors: 0 };
  /** MT capability bitmap (SYS_PING): the subsystems that have responders. */
  readonly capabilities: number;
  deviceState: number;
  /** Primary channel mask set by bdbSetChannel (used when forming). */
  primaryChannelMask: number | undefined;
  /** Called when a reset with STARTUP_OPTION clear bits wiped the network (devices must rejoin). */
  onNetworkCleared: () => void = () => {};
  /**
   * The association list (RAM on a real chip): node relation by IEEE of the end devices that joined
   * through the coordinator (CHILD_RFD 1, or CHILD_RFD_RX_IDLE 2 when their receiver stays on).
   */
  readonly children = new Map<string, number>();
  readonly #responders: ResponderTable;
  readonly #subsystems: ReadonlySet<number>;
  readonly #parser: UnpiParser;
  readonly #log: Logger;
  readonly #debug: boolean;
  #sink: ((bytes: Buffer) => void) | undefined;
  #expireTimer: NodeJS.Timeout | undefined;
  /** ZDO TSNs of requests the host sent to devices. */
  #zdoTsn = 0;

  constructor(opts: ZnpEmulatorOptions, responders: ResponderTable) {
    this.state = opts.state;
    this.medium = opts.medium;
    this.version = opts.version ?? DEFAULT_VERSION;
    this.requireInstallCodes = opts.requireInstallCodes ?? false;
    this.#responders = opts.extraResponders?.length
      ? new Map([...responders, ...opts.extraResponders.map((r) => [r.command.key, r] as const)])
      : responders;
    this.#subsystems = new Set([...this.#responders.values()].map((r) => r.command.subsystem));
    let caps = 0;
    for (const s of this.#subsystems) caps |= SUBSYSTEMS[s]?.capability ?? 0;
    this.capabilities = caps;
    this.deviceState = this.formed ? DevState.ZB_COORD : DevState.HOLD;
    this.#parser = new UnpiParser((f) => this.#onFrame(f));
    this.#log = opts.logger ?? log("virtual-znp");
    this.#debug = this.#log.isLevelEnabled("debug");
    // a state file from before the address manager held the devices: give its network the tables, move them in
    if (this.formed) createNetworkTables(opts.state);
    for (const d of opts.state.legacyDevices.splice(0)) recordDevice(opts.state, d.ieee, d.nwk, AddrMgrUser.SECURITY);
    this.medium.setCoordinator(this, this);
  }

  /** The coordinator's IEEE ("0x…"), from NV EXTADDR. */
  get ieee(): string {
    return this.state.coordinatorIeee;
  }

  /** The coordinator's IEEE as stored and sent (8 bytes, little-endian). */
  get ieeeLe(): Buffer {
    return this.state.extAddrLe;
  }

  /** A network has been formed (the NIB exists). */
  get formed(): boolean {
    return this.state.nv.has(NvId.NIB);
  }

  get online(): boolean {
    return this.deviceState === DevState.ZB_COORD;
  }

  get parserStats() {
    return this.#parser.stats;
  }

  // ---- host link ----

  /** Where bytes for the host go (the transport). `undefined` while no host is connected. */
  setSink(sink: ((bytes: Buffer) => void) | undefined): void {
    this.#sink = sink;
    if (!sink) this.#parser.reset();
  }

  /** Bytes from the host (any split of the stream). */
  fromHost(chunk: Buffer): void {
    this.#parser.push(chunk);
    if (this.#parser.pending > 0) {
      clearTimeout(this.#expireTimer);
      this.#expireTimer = setTimeout(() => this.#parser.expire(), 100);
      this.#expireTimer.unref();
    }
  }

  /** Sends an AREQ of the table (a callback) with its fields. */
  callback<C extends MtCommand>(command: C, fields: Params<C["request"]>): void {
    this.#send(MtType.AREQ, command, command.request, fields as Params<Layout>);
  }

  /** Encodes `fields` as `layout` straight into the frame and hands it to the host link. */
  #send(type: number, command: MtCommand, layout: Layout, fields: Params<Layout>): void {
    const sink = this.#sink;
    if (!sink) return;
    this.counters.framesOut += 1;
    const encoder = encoderOf(layout);
    const size = encoder.size(fields);
    const frame = openFrame(type, command.subsystem, command.id, size);
    encoder.into(fields, frame, 4);
    if (this.#debug)
      this.#logFrame("znp out", type, command.subsystem, command.id, frame.subarray(4, 4 + size), command);
    sink(sealFrame(frame));
  }

  /**
   * A debug line per frame: the command's name and payload length, and the payload itself only for
   * commands whose payload cannot carry key material (NV items, install codes and link keys can).
   */
  #logFrame(msg: string, type: number, subsystem: number, id: number, data: Buffer, command?: MtCommand): void {
    const name = command?.name ?? `${SUBSYSTEMS[subsystem]?.name ?? subsystem}:0x${id.toString(16).padStart(2, "0")}`;
    const shown = command && !command.secret ? { data: data.toString("hex") } : {};
    this.#log.debug({ type, command: name, length: data.length, ...shown }, msg);
  }

  #onFrame(f: MtFrame): void {
    this.counters.framesIn += 1;
    const responder = this.#responders.get(commandKey(f.subsystem, f.command));
    if (this.#debug) {
      const known = responder?.command ?? mtCommand(f.subsystem, f.command);
      this.#logFrame("znp in", f.type, f.subsystem, f.command, f.data, known);
    }
    if (f.type === MtType.SREQ) this.#onSreq(f, responder);
    else if (f.type === MtType.AREQ) this.#onAreq(f, responder);
  }

  #onSreq(f: MtFrame, responder: Responder | undefined): void {
    const handler = responder?.sreq;
    if (!responder || !handler) {
      if (!this.#subsystems.has(f.subsystem)) this.#rpcError(RpcError.INVALID_SUBSYSTEM, f);
      else if (SUBSYSTEMS[f.subsystem]?.unknownCommand !== "no-reply") this.#rpcError(RpcError.INVALID_COMMAND, f);
      return;
    }
    const command = responder.command;
    const data = responder.normalise ? responder.normalise(f.data) : f.data;
    let rsp: Params<Layout> | undefined;
    try {
      rsp = handler(decode(command.request, data), this, data);
    } catch (err) {
      this.#log.warn({ command: command.name, length: f.data.length, err: String(err) }, "SREQ rejected");
      this.#rpcError(err instanceof LayoutError ? RpcError.INVALID_LENGTH : RpcError.INVALID_PARAMETER, f);
      return;
    }
    if (rsp) this.#send(MtType.SRSP, command, command.response, rsp);
  }

  #onAreq(f: MtFrame, responder: Responder | undefined): void {
    const handler = responder?.areq;
    if (!responder || !handler) {
      this.#log.warn({ subsystem: f.subsystem, command: f.command }, "unknown AREQ ignored");
      return;
    }
    try {
      handler(decode(responder.command.request, f.data), this, f.data);
    } catch (err) {
      this.#log.warn({ command: responder.command.name, err: String(err) }, "AREQ failed");
    }
  }

  #rpcError(code: number, f: MtFrame): void {
    this.counters.rpcErrors += 1;
    const cmd0 = (f.type << 5) | f.subsystem;
    this.#send(MtType.SRSP, RPC_ERROR, RPC_ERROR.response, { errorCode: code, cmd0, cmd1: f.command });
  }

  // ---- HAN side ----

  /** The handler of APS frames arriving for the coordinator (installed by index.ts: zdo.ts / af.ts). */
  onAps: (frame: ApsFrame) => void = () => {};

  /** The APS link key the coordinator holds for a device (installed by index.ts: link-keys.ts). */
  apsKey: (partner: string) => Buffer | undefined = () => undefined;

  /** An APS frame for the coordinator arrives from the HAN. */
  receive(frame: ApsFrame): void {
    this.onAps(frame);
  }

  nextZdoTsn(): number {
    this.#zdoTsn = (this.#zdoTsn + 1) & 0xff;
    return this.#zdoTsn;
  }

  // ---- trust centre ----

  refuseReason(ieee: string, installCode: Buffer | undefined): string | undefined {
    if (!this.online) return "the coordinator has not formed a network";
    if (!this.requireInstallCodes) return undefined;
    const key = this.state.linkKeys.get(ieee.toLowerCase());
    if (!key) return "install codes are required and none was given to the trust centre for this device";
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
    return findDevice(this.state, ieee)?.nwk;
  }

  /**
   * A device joined (or rejoined) through the trust centre: it goes into the address manager (end devices
   * as children, ASSOC), with its key where a backup finds it: the install-code key the trust centre was
   * given in the APS key data table, else the unique key derived from TCLK_SEED in the TCLK table (both
   * with the SECURITY user bit); a rejoin of a device that has its key keeps it (one ZDO_SET_LINK_KEY
   * installed after key establishment included). Then ZDO_TC_DEV_IND, for a first join.
   */
  deviceJoined(ieee: string, nwk: number, rejoin: boolean, capabilities = 0x8e): void {
    const router = (capabilities & 0x02) !== 0;
    const id = ieee.toLowerCase();
    // a secured rejoin keeps the key the device has (one installed after key establishment included)
    const keyed = rejoin && ((findDevice(this.state, id)?.user ?? 0) & AddrMgrUser.SECURITY) !== 0;
    const entry = recordDevice(this.state, id, nwk, AddrMgrUser.SECURITY | (router ? 0 : AddrMgrUser.ASSOC));
    if (!router) this.children.set(id, capabilities & 0x08 ? 2 : 1);
    const icKey = this.state.linkKeys.get(id);
    if (entry && !keyed) {
      if (icKey) recordUniqueKey(this.state, entry.index, icKey);
      else recordSeededKey(this.state, id, seedShift(id));
    }
    this.state.save();
    if (rejoin) return; // a secured rejoin only announces
    this.callback(ZDO_TC_DEV_IND, { srcNwkAddr: nwk, extAddr: ieeeToLe(id), parentNwkAddr: 0x0000 });
  }

  /**
   * A device left; unless it said it will rejoin, it is no longer a child (the ASSOC bit goes). The trust
   * centre keeps its address manager entry and key, so that it comes back at its address.
   */
  deviceLeft(ieee: string, nwk: number, rejoin: boolean): void {
    if (!rejoin && this.children.delete(ieee.toLowerCase())) {
      clearUserBits(this.state, ieee, AddrMgrUser.ASSOC);
      this.state.save();
    }
    this.callback(ZDO_LEAVE_IND, {
      srcAddr: nwk,
      extAddr: ieeeToLe(ieee),
      request: 0,
      removeChildren: 0,
      rejoin: rejoin ? 1 : 0,
    });
  }

  /** Stops timers; the state is saved as it changes. */
  close(): void {
    clearTimeout(this.#expireTimer);
    this.#sink = undefined;
    this.state.save();
  }
}

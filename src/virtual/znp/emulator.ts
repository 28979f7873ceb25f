/**
 * The virtual Z-Stack ZNP: speaks MT over UNPI to one host (zigbee-herdsman's zstack adapter) and acts as
 * coordinator and trust centre on the simulated HAN. Commands are a table of responders keyed by
 * (subsystem, command id) — see sys.ts, af.ts, zdo.ts and util.ts. An SREQ nobody answers gets the
 * RPC_Error SRSP a real ZNP sends (ErrorCode 1 invalid subsystem, 2 invalid command id, 3 invalid
 * parameter, 4 invalid length; then the request's CMD0, CMD1).
 */
import { linkKeyFromInstallCode } from "../../hub/install-code.js";
import { log } from "../../log.js";
import type { HanMedium } from "../han/medium.js";
import type { ApsFrame, HanMember, TrustCentre } from "../han/types.js";
import { MtType, Subsystem, UnpiParser, encodeFrame, type MtFrame } from "./frame.js";
import { NvId, type ZnpState, ieeeToLe } from "./state.js";

/** SREQ responder: returns the SRSP data (sent with the same subsystem and command id). */
export type SreqHandler = (data: Buffer, emu: ZnpEmulator) => Buffer;
/** AREQ from the host (e.g. SYS resetReq). */
export type AreqHandler = (data: Buffer, emu: ZnpEmulator) => void;

export interface CommandTable {
  sreq: Map<number, SreqHandler>;
  areq: Map<number, AreqHandler>;
}

export const key = (subsystem: number, command: number) => (subsystem << 8) | command;

export const DevState = { HOLD: 0, COORD_STARTING: 8, ZB_COORD: 9 } as const;

export const RpcError = { INVALID_SUBSYSTEM: 1, INVALID_COMMAND: 2, INVALID_PARAMETER: 3, INVALID_LENGTH: 4 } as const;

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
  /** Handlers added or overriding the built-in table (tests, other firmware quirks). */
  extraCommands?: Partial<CommandTable>;
}

export interface ZnpCounters {
  framesIn: number;
  framesOut: number;
  rpcErrors: number;
}

const SUBSYSTEMS = new Set<number>(Object.values(Subsystem));

/** ZDO commands whose data holds a key: setLinkKey, getLinkKey, secAddLinkKey, secEntryLookupExt, extUpdateNwkKey. */
const ZDO_KEY_COMMANDS = new Set([0x23, 0x25, 0x42, 0x43, 0x4e]);

/**
 * What a debug log may show of a frame's data, in either direction: AF and ZDO bytes (APS payloads) in hex;
 * only the length for the other subsystems, whose NV reads and writes and install codes carry key material,
 * and for the ZDO commands that carry keys. The line then goes through the logger's redaction
 * (src/redact.ts) like any other.
 */
function loggable(subsystem: number, command: number, data: Buffer | undefined): string {
  if (!data) return "";
  if (subsystem === Subsystem.AF || (subsystem === Subsystem.ZDO && !ZDO_KEY_COMMANDS.has(command))) {
    return data.toString("hex");
  }
  return `(${data.length} bytes)`;
}

export class ZnpEmulator implements HanMember, TrustCentre {
  readonly state: ZnpState;
  readonly medium: HanMedium;
  readonly version: ZnpVersionInfo;
  requireInstallCodes: boolean;
  readonly ieee: string;
  readonly ieeeLe: Buffer;
  readonly nwk = 0x0000;
  readonly counters: ZnpCounters = { framesIn: 0, framesOut: 0, rpcErrors: 0 };
  deviceState: number;
  /** Primary channel mask set by bdbSetChannel (used when forming). */
  primaryChannelMask: number | undefined;
  /** Called when a reset with STARTUP_OPTION clear bits wiped the network (devices must rejoin). */
  onNetworkCleared: () => void = () => {};
  readonly #table: CommandTable;
  readonly #parser: UnpiParser;
  readonly #log = log("virtual-znp");
  readonly #debug: boolean;
  #sink: ((bytes: Buffer) => void) | undefined;
  #expireTimer: NodeJS.Timeout | undefined;
  /** ZDO TSNs of requests the host sent to devices. */
  #zdoTsn = 0;

  constructor(opts: ZnpEmulatorOptions, table: CommandTable) {
    this.state = opts.state;
    this.medium = opts.medium;
    this.version = opts.version ?? DEFAULT_VERSION;
    this.requireInstallCodes = opts.requireInstallCodes ?? false;
    this.ieee = opts.state.coordinatorIeee;
    this.ieeeLe = ieeeToLe(this.ieee);
    this.#table = {
      sreq: new Map([...table.sreq, ...(opts.extraCommands?.sreq ?? [])]),
      areq: new Map([...table.areq, ...(opts.extraCommands?.areq ?? [])]),
    };
    this.deviceState = this.formed ? DevState.ZB_COORD : DevState.HOLD;
    this.#parser = new UnpiParser((f) => this.#onFrame(f));
    this.#debug = this.#log.isLevelEnabled("debug");
    this.medium.setCoordinator(this, this);
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

  /** Sends one frame to the host. */
  send(type: number, subsystem: number, command: number, data?: Buffer): void {
    const sink = this.#sink;
    if (!sink) return;
    this.counters.framesOut += 1;
    if (this.#debug) this.#log.debug({ type, subsystem, command, data: loggable(subsystem, command, data) }, "znp out");
    sink(encodeFrame(type, subsystem, command, data));
  }

  /** Sends an AREQ (callback) to the host. */
  areq(subsystem: number, command: number, data?: Buffer): void {
    this.send(MtType.AREQ, subsystem, command, data);
  }

  #onFrame(f: MtFrame): void {
    this.counters.framesIn += 1;
    if (this.#debug)
      this.#log.debug(
        { type: f.type, subsystem: f.subsystem, command: f.command, data: loggable(f.subsystem, f.command, f.data) },
        "znp in",
      );
    const k = key(f.subsystem, f.command);
    if (f.type === MtType.SREQ) {
      const handler = this.#table.sreq.get(k);
      if (!handler) {
        this.#rpcError(SUBSYSTEMS.has(f.subsystem) ? RpcError.INVALID_COMMAND : RpcError.INVALID_SUBSYSTEM, f);
        return;
      }
      let rsp: Buffer;
      try {
        rsp = handler(f.data, this);
      } catch (err) {
        const short = (err as NodeJS.ErrnoException).code === "ERR_OUT_OF_RANGE" || err instanceof RangeError;
        this.#log.warn({ subsystem: f.subsystem, command: f.command, err: String(err) }, "SREQ rejected");
        this.#rpcError(short ? RpcError.INVALID_LENGTH : RpcError.INVALID_PARAMETER, f);
        return;
      }
      this.send(MtType.SRSP, f.subsystem, f.command, rsp);
      return;
    }
    if (f.type === MtType.AREQ) {
      const handler = this.#table.areq.get(k);
      if (!handler) {
        this.#log.warn({ subsystem: f.subsystem, command: f.command }, "unknown AREQ ignored");
        return;
      }
      try {
        handler(f.data, this);
      } catch (err) {
        this.#log.warn({ subsystem: f.subsystem, command: f.command, err: String(err) }, "AREQ failed");
      }
    }
  }

  #rpcError(code: number, f: MtFrame): void {
    this.counters.rpcErrors += 1;
    const cmd0 = (f.type << 5) | f.subsystem;
    this.send(MtType.SRSP, Subsystem.RPC_ERROR, 0x00, Buffer.from([code, cmd0, f.command]));
  }

  // ---- HAN side ----

  /** The handler of APS frames arriving for the coordinator (installed by index.ts: zdo.ts / af.ts). */
  onAps: (frame: ApsFrame) => void = () => {};

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
    return this.state.devices.get(ieee.toLowerCase());
  }

  deviceJoined(ieee: string, nwk: number, rejoin: boolean): void {
    if (this.state.devices.get(ieee) !== nwk) {
      this.state.devices.set(ieee, nwk);
      this.state.save();
    }
    if (rejoin) return; // a secured rejoin only announces
    const d = Buffer.alloc(12);
    d.writeUInt16LE(nwk, 0);
    ieeeToLe(ieee).copy(d, 2);
    d.writeUInt16LE(0x0000, 10);
    this.areq(Subsystem.ZDO, 0xca, d); // tcDeviceInd
  }

  deviceLeft(ieee: string, nwk: number, rejoin: boolean): void {
    const d = Buffer.alloc(13);
    d.writeUInt16LE(nwk, 0);
    ieeeToLe(ieee).copy(d, 2);
    d.writeUInt8(0, 10); // request
    d.writeUInt8(0, 11); // remove children
    d.writeUInt8(rejoin ? 1 : 0, 12);
    this.areq(Subsystem.ZDO, 0xc9, d); // leaveInd
  }

  /** Stops timers; the state is saved as it changes. */
  close(): void {
    clearTimeout(this.#expireTimer);
    this.#sink = undefined;
    this.state.save();
  }
}

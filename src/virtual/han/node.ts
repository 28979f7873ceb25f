/**
 * A generic emulated Zigbee node on the simulated HAN. It joins through the trust centre, announces
 * itself, answers the ZDO requests of an interview (Node/Active_EP/Simple_Desc, NWK/IEEE address,
 * Match_Desc, Mgmt_Leave …), serves ZCL with the generic server (zcl-server.ts: Read Attributes from its
 * attribute store, attribute-store.ts, with Basic filled from `basic`; On/Off and Identify), and can itself
 * send ZDO and ZCL requests to any node on the medium (including other devices: an IHD reading an ESME),
 * matching each reply to its request (correlator.ts).
 *
 * Smart Energy devices extend it: override `handleZcl` for server-side frames (call `super.handleZcl`
 * for what the generic node already does), use `zclRequest` to read a meter, and `clock` for behaviour
 * timing. Network timeouts (`timeoutMs`) are real milliseconds.
 */
import type { Clock } from "../../hub/clock.js";
import { log } from "../../log.js";
import type { HanMedium } from "./medium.js";
import { eui64ToLe, hex } from "../../hex.js";
import type { ApsFrame, HanMember, SimpleDescriptor } from "./types.js";
import { BROADCAST_RX_ON, isBroadcast } from "./types.js";
import {
  attributeByName,
  ClusterId,
  DataType,
  decodeZclHeader,
  HA_PROFILE_ID,
  Status,
  type ZclHeader,
} from "../../zcl/index.js";
import { AttributeStore } from "./attribute-store.js";
import { RequestCorrelator, zclReplyKey, zdoReplyKey } from "./correlator.js";
import { type Attribute, type AttrValue, defaultRsp } from "./zcl-lite.js";
import { IDENTIFY_TIME, ON_OFF, serveZcl } from "./zcl-server.js";
import { LogicalType, ZdoCluster, ZdoStatus, deviceAnnce } from "./zdo.js";
import { answerZdo } from "./node-zdo.js";

export interface BasicInfo {
  zclVersion?: number;
  appVersion?: number;
  stackVersion?: number;
  hwVersion?: number;
  manufacturerName?: string;
  modelId?: string;
  dateCode?: string;
  /** 1 mains, 3 battery … (ZCL Basic PowerSource). */
  powerSource?: number;
  physicalEnvironment?: number;
  swBuildId?: string;
}

export interface EmulatedNodeOptions {
  /** "0x" + 16 hex digits. */
  ieee: string;
  /** Install code followed by its CRC (what the trust centre derives the link key from). */
  installCode?: Buffer;
  endpoints: SimpleDescriptor[];
  basic?: BasicInfo;
  /** Hub time, for device behaviour (not for network timeouts). */
  clock: Clock;
  medium: HanMedium;
  /** Human label (CLI output, logs). Defaults to the IEEE. */
  label?: string;
  /** "router" (mains, default) or "endDevice". */
  role?: "router" | "endDevice";
  manufacturerCode?: number;
  /** Join by itself whenever a permit-join window opens (a device put in pairing mode). */
  autoJoin?: boolean;
}

export interface ZclRequestOptions {
  srcEp?: number;
  profileId?: number;
  /** APS security for this frame (default: as `securesTo` decides). */
  apsSecurity?: boolean;
  /** Real ms to wait for the response (default 10 000). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** ZCL global Default Response. */
const DEFAULT_RSP = 0x0b;

export class EmulatedNode implements HanMember {
  readonly ieee: string;
  readonly label: string;
  readonly installCode: Buffer | undefined;
  readonly endpoints: readonly SimpleDescriptor[];
  readonly clock: Clock;
  readonly medium: HanMedium;
  readonly logicalType: number;
  readonly macCapabilities: number;
  readonly manufacturerCode: number;
  protected readonly log = log("virtual-node");
  readonly #ieeeLe: Buffer;
  readonly #endpointIds: Set<number>;
  readonly #store = new AttributeStore();
  readonly #requests = new RequestCorrelator();
  /** APS link keys by partner EUI-64 (key material: never logged). */
  readonly #apsKeys = new Map<string, Buffer>();
  #nwk: number | undefined;
  #joined = false;
  #powered = true;
  #tsn = 0;
  #zdoTsn = 0;
  #stopAutoJoin: (() => void) | undefined;
  #disposed = false;

  constructor(opts: EmulatedNodeOptions) {
    if (!/^0x[0-9a-f]{16}$/i.test(opts.ieee))
      throw new Error(`node IEEE must be "0x" + 16 hex digits, got '${opts.ieee}'`);
    this.ieee = opts.ieee.toLowerCase();
    this.label = opts.label ?? this.ieee;
    this.installCode = opts.installCode;
    this.endpoints = opts.endpoints;
    this.clock = opts.clock;
    this.medium = opts.medium;
    const router = (opts.role ?? "router") === "router";
    this.logicalType = router ? LogicalType.ROUTER : LogicalType.END_DEVICE;
    this.macCapabilities = router ? 0x8e : 0x80;
    this.manufacturerCode = opts.manufacturerCode ?? 0x1234;
    this.#ieeeLe = eui64ToLe(this.ieee);
    this.#endpointIds = new Set(opts.endpoints.map((e) => e.endpoint));
    for (const sd of opts.endpoints) {
      if (sd.inClusters.includes(ClusterId.basic)) this.#fillBasic(sd.endpoint, opts.basic ?? {});
    }
    for (const sd of opts.endpoints) {
      if (sd.inClusters.includes(ClusterId.onOff))
        this.setAttribute(sd.endpoint, ClusterId.onOff, ON_OFF, DataType.BOOLEAN, false);
      if (sd.inClusters.includes(ClusterId.identify))
        this.setAttribute(sd.endpoint, ClusterId.identify, IDENTIFY_TIME, DataType.UINT16, 0);
    }
    this.medium.attach(this);
    if (opts.autoJoin) {
      // joins after the coordinator has answered the permit-join request (association takes a moment)
      this.#stopAutoJoin = this.medium.onPermitJoin((open: boolean) => {
        if (!open) return;
        setImmediate(() => {
          if (this.#disposed || this.#joined || !this.#powered || !this.medium.joinPermitted) return;
          this.join().catch((err) => this.log.warn({ err: String(err) }, "auto-join failed"));
        });
      });
    }
  }

  get nwk(): number | undefined {
    return this.#nwk;
  }
  get online(): boolean {
    return this.#joined && this.#powered;
  }
  get joined(): boolean {
    return this.#joined;
  }
  get powered(): boolean {
    return this.#powered;
  }

  // ---- attributes ----

  setAttribute(ep: number, cluster: number, attrId: number, type: number, value: AttrValue): void {
    this.#store.set(ep, cluster, attrId, type, value);
  }

  getAttribute(ep: number, cluster: number, attrId: number): Attribute | undefined {
    return this.#store.get(ep, cluster, attrId);
  }

  #fillBasic(ep: number, b: BasicInfo): void {
    // by src/zcl's Basic attribute names, with their ids and types
    const set = (name: string, v: AttrValue | undefined) => {
      const def = attributeByName(ClusterId.basic, name)!;
      if (v !== undefined) this.setAttribute(ep, ClusterId.basic, def.id, def.type, v);
    };
    set("zclVersion", b.zclVersion ?? 8);
    set("appVersion", b.appVersion ?? 1);
    set("stackVersion", b.stackVersion ?? 2);
    set("hwVersion", b.hwVersion ?? 1);
    set("manufacturerName", b.manufacturerName ?? "hanbench");
    set("modelId", b.modelId ?? "virtual-node");
    set("dateCode", b.dateCode);
    set("powerSource", b.powerSource ?? (this.logicalType === LogicalType.ROUTER ? 1 : 3));
    set("physicalEnv", b.physicalEnvironment);
    set("swBuildId", b.swBuildId);
  }

  // ---- network membership ----

  /** Joins through the trust centre and announces. Rejects with a clear error when refused. */
  async join(): Promise<void> {
    if (this.online) return;
    if (!this.#powered) throw new Error(`${this.label} is powered off`);
    const nwk = this.medium.admit(this, this.installCode);
    this.#nwk = nwk;
    this.#joined = true;
    this.medium.joined(this, nwk, false);
    this.#announce();
  }

  /** Comes up already in the network at `nwk` (a device that stayed joined while the dongle restarted). */
  restore(nwk: number): void {
    this.#nwk = nwk;
    this.#joined = true;
    this.medium.attach(this);
  }

  /** The network it knew is gone (the coordinator was reset): not joined any more, no leave sent. */
  forget(): void {
    if (this.#nwk !== undefined) this.medium.detach(this);
    this.#joined = false;
    this.#nwk = undefined;
    this.medium.attach(this);
    this.#requests.failAll(new Error(`${this.label} lost its network`));
  }

  /** Leaves the network (no rejoin): the coordinator reports a leave. */
  async leave(): Promise<void> {
    this.#leave(false);
  }

  #leave(rejoin: boolean): void {
    if (!this.#joined || this.#nwk === undefined) return;
    const nwk = this.#nwk;
    this.#joined = false;
    this.medium.left(this, nwk, rejoin);
    this.#nwk = rejoin ? nwk : undefined;
    this.#requests.failAll(new Error(`${this.label} left the network`));
  }

  /**
   * Leaves the network with the rejoin flag and joins it again at once at its address (a trust-centre rejoin
   * with the keys it holds): the coordinator sees a leave with rejoin, then the device's announce.
   */
  async rejoin(): Promise<void> {
    if (!this.online) throw new Error(`${this.label} is not in the network`);
    this.#leave(true);
    this.#rejoinAt();
  }

  /** Power cut: silent, frames to it are lost. */
  powerOff(): void {
    this.#powered = false;
    this.#requests.failAll(new Error(`${this.label} was powered off`));
  }

  /** Power back: rejoins with its address (if it was joined) and announces. */
  async powerOn(): Promise<void> {
    this.#powered = true;
    if (this.#joined && this.#nwk !== undefined) this.#rejoinAt();
  }

  /** Rejoins (with its keys) at the address the medium gives it back, else its own, and announces. */
  #rejoinAt(): void {
    const nwk = this.medium.rejoinAddress(this) ?? this.#nwk!;
    this.#nwk = nwk;
    this.#joined = true;
    this.medium.joined(this, nwk, true);
    this.#announce();
  }

  /** Stops listening for permit-join windows and detaches from the medium. */
  dispose(): void {
    this.#disposed = true;
    this.#stopAutoJoin?.();
    this.#requests.failAll(new Error(`${this.label} was removed`));
    this.medium.detach(this);
  }

  #announce(): void {
    const body = deviceAnnce(this.#nwk!, this.#ieeeLe, this.macCapabilities);
    this.#sendZdoFrame(BROADCAST_RX_ON, ZdoCluster.DEVICE_ANNCE, this.#nextZdoTsn(), body);
  }

  // ---- sending ----

  nextTsn(): number {
    this.#tsn = (this.#tsn + 1) & 0xff;
    return this.#tsn;
  }

  #nextZdoTsn(): number {
    this.#zdoTsn = (this.#zdoTsn + 1) & 0xff;
    return this.#zdoTsn;
  }

  #sendZdoFrame(dstNwk: number, clusterId: number, tsn: number, body: Buffer): void {
    const payload = Buffer.allocUnsafe(body.length + 1);
    payload[0] = tsn;
    body.copy(payload, 1);
    this.medium.send({ srcNwk: this.#nwk!, srcEp: 0, dstNwk, dstEp: 0, profileId: 0, clusterId, payload });
  }

  /** Sends a ZDO request (body without TSN) and resolves with the response body (without TSN). */
  zdoRequest(dstNwk: number, clusterId: number, body: Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
    if (!this.online) return Promise.reject(new Error(`${this.label} is not in the network`));
    const tsn = this.#nextZdoTsn();
    const key = zdoReplyKey(dstNwk, clusterId | 0x8000, tsn);
    const p = this.#requests.expect(key, timeoutMs, `ZDO ${hex(clusterId)} to ${hex(dstNwk)}`, this.label);
    this.#sendZdoFrame(dstNwk, clusterId, tsn, body);
    return p;
  }

  /** Fire-and-forget ZCL frame. */
  sendZcl(dst: { nwk: number; ep: number }, clusterId: number, frame: Buffer, opts: ZclRequestOptions = {}): void {
    if (!this.online) return;
    const profileId = opts.profileId ?? this.endpoints[0]?.profileId ?? HA_PROFILE_ID;
    const security = opts.apsSecurity ?? this.securesTo(dst.nwk, profileId, clusterId);
    this.medium.send({
      srcNwk: this.#nwk!,
      srcEp: opts.srcEp ?? this.endpoints[0]?.endpoint ?? 1,
      dstNwk: dst.nwk,
      dstEp: dst.ep,
      profileId,
      clusterId,
      payload: frame,
      ...(security ? { security } : {}),
    });
  }

  /** Sends an APS command frame (Request Key) to `dstNwk`. */
  sendApsCommand(dstNwk: number, command: NonNullable<ApsFrame["apsCommand"]>): void {
    if (!this.online) return;
    this.medium.sendApsCommand(this.#nwk!, dstNwk, command);
  }

  // ---- APS security ----

  /** The APS link key this node holds for `partner` (its EUI-64), if any. */
  apsKey(partner: string): Buffer | undefined {
    return this.#apsKeys.get(partner.toLowerCase());
  }

  /** Installs (or with `undefined` removes) the APS link key for `partner`. */
  setApsKey(partner: string, key: Buffer | undefined): void {
    if (key) this.#apsKeys.set(partner.toLowerCase(), Buffer.from(key));
    else this.#apsKeys.delete(partner.toLowerCase());
  }

  /** Whether a frame this node sends to `nwk` goes APS-secured. The generic node never secures. */
  protected securesTo(_nwk: number, _profileId: number, _clusterId: number): boolean {
    return false;
  }

  /**
   * Whether this node refuses a frame that came without APS security (it answers a Default Response FAILURE
   * instead of handling it, as Smart Energy devices do). The generic node accepts everything.
   */
  protected refusesUnsecured(_frame: ApsFrame): boolean {
    return false;
  }

  /** An APS command frame for this node: a Transport Key of an application link key is installed. */
  protected onApsCommand(frame: ApsFrame): void {
    const cmd = frame.apsCommand;
    if (cmd?.id === "transportKey" && frame.srcNwk === 0x0000) this.setApsKey(cmd.partner, cmd.key);
  }

  /**
   * Sends a ZCL request and resolves with the response frame: the first frame from `dst` on this cluster
   * with the request's TSN and the opposite direction (a read response, a default response or a cluster
   * response).
   */
  zclRequest(
    dst: { nwk: number; ep: number },
    clusterId: number,
    frame: Buffer,
    opts: ZclRequestOptions = {},
  ): Promise<Buffer> {
    if (!this.online) return Promise.reject(new Error(`${this.label} is not in the network`));
    const h = decodeZclHeader(frame);
    if (!h) throw new RangeError(`ZCL frame of ${frame.length} bytes is shorter than its header`);
    // the answer travels the other way
    const reply = h.direction === "serverToClient" ? "clientToServer" : "serverToClient";
    const p = this.#requests.expect(
      zclReplyKey(dst.nwk, dst.ep, clusterId, h.tsn, reply),
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      `ZCL cluster ${hex(clusterId)} tsn ${h.tsn} to ${hex(dst.nwk)}/${dst.ep}`,
      this.label,
    );
    this.sendZcl(dst, clusterId, frame, opts);
    return p;
  }

  // ---- receiving ----

  receive(frame: ApsFrame): void {
    if (!this.online) return;
    if (frame.apsCommand) {
      this.onApsCommand(frame);
      return;
    }
    if (frame.dstEp === 0 && frame.profileId === 0) {
      this.#onZdo(frame);
      return;
    }
    // APS drops frames for an endpoint the node does not have (0xFF is the broadcast endpoint)
    if (frame.dstEp !== 0xff && !this.#endpointIds.has(frame.dstEp)) return;
    const h = decodeZclHeader(frame.payload);
    if (!h) return; // not ZCL: a real stack drops it
    if (!frame.security && this.refusesUnsecured(frame)) {
      // answered unsecured, as Silicon Labs' framework answers such a frame: FAILURE, never to a Default Response
      if (!(h.frameType === "global" && h.commandId === DEFAULT_RSP)) {
        this.#reply(frame, defaultRsp(h, Status.FAILURE), false);
      }
      return;
    }
    if (this.#requests.waiting) {
      const key = zclReplyKey(frame.srcNwk, frame.srcEp, frame.clusterId, h.tsn, h.direction);
      if (this.#requests.settle(key, frame.payload)) return;
    }
    let reply: Buffer | undefined | Promise<Buffer | undefined>;
    try {
      reply = this.handleZcl(frame, h);
    } catch (err) {
      this.log.warn({ err: String(err) }, "handleZcl threw");
      return;
    }
    if (reply instanceof Promise) {
      reply.then(
        (r) => this.#reply(frame, r),
        (err) => this.log.warn({ err: String(err) }, "handleZcl rejected"),
      );
    } else this.#reply(frame, reply);
  }

  #reply(req: ApsFrame, payload: Buffer | undefined, secure?: boolean): void {
    if (!payload || !this.online || isBroadcast(req.dstNwk)) return;
    const security = secure ?? this.securesTo(req.srcNwk, req.profileId, req.clusterId);
    const srcNwk = this.#nwk!;
    const { srcEp: dstEp, dstEp: srcEp, srcNwk: dstNwk, profileId, clusterId } = req;
    // two literals rather than a spread: one shape each, built directly (as the coordinator's, af.ts)
    this.medium.send(
      security
        ? { srcNwk, srcEp, dstNwk, dstEp, profileId, clusterId, payload, security }
        : { srcNwk, srcEp, dstNwk, dstEp, profileId, clusterId, payload },
    );
  }

  /**
   * Server-side handling of a ZCL frame addressed to this node (`h` its header). Returns the reply frame, or
   * undefined for none. The generic node answers with its ZCL server (zcl-server.ts: Read Attributes from
   * its store, Configure Reporting, On/Off, Identify, else an "unsupported" Default Response).
   */
  protected handleZcl(frame: ApsFrame, h: ZclHeader): Buffer | undefined | Promise<Buffer | undefined> {
    return serveZcl(this.#store, frame, h);
  }

  #onZdo(frame: ApsFrame): void {
    const p = frame.payload;
    if (p.length < 1) return;
    const tsn = p[0]!;
    const body = p.subarray(1);
    const cluster = frame.clusterId;
    if (cluster & 0x8000) {
      if (this.#requests.waiting) this.#requests.settle(zdoReplyKey(frame.srcNwk, cluster, tsn), Buffer.from(body));
      return;
    }
    const rsp = this.zdoAnswer(cluster, body, isBroadcast(frame.dstNwk));
    if (rsp) this.#sendZdoFrame(frame.srcNwk, cluster | 0x8000, tsn, rsp);
    if (cluster === ZdoCluster.MGMT_LEAVE_REQ && rsp && rsp[0] === ZdoStatus.SUCCESS) {
      const flags = body.length >= 9 ? body[8]! : 0;
      setImmediate(() => this.#leave((flags & 0x80) !== 0));
    }
  }

  /** The body answering a ZDO request, or undefined for no answer (e.g. a broadcast not about us). */
  protected zdoAnswer(cluster: number, body: Buffer, broadcast: boolean): Buffer | undefined {
    return answerZdo(
      {
        nwk: this.#nwk!,
        ieeeLe: this.#ieeeLe,
        node: {
          logicalType: this.logicalType,
          macCapabilities: this.macCapabilities,
          manufacturerCode: this.manufacturerCode,
        },
        endpoints: this.endpoints,
      },
      cluster,
      body,
      broadcast,
    );
  }
}

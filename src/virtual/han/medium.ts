/**
 * The simulated HAN: carries APS frames between members with a configurable latency and a seeded loss
 * rate, gates joins through the trust centre during permit-join windows, and lets listeners tap every
 * frame it carried (delivered or not). The coordinator is one member among others, so device-to-device
 * traffic (an IHD reading an ESME) goes through the same path. APS security: a frame the sender secured
 * reaches the receiver only when both hold the same link key for each other (`HanMember.apsKey`); otherwise
 * the receiver's APS layer drops it (tap reason `security`).
 *
 * Timing here is network timing, in real milliseconds (herdsman's permit-join seconds are real seconds).
 */
import { randomBytes } from "node:crypto";
import { Rng } from "./rng.js";
import {
  type ApsCommand,
  type ApsFrame,
  type HanMember,
  type TapRecord,
  type TrustCentre,
  isBroadcast,
} from "./types.js";

export interface MediumOptions {
  /** One-way delivery latency in ms (default 0: as soon as the sender's current work is done). */
  latencyMs?: number;
  /** Extra random latency, uniform in [0, jitterMs] (seeded). */
  jitterMs?: number;
  /** Probability in [0, 1] that a unicast or broadcast frame is lost (seeded). */
  lossRate?: number;
  /** Seed of the loss, jitter and address streams (default 1). */
  seed?: number;
}

/**
 * A settled promise: `.then(run)` queues `run` as a microtask, in the same queue and order as `queueMicrotask`,
 * without the async resource Node's `queueMicrotask` creates and enters for each call.
 */
const RESOLVED = Promise.resolve();

export type TapListener = (record: TapRecord) => void;
export type DeliveryResult = (delivered: boolean) => void;

export class HanMedium {
  latencyMs: number;
  jitterMs: number;
  lossRate: number;
  readonly #rng: Rng;
  readonly #members = new Set<HanMember>();
  readonly #byNwk = new Map<number, HanMember>();
  readonly #taps = new Set<TapListener>();
  readonly #permitListeners = new Set<(open: boolean) => void>();
  #tc: TrustCentre | undefined;
  #permitUntil = 0;
  #permitTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /**
   * Frames waiting for their microtask, three entries each (the frame, whether it is lost, its result
   * callback), in the order they were sent: each send queues one microtask and microtasks run in that order,
   * so the n-th `#deliverNext` delivers the n-th frame. One method for every frame, no closure per send.
   */
  readonly #pending: (ApsFrame | boolean | DeliveryResult | undefined)[] = [];
  #head = 0;
  readonly #deliverNext = (): void => {
    const q = this.#pending;
    const i = this.#head;
    const frame = q[i] as ApsFrame;
    const lost = q[i + 1] as boolean;
    const onResult = q[i + 2] as DeliveryResult | undefined;
    if (i + 3 === q.length) {
      q.length = 0;
      this.#head = 0;
    } else {
      q[i] = q[i + 2] = undefined;
      this.#head = i + 3;
    }
    this.#deliver(frame, lost, onResult);
  };

  constructor(opts: MediumOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.jitterMs = opts.jitterMs ?? 0;
    this.lossRate = opts.lossRate ?? 0;
    this.#rng = new Rng(opts.seed ?? 1);
  }

  /** The coordinator: member at nwk 0x0000 and trust centre. */
  setCoordinator(member: HanMember, tc: TrustCentre): void {
    this.#tc = tc;
    this.attach(member);
    this.#byNwk.set(0x0000, member);
  }

  attach(member: HanMember): void {
    this.#members.add(member);
    if (member.nwk !== undefined) this.#byNwk.set(member.nwk, member);
  }

  detach(member: HanMember): void {
    this.#members.delete(member);
    if (member.nwk !== undefined && this.#byNwk.get(member.nwk) === member) this.#byNwk.delete(member.nwk);
  }

  /** The member with this network address, if any. */
  member(nwk: number): HanMember | undefined {
    return this.#byNwk.get(nwk);
  }

  get members(): readonly HanMember[] {
    return [...this.#members];
  }

  /** Sees every frame carried from now on. Returns a function that removes the listener. */
  onFrame(listener: TapListener): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  // ---- permit join ----

  /** Opens (seconds > 0) or closes (0) the network for joining, like Mgmt_Permit_Join. */
  permitJoin(seconds: number): void {
    clearTimeout(this.#permitTimer);
    this.#permitTimer = undefined;
    this.#permitUntil = seconds > 0 ? Date.now() + seconds * 1000 : 0;
    if (seconds > 0 && seconds < 255) {
      this.#permitTimer = setTimeout(() => this.permitJoin(0), seconds * 1000);
      this.#permitTimer.unref();
    }
    if (seconds >= 255) this.#permitUntil = Number.POSITIVE_INFINITY;
    for (const l of this.#permitListeners) l(seconds > 0);
  }

  get joinPermitted(): boolean {
    return Date.now() < this.#permitUntil;
  }

  /** Called whenever a permit-join window opens or closes. Returns a remover. */
  onPermitJoin(listener: (open: boolean) => void): () => void {
    this.#permitListeners.add(listener);
    return () => this.#permitListeners.delete(listener);
  }

  // ---- membership ----

  /**
   * Association + trust-centre admission of `member`. Resolves with its network address; rejects with
   * a clear error when no window is open, no network is formed or the trust centre refuses.
   */
  admit(member: HanMember, installCode: Buffer | undefined): number {
    const tc = this.#tc;
    if (!tc) throw new Error(`${member.ieee} cannot join: no coordinator on the medium`);
    if (!this.joinPermitted) throw new Error(`${member.ieee} cannot join: the network is not permitting joins`);
    const reason = tc.refuseReason(member.ieee, installCode);
    if (reason) throw new Error(`trust centre refused ${member.ieee}: ${reason}`);
    return this.#address(member, tc);
  }

  /** Records `member` as online at `nwk` and tells the trust centre (join or rejoin). */
  joined(member: HanMember, nwk: number, rejoin: boolean): void {
    this.#members.add(member);
    this.#byNwk.set(nwk, member);
    this.#tc?.deviceJoined(member.ieee, nwk, rejoin, member.macCapabilities);
  }

  /** A member left the network. */
  left(member: HanMember, nwk: number, rejoin: boolean): void {
    if (this.#byNwk.get(nwk) === member) this.#byNwk.delete(nwk);
    this.#tc?.deviceLeft(member.ieee, nwk, rejoin);
  }

  /** A rejoin (after power-on) keeps the address; the trust centre may still refuse an unknown device. */
  rejoinAddress(member: HanMember): number | undefined {
    return this.#tc?.rememberedAddress(member.ieee) ?? member.nwk;
  }

  #address(member: HanMember, tc: TrustCentre): number {
    const known = tc.rememberedAddress(member.ieee);
    if (known !== undefined) {
      const holder = this.#byNwk.get(known);
      if (!holder || holder === member) return known;
    }
    for (;;) {
      const nwk = this.#rng.int(0x0001, 0xfff7);
      if (!this.#byNwk.has(nwk)) return nwk;
    }
  }

  // ---- delivery ----

  /**
   * Carries `frame` from its source to its destination (or every other online member for a broadcast).
   * `onResult` learns whether a unicast was delivered (the APS acknowledgement), before the receiver
   * handles the frame.
   */
  send(frame: ApsFrame, onResult?: DeliveryResult): void {
    if (this.#closed) return;
    let delay = this.latencyMs;
    if (this.jitterMs > 0) delay += this.#rng.next() * this.jitterMs;
    const lost = this.lossRate > 0 && this.#rng.next() < this.lossRate;
    if (delay > 0) setTimeout(() => this.#deliver(frame, lost, onResult), delay);
    else {
      this.#pending.push(frame, lost, onResult);
      void RESOLVED.then(this.#deliverNext);
    }
  }

  /** An APS command frame (Request Key, Transport Key): endpoint 0, no profile, cluster or payload of its own. */
  sendApsCommand(srcNwk: number, dstNwk: number, command: ApsCommand): void {
    this.send({
      srcNwk,
      srcEp: 0,
      dstNwk,
      dstEp: 0,
      profileId: 0,
      clusterId: 0,
      payload: Buffer.alloc(0),
      apsCommand: command,
    });
  }

  /**
   * A trust centre at `tcNwk` answering a Request Key for an application link key: one fresh key, sent with
   * Transport Key (key type 3) to the requester (as initiator) and to its partner.
   */
  sendApplicationLinkKey(
    tcNwk: number,
    requester: { nwk: number; ieee: string },
    partner: { nwk: number; ieee: string },
  ): void {
    const key = randomBytes(16);
    const transport = (dst: number, other: string, initiator: boolean) =>
      this.sendApsCommand(tcNwk, dst, { id: "transportKey", keyType: 0x03, partner: other, key, initiator });
    transport(requester.nwk, partner.ieee, true);
    transport(partner.nwk, requester.ieee, false);
  }

  #deliver(frame: ApsFrame, lost: boolean, onResult: DeliveryResult | undefined): void {
    if (this.#closed) return;
    if (isBroadcast(frame.dstNwk)) {
      this.#tap(frame, !lost, lost ? "loss" : undefined);
      onResult?.(!lost);
      if (lost) return;
      for (const m of this.#members) {
        if (m.online && m.nwk !== frame.srcNwk && m.nwk !== undefined) m.receive(frame);
      }
      return;
    }
    const dst = this.#byNwk.get(frame.dstNwk);
    const reason = !dst ? "unknown-destination" : !dst.online ? "offline" : lost ? "loss" : undefined;
    if (reason === undefined && frame.security && !this.#sameKey(frame, dst!)) {
      // the radio delivered it (acknowledged); the receiver's APS layer cannot decrypt it
      this.#tap(frame, false, "security");
      onResult?.(true);
      return;
    }
    this.#tap(frame, reason === undefined, reason);
    onResult?.(reason === undefined);
    if (reason === undefined) dst!.receive(frame);
  }

  /** Whether the receiver holds the key the sender secured `frame` with. */
  #sameKey(frame: ApsFrame, dst: HanMember): boolean {
    const src = this.#byNwk.get(frame.srcNwk);
    const sent = src?.apsKey?.(dst.ieee);
    const held = dst.apsKey?.(src?.ieee ?? "");
    return sent !== undefined && held !== undefined && sent.equals(held);
  }

  #tap(frame: ApsFrame, delivered: boolean, reason: TapRecord["reason"]): void {
    if (this.#taps.size === 0) return;
    const record: TapRecord = { frame, delivered, atMs: Date.now() };
    if (reason) record.reason = reason;
    for (const l of this.#taps) l(record);
  }

  /** Stops every delivery and timer. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#permitTimer);
    this.#taps.clear();
    this.#permitListeners.clear();
  }
}

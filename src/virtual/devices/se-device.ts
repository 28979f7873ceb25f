/**
 * An emulated IHD or PPMID on the simulated HAN: an EmulatedNode (join with its install code, answer ZDO
 * and Basic) whose behaviour is an SeClient (se-client.ts) talking ZCL to the ESME and the GPF.
 */
import type { Holdings } from "../../evidence/events.js";
import { EmulatedNode, type EmulatedNodeOptions } from "../han/node.js";
import type { ApsFrame } from "../han/types.js";
import { isBroadcast } from "../han/types.js";
import type { SeLink, ZdoAnswer } from "./link.js";
import { behaviourOf, type ProfileName, type SeDeviceKind } from "./profiles.js";
import { ClusterId, SE_PROFILE_ID, type ZclHeader } from "../../zcl/index.js";
import { SeClient } from "./se-client.js";
import type { KeCredentials } from "../../crypto/pki.js";
import { DeviceSecurity } from "./security.js";

/** SE device ids (ZSE device descriptions). */
export const SeDeviceId = { ihd: 0x0503, ppmid: 0x0507, meter: 0x0502 } as const;

/** The endpoint of an emulated display. */
export const DISPLAY_ENDPOINT = 1;

export interface SeDeviceOptions extends Omit<EmulatedNodeOptions, "endpoints"> {
  kind: SeDeviceKind;
  profile: ProfileName;
  /** Tenancy poll interval in hub ms (default 30 min). */
  pollIntervalMs?: number;
  /** Hub ms from start to the first scheduled poll (default one interval). */
  firstPollDelayMs?: number;
  /** Hub ms between reads of the displayed values (default: every poll). */
  refreshIntervalMs?: number;
  /**
   * Real ms between joining and the first request (default 0). A real Smart Energy device spends this time
   * on key establishment with the trust centre before any application traffic; a run uses it so that the
   * host has added the device before its first frame (herdsman drops frames from devices it does not know
   * and looks them up with a request whose answer it never matches on zstack, a 10 s wait).
   */
  startDelayMs?: number;
  /**
   * Ends the start delay early: resolves once the host has what the delay waits for (a run: the host has
   * added the device and begun its interview). The delay stays the longest wait.
   */
  startGate?: () => Promise<void>;
  /** Real ms to wait for a ZCL or ZDO answer (default 3000). */
  responseTimeoutMs?: number;
  /** Real ms to collect answers to a broadcast Match_Desc (default 100). */
  broadcastWindowMs?: number;
  /**
   * A PPMID's certificate and key (a Type 1 device): it establishes keys with the trust centre after joining,
   * before its first request, and uses APS security as its profile says (security.ts). Absent: no CBKE.
   */
  credentials?: KeCredentials;
}

function clientClusters(kind: SeDeviceKind): number[] {
  const common = [ClusterId.time, ClusterId.price, ClusterId.metering, ClusterId.messaging, ClusterId.deviceManagement];
  return kind === "ppmid" ? [...common, ClusterId.prepayment] : common;
}

export class EmulatedSeDevice extends EmulatedNode {
  readonly kind: SeDeviceKind;
  readonly profile: ProfileName;
  #client: SeClient;
  /** Builds the device's application afresh (its firmware's state after a factory reset). */
  readonly #newClient: () => SeClient;
  /** Key establishment and APS security (a PPMID with credentials). */
  readonly security: DeviceSecurity | undefined;
  readonly #timeoutMs: number;
  readonly #windowMs: number;
  readonly #startDelayMs: number;
  readonly #startGate: (() => Promise<void>) | undefined;
  readonly #collectors = new Map<number, ZdoAnswer[]>();
  #broadcastTsn = 0xc0;
  #started: Promise<void> | undefined;
  /** Factory-reset and not joined since. */
  #reset = false;
  #markStarted!: () => void;
  readonly #startedSignal = new Promise<void>((resolve) => {
    this.#markStarted = resolve;
  });

  constructor(opts: SeDeviceOptions) {
    super({
      ...opts,
      label: opts.label ?? `${opts.kind}:${opts.profile}`,
      endpoints: [
        {
          endpoint: DISPLAY_ENDPOINT,
          profileId: SE_PROFILE_ID,
          deviceId: SeDeviceId[opts.kind],
          deviceVersion: 1,
          inClusters: [ClusterId.basic, ClusterId.identify],
          outClusters: clientClusters(opts.kind),
        },
      ],
      // the behaviour profile is the emulated device's firmware: SWBuildID names it
      basic: {
        manufacturerName: "hanbench",
        modelId: `virtual-${opts.kind}`,
        swBuildId: opts.profile,
        powerSource: 1,
        ...opts.basic,
      },
    });
    this.kind = opts.kind;
    this.profile = opts.profile;
    this.#timeoutMs = opts.responseTimeoutMs ?? 3000;
    this.#windowMs = opts.broadcastWindowMs ?? 100;
    this.#startDelayMs = opts.startDelayMs ?? 0;
    this.#startGate = opts.startGate;
    const link: SeLink = {
      zdo: (dst, cluster, body) => this.#zdo(dst, cluster, body),
      zcl: async (dst, cluster, frame) => {
        // a Type 1 device has a link key with a peer before it talks to it (the trust centre hands one out)
        await this.security?.partnerKeyFor(dst.nwk);
        return this.zclRequest(dst, cluster, frame, { timeoutMs: this.#timeoutMs, profileId: SE_PROFILE_ID }).catch(
          () => undefined,
        );
      },
    };
    const behaviour = behaviourOf(opts.profile);
    this.security =
      opts.credentials && opts.kind === "ppmid"
        ? new DeviceSecurity({
            node: this,
            clock: opts.clock,
            credentials: opts.credentials,
            apsSecurity: behaviour.apsSecurity,
            corruptConfirmMac: behaviour.corruptConfirmMac,
          })
        : undefined;
    this.#newClient = () =>
      new SeClient({
        kind: opts.kind,
        profile: opts.profile,
        clock: opts.clock,
        link,
        name: this.label,
        ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
        ...(opts.firstPollDelayMs !== undefined ? { firstPollDelayMs: opts.firstPollDelayMs } : {}),
        ...(opts.refreshIntervalMs !== undefined ? { refreshIntervalMs: opts.refreshIntervalMs } : {}),
      });
    this.#client = this.#newClient();
  }

  /** The device's application: what it found, fetched, holds and cleared. */
  get client(): SeClient {
    return this.#client;
  }

  /**
   * A factory reset: the device leaves the network and switches off, forgetting everything its application
   * held or knew (data, the CoTs it saw, the servers it found); its next power-on joins afresh with its
   * install code and (a Type 1 device) establishes keys with the hub again. Its certificate stays, as in a
   * real unit.
   */
  async factoryReset(): Promise<void> {
    this.#client.stop();
    await this.leave();
    super.powerOff();
    this.#client = this.#newClient();
    this.#started = undefined;
    this.#reset = true;
  }

  /** Joins with its install code, then discovers, fetches and starts polling (resolves after the first poll). */
  override async join(): Promise<void> {
    await super.join();
    await this.#start();
  }

  /** Came up already joined (the dongle remembered it across a restart): starts polling. */
  override restore(nwk: number): void {
    super.restore(nwk);
    void this.#start();
  }

  /** The network was reset: the servers it found are gone; it discovers again once it has rejoined. */
  override forget(): void {
    super.forget();
    this.client.servers = [];
  }

  /** Resolves once the device has joined and finished its first poll (discovery and fetch). */
  async whenStarted(): Promise<void> {
    await this.#startedSignal;
    await this.#started;
  }

  #start(): Promise<void> {
    if (!this.#started) {
      const delay = this.#startDelayMs;
      const begin = async () => {
        if (delay > 0) await this.#startDelay(delay);
        await this.security?.establish();
        await this.client.start();
      };
      this.#started = begin();
      this.#markStarted();
    }
    return this.#started;
  }

  /** `delay` real ms, or less when the start gate opens first. */
  #startDelay(delay: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      // a gate that fails leaves the delay to end the wait
      this.#startGate?.().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        () => undefined,
      );
    });
  }

  override powerOff(): void {
    this.client.powerOff();
    super.powerOff();
  }

  /**
   * Rejoins, then (as its profile says) polls at once to catch a CoT made while it was off; after a factory
   * reset it joins afresh (the network must be permitting joins) and starts as a new unit.
   */
  override async powerOn(): Promise<void> {
    await super.powerOn();
    if (this.#reset) {
      this.#reset = false;
      return this.join();
    }
    if (this.online && this.#started) await this.client.powerOn();
  }

  /**
   * Leaves the network and rejoins it (a restart of its network stack): its application starts again as after
   * a power cycle, polling at once as its profile says.
   */
  override async rejoin(): Promise<void> {
    this.client.powerOff();
    await super.rejoin();
    if (this.#started) await this.client.powerOn();
  }

  override dispose(): void {
    this.client.stop();
    super.dispose();
  }

  /** What the device holds now (the `virtual` probe). */
  holdings(): Holdings {
    return this.client.holdings();
  }

  protected override securesTo(nwk: number, profileId: number, clusterId: number): boolean {
    return this.security?.securesTo(nwk, profileId, clusterId) ?? false;
  }

  protected override refusesUnsecured(frame: ApsFrame): boolean {
    return this.security?.refusesUnsecured(frame) ?? false;
  }

  protected override onApsCommand(frame: ApsFrame): void {
    super.onApsCommand(frame);
    const cmd = frame.apsCommand;
    if (cmd?.id === "transportKey") this.security?.keyArrived(cmd.partner);
  }

  override receive(frame: ApsFrame): void {
    if (frame.dstEp === 0 && frame.profileId === 0 && frame.clusterId & 0x8000 && frame.payload.length > 0) {
      const collector = this.#collectors.get(frame.payload[0]!);
      if (collector && this.online) {
        collector.push({ srcNwk: frame.srcNwk, body: Buffer.from(frame.payload.subarray(1)) });
        return;
      }
    }
    super.receive(frame);
  }

  protected override handleZcl(frame: ApsFrame, h: ZclHeader): Buffer | undefined | Promise<Buffer | undefined> {
    if (h.frameType === "specific" && h.direction === "serverToClient") {
      return this.client.handleFrame({ nwk: frame.srcNwk, ep: frame.srcEp }, frame.clusterId, frame.payload, h);
    }
    return super.handleZcl(frame, h);
  }

  async #zdo(dst: number, cluster: number, body: Buffer): Promise<ZdoAnswer[]> {
    if (!isBroadcast(dst)) {
      try {
        return [{ srcNwk: dst, body: await this.zdoRequest(dst, cluster, body, this.#timeoutMs) }];
      } catch {
        return [];
      }
    }
    // a broadcast request has as many answers as nodes that match: collect them for a window
    if (!this.online) return [];
    this.#broadcastTsn = this.#broadcastTsn >= 0xfe ? 0xc0 : this.#broadcastTsn + 1;
    const tsn = this.#broadcastTsn;
    const answers: ZdoAnswer[] = [];
    this.#collectors.set(tsn, answers);
    const payload = Buffer.concat([Buffer.from([tsn]), body]);
    this.medium.send({ srcNwk: this.nwk!, srcEp: 0, dstNwk: dst, dstEp: 0, profileId: 0, clusterId: cluster, payload });
    await new Promise((resolve) => setTimeout(resolve, this.#windowMs));
    this.#collectors.delete(tsn);
    return answers;
  }
}

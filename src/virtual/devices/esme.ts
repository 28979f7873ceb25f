/**
 * The ESME as a node of its own on the virtual HAN: an electricity meter serving the SE clusters on an
 * endpoint that is not 1. Every request to that endpoint is served by the shared hub model
 * (`handleFrame` with role `esme`), so the ESME's data, tenancy attributes and evidence come from the same
 * place as the GPF's.
 */
import type { Push, RequestContext } from "../../hub/types.js";
import { EmulatedNode, type EmulatedNodeOptions } from "../han/node.js";
import { isBroadcast } from "../han/types.js";
import type { ApsFrame } from "../han/types.js";
import { ClusterId, SE_PROFILE_ID, type ZclHeader } from "../../zcl/index.js";
import { SE_SERVER_CLUSTERS } from "./se-payloads.js";
import { EmulatedSeDevice, SeDeviceId } from "./se-device.js";
import { hex } from "../../hex.js";
import type { KeCredentials } from "../../crypto/pki.js";
import { DeviceSecurity } from "./security.js";

/** Default SE endpoint of the emulated ESME. */
const ESME_ENDPOINT = 3;

/** The part of the hub the ESME needs: a ZCL request in, the reply frame (if any) out. */
export interface HubFrameHandler {
  handleFrame(ctx: RequestContext, clusterId: number, bytes: Buffer): Buffer | undefined | Promise<Buffer | undefined>;
  /** Unsolicited frames the hub sends (DisplayMessage, PublishChangeOfTenancy): the ESME sends those of role `esme`. */
  onPush?(listener: (p: Push) => void): () => void;
  encodePush?(push: Push, tsn: number): Buffer;
}

export interface EsmeOptions extends Omit<EmulatedNodeOptions, "endpoints"> {
  hub: HubFrameHandler;
  /** SE endpoint (default 3, the hub model's default ESME endpoint; never 1 unless asked, so devices that skip discovery are caught). */
  endpoint?: number;
  /**
   * The meter's certificate and key (a Type 1 device): after joining (and `startGate`) it establishes keys with
   * the trust centre, then secures its SE frames to keyed peers (security.ts). It answers a peer's SE request
   * that came without APS security all the same, as the hub does (cot-suite.md, Security: so that the other
   * cases can be judged; COT-17 judges the request).
   */
  credentials?: KeCredentials;
  /** Resolves once the host knows the meter (its interview began): key establishment waits for it. */
  startGate?: () => Promise<void>;
}

/** What an ESME serves (cot-suite.md "Actors and hub topology"): the SE server clusters but Time, which only the hub serves. */
export const ESME_SERVER_CLUSTERS = [ClusterId.basic, ...SE_SERVER_CLUSTERS.filter((c) => c !== ClusterId.time)];

export class EmulatedEsme extends EmulatedNode {
  readonly seEndpoint: number;
  /** Key establishment and APS security, when the meter has credentials. */
  readonly security: DeviceSecurity | undefined;
  readonly #hub: HubFrameHandler;
  readonly #startGate: (() => Promise<void>) | undefined;
  #keyed: Promise<void> | undefined;

  constructor(opts: EsmeOptions) {
    const endpoint = opts.endpoint ?? ESME_ENDPOINT;
    super({
      ...opts,
      label: opts.label ?? "esme",
      endpoints: [
        {
          endpoint,
          profileId: SE_PROFILE_ID,
          deviceId: SeDeviceId.meter,
          deviceVersion: 1,
          inClusters: ESME_SERVER_CLUSTERS,
          outClusters: [],
        },
      ],
      basic: { manufacturerName: "hanbench", modelId: "virtual-esme", powerSource: 1, ...opts.basic },
    });
    this.seEndpoint = endpoint;
    this.#hub = opts.hub;
    this.#startGate = opts.startGate;
    this.security = opts.credentials
      ? new DeviceSecurity({
          node: this,
          clock: opts.clock,
          credentials: opts.credentials,
          apsSecurity: true,
          corruptConfirmMac: false,
        })
      : undefined;
    const hub = opts.hub;
    if (hub.onPush && hub.encodePush) {
      const encode = hub.encodePush.bind(hub);
      this.#stopPush = hub.onPush((p) => {
        if (p.role === "esme") this.#forward(p, encode);
      });
    }
  }

  readonly #stopPush: (() => void) | undefined;

  /** Joins, then (with credentials, once the start gate opens) establishes keys with the trust centre. */
  override async join(): Promise<void> {
    await super.join();
    if (this.security && !this.#keyed) {
      const security = this.security;
      this.#keyed = (async () => {
        await this.#startGate?.();
        await security.establish();
      })();
    }
  }

  /** Resolves once the meter's key establishment (if any) has ended. */
  async whenKeyed(): Promise<void> {
    await this.#keyed;
  }

  protected override securesTo(nwk: number, profileId: number, clusterId: number): boolean {
    return this.security?.securesTo(nwk, profileId, clusterId) ?? false;
  }

  /**
   * A Transport Key from the trust centre ends the meter's wait for a partner key at once (security.ts): a push
   * waiting for that key goes out in the same exchange, not after the wait's real-time bound, when hub time may
   * have moved on.
   */
  protected override onApsCommand(frame: ApsFrame): void {
    super.onApsCommand(frame);
    const cmd = frame.apsCommand;
    if (cmd?.id === "transportKey") this.security?.keyArrived(cmd.partner);
  }

  override dispose(): void {
    this.#stopPush?.();
    super.dispose();
  }

  /** Sends a hub push of role `esme` to its device, or to every SE device on the HAN. */
  #forward(p: Push, encode: (push: Push, tsn: number) => Buffer): void {
    if (!this.online) return;
    for (const m of this.medium.members) {
      if (m === this || !m.online || m.nwk === undefined || m.nwk === 0 || isBroadcast(m.nwk)) continue;
      if (p.device !== undefined && p.device !== "*" && m.ieee !== p.device) continue;
      const ep =
        m instanceof EmulatedNode ? m.endpoints.find((e) => e.profileId === SE_PROFILE_ID)?.endpoint : undefined;
      if (ep === undefined) continue;
      this.push({ nwk: m.nwk, ep }, p.clusterId, encode(p, this.nextTsn()));
    }
  }

  /** Sends an unsolicited frame from the ESME endpoint (a hub push: DisplayMessage, PublishChangeOfTenancy). */
  push(dst: { nwk: number; ep: number }, clusterId: number, frame: Buffer): void {
    const send = () => this.sendZcl(dst, clusterId, frame, { srcEp: this.seEndpoint, profileId: SE_PROFILE_ID });
    // A GB meter is paired with the Type 1 devices the hub commissioned (those that established keys with it):
    // it gets a link key with one from the trust centre before sending it anything (security.ts), as a PPMID
    // does before its first request. Others (an IHD, a PPMID whose key establishment failed) get no key.
    const peer = this.medium.member(dst.nwk);
    if (!this.security || !(peer instanceof EmulatedSeDevice && peer.security?.outcome?.ok)) {
      send();
      return;
    }
    void this.security.partnerKeyFor(dst.nwk).then(send);
  }

  protected override handleZcl(frame: ApsFrame, header: ZclHeader): Buffer | undefined | Promise<Buffer | undefined> {
    // the coordinator interviewing the meter (Basic reads) is not a hub client: the node answers itself
    if (frame.dstEp !== this.seEndpoint || header.direction === "serverToClient" || frame.srcNwk === 0x0000) {
      return super.handleZcl(frame, header);
    }
    const device = this.medium.member(frame.srcNwk)?.ieee ?? `nwk:${hex(frame.srcNwk, 4)}`;
    const ctx: RequestContext = {
      device,
      nwk: frame.srcNwk,
      deviceEp: frame.srcEp,
      hubEp: this.seEndpoint,
      role: "esme",
    };
    return this.#hub.handleFrame(ctx, frame.clusterId, frame.payload);
  }
}

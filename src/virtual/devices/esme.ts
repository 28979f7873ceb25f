/**
 * The ESME as a node of its own on the virtual HAN: an electricity meter serving the SE clusters on an
 * endpoint that is not 1. Every request to that endpoint is served by the shared hub model
 * (`handleFrame` with role `esme`), so the ESME's data, tenancy attributes and evidence come from the same
 * place as the GPF's.
 */
import type { RequestContext } from "../../hub/types.js";
import { EmulatedNode, type EmulatedNodeOptions } from "../han/node.js";
import type { ApsFrame } from "../han/types.js";
import type { ZclHeader } from "../han/zcl-lite.js";
import { Cluster, SE_PROFILE_ID } from "./se-payloads.js";
import { SeDeviceId } from "./se-device.js";

/** Default SE endpoint of the emulated ESME. */
export const ESME_ENDPOINT = 3;

/** The part of the hub the ESME needs: a ZCL request in, the reply frame (if any) out. */
export interface HubFrameHandler {
  handleFrame(ctx: RequestContext, clusterId: number, bytes: Buffer): Buffer | undefined | Promise<Buffer | undefined>;
}

export interface EsmeOptions extends Omit<EmulatedNodeOptions, "endpoints"> {
  hub: HubFrameHandler;
  /** SE endpoint (default 3, the hub model's default ESME endpoint; never 1 unless asked, so devices that skip discovery are caught). */
  endpoint?: number;
}

export const ESME_SERVER_CLUSTERS = [
  Cluster.basic,
  Cluster.time,
  Cluster.price,
  Cluster.metering,
  Cluster.messaging,
  Cluster.prepayment,
  Cluster.deviceManagement,
];

export class EmulatedEsme extends EmulatedNode {
  readonly seEndpoint: number;
  readonly #hub: HubFrameHandler;

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
  }

  /** Sends an unsolicited frame from the ESME endpoint (a hub push: DisplayMessage, PublishChangeOfTenancy). */
  push(dst: { nwk: number; ep: number }, clusterId: number, frame: Buffer): void {
    this.sendZcl(dst, clusterId, frame, { srcEp: this.seEndpoint, profileId: SE_PROFILE_ID });
  }

  protected override handleZcl(frame: ApsFrame, header?: ZclHeader): Buffer | undefined | Promise<Buffer | undefined> {
    if (frame.dstEp !== this.seEndpoint || header?.serverToClient) return super.handleZcl(frame, header);
    const device = this.medium.member(frame.srcNwk)?.ieee ?? `nwk:0x${frame.srcNwk.toString(16).padStart(4, "0")}`;
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

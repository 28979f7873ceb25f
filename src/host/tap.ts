/**
 * The evidence tap: every ZCL frame between a device and the coordinator becomes a `ZclEvent`, with the
 * raw bytes (hex) and the payload as decoded with the device's cluster definitions (src/zcl's clusters
 * registered through `addCustomCluster`, so SE payloads decode by name).
 *
 * Outgoing frames are caught where every unicast leaves herdsman: the adapter's `sendZclFrameToEndpoint`
 * (the host's replies and pushes, and herdsman's own interview reads). Incoming frames are given by the
 * router, which has already parsed them. The hot path is one object and one synchronous append per frame.
 */
import type { ZclFrame } from "zigbee-herdsman/dist/zspec/zcl/zclFrame.js";
import type { EndpointRole } from "../evidence/events.js";
import type { EvidenceSink } from "../evidence/log.js";
import { type DecodedZcl, type FrameMeta, zclEvent } from "../evidence/zcl-event.js";

type Frame = ZclFrame;

/** herdsman's parse as evidence: a read's attribute ids, the decoded fields otherwise. */
function decodedOf(frame: Frame): DecodedZcl {
  if (frame.header.isGlobal && frame.command.name === "read" && Array.isArray(frame.payload)) {
    return { cluster: frame.cluster.name, read: (frame.payload as { attrId: number }[]).map((r) => r.attrId) };
  }
  return { cluster: frame.cluster.name, command: frame.command.name, payload: frame.payload };
}

export class FrameTap {
  constructor(
    private readonly evidence: EvidenceSink,
    private readonly roleOf: (hubEp: number) => EndpointRole | undefined,
  ) {}

  incoming(meta: FrameMeta, frame: Frame | undefined, raw: Buffer): void {
    this.evidence.append(zclEvent("in", meta, raw, frame && decodedOf(frame)));
  }

  outgoing(opts: {
    ieee: string;
    nwk: number;
    deviceEp: number;
    srcEp: number;
    profileId?: number;
    frame: Frame;
    /** The frame's bytes, when the caller has encoded it already. */
    bytes?: Buffer;
    apsSecured?: boolean;
  }): void {
    const { frame } = opts;
    const meta: FrameMeta = {
      device: opts.ieee,
      nwk: opts.nwk,
      deviceEp: opts.deviceEp,
      hubEp: opts.srcEp,
      role: this.roleOf(opts.srcEp),
      clusterId: frame.cluster.ID,
    };
    if (opts.profileId !== undefined) meta.profileId = opts.profileId;
    if (opts.apsSecured !== undefined) meta.apsSecured = opts.apsSecured;
    this.evidence.append(zclEvent("out", meta, opts.bytes ?? frame.toBuffer(), decodedOf(frame)));
  }
}

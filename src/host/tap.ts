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
import type { EndpointRole, ZclEvent } from "../evidence/events.js";
import type { EvidenceSink } from "../evidence/log.js";
import { decodeZclHeader } from "../zcl/index.js";
import { hex } from "../hex.js";

type Frame = ZclFrame;

export interface FrameMeta {
  device: string;
  nwk: number;
  deviceEp: number;
  hubEp: number;
  role: EndpointRole | undefined;
  profileId?: number;
  clusterId: number;
}

/** What a decoder made of a frame's bytes; without it the event carries the bytes and the command id only. */
export interface DecodedZcl {
  /** Cluster name, when the decoder knows it. */
  cluster?: string;
  command: string;
  /** Decoded payload (JSON-safe); for reads, the attribute ids. */
  payload?: unknown;
}

/** herdsman's parse as evidence: attribute ids for reads, the decoded fields otherwise. */
function decodedOf(frame: Frame): DecodedZcl {
  const isRead = frame.header.isGlobal && frame.command.name === "read" && Array.isArray(frame.payload);
  return {
    cluster: frame.cluster.name,
    command: frame.command.name,
    payload: isRead ? (frame.payload as { attrId: number }[]).map((r) => r.attrId) : frame.payload,
  };
}

/**
 * One ZCL frame as evidence, from its bytes (header fields) and whatever decoded them: herdsman's parse on the
 * host, src/zcl's decoder for frames seen on the virtual HAN.
 */
export function zclEvent(dir: "in" | "out", meta: FrameMeta, raw: Buffer, decoded?: DecodedZcl): ZclEvent {
  // a frame too short for a header (never one herdsman parsed) is kept with its bytes and zeros
  const header = decodeZclHeader(raw);
  const commandId = header?.commandId ?? 0;
  const event: ZclEvent = {
    kind: "zcl",
    dir,
    device: meta.device,
    nwk: meta.nwk,
    deviceEp: meta.deviceEp,
    hubEp: meta.hubEp,
    clusterId: meta.clusterId,
    frameType: !header || header.frameType === "global" ? "global" : "specific",
    direction: header?.direction ?? "clientToServer",
    tsn: header?.tsn ?? 0,
    commandId,
    command: decoded ? decoded.command : hex(commandId, 2),
    raw: raw.toString("hex"),
  };
  if (meta.role) event.role = meta.role;
  if (meta.profileId !== undefined) event.profileId = meta.profileId;
  if (decoded?.cluster !== undefined) event.cluster = decoded.cluster;
  if (decoded?.payload !== undefined) event.payload = decoded.payload;
  return event;
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
    this.evidence.append(zclEvent("out", meta, frame.toBuffer(), decodedOf(frame)));
  }
}

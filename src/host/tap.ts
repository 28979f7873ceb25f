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
import type { EndpointRole, EvidenceSink, ZclEvent } from "../report/evidence.js";

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

/** The payload as it goes into evidence: attribute ids for reads, the decoded fields otherwise. */
function evidencePayload(frame: Frame): unknown {
  if (frame.header.isGlobal && frame.command.name === "read" && Array.isArray(frame.payload)) {
    return (frame.payload as { attrId: number }[]).map((r) => r.attrId);
  }
  return frame.payload;
}

export function zclEvent(dir: "in" | "out", meta: FrameMeta, frame: Frame | undefined, raw: Buffer): ZclEvent {
  const fc = raw[0] ?? 0;
  const manufacturerSpecific = (fc & 0x04) !== 0;
  const tsn = raw[manufacturerSpecific ? 3 : 1] ?? 0;
  const commandId = raw[manufacturerSpecific ? 4 : 2] ?? 0;
  const event: ZclEvent = {
    kind: "zcl",
    dir,
    device: meta.device,
    nwk: meta.nwk,
    deviceEp: meta.deviceEp,
    hubEp: meta.hubEp,
    clusterId: meta.clusterId,
    frameType: (fc & 0x03) === 0 ? "global" : "specific",
    direction: (fc & 0x08) === 0 ? "clientToServer" : "serverToClient",
    tsn,
    commandId,
    command: frame ? frame.command.name : `0x${commandId.toString(16).padStart(2, "0")}`,
    raw: raw.toString("hex"),
  };
  if (meta.role) event.role = meta.role;
  if (meta.profileId !== undefined) event.profileId = meta.profileId;
  if (frame) {
    event.cluster = frame.cluster.name;
    event.payload = evidencePayload(frame);
  }
  return event;
}

export class FrameTap {
  constructor(
    private readonly evidence: EvidenceSink,
    private readonly roleOf: (hubEp: number) => EndpointRole | undefined,
  ) {}

  incoming(meta: FrameMeta, frame: Frame | undefined, raw: Buffer): void {
    this.evidence.append(zclEvent("in", meta, frame, raw));
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
    this.evidence.append(zclEvent("out", meta, frame, frame.toBuffer()));
  }
}

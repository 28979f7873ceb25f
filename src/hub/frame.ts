/**
 * ZCL bytes in, ZCL bytes out, for one hub endpoint: decodes a frame with src/zcl, answers Read
 * Attributes and Discover Attributes, passes cluster commands to the servers, and encodes the reply with
 * the request's TSN. Bad input gets a Default Response, never an exception:
 * undecodable payload → MALFORMED_COMMAND (0x80); unknown cluster command → UNSUP_COMMAND (0x81);
 * other global commands → UNSUP_GENERAL_COMMAND (0x82); manufacturer-specific → 0x83 / 0x84;
 * a cluster the role does not serve → UNSUPPORTED_CLUSTER (0xC3). Frames a device sends server → client
 * (e.g. its Default Response to a push) and frames shorter than a ZCL header get no reply.
 */
import {
  attributeDef,
  decodeZcl,
  decodeZclHeader,
  encodeZcl,
  Status,
  ZclDecodeError,
  type ZclFrame,
} from "../zcl/index.js";
import type { CommandRequest, CommandResult, Push, ReadRecord, RequestContext } from "./types.js";
import { hex } from "../hex.js";

export interface FrameHandlerHost {
  read(ctx: RequestContext, clusterId: number, attrIds: readonly number[]): ReadRecord[];
  command(ctx: RequestContext, req: CommandRequest): CommandResult;
  serves(hubEp: number, clusterId: number): boolean;
  attributeIds(hubEp: number, clusterId: number): number[];
  error(message: string, device?: string): void;
}

function defaultRsp(clusterId: number, tsn: number, commandId: number, status: number): Buffer {
  return encodeZcl(clusterId, {
    frameType: "global",
    direction: "serverToClient",
    disableDefaultResponse: true,
    tsn,
    command: "defaultRsp",
    payload: { commandId, status },
  });
}

export function handleZclFrame(
  host: FrameHandlerHost,
  ctx: RequestContext,
  clusterId: number,
  bytes: Uint8Array,
): Buffer | undefined {
  const h = decodeZclHeader(bytes);
  if (!h || h.direction === "serverToClient") return undefined;
  const fail = (status: number) => defaultRsp(clusterId, h.tsn, h.commandId, status);

  if (h.manufacturerCode !== undefined) {
    return fail(h.frameType === "specific" ? Status.UNSUP_MANUF_CLUSTER_COMMAND : Status.UNSUP_MANUF_GENERAL_COMMAND);
  }
  if (!host.serves(ctx.hubEp, clusterId)) return fail(Status.UNSUPPORTED_CLUSTER);

  let frame: ZclFrame;
  try {
    frame = decodeZcl(clusterId, bytes);
  } catch (e) {
    if (e instanceof ZclDecodeError && e.field === "commandId") return fail(Status.UNSUP_COMMAND);
    return fail(Status.MALFORMED_COMMAND);
  }

  try {
    if (frame.frameType === "global") return globalReply(host, ctx, clusterId, frame);
    const result = host.command(ctx, {
      clusterId,
      commandId: frame.commandId,
      command: frame.command,
      payload: frame.payload,
      tsn: frame.tsn,
      disableDefaultResponse: frame.disableDefaultResponse,
    });
    if (result.kind === "none") return undefined;
    if (result.kind === "default") {
      if (result.status === Status.SUCCESS && h.disableDefaultResponse) return undefined;
      return fail(result.status);
    }
    return encodeZcl(clusterId, {
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: true,
      tsn: h.tsn,
      command: result.command,
      commandId: result.commandId,
      payload: result.payload,
    });
  } catch (e) {
    host.error(`reply to ${frame.command} on cluster ${hex(clusterId)}: ${(e as Error).message}`, ctx.device);
    return fail(Status.FAILURE);
  }
}

function globalReply(
  host: FrameHandlerHost,
  ctx: RequestContext,
  clusterId: number,
  frame: ZclFrame,
): Buffer | undefined {
  const reply = (command: string, payload: Record<string, unknown>) =>
    encodeZcl(clusterId, {
      frameType: "global",
      direction: "serverToClient",
      disableDefaultResponse: true,
      tsn: frame.tsn,
      command,
      payload,
    });
  switch (frame.command) {
    case "read": {
      const ids = frame.payload.attributes as number[];
      return reply("readRsp", { records: host.read(ctx, clusterId, ids) });
    }
    case "discoverAttributes": {
      const start = Number(frame.payload.startAttrId);
      const max = Number(frame.payload.maxAttrIds);
      const all = host.attributeIds(ctx.hubEp, clusterId).filter((id) => id >= start);
      const ids = all.slice(0, max);
      const records = ids.map((attrId) => ({ attrId, type: attributeDef(clusterId, attrId)!.type }));
      return reply("discoverAttributesRsp", { discoveryComplete: ids.length === all.length, records });
    }
    case "defaultRsp":
      return undefined;
    default:
      return defaultRsp(clusterId, frame.tsn, frame.commandId, Status.UNSUP_GENERAL_COMMAND);
  }
}

/** The ZCL frame of a push: cluster-specific, server → client, Default Response enabled (FC 0x09 as in RTDS). */
export function encodePushFrame(push: Push, tsn: number): Buffer {
  return encodeZcl(push.clusterId, {
    frameType: "specific",
    direction: "serverToClient",
    disableDefaultResponse: false,
    tsn,
    command: push.command,
    commandId: push.commandId,
    payload: push.payload,
  });
}

/**
 * What an emulated node needs of ZCL on every frame: the header (to match a response to its request by
 * TSN and direction) and the header of a reply. Payloads (Read Attributes and its response, Default
 * Response) are encoded and decoded by src/zcl's global commands.
 */
import { type GlobalCommand, globalCommand, Status } from "../../zcl/index.js";

export interface ZclHeader {
  frameControl: number;
  /** 0 global (profile-wide), 1 cluster-specific. */
  frameType: number;
  manufacturerCode: number | undefined;
  /** True for server → client. */
  serverToClient: boolean;
  disableDefaultResponse: boolean;
  tsn: number;
  commandId: number;
  /** Offset of the payload in the frame. */
  payloadOffset: number;
}

export function parseHeader(frame: Buffer): ZclHeader {
  if (frame.length < 3) throw new RangeError(`ZCL frame of ${frame.length} bytes is shorter than a header`);
  const fc = frame[0]!;
  const manuf = (fc & 0x04) !== 0;
  if (manuf && frame.length < 5) throw new RangeError("manufacturer-specific ZCL frame is shorter than its header");
  const o = manuf ? 3 : 1;
  return {
    frameControl: fc,
    frameType: fc & 0x03,
    manufacturerCode: manuf ? frame.readUInt16LE(1) : undefined,
    serverToClient: (fc & 0x08) !== 0,
    disableDefaultResponse: (fc & 0x10) !== 0,
    tsn: frame[o]!,
    commandId: frame[o + 1]!,
    payloadOffset: o + 2,
  };
}

/** A header for a frame answering `req` (opposite direction, default response disabled). */
export function replyHeader(req: ZclHeader, frameType: number, commandId: number): Buffer {
  const fc =
    (frameType & 0x03) | (req.serverToClient ? 0 : 0x08) | 0x10 | (req.manufacturerCode !== undefined ? 0x04 : 0);
  if (req.manufacturerCode !== undefined) {
    const b = Buffer.alloc(5);
    b[0] = fc;
    b.writeUInt16LE(req.manufacturerCode, 1);
    b[3] = req.tsn;
    b[4] = commandId;
    return b;
  }
  return Buffer.from([fc, req.tsn, commandId]);
}

const global = (name: string): GlobalCommand => globalCommand(name)!;
const READ = global("read");
const READ_RSP = global("readRsp");
const DEFAULT_RSP = global("defaultRsp");

/** A global reply to `req`: its header and `payload` encoded by src/zcl's `command`. */
function globalReply(req: ZclHeader, command: GlobalCommand, payload: Record<string, unknown>): Buffer {
  return Buffer.concat([replyHeader(req, 0, command.id), command.encode(payload)]);
}

export function defaultRsp(req: ZclHeader, status: number): Buffer {
  return globalReply(req, DEFAULT_RSP, { commandId: req.commandId, status });
}

/** A value of the node's attribute store, as src/zcl represents values of its ZCL type. */
export type AttrValue = number | string | Buffer | boolean;

export interface Attribute {
  type: number;
  value: AttrValue;
}

/** Attribute ids of a Read Attributes request. */
export function readAttributeIds(frame: Buffer, h: ZclHeader): number[] {
  return READ.decode(frame, h.payloadOffset)[0].attributes as number[];
}

/** Read Attributes Response answering `req` from `attrs` (missing ids → UNSUPPORTED_ATTRIBUTE). */
export function readRsp(req: ZclHeader, ids: number[], attrs: ReadonlyMap<number, Attribute> | undefined): Buffer {
  const records = ids.map((attrId) => {
    const a = attrs?.get(attrId);
    return a
      ? { attrId, status: Status.SUCCESS, type: a.type, value: a.value }
      : { attrId, status: Status.UNSUPPORTED_ATTRIBUTE };
  });
  return globalReply(req, READ_RSP, { records });
}

/**
 * What an emulated node needs of ZCL to answer a frame: the header of a reply, and the global replies it
 * sends itself. Frame headers are read by src/zcl's `decodeZclHeader`; payloads (Read Attributes and its
 * response, Default Response) are encoded and decoded by src/zcl's global commands.
 */
import { type GlobalCommand, globalCommand, Status, type ZclHeader } from "../../zcl/index.js";

/** A header for a global frame answering `req` (opposite direction, default response disabled). */
export function replyHeader(req: ZclHeader, commandId: number): Buffer {
  const fc = (req.direction === "serverToClient" ? 0 : 0x08) | 0x10 | (req.manufacturerCode !== undefined ? 0x04 : 0);
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
  return Buffer.concat([replyHeader(req, command.id), command.encode(payload)]);
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
  return READ.decode(frame, h.length)[0].attributes as number[];
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

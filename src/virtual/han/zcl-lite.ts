/**
 * What an emulated node needs of ZCL to answer a frame: the header of a reply, and the global replies it
 * sends itself. Frame headers are read by src/zcl's `decodeZclHeader`; attribute values are encoded by src/zcl's
 * value codec and other global payloads (Default Response) by its global commands. Read Attributes and its
 * response, the hot path of a read, are laid out here in one buffer (ids; id, status, type, value).
 */
import { encodeValue, type GlobalCommand, globalCommand, Status, type ZclHeader } from "../../zcl/index.js";

/** Bytes of a header answering `req`: 3, or 5 with a manufacturer code. */
const replyHeaderLength = (req: ZclHeader): number => (req.manufacturerCode !== undefined ? 5 : 3);

/** Writes a header for a global frame answering `req` at the start of `out`; returns its length. */
function writeReplyHeader(req: ZclHeader, commandId: number, out: Buffer): number {
  const fc = (req.direction === "serverToClient" ? 0 : 0x08) | 0x10 | (req.manufacturerCode !== undefined ? 0x04 : 0);
  out[0] = fc;
  if (req.manufacturerCode !== undefined) {
    out.writeUInt16LE(req.manufacturerCode, 1);
    out[3] = req.tsn;
    out[4] = commandId;
    return 5;
  }
  out[1] = req.tsn;
  out[2] = commandId;
  return 3;
}

/** A header for a global frame answering `req` (opposite direction, default response disabled). */
export function replyHeader(req: ZclHeader, commandId: number): Buffer {
  const out = Buffer.allocUnsafe(replyHeaderLength(req));
  writeReplyHeader(req, commandId, out);
  return out;
}

const global = (name: string): GlobalCommand => globalCommand(name)!;
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

/**
 * The bytes of an attribute after its id and status in a Read Attributes Response: its type id, then its
 * value by src/zcl's value codec. Throws ZclEncodeError when the value does not fit its type.
 */
export function typedValueBytes(a: Attribute): Buffer {
  const value = encodeValue(a.type, a.value);
  const out = Buffer.allocUnsafe(1 + value.length);
  out[0] = a.type;
  value.copy(out, 1);
  return out;
}

/** An attribute that keeps its encoded bytes (the node's store: encoded once, not per read). */
interface EncodedAttribute extends Attribute {
  readonly typed: Buffer;
}

const typedOf = (a: Attribute): Buffer => (a as Partial<EncodedAttribute>).typed ?? typedValueBytes(a);

/**
 * Attribute ids of a Read Attributes request: 16-bit ids up to the end of the frame. Throws RangeError when
 * a byte is left over (a malformed command).
 */
export function readAttributeIds(frame: Buffer, h: ZclHeader): number[] {
  const n = frame.length - h.length;
  if (n % 2 !== 0) throw new RangeError(`Read Attributes payload of ${n} bytes is not a list of 16-bit ids`);
  const ids = new Array<number>(n / 2);
  for (let i = 0, o = h.length; i < ids.length; i++, o += 2) ids[i] = frame[o]! | (frame[o + 1]! << 8);
  return ids;
}

/** The typed bytes of the attributes one response holds: gathered once, then written (reused, not kept). */
const found: (Buffer | undefined)[] = [];

/**
 * Read Attributes Response answering `req` from `attrs` (missing ids → UNSUPPORTED_ATTRIBUTE), written into
 * one buffer: per id, the id and status, then for a supported one its type and value.
 */
export function readRsp(
  req: ZclHeader,
  ids: readonly number[],
  attrs: ReadonlyMap<number, Attribute> | undefined,
): Buffer {
  // one lookup per id, indexed loops and TypedArray set: the same bytes, in a function V8 optimises at a
  // fraction of the cost (it is on every read's path)
  let size = replyHeaderLength(req);
  for (let i = 0; i < ids.length; i++) {
    const a = attrs?.get(ids[i]!);
    const typed = a === undefined ? undefined : typedOf(a);
    found[i] = typed;
    size += typed === undefined ? 3 : 3 + typed.length;
  }
  const out = Buffer.allocUnsafe(size);
  let o = writeReplyHeader(req, READ_RSP.id, out);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const typed = found[i];
    found[i] = undefined;
    out[o++] = id & 0xff;
    out[o++] = (id >> 8) & 0xff;
    if (typed === undefined) out[o++] = Status.UNSUPPORTED_ATTRIBUTE;
    else {
      out[o++] = Status.SUCCESS;
      out.set(typed, o);
      o += typed.length;
    }
  }
  return out;
}

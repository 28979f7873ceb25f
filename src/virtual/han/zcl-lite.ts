/**
 * The few ZCL bits an emulated node needs to answer an interview and simple commands: the frame header,
 * Read Attributes / Read Attributes Response, Default Response and a small typed attribute store.
 * (The full Smart Energy codec lives in src/zcl; this stays minimal and allocation-light for the hot path.)
 */

export const ZclType = {
  BOOL: 0x10,
  BITMAP8: 0x18,
  UINT8: 0x20,
  UINT16: 0x21,
  UINT32: 0x23,
  INT16: 0x29,
  ENUM8: 0x30,
  OCTET_STR: 0x41,
  CHAR_STR: 0x42,
  UTC: 0xe2,
} as const;

export const ZclStatus = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  UNSUP_CLUSTER_COMMAND: 0x81,
  UNSUP_GENERAL_COMMAND: 0x82,
  UNSUPPORTED_ATTRIBUTE: 0x86,
} as const;

export const GlobalCmd = {
  READ: 0x00,
  READ_RSP: 0x01,
  WRITE: 0x02,
  WRITE_RSP: 0x04,
  CONFIGURE_REPORTING: 0x06,
  CONFIGURE_REPORTING_RSP: 0x07,
  REPORT: 0x0a,
  DEFAULT_RSP: 0x0b,
} as const;

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

export function defaultRsp(req: ZclHeader, status: number): Buffer {
  return Buffer.concat([replyHeader(req, 0, GlobalCmd.DEFAULT_RSP), Buffer.from([req.commandId, status])]);
}

/** Builds a request frame: `frameType` 0 global / 1 cluster-specific, client → server unless told. */
export function zclFrame(opts: {
  frameType: number;
  tsn: number;
  commandId: number;
  payload?: Buffer;
  serverToClient?: boolean;
  disableDefaultResponse?: boolean;
}): Buffer {
  const fc = (opts.frameType & 0x03) | (opts.serverToClient ? 0x08 : 0) | (opts.disableDefaultResponse ? 0x10 : 0);
  return Buffer.concat([Buffer.from([fc, opts.tsn & 0xff, opts.commandId]), opts.payload ?? Buffer.alloc(0)]);
}

export type AttrValue = number | string | Buffer | boolean;

export interface Attribute {
  type: number;
  value: AttrValue;
}

/** Encodes one attribute value of `type`. Throws for types this minimal codec does not carry. */
export function encodeValue(type: number, value: AttrValue): Buffer {
  switch (type) {
    case ZclType.BOOL:
      return Buffer.from([value ? 1 : 0]);
    case ZclType.BITMAP8:
    case ZclType.UINT8:
    case ZclType.ENUM8:
      return Buffer.from([Number(value) & 0xff]);
    case ZclType.UINT16: {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(Number(value));
      return b;
    }
    case ZclType.INT16: {
      const b = Buffer.alloc(2);
      b.writeInt16LE(Number(value));
      return b;
    }
    case ZclType.UINT32:
    case ZclType.UTC: {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(Number(value) >>> 0);
      return b;
    }
    case ZclType.CHAR_STR:
    case ZclType.OCTET_STR: {
      const body = Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8");
      return Buffer.concat([Buffer.from([body.length]), body]);
    }
    default:
      throw new RangeError(`ZCL type 0x${type.toString(16)} is not supported by the emulated node codec`);
  }
}

/** Attribute ids of a Read Attributes payload. */
export function readAttributeIds(frame: Buffer, h: ZclHeader): number[] {
  const ids: number[] = [];
  for (let o = h.payloadOffset; o + 1 < frame.length; o += 2) ids.push(frame.readUInt16LE(o));
  return ids;
}

/** Read Attributes Response answering `req` from `attrs` (missing ids → UNSUPPORTED_ATTRIBUTE). */
export function readRsp(req: ZclHeader, ids: number[], attrs: ReadonlyMap<number, Attribute> | undefined): Buffer {
  const parts: Buffer[] = [replyHeader(req, 0, GlobalCmd.READ_RSP)];
  for (const id of ids) {
    const a = attrs?.get(id);
    const head = Buffer.alloc(a ? 4 : 3);
    head.writeUInt16LE(id, 0);
    if (!a) {
      head[2] = ZclStatus.UNSUPPORTED_ATTRIBUTE;
      parts.push(head);
      continue;
    }
    head[2] = ZclStatus.SUCCESS;
    head[3] = a.type;
    parts.push(head, encodeValue(a.type, a.value));
  }
  return Buffer.concat(parts);
}

export interface ReadRecord {
  attrId: number;
  status: number;
  type?: number;
  value?: AttrValue;
}

/** Decodes a Read Attributes Response payload for the types `encodeValue` carries. */
export function parseReadRsp(frame: Buffer): ReadRecord[] {
  const h = parseHeader(frame);
  const out: ReadRecord[] = [];
  let o = h.payloadOffset;
  while (o + 3 <= frame.length) {
    const attrId = frame.readUInt16LE(o);
    const status = frame[o + 2]!;
    o += 3;
    if (status !== ZclStatus.SUCCESS) {
      out.push({ attrId, status });
      continue;
    }
    const type = frame[o++]!;
    let value: AttrValue;
    switch (type) {
      case ZclType.BOOL:
        value = frame[o++] === 1;
        break;
      case ZclType.BITMAP8:
      case ZclType.UINT8:
      case ZclType.ENUM8:
        value = frame[o++]!;
        break;
      case ZclType.UINT16:
        value = frame.readUInt16LE(o);
        o += 2;
        break;
      case ZclType.INT16:
        value = frame.readInt16LE(o);
        o += 2;
        break;
      case ZclType.UINT32:
      case ZclType.UTC:
        value = frame.readUInt32LE(o);
        o += 4;
        break;
      case ZclType.CHAR_STR:
      case ZclType.OCTET_STR: {
        const n = frame[o++]!;
        const body = frame.subarray(o, o + n);
        value = type === ZclType.CHAR_STR ? body.toString("utf8") : Buffer.from(body);
        o += n;
        break;
      }
      default:
        return out; // unknown type: the rest cannot be framed
    }
    out.push({ attrId, status, type, value });
  }
  return out;
}

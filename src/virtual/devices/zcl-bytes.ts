/**
 * The ZCL bytes an emulated Smart Energy client sends and understands: the frame header, Read Attributes
 * and its response, Default Response, and the payloads of the SE commands an IHD or PPMID exchanges
 * (domain.md §3–§7). Values of types up to 48 bits decode to numbers (exact below 2^53).
 */

export const FrameType = { global: 0, specific: 1 } as const;

export interface ZclHeader {
  frameType: 0 | 1;
  /** true: server → client. */
  serverToClient: boolean;
  disableDefaultResponse: boolean;
  manufacturerCode?: number;
  tsn: number;
  commandId: number;
}

export interface ZclFrame extends ZclHeader {
  payload: Buffer;
}

export const GlobalCommand = { read: 0x00, readResponse: 0x01, defaultResponse: 0x0b } as const;

export function encodeFrame(header: ZclHeader, payload: Buffer = Buffer.alloc(0)): Buffer {
  const manuf = header.manufacturerCode !== undefined;
  const fc =
    header.frameType |
    (manuf ? 0x04 : 0) |
    (header.serverToClient ? 0x08 : 0) |
    (header.disableDefaultResponse ? 0x10 : 0);
  const head = manuf
    ? Buffer.from([fc, header.manufacturerCode! & 0xff, header.manufacturerCode! >> 8, header.tsn, header.commandId])
    : Buffer.from([fc, header.tsn & 0xff, header.commandId]);
  return Buffer.concat([head, payload]);
}

export function decodeFrame(bytes: Buffer): ZclFrame {
  if (bytes.length < 3) throw new Error(`ZCL frame too short (${bytes.length} bytes)`);
  const fc = bytes[0]!;
  const manuf = (fc & 0x04) !== 0;
  if (manuf && bytes.length < 5) throw new Error("ZCL frame too short for a manufacturer code");
  const at = manuf ? 3 : 1;
  const frameType = (fc & 0x03) as 0 | 1;
  if (frameType > 1) throw new Error(`reserved ZCL frame type ${fc & 0x03}`);
  return {
    frameType,
    serverToClient: (fc & 0x08) !== 0,
    disableDefaultResponse: (fc & 0x10) !== 0,
    ...(manuf ? { manufacturerCode: bytes.readUInt16LE(1) } : {}),
    tsn: bytes[at]!,
    commandId: bytes[at + 1]!,
    payload: bytes.subarray(at + 2),
  };
}

/** ZCL data types used by the SE attributes a client reads. */
export const DataType = {
  bool: 0x10,
  bitmap8: 0x18,
  bitmap16: 0x19,
  bitmap24: 0x1a,
  bitmap32: 0x1b,
  uint8: 0x20,
  uint16: 0x21,
  uint24: 0x22,
  uint32: 0x23,
  uint40: 0x24,
  uint48: 0x25,
  int8: 0x28,
  int16: 0x29,
  int24: 0x2a,
  int32: 0x2b,
  int48: 0x2d,
  enum8: 0x30,
  enum16: 0x31,
  octetString: 0x41,
  charString: 0x42,
  utc: 0xe2,
} as const;

/** Width in bytes of fixed-size data types (data, bitmap, uint, int, enum, time, ids). */
function fixedWidth(type: number): { width: number; signed: boolean } | undefined {
  if (type >= 0x08 && type <= 0x0f) return { width: type - 0x07, signed: false };
  if (type === 0x10 || type === 0x30) return { width: 1, signed: false };
  if (type >= 0x18 && type <= 0x1f) return { width: type - 0x17, signed: false };
  if (type >= 0x20 && type <= 0x27) return { width: type - 0x1f, signed: false };
  if (type >= 0x28 && type <= 0x2f) return { width: type - 0x27, signed: true };
  if (type === 0x31 || type === 0xe8 || type === 0xe9) return { width: 2, signed: false };
  if (type === 0xe0 || type === 0xe1 || type === 0xe2 || type === 0xea) return { width: 4, signed: false };
  return undefined;
}

/** A little-endian cursor over a payload. Reads past the end throw. */
export class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  get remaining(): number {
    return this.buf.length - this.offset;
  }
  #need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new Error(`payload ends at byte ${this.buf.length}; needed ${n} more from byte ${this.offset}`);
    }
  }
  uint(width: number): number {
    this.#need(width);
    const v = this.buf.readUIntLE(this.offset, width);
    this.offset += width;
    return v;
  }
  int(width: number): number {
    this.#need(width);
    const v = this.buf.readIntLE(this.offset, width);
    this.offset += width;
    return v;
  }
  u8(): number {
    return this.uint(1);
  }
  u16(): number {
    return this.uint(2);
  }
  u24(): number {
    return this.uint(3);
  }
  u32(): number {
    return this.uint(4);
  }
  /** Length-prefixed string (octet or character string), as text. */
  string(): string {
    const n = this.u8();
    if (n === 0xff) return "";
    this.#need(n);
    const s = this.buf.subarray(this.offset, this.offset + n).toString("latin1");
    this.offset += n;
    return s;
  }
  /** Value of a ZCL data type. */
  value(type: number): number | string | boolean {
    const fixed = fixedWidth(type);
    if (fixed) {
      if (fixed.width > 6) throw new Error(`data type 0x${type.toString(16)} wider than 48 bits is not read here`);
      const v = fixed.signed ? this.int(fixed.width) : this.uint(fixed.width);
      return type === DataType.bool ? v !== 0 : v;
    }
    if (type === DataType.octetString || type === DataType.charString) return this.string();
    throw new Error(`unsupported ZCL data type 0x${type.toString(16).padStart(2, "0")}`);
  }
}

/** A growing little-endian writer. */
export class Writer {
  #parts: Buffer[] = [];
  uint(value: number, width: number): this {
    const b = Buffer.alloc(width);
    b.writeUIntLE(value, 0, width);
    this.#parts.push(b);
    return this;
  }
  int(value: number, width: number): this {
    const b = Buffer.alloc(width);
    b.writeIntLE(value, 0, width);
    this.#parts.push(b);
    return this;
  }
  u8(v: number): this {
    return this.uint(v, 1);
  }
  u16(v: number): this {
    return this.uint(v, 2);
  }
  u24(v: number): this {
    return this.uint(v, 3);
  }
  u32(v: number): this {
    return this.uint(v, 4);
  }
  string(s: string): this {
    const b = Buffer.from(s, "latin1");
    if (b.length > 254) throw new RangeError("ZCL string longer than 254 bytes");
    this.#parts.push(Buffer.from([b.length]), b);
    return this;
  }
  value(type: number, value: number | string | boolean): this {
    const fixed = fixedWidth(type);
    if (fixed) {
      const n = typeof value === "boolean" ? Number(value) : Number(value);
      return fixed.signed ? this.int(n, fixed.width) : this.uint(n, fixed.width);
    }
    if (type === DataType.octetString || type === DataType.charString) return this.string(String(value));
    throw new Error(`unsupported ZCL data type 0x${type.toString(16).padStart(2, "0")}`);
  }
  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

export interface AttributeRecord {
  attrId: number;
  status: number;
  type?: number;
  value?: number | string | boolean;
}

export function encodeReadRequest(attrIds: readonly number[]): Buffer {
  const w = new Writer();
  for (const id of attrIds) w.u16(id);
  return w.bytes();
}

export function decodeReadRequest(payload: Buffer): number[] {
  const r = new Reader(payload);
  const ids: number[] = [];
  while (r.remaining >= 2) ids.push(r.u16());
  return ids;
}

export function decodeReadResponse(payload: Buffer): AttributeRecord[] {
  const r = new Reader(payload);
  const out: AttributeRecord[] = [];
  while (r.remaining > 0) {
    const attrId = r.u16();
    const status = r.u8();
    if (status !== 0) {
      out.push({ attrId, status });
      continue;
    }
    const type = r.u8();
    out.push({ attrId, status, type, value: r.value(type) });
  }
  return out;
}

export function encodeReadResponse(records: readonly AttributeRecord[]): Buffer {
  const w = new Writer();
  for (const rec of records) {
    w.u16(rec.attrId).u8(rec.status);
    if (rec.status === 0) w.u8(rec.type!).value(rec.type!, rec.value!);
  }
  return w.bytes();
}

export function decodeDefaultResponse(payload: Buffer): { commandId: number; status: number } {
  const r = new Reader(payload);
  return { commandId: r.u8(), status: r.u8() };
}

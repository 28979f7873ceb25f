/**
 * One value of a ZCL data type, to and from bytes (little-endian). Decoders return `[value, nextOffset]`.
 *
 * Representation: integers, bitmaps, enums and UTC up to 48 bits → number; 56/64 bits → bigint; CHAR_STR →
 * string (UTF-8); OCTET_STR → Buffer; BOOLEAN → boolean (0/1; any other byte stays a number); IEEE_ADDR →
 * `0x` + 16 hex digits; SEC_KEY → Buffer; floats → number. Sentinels (0xFFFF …) stay plain numbers.
 */
import { eui64FromLe, eui64ToLe, hex } from "../hex.js";
import { violation, ZclDecodeError, ZclEncodeError } from "./errors.js";
import { DataType, dataTypeName } from "./types.js";

type Kind = "none" | "uint" | "int" | "bool" | "float" | "octets" | "chars" | "ieee" | "key";

interface TypeInfo {
  kind: Kind;
  /** Fixed size in bytes; for strings the size of the length prefix. */
  size: number;
}

const INFO = new Map<number, TypeInfo>();
function add(kind: Kind, size: number, ...types: number[]): void {
  for (const t of types) INFO.set(t, { kind, size });
}
add("none", 0, DataType.NO_DATA);
add("bool", 1, DataType.BOOLEAN);
const D = DataType;
for (let n = 1; n <= 8; n++) {
  const i = n - 1;
  add("uint", n, D.DATA8 + i, D.BITMAP8 + i, D.UINT8 + i);
  add("int", n, D.INT8 + i);
}
add("uint", 1, D.ENUM8);
add("uint", 2, D.ENUM16, D.CLUSTER_ID, D.ATTR_ID);
add("uint", 4, D.UTC, D.TOD, D.DATE, D.BAC_OID);
add("float", 2, D.SEMI_PREC);
add("float", 4, D.SINGLE_PREC);
add("float", 8, D.DOUBLE_PREC);
add("octets", 1, D.OCTET_STR);
add("chars", 1, D.CHAR_STR);
add("octets", 2, D.LONG_OCTET_STR);
add("chars", 2, D.LONG_CHAR_STR);
add("ieee", 8, D.IEEE_ADDR);
add("key", 16, D.SEC_KEY);

function info(type: number): TypeInfo | undefined {
  return INFO.get(type);
}

/** Whether the codec can carry values of this type. */
export function isSupportedType(type: number): boolean {
  return INFO.has(type);
}

/** Fixed encoded size of a type in bytes, or undefined for strings and unsupported types. */
export function fixedSize(type: number): number | undefined {
  const i = info(type);
  if (!i || i.kind === "octets" || i.kind === "chars") return undefined;
  return i.size;
}

/** Whether values of this type are numbers/bigints (integers, bitmaps, enums, times). */
export function isIntegerType(type: number): boolean {
  const k = info(type)?.kind;
  return k === "uint" || k === "int";
}

/** Whether values of the type need bigint (56- and 64-bit integers). */
export function isBigIntType(type: number): boolean {
  const i = info(type);
  return !!i && (i.kind === "uint" || i.kind === "int") && i.size > 6;
}

/** Inclusive range of an integer type, as bigint. */
export function integerRange(type: number): [bigint, bigint] | undefined {
  const i = info(type);
  if (!i || (i.kind !== "uint" && i.kind !== "int")) return undefined;
  const bits = BigInt(i.size * 8);
  return i.kind === "uint" ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** integerRange as numbers, for the types of at most 48 bits. */
const NUMBER_RANGE = new Map<number, [number, number]>(
  [...INFO.entries()]
    .filter(([, i]) => (i.kind === "uint" || i.kind === "int") && i.size <= 6)
    .map(([t]) => [t, integerRange(t)!.map(Number) as [number, number]]),
);

/** Whether a type is "analog" in ZCL terms (Configure Reporting then carries a reportable change). */
export function isAnalogType(type: number): boolean {
  return (
    (type >= D.UINT8 && type <= D.INT64) ||
    type === D.SEMI_PREC ||
    type === D.SINGLE_PREC ||
    type === D.DOUBLE_PREC ||
    type === D.TOD ||
    type === D.DATE ||
    type === D.UTC
  );
}

// ---------------------------------------------------------------- decoding

function need(buf: Uint8Array, offset: number, n: number, field: string, type: number): void {
  if (offset + n > buf.length) {
    throw new ZclDecodeError(
      field,
      offset,
      `truncated: ${dataTypeName(type)} needs ${n} byte(s), ${Math.max(0, buf.length - offset)} left`,
    );
  }
}

/** Decodes one value of `type` at `offset`. `field` names the value in errors. */
export function decodeValue(type: number, buf: Uint8Array, offset: number, field = "value"): [unknown, number] {
  const i = info(type);
  if (!i) throw new ZclDecodeError(field, offset, `data type ${dataTypeName(type)} is not supported`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (i.kind) {
    case "none":
      return [null, offset];
    case "bool": {
      need(b, offset, 1, field, type);
      const v = b[offset]!;
      if (v > 1 && v !== 0xff) violation(field, offset, `BOOLEAN ${hex(v, 2)} is not 0x00, 0x01 or 0xff (invalid)`);
      return [v === 0 ? false : v === 1 ? true : v, offset + 1];
    }
    case "uint":
    case "int": {
      need(b, offset, i.size, field, type);
      if (i.size <= 6) {
        const v = i.kind === "uint" ? b.readUIntLE(offset, i.size) : b.readIntLE(offset, i.size);
        return [v, offset + i.size];
      }
      let v = 0n;
      for (let k = i.size - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[offset + k]!);
      return [i.kind === "int" ? BigInt.asIntN(i.size * 8, v) : v, offset + i.size];
    }
    case "float": {
      need(b, offset, i.size, field, type);
      const v =
        i.size === 2
          ? halfToFloat(b.readUInt16LE(offset))
          : i.size === 4
            ? b.readFloatLE(offset)
            : b.readDoubleLE(offset);
      if (Number.isNaN(v)) {
        // NaN is the invalid value; a signalling or other non-canonical NaN reads as NaN but cannot be sent back
        const bits = b.subarray(offset, offset + i.size);
        if (!writeValue(type, v, field).equals(bits)) {
          violation(
            field,
            offset,
            `a NaN (${bits.toString("hex")}, little-endian) other than the quiet one; read as NaN`,
          );
        }
      }
      return [v, offset + i.size];
    }
    case "octets":
    case "chars": {
      need(b, offset, i.size, field, type);
      const len = i.size === 1 ? b[offset]! : b.readUInt16LE(offset);
      const invalid = i.size === 1 ? 0xff : 0xffff;
      const start = offset + i.size;
      if (len === invalid) {
        violation(field, offset, `length ${hex(len, i.size * 2)} (ZCL's invalid string), shown as empty`);
        return [i.kind === "chars" ? "" : Buffer.alloc(0), start];
      }
      if (start + len > b.length) {
        throw new ZclDecodeError(field, offset, `truncated: string length ${len}, ${b.length - start} byte(s) left`);
      }
      const bytes = Buffer.from(b.subarray(start, start + len));
      if (i.kind === "octets") return [bytes, start + len];
      const text = bytes.toString("utf8");
      if (Buffer.byteLength(text) !== len || !Buffer.from(text).equals(bytes)) {
        violation(field, start, "not valid UTF-8 (shown with U+FFFD for the bad bytes)");
      }
      return [text, start + len];
    }
    case "ieee": {
      need(b, offset, 8, field, type);
      return [eui64FromLe(b, offset), offset + 8];
    }
    case "key": {
      need(b, offset, 16, field, type);
      return [Buffer.from(b.subarray(offset, offset + 16)), offset + 16];
    }
  }
}

// ---------------------------------------------------------------- encoding

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  return String(value);
}

function toBigInt(type: number, value: unknown, field: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "boolean") return value ? 1n : 0n;
  throw new ZclEncodeError(field, `${dataTypeName(type)} needs an integer, got ${describe(value)}`);
}

/** Encodes one value of `type`. `field` names the value in errors. Throws ZclEncodeError when out of range. */
export function writeValue(type: number, value: unknown, field = "value"): Buffer {
  const i = info(type);
  if (!i) throw new ZclEncodeError(field, `data type ${dataTypeName(type)} is not supported`);
  switch (i.kind) {
    case "none":
      return Buffer.alloc(0);
    case "bool": {
      const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
      if (v !== 0 && v !== 1 && v !== 0xff)
        throw new ZclEncodeError(field, `BOOLEAN needs true, false, 0, 1 or 255, got ${describe(value)}`);
      return Buffer.from([v]);
    }
    case "uint":
    case "int": {
      const out = Buffer.alloc(i.size);
      if (i.size <= 6 && typeof value === "number" && Number.isInteger(value)) {
        const [lo, hi] = NUMBER_RANGE.get(type)!;
        if (value < lo || value > hi)
          throw new ZclEncodeError(field, `${value} is out of range for ${dataTypeName(type)} (${lo}..${hi})`);
        if (i.kind === "uint") out.writeUIntLE(value, 0, i.size);
        else out.writeIntLE(value, 0, i.size);
        return out;
      }
      const v = toBigInt(type, value, field);
      const [lo, hi] = integerRange(type)!;
      if (v < lo || v > hi)
        throw new ZclEncodeError(field, `${describe(value)} is out of range for ${dataTypeName(type)} (${lo}..${hi})`);
      let u = BigInt.asUintN(i.size * 8, v);
      for (let k = 0; k < i.size; k++) {
        out[k] = Number(u & 0xffn);
        u >>= 8n;
      }
      return out;
    }
    case "float": {
      if (typeof value !== "number")
        throw new ZclEncodeError(field, `${dataTypeName(type)} needs a number, got ${describe(value)}`);
      const out = Buffer.alloc(i.size);
      if (i.size === 2) out.writeUInt16LE(floatToHalf(value));
      else if (i.size === 4) out.writeFloatLE(value);
      else out.writeDoubleLE(value);
      return out;
    }
    case "octets":
    case "chars": {
      let bytes: Buffer;
      if (i.kind === "chars" && typeof value === "string") bytes = Buffer.from(value, "utf8");
      else if (i.kind === "octets" && (Buffer.isBuffer(value) || value instanceof Uint8Array))
        bytes = Buffer.from(value);
      else
        throw new ZclEncodeError(
          field,
          `${dataTypeName(type)} needs ${i.kind === "chars" ? "a string" : "a Buffer"}, got ${describe(value)}`,
        );
      const max = i.size === 1 ? 0xfe : 0xfffe;
      if (bytes.length > max)
        throw new ZclEncodeError(field, `${bytes.length} bytes is too long for ${dataTypeName(type)} (max ${max})`);
      const head = Buffer.alloc(i.size);
      if (i.size === 1) head[0] = bytes.length;
      else head.writeUInt16LE(bytes.length);
      return Buffer.concat([head, bytes]);
    }
    case "ieee": {
      if (typeof value === "string" && /^(0x)?[0-9a-fA-F]{16}$/.test(value)) return eui64ToLe(value);
      if (typeof value !== "bigint" || value < 0n || value >= 1n << 64n)
        throw new ZclEncodeError(field, `IEEE_ADDR needs 0x + 16 hex digits, got ${describe(value)}`);
      const out = Buffer.alloc(8);
      out.writeBigUInt64LE(value);
      return out;
    }
    case "key": {
      if (!(Buffer.isBuffer(value) || value instanceof Uint8Array) || value.length !== 16) {
        throw new ZclEncodeError(field, `SEC_KEY needs 16 bytes, got ${describe(value)}`);
      }
      return Buffer.from(value);
    }
  }
}

/** Encodes an attribute value of `type` (the bytes after the type id in a Write or Report record). */
export function encodeValue(type: number, value: unknown): Buffer {
  return writeValue(type, value, "value");
}

// ---------------------------------------------------------------- half precision

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function floatToHalf(f: number): number {
  if (Number.isNaN(f)) return 0x7e00;
  const sign = f < 0 || Object.is(f, -0) ? 0x8000 : 0;
  const a = Math.abs(f);
  if (a === Number.POSITIVE_INFINITY || a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const exp = Math.floor(Math.log2(a));
  const frac = Math.round((a / 2 ** exp - 1) * 1024);
  return frac === 1024 ? sign | ((exp + 16) << 10) : sign | ((exp + 15) << 10) | frac;
}

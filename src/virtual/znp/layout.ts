/**
 * Field layouts of MT command payloads and their codec: a layout is a list of named fields, each of a wire
 * kind (little-endian integers, IEEE addresses, length-prefixed buffers and lists). `decode` reads a payload
 * into an object keyed by field name, `encode` writes one back; the object types are derived from the
 * layouts, so a handler's request and response are typed by the table in commands.ts. No I/O.
 */

/**
 * Wire kinds. `ieee` is 8 bytes as on the wire (little-endian); `bytes` a fixed `length`; `buf8`/`buf16`
 * a u8/u16 length then that many bytes; `list8`/`list16` a u8 count then that many u8/u16 items; `rest`
 * whatever is left of the payload.
 */
export type FieldKind = "u8" | "i8" | "u16" | "u32" | "ieee" | "bytes" | "buf8" | "buf16" | "list8" | "list16" | "rest";

export interface Field<N extends string = string, K extends FieldKind = FieldKind> {
  readonly name: N;
  readonly kind: K;
  /** Byte length of a `bytes` field. */
  readonly length?: number;
}

export type Layout = readonly Field[];

type ValueOf<K extends FieldKind> = K extends "u8" | "i8" | "u16" | "u32"
  ? number
  : K extends "list8" | "list16"
    ? readonly number[]
    : Buffer;

/** The object a layout decodes to (and encodes from). */
export type Params<L extends Layout> = { [F in L[number] as F["name"]]: ValueOf<F["kind"]> };

export const u8 = <N extends string>(name: N) => ({ name, kind: "u8" }) as const;
export const i8 = <N extends string>(name: N) => ({ name, kind: "i8" }) as const;
export const u16 = <N extends string>(name: N) => ({ name, kind: "u16" }) as const;
export const u32 = <N extends string>(name: N) => ({ name, kind: "u32" }) as const;
export const ieee = <N extends string>(name: N) => ({ name, kind: "ieee" }) as const;
export const bytes = <N extends string>(name: N, length: number) => ({ name, kind: "bytes", length }) as const;
export const buf8 = <N extends string>(name: N) => ({ name, kind: "buf8" }) as const;
export const buf16 = <N extends string>(name: N) => ({ name, kind: "buf16" }) as const;
export const list8 = <N extends string>(name: N) => ({ name, kind: "list8" }) as const;
export const list16 = <N extends string>(name: N) => ({ name, kind: "list16" }) as const;
export const rest = <N extends string>(name: N) => ({ name, kind: "rest" }) as const;

/** A payload shorter than its layout, or a value that does not fit its field. */
export class LayoutError extends RangeError {}

function need(buf: Buffer, at: number, n: number, field: Field): void {
  if (at + n > buf.length)
    throw new LayoutError(`field '${field.name}' needs ${n} bytes at offset ${at}, the payload has ${buf.length}`);
}

/** Reads `data` as `layout`. Bytes past the layout are ignored (firmware reads what it needs). */
export function decode<L extends Layout>(layout: L, data: Buffer): Params<L> {
  const out: Record<string, unknown> = {};
  let o = 0;
  for (const f of layout) {
    switch (f.kind) {
      case "u8":
        need(data, o, 1, f);
        out[f.name] = data[o];
        o += 1;
        break;
      case "i8":
        need(data, o, 1, f);
        out[f.name] = data.readInt8(o);
        o += 1;
        break;
      case "u16":
        need(data, o, 2, f);
        out[f.name] = data[o]! | (data[o + 1]! << 8);
        o += 2;
        break;
      case "u32":
        need(data, o, 4, f);
        out[f.name] = data.readUInt32LE(o);
        o += 4;
        break;
      case "ieee":
      case "bytes": {
        const n = f.kind === "ieee" ? 8 : (f.length ?? 0);
        need(data, o, n, f);
        out[f.name] = data.subarray(o, o + n);
        o += n;
        break;
      }
      case "buf8":
      case "buf16": {
        const w = f.kind === "buf8" ? 1 : 2;
        need(data, o, w, f);
        const n = w === 1 ? data[o]! : data.readUInt16LE(o);
        o += w;
        need(data, o, n, f);
        out[f.name] = data.subarray(o, o + n);
        o += n;
        break;
      }
      case "list8":
      case "list16": {
        need(data, o, 1, f);
        const n = data[o]!;
        o += 1;
        const w = f.kind === "list8" ? 1 : 2;
        need(data, o, n * w, f);
        const items: number[] = new Array(n);
        for (let i = 0; i < n; i++, o += w) items[i] = w === 1 ? data[o]! : data.readUInt16LE(o);
        out[f.name] = items;
        break;
      }
      case "rest":
        out[f.name] = data.subarray(o);
        o = data.length;
        break;
    }
  }
  return out as Params<L>;
}

function sizeOf(f: Field, v: unknown): number {
  switch (f.kind) {
    case "u8":
    case "i8":
      return 1;
    case "u16":
      return 2;
    case "u32":
      return 4;
    case "ieee":
      return 8;
    case "bytes":
      return f.length ?? 0;
    case "buf8":
      return 1 + (v as Buffer).length;
    case "buf16":
      return 2 + (v as Buffer).length;
    case "list8":
      return 1 + (v as readonly number[]).length;
    case "list16":
      return 1 + 2 * (v as readonly number[]).length;
    case "rest":
      return (v as Buffer).length;
  }
}

/** Writes `values` as `layout`. A fixed-length field given a shorter buffer is zero-padded. */
export function encode<L extends Layout>(layout: L, values: Params<L>): Buffer {
  const v = values as Record<string, unknown>;
  let size = 0;
  for (const f of layout) {
    const x = v[f.name];
    if (x === undefined) throw new LayoutError(`field '${f.name}' has no value`);
    size += sizeOf(f, x);
  }
  const out = Buffer.alloc(size);
  let o = 0;
  for (const f of layout) {
    const x = v[f.name];
    switch (f.kind) {
      case "u8":
        out[o++] = (x as number) & 0xff;
        break;
      case "i8":
        out.writeInt8(x as number, o++);
        break;
      case "u16":
        out[o++] = (x as number) & 0xff;
        out[o++] = ((x as number) >> 8) & 0xff;
        break;
      case "u32":
        out.writeUInt32LE((x as number) >>> 0, o);
        o += 4;
        break;
      case "ieee":
      case "bytes": {
        const n = f.kind === "ieee" ? 8 : (f.length ?? 0);
        const b = x as Buffer;
        if (b.length > n) throw new LayoutError(`field '${f.name}' holds ${n} bytes, got ${b.length}`);
        b.copy(out, o);
        o += n;
        break;
      }
      case "buf8":
      case "buf16": {
        const b = x as Buffer;
        if (f.kind === "buf8") {
          if (b.length > 0xff) throw new LayoutError(`field '${f.name}' holds 255 bytes, got ${b.length}`);
          out[o++] = b.length;
        } else {
          out.writeUInt16LE(b.length, o);
          o += 2;
        }
        b.copy(out, o);
        o += b.length;
        break;
      }
      case "list8":
      case "list16": {
        const items = x as readonly number[];
        if (items.length > 0xff) throw new LayoutError(`field '${f.name}' holds 255 items, got ${items.length}`);
        out[o++] = items.length;
        for (const item of items) {
          if (f.kind === "list8") out[o++] = item & 0xff;
          else {
            out.writeUInt16LE(item & 0xffff, o);
            o += 2;
          }
        }
        break;
      }
      case "rest":
        (x as Buffer).copy(out, o);
        o += (x as Buffer).length;
        break;
    }
  }
  return out;
}

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

/**
 * The decoder of a layout, generated once as straight-line code: a per-frame decode is then a few typed
 * reads and one object literal of a fixed shape, not a loop over the fields with keys added one by one.
 */
type Decoder = (data: Buffer) => Record<string, unknown>;
const decoders = new WeakMap<Layout, Decoder>();

function short(layout: Layout, index: number, at: number, n: number, length: number): never {
  throw new LayoutError(`field '${layout[index]!.name}' needs ${n} bytes at offset ${at}, the payload has ${length}`);
}

function compileDecoder(layout: Layout): Decoder {
  const lines = ["let o = 0;"];
  const props: string[] = [];
  const need = (i: number, n: string) => `if (o + ${n} > d.length) short(L, ${i}, o, ${n}, d.length);`;
  layout.forEach((f, i) => {
    const v = `v${i}`;
    switch (f.kind) {
      case "u8":
        lines.push(need(i, "1"), `const ${v} = d[o]; o += 1;`);
        break;
      case "i8":
        lines.push(need(i, "1"), `const ${v} = d.readInt8(o); o += 1;`);
        break;
      case "u16":
        lines.push(need(i, "2"), `const ${v} = d[o] | (d[o + 1] << 8); o += 2;`);
        break;
      case "u32":
        lines.push(need(i, "4"), `const ${v} = d.readUInt32LE(o); o += 4;`);
        break;
      case "ieee":
      case "bytes": {
        const n = String(f.kind === "ieee" ? 8 : (f.length ?? 0));
        lines.push(need(i, n), `const ${v} = d.subarray(o, o + ${n}); o += ${n};`);
        break;
      }
      case "buf8":
        lines.push(
          need(i, "1"),
          `const n${i} = d[o]; o += 1;`,
          need(i, `n${i}`),
          `const ${v} = d.subarray(o, o + n${i}); o += n${i};`,
        );
        break;
      case "buf16":
        lines.push(need(i, "2"), `const n${i} = d[o] | (d[o + 1] << 8); o += 2;`, need(i, `n${i}`));
        lines.push(`const ${v} = d.subarray(o, o + n${i}); o += n${i};`);
        break;
      case "list8":
      case "list16": {
        const w = f.kind === "list8" ? 1 : 2;
        lines.push(need(i, "1"), `const n${i} = d[o]; o += 1;`, need(i, `n${i} * ${w}`));
        lines.push(`const ${v} = new Array(n${i});`);
        lines.push(
          `for (let k = 0; k < n${i}; k++, o += ${w}) ${v}[k] = ${w === 1 ? "d[o]" : "d[o] | (d[o + 1] << 8)"};`,
        );
        break;
      }
      case "rest":
        lines.push(`const ${v} = d.subarray(o); o = d.length;`);
        break;
    }
    props.push(`${JSON.stringify(f.name)}: ${v}`);
  });
  lines.push(`return { ${props.join(", ")} };`);
  const make = new Function("L", "short", `return (d) => { ${lines.join("\n")} };`) as (
    l: Layout,
    s: typeof short,
  ) => Decoder;
  return make(layout, short);
}

/** Reads `data` as `layout`. Bytes past the layout are ignored (firmware reads what it needs). */
export function decode<L extends Layout>(layout: L, data: Buffer): Params<L> {
  let d = decoders.get(layout);
  if (!d) {
    d = compileDecoder(layout);
    decoders.set(layout, d);
  }
  return d(data) as Params<L>;
}

/**
 * The encoder of a layout, generated once like its decoder: the size, then the fields written in place.
 * Buffers go in with TypedArray `set` (the size was checked first), not Buffer#copy, whose argument checks
 * V8 would otherwise compile into every encoder.
 */
export interface Encoder {
  /** Bytes the fields take. */
  size(v: Record<string, unknown>): number;
  /** Writes the fields into `out` at `offset` (room checked by the caller with `size`). */
  into(v: Record<string, unknown>, out: Buffer, offset: number): void;
}
const encoders = new WeakMap<Layout, Encoder>();

function missing(layout: Layout, index: number): never {
  throw new LayoutError(`field '${layout[index]!.name}' has no value`);
}

function tooLong(layout: Layout, index: number, max: number, got: number): never {
  throw new LayoutError(
    `field '${layout[index]!.name}' holds ${max} ${max === 255 ? "items or bytes" : "bytes"}, got ${got}`,
  );
}

function compileEncoder(layout: Layout): Encoder {
  const size = ["let n = 0;"];
  const into = ["let o = offset;"];
  layout.forEach((f, i) => {
    const x = `v[${JSON.stringify(f.name)}]`;
    size.push(`if (${x} === undefined) missing(L, ${i});`);
    switch (f.kind) {
      case "u8":
        size.push("n += 1;");
        into.push(`out[o++] = ${x} & 0xff;`);
        break;
      case "i8":
        size.push("n += 1;");
        into.push(`out.writeInt8(${x}, o++);`);
        break;
      case "u16":
        size.push("n += 2;");
        into.push(`{ const x = ${x}; out[o++] = x & 0xff; out[o++] = (x >> 8) & 0xff; }`);
        break;
      case "u32":
        size.push("n += 4;");
        into.push(`out.writeUInt32LE(${x} >>> 0, o); o += 4;`);
        break;
      case "ieee":
      case "bytes": {
        const n = f.kind === "ieee" ? 8 : (f.length ?? 0);
        size.push(`if (${x}.length > ${n}) tooLong(L, ${i}, ${n}, ${x}.length); n += ${n};`);
        into.push(
          `{ const b = ${x}; out.set(b, o); if (b.length < ${n}) out.fill(0, o + b.length, o + ${n}); o += ${n}; }`,
        );
        break;
      }
      case "buf8":
        size.push(`if (${x}.length > 255) tooLong(L, ${i}, 255, ${x}.length); n += 1 + ${x}.length;`);
        into.push(`{ const b = ${x}; out[o++] = b.length; out.set(b, o); o += b.length; }`);
        break;
      case "buf16":
        size.push(`n += 2 + ${x}.length;`);
        into.push(`{ const b = ${x}; out.writeUInt16LE(b.length, o); o += 2; out.set(b, o); o += b.length; }`);
        break;
      case "list8":
      case "list16": {
        const w = f.kind === "list8" ? 1 : 2;
        size.push(`if (${x}.length > 255) tooLong(L, ${i}, 255, ${x}.length); n += 1 + ${w} * ${x}.length;`);
        const item = w === 1 ? "out[o++] = a[k] & 0xff;" : "out.writeUInt16LE(a[k] & 0xffff, o); o += 2;";
        into.push(`{ const a = ${x}; out[o++] = a.length; for (let k = 0; k < a.length; k++) { ${item} } }`);
        break;
      }
      case "rest":
        size.push(`n += ${x}.length;`);
        into.push(`{ const b = ${x}; out.set(b, o); o += b.length; }`);
        break;
    }
  });
  size.push("return n;");
  const make = new Function(
    "L",
    "missing",
    "tooLong",
    `return { size: (v) => { ${size.join("\n")} }, into: (v, out, offset) => { ${into.join("\n")} } };`,
  ) as (l: Layout, m: typeof missing, t: typeof tooLong) => Encoder;
  return make(layout, missing, tooLong);
}

/** The encoder of `layout` (compiled on first use), for a caller that sizes and writes the same fields. */
export function encoderOf(layout: Layout): Encoder {
  let e = encoders.get(layout);
  if (!e) {
    e = compileEncoder(layout);
    encoders.set(layout, e);
  }
  return e;
}

/** Bytes `values` take as `layout`. */
export function encodedSize<L extends Layout>(layout: L, values: Params<L>): number {
  return encoderOf(layout).size(values as Record<string, unknown>);
}

/** Writes `values` as `layout`. A fixed-length field given a shorter buffer is zero-padded. */
export function encode<L extends Layout>(layout: L, values: Params<L>): Buffer {
  const e = encoderOf(layout);
  const out = Buffer.allocUnsafe(e.size(values as Record<string, unknown>));
  e.into(values as Record<string, unknown>, out, 0);
  return out;
}

/** Writes `values` as `layout` into `out` at `offset` (room checked by the caller with `encodedSize`). */
export function encodeInto<L extends Layout>(layout: L, values: Params<L>, out: Buffer, offset: number): void {
  encoderOf(layout).into(values as Record<string, unknown>, out, offset);
}

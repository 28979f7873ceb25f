/**
 * Cluster-specific command payloads: a list of ParamDefs ↔ bytes. Handles optional trailing fields,
 * conditional fields (`when`), lists and records counted by an earlier field or running to the frame end,
 * and raw remainders. Decoding errors carry the absolute byte offset in the frame.
 */
import { violation, ZclDecodeError, ZclEncodeError } from "./errors.js";
import type { ParamDef } from "./types.js";
import { decodeValue, fixedSize, isIntegerType, writeValue } from "./values.js";

type Payload = Record<string, unknown>;

function applies(p: ParamDef, fields: Payload): boolean {
  return !p.when || fields[p.when.field] === p.when.equals;
}

function countOf(p: ParamDef, fields: Payload): number | undefined {
  if (p.countField === undefined) return undefined;
  return Number(fields[p.countField]);
}

/** Decodes `params` from `buf` at `offset`. `where` prefixes field names in errors (e.g. the command name). */
export function decodeParams(
  params: readonly ParamDef[],
  buf: Uint8Array,
  offset: number,
  where: string,
): [Payload, number] {
  const out: Payload = {};
  let at = offset;
  for (const p of params) {
    if (!applies(p, out)) continue;
    if (p.optional && at >= buf.length) break;
    const field = `${where}.${p.name}`;
    [out[p.name], at] = decodeParam(p, buf, at, field, out);
  }
  return [out, at];
}

function decodeParam(p: ParamDef, buf: Uint8Array, at: number, field: string, fields: Payload): [unknown, number] {
  if (typeof p.type === "number") {
    const [value, end] = decodeValue(p.type, buf, at, field);
    const outside = outsideLimits(p, value);
    if (outside) violation(field, at, outside);
    return [value, end];
  }
  if (p.type === "rest") return [Buffer.from(buf.subarray(at)), buf.length];
  const count = countOf(p, fields);
  const items: unknown[] = [];
  const more = () => (count === undefined ? at < buf.length : items.length < count);
  while (more()) {
    const itemField = `${field}[${items.length}]`;
    let item: unknown;
    if (p.type === "list") {
      const size = fixedSize(p.of!);
      if (count === undefined && size !== undefined && buf.length - at < size) {
        throw new ZclDecodeError(itemField, at, `truncated: ${buf.length - at} byte(s) left, an item needs ${size}`);
      }
      [item, at] = decodeValue(p.of!, buf, at, itemField);
    } else {
      [item, at] = decodeParams(p.record!, buf, at, itemField);
    }
    items.push(item);
  }
  return [items, at];
}

/** Why a value is outside its parameter's limits (min, max, maxLen), if it is: the encoder refuses it. */
function outsideLimits(p: ParamDef, value: unknown): string | undefined {
  if (typeof p.type !== "number") return undefined;
  if (isIntegerType(p.type) && (typeof value === "number" || typeof value === "bigint")) {
    if (p.min !== undefined && value < p.min) return `${value} is below the minimum ${p.min}`;
    if (p.max !== undefined && value > p.max) return `${value} is above the maximum ${p.max}`;
  }
  if (p.maxLen !== undefined && (typeof value === "string" || Buffer.isBuffer(value))) {
    const len = typeof value === "string" ? Buffer.byteLength(value) : value.length;
    if (len > p.maxLen) return `${len} bytes is longer than the maximum ${p.maxLen}`;
  }
  return undefined;
}

function checkLimits(p: ParamDef, value: unknown, field: string): void {
  const outside = outsideLimits(p, value);
  if (outside) throw new ZclEncodeError(field, outside);
}

/** Adds the byte offset to an encode error raised without one. */
function at(offset: number, fn: () => Buffer): Buffer {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ZclEncodeError && err.offset === undefined)
      throw new ZclEncodeError(err.field, err.reason, offset);
    throw err;
  }
}

/**
 * Encodes `payload` by `params`. Unknown, missing, misplaced or out-of-range fields throw ZclEncodeError,
 * with the byte offset the field would have in the frame when `base` (the payload's offset) is given.
 */
export function encodeParams(params: readonly ParamDef[], payload: Payload, where: string, base = 0): Buffer {
  const known = new Set(params.map((p) => p.name));
  for (const key of Object.keys(payload)) {
    if (!known.has(key) && payload[key] !== undefined) {
      throw new ZclEncodeError(`${where}.${key}`, `unknown field (expected: ${[...known].join(", ") || "none"})`, base);
    }
  }
  const parts: Buffer[] = [];
  let offset = base;
  let absentOptional: string | undefined;
  for (const p of params) {
    const field = `${where}.${p.name}`;
    const value = payload[p.name];
    if (!applies(p, payload)) {
      if (value !== undefined) {
        throw new ZclEncodeError(field, `not expected unless ${p.when!.field} is ${p.when!.equals}`, offset);
      }
      continue;
    }
    if (value === undefined || value === null) {
      if (p.optional) {
        absentOptional ??= p.name;
        continue;
      }
      throw new ZclEncodeError(field, "missing", offset);
    }
    if (absentOptional !== undefined) {
      throw new ZclEncodeError(
        field,
        `cannot be given while the earlier optional field ${absentOptional} is absent`,
        offset,
      );
    }
    const start = offset;
    const bytes = at(start, () => encodeParam(p, value, field, payload, start));
    parts.push(bytes);
    offset += bytes.length;
  }
  return Buffer.concat(parts);
}

function encodeParam(p: ParamDef, value: unknown, field: string, fields: Payload, base: number): Buffer {
  if (typeof p.type === "number") {
    checkLimits(p, value, field);
    return writeValue(p.type, value, field);
  }
  if (p.type === "rest") {
    if (!(Buffer.isBuffer(value) || value instanceof Uint8Array)) throw new ZclEncodeError(field, "needs raw bytes");
    return Buffer.from(value);
  }
  if (!Array.isArray(value))
    throw new ZclEncodeError(field, `needs an array of ${p.type === "list" ? "values" : "records"}`);
  const count = countOf(p, fields);
  if (count !== undefined && count !== value.length) {
    throw new ZclEncodeError(field, `has ${value.length} item(s) but ${p.countField} is ${count}`);
  }
  const items: Buffer[] = [];
  let offset = base;
  value.forEach((item, i) => {
    const itemField = `${field}[${i}]`;
    const bytes = at(offset, () => {
      if (p.type === "list") return writeValue(p.of!, item, itemField);
      if (!item || typeof item !== "object") throw new ZclEncodeError(itemField, "needs a record object");
      return encodeParams(p.record!, item as Payload, itemField, offset);
    });
    items.push(bytes);
    offset += bytes.length;
  });
  return Buffer.concat(items);
}

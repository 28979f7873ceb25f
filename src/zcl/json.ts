/**
 * JSON presentation of frames, for people and the CLI. Conventions:
 * - UTC times are ISO-8601 strings ending in `Z`; on input, ISO strings or ZCL seconds;
 * - bitmaps with named bits are numbers, with `<field>Bits` (names of set bits) and, when the bitmap has
 *   multi-bit fields, `<field>Fields` alongside; on input either the number or `<field>Bits` is enough,
 *   and the extra keys are ignored;
 * - octet strings and raw bytes are lower-case hex strings; 56/64-bit integers are decimal strings;
 * - attribute records carry the attribute `name` when it is defined and the `typeName` of their data type
 *   (both ignored on input);
 * - a value with a special meaning (the definition's `special`, e.g. a DisplayMessage StartTime of 0 "now",
 *   a CoT date 0xFFFFFFFF "no CoT / invalid"; any UTC time 0xFFFFFFFF, ZCL's invalid time) gets
 *   `<field>Meaning` alongside, and a UTC time with one stays ZCL seconds rather than a date it does not
 *   mean (`<field>Meaning` is ignored on input; seconds are accepted).
 */
import { bitNames, bitsValue, fieldValues } from "./bits.js";
import { ZclEncodeError } from "./errors.js";
import type { ZclFrameInput } from "./frame.js";
import { attributeDef, clusterById, commandDef } from "./registry.js";
import { isoToZclUtc, zclUtcToIso } from "./time.js";
import { DataType, type Direction, dataTypeName, type ParamDef, type ValueLimits, type ZclFrame } from "./types.js";
import { isBigIntType } from "./values.js";
import { hex } from "../hex.js";

type Json = Record<string, unknown>;

const OCTETS = new Set<number>([DataType.OCTET_STR, DataType.LONG_OCTET_STR, DataType.SEC_KEY]);

function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Buffer.isBuffer(value)) return value.toString("hex");
  return value;
}

/** ZCL's invalid UTC time. */
const UTC_INVALID = 0xffff_ffff;

/** What a value means beyond its number, if anything: the definition's `special`, else ZCL's invalid time. */
function meaningOf(type: number, limits: ValueLimits | undefined, value: unknown): string | undefined {
  if (typeof value !== "number") return undefined;
  const special = limits?.special?.[value];
  if (special !== undefined) return special;
  if (type === DataType.UTC && value === UTC_INVALID) return "invalid (no time)";
  return undefined;
}

function valueToJson(type: number, value: unknown, limits?: ValueLimits): unknown {
  if (type === DataType.UTC && typeof value === "number") {
    return meaningOf(type, limits, value) === undefined ? zclUtcToIso(value) : value;
  }
  return plain(value);
}

/** Adds `<name>Bits` / `<name>Fields` for a bitmap value, `<name>Meaning` for a special one. */
function decorate(out: Json, name: string, limits: ValueLimits, value: unknown, type?: number): void {
  if (typeof value !== "number") return;
  if (limits.bits) out[`${name}Bits`] = bitNames(limits.bits, value);
  if (limits.fields) out[`${name}Fields`] = fieldValues(limits.fields, value);
  const meaning = type === undefined ? limits.special?.[value] : meaningOf(type, limits, value);
  if (meaning !== undefined) out[`${name}Meaning`] = meaning;
}

function paramsToJson(params: readonly ParamDef[], payload: Json): Json {
  const out: Json = {};
  for (const p of params) {
    if (!(p.name in payload)) continue;
    const v = payload[p.name];
    if (typeof p.type === "number") {
      out[p.name] = valueToJson(p.type, v, p);
      decorate(out, p.name, p, v, p.type);
    } else if (p.type === "list" && Array.isArray(v)) {
      out[p.name] = v.map((x) => valueToJson(p.of!, x));
    } else if (p.type === "records" && Array.isArray(v)) {
      out[p.name] = v.map((r) => paramsToJson(p.record!, r as Json));
    } else {
      out[p.name] = plain(v);
    }
  }
  return out;
}

/** Which side's attributes a global command carries: requests address the receiver, responses come from the sender. */
function attributeSideIsClient(command: string, direction: Direction): boolean {
  const request = ["read", "write", "writeUndiv", "writeNoRsp", "configureReporting", "discoverAttributes"].includes(
    command,
  );
  return request ? direction === "serverToClient" : direction === "clientToServer";
}

function globalToJson(clusterId: number, frame: ZclFrame): Json {
  const client = attributeSideIsClient(frame.command, frame.direction);
  const nameOf = (id: unknown) => (typeof id === "number" ? attributeDef(clusterId, id, { client })?.name : undefined);
  const p = frame.payload;
  const out: Json = { ...p };
  if (Array.isArray(p.attributes)) out.attributeNames = p.attributes.map((id) => nameOf(id) ?? null);
  if (Array.isArray(p.records)) {
    out.records = (p.records as Json[]).map((r) => {
      const rec: Json = {};
      const name = nameOf(r.attrId);
      const def = typeof r.attrId === "number" ? attributeDef(clusterId, r.attrId, { client }) : undefined;
      for (const [k, v] of Object.entries(r)) {
        rec[k] =
          (k === "value" || k === "reportableChange") && typeof r.type === "number"
            ? valueToJson(r.type, v, k === "value" ? def : undefined)
            : plain(v);
        if (k === "attrId" && name) rec.name = name;
        if (k === "type" && typeof v === "number") rec.typeName = dataTypeName(v);
      }
      if ("value" in r && typeof r.type === "number") decorate(rec, "value", def ?? {}, r.value, r.type);
      return rec;
    });
  }
  return out;
}

/** A decoded frame as plain JSON (see the conventions above). */
export function frameToJson(clusterId: number, frame: ZclFrame): Json {
  const cluster = clusterById(clusterId);
  const out: Json = {
    clusterId: hex(clusterId, 4),
    cluster: cluster?.name ?? null,
    frameType: frame.frameType,
    manufacturerSpecific: frame.manufacturerCode !== undefined,
    direction: frame.direction,
    disableDefaultResponse: frame.disableDefaultResponse,
  };
  if (frame.manufacturerCode !== undefined) out.manufacturerCode = frame.manufacturerCode;
  Object.assign(out, { tsn: frame.tsn, commandId: frame.commandId, command: frame.command });
  if (frame.frameType === "global") out.payload = globalToJson(clusterId, frame);
  else {
    const def = commandDef(clusterId, frame.direction, frame.commandId);
    out.payload = def ? paramsToJson(def.params, frame.payload) : frame.payload;
  }
  if (frame.violations) out.violations = frame.violations;
  return out;
}

// ---------------------------------------------------------------- input

function valueFromJson(type: number, value: unknown, field: string): unknown {
  if (type === DataType.UTC && typeof value === "string") {
    const utc = isoToZclUtc(value);
    if (utc === undefined) throw new ZclEncodeError(field, `"${value}" is not an ISO-8601 date-time with a zone (…Z)`);
    return utc;
  }
  if (isBigIntType(type) && (typeof value === "number" || typeof value === "string")) {
    try {
      return BigInt(value);
    } catch {
      throw new ZclEncodeError(field, `"${value}" is not an integer`);
    }
  }
  if (OCTETS.has(type) && typeof value === "string") return hexToBuffer(value, field);
  return value;
}

function hexToBuffer(text: string, field: string): Buffer {
  const clean = text.replace(/\s+/g, "").replace(/^0x/i, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new ZclEncodeError(field, `"${text}" is not hex bytes`);
  return Buffer.from(clean, "hex");
}

function paramsFromJson(params: readonly ParamDef[], json: Json, where: string): Json {
  const out: Json = {};
  const decorations = new Set<string>();
  for (const p of params) {
    const field = `${where}.${p.name}`;
    let v = json[p.name];
    if (p.bits) {
      const names = json[`${p.name}Bits`];
      if (v === undefined && Array.isArray(names)) {
        try {
          v = bitsValue(p.bits, names.map(String));
        } catch (err) {
          throw new ZclEncodeError(`${field}Bits`, (err as Error).message);
        }
      }
      decorations.add(`${p.name}Bits`);
    }
    if (p.fields) decorations.add(`${p.name}Fields`);
    decorations.add(`${p.name}Meaning`);
    if (v === undefined) continue;
    if (typeof p.type === "number") out[p.name] = valueFromJson(p.type, v, field);
    else if (p.type === "rest") out[p.name] = typeof v === "string" ? hexToBuffer(v, field) : v;
    else if (p.type === "list" && Array.isArray(v))
      out[p.name] = v.map((x, i) => valueFromJson(p.of!, x, `${field}[${i}]`));
    else if (p.type === "records" && Array.isArray(v)) {
      out[p.name] = v.map((r, i) =>
        r && typeof r === "object" ? paramsFromJson(p.record!, r as Json, `${field}[${i}]`) : r,
      );
    } else out[p.name] = v;
  }
  // Unknown keys pass through so that the codec reports them by name.
  for (const [k, v] of Object.entries(json))
    if (!(k in out) && !decorations.has(k) && !params.some((p) => p.name === k)) out[k] = v;
  return out;
}

function globalFromJson(json: Json): Json {
  const out: Json = { ...json };
  delete out.attributeNames;
  if (Array.isArray(json.records)) {
    out.records = (json.records as unknown[]).map((r, i) => {
      if (!r || typeof r !== "object") return r;
      const rec: Json = { ...(r as Json) };
      delete rec.name;
      delete rec.typeName;
      delete rec.valueBits;
      delete rec.valueFields;
      delete rec.valueMeaning;
      const f = `records[${i}]`;
      if (typeof rec.type === "number") {
        if ("value" in rec) rec.value = valueFromJson(rec.type, rec.value, `${f}.value`);
        if ("reportableChange" in rec)
          rec.reportableChange = valueFromJson(rec.type, rec.reportableChange, `${f}.reportableChange`);
      }
      return rec;
    });
  }
  return out;
}

/** Builds an encodable frame from JSON payload values (ISO times, hex strings, `<field>Bits` …). */
export function frameFromJson(
  clusterId: number,
  frame: Omit<ZclFrameInput, "payload"> & { payload: Json },
): ZclFrameInput {
  if (frame.frameType === "global") return { ...frame, payload: globalFromJson(frame.payload) };
  const def = commandDef(clusterId, frame.direction, frame.command || (frame.commandId ?? -1));
  if (!def) return frame;
  return { ...frame, payload: paramsFromJson(def.params, frame.payload, def.name) };
}

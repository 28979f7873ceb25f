/**
 * A ZCL frame of the evidence as a person reads it: one row per field, named as the Smart Energy cluster
 * definitions of src/zcl name it, decoded from the frame's own bytes (`raw`), so the report shows what went
 * over the air whatever form the producer gave its `payload`. UTC times are ISO dates (0xFFFFFFFF "not set"),
 * bitmaps hex with their set bits named, statuses by name, message texts in full. A frame src/zcl cannot
 * decode is shown field by field from its logged payload, with the decoder's complaint.
 */
import type { ZclEvent } from "../evidence/events.js";
import { hex } from "../hex.js";
import {
  type AttributeDef,
  attributeDef,
  bitNames,
  clusterById,
  commandDef,
  DataType,
  dataTypeName,
  decodeZcl,
  fieldValues,
  type ParamDef,
  Status,
  zclUtcToIso,
} from "../zcl/index.js";
import type { ValueLimits } from "../zcl/types.js";

export interface Field {
  name: string;
  value: string;
}

const STATUS_NAMES = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));
const NO_UTC = 0xffffffff;
const BITMAPS = new Set<number>([
  DataType.BITMAP8,
  DataType.BITMAP16,
  DataType.BITMAP24,
  DataType.BITMAP32,
  DataType.BITMAP40,
  DataType.BITMAP48,
  DataType.BITMAP56,
  DataType.BITMAP64,
]);

export function statusName(code: number): string {
  return `${STATUS_NAMES.get(code) ?? "status"} (${hex(code, 2)})`;
}

/** A value of a data type, with what its definition says about it (bits, fields, enum and special values). */
export function formatValue(type: number | undefined, value: unknown, limits: ValueLimits = {}): string {
  if (typeof value === "bigint") return value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("hex") || "(empty)";
  if (typeof value === "number") {
    if (limits.special?.[value] !== undefined) return `${limits.special[value]} (${value})`;
    if (limits.enumValues?.[value] !== undefined) return `${limits.enumValues[value]} (${value})`;
    if (type === DataType.UTC) return value === NO_UTC ? "not set (0xFFFFFFFF)" : zclUtcToIso(value);
    if (type !== undefined && BITMAPS.has(type)) {
      const width = Math.max(2, Math.ceil((type - DataType.BITMAP8 + 1) * 2));
      const parts = [hex(value >>> 0, width)];
      if (limits.bits) {
        const names = bitNames(limits.bits, value);
        parts.push(names.length ? names.join(", ") : "no bits set");
      }
      if (limits.fields)
        parts.push(
          Object.entries(fieldValues(limits.fields, value))
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
        );
      return parts.join(" · ");
    }
    return String(value);
  }
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value);
}

function attrName(clusterId: number, id: number, client: boolean): string {
  const def = attributeDef(clusterId, id, { client });
  return `${hex(id, 4)}${def ? ` ${def.name}` : ""}`;
}

function paramFields(params: readonly ParamDef[], payload: Record<string, unknown>, prefix = ""): Field[] {
  const out: Field[] = [];
  for (const p of params) {
    if (!(p.name in payload)) continue;
    const v = payload[p.name];
    const name = `${prefix}${p.name}`;
    if (p.type === "records" && Array.isArray(v) && p.record) {
      v.forEach((r, i) => {
        out.push(...paramFields(p.record!, r as Record<string, unknown>, `${name}[${i}].`));
      });
    } else if (p.type === "list" && Array.isArray(v)) {
      out.push({ name, value: v.map((x) => formatValue(p.of, x)).join(", ") || "(none)" });
    } else {
      out.push({ name, value: formatValue(typeof p.type === "number" ? p.type : undefined, v, p) });
    }
  }
  return out;
}

/** Attribute side of a global command: requests name the receiver's, responses the sender's. */
function clientSide(command: string, direction: ZclEvent["direction"]): boolean {
  const request = ["read", "write", "writeUndiv", "writeNoRsp", "configureReporting", "discoverAttributes"];
  return request.includes(command) ? direction === "serverToClient" : direction === "clientToServer";
}

function globalFields(
  clusterId: number,
  command: string,
  direction: ZclEvent["direction"],
  payload: Record<string, unknown>,
): Field[] {
  const client = clientSide(command, direction);
  if (Array.isArray(payload.attributes)) {
    return payload.attributes.map((id) => ({
      name: "attribute",
      value: typeof id === "number" ? attrName(clusterId, id, client) : String(id),
    }));
  }
  if (Array.isArray(payload.records)) {
    return (payload.records as Record<string, unknown>[]).map((r) => {
      const id = typeof r.attrId === "number" ? r.attrId : undefined;
      const def: AttributeDef | undefined = id === undefined ? undefined : attributeDef(clusterId, id, { client });
      const name = id === undefined ? "record" : attrName(clusterId, id, client);
      if (typeof r.status === "number" && r.status !== 0) return { name, value: statusName(r.status) };
      const type = typeof r.type === "number" ? r.type : def?.type;
      const typeText = type !== undefined ? ` (${dataTypeName(type)})` : "";
      if ("value" in r) return { name, value: `${formatValue(type, r.value, def)}${typeText}` };
      return { name, value: formatValue(undefined, r) };
    });
  }
  if (command === "defaultRsp" && typeof payload.status === "number") {
    return [
      { name: "command", value: hex(Number(payload.commandId), 2) },
      { name: "status", value: statusName(payload.status) },
    ];
  }
  return Object.entries(payload).map(([name, v]) => ({ name, value: formatValue(undefined, v) }));
}

/** The logged payload, flattened, for a frame that cannot be decoded from its bytes. */
function flatten(value: unknown, prefix: string, out: Field[]): Field[] {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) flatten(v, `${prefix}[${i}]`, out);
  } else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.push({ name: prefix || "payload", value: formatValue(undefined, value) });
  return out;
}

/** The payload of a frame, field by field. */
export function payloadFields(e: ZclEvent): Field[] {
  try {
    const frame = decodeZcl(e.clusterId, Buffer.from(e.raw ?? "", "hex"));
    if (frame.frameType === "global") return globalFields(e.clusterId, frame.command, frame.direction, frame.payload);
    const def = commandDef(e.clusterId, frame.direction, frame.commandId);
    return def ? paramFields(def.params, frame.payload) : flatten(frame.payload, "", []);
  } catch (err) {
    return [
      ...flatten(e.payload ?? {}, "", []),
      { name: "decoding", value: `the frame bytes do not decode: ${(err as Error).message}` },
    ];
  }
}

/** Header and payload of a frame as rows (the frame's `violations`, when the producer lists any, last). */
export function zclFields(e: ZclEvent): Field[] {
  const cluster = clusterById(e.clusterId)?.name ?? e.cluster;
  const rows: Field[] = [
    { name: "cluster", value: `${hex(e.clusterId, 4)}${cluster ? ` ${cluster}` : ""}` },
    { name: "command", value: `${e.command} (${e.frameType} ${hex(e.commandId, 2)}, ${e.direction})` },
    { name: "TSN", value: String(e.tsn) },
    ...payloadFields(e),
  ];
  for (const v of e.violations ?? [])
    rows.push({ name: "spec violation", value: `${v.field} (byte ${v.offset}): ${v.what}` });
  return rows;
}

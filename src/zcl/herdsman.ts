/**
 * The cluster records as zigbee-herdsman `Cluster` objects, for `device.addCustomCluster(name, cluster)` and
 * `Zcl.Frame.fromBuffer(clusterId, header, buf, customClusters)`.
 *
 * What herdsman can and cannot express:
 * - Sentinels: herdsman turns a value equal to its type's non-value (0xFFFF, 0xFFFFFFFF, INT32 min …) into
 *   NaN unless it equals the parameter's `min`/`max` or is a key of `special`. Every integer parameter and
 *   attribute here gets the non-value as its `max` (unsigned) or `min` (signed), so sentinels stay numbers.
 * - Optional trailing fields: `MINIMUM_REMAINING_BUFFER_BYTES` with the field's size.
 * - `when` conditions: `FIELD_EQUAL`.
 * - Lists of uint8/16/24/32 counted by the immediately preceding parameter: `LIST_UINT8..32`.
 * - Attributes by side: herdsman finds an attribute by id alone, so a client attribute sharing its id with a
 *   server attribute (KeyEstablishmentSuite) is left out and read under the server attribute's name.
 * - NOT expressible: repeated records of mixed fields (PublishTopUpLog, PublishDebtLog,
 *   ReportEventConfiguration, ScheduleSnapshot), lists running to the end of the frame, and raw remainders.
 *   These become one `BUFFER` parameter holding the raw bytes; decode them with `decodeParams`.
 *
 * `seMetering` is returned complete (herdsman's attributes with the id bugs fixed, plus the Alternative
 * Historical set and the command payloads). Registered with `addCustomCluster("seMetering", …)` it is merged
 * into herdsman's own definition: attribute keys are herdsman's names, so the buggy entries are replaced, and
 * each command replaces herdsman's entry of the same id (herdsman's key, e.g. `getProfileRsp`, then holds our
 * `getProfileResponse`, also keyed by our name), so every id decodes to our name and payload.
 */
import { ZCL_TYPE_INVALID_BY_TYPE } from "zigbee-herdsman/dist/zspec/zcl/definition/datatypes.js";
import type { Attribute, Cluster, Command, Parameter } from "zigbee-herdsman/dist/zspec/zcl/definition/tstype.js";
import { BuffaloZclDataType, Clusters, ParameterCondition } from "zigbee-herdsman/dist/zspec/zcl/index.js";
import { CLUSTERS } from "./registry.js";
import { DataType } from "./types.js";
import type { AttributeDef, ClusterDef, CommandDef, ParamDef, ValueLimits } from "./types.js";
import { fixedSize } from "./values.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const LIST_TYPES: Readonly<Record<number, BuffaloZclDataType>> = {
  [DataType.UINT8]: BuffaloZclDataType.LIST_UINT8,
  [DataType.UINT16]: BuffaloZclDataType.LIST_UINT16,
  [DataType.UINT24]: BuffaloZclDataType.LIST_UINT24,
  [DataType.UINT32]: BuffaloZclDataType.LIST_UINT32,
};

/** min/max/special/maxLen for herdsman, keeping sentinels as plain values. */
function restrictions(type: number, def: ValueLimits): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const invalid = (ZCL_TYPE_INVALID_BY_TYPE as Record<number, number | bigint | undefined>)[type];
  if (invalid !== undefined) {
    if (invalid > 0) out.max = invalid;
    else out.min = invalid;
  }
  if (def.special) out.special = Object.fromEntries(Object.entries(def.special));
  if (def.maxLen !== undefined) out.maxLen = def.maxLen;
  return out;
}

function toParameter(p: ParamDef, previous: ParamDef | undefined): Parameter {
  const out: Mutable<Parameter> & Record<string, unknown> = { name: p.name, type: BuffaloZclDataType.BUFFER };
  if (typeof p.type === "number") {
    out.type = p.type;
    Object.assign(out, restrictions(p.type, p));
  } else if (
    p.type === "list" &&
    p.of !== undefined &&
    LIST_TYPES[p.of] !== undefined &&
    p.countField === previous?.name
  ) {
    out.type = LIST_TYPES[p.of]!;
  }
  const conditions: Exclude<Parameter["conditions"], undefined>[number][] = [];
  if (p.optional) {
    const size = typeof p.type === "number" ? (fixedSize(p.type) ?? 1) : 1;
    conditions.push({ type: ParameterCondition.MINIMUM_REMAINING_BUFFER_BYTES, value: size });
  }
  if (p.when) conditions.push({ type: ParameterCondition.FIELD_EQUAL, field: p.when.field, value: p.when.equals });
  if (conditions.length) out.conditions = conditions;
  return out;
}

function toCommand(c: CommandDef): Command {
  const parameters = c.params.map((p, i) => toParameter(p, c.params[i - 1]));
  return { ID: c.id, name: c.name, parameters, ...(c.response !== undefined ? { response: c.response } : {}) };
}

function toAttribute(a: AttributeDef): Attribute {
  return {
    ID: a.id,
    name: a.name,
    type: a.type,
    ...(a.writable ? { write: true } : {}),
    ...(a.client ? { client: true } : {}),
    ...(a.required ? { required: true } : {}),
    ...restrictions(a.type, a),
  } as Attribute;
}

/** Keys of herdsman's own commands by id, so an override replaces rather than duplicates them. */
function herdsmanKeys(name: string, list: "commands" | "commandsResponse"): Map<number, string> {
  const existing = (Clusters as Record<string, Cluster | undefined>)[name];
  return new Map(Object.entries(existing?.[list] ?? {}).map(([key, c]) => [c.ID, key]));
}

/**
 * Commands keyed by herdsman's key for the same id (so a merge replaces herdsman's entry) and also by our
 * name when it differs (so `Frame.create(…, "getProfileResponse", …)` works); both keys hold one definition.
 */
function commandRecord(def: ClusterDef, list: "commands" | "commandsResponse"): Record<string, Command> {
  const keys = herdsmanKeys(def.name, list);
  const out: Record<string, Command> = {};
  for (const c of def[list]) {
    const command = toCommand(c);
    out[keys.get(c.id) ?? c.name] = command;
    out[c.name] = command;
  }
  return out;
}

/**
 * A client attribute with the id of a server attribute (Key Establishment's KeyEstablishmentSuite, 0x0000 on
 * both sides). herdsman looks attributes up by id alone, whatever the side, so such a pair cannot both be
 * registered: the server's is kept, and herdsman reads the client's under the server's name.
 */
function shadowed(def: ClusterDef, a: AttributeDef): boolean {
  return !!a.client && def.attributes.some((b) => !b.client && b.id === a.id);
}

/**
 * Attributes keyed by our name, and also by herdsman's key for the same id when herdsman names it otherwise
 * and we have no attribute of that name (metering 0x001C): a merge then replaces herdsman's entry instead of
 * leaving two names for one id. Names of herdsman's that are ours too (its id bugs, §4.5) are left alone.
 */
function attributeRecord(def: ClusterDef): Record<string, Attribute> {
  const ours = new Set(def.attributes.map((a) => a.name));
  const existing = (Clusters as Record<string, Cluster | undefined>)[def.name];
  const keys = new Map<number, string>();
  for (const [key, a] of Object.entries(existing?.attributes ?? {})) if (!ours.has(key)) keys.set(a.ID, key);
  const out: Record<string, Attribute> = {};
  for (const a of def.attributes.filter((x) => !shadowed(def, x))) {
    const attribute = toAttribute(a);
    const theirs = keys.get(a.id);
    if (theirs !== undefined) out[theirs] = attribute;
    out[a.name] = attribute;
  }
  return out;
}

function toCluster(def: ClusterDef): Cluster {
  return {
    ID: def.id,
    name: def.name,
    attributes: attributeRecord(def),
    commands: commandRecord(def, "commands"),
    commandsResponse: commandRecord(def, "commandsResponse"),
  };
}

/** Clusters herdsman lacks (or gets wrong), keyed by herdsman-style name. genBasic and genTime are left to herdsman. */
const REGISTERED = [
  "sePrice",
  "seMetering",
  "seMessaging",
  "sePrepayment",
  "seDeviceManagement",
  "seEvents",
  "seKeyEstablishment",
];

let cache: Record<string, Cluster> | undefined;

/**
 * herdsman `Cluster` objects by name, for `addCustomCluster(name, cluster)` (re-add them to every device after
 * every start and on join: herdsman does not persist them) and as `customClusters` of `Zcl.Frame.fromBuffer`.
 */
export function herdsmanClusters(): Record<string, Cluster> {
  cache ??= Object.freeze(
    Object.fromEntries(CLUSTERS.filter((c) => REGISTERED.includes(c.name)).map((c) => [c.name, toCluster(c)])),
  );
  return cache;
}

/**
 * Builders for the declarative cluster records. `defineCluster` checks a record (unique ids and names,
 * supported types, count fields that exist earlier) and deep-freezes it, so a bad table fails at load.
 */
import type { AttributeDef, ClusterDef, CommandDef, ParamDef } from "./types.js";
import { isIntegerType, isSupportedType } from "./values.js";

type Extra<T> = Omit<T, "id" | "name" | "type" | "params">;

export function attr(id: number, name: string, type: number, extra: Extra<AttributeDef> = {}): AttributeDef {
  return { id, name, type, ...extra };
}

export function param(name: string, type: ParamDef["type"], extra: Omit<ParamDef, "name" | "type"> = {}): ParamDef {
  return { name, type, ...extra };
}

export function cmd(id: number, name: string, params: ParamDef[] = [], extra: { response?: number } = {}): CommandDef {
  return { id, name, params, ...extra };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function checkParams(where: string, params: readonly ParamDef[]): void {
  const seen = new Map<string, ParamDef>();
  let sawOptional = false;
  params.forEach((p, i) => {
    const at = `${where}.${p.name}`;
    const unbounded = p.type === "rest" || ((p.type === "list" || p.type === "records") && p.countField === undefined);
    if (unbounded && i !== params.length - 1) throw new Error(`${at}: a field running to the frame end must be last`);
    if (seen.has(p.name)) throw new Error(`${at}: duplicate parameter name`);
    if (sawOptional && !p.optional) throw new Error(`${at}: a required parameter after an optional one`);
    sawOptional ||= !!p.optional;
    if (typeof p.type === "number") {
      if (!isSupportedType(p.type)) throw new Error(`${at}: unsupported data type ${p.type}`);
    } else if (p.type === "list") {
      if (p.of === undefined || !isSupportedType(p.of)) throw new Error(`${at}: list needs a supported element type`);
    } else if (p.type === "records") {
      if (!p.record?.length) throw new Error(`${at}: records need their fields`);
      checkParams(at, p.record);
    }
    if (p.countField !== undefined) {
      const c = seen.get(p.countField);
      if (!c || typeof c.type !== "number" || !isIntegerType(c.type)) {
        throw new Error(`${at}: count field '${p.countField}' must be an earlier integer parameter`);
      }
    }
    if (p.when && !seen.has(p.when.field))
      throw new Error(`${at}: condition field '${p.when.field}' must come earlier`);
    seen.set(p.name, p);
  });
}

function checkCommands(cluster: string, dir: string, list: readonly CommandDef[]): void {
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const c of list) {
    if (ids.has(c.id)) throw new Error(`${cluster}.${dir}: duplicate command id ${c.id}`);
    if (names.has(c.name)) throw new Error(`${cluster}.${dir}: duplicate command name ${c.name}`);
    ids.add(c.id);
    names.add(c.name);
    checkParams(`${cluster}.${c.name}`, c.params);
  }
}

/**
 * Checks and freezes one cluster record. Attribute ids are unique per side (server / client); names are
 * unique across both sides (herdsman keys attributes by name).
 */
export function defineCluster(def: ClusterDef): ClusterDef {
  const seen = new Set<string>();
  for (const a of def.attributes) {
    const side = a.client ? "client" : "server";
    for (const key of [`${side} attribute id ${a.id}`, `attribute name ${a.name}`]) {
      if (seen.has(key)) throw new Error(`${def.name}: duplicate ${key}`);
      seen.add(key);
    }
    if (!isSupportedType(a.type)) throw new Error(`${def.name}.${a.name}: unsupported data type ${a.type}`);
  }
  checkCommands(def.name, "commands", def.commands);
  checkCommands(def.name, "commandsResponse", def.commandsResponse);
  return deepFreeze(def);
}

/** The AttributeReportingStatus attribute (0xFFFE) every Smart Energy cluster carries. */
export const attributeReportingStatus = (): AttributeDef =>
  attr(0xfffe, "attributeReportingStatus", 0x30, { enumValues: { 0: "pending", 1: "attributeReportingComplete" } });

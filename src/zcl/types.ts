/**
 * ZCL data type ids (ZCL spec, Table 2-10) and the shapes of the declarative cluster definitions.
 * Definitions are data only; the codec (values.ts, payload.ts, foundation.ts, frame.ts) reads them.
 */
import { hex } from "../hex.js";
import type { ZclViolation } from "./errors.js";

/** ZCL data type ids. */
export const DataType = {
  NO_DATA: 0x00,
  DATA8: 0x08,
  DATA16: 0x09,
  DATA24: 0x0a,
  DATA32: 0x0b,
  DATA40: 0x0c,
  DATA48: 0x0d,
  DATA56: 0x0e,
  DATA64: 0x0f,
  BOOLEAN: 0x10,
  BITMAP8: 0x18,
  BITMAP16: 0x19,
  BITMAP24: 0x1a,
  BITMAP32: 0x1b,
  BITMAP40: 0x1c,
  BITMAP48: 0x1d,
  BITMAP56: 0x1e,
  BITMAP64: 0x1f,
  UINT8: 0x20,
  UINT16: 0x21,
  UINT24: 0x22,
  UINT32: 0x23,
  UINT40: 0x24,
  UINT48: 0x25,
  UINT56: 0x26,
  UINT64: 0x27,
  INT8: 0x28,
  INT16: 0x29,
  INT24: 0x2a,
  INT32: 0x2b,
  INT40: 0x2c,
  INT48: 0x2d,
  INT56: 0x2e,
  INT64: 0x2f,
  ENUM8: 0x30,
  ENUM16: 0x31,
  SEMI_PREC: 0x38,
  SINGLE_PREC: 0x39,
  DOUBLE_PREC: 0x3a,
  OCTET_STR: 0x41,
  CHAR_STR: 0x42,
  LONG_OCTET_STR: 0x43,
  LONG_CHAR_STR: 0x44,
  ARRAY: 0x48,
  STRUCT: 0x4c,
  SET: 0x50,
  BAG: 0x51,
  TOD: 0xe0,
  DATE: 0xe1,
  UTC: 0xe2,
  CLUSTER_ID: 0xe8,
  ATTR_ID: 0xe9,
  BAC_OID: 0xea,
  IEEE_ADDR: 0xf0,
  SEC_KEY: 0xf1,
  UNKNOWN: 0xff,
} as const;

export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** Name of a data type id (`UTC`, `BITMAP32`), or `0xNN` when unknown. */
export function dataTypeName(type: number): string {
  for (const [name, id] of Object.entries(DataType)) if (id === type) return name;
  return hex(type, 2);
}

/**
 * A named multi-bit field inside a bitmap, e.g. MessageControl bits 0–1 "transmission".
 * `values[i]` names the field value i (shifted down to bit 0).
 */
export interface BitField {
  mask: number;
  values: readonly string[];
}

/** Presentation and limits shared by attributes and parameters. */
export interface ValueLimits {
  /** Smallest / largest accepted value, when narrower than the type's range (encode only). */
  min?: number;
  max?: number;
  /** Longest accepted string in bytes (octet and character strings; encode only). */
  maxLen?: number;
  /** Named single bits of a bitmap (name → mask). */
  bits?: Readonly<Record<string, number>>;
  /** Named multi-bit fields of a bitmap. */
  fields?: Readonly<Record<string, BitField>>;
  /** Values with a special meaning (e.g. 0xFFFF "untilChanged"). They stay plain numbers when decoded. */
  special?: Readonly<Record<number, string>>;
  /** Names of enum values. */
  enumValues?: Readonly<Record<number, string>>;
}

export interface AttributeDef extends ValueLimits {
  id: number;
  name: string;
  type: number;
  /** Writable by a remote device (default read-only). */
  writable?: boolean;
  /** A client-side attribute (held by the client, e.g. Device Management event configuration). */
  client?: boolean;
  /** Mandatory in the cluster's specification. */
  required?: boolean;
}

/**
 * Parameter kinds beyond plain data types:
 * - `list`: repeated values of type `of`;
 * - `records`: repeated records of the fields in `record`;
 * - `rest`: the remaining bytes of the frame, kept raw as a Buffer (payloads not modelled field by field).
 * A `list` or `records` parameter repeats `countField` times (an earlier numeric field), or up to the frame end.
 */
export type ParamKind = "list" | "records" | "rest";

export interface ParamDef extends ValueLimits {
  name: string;
  type: number | ParamKind;
  /** A trailing field that may be absent: decoded only when bytes remain, encoded only when given. */
  optional?: boolean;
  /** Present only when an earlier field of the same payload has this value. */
  when?: { field: string; equals: number };
  /** Element type of a `list`. */
  of?: number;
  /** Fields of one record of a `records` parameter. */
  record?: readonly ParamDef[];
  /** Number of items of a `list`/`records`: the value of this earlier field. Without it: up to the frame end. */
  countField?: string;
}

export interface CommandDef {
  id: number;
  name: string;
  params: readonly ParamDef[];
  /** Id of the command in the opposite direction that answers this one. */
  response?: number;
}

export interface ClusterDef {
  id: number;
  /** herdsman-style name, e.g. `seDeviceManagement`. */
  name: string;
  /** Other names accepted by `clusterByName` (e.g. `deviceManagement`). */
  aliases?: readonly string[];
  attributes: readonly AttributeDef[];
  /** Client → server. */
  commands: readonly CommandDef[];
  /** Server → client. */
  commandsResponse: readonly CommandDef[];
}

export type Direction = "clientToServer" | "serverToClient";
export type FrameType = "global" | "specific";

/** A decoded (or to-be-encoded) ZCL frame. Payload field names are camelCase. */
export interface ZclFrame {
  frameType: FrameType;
  direction: Direction;
  disableDefaultResponse: boolean;
  manufacturerCode?: number;
  tsn: number;
  commandId: number;
  command: string;
  payload: Record<string, unknown>;
  /** What the frame holds that the specification does not allow, read leniently (absent when nothing). */
  violations?: ZclViolation[];
}

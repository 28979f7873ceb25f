/**
 * Global (profile-wide) commands. Payload shapes:
 *   read {attributes: number[]}; readRsp {records: {attrId, status, type?, value?}[]} (as ReadRecord in src/hub/types.ts);
 *   write / writeUndiv / writeNoRsp {records: {attrId, type, value}[]}; writeRsp {records: {status, attrId?}[]}
 *   (one SUCCESS record without attrId is the short all-success form); report {records: {attrId, type, value}[]};
 *   configureReporting {records: {direction, attrId, type?, minInterval?, maxInterval?, reportableChange?, timeout?}[]};
 *   configureReportingRsp {records: {status, direction?, attrId?}[]}; defaultRsp {commandId, status};
 *   discoverAttributes {startAttrId, maxAttrIds}; discoverAttributesRsp {discoveryComplete: boolean, records: {attrId, type}[]}.
 */
import { violation, ZclDecodeError, ZclEncodeError } from "./errors.js";
import { DataType } from "./types.js";
import { decodeValue, isAnalogType, writeValue } from "./values.js";
import { hex } from "../hex.js";

type Payload = Record<string, unknown>;
type Rec = Record<string, unknown>;

export interface GlobalCommand {
  id: number;
  name: string;
  /** Other accepted names (herdsman's). */
  aliases?: readonly string[];
  decode(buf: Uint8Array, offset: number): [Payload, number];
  encode(payload: Payload): Buffer;
}

const u8 = (v: unknown, f: string) => writeValue(DataType.UINT8, v, f);
const u16 = (v: unknown, f: string) => writeValue(DataType.UINT16, v, f);
const rd = (type: number, buf: Uint8Array, at: number, f: string) => decodeValue(type, buf, at, f) as [number, number];

function records(payload: Payload, name: string): Rec[] {
  const r = payload.records;
  if (!Array.isArray(r)) throw new ZclEncodeError(`${name}.records`, "needs an array of records");
  return r.map((x, i) => {
    if (!x || typeof x !== "object") throw new ZclEncodeError(`${name}.records[${i}]`, "needs a record object");
    return x as Rec;
  });
}

/** Repeats `one` until the end of the buffer. */
function untilEnd<T>(buf: Uint8Array, at: number, one: (at: number, i: number) => [T, number]): [T[], number] {
  const out: T[] = [];
  while (at < buf.length) {
    let item: T;
    [item, at] = one(at, out.length);
    out.push(item);
  }
  return [out, at];
}

function typedValue(rec: Rec, f: string): Buffer {
  const type = rec.type;
  if (typeof type !== "number") throw new ZclEncodeError(`${f}.type`, "needs a data type id");
  return Buffer.concat([u8(type, `${f}.type`), writeValue(type, rec.value, `${f}.value`)]);
}

function readTyped(buf: Uint8Array, at: number, f: string): [{ type: number; value: unknown }, number] {
  const [type, a1] = rd(DataType.UINT8, buf, at, `${f}.type`);
  const [value, a2] = decodeValue(type, buf, a1, `${f}.value`);
  return [{ type, value }, a2];
}

/** Records {attrId, type, value}: write, writeUndiv, writeNoRsp and report. */
function attributeValueCommand(id: number, name: string, aliases?: string[]): GlobalCommand {
  return {
    id,
    name,
    ...(aliases ? { aliases } : {}),
    decode(buf, offset) {
      const [recs, at] = untilEnd(buf, offset, (a, i) => {
        const f = `${name}.records[${i}]`;
        const [attrId, a1] = rd(DataType.UINT16, buf, a, `${f}.attrId`);
        const [tv, a2] = readTyped(buf, a1, f);
        return [{ attrId, ...tv }, a2];
      });
      return [{ records: recs }, at];
    },
    encode(payload) {
      return Buffer.concat(
        records(payload, name).map((r, i) => {
          const f = `${name}.records[${i}]`;
          return Buffer.concat([u16(r.attrId, `${f}.attrId`), typedValue(r, f)]);
        }),
      );
    },
  };
}

/** Status records whose all-success form is one SUCCESS byte: writeRsp, configureReportingRsp. */
function statusRecordsCommand(id: number, name: string, withDirection: boolean, aliases: string[]): GlobalCommand {
  return {
    id,
    name,
    aliases,
    decode(buf, offset) {
      if (buf.length - offset === 1) {
        const [status, at] = rd(DataType.UINT8, buf, offset, `${name}.records[0].status`);
        if (status !== 0) {
          violation(
            `${name}.records[0]`,
            offset,
            `status ${hex(status, 2)} without an attribute id (only SUCCESS may stand alone)`,
          );
        }
        return [{ records: [{ status }] }, at];
      }
      const [recs, at] = untilEnd(buf, offset, (a, i) => {
        const f = `${name}.records[${i}]`;
        const rec: Rec = {};
        [rec.status, a] = rd(DataType.UINT8, buf, a, `${f}.status`);
        if (withDirection) [rec.direction, a] = rd(DataType.UINT8, buf, a, `${f}.direction`);
        [rec.attrId, a] = rd(DataType.UINT16, buf, a, `${f}.attrId`);
        return [rec, a];
      });
      return [{ records: recs }, at];
    },
    encode(payload) {
      const recs = records(payload, name);
      if (recs.length === 1 && recs[0]!.status === 0 && recs[0]!.attrId === undefined) return Buffer.from([0]);
      return Buffer.concat(
        recs.map((r, i) => {
          const f = `${name}.records[${i}]`;
          const parts = [u8(r.status, `${f}.status`)];
          if (withDirection) parts.push(u8(r.direction ?? 0, `${f}.direction`));
          parts.push(u16(r.attrId, `${f}.attrId`));
          return Buffer.concat(parts);
        }),
      );
    },
  };
}

const read: GlobalCommand = {
  id: 0x00,
  name: "read",
  decode(buf, offset) {
    const [attributes, at] = untilEnd(buf, offset, (a, i) => rd(DataType.UINT16, buf, a, `read.attributes[${i}]`));
    return [{ attributes }, at];
  },
  encode(payload) {
    const ids = payload.attributes;
    if (!Array.isArray(ids)) throw new ZclEncodeError("read.attributes", "needs an array of attribute ids");
    return Buffer.concat(ids.map((id, i) => u16(id, `read.attributes[${i}]`)));
  },
};

const readRsp: GlobalCommand = {
  id: 0x01,
  name: "readRsp",
  decode(buf, offset) {
    const [recs, at] = untilEnd(buf, offset, (a, i) => {
      const f = `readRsp.records[${i}]`;
      const [attrId, a1] = rd(DataType.UINT16, buf, a, `${f}.attrId`);
      const [status, a2] = rd(DataType.UINT8, buf, a1, `${f}.status`);
      if (status !== 0) return [{ attrId, status }, a2];
      const [tv, a3] = readTyped(buf, a2, f);
      return [{ attrId, status, ...tv }, a3];
    });
    return [{ records: recs }, at];
  },
  encode(payload) {
    return Buffer.concat(
      records(payload, "readRsp").map((r, i) => {
        const f = `readRsp.records[${i}]`;
        const head = Buffer.concat([u16(r.attrId, `${f}.attrId`), u8(r.status, `${f}.status`)]);
        return r.status === 0 ? Buffer.concat([head, typedValue(r, f)]) : head;
      }),
    );
  },
};

const configureReporting: GlobalCommand = {
  id: 0x06,
  name: "configureReporting",
  aliases: ["configReport"],
  decode(buf, offset) {
    const [recs, at] = untilEnd(buf, offset, (a, i) => {
      const f = `configureReporting.records[${i}]`;
      const rec: Rec = {};
      [rec.direction, a] = rd(DataType.UINT8, buf, a, `${f}.direction`);
      [rec.attrId, a] = rd(DataType.UINT16, buf, a, `${f}.attrId`);
      if (rec.direction === 0) {
        const [type, a1] = rd(DataType.UINT8, buf, a, `${f}.type`);
        rec.type = type;
        [rec.minInterval, a] = rd(DataType.UINT16, buf, a1, `${f}.minInterval`);
        [rec.maxInterval, a] = rd(DataType.UINT16, buf, a, `${f}.maxInterval`);
        if (isAnalogType(type))
          [rec.reportableChange, a] = decodeValue(type, buf, a, `${f}.reportableChange`) as [number, number];
      } else {
        [rec.timeout, a] = rd(DataType.UINT16, buf, a, `${f}.timeout`);
      }
      return [rec, a];
    });
    return [{ records: recs }, at];
  },
  encode(payload) {
    return Buffer.concat(
      records(payload, "configureReporting").map((r, i) => {
        const f = `configureReporting.records[${i}]`;
        const dir = r.direction ?? 0;
        const parts = [u8(dir, `${f}.direction`), u16(r.attrId, `${f}.attrId`)];
        if (dir === 0) {
          if (typeof r.type !== "number") throw new ZclEncodeError(`${f}.type`, "needs a data type id");
          parts.push(
            u8(r.type, `${f}.type`),
            u16(r.minInterval, `${f}.minInterval`),
            u16(r.maxInterval, `${f}.maxInterval`),
          );
          if (isAnalogType(r.type)) parts.push(writeValue(r.type, r.reportableChange ?? 0, `${f}.reportableChange`));
        } else {
          parts.push(u16(r.timeout, `${f}.timeout`));
        }
        return Buffer.concat(parts);
      }),
    );
  },
};

const defaultRsp: GlobalCommand = {
  id: 0x0b,
  name: "defaultRsp",
  decode(buf, offset) {
    const [commandId, a1] = rd(DataType.UINT8, buf, offset, "defaultRsp.commandId");
    const [status, a2] = rd(DataType.UINT8, buf, a1, "defaultRsp.status");
    return [{ commandId, status }, a2];
  },
  encode(p) {
    return Buffer.concat([u8(p.commandId, "defaultRsp.commandId"), u8(p.status, "defaultRsp.status")]);
  },
};

const discoverAttributes: GlobalCommand = {
  id: 0x0c,
  name: "discoverAttributes",
  aliases: ["discover"],
  decode(buf, offset) {
    const [startAttrId, a1] = rd(DataType.UINT16, buf, offset, "discoverAttributes.startAttrId");
    const [maxAttrIds, a2] = rd(DataType.UINT8, buf, a1, "discoverAttributes.maxAttrIds");
    return [{ startAttrId, maxAttrIds }, a2];
  },
  encode(p) {
    return Buffer.concat([
      u16(p.startAttrId, "discoverAttributes.startAttrId"),
      u8(p.maxAttrIds, "discoverAttributes.maxAttrIds"),
    ]);
  },
};

const discoverAttributesRsp: GlobalCommand = {
  id: 0x0d,
  name: "discoverAttributesRsp",
  aliases: ["discoverRsp"],
  decode(buf, offset) {
    const [complete, a1] = rd(DataType.UINT8, buf, offset, "discoverAttributesRsp.discoveryComplete");
    if (complete > 1) {
      violation("discoverAttributesRsp.discoveryComplete", offset, `${hex(complete, 2)} is neither 0x00 nor 0x01`);
    }
    const [recs, at] = untilEnd(buf, a1, (a, i) => {
      const f = `discoverAttributesRsp.records[${i}]`;
      const [attrId, b1] = rd(DataType.UINT16, buf, a, `${f}.attrId`);
      const [type, b2] = rd(DataType.UINT8, buf, b1, `${f}.type`);
      return [{ attrId, type }, b2];
    });
    return [{ discoveryComplete: complete === 1, records: recs }, at];
  },
  encode(p) {
    return Buffer.concat([
      u8(p.discoveryComplete ? 1 : 0, "discoverAttributesRsp.discoveryComplete"),
      ...records(p, "discoverAttributesRsp").map((r, i) => {
        const f = `discoverAttributesRsp.records[${i}]`;
        return Buffer.concat([u16(r.attrId, `${f}.attrId`), u8(r.type, `${f}.type`)]);
      }),
    ]);
  },
};

export const GLOBAL_COMMANDS: readonly GlobalCommand[] = Object.freeze([
  read,
  readRsp,
  attributeValueCommand(0x02, "write"),
  attributeValueCommand(0x03, "writeUndiv"),
  statusRecordsCommand(0x04, "writeRsp", false, []),
  attributeValueCommand(0x05, "writeNoRsp"),
  configureReporting,
  statusRecordsCommand(0x07, "configureReportingRsp", true, ["configReportRsp"]),
  attributeValueCommand(0x0a, "report"),
  defaultRsp,
  discoverAttributes,
  discoverAttributesRsp,
]);

export function globalCommand(key: number | string): GlobalCommand | undefined {
  return GLOBAL_COMMANDS.find((c) =>
    typeof key === "number" ? c.id === key : c.name === key || c.aliases?.includes(key),
  );
}

/** Throws the decode error for an unknown global command id. */
export function unknownGlobal(id: number, offset: number): never {
  throw new ZclDecodeError("commandId", offset, `global command ${hex(id, 2)} is not supported`);
}

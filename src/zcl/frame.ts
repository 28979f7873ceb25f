/**
 * ZCL frames: header (frame control, optional manufacturer code, transaction sequence number, command id)
 * and payload, global or cluster-specific. `decodeZcl` rejects truncated and over-long frames with a
 * ZclDecodeError naming the field and the byte offset in the frame.
 */
import { collectViolations, ZclDecodeError, ZclEncodeError } from "./errors.js";
import { globalCommand, unknownGlobal } from "./foundation.js";
import { decodeParams, encodeParams } from "./payload.js";
import { clusterById, commandsFor } from "./registry.js";
import type { CommandDef, Direction, ZclFrame } from "./types.js";
import { hex } from "../hex.js";

const FC_SPECIFIC = 0x01;
const FC_MANUFACTURER = 0x04;
const FC_SERVER_TO_CLIENT = 0x08;
const FC_DISABLE_DEFAULT_RSP = 0x10;

export type ZclFrameInput = Omit<ZclFrame, "commandId"> & { commandId?: number };

function specificCommand(clusterId: number, frame: ZclFrameInput): CommandDef {
  const cluster = clusterById(clusterId);
  if (!cluster) throw new ZclEncodeError("cluster", `cluster ${hex(clusterId, 4)} is not defined`);
  const list = commandsFor(cluster, frame.direction);
  const cmd = frame.command ? list.find((c) => c.name === frame.command) : list.find((c) => c.id === frame.commandId);
  if (!cmd) {
    const key = frame.command || (frame.commandId === undefined ? "(none)" : hex(frame.commandId, 2));
    throw new ZclEncodeError(
      "command",
      `${cluster.name} has no ${frame.direction} command ${key} (known: ${list.map((c) => c.name).join(", ") || "none"})`,
    );
  }
  if (frame.commandId !== undefined && frame.commandId !== cmd.id) {
    throw new ZclEncodeError("commandId", `${hex(frame.commandId, 2)} does not match ${cmd.name} (${hex(cmd.id, 2)})`);
  }
  return cmd;
}

/** Encodes a frame. The command is looked up by name (or by `commandId` when `command` is empty). */
export function encodeZcl(clusterId: number, frame: ZclFrameInput): Buffer {
  if (!Number.isInteger(frame.tsn) || frame.tsn < 0 || frame.tsn > 0xff) {
    throw new ZclEncodeError("tsn", `${frame.tsn} is not a transaction sequence number (0..255)`);
  }
  const manuf = frame.manufacturerCode;
  if (manuf !== undefined && (!Number.isInteger(manuf) || manuf < 0 || manuf > 0xffff)) {
    throw new ZclEncodeError("manufacturerCode", `${manuf} is not a manufacturer code (0..65535)`);
  }
  let commandId: number;
  let body: Buffer;
  if (frame.frameType === "global") {
    const g = globalCommand(frame.command || (frame.commandId ?? -1));
    if (!g) throw new ZclEncodeError("command", `unknown global command ${frame.command || frame.commandId}`);
    commandId = g.id;
    body = g.encode(frame.payload ?? {});
  } else {
    const cmd = specificCommand(clusterId, frame);
    commandId = cmd.id;
    body = encodeParams(cmd.params, frame.payload ?? {}, cmd.name, manuf === undefined ? 3 : 5);
  }
  let fc = frame.frameType === "specific" ? FC_SPECIFIC : 0;
  if (manuf !== undefined) fc |= FC_MANUFACTURER;
  if (frame.direction === "serverToClient") fc |= FC_SERVER_TO_CLIENT;
  if (frame.disableDefaultResponse) fc |= FC_DISABLE_DEFAULT_RSP;
  const head =
    manuf === undefined
      ? Buffer.from([fc, frame.tsn, commandId])
      : Buffer.from([fc, manuf & 0xff, manuf >> 8, frame.tsn, commandId]);
  return Buffer.concat([head, body]);
}

/** The header of a ZCL frame, read without looking at the payload. */
export interface ZclHeader {
  frameControl: number;
  /** Frame type bits 0–1: 0 global, 1 cluster-specific, 2 and 3 reserved. */
  frameType: "global" | "specific" | "reserved";
  direction: Direction;
  disableDefaultResponse: boolean;
  manufacturerCode?: number;
  tsn: number;
  commandId: number;
  /** Header length in bytes (3, or 5 with a manufacturer code): where the payload starts. */
  length: number;
}

const FRAME_TYPES = ["global", "specific", "reserved", "reserved"] as const;

/** The header of a frame, or undefined when the bytes are shorter than one. Checks nothing else. */
export function decodeZclHeader(bytes: Uint8Array): ZclHeader | undefined {
  if (bytes.length < 1) return undefined;
  const fc = bytes[0]!;
  const manufacturerSpecific = (fc & FC_MANUFACTURER) !== 0;
  const length = manufacturerSpecific ? 5 : 3;
  if (bytes.length < length) return undefined;
  const header: ZclHeader = {
    frameControl: fc,
    frameType: FRAME_TYPES[fc & 0x03]!,
    direction: fc & FC_SERVER_TO_CLIENT ? "serverToClient" : "clientToServer",
    disableDefaultResponse: (fc & FC_DISABLE_DEFAULT_RSP) !== 0,
    tsn: bytes[length - 2]!,
    commandId: bytes[length - 1]!,
    length,
  };
  if (manufacturerSpecific) header.manufacturerCode = bytes[1]! | (bytes[2]! << 8);
  return header;
}

/** Frame control bits 5–7, reserved: sent as 0. */
const FC_RESERVED = 0xe0;

/**
 * Decodes a frame of cluster `clusterId`. Throws ZclDecodeError on input that cannot be read (truncated,
 * trailing bytes, unknown command); what can be read but breaks a rule of the specification is listed in
 * `violations` (see ZclViolation). A frame without violations encodes back to the same bytes.
 */
export function decodeZcl(clusterId: number, bytes: Uint8Array): ZclFrame {
  const [frame, violations] = collectViolations(() => decodeLeniently(clusterId, bytes));
  if ((bytes[0]! & FC_RESERVED) !== 0) {
    violations.unshift({ field: "frameControl", offset: 0, what: `reserved bits set (${hex(bytes[0]!, 2)})` });
  }
  if (violations.length > 0) frame.violations = violations;
  return frame;
}

function decodeLeniently(clusterId: number, bytes: Uint8Array): ZclFrame {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 1) throw new ZclDecodeError("frameControl", 0, "empty frame");
  const type = buf[0]! & 0x03;
  if (type > 1) throw new ZclDecodeError("frameControl", 0, `reserved frame type ${type}`);
  const header = decodeZclHeader(buf);
  if (!header) {
    const headerLen = buf[0]! & FC_MANUFACTURER ? 5 : 3;
    const missing =
      headerLen === 5 && buf.length < 3 ? "manufacturerCode" : buf.length < headerLen - 1 ? "tsn" : "commandId";
    throw new ZclDecodeError(missing, buf.length, `truncated header: ${headerLen} bytes needed, ${buf.length} given`);
  }
  const { manufacturerCode, tsn, commandId, direction, length: headerLen } = header;
  let command: string;
  let payload: Record<string, unknown>;
  let end: number;
  let lastField = "the header";
  if (type === 0) {
    const g = globalCommand(commandId) ?? unknownGlobal(commandId, headerLen - 1);
    command = g.name;
    [payload, end] = g.decode(buf, headerLen);
  } else {
    const cluster = clusterById(clusterId);
    if (!cluster) throw new ZclDecodeError("clusterId", 0, `cluster ${hex(clusterId, 4)} is not defined`);
    const cmd = commandsFor(cluster, direction).find((c) => c.id === commandId);
    if (!cmd) {
      throw new ZclDecodeError(
        "commandId",
        headerLen - 1,
        `${cluster.name} has no ${direction} command ${hex(commandId, 2)}`,
      );
    }
    command = cmd.name;
    [payload, end] = decodeParams(cmd.params, buf, headerLen, cmd.name);
    lastField = Object.keys(payload).at(-1) ?? lastField;
  }
  if (end < buf.length) {
    throw new ZclDecodeError(command, end, `${buf.length - end} unexpected trailing byte(s) after ${lastField}`);
  }
  const frame: ZclFrame = {
    frameType: type === 0 ? "global" : "specific",
    direction,
    disableDefaultResponse: header.disableDefaultResponse,
    tsn,
    commandId,
    command,
    payload,
  };
  if (manufacturerCode !== undefined) frame.manufacturerCode = manufacturerCode;
  return frame;
}

/**
 * The one builder of `ZclEvent`s, which the host's tap (frames herdsman parsed) and the virtual HAN's tap
 * (frames src/zcl decoded) both use, and the one reader of a Read Attributes event's payload: the header
 * fields come from the bytes (src/zcl's decodeZclHeader), the command and payload from whatever decoded them.
 */
import { hex } from "../hex.js";
import { decodeZcl, decodeZclHeader, type ZclViolation } from "../zcl/index.js";
import type { EndpointRole, ReadAttributesPayload, ZclEvent } from "./events.js";

/** Where a frame went: the device and hub ends, and the cluster. */
export interface FrameMeta {
  device: string;
  nwk: number;
  deviceEp: number;
  hubEp: number;
  role: EndpointRole | undefined;
  profileId?: number;
  clusterId: number;
  /** Whether the frame went APS-secured, when known. */
  apsSecured?: boolean;
}

/**
 * What a decoder made of a frame's bytes; without it the event carries the bytes and the command id only.
 * A Read Attributes request is given by its attribute ids (`read`), whatever shape the decoder holds them in.
 */
export type DecodedZcl =
  | {
      /** Cluster name, when the decoder knows it. */
      cluster?: string;
      /** The attribute ids a Read Attributes frame asks for, in order. */
      read: ReadAttributesPayload;
    }
  | {
      cluster?: string;
      command: string;
      /** Decoded payload (JSON-safe). */
      payload?: unknown;
      /** src/zcl's violations, when src/zcl decoded the frame (else zclEvent decodes a device's frame for them). */
      violations?: ZclViolation[];
    };

/** Global command 0x00, Read Attributes (ZCL foundation). */
const READ_ATTRIBUTES = 0x00;

/** One ZCL frame as evidence, from its bytes (header fields) and whatever decoded them. */
export function zclEvent(dir: "in" | "out", meta: FrameMeta, raw: Buffer, decoded?: DecodedZcl): ZclEvent {
  // a frame too short for a header (never one herdsman parsed) is kept with its bytes and zeros
  const header = decodeZclHeader(raw);
  const commandId = header?.commandId ?? 0;
  const event: ZclEvent = {
    kind: "zcl",
    dir,
    device: meta.device,
    nwk: meta.nwk,
    deviceEp: meta.deviceEp,
    hubEp: meta.hubEp,
    clusterId: meta.clusterId,
    frameType: !header || header.frameType === "global" ? "global" : "specific",
    direction: header?.direction ?? "clientToServer",
    tsn: header?.tsn ?? 0,
    commandId,
    command: decoded ? ("read" in decoded ? "read" : decoded.command) : hex(commandId, 2),
    raw: raw.toString("hex"),
  };
  const rawHex = event.raw;
  if (meta.role) event.role = meta.role;
  if (meta.profileId !== undefined) event.profileId = meta.profileId;
  if (decoded?.cluster !== undefined) event.cluster = decoded.cluster;
  if (decoded && "read" in decoded) event.payload = [...decoded.read];
  else if (decoded?.payload !== undefined) event.payload = decoded.payload;
  if (dir === "in") {
    const violations =
      decoded && "violations" in decoded
        ? decoded.violations
        : violationsOf(meta.clusterId, raw, header && rawHex, header?.length);
    if (violations && violations.length > 0) event.violations = violations.map((v) => ({ ...v }));
  }
  if (meta.apsSecured !== undefined) event.apsSecured = meta.apsSecured;
  return event;
}

/** src/zcl's violations in a frame another decoder (herdsman) read; none when src/zcl cannot decode it. */
function decodedViolations(clusterId: number, raw: Buffer): ZclViolation[] | undefined {
  try {
    return decodeZcl(clusterId, raw).violations;
  } catch {
    return undefined;
  }
}

/** Frames up to this many bytes have their violations remembered. */
const REMEMBERED_BYTES = 32;
/** Frames remembered at most (the memory is emptied when it is full). */
const REMEMBERED_MAX = 4096;
/** Violations (or `null`: none, or not decodable) by cluster and frame bytes without the TSN. */
const remembered = new Map<string, readonly ZclViolation[] | null>();

/**
 * `decodedViolations`, remembered for short frames: a device's polls repeat the same bytes but for the TSN,
 * which no rule of the decoder looks at. `rawHex` is the frame's bytes as hex, `headerLength` its header's.
 */
function violationsOf(
  clusterId: number,
  raw: Buffer,
  rawHex: string | undefined,
  headerLength: number | undefined,
): readonly ZclViolation[] | undefined {
  if (rawHex === undefined || headerLength === undefined || raw.length > REMEMBERED_BYTES) {
    return decodedViolations(clusterId, raw);
  }
  const tsnAt = 2 * (headerLength - 2);
  const key = `${clusterId}:${rawHex.slice(0, tsnAt)}..${rawHex.slice(tsnAt + 2)}`;
  let v = remembered.get(key);
  if (v === undefined) {
    v = decodedViolations(clusterId, raw) ?? null;
    if (remembered.size >= REMEMBERED_MAX) remembered.clear();
    remembered.set(key, v);
  }
  return v ?? undefined;
}

/** The attribute ids of a Read Attributes frame (global command 0x00) as `zclEvent` wrote them, else undefined. */
export function readAttributeIds(z: ZclEvent): ReadAttributesPayload | undefined {
  if (z.frameType !== "global" || z.commandId !== READ_ATTRIBUTES || !Array.isArray(z.payload)) return undefined;
  return z.payload as ReadAttributesPayload;
}

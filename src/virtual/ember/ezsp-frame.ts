/**
 * The EZSP frame header (EZSP reference, "EZSP frame format"). Since EZSP 8 frames are in the extended
 * format: sequence, frame control low byte, frame control high byte (format version 1 in bits 0-1), a
 * 16-bit frame id, then the parameters. The legacy format (sequence, frame control, 8-bit frame id) is kept
 * for the first VERSION command, which a host sends before it knows which format the NCP speaks; the NCP
 * answers a frame in the format it came in.
 *
 * Frame control, low byte: bit 7 direction (0 command, 1 response), bits 5-6 network index; in commands
 * bits 0-1 sleep mode; in responses bit 0 overflow, bit 1 truncated, bit 2 callback pending, bit 3
 * synchronous callback, bit 4 asynchronous callback. High byte: bit 7 security, bit 6 padding, bits 2-5
 * reserved, bits 0-1 frame format version.
 */
import { EzspStatus } from "./ezsp-ids.js";

export const FrameControl = {
  RESPONSE: 0x80,
  NETWORK_INDEX_MASK: 0x60,
  OVERFLOW: 0x01,
  TRUNCATED: 0x02,
  PENDING_CALLBACKS: 0x04,
  ASYNC_CALLBACK: 0x10,
  /** High byte. */
  SECURITY: 0x80,
  PADDING: 0x40,
  RESERVED: 0x3c,
  FORMAT_VERSION_MASK: 0x03,
  FORMAT_VERSION: 0x01,
} as const;

export interface EzspCommandFrame {
  sequence: number;
  /** Sent in the legacy (pre-EZSP 8) format. */
  legacy: boolean;
  frameControl: number;
  frameId: number;
  params: Buffer;
}

/** A frame the NCP cannot run: the invalidCommand reason to answer it with. */
export interface EzspFrameError {
  sequence: number;
  legacy: boolean;
  frameControl: number;
  frameId: number;
  reason: number;
}

/** Parses a command frame from the host (at least 3 bytes, which ASH guarantees). */
export function parseEzspCommand(b: Buffer): EzspCommandFrame | EzspFrameError {
  const sequence = b[0] ?? 0;
  const frameControl = b[1] ?? 0;
  const high = b[2] ?? 0;
  const legacy = (high & FrameControl.FORMAT_VERSION_MASK) !== FrameControl.FORMAT_VERSION;
  if (legacy) {
    const frameId = high;
    if (frameControl & FrameControl.RESPONSE)
      return { sequence, legacy, frameControl, frameId, reason: EzspStatus.ERROR_WRONG_DIRECTION };
    return { sequence, legacy, frameControl, frameId, params: b.subarray(3) };
  }
  if (b.length < 5)
    return { sequence, legacy, frameControl, frameId: 0xffff, reason: EzspStatus.ERROR_INVALID_FRAME_ID };
  const frameId = b.readUInt16LE(3);
  if (high & (FrameControl.SECURITY | FrameControl.PADDING | FrameControl.RESERVED))
    return { sequence, legacy, frameControl, frameId, reason: EzspStatus.ERROR_UNSUPPORTED_CONTROL };
  if (frameControl & FrameControl.RESPONSE)
    return { sequence, legacy, frameControl, frameId, reason: EzspStatus.ERROR_WRONG_DIRECTION };
  return { sequence, legacy, frameControl, frameId, params: b.subarray(5) };
}

export function isFrameError(f: EzspCommandFrame | EzspFrameError): f is EzspFrameError {
  return (f as EzspFrameError).reason !== undefined;
}

/**
 * A frame from the NCP: a response to a command (`legacy` when the command was legacy) or a callback
 * (`callback` sets the asynchronous-callback bit). The network index of the command is kept.
 */
export function encodeEzspFrame(opts: {
  sequence: number;
  frameId: number;
  params: Buffer;
  legacy?: boolean;
  callback?: boolean;
  networkIndexBits?: number;
}): Buffer {
  const low =
    FrameControl.RESPONSE |
    ((opts.networkIndexBits ?? 0) & FrameControl.NETWORK_INDEX_MASK) |
    (opts.callback ? FrameControl.ASYNC_CALLBACK : 0);
  if (opts.legacy) {
    const out = Buffer.allocUnsafe(3 + opts.params.length);
    out[0] = opts.sequence;
    out[1] = low;
    out[2] = opts.frameId & 0xff;
    opts.params.copy(out, 3);
    return out;
  }
  const out = Buffer.allocUnsafe(5 + opts.params.length);
  out[0] = opts.sequence;
  out[1] = low;
  out[2] = FrameControl.FORMAT_VERSION;
  out.writeUInt16LE(opts.frameId, 3);
  opts.params.copy(out, 5);
  return out;
}

/**
 * The receiving half of ASH framing (UG101 §4.2, §4.4): splits a byte stream at flag bytes, removes byte
 * stuffing, and checks length and CRC. Every frame it finds is reported, good or bad, because what the
 * receiver does about a bad one (a NAK) is protocol, not framing:
 *
 * - CAN (0x1A) ends the frame in progress, which is dropped without a report (the sender cancelled it);
 * - SUB (0x18) marks the frame in progress as received with a low-level error ("comm");
 * - XON/XOFF (0x11/0x13) belong to software flow control and are never part of a frame;
 * - a wake byte (0xFF) between frames is ignored;
 * - a flag with nothing before it is ignored (flags may be repeated).
 *
 * `AshDecoder` is the synchronous core the link uses; `AshDecodeStream` is the same as a stream Transform
 * (bytes in, `AshRx` objects out).
 */
import { Transform, type TransformCallback } from "node:stream";
import { ASH_FLIP, ASH_MAX_DATA_FIELD, AshByte, ashCrc } from "./ash-frame.js";

/** A frame as received: control byte and data field (a DATA field is still randomised). */
export interface AshRxFrame {
  ok: true;
  control: number;
  field: Buffer;
}

/** A frame received with an error; `control` is its first byte, when it had one. */
export interface AshRxError {
  ok: false;
  error: "crc" | "comm" | "too-short" | "too-long";
  control: number | undefined;
}

export type AshRx = AshRxFrame | AshRxError;

export interface AshDecoderStats {
  frames: number;
  crcErrors: number;
  commErrors: number;
  tooShort: number;
  tooLong: number;
  cancelled: number;
  flowControlBytes: number;
}

/** Control byte + longest data field + CRC. */
const MAX_FRAME = 1 + ASH_MAX_DATA_FIELD + 2;

export class AshDecoder {
  readonly stats: AshDecoderStats = {
    frames: 0,
    crcErrors: 0,
    commErrors: 0,
    tooShort: 0,
    tooLong: 0,
    cancelled: 0,
    flowControlBytes: 0,
  };
  readonly #buf = Buffer.alloc(MAX_FRAME);
  #len = 0;
  #escaping = false;
  #commError = false;
  #overflow = false;

  /** Bytes of a frame in progress (0 between frames). */
  get pending(): number {
    return this.#len;
  }

  /** Feeds bytes (any split of the stream); `onFrame` is called for each frame they complete. */
  push(chunk: Uint8Array, onFrame: (rx: AshRx) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      let b = chunk[i]!;
      switch (b) {
        case AshByte.FLAG:
          if (this.#len > 0 || this.#commError || this.#overflow) onFrame(this.#finish());
          this.reset();
          continue;
        case AshByte.ESCAPE:
          this.#escaping = true;
          continue;
        case AshByte.CAN:
          if (this.#len > 0) this.stats.cancelled += 1;
          this.reset();
          continue;
        case AshByte.SUB:
          this.#commError = true;
          continue;
        case AshByte.XON:
        case AshByte.XOFF:
          this.stats.flowControlBytes += 1;
          continue;
        case AshByte.WAKE:
          if (this.#len === 0 && !this.#escaping && !this.#commError) continue;
          break;
      }
      if (this.#escaping) {
        b ^= ASH_FLIP;
        this.#escaping = false;
      }
      if (this.#len < MAX_FRAME) this.#buf[this.#len++] = b;
      else this.#overflow = true;
    }
  }

  /** Drops a frame in progress. */
  reset(): void {
    this.#len = 0;
    this.#escaping = false;
    this.#commError = false;
    this.#overflow = false;
  }

  #finish(): AshRx {
    const len = this.#len;
    const control = len > 0 ? this.#buf[0] : undefined;
    if (this.#commError) {
      this.stats.commErrors += 1;
      return { ok: false, error: "comm", control };
    }
    if (this.#overflow) {
      this.stats.tooLong += 1;
      return { ok: false, error: "too-long", control };
    }
    if (len < 3) {
      this.stats.tooShort += 1;
      return { ok: false, error: "too-short", control };
    }
    const crc = ashCrc(this.#buf, 0, len - 2);
    if (crc !== this.#buf.readUInt16BE(len - 2)) {
      this.stats.crcErrors += 1;
      return { ok: false, error: "crc", control };
    }
    this.stats.frames += 1;
    return { ok: true, control: this.#buf[0]!, field: Buffer.from(this.#buf.subarray(1, len - 2)) };
  }
}

/** `AshDecoder` as a Transform: write bytes, read `AshRx` objects. */
export class AshDecodeStream extends Transform {
  readonly decoder = new AshDecoder();

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.decoder.push(chunk, (rx) => this.push(rx));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.decoder.reset();
    callback();
  }
}

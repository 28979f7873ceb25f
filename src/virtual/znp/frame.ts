/**
 * UNPI framing of the Z-Stack Monitor-and-Test (MT) protocol, written from the protocol description
 * (SOF 0xFE, LEN, CMD0, CMD1, DATA, FCS = XOR of LEN..DATA). No escaping, no ACK, no sequence numbers.
 *
 * The parser behaves like the firmware's UART reader: it skips to the next SOF, waits for a whole frame,
 * silently drops a frame whose FCS is wrong (counting it) and keeps going. When a frame's FCS does not
 * match and a SOF occurs inside it, the parser resyncs on that SOF (a truncated frame followed by a good
 * one loses only itself). A partial frame left waiting when the line goes quiet is dropped by `expire()`,
 * which the owner calls from an inter-byte timer, as the firmware's UART timeout does; it rescans what
 * follows the dropped SOF, and drops every further partial frame it finds, so one quiet period clears
 * any amount of noise and the next frame is answered as soon as it arrives.
 */

export const SOF = 0xfe;
/** Largest DATA field of one frame. */
export const MAX_DATA = 250;

export const MtType = { POLL: 0, SREQ: 1, AREQ: 2, SRSP: 3 } as const;
export type MtTypeValue = (typeof MtType)[keyof typeof MtType];

export const Subsystem = {
  RPC_ERROR: 0,
  SYS: 1,
  MAC: 2,
  NWK: 3,
  AF: 4,
  ZDO: 5,
  SAPI: 6,
  UTIL: 7,
  DEBUG: 8,
  APP: 9,
  APP_CNF: 15,
  GREENPOWER: 21,
} as const;

export interface MtFrame {
  type: number;
  subsystem: number;
  command: number;
  data: Buffer;
}

/** XOR of every byte of `buf` in [start, end). */
export function fcs(buf: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= buf[i]!;
  return x;
}

/** One whole frame on the wire. Throws when `data` is longer than a frame can carry. */
export function encodeFrame(type: number, subsystem: number, command: number, data: Uint8Array = EMPTY): Buffer {
  if (data.length > MAX_DATA) throw new RangeError(`MT frame data of ${data.length} bytes exceeds ${MAX_DATA}`);
  const out = Buffer.allocUnsafe(data.length + 5);
  out[0] = SOF;
  out[1] = data.length;
  out[2] = ((type & 0x07) << 5) | (subsystem & 0x1f);
  out[3] = command & 0xff;
  out.set(data, 4);
  out[data.length + 4] = fcs(out, 1, data.length + 4);
  return out;
}

const EMPTY = Buffer.alloc(0);

/**
 * A frame to be filled in place: SOF, LEN, CMD0, CMD1 written, `size` bytes of data to write at offset 4,
 * then `seal` it (FCS). Saves building the data apart and copying it in.
 */
export function openFrame(type: number, subsystem: number, command: number, size: number): Buffer {
  if (size > MAX_DATA) throw new RangeError(`MT frame data of ${size} bytes exceeds ${MAX_DATA}`);
  const out = Buffer.allocUnsafe(size + 5);
  out[0] = SOF;
  out[1] = size;
  out[2] = ((type & 0x07) << 5) | (subsystem & 0x1f);
  out[3] = command & 0xff;
  return out;
}

/** Writes the FCS of a frame from `openFrame` whose data has been written. */
export function sealFrame(frame: Buffer): Buffer {
  frame[frame.length - 1] = fcs(frame, 1, frame.length - 1);
  return frame;
}

export interface ParserStats {
  frames: number;
  badFcs: number;
  /** Bytes skipped while looking for a SOF. */
  skipped: number;
  /** Partial frames dropped by `expire()`. */
  truncated: number;
}

/**
 * Incremental UNPI parser. `push(chunk)` may be called with any split of the byte stream; every complete,
 * valid frame is handed to `onFrame` in order.
 */
export class UnpiParser {
  readonly stats: ParserStats = { frames: 0, badFcs: 0, skipped: 0, truncated: 0 };
  #buf: Buffer = EMPTY;

  constructor(private readonly onFrame: (frame: MtFrame) => void) {}

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.#buf.length;
  }

  reset(): void {
    this.#buf = EMPTY;
  }

  /**
   * The line went quiet with part of a frame held (the firmware's inter-byte timeout): that frame was
   * truncated. Drop its SOF, count it, and parse whatever complete frames follow it. Every byte held
   * arrived before the quiet, so a partial frame left after that rescan was truncated too: it goes the
   * same way, until nothing is held (line noise such as `fe30aabb fe30ccdd` is several false starts).
   */
  expire(): void {
    while (this.#buf.length > 0) {
      const rest = this.#buf.subarray(1);
      this.#buf = EMPTY;
      this.stats.truncated += 1;
      this.push(Buffer.from(rest));
    }
  }

  push(chunk: Buffer): void {
    let buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    let pos = 0;
    for (;;) {
      if (pos < buf.length && buf[pos] !== SOF) {
        const next = buf.indexOf(SOF, pos);
        const end = next < 0 ? buf.length : next;
        this.stats.skipped += end - pos;
        pos = end;
      }
      if (buf.length - pos < 5) break;
      const len = buf[pos + 1]!;
      if (len > MAX_DATA) {
        // not a real length: this 0xFE was noise
        this.stats.skipped += 1;
        pos += 1;
        continue;
      }
      const total = len + 5;
      if (buf.length - pos < total) break;
      const expected = buf[pos + total - 1]!;
      if (fcs(buf, pos + 1, pos + total - 1) !== expected) {
        this.stats.badFcs += 1;
        // a truncated frame: resync on the next SOF inside it rather than dropping what follows
        const next = buf.indexOf(SOF, pos + 1);
        pos = next < 0 || next >= pos + total ? pos + total : next;
        continue;
      }
      const cmd0 = buf[pos + 2]!;
      // a view, not a copy: the chunks a transport hands over are not reused
      const frame: MtFrame = {
        type: cmd0 >> 5,
        subsystem: cmd0 & 0x1f,
        command: buf[pos + 3]!,
        data: buf.subarray(pos + 4, pos + 4 + len),
      };
      pos += total;
      this.stats.frames += 1;
      this.onFrame(frame);
    }
    this.#buf = pos >= buf.length ? EMPTY : buf.subarray(pos);
    buf = EMPTY;
  }
}

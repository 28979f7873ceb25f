/**
 * ASH version 2 frames (Silicon Labs UG101, "UART-EZSP Gateway Protocol Reference"; now the UART-EZSP
 * Gateway Protocol Reference pages of the Zigbee documentation): the control byte of each frame type, the
 * CRC, byte stuffing and the pseudo-random sequence the DATA field is XORed with. Pure functions, no state.
 *
 * On the wire a frame is `control, data field…, CRC high, CRC low` with every reserved byte stuffed, then
 * the flag byte 0x7E (UG101 §2, §4.2):
 *
 * | frame  | control                        | data field                      |
 * |--------|--------------------------------|---------------------------------|
 * | DATA   | `0 frmNum(3) reTx ackNum(3)`   | the EZSP frame, randomised      |
 * | ACK    | `1 0 0 res nRdy ackNum(3)`     | —                               |
 * | NAK    | `1 0 1 res nRdy ackNum(3)`     | —                               |
 * | RST    | 0xC0                           | —                               |
 * | RSTACK | 0xC1                           | version (2), reset code         |
 * | ERROR  | 0xC2                           | version (2), error code         |
 */

export const AshByte = {
  FLAG: 0x7e,
  ESCAPE: 0x7d,
  XON: 0x11,
  XOFF: 0x13,
  /** Substitute: replaces a byte received with a low-level error; the frame it is in is bad. */
  SUB: 0x18,
  /** Cancel: ends the frame in progress, which is discarded. */
  CAN: 0x1a,
  /** Between frames only: wakes the receiver; never part of a frame. */
  WAKE: 0xff,
} as const;

/** XORed into a stuffed byte after the escape byte. */
export const ASH_FLIP = 0x20;

export const ASH_VERSION = 2;

export const AshControl = { RST: 0xc0, RSTACK: 0xc1, ERROR: 0xc2 } as const;

/** Reset and error codes of RSTACK and ERROR frames (UG101 §3.2, §3.3, table of codes). */
export const NcpResetCode = {
  UNKNOWN_REASON: 0x00,
  EXTERNAL: 0x01,
  POWER_ON: 0x02,
  WATCHDOG: 0x03,
  ASSERT: 0x06,
  BOOTLOADER: 0x09,
  SOFTWARE: 0x0b,
  EXCEEDED_MAXIMUM_ACK_TIMEOUT_COUNT: 0x51,
} as const;

/** Shortest and longest EZSP frame a DATA field carries (UG101 §2.5; EZSP frames are 3 to 220 bytes). */
export const ASH_MIN_DATA_FIELD = 3;
export const ASH_MAX_DATA_FIELD = 220;

export type AshFrameType = "DATA" | "ACK" | "NAK" | "RST" | "RSTACK" | "ERROR";

/**
 * The type of a frame from its control byte and the length of its data field, or undefined for a control
 * byte no frame has or a length wrong for the type (both are invalid frames, UG101 §2.5).
 */
export function frameType(control: number, dataLength: number): AshFrameType | undefined {
  if ((control & 0x80) === 0)
    return dataLength >= ASH_MIN_DATA_FIELD && dataLength <= ASH_MAX_DATA_FIELD ? "DATA" : undefined;
  if ((control & 0xe0) === 0x80) return dataLength === 0 ? "ACK" : undefined;
  if ((control & 0xe0) === 0xa0) return dataLength === 0 ? "NAK" : undefined;
  if (control === AshControl.RST) return dataLength === 0 ? "RST" : undefined;
  if (control === AshControl.RSTACK) return dataLength === 2 ? "RSTACK" : undefined;
  if (control === AshControl.ERROR) return dataLength === 2 ? "ERROR" : undefined;
  return undefined;
}

export const dataControl = (frmNum: number, ackNum: number, reTx: boolean): number =>
  ((frmNum & 7) << 4) | (reTx ? 0x08 : 0) | (ackNum & 7);
export const ackControl = (ackNum: number, notReady = false): number => 0x80 | (notReady ? 0x08 : 0) | (ackNum & 7);
export const nakControl = (ackNum: number, notReady = false): number => 0xa0 | (notReady ? 0x08 : 0) | (ackNum & 7);

/** Fields of a DATA, ACK or NAK control byte. */
export const frmNumOf = (control: number): number => (control >> 4) & 7;
export const ackNumOf = (control: number): number => control & 7;
export const reTxOf = (control: number): boolean => (control & 0x08) !== 0;
/** The nRdy flag of an ACK or NAK: the sender cannot take DATA frames now. */
export const notReadyOf = (control: number): boolean => (control & 0x08) !== 0;

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC-CCITT (polynomial 0x1021, initial value 0xFFFF, not reflected) of control + data field (UG101 §2.3). */
export function ashCrc(bytes: Uint8Array, start = 0, end = bytes.length, init = 0xffff): number {
  let crc = init;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/**
 * The pseudo-random sequence of UG101 §4.3: starts at 0x42; each next byte is the previous shifted right
 * once, XORed with 0xB8 when the bit shifted out was 1. It restarts at every DATA field.
 */
export const PSEUDO_RANDOM = (() => {
  const seq = new Uint8Array(ASH_MAX_DATA_FIELD);
  let r = 0x42;
  for (let i = 0; i < seq.length; i++) {
    seq[i] = r;
    r = r & 1 ? (r >> 1) ^ 0xb8 : r >> 1;
  }
  return seq;
})();

/** A copy of `field` XORed with the pseudo-random sequence (the same function randomises and restores). */
export function randomise(field: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(field.length);
  for (let i = 0; i < field.length; i++) out[i] = field[i]! ^ PSEUDO_RANDOM[i]!;
  return out;
}

/** Bytes that are sent escaped: flag, escape, XON, XOFF, SUB and CAN (UG101 §4.2). */
export function isReserved(byte: number): boolean {
  return (
    byte === AshByte.FLAG ||
    byte === AshByte.ESCAPE ||
    byte === AshByte.XON ||
    byte === AshByte.XOFF ||
    byte === AshByte.SUB ||
    byte === AshByte.CAN
  );
}

/**
 * The bytes on the wire for a frame: control and data field (already randomised for a DATA frame), the CRC
 * high byte first, each reserved byte stuffed, then the flag.
 */
export function encodeAshFrame(control: number, field: Uint8Array = EMPTY): Buffer {
  const raw = Buffer.allocUnsafe(field.length + 3);
  raw[0] = control;
  raw.set(field, 1);
  const crc = ashCrc(raw, 0, field.length + 1);
  raw[field.length + 1] = crc >> 8;
  raw[field.length + 2] = crc & 0xff;
  let escaped = 0;
  for (const b of raw) if (isReserved(b)) escaped++;
  const out = Buffer.allocUnsafe(raw.length + escaped + 1);
  let o = 0;
  for (const b of raw) {
    if (isReserved(b)) {
      out[o++] = AshByte.ESCAPE;
      out[o++] = b ^ ASH_FLIP;
    } else out[o++] = b;
  }
  out[o] = AshByte.FLAG;
  return out;
}

/** A DATA frame carrying `ezsp` (randomised here). */
export function encodeDataFrame(frmNum: number, ackNum: number, reTx: boolean, ezsp: Uint8Array): Buffer {
  return encodeAshFrame(dataControl(frmNum, ackNum, reTx), randomise(ezsp));
}

const EMPTY = new Uint8Array(0);

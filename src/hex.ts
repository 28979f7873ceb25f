/**
 * Hex text of numbers, and the forms of an EUI-64 (IEEE address). Used by every layer, like src/log.ts, so it
 * imports nothing of the project.
 *
 * An EUI-64 as text is herdsman's form: `0x` + 16 lower-case hex digits. On the air (and in Z-Stack's MT
 * frames and NV items) it is 8 bytes little-endian.
 */

/** `0x` + `n` in lower-case hex, zero-padded to `width` digits: `hex(0x708, 4)` is `0x0708`. */
export function hex(n: number, width = 1): string {
  return `0x${n.toString(16).padStart(width, "0")}`;
}

/** `0x` + `n` in upper-case hex digits, zero-padded to `width`: `hexUpper(0xb6c3, 4)` is `0xB6C3`. */
export function hexUpper(n: number, width = 1): string {
  return `0x${n.toString(16).toUpperCase().padStart(width, "0")}`;
}

/** An EUI-64 that is not 16 hex digits. */
export class Eui64Error extends RangeError {
  constructor(text: string) {
    super(`EUI-64 must be 16 hex digits (got ${JSON.stringify(text)})`);
    this.name = "Eui64Error";
  }
}

/**
 * An EUI-64 as typed by a person or found in a file (`00DB1234567890A0`, `0x00db…`, `00:db:12:…`), in
 * herdsman's form, or undefined when it is not 16 hex digits.
 */
export function parseEui64(text: string): string | undefined {
  const digits = text
    .trim()
    .replace(/^0x/i, "")
    .replace(/[\s:\-.]/g, "");
  return /^[0-9a-fA-F]{16}$/.test(digits) ? `0x${digits.toLowerCase()}` : undefined;
}

/** `parseEui64`, throwing an Eui64Error for text that is not an EUI-64. */
export function normaliseEui64(text: string): string {
  const eui64 = parseEui64(text);
  if (eui64 === undefined) throw new Eui64Error(text);
  return eui64;
}

/** The hex digits of an EUI-64 (`0x` optional; fewer than 16 digits are zero-padded on the left). */
function eui64Digits(eui64: string): string {
  const digits = eui64.replace(/^0x/i, "").padStart(16, "0");
  if (!/^[0-9a-fA-F]{16}$/.test(digits)) throw new Eui64Error(eui64);
  return digits;
}

/** `0x00124b0001020304` → the 8 bytes little-endian, as Zigbee sends it. */
export function eui64ToLe(eui64: string): Buffer {
  return Buffer.from(eui64Digits(eui64), "hex").reverse();
}

/** 8 little-endian bytes at `offset` → herdsman's form. */
export function eui64FromLe(bytes: Uint8Array, offset = 0): string {
  if (offset < 0 || bytes.length < offset + 8) throw new RangeError(`an EUI-64 needs 8 bytes at offset ${offset}`);
  return `0x${Buffer.from(bytes.subarray(offset, offset + 8))
    .reverse()
    .toString("hex")}`;
}

/** `0x00124b0001020304` → its 8 bytes as numbers in reading (big-endian) order: `[0x00, 0x12, 0x4b, …]`. */
export function eui64ToBytes(eui64: string): number[] {
  return [...Buffer.from(eui64Digits(eui64), "hex")];
}

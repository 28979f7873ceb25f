/**
 * Zigbee install codes (domain.md §14): parsing, the CRC-16/X-25 that follows the code on the wire
 * (little-endian), and the preconfigured trust-centre link key derived from code+CRC with the AES-MMO hash
 * (Matyas–Meyer–Oseas over AES-128, Zigbee padding; Zigbee specification annex B.6).
 *
 * Install codes and link keys are key material: never log them, never put them in evidence.
 */
import { createCipheriv } from "node:crypto";

/** Install-code lengths without the CRC, in bytes. */
export const INSTALL_CODE_LENGTHS = [6, 8, 12, 16] as const;

const BLOCK = 16;

/** CRC-16/X-25 (poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF). The value is sent little-endian. */
export function installCodeCrc(code: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of code) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return (crc ^ 0xffff) & 0xffff;
}

/** The code followed by its CRC, little-endian: what the link key is derived from. */
export function withCrc(code: Uint8Array): Buffer {
  const out = Buffer.alloc(code.length + 2);
  out.set(code, 0);
  out.writeUInt16LE(installCodeCrc(code), code.length);
  return out;
}

function hex16(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Throws unless `codeWithCrc` is a code of a valid length followed by its correct CRC. */
export function checkInstallCode(codeWithCrc: Uint8Array): void {
  const n = codeWithCrc.length - 2;
  if (!(INSTALL_CODE_LENGTHS as readonly number[]).includes(n)) {
    throw new Error(
      `install code with CRC has ${codeWithCrc.length} bytes; expected 8, 10, 14 or 18 (a 6, 8, 12 or 16-byte code plus a 2-byte CRC)`,
    );
  }
  const code = codeWithCrc.subarray(0, n);
  const given = Buffer.from(codeWithCrc).readUInt16LE(n);
  const expected = installCodeCrc(code);
  if (given !== expected) {
    throw new Error(
      `install code CRC mismatch: the last two bytes give ${hex16(given)} (little-endian) but the CRC-16/X-25 of the ${n}-byte code is ${hex16(expected)}`,
    );
  }
}

/**
 * Parses an install code written in hex, with or without separators (spaces, `:`, `-`, `_`, `.`, an
 * optional `0x`). Returns the code followed by its CRC (little-endian).
 *
 * Accepted: a code with its CRC (8, 10, 14 or 18 bytes; the CRC is checked), or a 6, 12 or 16-byte code
 * without a CRC (the CRC is computed and appended). An 8-byte input is always read as a 6-byte code plus
 * its CRC, so an 8-byte code must be given with its CRC (10 bytes).
 * Errors name what is wrong but never echo the code.
 */
export function parseInstallCode(text: string): Buffer {
  const cleaned = text
    .trim()
    .replace(/^0x/i, "")
    .replace(/[\s:\-_.]/g, "");
  if (cleaned.length === 0) throw new Error("install code is empty");
  const bad = cleaned.search(/[^0-9a-fA-F]/);
  if (bad >= 0) throw new Error(`install code has a character that is not a hex digit at position ${bad + 1}`);
  if (cleaned.length % 2 !== 0) throw new Error(`install code has an odd number of hex digits (${cleaned.length})`);
  const bytes = Buffer.from(cleaned, "hex");
  if (bytes.length === 6 || bytes.length === 12 || bytes.length === 16) return withCrc(bytes);
  if ([8, 10, 14, 18].includes(bytes.length)) {
    checkInstallCode(bytes);
    return bytes;
  }
  throw new Error(
    `install code has ${bytes.length} bytes; expected a 6, 8, 12 or 16-byte code plus a 2-byte CRC (8, 10, 14 or 18 bytes), or a 6, 12 or 16-byte code without CRC`,
  );
}

function aesEncryptBlock(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv("aes-128-ecb", key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** Zigbee MMO padding: a 1 bit, zeros, then the bit length (16 bits, or 32 bits + 16 zero bits when long). */
function mmoPad(data: Uint8Array): Buffer {
  const bits = data.length * 8;
  if (bits < 1 << 16) {
    // l + 1 + k ≡ 7n (mod 8n) with n = 16: the length field is the last 2 bytes of a block.
    let total = data.length + 1;
    while (total % BLOCK !== BLOCK - 2) total++;
    const out = Buffer.alloc(total + 2);
    out.set(data, 0);
    out[data.length] = 0x80;
    out.writeUInt16BE(bits, total);
    return out;
  }
  if (bits >= 2 ** 32) throw new RangeError("AES-MMO input too long");
  // l + 1 + k ≡ 5n (mod 8n): then 32-bit length and 16 zero bits fill the block.
  let total = data.length + 1;
  while (total % BLOCK !== BLOCK - 6) total++;
  const out = Buffer.alloc(total + 6);
  out.set(data, 0);
  out[data.length] = 0x80;
  out.writeUInt32BE(bits, total);
  return out;
}

/** The Zigbee AES-MMO hash (16 bytes) of `data`. */
export function aesMmoHash(data: Uint8Array): Buffer {
  const padded = mmoPad(data);
  let hash: Buffer = Buffer.alloc(BLOCK);
  for (let off = 0; off < padded.length; off += BLOCK) {
    const block = padded.subarray(off, off + BLOCK);
    const enc = aesEncryptBlock(hash, block);
    for (let i = 0; i < BLOCK; i++) enc[i] = enc[i]! ^ block[i]!;
    hash = enc;
  }
  return hash;
}

/** The preconfigured trust-centre link key of an install code given with its CRC (checked first). */
export function linkKeyFromInstallCode(codeWithCrc: Uint8Array): Buffer {
  checkInstallCode(codeWithCrc);
  return aesMmoHash(codeWithCrc);
}

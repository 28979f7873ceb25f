/**
 * Zigbee install codes (domain.md §14): parsing, the CRC-16/X-25 that follows the code on the wire
 * (little-endian), and the preconfigured trust-centre link key derived from code+CRC with the AES-MMO hash
 * (Zigbee specification annex B.6). The CRC and the hash are zigbee-herdsman's own (its zspec utilities,
 * no adapter code), so the hub and the virtual coordinator derive exactly the key herdsman would.
 *
 * Install codes and link keys are key material: never log them, never put them in evidence.
 */
import { aes128MmoHash, crc16X25 } from "zigbee-herdsman/dist/zspec/utils.js";
import { hexUpper } from "../hex.js";

/** Install-code lengths without the CRC, in bytes. */
const INSTALL_CODE_LENGTHS = [6, 8, 12, 16] as const;

/** The code followed by its CRC-16/X-25, little-endian: what the link key is derived from. */
export function withCrc(code: Uint8Array): Buffer {
  const out = Buffer.alloc(code.length + 2);
  out.set(code, 0);
  out.writeUInt16LE(crc16X25(code), code.length);
  return out;
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
  const expected = crc16X25(code);
  if (given !== expected) {
    throw new Error(
      `install code CRC mismatch: the last two bytes give ${hexUpper(given, 4)} (little-endian) but the CRC-16/X-25 of the ${n}-byte code is ${hexUpper(expected, 4)}`,
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

/** The preconfigured trust-centre link key of an install code given with its CRC (checked first). */
export function linkKeyFromInstallCode(codeWithCrc: Uint8Array): Buffer {
  checkInstallCode(codeWithCrc);
  return aes128MmoHash(Buffer.from(codeWithCrc));
}

/**
 * The Zigbee hash and MAC of CBKE (cbke.md §2 steps 5, 6, 8): AES-MMO (Matyas–Meyer–Oseas over AES-128,
 * Zigbee specification B.6) and HMAC over it. Node's AES-128-ECB is the block cipher.
 */
import { createCipheriv } from "node:crypto";

const BLOCK = 16;

/**
 * AES-MMO: H0 = 0^128, Hj = E(H(j-1), Mj) ⊕ Mj over the padded message. Padding for messages under 2^16 bits:
 * 0x80, zeros up to 14 mod 16 octets, then the bit length as 16-bit big-endian (the only form CBKE needs).
 */
export function aesMmo(message: Uint8Array): Buffer {
  if (message.length * 8 >= 2 ** 16) throw new RangeError("AES-MMO here takes messages shorter than 2^16 bits");
  const padLen = (((14 - (message.length + 1)) % BLOCK) + BLOCK) % BLOCK;
  const padded = Buffer.alloc(message.length + 1 + padLen + 2);
  padded.set(message, 0);
  padded[message.length] = 0x80;
  padded.writeUInt16BE(message.length * 8, padded.length - 2);
  let h = Buffer.alloc(BLOCK);
  for (let off = 0; off < padded.length; off += BLOCK) {
    const m = padded.subarray(off, off + BLOCK);
    const c = createCipheriv("aes-128-ecb", h, null).setAutoPadding(false).update(m);
    for (let i = 0; i < BLOCK; i++) c[i] = c[i]! ^ m[i]!;
    h = c;
  }
  return h;
}

/** HMAC (RFC 2104 shape) with AES-MMO as the hash: block 16 octets, ipad 0x36, opad 0x5C, a 16-octet key. */
export function hmacMmo(key: Uint8Array, message: Uint8Array): Buffer {
  if (key.length !== BLOCK) throw new RangeError(`the MAC key is ${BLOCK} octets, not ${key.length}`);
  const ik = Buffer.alloc(BLOCK);
  const ok = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    ik[i] = key[i]! ^ 0x36;
    ok[i] = key[i]! ^ 0x5c;
  }
  const inner = aesMmo(Buffer.concat([ik, message]));
  return aesMmo(Buffer.concat([ok, inner]));
}

/** Octet strings ↔ integers (big-endian, SEC 1) and random scalars in [1, n-1]. */
import { randomBytes } from "node:crypto";

/** Random octets: node's CSPRNG unless a caller (a test, a replay) injects its own. */
export type RandomSource = (octets: number) => Uint8Array;

export const systemRandom: RandomSource = (n) => randomBytes(n);

export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString("hex")}`);
}

export function bigIntToBytes(v: bigint, octets: number): Buffer {
  if (v < 0n) throw new RangeError("negative integer");
  const hex = v.toString(16).padStart(2 * octets, "0");
  if (hex.length > 2 * octets) throw new RangeError(`integer does not fit in ${octets} octets`);
  return Buffer.from(hex, "hex");
}

export function mod(a: bigint, n: bigint): bigint {
  const r = a % n;
  return r < 0n ? r + n : r;
}

/** A uniform scalar in [1, n-1] by rejection sampling from `random`. */
export function randomScalar(n: bigint, random: RandomSource = systemRandom): bigint {
  const bits = n.toString(2).length;
  const octets = Math.ceil(bits / 8);
  const excess = BigInt(octets * 8 - bits);
  for (let i = 0; i < 1000; i++) {
    const k = bytesToBigInt(random(octets)) >> excess;
    if (k >= 1n && k < n) return k;
  }
  throw new Error("the random source gave no usable scalar in 1000 draws");
}

/**
 * GF(2^m) products and squares (gf2m.ts: the comb written out for 9 words, the reductions written out for the
 * two suites' pentanomials) against a bit-by-bit shift-and-add multiplication reduced bit by bit, written here
 * on bigint, for edge elements (0, 1, x, all ones below m, x^(m-1), single words and single top bits) and
 * random ones, every pair.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BinaryField } from "../../src/crypto/gf2m.js";

/** a·b mod f: for each set bit i of b, add a·x^i reduced (a·x^(i+1) = a·x^i·x, with x^m replaced by f - x^m). */
function shiftAndAdd(a: bigint, b: bigint, m: number, low: readonly number[]): bigint {
  const f = low.reduce((acc, k) => acc | (1n << BigInt(k)), 0n);
  const top = 1n << BigInt(m);
  let r = 0n;
  let s = a;
  for (let i = 0; i < m; i++) {
    if ((b >> BigInt(i)) & 1n) r ^= s;
    s <<= 1n;
    if (s & top) s = s ^ top ^ f;
  }
  return r;
}

function edgeElements(m: number): bigint[] {
  const ones = (1n << BigInt(m)) - 1n;
  const out = [0n, 1n, 2n, 3n, ones, 1n << BigInt(m - 1), ones >> 1n, ones ^ 1n, (1n << BigInt(m - 1)) | 1n];
  for (let w = 0; 32 * w < m; w++) out.push((0xffffffffn << BigInt(32 * w)) & ones, 1n << BigInt(32 * w + 31));
  out.push(0x5555555555555555555555555555555555555555555555555555555555555555555555555n & ones);
  out.push(0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaan & ones);
  out.push(0xf0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0n & ones);
  return out.map((v) => v & ones);
}

describe.each([
  ["sect163k1", 163, [0, 3, 6, 7]],
  ["sect283k1", 283, [0, 5, 7, 12]],
] as const)("GF(2^%s) multiplication against shift-and-add", (_name, m, low) => {
  const F = new BinaryField(m, low);
  const randomElement = () => BigInt(`0x${randomBytes(F.bytes).toString("hex")}`) & ((1n << BigInt(m)) - 1n);

  it("multiplies and squares every pair of edge elements and random ones as shift-and-add does", () => {
    const values = [...edgeElements(m)];
    for (let i = 0; i < 12; i++) values.push(randomElement());
    for (const a of values) {
      const A = F.fromBigInt(a);
      expect(F.toBigInt(F.sqr(A)), `a = 0x${a.toString(16)}`).toBe(shiftAndAdd(a, a, m, low));
      for (const b of values) {
        expect(F.toBigInt(F.mul(A, F.fromBigInt(b))), `a = 0x${a.toString(16)}, b = 0x${b.toString(16)}`).toBe(
          shiftAndAdd(a, b, m, low),
        );
      }
    }
  });

  it("leaves its arguments unchanged and inverts: a·a^-1 = 1", () => {
    for (let i = 0; i < 20; i++) {
      const a = randomElement() | 1n;
      const A = F.fromBigInt(a);
      const B = F.fromBigInt(randomElement());
      const before = [A.slice(), B.slice()];
      F.mul(A, B);
      F.sqr(A);
      expect([A, B]).toEqual(before);
      expect(F.isOne(F.mul(A, F.inv(A)))).toBe(true);
    }
  });
});

/**
 * k·P and k·G by the τ-adic method (curve.ts) against a plain double-and-add in affine coordinates written here
 * from the curve equation, for random scalars and edge scalars (1, 2, n - 1, n, the cofactor multiples, long
 * runs of ones and zeros, scalars above the curve's order), on points of the subgroup and on points with a
 * cofactor part (the τ-adic method reduces k modulo τ^m - 1, which must keep the cofactor part of k·P).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type KoblitzCurve, type Point, sect163k1, sect283k1 } from "../../src/crypto/curve.js";
import type { FieldElement } from "../../src/crypto/gf2m.js";

/** Affine P + Q on y^2 + xy = x^3 + a·x^2 + 1, chord and tangent, every case spelt out. */
function plainAdd(c: KoblitzCurve, P: Point, Q: Point): Point {
  const F = c.F;
  if (P === null) return Q;
  if (Q === null) return P;
  let lambda: FieldElement;
  if (F.equals(P.x, Q.x)) {
    if (!F.equals(P.y, Q.y) || F.isZero(P.x)) return null; // Q = -P, or the point of order 2 doubled
    lambda = F.add(P.x, F.mul(P.y, F.inv(P.x)));
  } else {
    lambda = F.mul(F.add(P.y, Q.y), F.inv(F.add(P.x, Q.x)));
  }
  let x3 = F.add(F.add(F.sqr(lambda), lambda), F.add(P.x, Q.x));
  if (c.a) x3 = F.add(x3, F.one());
  const y3 = F.add(F.add(F.mul(lambda, F.add(P.x, x3)), x3), P.y);
  return { x: x3, y: y3 };
}

/** k·P by double-and-add from the top bit of k. */
function plainMul(c: KoblitzCurve, k: bigint, P: Point): Point {
  let Q: Point = null;
  for (let i = k.toString(2).length - 1; i >= 0; i--) {
    Q = plainAdd(c, Q, Q);
    if ((k >> BigInt(i)) & 1n) Q = plainAdd(c, Q, P);
  }
  return Q;
}

function hex(c: KoblitzCurve, P: Point): string {
  return P === null ? "infinity" : c.uncompressed(P).toString("hex");
}

function randomBits(bits: number): bigint {
  return BigInt(`0x${randomBytes(Math.ceil(bits / 8)).toString("hex")}`) >> BigInt(8 * Math.ceil(bits / 8) - bits);
}

/** A random point of the curve (any order: h·n points in all), from a random x that has one. */
function randomPoint(c: KoblitzCurve): NonNullable<Point> {
  for (;;) {
    const x = randomBytes(c.F.bytes);
    x[0] = x[0]! & (0xff >> (8 * c.F.bytes - c.F.m));
    try {
      return c.decode(Buffer.concat([Buffer.from([0x02 | (x[1]! & 1)]), x]));
    } catch {}
  }
}

function edgeScalars(c: KoblitzCurve): bigint[] {
  const m = BigInt(c.F.m);
  const ones = (bits: bigint) => (1n << bits) - 1n;
  const edges = [1n, 2n, 3n, 4n, 5n, 7n, 8n, 15n, 16n, 31n, 127n, 128n, 255n, 256n];
  edges.push(c.n - 1n, c.n, c.n + 1n, 2n * c.n, c.h * c.n - 1n, c.h * c.n, c.h * c.n + 1n, c.h, c.h * 3n);
  edges.push(ones(m), 1n << (m - 1n), ones(128n), ones(142n), 1n << 141n, ones(m + 20n), 1n << (m + 20n));
  // long runs: ones then zeros, zeros then ones, and alternating blocks of 16
  edges.push(ones(m / 2n) << (m / 2n), ones(m / 2n) | (1n << (m - 1n)));
  let blocks = 0n;
  for (let i = 0n; i < m; i += 32n) blocks |= 0xffffn << i;
  edges.push(blocks, blocks >> 8n, 0x5555555555555555555555555555555555555555n, (c.n - 1n) / 2n, c.n / c.h);
  return edges;
}

describe.each([
  ["sect163k1", sect163k1],
  ["sect283k1", sect283k1],
] as const)("%s scalar multiplication against plain double-and-add", (_name, c) => {
  // A point of order 2 or 4 (a cofactor-part point): n·R for a random point R, not infinity
  const small = (() => {
    for (;;) {
      const T = plainMul(c, c.n, randomPoint(c));
      if (T !== null) return T;
    }
  })();
  const mixed = plainAdd(c, c.mulG(987654321n), small);
  const order2 = c.decode(Buffer.concat([Buffer.from([0x02]), Buffer.alloc(c.F.bytes)]));

  it("has a cofactor-part point of small order to test with, and a point off the subgroup", () => {
    expect(plainMul(c, c.h, small)).toBeNull();
    expect(c.inSubgroup(mixed)).toBe(false);
  });

  it("gives k·G as double-and-add does, for edge scalars and random ones", () => {
    const scalars = [...edgeScalars(c)];
    for (let i = 0; i < 6; i++) scalars.push(randomBits(c.nBits) % c.n);
    for (const k of scalars) {
      const want = hex(c, plainMul(c, k, c.G));
      expect(hex(c, c.mulG(k)), `k = 0x${k.toString(16)}`).toBe(want);
      expect(hex(c, c.mul(k, c.G)), `k = 0x${k.toString(16)}`).toBe(want);
    }
    expect(c.mulG(0n)).toBeNull();
  });

  it("gives k·P as double-and-add does on random points of any order, for edge and random scalars", () => {
    const P = randomPoint(c);
    const scalars = [...edgeScalars(c)];
    for (const bits of [128, 142, c.nBits, c.F.m + 3]) scalars.push(randomBits(bits), randomBits(bits));
    for (const k of scalars) {
      expect(hex(c, c.mul(k, P)), `k = 0x${k.toString(16)}`).toBe(hex(c, plainMul(c, k, P)));
    }
    for (let i = 0; i < 4; i++) {
      const Q = randomPoint(c);
      const k = randomBits(c.nBits);
      expect(hex(c, c.mul(k, Q)), `k = 0x${k.toString(16)}`).toBe(hex(c, plainMul(c, k, Q)));
    }
  });

  it("keeps the cofactor part: points of order 2 and 4, and a subgroup point plus one of them", () => {
    const scalars = [1n, 2n, 3n, 4n, 5n, 6n, 7n, c.n, c.n + 1n, c.n + 2n, c.h * c.n, randomBits(c.nBits)];
    for (const P of [small, order2, mixed]) {
      for (const k of scalars) {
        expect(hex(c, c.mul(k, P)), `k = 0x${k.toString(16)}`).toBe(hex(c, plainMul(c, k, P)));
      }
    }
  });
});

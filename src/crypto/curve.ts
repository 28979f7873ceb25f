/**
 * Koblitz curves over GF(2^m), y^2 + xy = x^3 + a·x^2 + 1 (a ∈ {0, 1}), with the SEC 2 domain parameters of
 * sect163k1 (CBKE suite 1) and sect283k1 (suite 2): affine points, SEC 1 point compression, and scalar
 * multiplication in López–Dahab projective coordinates (x = X/Z, y = Y/Z^2) with a table of points kept in
 * affine form, so every addition is a mixed one (Guide to ECC, algorithms 3.24 and 3.25; López and Dahab
 * 1998).
 *
 * Scalar multiplication uses the Frobenius map τ(x, y) = (x^2, y^2), which on a Koblitz curve satisfies
 * τ^2 - μτ + 2 = 0 (μ = (-1)^(1-a)), so that k·P = ρ(τ)·P for an element ρ = r0 + r1·τ of Z[τ] and a τ costs
 * three squarings where a doubling costs multiplications (Solinas 2000; Guide to ECC, §3.4, algorithms 3.63,
 * 3.69 and 3.70): k is reduced modulo τ^m - 1 (which is 0 on every point over GF(2^m), so k·P is exact for any
 * point of the curve, cofactor part included), written as a width-w τ-adic NAF whose digits are ±α_u with
 * α_u = u mod τ^w, and evaluated left to right with a table of the points α_u·P. The width-w NAF of k with
 * doublings (§3.3) remains for the points whose table would hold the point at infinity (points of order
 * dividing the cofactor, whose α_u·P may vanish).
 *
 * Not constant time: a bench holding test keys does not need it (see gf2m.ts).
 */
import { BinaryField, type FieldElement } from "./gf2m.js";

/** An affine point; `null` is the point at infinity. */
export type Point = { readonly x: FieldElement; readonly y: FieldElement } | null;

/** A point in López–Dahab coordinates; Z = 0 is the point at infinity. */
interface LdPoint {
  X: FieldElement;
  Y: FieldElement;
  Z: FieldElement;
}

export interface CurveParams {
  name: string;
  /** Field degree and the exponents of the reduction polynomial below it. */
  m: number;
  poly: readonly number[];
  a: 0 | 1;
  /** Base point, big-endian hex. */
  gx: string;
  gy: string;
  /** Order of G. */
  n: bigint;
  /** Cofactor. */
  h: bigint;
}

export class KoblitzCurve {
  readonly F: BinaryField;
  readonly name: string;
  readonly a: 0 | 1;
  readonly n: bigint;
  readonly h: bigint;
  readonly G: NonNullable<Point>;
  /** Octets of a field element, a private key, and a compressed point (1 + field). */
  readonly fieldBytes: number;
  readonly compressedBytes: number;
  /** Bits of n. */
  readonly nBits: number;
  /** μ of τ^2 - μτ + 2 = 0. */
  readonly #mu: bigint;
  /** τ^m - 1 = #frob0 + #frob1·τ and its norm, the curve's order h·n. */
  readonly #frob0: bigint;
  readonly #frob1: bigint;
  readonly #frobNorm: bigint;
  readonly #tnafParams = new Map<number, TnafParams>();
  #gTable: NonNullable<Point>[] | undefined;

  constructor(p: CurveParams) {
    this.F = new BinaryField(p.m, p.poly);
    this.name = p.name;
    this.a = p.a;
    this.n = p.n;
    this.h = p.h;
    this.G = { x: this.F.fromHex(p.gx), y: this.F.fromHex(p.gy) };
    this.fieldBytes = this.F.bytes;
    this.compressedBytes = this.F.bytes + 1;
    this.nBits = p.n.toString(2).length;
    if (!this.isOnCurve(this.G)) throw new Error(`${p.name}: G is not on the curve`);
    this.#mu = p.a === 1 ? 1n : -1n;
    const [u0, u1] = lucas(this.#mu, p.m);
    // τ^m = U_m·τ - 2·U_(m-1)
    this.#frob0 = -2n * u0 - 1n;
    this.#frob1 = u1;
    this.#frobNorm = tauNorm(this.#frob0, this.#frob1, this.#mu);
    if (this.#frobNorm !== p.h * p.n) throw new Error(`${p.name}: N(τ^m - 1) is not the curve's order h·n`);
  }

  isOnCurve(P: Point): boolean {
    if (P === null) return true;
    const F = this.F;
    const x2 = F.sqr(P.x);
    // y^2 + xy + x^3 + a·x^2 + 1 = 0
    let lhs = F.add(F.sqr(P.y), F.mul(P.x, P.y));
    let rhs = F.mul(x2, P.x);
    if (this.a) rhs = F.add(rhs, x2);
    rhs = F.addOne(rhs);
    lhs = F.add(lhs, rhs);
    return F.isZero(lhs);
  }

  equals(P: Point, Q: Point): boolean {
    if (P === null || Q === null) return P === Q;
    return this.F.equals(P.x, Q.x) && this.F.equals(P.y, Q.y);
  }

  negate(P: Point): Point {
    return P === null ? null : { x: P.x, y: this.F.add(P.x, P.y) };
  }

  /** Affine P + Q (each may be the point at infinity). */
  add(P: Point, Q: Point): Point {
    if (P === null) return Q;
    if (Q === null) return P;
    const F = this.F;
    if (F.equals(P.x, Q.x)) {
      if (F.equals(P.y, Q.y)) return this.double(P);
      return null; // Q = -P
    }
    const lambda = F.div(F.add(P.y, Q.y), F.add(P.x, Q.x));
    let x3 = F.add(F.add(F.sqr(lambda), lambda), F.add(P.x, Q.x));
    if (this.a) x3 = F.addOne(x3);
    const y3 = F.add(F.add(F.mul(lambda, F.add(P.x, x3)), x3), P.y);
    return { x: x3, y: y3 };
  }

  double(P: Point): Point {
    if (P === null) return null;
    const F = this.F;
    if (F.isZero(P.x)) return null; // the point of order 2
    const lambda = F.add(P.x, F.div(P.y, P.x));
    let x3 = F.add(F.sqr(lambda), lambda);
    if (this.a) x3 = F.addOne(x3);
    const y3 = F.add(F.sqr(P.x), F.mul(F.addOne(lambda), x3));
    return { x: x3, y: y3 };
  }

  /** SEC 1 compressed form: 02 or 03 (the low bit of y/x) followed by x, big-endian. Infinity is 00. */
  compress(P: Point): Buffer {
    if (P === null) return Buffer.from([0]);
    const F = this.F;
    const bit = F.isZero(P.x) ? 0 : F.lowBit(F.div(P.y, P.x));
    return Buffer.concat([Buffer.from([0x02 | bit]), F.toBytes(P.x)]);
  }

  /** Uncompressed SEC 1 form: 04 ‖ x ‖ y. */
  uncompressed(P: NonNullable<Point>): Buffer {
    return Buffer.concat([Buffer.from([0x04]), this.F.toBytes(P.x), this.F.toBytes(P.y)]);
  }

  /**
   * A point from its compressed (02/03 ‖ x) or uncompressed (04 ‖ x ‖ y) SEC 1 encoding. Throws a RangeError
   * when the octets are not a point of the curve (wrong length or prefix, x not a field element, no y for x).
   * It does not check that the point lies in the subgroup of order n (see `inSubgroup`).
   */
  decode(octets: Uint8Array): NonNullable<Point> {
    const F = this.F;
    const prefix = octets[0];
    if (octets.length === 1 + 2 * F.bytes && prefix === 0x04) {
      const P = { x: F.fromBytes(octets.subarray(1, 1 + F.bytes)), y: F.fromBytes(octets.subarray(1 + F.bytes)) };
      if (!this.isOnCurve(P)) throw new RangeError(`${this.name}: the point is not on the curve`);
      return P;
    }
    if (octets.length !== this.compressedBytes || (prefix !== 0x02 && prefix !== 0x03)) {
      throw new RangeError(
        `${this.name}: a compressed point is ${this.compressedBytes} octets starting 02 or 03 (got ${octets.length} octets${octets.length ? `, first ${hexByte(prefix ?? 0)}` : ""})`,
      );
    }
    const x = F.fromBytes(octets.subarray(1));
    const ybit = prefix & 1;
    if (F.isZero(x)) {
      if (ybit !== 0) throw new RangeError(`${this.name}: the point is not on the curve`);
      return { x, y: F.one() }; // y^2 = b = 1
    }
    // With y = x·z: z^2 + z = x + a + 1/x^2.
    let beta = F.add(x, F.inv(F.sqr(x)));
    if (this.a) beta = F.addOne(beta);
    let z = F.halfTrace(beta);
    if (!F.equals(F.add(F.sqr(z), z), beta)) throw new RangeError(`${this.name}: the point is not on the curve`);
    if (F.lowBit(z) !== ybit) z = F.addOne(z);
    return { x, y: F.mul(x, z) };
  }

  /** n·P = infinity (with P on the curve: P is in the subgroup the certificates and ephemeral keys live in). */
  inSubgroup(P: Point): boolean {
    return this.mul(this.n, P) === null;
  }

  /** k·G for any integer k ≥ 0, with a cached table for a width-8 τ-adic NAF (64 points). */
  mulG(k: bigint): Point {
    if (k < 0n) throw new RangeError("negative scalar");
    if (k === 0n) return null;
    this.#gTable ??= this.#tauTable(this.G, G_WIDTH);
    if (this.#gTable === undefined) throw new Error(`${this.name}: α_u·G is the point at infinity`);
    return this.#toAffine(this.#tauMul(this.#tnaf(k, G_WIDTH), this.#gTable));
  }

  /** k·P for any integer k ≥ 0 (not reduced mod n, so the cofactor part of P is kept). */
  mul(k: bigint, P: Point): Point {
    if (k < 0n) throw new RangeError("negative scalar");
    if (P === null || k === 0n) return null;
    const table = this.#tauTable(P, P_WIDTH);
    if (table === undefined) {
      const w = k.toString(2).length > 64 ? 5 : 4;
      return this.#mulWithTable(k, this.#oddMultiples(P, w), w);
    }
    return this.#toAffine(this.#tauMul(this.#tnaf(k, P_WIDTH), table));
  }

  /**
   * The width-w τ-adic NAF of k (algorithm 3.69), least significant digit first: digit d ≠ 0 stands for
   * sign(d)·α_|d|, with ρ = Σ d_i·τ^i ≡ k modulo τ^m - 1. For w = 2 the digits are 0 and ±1 (α_1 = 1).
   */
  #tnaf(k: bigint, w: number): Int8Array {
    const [r0, r1] = this.#reduceModFrobenius(k);
    return this.#tnafOf(r0, r1, w);
  }

  /** ρ ≡ k (mod τ^m - 1) of about m bits of τ-adic length: k - q·(τ^m - 1), q = k/(τ^m - 1) rounded in Z[τ]. */
  #reduceModFrobenius(k: bigint): [bigint, bigint] {
    const mu = this.#mu;
    const a = this.#frob0;
    const b = this.#frob1;
    // k / (a + bτ) = k·(a + μb - bτ) / N(a + bτ)
    const [q0, q1] = roundTau(k * (a + mu * b), -k * b, this.#frobNorm, mu);
    // q·(a + bτ) = q0·a - 2·q1·b + (q0·b + q1·a + μ·q1·b)·τ
    return [k - (q0 * a - 2n * q1 * b), -(q0 * b + q1 * a + mu * q1 * b)];
  }

  #params(w: number): TnafParams {
    let p = this.#tnafParams.get(w);
    if (p === undefined) {
      p = tnafParams(this.#mu, w);
      this.#tnafParams.set(w, p);
    }
    return p;
  }

  /** Algorithm 3.69 on r0 + r1·τ. */
  #tnafOf(r0: bigint, r1: bigint, w: number): Int8Array {
    const mu = this.#mu;
    const { tw, alpha } = this.#params(w);
    const mask = (1 << w) - 1;
    const half = 1 << (w - 1);
    // N(ρ) ≤ (4/7)·N(τ^m - 1) after rounding: a width-w τ-adic NAF of about log2 N(ρ) ≈ m digits, a few more at most
    const digits = new Int8Array(this.F.m + 64);
    let i = 0;
    while (r0 !== 0n || r1 !== 0n) {
      if (i >= digits.length) throw new Error(`${this.name}: the τ-adic NAF does not terminate`);
      if (r0 & 1n) {
        // u = (r0 + r1·t_w) mods 2^w
        let u = (Number(BigInt.asUintN(w, r0)) + Number(BigInt.asUintN(w, r1)) * tw) & mask;
        if (u >= half) u -= 1 << w;
        const [beta, gamma] = alpha[(Math.abs(u) - 1) >>> 1]!;
        if (u > 0) {
          r0 -= beta;
          r1 -= gamma;
        } else {
          r0 += beta;
          r1 += gamma;
        }
        digits[i] = u;
      }
      // ρ / τ = r1 + μ·r0/2 - (r0/2)·τ (r0 is even here)
      const t = r0 >> 1n;
      r0 = r1 + (mu > 0n ? t : -t);
      r1 = -t;
      i++;
    }
    return digits.subarray(0, i);
  }

  /**
   * α_u·P for u = 1, 3, … , 2^(w-1) - 1 in affine form (each by its width-2 τ-adic NAF, then one inversion for
   * the lot by Montgomery's trick), or undefined when one of them is the point at infinity.
   */
  #tauTable(P: NonNullable<Point>, w: number): NonNullable<Point>[] | undefined {
    const F = this.F;
    const { alpha } = this.#params(w);
    const ld = alpha.map(([beta, gamma]) => this.#tauMul(this.#tnafOf(beta, gamma, 2), [P]));
    if (ld.some((Q) => F.isZero(Q.Z))) return undefined;
    // Montgomery's simultaneous inversion: prefix products, one inversion, then back down
    const prefix: FieldElement[] = [ld[0]!.Z];
    for (let i = 1; i < ld.length; i++) prefix.push(F.mul(prefix[i - 1]!, ld[i]!.Z));
    let inv = F.inv(prefix[ld.length - 1]!);
    const out: NonNullable<Point>[] = new Array(ld.length);
    for (let i = ld.length - 1; i >= 0; i--) {
      const Q = ld[i]!;
      const zi = i === 0 ? inv : F.mul(inv, prefix[i - 1]!);
      if (i !== 0) inv = F.mul(inv, Q.Z);
      out[i] = { x: F.mul(Q.X, zi), y: F.mul(Q.Y, F.sqr(zi)) };
    }
    return out;
  }

  /** Σ d_i·τ^i applied to the table's points (algorithm 3.70), in López–Dahab coordinates. */
  #tauMul(digits: Int8Array, table: readonly NonNullable<Point>[]): LdPoint {
    const F = this.F;
    let Q: LdPoint = { X: F.one(), Y: F.zero(), Z: F.zero() };
    for (let i = digits.length - 1; i >= 0; i--) {
      Q = { X: F.sqr(Q.X), Y: F.sqr(Q.Y), Z: F.sqr(Q.Z) };
      const d = digits[i]!;
      if (d === 0) continue;
      const T = table[(Math.abs(d) - 1) >>> 1]!;
      Q = this.#ldAddAffine(Q, d > 0 ? T : this.negate(T)!);
    }
    return Q;
  }

  /** P, 3P, 5P, … , (2^(w-1) - 1)P in affine form. */
  #oddMultiples(P: NonNullable<Point>, w: number): NonNullable<Point>[] {
    const count = 1 << (w - 2);
    const table: NonNullable<Point>[] = [P];
    const twice = this.double(P);
    // (2i+1)P is never infinity for i < count: the only small orders on these curves divide the cofactor (2 or
    // 4), and an odd multiple of a point of order 2 or 4 is not infinity
    for (let i = 1; i < count; i++) table.push(this.add(table[i - 1]!, twice)!);
    return table;
  }

  #mulWithTable(k: bigint, table: NonNullable<Point>[], w: number): Point {
    const digits = wnaf(k, w);
    const F = this.F;
    let Q: LdPoint = { X: F.one(), Y: F.zero(), Z: F.zero() };
    for (let i = digits.length - 1; i >= 0; i--) {
      Q = this.#ldDouble(Q);
      const d = digits[i]!;
      if (d === 0) continue;
      const T = table[(Math.abs(d) - 1) >>> 1]!;
      Q = this.#ldAddAffine(Q, d > 0 ? T : this.negate(T)!);
    }
    return this.#toAffine(Q);
  }

  #toAffine(Q: LdPoint): Point {
    const F = this.F;
    if (F.isZero(Q.Z)) return null;
    const zi = F.inv(Q.Z);
    return { x: F.mul(Q.X, zi), y: F.mul(Q.Y, F.sqr(zi)) };
  }

  /** 2Q in López–Dahab coordinates, b = 1: Z3 = X^2·Z^2, X3 = X^4 + Z^4, Y3 = Z^4·Z3 + X3·(a·Z3 + Y^2 + Z^4). */
  #ldDouble(Q: LdPoint): LdPoint {
    const F = this.F;
    if (F.isZero(Q.Z)) return Q;
    const X2 = F.sqr(Q.X);
    const Z2 = F.sqr(Q.Z);
    const Z4 = F.sqr(Z2);
    const Z3 = F.mul(X2, Z2);
    const X3 = F.add(F.sqr(X2), Z4);
    let inner = F.add(F.sqr(Q.Y), Z4);
    if (this.a) inner = F.add(inner, Z3);
    const Y3 = F.add(F.mul(Z4, Z3), F.mul(X3, inner));
    return { X: X3, Y: Y3, Z: Z3 };
  }

  /** Q + P with Q in López–Dahab coordinates and P affine (mixed addition). */
  #ldAddAffine(Q: LdPoint, P: NonNullable<Point>): LdPoint {
    const F = this.F;
    if (F.isZero(Q.Z)) return { X: P.x, Y: P.y, Z: F.one() };
    const Z1sq = F.sqr(Q.Z);
    const A = F.add(F.mul(P.y, Z1sq), Q.Y);
    const B = F.add(F.mul(P.x, Q.Z), Q.X);
    if (F.isZero(B)) {
      if (F.isZero(A)) return this.#ldDouble({ X: P.x, Y: P.y, Z: F.one() });
      return { X: F.one(), Y: F.zero(), Z: F.zero() };
    }
    const C = F.mul(Q.Z, B);
    const D = F.mul(F.sqr(B), this.a ? F.add(C, Z1sq) : C);
    const Z3 = F.sqr(C);
    const E = F.mul(A, C);
    const X3 = F.add(F.add(F.sqr(A), D), E);
    const Fv = F.add(X3, F.mul(P.x, Z3));
    const G = F.mul(F.add(P.x, P.y), F.sqr(Z3));
    const Y3 = F.add(F.mul(F.add(E, Z3), Fv), G);
    return { X: X3, Y: Y3, Z: Z3 };
  }
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, "0");
}

/** The width of the τ-adic NAF for G (a cached table of 2^(w-2) points) and for any other point. */
const G_WIDTH = 8;
const P_WIDTH = 5;

interface TnafParams {
  /** t_w = 2·U_(w-1)·U_w^-1 mod 2^w, the image of τ in Z/2^w (τ^w ↦ 0). */
  tw: number;
  /** α_u = u mod τ^w = [β_u, γ_u] (α_u = β_u + γ_u·τ) for u = 1, 3, … , 2^(w-1) - 1, at index (u - 1)/2. */
  alpha: [bigint, bigint][];
}

/** [U_(k-1), U_k] of the Lucas sequence U_0 = 0, U_1 = 1, U_(i+1) = μ·U_i - 2·U_(i-1): τ^k = U_k·τ - 2·U_(k-1). */
function lucas(mu: bigint, k: number): [bigint, bigint] {
  let prev = 0n;
  let cur = 1n;
  for (let i = 1; i < k; i++) [prev, cur] = [cur, mu * cur - 2n * prev];
  return [prev, cur];
}

/** N(x + yτ) = x^2 + μxy + 2y^2. */
function tauNorm(x: bigint, y: bigint, mu: bigint): bigint {
  return x * x + mu * x * y + 2n * y * y;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/**
 * λ = (n0 + n1·τ)/d (d > 0) rounded to an element q0 + q1·τ of Z[τ] (Solinas; Guide to ECC algorithm 3.63),
 * so that the remainder has a small norm. Any rounding keeps the reductions exact; this one keeps them short.
 */
function roundTau(n0: bigint, n1: bigint, d: bigint, mu: bigint): [bigint, bigint] {
  const f0 = floorDiv(2n * n0 + d, 2n * d);
  const f1 = floorDiv(2n * n1 + d, 2n * d);
  // η_i = λ_i - f_i, kept as e_i = η_i·d
  const e0 = n0 - f0 * d;
  const e1 = n1 - f1 * d;
  const eta = 2n * e0 + mu * e1;
  let h0 = 0n;
  let h1 = 0n;
  if (eta >= d) {
    if (e0 - 3n * mu * e1 < -d) h1 = mu;
    else h0 = 1n;
  } else if (e0 + 4n * mu * e1 >= 2n * d) h1 = mu;
  if (eta < -d) {
    if (e0 - 3n * mu * e1 >= d) h1 = -mu;
    else h0 = -1n;
  } else if (e0 + 4n * mu * e1 < -2n * d) h1 = -mu;
  return [f0 + h0, f1 + h1];
}

/** t_w and the α_u of the width-w τ-adic NAF. */
function tnafParams(mu: bigint, w: number): TnafParams {
  const mod = 1n << BigInt(w);
  const [uPrev, uW] = lucas(mu, w);
  // U_w is odd: its inverse mod 2^w by Newton's iteration x ← x·(2 - U_w·x), exact after log2(w) + 1 steps
  let inv = 1n;
  for (let i = 0; i < 6; i++) inv = (inv * (2n - uW * inv)) % mod;
  const tw = (((2n * uPrev * inv) % mod) + mod) % mod;
  if ((tw * tw - mu * tw + 2n) % mod !== 0n) throw new Error("t_w is not a root of τ^2 - μτ + 2 mod 2^w");
  // τ^w = c + dτ with norm 2^w; u / τ^w = u·(c + μd - dτ) / 2^w, rounded
  const c = -2n * uPrev;
  const d = uW;
  const alpha: [bigint, bigint][] = [];
  for (let u = 1n; u < mod / 2n; u += 2n) {
    const [q0, q1] = roundTau(u * (c + mu * d), -u * d, mod, mu);
    alpha.push([u - (q0 * c - 2n * q1 * d), -(q0 * d + q1 * c + mu * q1 * d)]);
  }
  return { tw: Number(tw), alpha };
}

/** Width-w non-adjacent form of k ≥ 0, least significant digit first; digits are 0 or odd in ±(2^(w-1) - 1). */
export function wnaf(k: bigint, w: number): number[] {
  const out: number[] = [];
  const mod = 1n << BigInt(w);
  const half = 1 << (w - 1);
  while (k > 0n) {
    if (k & 1n) {
      let d = Number(k & (mod - 1n));
      if (d >= half) d -= 1 << w;
      out.push(d);
      k -= BigInt(d);
    } else out.push(0);
    k >>= 1n;
  }
  return out;
}

/** SEC 2 sect163k1: CBKE suite 1. */
export const sect163k1 = new KoblitzCurve({
  name: "sect163k1",
  m: 163,
  poly: [0, 3, 6, 7],
  a: 1,
  gx: "02FE13C0537BBC11ACAA07D793DE4E6D5E5C94EEE8",
  gy: "0289070FB05D38FF58321F2E800536D538CCDAA3D9",
  n: 0x04000000000000000000020108a2e0cc0d99f8a5efn,
  h: 2n,
});

/** SEC 2 sect283k1: CBKE suite 2, the GB suite. */
export const sect283k1 = new KoblitzCurve({
  name: "sect283k1",
  m: 283,
  poly: [0, 5, 7, 12],
  a: 0,
  gx: "0503213F78CA44883F1A3B8162F188E553CD265F23C1567A16876913B0C2AC2458492836",
  gy: "01CCDA380F1C9E318D90F95D07E5426FE87E45C0E8184698E45962364E34116177DD2259",
  n: 0x01ffffffffffffffffffffffffffffffffffe9ae2ed07577265dff7f94451e061e163c61n,
  h: 4n,
});

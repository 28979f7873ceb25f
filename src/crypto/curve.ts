/**
 * Koblitz curves over GF(2^m), y^2 + xy = x^3 + a·x^2 + 1 (a ∈ {0, 1}), with the SEC 2 domain parameters of
 * sect163k1 (CBKE suite 1) and sect283k1 (suite 2): affine points, SEC 1 point compression, and scalar
 * multiplication in López–Dahab projective coordinates (x = X/Z, y = Y/Z^2) with a width-w NAF of the scalar
 * and a table of odd multiples kept in affine form, so every addition is a mixed one (Guide to ECC,
 * algorithms 3.24 and 3.25; López and Dahab 1998).
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

  /** k·G, with a cached table of odd multiples of G. */
  mulG(k: bigint): Point {
    this.#gTable ??= this.#oddMultiples(this.G, 6);
    return this.#mulWithTable(k, this.#gTable, 6);
  }

  /** k·P for any integer k ≥ 0 (not reduced mod n, so the cofactor part of P is kept). */
  mul(k: bigint, P: Point): Point {
    if (k < 0n) throw new RangeError("negative scalar");
    if (P === null || k === 0n) return null;
    const w = k.toString(2).length > 64 ? 5 : 4;
    return this.#mulWithTable(k, this.#oddMultiples(P, w), w);
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

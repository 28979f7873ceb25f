/**
 * Arithmetic in the binary field GF(2^m) with a polynomial basis, for the two fields of the Smart Energy
 * CBKE suites (cbke.md §2): m = 163, f = x^163 + x^7 + x^6 + x^3 + 1 (sect163k1) and m = 283,
 * f = x^283 + x^12 + x^7 + x^5 + 1 (sect283k1).
 *
 * An element is a Uint32Array of ⌈m/32⌉ words, least significant word first (bit i of the polynomial is bit
 * i % 32 of word i / 32). Elements are kept reduced (degree < m). Every operation returns a new array and never
 * changes its arguments; the field object owns the scratch space its multiplication and squaring reuse.
 *
 * Methods (Hankerson, Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", ch. 2):
 * - multiplication: left-to-right comb with 4-bit windows (a table of u(x)·b(x) for the 16 nibbles u, then one
 *   XOR of a table row per nibble of a, shifting the accumulator by 4 bits between nibble positions);
 * - squaring: a 256-entry table that spreads the bits of a byte (squaring is linear in GF(2));
 * - reduction: word by word, folding each word above degree m back by the low terms of f;
 * - inversion: Itoh–Tsujii, a^-1 = (a^(2^(m-1)-1))^2, about m squarings and log2(m) multiplications;
 * - the half-trace, which solves z^2 + z = c for odd m (point decompression).
 *
 * Not constant time: this code runs on a bench that holds test keys only.
 */

/** Spreads the 8 bits of a byte to the even bits of 16: the square of a degree-7 polynomial. */
const SPREAD = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let v = 0;
    for (let b = 0; b < 8; b++) if (i & (1 << b)) v |= 1 << (2 * b);
    t[i] = v;
  }
  return t;
})();

export type FieldElement = Uint32Array;

export class BinaryField {
  /** Words per element. */
  readonly words: number;
  /** Octets of an element in its big-endian octet-string form (SEC 1). */
  readonly bytes: number;
  /** The exponents of f below m, e.g. [0, 5, 7, 12] for x^283 + x^12 + x^7 + x^5 + 1. */
  readonly #low: readonly number[];
  readonly #topBits: number;
  readonly #table: Uint32Array;
  readonly #wide: Uint32Array;

  constructor(
    readonly m: number,
    low: readonly number[],
  ) {
    if (m % 2 === 0) throw new Error("only odd degrees are supported (the half-trace needs m odd)");
    this.words = Math.ceil(m / 32);
    this.bytes = Math.ceil(m / 8);
    this.#low = [...low].sort((a, b) => a - b);
    if (this.#low[0] !== 0 || this.#low.some((k) => k >= m - 32)) throw new Error("unsupported reduction polynomial");
    this.#topBits = m - 32 * (this.words - 1);
    // The comb table holds u(x)·b(x) for u < 16 in `words` words: b has degree < m and m + 3 < 32·words.
    if (m + 3 >= 32 * this.words) throw new Error("m too close to a word boundary for the comb table");
    this.#table = new Uint32Array(16 * this.words);
    this.#wide = new Uint32Array(2 * this.words);
  }

  zero(): FieldElement {
    return new Uint32Array(this.words);
  }

  one(): FieldElement {
    const r = this.zero();
    r[0] = 1;
    return r;
  }

  isZero(a: FieldElement): boolean {
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }

  isOne(a: FieldElement): boolean {
    if (a[0] !== 1) return false;
    for (let i = 1; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }

  equals(a: FieldElement, b: FieldElement): boolean {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Bit 0 of the polynomial (the rightmost bit of the octet string). */
  lowBit(a: FieldElement): number {
    return a[0]! & 1;
  }

  add(a: FieldElement, b: FieldElement): FieldElement {
    const r = new Uint32Array(this.words);
    for (let i = 0; i < this.words; i++) r[i] = a[i]! ^ b[i]!;
    return r;
  }

  /** a + 1 */
  addOne(a: FieldElement): FieldElement {
    const r = a.slice();
    r[0] = r[0]! ^ 1;
    return r;
  }

  mul(a: FieldElement, b: FieldElement): FieldElement {
    const n = this.words;
    const T = this.#table;
    const C = this.#wide;
    // T[u] = u(x)·b(x): T[1] = b, T[2k] = T[k]·x, T[2k+1] = T[2k] + b.
    for (let i = 0; i < n; i++) {
      T[i] = 0;
      T[n + i] = b[i]!;
    }
    for (let u = 2; u < 16; u++) {
      const row = u * n;
      if (u & 1) {
        const prev = (u - 1) * n;
        for (let i = 0; i < n; i++) T[row + i] = T[prev + i]! ^ b[i]!;
      } else {
        const half = (u >>> 1) * n;
        let carry = 0;
        for (let i = 0; i < n; i++) {
          const w = T[half + i]!;
          T[row + i] = (w << 1) | carry;
          carry = w >>> 31;
        }
      }
    }
    C.fill(0);
    for (let shift = 28; shift >= 0; shift -= 4) {
      for (let j = 0; j < n; j++) {
        const u = (a[j]! >>> shift) & 15;
        if (u === 0) continue;
        const row = u * n;
        for (let i = 0; i < n; i++) C[j + i] = C[j + i]! ^ T[row + i]!;
      }
      if (shift !== 0) {
        for (let i = 2 * n - 1; i > 0; i--) C[i] = (C[i]! << 4) | (C[i - 1]! >>> 28);
        C[0] = C[0]! << 4;
      }
    }
    return this.#reduce(C);
  }

  sqr(a: FieldElement): FieldElement {
    const C = this.#wide;
    for (let i = 0; i < this.words; i++) {
      const w = a[i]!;
      C[2 * i] = SPREAD[w & 0xff]! | (SPREAD[(w >>> 8) & 0xff]! << 16);
      C[2 * i + 1] = SPREAD[(w >>> 16) & 0xff]! | (SPREAD[w >>> 24]! << 16);
    }
    return this.#reduce(C);
  }

  /** a^(2^k): k squarings. */
  sqrTimes(a: FieldElement, k: number): FieldElement {
    let r = a;
    for (let i = 0; i < k; i++) r = this.sqr(r);
    return r;
  }

  /** Folds words at and above degree m of the double-width `C` back into `words` words (f ≡ 0). */
  #reduce(C: Uint32Array): FieldElement {
    const n = this.words;
    const m = this.m;
    const low = this.#low;
    for (let i = 2 * n - 1; i >= n; i--) {
      const t = C[i]!;
      if (t === 0) continue;
      C[i] = 0;
      // x^(32i + b) = x^(32i + b - m) · (f - x^m): each low term k lands at bit 32i - m + k.
      for (const k of low) {
        const s = 32 * i - m + k;
        const w = s >>> 5;
        const bit = s & 31;
        C[w] = C[w]! ^ (t << bit);
        if (bit !== 0) C[w + 1] = C[w + 1]! ^ (t >>> (32 - bit));
      }
    }
    const top = this.#topBits;
    const t = C[n - 1]! >>> top;
    if (t !== 0) {
      C[n - 1] = C[n - 1]! & ((1 << top) - 1);
      for (const k of low) {
        C[k >>> 5] = C[k >>> 5]! ^ (t << (k & 31));
        if ((k & 31) !== 0) C[(k >>> 5) + 1] = C[(k >>> 5) + 1]! ^ (t >>> (32 - (k & 31)));
      }
    }
    return C.slice(0, n);
  }

  /** a^-1 by Itoh–Tsujii; throws for 0. */
  inv(a: FieldElement): FieldElement {
    if (this.isZero(a)) throw new RangeError("0 has no inverse");
    // beta(k) = a^(2^k - 1); beta(j + k) = beta(j)^(2^k) · beta(k). Walk the bits of m - 1 from the top.
    const e = this.m - 1;
    let beta = a;
    let k = 1;
    for (let bit = 31 - Math.clz32(e) - 1; bit >= 0; bit--) {
      beta = this.mul(this.sqrTimes(beta, k), beta);
      k *= 2;
      if ((e >>> bit) & 1) {
        beta = this.mul(this.sqr(beta), a);
        k += 1;
      }
    }
    return this.sqr(beta);
  }

  div(a: FieldElement, b: FieldElement): FieldElement {
    return this.mul(a, this.inv(b));
  }

  /** Tr(c) = c + c^2 + c^4 + … + c^(2^(m-1)), 0 or 1. */
  trace(c: FieldElement): number {
    let t = c;
    let acc = c;
    for (let i = 1; i < this.m; i++) {
      t = this.sqr(t);
      acc = this.add(acc, t);
    }
    return acc[0]! & 1;
  }

  /** H(c) = sum of c^(2^(2i)) for i = 0 … (m-1)/2: a root z of z^2 + z = c + Tr(c) (m odd). */
  halfTrace(c: FieldElement): FieldElement {
    let t = c;
    let acc = c;
    for (let i = 1; i <= (this.m - 1) / 2; i++) {
      t = this.sqr(this.sqr(t));
      acc = this.add(acc, t);
    }
    return acc;
  }

  /** From the big-endian octet string of `bytes` octets (SEC 1 FieldElement-to-OctetString). */
  fromBytes(octets: Uint8Array): FieldElement {
    if (octets.length !== this.bytes) {
      throw new RangeError(`a field element has ${this.bytes} octets, not ${octets.length}`);
    }
    const r = this.zero();
    for (let i = 0; i < octets.length; i++) {
      const bit = 8 * (octets.length - 1 - i);
      r[bit >>> 5] = r[bit >>> 5]! | (octets[i]! << (bit & 31));
    }
    if (r[this.words - 1]! >>> this.#topBits !== 0) throw new RangeError(`not a field element: degree ≥ ${this.m}`);
    return r;
  }

  toBytes(a: FieldElement): Buffer {
    const out = Buffer.alloc(this.bytes);
    for (let i = 0; i < this.bytes; i++) {
      const bit = 8 * (this.bytes - 1 - i);
      out[i] = (a[bit >>> 5]! >>> (bit & 31)) & 0xff;
    }
    return out;
  }

  fromHex(hex: string): FieldElement {
    return this.fromBytes(Buffer.from(hex.padStart(2 * this.bytes, "0"), "hex"));
  }

  fromBigInt(v: bigint): FieldElement {
    return this.fromHex(v.toString(16));
  }

  toBigInt(a: FieldElement): bigint {
    return BigInt(`0x${this.toBytes(a).toString("hex")}`);
  }
}

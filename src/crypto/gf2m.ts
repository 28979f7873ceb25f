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
 *   XOR of a table row per nibble of a, shifting the accumulator by 4 bits between nibble positions); for the
 *   9 words of m = 283 with the accumulator's 18 words in local variables and the rows' XORs written out;
 * - squaring: a 256-entry table that spreads the bits of a byte (squaring is linear in GF(2));
 * - reduction: word by word, folding each word above degree m back by the low terms of f, with the shifts
 *   written out for the two pentanomials of the suites (Guide to ECC, algorithms 2.41 and 2.43);
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

/** The square of the low 16 bits of a word, and of its high 16 bits, each as a word. */
function spreadLow(w: number): number {
  return SPREAD[w & 0xff]! | (SPREAD[(w >>> 8) & 0xff]! << 16);
}

function spreadHigh(w: number): number {
  return SPREAD[(w >>> 16) & 0xff]! | (SPREAD[w >>> 24]! << 16);
}

export type FieldElement = Uint32Array;

/** The 18 words of a product or square reduced by f = x^283 + x^12 + x^7 + x^5 + 1 (`fold283`). */
// biome-ignore format: the eighteen words in two lines
function reduce283(C: Uint32Array): FieldElement {
  return fold283(C[0]!, C[1]!, C[2]!, C[3]!, C[4]!, C[5]!, C[6]!, C[7]!, C[8]!,
    C[9]!, C[10]!, C[11]!, C[12]!, C[13]!, C[14]!, C[15]!, C[16]!, C[17]!);
}

/**
 * f = x^283 + x^12 + x^7 + x^5 + 1. Bit 32i of word i ≥ 9 is x^(283 + 32(i-9) + 5), ≡ that times
 * x^12 + x^7 + x^5 + 1: word i folds into words i-9 and i-8 at bit offsets 5, 10, 12, 17 (from the top word
 * down, as folding word i touches word i-8). Then the 5 bits of word 8 above bit 26 (degree ≥ 283) fold into
 * word 0 at offsets 0, 5, 7, 12.
 * The words come and go in local variables, not in a typed array.
 */
// biome-ignore format: the nine folds written out, one word per line
function fold283(
  c0: number, c1: number, c2: number, c3: number, c4: number, c5: number, c6: number, c7: number, c8: number,
  c9: number, c10: number, c11: number, c12: number, c13: number, c14: number, c15: number, c16: number, c17: number,
): FieldElement {
  c8 ^= (c17 << 5) ^ (c17 << 10) ^ (c17 << 12) ^ (c17 << 17);
  c9 ^= (c17 >>> 27) ^ (c17 >>> 22) ^ (c17 >>> 20) ^ (c17 >>> 15);
  c7 ^= (c16 << 5) ^ (c16 << 10) ^ (c16 << 12) ^ (c16 << 17);
  c8 ^= (c16 >>> 27) ^ (c16 >>> 22) ^ (c16 >>> 20) ^ (c16 >>> 15);
  c6 ^= (c15 << 5) ^ (c15 << 10) ^ (c15 << 12) ^ (c15 << 17);
  c7 ^= (c15 >>> 27) ^ (c15 >>> 22) ^ (c15 >>> 20) ^ (c15 >>> 15);
  c5 ^= (c14 << 5) ^ (c14 << 10) ^ (c14 << 12) ^ (c14 << 17);
  c6 ^= (c14 >>> 27) ^ (c14 >>> 22) ^ (c14 >>> 20) ^ (c14 >>> 15);
  c4 ^= (c13 << 5) ^ (c13 << 10) ^ (c13 << 12) ^ (c13 << 17);
  c5 ^= (c13 >>> 27) ^ (c13 >>> 22) ^ (c13 >>> 20) ^ (c13 >>> 15);
  c3 ^= (c12 << 5) ^ (c12 << 10) ^ (c12 << 12) ^ (c12 << 17);
  c4 ^= (c12 >>> 27) ^ (c12 >>> 22) ^ (c12 >>> 20) ^ (c12 >>> 15);
  c2 ^= (c11 << 5) ^ (c11 << 10) ^ (c11 << 12) ^ (c11 << 17);
  c3 ^= (c11 >>> 27) ^ (c11 >>> 22) ^ (c11 >>> 20) ^ (c11 >>> 15);
  c1 ^= (c10 << 5) ^ (c10 << 10) ^ (c10 << 12) ^ (c10 << 17);
  c2 ^= (c10 >>> 27) ^ (c10 >>> 22) ^ (c10 >>> 20) ^ (c10 >>> 15);
  c0 ^= (c9 << 5) ^ (c9 << 10) ^ (c9 << 12) ^ (c9 << 17);
  c1 ^= (c9 >>> 27) ^ (c9 >>> 22) ^ (c9 >>> 20) ^ (c9 >>> 15);
  const t = c8 >>> 27;
  const r = new Uint32Array(9);
  r[0] = c0 ^ t ^ (t << 5) ^ (t << 7) ^ (t << 12);
  r[1] = c1; r[2] = c2; r[3] = c3; r[4] = c4; r[5] = c5; r[6] = c6; r[7] = c7;
  r[8] = c8 & 0x7ffffff;
  return r;
}

/**
 * f = x^163 + x^7 + x^6 + x^3 + 1. Bit 32i of word i ≥ 6 is x^(163 + 32(i-6) + 29): word i folds in at bit
 * offsets 29, 32, 35, 36 from word i-6, that is into words i-6, i-5 and i-4 (from the top word down). Then the
 * 29 bits of word 5 above bit 2 (degree ≥ 163) fold into words 0 and 1 at offsets 0, 3, 6, 7.
 */
function reduce163(C: Uint32Array): FieldElement {
  for (let i = 11; i >= 6; i--) {
    const t = C[i]!;
    C[i - 6] = C[i - 6]! ^ (t << 29);
    C[i - 5] = C[i - 5]! ^ (t >>> 3) ^ t ^ (t << 3) ^ (t << 4);
    C[i - 4] = C[i - 4]! ^ (t >>> 29) ^ (t >>> 28);
  }
  const t = C[5]! >>> 3;
  const r = C.slice(0, 6);
  r[0] = r[0]! ^ t ^ (t << 3) ^ (t << 6) ^ (t << 7);
  r[1] = r[1]! ^ (t >>> 29) ^ (t >>> 26) ^ (t >>> 25);
  r[5] = r[5]! & 7;
  return r;
}

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
  /** The reduction written out for this polynomial, if it is one of the suites'. */
  readonly #reduceFixed: ((C: Uint32Array) => FieldElement) | undefined;

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
    const poly = this.#low.join(",");
    this.#reduceFixed =
      m === 283 && poly === "0,5,7,12" ? reduce283 : m === 163 && poly === "0,3,6,7" ? reduce163 : undefined;
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
    // T[u] = u(x)·b(x) = the sum of b·x^j over the bits j of u: word i of b, b·x, b·x^2 and b·x^3, then the 15
    // nonzero rows' word i as XORs of those four (row 0 stays zero from the constructor on)
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const w = b[i]!;
      const x1 = w;
      const x2 = (w << 1) | (prev >>> 31);
      const x4 = (w << 2) | (prev >>> 30);
      const x8 = (w << 3) | (prev >>> 29);
      prev = w;
      const x3 = x1 ^ x2;
      const x12 = x4 ^ x8;
      T[n + i] = x1;
      T[2 * n + i] = x2;
      T[3 * n + i] = x3;
      T[4 * n + i] = x4;
      T[5 * n + i] = x4 ^ x1;
      T[6 * n + i] = x4 ^ x2;
      T[7 * n + i] = x4 ^ x3;
      T[8 * n + i] = x8;
      T[9 * n + i] = x8 ^ x1;
      T[10 * n + i] = x8 ^ x2;
      T[11 * n + i] = x8 ^ x3;
      T[12 * n + i] = x12;
      T[13 * n + i] = x12 ^ x1;
      T[14 * n + i] = x12 ^ x2;
      T[15 * n + i] = x12 ^ x3;
    }
    if (n === 9) return this.#combNine(a);
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

  /**
   * The comb's accumulation for 9 words (m = 283), the table T already built: the accumulator C in 18 local
   * variables; at each nibble position, the rows of a's 9 nibbles XORed in at word offsets 0 … 8, then C
   * shifted left by 4 bits.
   */
  // biome-ignore format: the comb's nine row XORs and the accumulator's shift, written out row by row
  #combNine(a: FieldElement): FieldElement {
    const T = this.#table;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0, c8 = 0;
    let c9 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
    const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!, a4 = a[4]!, a5 = a[5]!, a6 = a[6]!, a7 = a[7]!, a8 = a[8]!;
    for (let shift = 28; ; shift -= 4) {
      let r = ((a0 >>> shift) & 15) * 9;
      c0 ^= T[r]!; c1 ^= T[r + 1]!; c2 ^= T[r + 2]!; c3 ^= T[r + 3]!; c4 ^= T[r + 4]!;
      c5 ^= T[r + 5]!; c6 ^= T[r + 6]!; c7 ^= T[r + 7]!; c8 ^= T[r + 8]!;
      r = ((a1 >>> shift) & 15) * 9;
      c1 ^= T[r]!; c2 ^= T[r + 1]!; c3 ^= T[r + 2]!; c4 ^= T[r + 3]!; c5 ^= T[r + 4]!;
      c6 ^= T[r + 5]!; c7 ^= T[r + 6]!; c8 ^= T[r + 7]!; c9 ^= T[r + 8]!;
      r = ((a2 >>> shift) & 15) * 9;
      c2 ^= T[r]!; c3 ^= T[r + 1]!; c4 ^= T[r + 2]!; c5 ^= T[r + 3]!; c6 ^= T[r + 4]!;
      c7 ^= T[r + 5]!; c8 ^= T[r + 6]!; c9 ^= T[r + 7]!; c10 ^= T[r + 8]!;
      r = ((a3 >>> shift) & 15) * 9;
      c3 ^= T[r]!; c4 ^= T[r + 1]!; c5 ^= T[r + 2]!; c6 ^= T[r + 3]!; c7 ^= T[r + 4]!;
      c8 ^= T[r + 5]!; c9 ^= T[r + 6]!; c10 ^= T[r + 7]!; c11 ^= T[r + 8]!;
      r = ((a4 >>> shift) & 15) * 9;
      c4 ^= T[r]!; c5 ^= T[r + 1]!; c6 ^= T[r + 2]!; c7 ^= T[r + 3]!; c8 ^= T[r + 4]!;
      c9 ^= T[r + 5]!; c10 ^= T[r + 6]!; c11 ^= T[r + 7]!; c12 ^= T[r + 8]!;
      r = ((a5 >>> shift) & 15) * 9;
      c5 ^= T[r]!; c6 ^= T[r + 1]!; c7 ^= T[r + 2]!; c8 ^= T[r + 3]!; c9 ^= T[r + 4]!;
      c10 ^= T[r + 5]!; c11 ^= T[r + 6]!; c12 ^= T[r + 7]!; c13 ^= T[r + 8]!;
      r = ((a6 >>> shift) & 15) * 9;
      c6 ^= T[r]!; c7 ^= T[r + 1]!; c8 ^= T[r + 2]!; c9 ^= T[r + 3]!; c10 ^= T[r + 4]!;
      c11 ^= T[r + 5]!; c12 ^= T[r + 6]!; c13 ^= T[r + 7]!; c14 ^= T[r + 8]!;
      r = ((a7 >>> shift) & 15) * 9;
      c7 ^= T[r]!; c8 ^= T[r + 1]!; c9 ^= T[r + 2]!; c10 ^= T[r + 3]!; c11 ^= T[r + 4]!;
      c12 ^= T[r + 5]!; c13 ^= T[r + 6]!; c14 ^= T[r + 7]!; c15 ^= T[r + 8]!;
      r = ((a8 >>> shift) & 15) * 9;
      c8 ^= T[r]!; c9 ^= T[r + 1]!; c10 ^= T[r + 2]!; c11 ^= T[r + 3]!; c12 ^= T[r + 4]!;
      c13 ^= T[r + 5]!; c14 ^= T[r + 6]!; c15 ^= T[r + 7]!; c16 ^= T[r + 8]!;
      if (shift === 0) break;
      c17 = (c17 << 4) | (c16 >>> 28); c16 = (c16 << 4) | (c15 >>> 28); c15 = (c15 << 4) | (c14 >>> 28);
      c14 = (c14 << 4) | (c13 >>> 28); c13 = (c13 << 4) | (c12 >>> 28); c12 = (c12 << 4) | (c11 >>> 28);
      c11 = (c11 << 4) | (c10 >>> 28); c10 = (c10 << 4) | (c9 >>> 28); c9 = (c9 << 4) | (c8 >>> 28);
      c8 = (c8 << 4) | (c7 >>> 28); c7 = (c7 << 4) | (c6 >>> 28); c6 = (c6 << 4) | (c5 >>> 28);
      c5 = (c5 << 4) | (c4 >>> 28); c4 = (c4 << 4) | (c3 >>> 28); c3 = (c3 << 4) | (c2 >>> 28);
      c2 = (c2 << 4) | (c1 >>> 28); c1 = (c1 << 4) | (c0 >>> 28); c0 <<= 4;
    }
    return fold283(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17);
  }

  sqr(a: FieldElement): FieldElement {
    if (this.#reduceFixed === reduce283) {
      // biome-ignore format: the eighteen words in three lines
      return fold283(spreadLow(a[0]!), spreadHigh(a[0]!), spreadLow(a[1]!), spreadHigh(a[1]!), spreadLow(a[2]!),
        spreadHigh(a[2]!), spreadLow(a[3]!), spreadHigh(a[3]!), spreadLow(a[4]!), spreadHigh(a[4]!), spreadLow(a[5]!),
        spreadHigh(a[5]!), spreadLow(a[6]!), spreadHigh(a[6]!), spreadLow(a[7]!), spreadHigh(a[7]!), spreadLow(a[8]!),
        spreadHigh(a[8]!));
    }
    const C = this.#wide;
    for (let i = 0; i < this.words; i++) {
      const w = a[i]!;
      C[2 * i] = spreadLow(w);
      C[2 * i + 1] = spreadHigh(w);
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
    if (this.#reduceFixed !== undefined) return this.#reduceFixed(C);
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

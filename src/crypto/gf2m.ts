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

export type FieldElement = Uint32Array;

/**
 * f = x^283 + x^12 + x^7 + x^5 + 1. Bit 32i of word i ≥ 9 is x^(283 + 32(i-9) + 5), ≡ that times
 * x^12 + x^7 + x^5 + 1: word i folds into words i-9 and i-8 at bit offsets 5, 10, 12, 17 (from the top word
 * down, as folding word i touches word i-8). Then the 5 bits of word 8 above bit 26 (degree ≥ 283) fold into
 * word 0 at offsets 0, 5, 7, 12.
 */
function reduce283(C: Uint32Array): FieldElement {
  for (let i = 17; i >= 9; i--) {
    const t = C[i]!;
    C[i - 9] = C[i - 9]! ^ (t << 5) ^ (t << 10) ^ (t << 12) ^ (t << 17);
    C[i - 8] = C[i - 8]! ^ (t >>> 27) ^ (t >>> 22) ^ (t >>> 20) ^ (t >>> 15);
  }
  const t = C[8]! >>> 27;
  const r = C.slice(0, 9);
  r[0] = r[0]! ^ t ^ (t << 5) ^ (t << 7) ^ (t << 12);
  r[8] = r[8]! & 0x7ffffff;
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
    if (n === 9) return this.#combNine(a, C);
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
  #combNine(a: FieldElement, C: Uint32Array): FieldElement {
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
    C[0] = c0; C[1] = c1; C[2] = c2; C[3] = c3; C[4] = c4; C[5] = c5; C[6] = c6; C[7] = c7; C[8] = c8;
    C[9] = c9; C[10] = c10; C[11] = c11; C[12] = c12; C[13] = c13; C[14] = c14; C[15] = c15; C[16] = c16;
    C[17] = c17;
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

/**
 * Node's OpenSSL as an independent judge of the curve arithmetic, with random keys and points on both curves:
 * d·G (OpenSSL's public key for a private key), point decompression (OpenSSL's convertKey to the uncompressed
 * form, and its refusal of an x that has no point), and x(k·P) (OpenSSL's ECDH shared secret). The field itself
 * is judged against a plain polynomial multiplication on bigint written here.
 */
import { createECDH, ECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type KoblitzCurve, sect163k1, sect283k1 } from "../../src/crypto/curve.js";

const ROUNDS = 40;

function scalarHex(c: KoblitzCurve, k: bigint): Buffer {
  return Buffer.from(k.toString(16).padStart(2 * c.fieldBytes, "0"), "hex");
}

/** A random scalar in [1, n-1] from OpenSSL's own key generation. */
function opensslKey(c: KoblitzCurve): { d: bigint; compressed: string; uncompressed: string } {
  const e = createECDH(c.name);
  e.generateKeys();
  return {
    d: BigInt(`0x${e.getPrivateKey("hex")}`),
    compressed: e.getPublicKey("hex", "compressed"),
    uncompressed: e.getPublicKey("hex", "uncompressed"),
  };
}

/** Product of two polynomials over GF(2) reduced by x^m + sum x^k, on bigint, bit by bit. */
function refMulMod(a: bigint, b: bigint, m: number, low: number[]): bigint {
  let p = 0n;
  for (let i = 0; b >> BigInt(i); i++) if ((b >> BigInt(i)) & 1n) p ^= a << BigInt(i);
  const f = low.reduce((acc, k) => acc | (1n << BigInt(k)), 1n << BigInt(m));
  for (let i = p.toString(2).length - 1; i >= m; i--) if ((p >> BigInt(i)) & 1n) p ^= f << BigInt(i - m);
  return p;
}

describe.each([
  ["sect163k1", sect163k1, [0, 3, 6, 7]],
  ["sect283k1", sect283k1, [0, 5, 7, 12]],
] as const)("%s against OpenSSL", (_name, c, low) => {
  const F = c.F;

  it("multiplies, squares and inverts field elements as the bigint reference does", () => {
    for (let i = 0; i < ROUNDS; i++) {
      const a = F.fromBigInt(BigInt(`0x${randomBytes(F.bytes).toString("hex")}`) >> BigInt(8 * F.bytes - c.F.m));
      const b = F.fromBigInt(BigInt(`0x${randomBytes(F.bytes).toString("hex")}`) >> BigInt(8 * F.bytes - c.F.m));
      const ref = refMulMod(F.toBigInt(a), F.toBigInt(b), F.m, [...low]);
      expect(F.toBigInt(F.mul(a, b))).toBe(ref);
      expect(F.toBigInt(F.sqr(a))).toBe(refMulMod(F.toBigInt(a), F.toBigInt(a), F.m, [...low]));
      if (!F.isZero(a)) expect(F.isOne(F.mul(a, F.inv(a)))).toBe(true);
    }
    // the all-ones element exercises every reduction path at once
    const ones = F.fromBigInt((1n << BigInt(F.m)) - 1n);
    expect(F.toBigInt(F.mul(ones, ones))).toBe(refMulMod(F.toBigInt(ones), F.toBigInt(ones), F.m, [...low]));
  });

  it("computes d·G as OpenSSL does, for random private keys", () => {
    for (let i = 0; i < ROUNDS; i++) {
      const k = opensslKey(c);
      expect(c.compress(c.mulG(k.d)).toString("hex")).toBe(k.compressed);
    }
  });

  it("computes d·G as OpenSSL does for edge scalars: tiny, all ones, one bit, next to n", () => {
    const bits = c.nBits;
    const edges = [1n, 2n, 3n, 4n, 5n, 7n, 8n, 15n, 16n, 17n, 31n, 33n, 63n, 65n];
    for (const k of [64, 128, 141, bits - 2, bits - 1]) edges.push((1n << BigInt(k)) - 1n, 1n << BigInt(k));
    edges.push(c.n - 1n, c.n - 2n, c.n - 3n, (c.n - 1n) / 2n, (c.n + 1n) / 2n);
    for (const d of edges) {
      if (d <= 0n || d >= c.n) continue;
      const e = createECDH(c.name);
      e.setPrivateKey(scalarHex(c, d));
      expect(c.compress(c.mulG(d)).toString("hex"), `d = 0x${d.toString(16)}`).toBe(
        e.getPublicKey("hex", "compressed"),
      );
      expect(c.compress(c.mul(d, c.G)).toString("hex"), `d = 0x${d.toString(16)}`).toBe(
        e.getPublicKey("hex", "compressed"),
      );
    }
  });

  it("decompresses random points to the y OpenSSL gives, for both parities", () => {
    const parities = new Set<string>();
    for (let i = 0; i < ROUNDS; i++) {
      const k = opensslKey(c);
      parities.add(k.compressed.slice(0, 2));
      const P = c.decode(Buffer.from(k.compressed, "hex"));
      expect(c.uncompressed(P).toString("hex")).toBe(k.uncompressed);
      expect(c.decode(Buffer.from(k.uncompressed, "hex"))).toEqual(P);
    }
    expect([...parities].sort()).toEqual(["02", "03"]);
  });

  it("refuses exactly the x values OpenSSL refuses", () => {
    let refused = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const x = randomBytes(F.bytes);
      x[0] = x[0]! & (0xff >> (8 * F.bytes - F.m));
      const octets = Buffer.concat([Buffer.from([0x02 | (i & 1)]), x]);
      let theirs: string | undefined;
      try {
        theirs = ECDH.convertKey(octets, c.name, undefined, "hex", "uncompressed") as string;
      } catch {
        theirs = undefined;
      }
      let ours: string | undefined;
      try {
        ours = c.uncompressed(c.decode(octets)).toString("hex");
      } catch (err) {
        expect(err).toBeInstanceOf(RangeError);
        ours = undefined;
      }
      expect(ours).toBe(theirs);
      if (theirs === undefined) refused++;
    }
    // about half of all x have no point: both outcomes were seen
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(ROUNDS);
  });

  it("computes x(k·P) for random k and random points P as OpenSSL's ECDH does", () => {
    for (let i = 0; i < ROUNDS; i++) {
      const peer = opensslKey(c);
      const own = opensslKey(c);
      const e = createECDH(c.name);
      e.setPrivateKey(scalarHex(c, own.d));
      const x = e.computeSecret(Buffer.from(peer.compressed, "hex")).toString("hex");
      const kP = c.mul(own.d, c.decode(Buffer.from(peer.compressed, "hex")));
      expect(F.toBytes(kP!.x).toString("hex")).toBe(x);
    }
  });

  it("handles the point of order 2, (0, 1), that the cofactor lets a bad partner send", () => {
    const T = c.decode(Buffer.concat([Buffer.from([0x02]), Buffer.alloc(F.bytes)]));
    expect(F.toBigInt(T.y)).toBe(1n);
    expect(c.double(T)).toBeNull();
    expect(c.mul(2n, T)).toBeNull();
    expect(c.mul(12345n, T)).toEqual(T);
    expect(c.inSubgroup(T)).toBe(false);
    expect(c.inSubgroup(c.G)).toBe(true);
    // a subgroup point plus T: the cofactor multiple removes T again
    const a = opensslKey(c).d;
    const mixed = c.add(c.mulG(a), T);
    expect(c.compress(c.mul(c.h * 3n, mixed))).toEqual(c.compress(c.mulG((c.h * 3n * a) % c.n)));
  });

  it("keeps n·G at infinity, and adds and doubles consistently with scalar multiplication", () => {
    expect(c.mulG(c.n)).toBeNull();
    expect(c.compress(c.mulG(c.n - 1n))).toEqual(c.compress(c.negate(c.G)));
    const a = opensslKey(c).d;
    const b = opensslKey(c).d;
    const sum = c.add(c.mulG(a), c.mulG(b));
    expect(c.compress(sum)).toEqual(c.compress(c.mulG((a + b) % c.n)));
    expect(c.compress(c.double(c.mulG(a)))).toEqual(c.compress(c.mul(2n * a, c.G)));
    expect(c.add(c.mulG(a), c.negate(c.mulG(a)))).toBeNull();
  });
});

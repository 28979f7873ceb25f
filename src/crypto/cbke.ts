/**
 * The cryptography of Certificate-Based Key Establishment, step by step as cbke.md §2 gives it:
 * ECQV public-key reconstruction from an implicit certificate (and ECQV issuance for a test CA), ECMQV with
 * cofactor and the SE associate-value width, the X9.63 KDF over AES-MMO, and the key-confirmation MACs.
 * Pure functions; randomness comes in as a parameter.
 */
import type { Point } from "./curve.js";
import { aesMmo, hmacMmo } from "./mmo.js";
import { bigIntToBytes, bytesToBigInt, mod, type RandomSource, randomScalar, systemRandom } from "./scalar.js";
import type { CbkeSuite } from "./suite.js";

export type CurvePoint = NonNullable<Point>;

function checkCertLength(suite: CbkeSuite, cert: Uint8Array): void {
  if (cert.length !== suite.certBytes) {
    throw new RangeError(`a ${suite.name} certificate is ${suite.certBytes} octets, not ${cert.length}`);
  }
}

/** e = AES-MMO(the whole certificate) as a 128-bit big-endian integer (ECQV's hash of the certificate). */
export function certificateHash(cert: Uint8Array): bigint {
  return bytesToBigInt(aesMmo(cert));
}

/** The public-key reconstruction point P of a certificate (compressed, as carried). */
export function reconstructionData(suite: CbkeSuite, cert: Uint8Array): Buffer {
  checkCertLength(suite, cert);
  return Buffer.from(cert.subarray(suite.reconstructionOffset, suite.reconstructionOffset + suite.pointBytes));
}

/** A point from its octets or as is. */
function point(suite: CbkeSuite, p: Uint8Array | CurvePoint): CurvePoint {
  return p instanceof Uint8Array ? suite.curve.decode(p) : p;
}

/**
 * ECQV: Q = e·P + Q_CA, the certificate owner's static public key. Throws a RangeError when the reconstruction
 * data is not a curve point or the result is the point at infinity.
 */
export function reconstructPublicKey(
  suite: CbkeSuite,
  cert: Uint8Array,
  caPublic: Uint8Array | CurvePoint,
): CurvePoint {
  const c = suite.curve;
  const P = c.decode(reconstructionData(suite, cert));
  const Q = c.add(c.mul(certificateHash(cert), P), point(suite, caPublic));
  if (Q === null) throw new RangeError("the certificate reconstructs to the point at infinity");
  return Q;
}

export interface IssuedCertificate {
  cert: Buffer;
  /** The owner's static private key d (Certicom's "Private Key Reconstruction Data"), with d·G = Q. */
  privateKey: bigint;
  publicKey: CurvePoint;
}

/**
 * ECQV issuance with the CA and the requester in one place (a test CA minting a device's credentials): draws
 * u, puts P = u·G into the certificate `build` lays out around it, and returns d = e·u + d_CA mod n, so that
 * d·G = e·P + Q_CA. Draws again in the (negligible) case that d is 0.
 */
export function issueCertificate(
  suite: CbkeSuite,
  caPrivate: bigint,
  build: (reconstruction: Buffer) => Buffer,
  random: RandomSource = systemRandom,
): IssuedCertificate {
  const c = suite.curve;
  for (;;) {
    const u = randomScalar(c.n, random);
    const P = c.mulG(u)!;
    const cert = build(c.compress(P));
    checkCertLength(suite, cert);
    if (!reconstructionData(suite, cert).equals(c.compress(P))) {
      throw new Error("the certificate layout does not carry the reconstruction point where the suite expects it");
    }
    const d = mod(certificateHash(cert) * u + caPrivate, c.n);
    if (d === 0n) continue;
    return { cert, privateKey: d, publicKey: c.mulG(d)! };
  }
}

/** avf(Q) = (x_Q mod 2^k) + 2^k, x_Q the integer of Q's x octets, k = ⌈bitlen(n)/2⌉ (82 or 141). */
export function associateValue(suite: CbkeSuite, Q: CurvePoint): bigint {
  const k = BigInt(suite.avfBits);
  const x = bytesToBigInt(suite.curve.F.toBytes(Q.x));
  return (x & ((1n << k) - 1n)) + (1n << k);
}

export interface EcmqvInput {
  /** Own static private key d and ephemeral private key r, with r's public point. */
  staticPrivate: bigint;
  ephemeralPrivate: bigint;
  ephemeralPublic: CurvePoint;
  /** The partner's static public key (from its certificate) and ephemeral public key. */
  partnerStatic: CurvePoint;
  partnerEphemeral: CurvePoint;
}

/**
 * ECMQV with cofactor (SEC 1 §3.4), the same computation on both sides:
 * s = r + avf(Q_E,own)·d mod n; P = h·s·(Q_E,partner + avf(Q_E,partner)·Q_partner); Z = x_P as octets.
 * Throws when P is the point at infinity (an invalid partner key).
 */
export function ecmqvSharedSecret(suite: CbkeSuite, i: EcmqvInput): Buffer {
  const c = suite.curve;
  const s = mod(i.ephemeralPrivate + associateValue(suite, i.ephemeralPublic) * i.staticPrivate, c.n);
  const R = c.add(i.partnerEphemeral, c.mul(associateValue(suite, i.partnerEphemeral), i.partnerStatic));
  let P = c.mul(s, R);
  for (let h = c.h; h > 1n; h >>= 1n) P = c.double(P);
  if (P === null) throw new RangeError("ECMQV gave the point at infinity: the partner's keys are not valid");
  return c.F.toBytes(P.x);
}

export interface DerivedKeys {
  macKey: Buffer;
  /** The new APS link key. */
  keyData: Buffer;
}

/** ANSI X9.63 KDF with AES-MMO, empty SharedInfo: MacKey = H(Z ‖ 00000001), KeyData = H(Z ‖ 00000002). */
export function deriveKeys(Z: Uint8Array): DerivedKeys {
  const counter = (i: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i);
    return b;
  };
  return {
    macKey: aesMmo(Buffer.concat([Z, counter(1)])),
    keyData: aesMmo(Buffer.concat([Z, counter(2)])),
  };
}

export interface MacInput {
  /** EUI-64s as 8 octets, big-endian. */
  ieeeU: Uint8Array;
  ieeeV: Uint8Array;
  /** The compressed ephemeral points as sent. */
  qeu: Uint8Array;
  qev: Uint8Array;
}

/** MACU = HMAC(MacKey, 02 ‖ IEEE_U ‖ IEEE_V ‖ QEU ‖ QEV): what the initiator sends in Confirm Key Data Request. */
export function macU(macKey: Uint8Array, m: MacInput): Buffer {
  return hmacMmo(macKey, Buffer.concat([Buffer.from([0x02]), m.ieeeU, m.ieeeV, m.qeu, m.qev]));
}

/** MACV = HMAC(MacKey, 03 ‖ IEEE_V ‖ IEEE_U ‖ QEV ‖ QEU): the responder's answer. */
export function macV(macKey: Uint8Array, m: MacInput): Buffer {
  return hmacMmo(macKey, Buffer.concat([Buffer.from([0x03]), m.ieeeV, m.ieeeU, m.qev, m.qeu]));
}

export interface EphemeralKey {
  private: bigint;
  public: CurvePoint;
  /** The compressed point, as sent in Ephemeral Data. */
  encoded: Buffer;
}

/** A fresh ephemeral key pair r, Q_E = r·G. */
export function ephemeralKey(suite: CbkeSuite, random: RandomSource = systemRandom): EphemeralKey {
  return ephemeralKeyFrom(suite, randomScalar(suite.curve.n, random));
}

export function ephemeralKeyFrom(suite: CbkeSuite, r: bigint): EphemeralKey {
  const pub = suite.curve.mulG(r)!;
  return { private: r, public: pub, encoded: suite.curve.compress(pub) };
}

export interface SessionInput {
  suite: CbkeSuite;
  role: "initiator" | "responder";
  staticPrivate: bigint;
  ephemeral: EphemeralKey;
  /** The partner's certificate (its static key is reconstructed from it) and the CA public key. */
  partnerCert: Uint8Array;
  caPublic: Uint8Array | CurvePoint;
  /** The partner's ephemeral data as received (a compressed point). */
  partnerEphemeral: Uint8Array;
  /** Own and partner EUI-64s, 8 octets big-endian. */
  ownIeee: Uint8Array;
  partnerIeee: Uint8Array;
}

export interface SessionKeys extends DerivedKeys {
  Z: Buffer;
  macU: Buffer;
  macV: Buffer;
}

/**
 * One side's whole computation once both ephemeral points are known: the partner's static key from its
 * certificate, Z, MacKey and KeyData, and both MACs (a side sends one and checks the other).
 */
export function sessionKeys(i: SessionInput): SessionKeys {
  const c = i.suite.curve;
  const partnerStatic = reconstructPublicKey(i.suite, i.partnerCert, i.caPublic);
  const partnerEphemeral = c.decode(i.partnerEphemeral);
  const Z = ecmqvSharedSecret(i.suite, {
    staticPrivate: i.staticPrivate,
    ephemeralPrivate: i.ephemeral.private,
    ephemeralPublic: i.ephemeral.public,
    partnerStatic,
    partnerEphemeral,
  });
  const keys = deriveKeys(Z);
  const initiator = i.role === "initiator";
  const m: MacInput = {
    ieeeU: initiator ? i.ownIeee : i.partnerIeee,
    ieeeV: initiator ? i.partnerIeee : i.ownIeee,
    qeu: initiator ? i.ephemeral.encoded : i.partnerEphemeral,
    qev: initiator ? i.partnerEphemeral : i.ephemeral.encoded,
  };
  return { Z, ...keys, macU: macU(keys.macKey, m), macV: macV(keys.macKey, m) };
}

/** The private key as its octets (e.g. to hand to OpenSSL or to write a key file). */
export function privateKeyBytes(suite: CbkeSuite, d: bigint): Buffer {
  return bigIntToBytes(d, suite.keyBytes);
}

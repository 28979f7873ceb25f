/**
 * The two CBKE crypto suites (cbke.md §1–3): curve, certificate size, where the reconstruction point sits in
 * the certificate, and the associate-value width of ECMQV. Suite ids are the KeyEstablishmentSuite bit values.
 */
import { type KoblitzCurve, sect163k1, sect283k1 } from "./curve.js";

export interface CbkeSuite {
  /** KeyEstablishmentSuite bit: 0x0001 suite 1, 0x0002 suite 2. */
  readonly id: 1 | 2;
  readonly name: string;
  readonly curve: KoblitzCurve;
  /** Octets of an implicit certificate: 48 (suite 1) or 74 (suite 2). */
  readonly certBytes: number;
  /** Offset of the public-key reconstruction point in the certificate: first 22 (suite 1), last 37 (suite 2). */
  readonly reconstructionOffset: number;
  /** Octets of a compressed point (ephemeral data) and of a private key / field element. */
  readonly pointBytes: number;
  readonly keyBytes: number;
  /** k of the associate value avf(Q) = (x mod 2^k) + 2^k: ⌈bitlen(n)/2⌉, 82 and 141. */
  readonly avfBits: number;
}

function suite(
  id: 1 | 2,
  name: string,
  curve: KoblitzCurve,
  certBytes: number,
  reconstructionOffset: number,
): CbkeSuite {
  return Object.freeze({
    id,
    name,
    curve,
    certBytes,
    reconstructionOffset,
    pointBytes: curve.compressedBytes,
    keyBytes: curve.fieldBytes,
    avfBits: Math.ceil(curve.nBits / 2),
  });
}

export const SUITE1 = suite(1, "suite 1 (sect163k1)", sect163k1, 48, 0);
export const SUITE2 = suite(2, "suite 2 (sect283k1)", sect283k1, 74, 74 - 37);

/** By KeyEstablishmentSuite bit value (1 or 2). */
export function suiteById(id: number): CbkeSuite | undefined {
  return id === 1 ? SUITE1 : id === 2 ? SUITE2 : undefined;
}

/** By certificate length (48 or 74 octets). */
export function suiteForCertificate(cert: Uint8Array): CbkeSuite | undefined {
  return cert.length === SUITE1.certBytes ? SUITE1 : cert.length === SUITE2.certBytes ? SUITE2 : undefined;
}

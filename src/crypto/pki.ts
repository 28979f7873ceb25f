/**
 * Credentials for the Key Establishment machines (ke.ts), from the two places they come from: a lab's
 * Certicom credential file (cert.ts `parseCredentials`), checked to hold together, and a hanbench test CA
 * made on the spot for a virtual run or a test (ECQV issuance, cbke.ts). Pure: randomness comes in as a
 * parameter.
 */
import { type CurvePoint, issueCertificate, reconstructPublicKey } from "./cbke.js";
import { CertificateError, type Credentials, encodeSuite2Certificate, parseCertificate } from "./cert.js";
import type { OwnCredentials, TrustedCa } from "./ke.js";
import { bytesToBigInt, type RandomSource, randomScalar, systemRandom } from "./scalar.js";
import { SUITE2, suiteForCertificate } from "./suite.js";

/** One side's certificate and key with the CA that issued it. */
export interface KeCredentials {
  own: OwnCredentials;
  /** The issuer's public key and id: the CA this side trusts. */
  ca: TrustedCa;
}

/**
 * A Certicom credential file's certificate, private key and CA key as KE credentials. Throws a
 * CertificateError when a part is missing or they do not fit together (the private key's public key is not
 * the one the certificate reconstructs to with that CA key).
 */
export function keCredentialsFrom(c: Credentials): KeCredentials {
  if (c.cert.length === 0) throw new CertificateError("the file has no 'Device Implicit Cert'");
  const suite = suiteForCertificate(c.cert);
  if (!suite) throw new CertificateError(`a certificate is 74 or 48 octets, not ${c.cert.length}`);
  if (!c.privateKey) throw new CertificateError("the file has no 'Private Key Reconstruction Data'");
  if (!c.caPublic) throw new CertificateError("the file has no 'CA Pub Key'");
  if (c.privateKey.length !== suite.keyBytes) {
    throw new CertificateError(`a ${suite.name} private key is ${suite.keyBytes} octets, not ${c.privateKey.length}`);
  }
  let caKey: CurvePoint;
  let reconstructed: CurvePoint;
  try {
    caKey = suite.curve.decode(c.caPublic);
    reconstructed = reconstructPublicKey(suite, c.cert, caKey);
  } catch (err) {
    throw new CertificateError(`the CA key or the certificate is not usable: ${(err as Error).message}`);
  }
  const privateKey = bytesToBigInt(c.privateKey);
  const own = suite.curve.mulG(privateKey);
  if (!own || !suite.curve.compress(own).equals(suite.curve.compress(reconstructed))) {
    throw new CertificateError("the private key does not belong to the certificate (with this CA key)");
  }
  const cert = parseCertificate(c.cert);
  return {
    own: { suite, cert: Buffer.from(c.cert), privateKey },
    ca: { suite, issuer: Buffer.from(cert.issuer), publicKey: caKey },
  };
}

/** A suite-2 test CA: what it trusts as a TrustedCa, and a way to issue device credentials. */
export interface TestCa {
  readonly issuer: Buffer;
  readonly trusted: TrustedCa;
  /** Credentials for the device with this EUI-64 (8 octets, big-endian). */
  issue(subject: Uint8Array): KeCredentials;
}

/** "HBTESTCA": the issuer id of hanbench's test CAs unless another is asked for. */
export const TEST_CA_ISSUER = Buffer.from("HBTESTCA", "latin1");

/**
 * A fresh suite-2 CA (sect283k1) with the issuer id `issuer` (8 octets), issuing key-agreement certificates
 * valid from `validFrom` (seconds since 1970; default 2024-01-01) with no expiry.
 */
export function makeTestCa(opts: { issuer?: Uint8Array; validFrom?: number; random?: RandomSource } = {}): TestCa {
  const random = opts.random ?? systemRandom;
  return testCaFrom({ ...opts, privateKey: randomScalar(SUITE2.curve.n, random), random });
}

/**
 * The test CA of a CA file (`hanbench cert issue` writes one: CA Pub Key, CA Private Key, CA Issuer), issuing
 * as `makeTestCa` does. Throws a CertificateError when the file lacks a part or its keys do not match.
 */
export function testCaFromFile(c: Credentials, opts: { validFrom?: number } = {}): TestCa {
  if (!c.caPrivate || !c.issuer) throw new CertificateError("not a CA file: it has no 'CA Private Key' or 'CA Issuer'");
  if (c.caPrivate.length !== SUITE2.keyBytes) {
    throw new CertificateError(`a suite-2 CA private key is ${SUITE2.keyBytes} octets, not ${c.caPrivate.length}`);
  }
  const ca = testCaFrom({ ...opts, issuer: c.issuer, privateKey: bytesToBigInt(c.caPrivate) });
  if (c.caPublic && !SUITE2.curve.compress(ca.trusted.publicKey).equals(c.caPublic)) {
    throw new CertificateError("the CA's private key does not belong to its 'CA Pub Key'");
  }
  return ca;
}

function testCaFrom(opts: {
  issuer?: Uint8Array;
  validFrom?: number;
  random?: RandomSource;
  privateKey: bigint;
}): TestCa {
  const issuer = Buffer.from(opts.issuer ?? TEST_CA_ISSUER);
  if (issuer.length !== 8) throw new RangeError(`a CA issuer id is 8 octets, not ${issuer.length}`);
  const random = opts.random ?? systemRandom;
  const c = SUITE2.curve;
  const d = opts.privateKey;
  if (d <= 0n || d >= c.n) throw new CertificateError("the CA private key is not in [1, n-1]");
  const trusted: TrustedCa = { suite: SUITE2, issuer, publicKey: c.mulG(d)! };
  const validFrom = opts.validFrom ?? 1_704_067_200;
  let serial = 0n;
  return {
    issuer,
    trusted,
    issue(subject) {
      serial += 1n;
      const serialOctets = Buffer.alloc(8);
      serialOctets.writeBigUInt64BE(serial);
      const issued = issueCertificate(
        SUITE2,
        d,
        (p) => encodeSuite2Certificate({ serial: serialOctets, issuer, subject, validFrom }, p),
        random,
      );
      return { own: { suite: SUITE2, cert: issued.cert, privateKey: issued.privateKey }, ca: trusted };
    },
  };
}

/**
 * ECQV beyond the Annex: Certicom test bundles (public-key reconstruction equals the stated Device Public Key
 * and d·G; node's OpenSSL judges d·G) and issuance by a test CA (the issued key reconstructs from the
 * certificate on both curves).
 */
import { createECDH } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueCertificate, reconstructPublicKey } from "../../src/crypto/cbke.js";
import { randomScalar } from "../../src/crypto/scalar.js";
import { SUITE1, SUITE2 } from "../../src/crypto/suite.js";
import { CERTICOM_SUITE1, CERTICOM_SUITE2 } from "./certicom-bundles.js";

const hex = (s: string) => Buffer.from(s, "hex");

function opensslPublic(curve: string, d: string): string {
  const e = createECDH(curve);
  e.setPrivateKey(hex(d));
  return e.getPublicKey("hex", "compressed");
}

describe.each([
  ["suite 1", SUITE1, CERTICOM_SUITE1],
  ["suite 2", SUITE2, CERTICOM_SUITE2],
] as const)("%s", (_n, suite, bundle) => {
  const c = suite.curve;

  it("reconstructs a Certicom test certificate's public key, which is the private key's d·G by OpenSSL", () => {
    const Q = reconstructPublicKey(suite, hex(bundle.cert), hex(bundle.ca));
    expect(c.compress(Q).toString("hex")).toBe(bundle.publicKey);
    expect(opensslPublic(c.name, bundle.privateKey)).toBe(bundle.publicKey);
  });

  it("issues certificates whose private key matches the key reconstructed from them", () => {
    const dCa = randomScalar(c.n);
    const qCa = c.mulG(dCa)!;
    const template = hex(bundle.cert);
    for (let i = 0; i < 4; i++) {
      const issued = issueCertificate(suite, dCa, (p) => {
        const cert = Buffer.from(template);
        p.copy(cert, suite.reconstructionOffset);
        return cert;
      });
      const Q = reconstructPublicKey(suite, issued.cert, qCa);
      expect(c.compress(Q)).toEqual(c.compress(issued.publicKey));
      const dHex = issued.privateKey.toString(16).padStart(2 * suite.keyBytes, "0");
      expect(opensslPublic(c.name, dHex)).toBe(c.compress(Q).toString("hex"));
    }
  });

  it("refuses a certificate whose reconstruction data is not a point", () => {
    const cert = hex(bundle.cert);
    cert[suite.reconstructionOffset] = 0x05;
    expect(() => reconstructPublicKey(suite, cert, hex(bundle.ca))).toThrow(RangeError);
  });
});

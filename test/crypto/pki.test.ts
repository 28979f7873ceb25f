/**
 * KE credentials from a Certicom file (the published Certicom suite-2 test bundle) and from a hanbench test CA:
 * the parts must hold together (the private key's public key is the one the certificate reconstructs to), and
 * what a test CA issues reconstructs to the key it hands out.
 */
import { describe, expect, it } from "vitest";
import { reconstructPublicKey } from "../../src/crypto/cbke.js";
import { CertificateError, parseCertificate, parseCredentials } from "../../src/crypto/cert.js";
import { keCredentialsFrom, makeTestCa } from "../../src/crypto/pki.js";
import { SUITE2 } from "../../src/crypto/suite.js";
import { CERTICOM_SUITE2 } from "./certicom-bundles.js";

describe("keCredentialsFrom", () => {
  it("takes the Certicom suite-2 test bundle: its certificate, key and the test CA (issuer 1112131415161718)", () => {
    const k = keCredentialsFrom(parseCredentials(CERTICOM_SUITE2.text));
    expect(k.own.suite).toBe(SUITE2);
    expect(Buffer.from(k.own.cert).toString("hex")).toBe(CERTICOM_SUITE2.cert);
    expect(k.own.privateKey).toBe(BigInt(`0x${CERTICOM_SUITE2.privateKey}`));
    expect(Buffer.from(k.ca.issuer).toString("hex")).toBe("1112131415161718");
    expect(SUITE2.curve.compress(k.ca.publicKey).toString("hex")).toBe(CERTICOM_SUITE2.ca);
  });

  it("refuses a private key that is not the certificate's, and files without a part", () => {
    const wrongKey = CERTICOM_SUITE2.text.replace(
      CERTICOM_SUITE2.privateKey,
      `01${CERTICOM_SUITE2.privateKey.slice(2)}`,
    );
    expect(() => keCredentialsFrom(parseCredentials(wrongKey))).toThrow(/does not belong to the certificate/);
    const noKey = CERTICOM_SUITE2.text.replace(/Private Key Reconstruction Data:\n\S+\n/, "");
    expect(() => keCredentialsFrom(parseCredentials(noKey))).toThrow(CertificateError);
    const noCa = CERTICOM_SUITE2.text.replace(/CA Pub Key:\n\S+\n/, "");
    expect(() => keCredentialsFrom(parseCredentials(noCa))).toThrow(/no 'CA Pub Key'/);
    expect(() => keCredentialsFrom(parseCredentials("CA Pub Key:\n02\n"))).toThrow(/no 'Device Implicit Cert'/);
  });
});

describe("makeTestCa", () => {
  it("issues suite-2 key-agreement certificates for the subject that reconstruct to the private key's public key", () => {
    const ca = makeTestCa({ issuer: Buffer.from("4142434445464748", "hex") });
    const subject = Buffer.from("000d6f0000000a01", "hex");
    const a = ca.issue(subject);
    const b = ca.issue(subject);
    const cert = parseCertificate(a.own.cert);
    expect(cert.kind).toBe("suite2");
    expect(cert.subject.equals(subject)).toBe(true);
    expect(cert.issuer.toString("hex")).toBe("4142434445464748");
    expect(cert.kind === "suite2" && cert.keyUsage & 0x08).toBeTruthy();
    const q = reconstructPublicKey(SUITE2, a.own.cert, ca.trusted.publicKey);
    expect(SUITE2.curve.compress(q).equals(SUITE2.curve.compress(SUITE2.curve.mulG(a.own.privateKey)!))).toBe(true);
    // each certificate its own serial and key
    expect(Buffer.from(a.own.cert.subarray(1, 9)).equals(b.own.cert.subarray(1, 9))).toBe(false);
    expect(a.own.privateKey).not.toBe(b.own.privateKey);
  });

  it("refuses an issuer id that is not 8 octets", () => {
    expect(() => makeTestCa({ issuer: Buffer.from("HBCA") })).toThrow(/8 octets/);
  });
});

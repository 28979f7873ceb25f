/** Certificate layouts (cbke.md §3) and the Certicom credential text format. */
import { describe, expect, it } from "vitest";
import {
  CertificateError,
  encodeSuite1Certificate,
  encodeSuite2Certificate,
  formatCaFile,
  parseCertificate,
  parseCredentials,
  unfitForKeyAgreement,
} from "../../src/crypto/cert.js";
import { ANNEX_SUITE1, ANNEX_SUITE2 } from "./annex-vectors.js";
import { CERTICOM_SUITE2 } from "./certicom-bundles.js";

const hex = (s: string) => Buffer.from(s, "hex");

describe("implicit certificates", () => {
  it("reads the suite-2 fields of the Annex C.6 responder certificate", () => {
    const c = parseCertificate(hex(ANNEX_SUITE2.certV));
    if (c.kind !== "suite2") throw new Error("not suite 2");
    expect(c.suite.id).toBe(2);
    expect(c.type).toBe(0);
    expect(c.serial.toString("hex")).toBe("2622a505e8938f27");
    expect(c.curve).toBe(0x0d);
    expect(c.hash).toBe(0x08);
    expect(c.issuer.toString("hex")).toBe("1112131415161718");
    expect(c.validFrom).toBe(0x005292a35b);
    expect(c.validTo).toBe(0xffffffff);
    expect(c.subject.toString("hex")).toBe("0a0b0c0d0e0f1011");
    expect(c.keyUsage).toBe(0x88);
    expect(c.reconstruction.toString("hex")).toBe(
      "0303b4e9dc543a64333c982308022b54e67e2f15f532551b0a11e2e2c1c1d3097a4324e7ed",
    );
    expect(unfitForKeyAgreement(c)).toBeUndefined();
  });

  it("reads the suite-1 fields of the Annex C.5 initiator certificate", () => {
    const c = parseCertificate(hex(ANNEX_SUITE1.certU));
    if (c.kind !== "suite1") throw new Error("not suite 1");
    expect(c.reconstruction.toString("hex")).toBe("020615e07d30eca2dad58002e667d94bc1b422398307");
    expect(c.subject.toString("hex")).toBe("0000000000000002");
    expect(c.issuer.toString("latin1")).toBe("TESTSECA");
    expect(c.profileData.toString("hex")).toBe("01090006000000000000");
  });

  it("lays a certificate out again from its fields, octet for octet", () => {
    const v2 = parseCertificate(hex(ANNEX_SUITE2.certU));
    if (v2.kind !== "suite2") throw new Error("not suite 2");
    expect(encodeSuite2Certificate({ ...v2 }, v2.reconstruction).toString("hex")).toBe(ANNEX_SUITE2.certU);
    const v1 = parseCertificate(hex(ANNEX_SUITE1.certV));
    if (v1.kind !== "suite1") throw new Error("not suite 1");
    expect(encodeSuite1Certificate({ ...v1 }, v1.reconstruction).toString("hex")).toBe(ANNEX_SUITE1.certV);
  });

  it("refuses other lengths with one line", () => {
    expect(() => parseCertificate(Buffer.alloc(73))).toThrow(CertificateError);
    expect(() => parseCertificate(Buffer.alloc(73))).toThrow(
      "a certificate is 74 octets (suite 2) or 48 (suite 1), not 73",
    );
  });

  it.each([
    [0, 0x01, /^type 0x01/],
    [9, 0x0c, /^curve 0x0c/],
    [10, 0x00, /^hash 0x00/],
    [36, 0x80, /^key usage 0x80 lacks key agreement/],
  ])("names a suite-2 certificate unfit for key agreement (octet %i = %i)", (offset, value, reason) => {
    const raw = hex(ANNEX_SUITE2.certV);
    raw[offset] = value;
    expect(unfitForKeyAgreement(parseCertificate(raw))).toMatch(reason);
  });
});

describe("Certicom credential files", () => {
  it("reads every labelled value", () => {
    const c = parseCredentials(CERTICOM_SUITE2.text);
    expect(c.caPublic!.toString("hex")).toBe(CERTICOM_SUITE2.ca);
    expect(c.cert.toString("hex")).toBe(CERTICOM_SUITE2.cert);
    expect(c.privateKey!.toString("hex")).toBe(CERTICOM_SUITE2.privateKey);
    expect(c.publicKey!.toString("hex")).toBe(CERTICOM_SUITE2.publicKey);
  });

  it("takes values on the label's line, split over lines, with spaces, colons and CRLF", () => {
    const half = CERTICOM_SUITE2.cert.length / 2;
    const text = [
      `ca pub key: ${CERTICOM_SUITE2.ca.match(/../g)!.join(":")}`,
      "Device Implicit Cert:",
      CERTICOM_SUITE2.cert.slice(0, half),
      `  ${CERTICOM_SUITE2.cert.slice(half).toUpperCase()}`,
      "",
    ].join("\r\n");
    const c = parseCredentials(text);
    expect(c.caPublic!.toString("hex")).toBe(CERTICOM_SUITE2.ca);
    expect(c.cert.toString("hex")).toBe(CERTICOM_SUITE2.cert);
    expect(c.privateKey).toBeUndefined();
  });

  it("reads a file of plain hex as the certificate alone", () => {
    const c = parseCredentials(`${ANNEX_SUITE2.certU.match(/.{1,32}/g)!.join("\n")}\n`);
    expect(c.cert.toString("hex")).toBe(ANNEX_SUITE2.certU);
    expect(c.caPublic).toBeUndefined();
  });

  it("reads hanbench's CA file", () => {
    const text = formatCaFile({ caPublic: hex("02aa"), caPrivate: hex("01bb"), issuer: hex("4842544553544341") });
    expect(parseCredentials(text)).toMatchObject({
      caPublic: hex("02aa"),
      caPrivate: hex("01bb"),
      cert: Buffer.alloc(0),
    });
  });

  it.each([
    ["", "the file is empty"],
    ["Device Implicit Cert:\n00zz\n", "Device Implicit Cert has a character that is not a hex digit ('z')"],
    ["Device Implicit Cert:\n000\n", "Device Implicit Cert has an odd number of hex digits"],
    ["Device Cert:\n00\n", "line 1: unknown label 'Device Cert'"],
    ["CA Pub Key:\n02\nCA Pub Key:\n03\n", "line 3: 'CA Pub Key' given twice"],
  ])("refuses %j: %s", (text, message) => {
    expect(() => parseCredentials(text)).toThrow(CertificateError);
    expect(() => parseCredentials(text)).toThrow(message);
  });
});

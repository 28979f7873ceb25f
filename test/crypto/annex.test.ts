/**
 * Known-answer tests: every intermediate value of the SE Annex C.5 / C.6 exchanges (cbke.md §4), bit-exact,
 * and the AES-MMO check values of cbke.md §2.8.
 */
import { describe, expect, it } from "vitest";
import {
  associateValue,
  certificateHash,
  deriveKeys,
  ecmqvSharedSecret,
  ephemeralKeyFrom,
  macU,
  macV,
  reconstructPublicKey,
  sessionKeys,
} from "../../src/crypto/cbke.js";
import { aesMmo } from "../../src/crypto/mmo.js";
import { SUITE1, SUITE2 } from "../../src/crypto/suite.js";
import { ANNEX_SUITE1, ANNEX_SUITE2, type AnnexVectors } from "./annex-vectors.js";

const hex = (s: string) => Buffer.from(s, "hex");
const big = (s: string) => BigInt(`0x${s}`);

describe("AES-MMO", () => {
  it.each([
    ["11223344556677884af7", "41618fc0c83b0e14a589954b16e31466"],
    ["83fed3407a939738c552", "a833a77434f3bfbd7a7ab97942149287"],
  ])("MMO(%s) = %s", (msg, digest) => {
    expect(aesMmo(hex(msg)).toString("hex")).toBe(digest);
  });

  it("pads a message of a whole number of blocks with a block of its own", () => {
    // the Zigbee specification's 16-octet example (install code key derivation): 83FE…D3C0 + CRC B5C3
    expect(aesMmo(hex("83fed3407a939723a5c639b26916d505c3b5")).toString("hex")).toBe(
      "66b6900981e1ee3ca4206b6b861c02bb",
    );
  });
});

describe.each([
  ["suite 1 (Annex C.5)", SUITE1, ANNEX_SUITE1],
  ["suite 2 (Annex C.6)", SUITE2, ANNEX_SUITE2],
] as const)("%s", (_name, suite, v: AnnexVectors) => {
  const c = suite.curve;
  const ca = hex(v.caPublic);

  it("reconstructs each static public key from its certificate (ECQV) and it equals d·G", () => {
    expect(c.compress(reconstructPublicKey(suite, hex(v.certV), ca)).toString("hex")).toBe(v.qV);
    expect(c.compress(reconstructPublicKey(suite, hex(v.certU), ca)).toString("hex")).toBe(v.qU);
    expect(c.compress(c.mulG(big(v.dV))).toString("hex")).toBe(v.qV);
    expect(c.compress(c.mulG(big(v.dU))).toString("hex")).toBe(v.qU);
  });

  it("gives the ephemeral public keys QEU and QEV from r", () => {
    expect(ephemeralKeyFrom(suite, big(v.rU)).encoded.toString("hex")).toBe(v.qeU);
    expect(ephemeralKeyFrom(suite, big(v.rV)).encoded.toString("hex")).toBe(v.qeV);
  });

  it("computes the same Z on both sides (ECMQV with cofactor, avf width ⌈bitlen(n)/2⌉)", () => {
    expect(suite.avfBits).toBe(suite.id === 1 ? 82 : 141);
    const eu = ephemeralKeyFrom(suite, big(v.rU));
    const ev = ephemeralKeyFrom(suite, big(v.rV));
    const zU = ecmqvSharedSecret(suite, {
      staticPrivate: big(v.dU),
      ephemeralPrivate: eu.private,
      ephemeralPublic: eu.public,
      partnerStatic: c.decode(hex(v.qV)),
      partnerEphemeral: c.decode(hex(v.qeV)),
    });
    const zV = ecmqvSharedSecret(suite, {
      staticPrivate: big(v.dV),
      ephemeralPrivate: ev.private,
      ephemeralPublic: ev.public,
      partnerStatic: c.decode(hex(v.qU)),
      partnerEphemeral: c.decode(hex(v.qeU)),
    });
    expect(zU.toString("hex")).toBe(v.Z);
    expect(zV.toString("hex")).toBe(v.Z);
  });

  it("derives MacKey and KeyData from Z, and MACU and MACV from MacKey", () => {
    const keys = deriveKeys(hex(v.Z));
    expect(keys.macKey.toString("hex")).toBe(v.macKey);
    expect(keys.keyData.toString("hex")).toBe(v.keyData);
    const m = { ieeeU: hex(v.ieeeU), ieeeV: hex(v.ieeeV), qeu: hex(v.qeU), qev: hex(v.qeV) };
    expect(macU(keys.macKey, m).toString("hex")).toBe(v.macU);
    expect(macV(keys.macKey, m).toString("hex")).toBe(v.macV);
  });

  it("runs each side's whole computation from the partner's certificate to the same keys and MACs", () => {
    const sides = [
      { role: "initiator", d: v.dU, r: v.rU, peerCert: v.certV, peerQe: v.qeV, own: v.ieeeU, peer: v.ieeeV },
      { role: "responder", d: v.dV, r: v.rV, peerCert: v.certU, peerQe: v.qeU, own: v.ieeeV, peer: v.ieeeU },
    ] as const;
    for (const s of sides) {
      const k = sessionKeys({
        suite,
        role: s.role,
        staticPrivate: big(s.d),
        ephemeral: ephemeralKeyFrom(suite, big(s.r)),
        partnerCert: hex(s.peerCert),
        caPublic: ca,
        partnerEphemeral: hex(s.peerQe),
        ownIeee: hex(s.own),
        partnerIeee: hex(s.peer),
      });
      expect([k.Z, k.macKey, k.keyData, k.macU, k.macV].map((b) => b.toString("hex"))).toEqual([
        v.Z,
        v.macKey,
        v.keyData,
        v.macU,
        v.macV,
      ]);
    }
  });

  it("takes the certificate hash over all of the certificate", () => {
    const cert = hex(v.certU);
    const e = certificateHash(cert);
    cert[cert.length - 1] = cert[cert.length - 1]! ^ 1;
    expect(certificateHash(cert)).not.toBe(e);
    expect(e < 1n << 128n).toBe(true);
    expect(associateValue(suite, c.decode(hex(v.qeU))) >> BigInt(suite.avfBits)).toBe(1n);
  });
});

/**
 * The Key Establishment state machines, initiator against responder: with certificates a test CA issues, and
 * with the Annex C.6 / C.5 certificates, keys and ephemeral keys (the whole Annex exchange, message by
 * message), each Terminate path, a bad MAC either way, and the time fields as deadlines.
 */
import { describe, expect, it } from "vitest";
import { issueCertificate } from "../../src/crypto/cbke.js";
import { encodeSuite2Certificate } from "../../src/crypto/cert.js";
import { KeInitiator } from "../../src/crypto/ke-initiator.js";
import { KeResponder } from "../../src/crypto/ke-responder.js";
import {
  type KeConfig,
  type KeMessage,
  KeStatus,
  type KeStep,
  type TrustedCa,
  terminateMessage,
} from "../../src/crypto/ke.js";
import { randomScalar } from "../../src/crypto/scalar.js";
import { SUITE1, SUITE2 } from "../../src/crypto/suite.js";
import { ANNEX_SUITE1, ANNEX_SUITE2, type AnnexVectors } from "./annex-vectors.js";

const hex = (s: string) => Buffer.from(s, "hex");
const HUB = hex("00124b0000000001");
const PPMID = hex("000d6f0000000a01");

function testCa(issuer = "4842544553544341") {
  const c = SUITE2.curve;
  const d = randomScalar(c.n);
  const trusted: TrustedCa = { suite: SUITE2, issuer: hex(issuer), publicKey: c.mulG(d)! };
  const issue = (subject: Buffer, over: { keyUsage?: number } = {}) =>
    issueCertificate(SUITE2, d, (p) =>
      encodeSuite2Certificate(
        { serial: hex("0102030405060708"), issuer: hex(issuer), subject, validFrom: 1_700_000_000, ...over },
        p,
      ),
    );
  return { trusted, issue };
}

function config(ieee: Buffer, cert: Buffer, privateKey: bigint, trusted: TrustedCa[], extra: Partial<KeConfig> = {}) {
  return { ieee, credentials: [{ suite: SUITE2, cert, privateKey }], trusted, ...extra } satisfies KeConfig;
}

/** A hub (responder) and a PPMID (initiator) with certificates from one test CA. */
function pair(extra: { initiator?: Partial<KeConfig>; responder?: Partial<KeConfig> } = {}) {
  const ca = testCa();
  const h = ca.issue(HUB);
  const p = ca.issue(PPMID);
  const responderCfg = config(HUB, h.cert, h.privateKey, [ca.trusted], extra.responder);
  const initiatorCfg = config(PPMID, p.cert, p.privateKey, [ca.trusted], extra.initiator);
  return { ca, responderCfg, initiatorCfg };
}

/** Runs the exchange to its end, passing each sent message across; returns every step of both sides. */
function run(initiator: KeInitiator, responder: KeResponder, first: KeStep, now = 0) {
  const steps: { side: "U" | "V"; step: KeStep }[] = [{ side: "U", step: first }];
  let msg: KeMessage | undefined = first.send;
  let to: "U" | "V" = "V";
  while (msg) {
    const step = to === "V" ? responder.receive(msg, now) : initiator.receive(msg, now);
    steps.push({ side: to, step });
    msg = step.send;
    to = to === "V" ? "U" : "V";
  }
  return steps;
}

describe("KE initiator against responder, test CA certificates (suite 2)", () => {
  it("completes with the same link key on both sides and a fingerprint that is not the key", () => {
    const { responderCfg, initiatorCfg } = pair();
    const u = new KeInitiator(initiatorCfg, HUB);
    const v = new KeResponder(responderCfg, PPMID);
    const steps = run(u, v, u.start(0, 0x0002));
    expect(steps.map((s) => `${s.side}:${s.step.send?.command ?? s.step.state}`)).toEqual([
      "U:initiateKeyEstablishmentRequest",
      "V:initiateKeyEstablishmentResponse",
      "U:ephemeralDataRequest",
      "V:ephemeralDataResponse",
      "U:confirmKeyDataRequest",
      "V:confirmKeyDataResponse",
      "U:done",
    ]);
    const rv = steps[5]!.step.result!;
    const ru = steps[6]!.step.result!;
    expect(rv.linkKey).toHaveLength(16);
    expect(ru.linkKey).toEqual(rv.linkKey);
    expect(ru.keyFingerprint).toBe(rv.keyFingerprint);
    expect(ru.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(rv.linkKey.toString("hex")).not.toContain(rv.keyFingerprint);
    expect(rv.partner).toBe("0x000d6f0000000a01");
    expect(ru.partner).toBe("0x00124b0000000001");
    expect(u.state).toBe("done");
    expect(v.state).toBe("done");
  });

  it("gives a different link key in every exchange (fresh ephemeral keys)", () => {
    const { responderCfg, initiatorCfg } = pair();
    const keys = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const u = new KeInitiator(initiatorCfg, HUB);
      const steps = run(u, new KeResponder(responderCfg, PPMID), u.start(0));
      keys.add(steps.at(-1)!.step.result!.keyFingerprint);
    }
    expect(keys.size).toBe(3);
  });

  it("sets each deadline from the partner's announced generate time plus the transmission allowance", () => {
    const { responderCfg, initiatorCfg } = pair({
      initiator: { ephemeralDataGenerateTime: 7, confirmKeyGenerateTime: 9, transmissionAllowanceMs: 500 },
      responder: { ephemeralDataGenerateTime: 3, confirmKeyGenerateTime: 4, transmissionAllowanceMs: 2000 },
    });
    const u = new KeInitiator(initiatorCfg, HUB, { initiateResponseTimeoutMs: 15_000 });
    const v = new KeResponder(responderCfg, PPMID);
    const s1 = u.start(1000);
    expect(s1.deadline).toBe(16_000);
    const s2 = v.receive(s1.send!, 2000);
    // the responder waits for the Ephemeral Data Request: the initiator's 7 s + its own 2 s allowance
    expect(s2.deadline).toBe(2000 + 7000 + 2000);
    expect(s2.send!.payload).toMatchObject({ ephemeralDataGenerateTime: 3, confirmKeyGenerateTime: 4 });
    const s3 = u.receive(s2.send!, 3000);
    // the initiator waits for the Ephemeral Data Response: the responder's 3 s + its own 0.5 s
    expect(s3.deadline).toBe(3000 + 3000 + 500);
    const s4 = v.receive(s3.send!, 4000);
    expect(s4.deadline).toBe(4000 + 9000 + 2000);
    const s5 = u.receive(s4.send!, 5000);
    expect(s5.deadline).toBe(5000 + 4000 + 500);
    expect(v.deadline).toBe(15_000);
    expect(u.deadline).toBe(9500);
  });

  it("fails by timeout when the caller expires a passed deadline, and not before", () => {
    const { responderCfg, initiatorCfg } = pair();
    const u = new KeInitiator(initiatorCfg, HUB);
    const v = new KeResponder(responderCfg, PPMID);
    const s2 = v.receive(u.start(0).send!, 0);
    expect(v.expire(s2.deadline! - 1).state).toBe("awaitEphemeral");
    const t = v.expire(s2.deadline!);
    expect(t.state).toBe("failed");
    expect(t.send).toBeUndefined();
    expect(t.failure).toMatchObject({ by: "self" });
    expect(t.failure!.reason).toMatch(/timeout: no Ephemeral Data Request/);
    // the initiator, still waiting for its Initiate response here, times out on its own deadline
    expect(u.expire(u.deadline!).failure!.reason).toMatch(/timeout/);
  });
});

describe.each([
  ["suite 2 (Annex C.6)", SUITE2, ANNEX_SUITE2],
  ["suite 1 (Annex C.5)", SUITE1, ANNEX_SUITE1],
] as const)("KE state machines reproduce the %s exchange", (_n, suite, v: AnnexVectors) => {
  it("sends the Annex certificates, ephemeral points and MACs, and both sides end with KeyData", () => {
    const c = suite.curve;
    const trusted: TrustedCa[] = [
      {
        suite,
        issuer: hex(v.certV).subarray(suite.id === 2 ? 11 : 30, suite.id === 2 ? 19 : 38),
        publicKey: c.decode(hex(v.caPublic)),
      },
    ];
    const cfg = (ieee: string, cert: string, d: string, r: string): KeConfig => ({
      ieee: hex(ieee),
      credentials: [{ suite, cert: hex(cert), privateKey: BigInt(`0x${d}`) }],
      trusted,
      ephemeralPrivate: () => BigInt(`0x${r}`),
    });
    const u = new KeInitiator(cfg(v.ieeeU, v.certU, v.dU, v.rU), hex(v.ieeeV));
    const r = new KeResponder(cfg(v.ieeeV, v.certV, v.dV, v.rV), hex(v.ieeeU));
    const steps = run(u, r, u.start(0));
    const sent = steps.map((s) => s.step.send?.payload);
    expect(sent[0]).toMatchObject({ keyEstablishmentSuite: suite.id, identity: hex(v.certU) });
    expect(sent[1]).toMatchObject({ keyEstablishmentSuite: suite.id, identity: hex(v.certV) });
    expect(sent[2]).toEqual({ ephemeralData: hex(v.qeU) });
    expect(sent[3]).toEqual({ ephemeralData: hex(v.qeV) });
    expect(sent[4]).toEqual({ secureMessageAuthenticationCode: hex(v.macU) });
    expect(sent[5]).toEqual({ secureMessageAuthenticationCode: hex(v.macV) });
    expect(steps[5]!.step.result!.linkKey.toString("hex")).toBe(v.keyData);
    expect(steps[6]!.step.result!.linkKey.toString("hex")).toBe(v.keyData);
    expect(steps[6]!.step.result!.suite).toBe(suite.id);
  });
});

/** The responder's answer to the initiator's first message, changed by `edit`. */
function respondTo(edit: (m: KeMessage & { command: "initiateKeyEstablishmentRequest" }) => void, extra = {}) {
  const { responderCfg, initiatorCfg } = pair(extra);
  const u = new KeInitiator(initiatorCfg, HUB);
  const first = u.start(0).send as KeMessage & { command: "initiateKeyEstablishmentRequest" };
  const msg = { command: first.command, payload: { ...first.payload, identity: Buffer.from(first.payload.identity) } };
  edit(msg);
  return new KeResponder(responderCfg, PPMID).receive(msg, 0);
}

function terminated(step: KeStep, status: number) {
  expect(step.state).toBe("failed");
  expect(step.send?.command).toBe("terminateKeyEstablishment");
  expect(step.send?.payload).toEqual({ statusCode: status, waitTime: 30, keyEstablishmentSuite: 0x0002 });
  expect(step.failure).toMatchObject({ by: "self", status });
}

describe("the responder terminates", () => {
  it("BAD_MESSAGE when the request names more than one suite", () => {
    terminated(
      respondTo((m) => (m.payload.keyEstablishmentSuite = 0x0003)),
      KeStatus.BAD_MESSAGE,
    );
  });

  it("UNSUPPORTED_SUITE for an unknown suite bit, and for suite 1 at a hub with suite-2 credentials only", () => {
    terminated(
      respondTo((m) => (m.payload.keyEstablishmentSuite = 0x0004)),
      KeStatus.UNSUPPORTED_SUITE,
    );
    terminated(
      respondTo((m) => (m.payload.keyEstablishmentSuite = 0x0001)),
      KeStatus.UNSUPPORTED_SUITE,
    );
  });

  it("BAD_MESSAGE for a certificate of the wrong length", () => {
    terminated(
      respondTo((m) => (m.payload.identity = m.payload.identity.subarray(0, 48))),
      KeStatus.BAD_MESSAGE,
    );
  });

  it("INVALID_CERTIFICATE when the subject is not the partner's EUI-64", () => {
    const step = respondTo((m) => (m.payload.identity[35] = m.payload.identity[35]! ^ 1));
    terminated(step, KeStatus.INVALID_CERTIFICATE);
    expect(step.failure!.reason).toMatch(/subject/);
  });

  it("UNKNOWN_ISSUER for a certificate from a CA it does not trust", () => {
    const step = respondTo((m) => (m.payload.identity[11] = 0x99));
    terminated(step, KeStatus.UNKNOWN_ISSUER);
  });

  it.each([
    ["type", 0, 0x01],
    ["curve", 9, 0x0c],
    ["hash", 10, 0x07],
    ["key usage without key agreement", 36, 0x80],
  ])("INVALID_CERTIFICATE for a wrong %s", (_what, offset, value) => {
    const step = respondTo((m) => (m.payload.identity[offset] = value));
    terminated(step, KeStatus.INVALID_CERTIFICATE);
  });

  it("BAD_KEY_CONFIRM when MACU does not verify (the bad-mac initiator)", () => {
    const { responderCfg, initiatorCfg } = pair();
    const u = new KeInitiator(initiatorCfg, HUB, { corruptConfirmMac: true });
    const v = new KeResponder(responderCfg, PPMID);
    const steps = run(u, v, u.start(0));
    terminated(steps[5]!.step, KeStatus.BAD_KEY_CONFIRM);
    expect(steps[5]!.step.result).toBeUndefined();
    // the initiator reads the Terminate as the responder's failure
    expect(steps[6]!.step).toMatchObject({
      state: "failed",
      failure: { by: "partner", status: KeStatus.BAD_KEY_CONFIRM },
    });
  });

  it("BAD_MESSAGE for a message out of sequence, a response sent to the server, or ephemeral data that is no point", () => {
    const { responderCfg, initiatorCfg } = pair();
    const v = new KeResponder(responderCfg, PPMID);
    terminated(v.receive({ command: "ephemeralDataRequest", payload: { ephemeralData: Buffer.alloc(37) } }, 0), 3);
    terminated(
      v.receive({ command: "ephemeralDataResponse", payload: { ephemeralData: Buffer.alloc(37) } }, 0),
      KeStatus.BAD_MESSAGE,
    );
    const u = new KeInitiator(initiatorCfg, HUB);
    v.receive(u.start(0).send!, 0);
    const notAPoint = Buffer.alloc(37);
    notAPoint[0] = 0x04;
    terminated(v.receive({ command: "ephemeralDataRequest", payload: { ephemeralData: notAPoint } }, 0), 3);
  });

  it("stops, sending nothing, when the initiator terminates", () => {
    const { responderCfg, initiatorCfg } = pair();
    const v = new KeResponder(responderCfg, PPMID);
    v.receive(new KeInitiator(initiatorCfg, HUB).start(0).send!, 0);
    const step = v.receive(
      { command: "terminateKeyEstablishment", payload: { statusCode: 1, waitTime: 10, keyEstablishmentSuite: 2 } },
      0,
    );
    expect(step).toEqual({
      state: "failed",
      failure: { by: "partner", status: 1, waitTime: 10, reason: "the partner terminated: UNKNOWN_ISSUER" },
    });
    expect(v.deadline).toBeUndefined();
  });
});

describe("a hub with no room for another exchange", () => {
  it("refuses with NO_RESOURCES and its wait time, which the initiator reads as the responder's failure", () => {
    const { responderCfg, initiatorCfg } = pair({ responder: { terminateWaitTime: 45 } });
    const u = new KeInitiator(initiatorCfg, HUB);
    u.start(0);
    const refusal = terminateMessage(responderCfg, KeStatus.NO_RESOURCES);
    expect(refusal).toEqual({
      command: "terminateKeyEstablishment",
      payload: { statusCode: 4, waitTime: 45, keyEstablishmentSuite: 2 },
    });
    expect(u.receive(refusal, 0)).toMatchObject({
      state: "failed",
      failure: { by: "partner", status: 4, waitTime: 45, reason: "the responder terminated: NO_RESOURCES" },
    });
  });
});

describe("the initiator terminates", () => {
  it("UNKNOWN_ISSUER when the hub's certificate comes from a CA the device does not trust", () => {
    const { responderCfg, initiatorCfg } = pair();
    const other = testCa("1112131415161718");
    const u = new KeInitiator({ ...initiatorCfg, trusted: [other.trusted] }, HUB);
    // the responder still trusts the device's CA: the initiator is the one to refuse
    const steps = run(u, new KeResponder(responderCfg, PPMID), u.start(0));
    terminated(steps[2]!.step, KeStatus.UNKNOWN_ISSUER);
    expect(steps[3]!.step.failure).toMatchObject({ by: "partner", status: KeStatus.UNKNOWN_ISSUER });
  });

  it("INVALID_CERTIFICATE when the responder's certificate names another device", () => {
    const { responderCfg, initiatorCfg } = pair();
    const u = new KeInitiator(initiatorCfg, hex("00124b00000000ff"));
    const v = new KeResponder(responderCfg, PPMID);
    const steps = run(u, v, u.start(0));
    terminated(steps[2]!.step, KeStatus.INVALID_CERTIFICATE);
  });

  it("BAD_KEY_CONFIRM when MACV does not verify", () => {
    const { responderCfg, initiatorCfg } = pair();
    const u = new KeInitiator(initiatorCfg, HUB);
    const v = new KeResponder(responderCfg, PPMID);
    let msg = u.start(0).send!;
    for (let i = 0; i < 2; i++) msg = u.receive(v.receive(msg, 0).send!, 0).send!;
    const confirm = v.receive(msg, 0).send as KeMessage & { command: "confirmKeyDataResponse" };
    expect(v.state).toBe("done");
    const mac = Buffer.from(confirm.payload.secureMessageAuthenticationCode);
    mac[15] = mac[15]! ^ 1;
    terminated(u.receive({ command: confirm.command, payload: { secureMessageAuthenticationCode: mac } }, 0), 2);
  });

  it("BAD_MESSAGE when the response names another suite than the request", () => {
    const { responderCfg, initiatorCfg } = pair();
    const u = new KeInitiator(initiatorCfg, HUB);
    const rsp = new KeResponder(responderCfg, PPMID).receive(u.start(0).send!, 0).send!;
    terminated(u.receive({ ...rsp, payload: { ...rsp.payload, keyEstablishmentSuite: 1 } } as KeMessage, 0), 3);
  });

  it("starts nothing when the responder's KeyEstablishmentSuite has no suite in common", () => {
    const { initiatorCfg } = pair();
    const step = new KeInitiator(initiatorCfg, HUB).start(0, 0x0001);
    expect(step.state).toBe("failed");
    expect(step.send).toBeUndefined();
    expect(step.failure!.reason).toMatch(/no common suite/);
  });
});

/**
 * The CHF's Key Establishment server, through the hub's frame handler (ZCL bytes in and out, each reply parsed
 * again by src/zcl), against src/crypto's initiator as the device: a whole exchange, suite negotiation, the
 * certificate checks, the device's time fields as the hub's deadlines on the hub clock, MACU verification,
 * several devices at once and the hub's limit, and the evidence (fingerprints, never the key).
 */
import { describe, expect, it } from "vitest";
import { issueCertificate } from "../../src/crypto/cbke.js";
import { encodeSuite1Certificate } from "../../src/crypto/cert.js";
import { KeInitiator, type InitiatorOptions } from "../../src/crypto/ke-initiator.js";
import { type KeConfig, type KeMessage, KeStatus } from "../../src/crypto/ke.js";
import { makeTestCa } from "../../src/crypto/pki.js";
import { randomScalar } from "../../src/crypto/scalar.js";
import { SUITE1 } from "../../src/crypto/suite.js";
import type { Evidence, KeyEstablishmentEvent } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { SteppedClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import { type EstablishedKey, KeyEstablishmentServer, type KeServerOptions } from "../../src/hub/key-establishment.js";
import type { RequestContext } from "../../src/hub/types.js";
import { ClusterId, decodeZcl, encodeZcl, Status } from "../../src/zcl/index.js";

const HUB = "0x00db1234567890a3";
const PPMID = "0x000d6f0000000a01";
const PPMID2 = "0x000d6f0000000a02";
const T0 = Date.parse("2026-03-04T10:15:00Z");
const KE = ClusterId.keyEstablishment;
const octets = (ieee: string) => Buffer.from(ieee.slice(2), "hex");

function world(over: Partial<KeServerOptions> = {}) {
  const clock = new SteppedClock(T0);
  const evidence = new EvidenceLog({ now: () => clock.now() });
  const ca = makeTestCa();
  const hubCreds = ca.issue(octets(HUB));
  const ke = new KeyEstablishmentServer({
    clock,
    evidence,
    hubIeee: HUB,
    credentials: [hubCreds.own],
    trusted: [ca.trusted],
    ...over,
  });
  const hub = new Hub({ clock, seed: 1, evidence, hubIeee: HUB, keyEstablishment: ke });
  const keys: EstablishedKey[] = [];
  ke.onEstablished((k) => keys.push(k));
  return { clock, evidence, ca, ke, hub, keys };
}

type World = ReturnType<typeof world>;

function deviceConfig(w: World, ieee: string, ca = w.ca, extra: Partial<KeConfig> = {}): KeConfig {
  const c = ca.issue(octets(ieee));
  return { ieee: octets(ieee), credentials: [c.own], trusted: [w.ca.trusted], ...extra };
}

function ctxOf(w: World, device: string): RequestContext {
  return { device, nwk: 0x4a11, deviceEp: 1, hubEp: w.hub.endpoints.gpf, role: "gpf" };
}

let tsn = 1;
/** A client → server KE message as ZCL bytes through the hub's frame handler; the answer decoded again. */
function send(w: World, device: string, msg: KeMessage): KeMessage | { defaultRsp: number } | undefined {
  const bytes = encodeZcl(KE, {
    frameType: "specific",
    direction: "clientToServer",
    disableDefaultResponse: false,
    tsn: tsn++ & 0xff,
    command: msg.command,
    payload: msg.payload as unknown as Record<string, unknown>,
  });
  const reply = w.hub.handleFrame(ctxOf(w, device), KE, bytes);
  if (!reply) return undefined;
  const f = decodeZcl(KE, reply);
  if (f.command === "defaultRsp") return { defaultRsp: (f.payload as { status: number }).status };
  expect(f.direction).toBe("serverToClient");
  return { command: f.command, payload: f.payload } as KeMessage;
}

/** Runs an initiator against the hub until nothing more is sent; returns what the hub answered, in order. */
function exchange(w: World, device: string, initiator: KeInitiator, first: KeMessage) {
  const answers: KeMessage[] & { deviceKey?: Buffer } = [];
  let msg: KeMessage | undefined = first;
  while (msg) {
    const answer = send(w, device, msg);
    if (!answer || "defaultRsp" in answer) break;
    answers.push(answer);
    const step = initiator.receive(answer, w.clock.now());
    if (step.result) answers.deviceKey = step.result.linkKey;
    msg = step.send;
  }
  return answers;
}

function keEvents(events: readonly Evidence[], device?: string): KeyEstablishmentEvent[] {
  return events.filter(
    (e): e is Evidence & KeyEstablishmentEvent => e.kind === "ke" && (device === undefined || e.device === device),
  );
}

function initiator(w: World, ieee: string, cfg = deviceConfig(w, ieee), opts: InitiatorOptions = {}) {
  return new KeInitiator(cfg, octets(HUB), opts);
}

describe("the hub's Key Establishment server", () => {
  it("serves KeyEstablishmentSuite 0x0002 on the ESI endpoint, and 0x0800 is among its clusters", () => {
    const w = world();
    const records = w.hub.read(ctxOf(w, PPMID), KE, [0x0000]);
    expect(records).toEqual([{ attrId: 0, status: Status.SUCCESS, type: 0x31, value: 0x0002 }]);
    expect(w.hub.serverClusters(w.hub.endpointNumbers.esi).inClusters).toContain(KE);
    expect(w.hub.serverClusters(w.hub.endpointNumbers.mirror).inClusters).not.toContain(KE);
    expect(w.hub.serverClusters(w.hub.endpointNumbers.esme).inClusters).not.toContain(KE);
  });

  it("completes an exchange: the same link key on both sides, given to the listeners, only its fingerprint in evidence", () => {
    const w = world();
    const u = initiator(w, PPMID);
    const start = u.start(w.clock.now(), 0x0002);
    const answers = exchange(w, PPMID, u, start.send!);
    expect(answers.map((a) => a.command)).toEqual([
      "initiateKeyEstablishmentResponse",
      "ephemeralDataResponse",
      "confirmKeyDataResponse",
    ]);
    expect(u.state).toBe("done");
    expect(w.keys).toHaveLength(1);
    const key = w.keys[0]!;
    expect(key.device).toBe(PPMID);
    expect(key.suite).toBe(2);
    expect(answers.deviceKey && key.linkKey.equals(answers.deviceKey)).toBe(true);
    expect(w.ke.establishedWith(PPMID)).toEqual({ suite: 2, fingerprint: key.fingerprint });
    const steps = keEvents(w.evidence.events, PPMID).map((e) => `${e.by}:${e.step}`);
    expect(steps).toEqual(["device:initiate", "device:ephemeral", "device:confirm", "hub:established"]);
    const initiate = keEvents(w.evidence.events, PPMID)[0]!;
    expect(initiate).toMatchObject({ suite: 2, subject: PPMID.slice(2), issuer: w.ca.issuer.toString("hex") });
    expect(keEvents(w.evidence.events, PPMID).at(-1)!.fingerprint).toBe(key.fingerprint);
    const text = JSON.stringify(w.evidence.events);
    expect(text).not.toContain(key.linkKey.toString("hex"));
    expect(w.ke.inProgress).toBe(0);
  });

  it("offers suite 2 only in GB mode: suite 1 is UNSUPPORTED_SUITE, two suites at once BAD_MESSAGE", () => {
    const w = world();
    const d1 = randomScalar(SUITE1.curve.n);
    const s1 = issueCertificate(SUITE1, d1, (p) =>
      encodeSuite1Certificate({ issuer: Buffer.from("HBTESTC1"), subject: octets(PPMID) }, p),
    );
    const initiate = (suite: number, identity: Buffer) =>
      send(w, PPMID, {
        command: "initiateKeyEstablishmentRequest",
        payload: { keyEstablishmentSuite: suite, ephemeralDataGenerateTime: 10, confirmKeyGenerateTime: 10, identity },
      });
    expect(initiate(0x0001, s1.cert)).toMatchObject({
      command: "terminateKeyEstablishment",
      payload: { statusCode: KeStatus.UNSUPPORTED_SUITE, keyEstablishmentSuite: 0x0002 },
    });
    const cert = Buffer.from(w.ca.issue(octets(PPMID)).own.cert);
    expect(initiate(0x0003, cert)).toMatchObject({ payload: { statusCode: KeStatus.BAD_MESSAGE } });
    const terminates = keEvents(w.evidence.events).filter((e) => e.step === "terminate" && e.by === "hub");
    expect(terminates.map((e) => e.statusName)).toEqual(["UNSUPPORTED_SUITE", "BAD_MESSAGE"]);
    expect(w.keys).toHaveLength(0);
  });

  it("refuses a certificate from another CA (UNKNOWN_ISSUER) and one whose subject is another device (INVALID_CERTIFICATE)", () => {
    const w = world();
    const other = makeTestCa({ issuer: Buffer.from("OTHERCA1") });
    const foreign = initiator(w, PPMID, deviceConfig(w, PPMID, other));
    const a = exchange(w, PPMID, foreign, foreign.start(w.clock.now(), 0x0002).send!);
    expect(a).toEqual([expect.objectContaining({ payload: expect.objectContaining({ statusCode: 0x01 }) })]);
    // the device's certificate names PPMID2 but it is PPMID that asks
    const wrongSubject = initiator(w, PPMID, { ...deviceConfig(w, PPMID2), ieee: octets(PPMID) });
    const b = exchange(w, PPMID, wrongSubject, wrongSubject.start(w.clock.now(), 0x0002).send!);
    expect(b[0]!.payload).toMatchObject({ statusCode: KeStatus.INVALID_CERTIFICATE });
    const hubTerminates = keEvents(w.evidence.events).filter((e) => e.step === "terminate" && e.by === "hub");
    expect(hubTerminates.map((e) => e.statusName)).toEqual(["UNKNOWN_ISSUER", "INVALID_CERTIFICATE"]);
    expect(hubTerminates[0]!.reason).toContain("unknown certificate issuer 0x4f54484552434131");
  });

  it("verifies MACU: a wrong one is BAD_KEY_CONFIRM and no key is established", () => {
    const w = world();
    const u = initiator(w, PPMID, undefined, { corruptConfirmMac: true });
    const answers = exchange(w, PPMID, u, u.start(w.clock.now(), 0x0002).send!);
    expect(answers.at(-1)).toMatchObject({
      command: "terminateKeyEstablishment",
      payload: { statusCode: KeStatus.BAD_KEY_CONFIRM },
    });
    expect(w.keys).toHaveLength(0);
    expect(w.ke.establishedWith(PPMID)).toBeUndefined();
  });

  it("waits as long as the device's announced times say (plus 2 s), then drops the exchange without a Terminate", async () => {
    const w = world();
    const u = initiator(w, PPMID, deviceConfig(w, PPMID, w.ca, { ephemeralDataGenerateTime: 20 }));
    const initiate = u.start(w.clock.now(), 0x0002).send!;
    const rsp = send(w, PPMID, initiate) as KeMessage;
    expect(rsp.command).toBe("initiateKeyEstablishmentResponse");
    const ephemeral = u.receive(rsp, w.clock.now()).send!;
    await w.clock.advance(21_999);
    expect(w.ke.inProgress).toBe(1);
    expect(keEvents(w.evidence.events).some((e) => e.step === "timeout")).toBe(false);
    await w.clock.advance(1);
    expect(w.ke.inProgress).toBe(0);
    const timeout = keEvents(w.evidence.events).find((e) => e.step === "timeout");
    expect(timeout?.reason).toContain("Ephemeral Data Request");
    // late: the exchange is gone, so the hub ends it with BAD_MESSAGE
    expect(send(w, PPMID, ephemeral)).toMatchObject({
      command: "terminateKeyEstablishment",
      payload: { statusCode: KeStatus.BAD_MESSAGE },
    });
  });

  it("runs exchanges with several devices at once, each with its own key", () => {
    const w = world();
    const u1 = initiator(w, PPMID);
    const u2 = initiator(w, PPMID2);
    let m1: KeMessage | undefined = u1.start(w.clock.now(), 2).send;
    let m2: KeMessage | undefined = u2.start(w.clock.now(), 2).send;
    while (m1 || m2) {
      if (m1) {
        const a = send(w, PPMID, m1) as KeMessage;
        m1 = a && u1.receive(a, w.clock.now()).send;
      }
      if (m2) {
        const a = send(w, PPMID2, m2) as KeMessage;
        m2 = a && u2.receive(a, w.clock.now()).send;
      }
    }
    expect(u1.state).toBe("done");
    expect(u2.state).toBe("done");
    expect(w.keys.map((k) => k.device)).toEqual([PPMID, PPMID2]);
    expect(w.keys[0]!.linkKey.equals(w.keys[1]!.linkKey)).toBe(false);
  });

  it("refuses one exchange more than its limit with NO_RESOURCES and its WaitTime", () => {
    const w = world({ maxExchanges: 1, terminateWaitTime: 45 });
    const u1 = initiator(w, PPMID);
    expect((send(w, PPMID, u1.start(w.clock.now(), 2).send!) as KeMessage).command).toBe(
      "initiateKeyEstablishmentResponse",
    );
    const u2 = initiator(w, PPMID2);
    expect(send(w, PPMID2, u2.start(w.clock.now(), 2).send!)).toEqual({
      command: "terminateKeyEstablishment",
      payload: { statusCode: KeStatus.NO_RESOURCES, waitTime: 45, keyEstablishmentSuite: 0x0002 },
    });
    expect(keEvents(w.evidence.events, PPMID2).map((e) => e.step)).toEqual(["initiate", "refused"]);
  });

  it("answers a request with a missing field MALFORMED_COMMAND", () => {
    const w = world();
    const bytes = Buffer.from([0x01, 0x07, 0x00, 0x02, 0x00]); // Initiate Request cut after the suite
    const reply = w.hub.handleFrame(ctxOf(w, PPMID), KE, bytes);
    expect(reply && decodeZcl(KE, reply).payload).toMatchObject({ status: Status.MALFORMED_COMMAND });
    // a payload decoded without its octet string (another decoder's shape) is refused the same way
    const result = w.hub.command(ctxOf(w, PPMID), {
      clusterId: KE,
      commandId: 0x01,
      command: "ephemeralDataRequest",
      payload: { ephemeralData: "03ab" },
      tsn: 9,
      disableDefaultResponse: false,
    });
    expect(result).toEqual({ kind: "default", status: Status.MALFORMED_COMMAND });
  });

  it("refuses a hub certificate that names another device, and a non-GB set without suite 2", () => {
    const clock = new SteppedClock(T0);
    const ca = makeTestCa();
    expect(
      () =>
        new KeyEstablishmentServer({
          clock,
          hubIeee: HUB,
          credentials: [ca.issue(octets(PPMID)).own],
          trusted: [ca.trusted],
        }),
    ).toThrow(/subject 0x000d6f0000000a01 is not the hub's EUI-64/);
    expect(() => new KeyEstablishmentServer({ clock, hubIeee: HUB, credentials: [], trusted: [] })).toThrow(/suite-2/);
  });
});

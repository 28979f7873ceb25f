/**
 * Key Establishment 0x0800: the command payloads through the project's ZCL codec, checked byte for byte, and a
 * capture of a whole suite-2 exchange (the SE Annex C.6 messages, produced by the src/crypto state machines)
 * that stock tshark decodes down to the KE fields, as the other SE clusters' captures are checked.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KeInitiator } from "../../src/crypto/ke-initiator.js";
import { KeResponder } from "../../src/crypto/ke-responder.js";
import type { KeConfig, KeMessage } from "../../src/crypto/ke.js";
import { SUITE2 } from "../../src/crypto/suite.js";
import type { ZclEvent } from "../../src/evidence/events.js";
import { writePcap } from "../../src/report/pcap.js";
import { attributeDef, decodeZcl, encodeZcl } from "../../src/zcl/index.js";
import { ANNEX_SUITE2 as V } from "../crypto/annex-vectors.js";

const dir = mkdtempSync(join(tmpdir(), "hb-ke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KE = 0x0800;
const hex = (s: string) => Buffer.from(s, "hex");

describe("Key Establishment cluster definition", () => {
  it("has KeyEstablishmentSuite (0x0000) on both sides", () => {
    expect(attributeDef(KE, 0)).toMatchObject({ name: "keyEstablishmentSuite", type: 0x31 });
    expect(attributeDef(KE, 0, { client: true })).toMatchObject({ name: "clientKeyEstablishmentSuite", type: 0x31 });
  });

  it("encodes Initiate Key Establishment Request field by field (suite LE, two times, the certificate)", () => {
    const raw = encodeZcl(KE, {
      frameType: "specific",
      direction: "clientToServer",
      disableDefaultResponse: false,
      tsn: 0x21,
      command: "initiateKeyEstablishmentRequest",
      payload: {
        keyEstablishmentSuite: 2,
        ephemeralDataGenerateTime: 0x0a,
        confirmKeyGenerateTime: 0x0b,
        identity: hex(V.certU),
      },
    });
    expect(raw.toString("hex")).toBe(["012100", "0200", "0a", "0b", V.certU].join(""));
    const back = decodeZcl(KE, raw);
    expect(back.command).toBe("initiateKeyEstablishmentRequest");
    expect(back.payload).toEqual({
      keyEstablishmentSuite: 2,
      ephemeralDataGenerateTime: 10,
      confirmKeyGenerateTime: 11,
      identity: hex(V.certU),
    });
  });

  it("encodes Terminate Key Establishment both ways: status, wait time, the sender's suites", () => {
    for (const [direction, fc] of [
      ["clientToServer", "11"],
      ["serverToClient", "19"],
    ] as const) {
      const raw = encodeZcl(KE, {
        frameType: "specific",
        direction,
        disableDefaultResponse: true,
        tsn: 7,
        command: "terminateKeyEstablishment",
        payload: { statusCode: 2, waitTime: 30, keyEstablishmentSuite: 2 },
      });
      expect(raw.toString("hex")).toBe([`${fc}0703`, "02", "1e", "0200"].join(""));
      expect(decodeZcl(KE, raw).payload).toEqual({ statusCode: 2, waitTime: 30, keyEstablishmentSuite: 2 });
    }
  });
});

/** The Annex C.6 exchange as the state machines produce it, with the direction of each message. */
function annexExchange(): { dir: "in" | "out"; msg: KeMessage }[] {
  const trusted = [{ suite: SUITE2, issuer: hex("1112131415161718"), publicKey: SUITE2.curve.decode(hex(V.caPublic)) }];
  const cfg = (ieee: string, cert: string, d: string, r: string): KeConfig => ({
    ieee: hex(ieee),
    credentials: [{ suite: SUITE2, cert: hex(cert), privateKey: BigInt(`0x${d}`) }],
    trusted,
    ephemeralPrivate: () => BigInt(`0x${r}`),
  });
  const u = new KeInitiator(cfg(V.ieeeU, V.certU, V.dU, V.rU), hex(V.ieeeV));
  const v = new KeResponder(cfg(V.ieeeV, V.certV, V.dV, V.rV), hex(V.ieeeU));
  const out: { dir: "in" | "out"; msg: KeMessage }[] = [];
  let msg = u.start(0).send;
  let toResponder = true;
  while (msg) {
    out.push({ dir: toResponder ? "in" : "out", msg });
    msg = (toResponder ? v.receive(msg, 0) : u.receive(msg, 0)).send;
    toResponder = !toResponder;
  }
  return out;
}

function event(tsn: number, dir: "in" | "out", msg: KeMessage): ZclEvent {
  const direction = dir === "in" ? "clientToServer" : "serverToClient";
  const raw = encodeZcl(KE, {
    frameType: "specific",
    direction,
    disableDefaultResponse: dir === "out",
    tsn,
    command: msg.command,
    payload: msg.payload as unknown as Record<string, unknown>,
  });
  const decoded = decodeZcl(KE, raw);
  expect(decoded.payload).toEqual(msg.payload);
  return {
    kind: "zcl",
    dir,
    device: `0x${V.ieeeU}`,
    nwk: 0x3c2a,
    deviceEp: 1,
    hubEp: 1,
    profileId: 0x0109,
    clusterId: KE,
    frameType: "specific",
    direction,
    tsn,
    commandId: decoded.commandId,
    command: msg.command,
    raw: raw.toString("hex"),
  };
}

function tshark(file: string, fields: string[]): string[][] {
  const args = ["-r", file, "-T", "fields", "-E", "separator=|"];
  for (const f of fields) args.push("-e", f);
  const out = execFileSync("tshark", args, { encoding: "utf8", env: { ...process.env, TZ: "UTC" }, stdio: "pipe" });
  return out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("|"));
}

describe("a capture of the Annex C.6 suite-2 exchange", () => {
  it("decodes in stock tshark down to the certificate fields, QEU/QEV and MACU/MACV", () => {
    const exchange = annexExchange();
    expect(exchange.map((e) => e.msg.command)).toEqual([
      "initiateKeyEstablishmentRequest",
      "initiateKeyEstablishmentResponse",
      "ephemeralDataRequest",
      "ephemeralDataResponse",
      "confirmKeyDataRequest",
      "confirmKeyDataResponse",
    ]);
    const file = join(dir, "ke.pcap");
    const tsns = [0x40, 0x40, 0x41, 0x41, 0x42, 0x42];
    const events = exchange.map((e, i) => event(tsns[i]!, e.dir, e.msg));
    expect(writePcap(events, file, { panId: 0x1a62, hubIeee: `0x${V.ieeeV}` })).toBe(6);
    const rows = tshark(file, [
      "zbee_aps.cluster",
      "zbee_nwk.src64",
      "zbee_zcl_se.ke.cmd.srv_rx.id",
      "zbee_zcl_se.ke.cmd.srv_tx.id",
      "zbee_zcl_se.ke.attr.suite",
      "zbee_zcl_se.ke.init.ephemeral.time",
      "zbee_zcl_se.ke.init.confirm.time",
      "zbee_zcl_se.ke.cert.type",
      "zbee_zcl_se.ke.cert.serialno",
      "zbee_zcl_se.ke.cert.curve",
      "zbee_zcl_se.ke.cert.hash",
      "zbee_zcl_se.ke.cert.issuer",
      "zbee_zcl_se.ke.cert.subject",
      "zbee_zcl_se.ke.cert.key.usage.agreement",
      "zbee_zcl_se.ke.cert.reconst",
      "zbee_zcl_se.ke.qeu",
      "zbee_zcl_se.ke.qev",
      "zbee_zcl_se.ke.macu",
      "zbee_zcl_se.ke.macv",
    ]);
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(r[0]).toBe("0x0800");
    const [req, rsp, eReq, eRsp, cReq, cRsp] = rows as string[][] as [
      string[],
      string[],
      string[],
      string[],
      string[],
      string[],
    ];
    // Initiate KE Request from the initiator (0a:0b:…:12): suite 2, its times, its certificate's fields
    expect(req.slice(1, 4)).toEqual(["0a:0b:0c:0d:0e:0f:10:12", "0x00", ""]);
    expect(req.slice(4, 7)).toEqual(["0x0002", "10", "10"]);
    expect(req.slice(7, 15)).toEqual([
      "0x00",
      "0x84a933b37f018dec",
      "0x0d",
      "0x08",
      "1112131415161718",
      V.ieeeU,
      "1",
      V.certU.slice(74),
    ]);
    // the responder's answer carries its own certificate
    expect(rsp.slice(1, 4)).toEqual(["0a:0b:0c:0d:0e:0f:10:11", "", "0x00"]);
    expect(rsp[8]).toBe("0x2622a505e8938f27");
    expect(rsp[12]).toBe(V.ieeeV);
    expect(rsp[14]).toBe(V.certV.slice(74));
    expect([eReq[2], eReq[15]]).toEqual(["0x01", V.qeU]);
    expect([eRsp[3], eRsp[16]]).toEqual(["0x01", V.qeV]);
    expect([cReq[2], cReq[17]]).toEqual(["0x02", V.macU]);
    expect([cRsp[3], cRsp[18]]).toEqual(["0x02", V.macV]);
  });

  it("decodes a Terminate Key Establishment's status and wait time", () => {
    const file = join(dir, "terminate.pcap");
    const msg: KeMessage = {
      command: "terminateKeyEstablishment",
      payload: { statusCode: 1, waitTime: 30, keyEstablishmentSuite: 2 },
    };
    writePcap([event(0x43, "out", msg)], file, { panId: 0x1a62, hubIeee: `0x${V.ieeeV}` });
    expect(
      tshark(file, [
        "zbee_zcl_se.ke.cmd.srv_tx.id",
        "zbee_zcl_se.ke.terminate.status",
        "zbee_zcl_se.ke.terminate.wait.time",
        "zbee_zcl_se.ke.attr.suite",
      ]),
    ).toEqual([["0x03", "0x01", "30", "0x0002"]]);
  });
});

/**
 * Evidence from the virtual HAN: ZCL between a DUT and the ESME node, and the discovery answers a DUT gets.
 * Herdsman (the peer we did not write) judges what the frames say: its ZCL parser for the read's attribute
 * ids, its ZDO parser for the endpoints and clusters of Match_Desc and Simple_Desc responses.
 */
import { Zcl, Zdo } from "zigbee-herdsman";
import { afterEach, describe, expect, it } from "vitest";
import type { Evidence } from "../../src/evidence/events.js";
import type { EvidenceSink } from "../../src/evidence/log.js";
import { tapMedium } from "../../src/runner/medium-evidence.js";
import { HanMedium } from "../../src/virtual/han/medium.js";
import type { ApsFrame, HanMember } from "../../src/virtual/han/types.js";
import { herdsmanClusters } from "../../src/zcl/index.js";

const DUT = { ieee: "0x00db1234567890a0", nwk: 0x1111, ep: 1 };
const ESME = { ieee: "0x00db1234567890e5", nwk: 0x2222, ep: 3 };
const OTHER = { ieee: "0x00db1234567890ff", nwk: 0x3333, ep: 1 };
const SE = 0x0109;

function member(m: { ieee: string; nwk: number }): HanMember {
  return { ieee: m.ieee, nwk: m.nwk, online: true, receive: () => undefined };
}

let medium: HanMedium;
let stop: () => void;
const events: Evidence[] = [];
const sink: EvidenceSink = {
  append: (e) => {
    events.push(e as Evidence);
  },
} as EvidenceSink;

function start(): void {
  events.length = 0;
  medium = new HanMedium();
  for (const m of [DUT, ESME, OTHER]) medium.attach(member(m));
  stop = tapMedium({ medium, evidence: sink, duts: new Set([DUT.ieee]), esme: { ieee: ESME.ieee, endpoint: ESME.ep } });
}

async function carry(frame: ApsFrame): Promise<void> {
  medium.send(frame);
  await new Promise((r) => setImmediate(r));
}

afterEach(() => {
  stop();
  medium.close();
});

describe("virtual HAN evidence", () => {
  it("records a DUT's read of the ESME as `in` and the answer as `out`, with herdsman's reading of the attribute ids", async () => {
    start();
    const read = Zcl.Frame.create(
      0,
      0,
      false,
      undefined,
      0x31,
      "read",
      0x0708,
      [{ attrId: 0x0200 }, { attrId: 0x0201 }],
      {},
    );
    const bytes = read.toBuffer();
    await carry({
      srcNwk: DUT.nwk,
      srcEp: DUT.ep,
      dstNwk: ESME.nwk,
      dstEp: ESME.ep,
      profileId: SE,
      clusterId: 0x0708,
      payload: bytes,
    });
    const rsp = Buffer.from("183101000286", "hex"); // readRsp, 0x0200 UNSUPPORTED_ATTRIBUTE
    await carry({
      srcNwk: ESME.nwk,
      srcEp: ESME.ep,
      dstNwk: DUT.nwk,
      dstEp: DUT.ep,
      profileId: SE,
      clusterId: 0x0708,
      payload: rsp,
    });
    // frames that do not involve both a DUT and the ESME are the host's or nobody's business
    await carry({
      srcNwk: OTHER.nwk,
      srcEp: 1,
      dstNwk: ESME.nwk,
      dstEp: ESME.ep,
      profileId: SE,
      clusterId: 0x0708,
      payload: bytes,
    });
    await carry({
      srcNwk: DUT.nwk,
      srcEp: DUT.ep,
      dstNwk: OTHER.nwk,
      dstEp: 1,
      profileId: SE,
      clusterId: 0x0708,
      payload: bytes,
    });

    expect(events.map((e) => e.kind)).toEqual(["zcl", "zcl"]);
    const [asked, answered] = events;
    const judge = Zcl.Frame.fromBuffer(0x0708, Zcl.Header.fromBuffer(bytes)!, bytes, herdsmanClusters());
    expect(asked).toMatchObject({
      dir: "in",
      device: DUT.ieee,
      nwk: DUT.nwk,
      deviceEp: DUT.ep,
      hubEp: ESME.ep,
      role: "esme",
      profileId: SE,
      clusterId: 0x0708,
      command: judge.command.name,
      tsn: judge.header.transactionSequenceNumber,
      payload: (judge.payload as { attrId: number }[]).map((r) => r.attrId),
      raw: bytes.toString("hex"),
    });
    expect(answered).toMatchObject({
      dir: "out",
      device: DUT.ieee,
      nwk: DUT.nwk,
      deviceEp: DUT.ep,
      hubEp: ESME.ep,
      role: "esme",
      command: "readRsp",
      tsn: 0x31,
    });
  });

  it("records the endpoints (and clusters) of the discovery answers a DUT gets, as herdsman reads them", async () => {
    start();
    // Match_Desc_rsp: TSN, status, NWKAddrOfInterest, MatchLength, MatchList
    const match = Buffer.from([0x05, 0x00, 0x22, 0x22, 0x02, 0x03, 0x04]);
    // Simple_Desc_rsp: TSN, status, NWKAddrOfInterest, length, endpoint 3, profile 0x0109, device 0x0501, version 0,
    // two in clusters (0x0702, 0x0708), one out cluster (0x000a)
    const simple = Buffer.from([
      0x06, 0x00, 0x22, 0x22, 0x0f, 0x03, 0x09, 0x01, 0x01, 0x05, 0x00, 0x02, 0x02, 0x07, 0x08, 0x07, 0x01, 0x0a, 0x00,
    ]);
    for (const [clusterId, payload] of [
      [0x8006, match],
      [0x8004, simple],
    ] as const) {
      await carry({ srcNwk: ESME.nwk, srcEp: 0, dstNwk: DUT.nwk, dstEp: 0, profileId: 0, clusterId, payload });
      // to a device that is not under test: not recorded
      await carry({ srcNwk: ESME.nwk, srcEp: 0, dstNwk: OTHER.nwk, dstEp: 0, profileId: 0, clusterId, payload });
    }
    const [, matched] = Zdo.Buffalo.readResponse(true, Zdo.ClusterId.MATCH_DESCRIPTORS_RESPONSE, match);
    const [, described] = Zdo.Buffalo.readResponse(true, Zdo.ClusterId.SIMPLE_DESCRIPTOR_RESPONSE, simple);
    expect(events).toEqual([
      expect.objectContaining({
        kind: "discovery",
        device: DUT.ieee,
        request: "matchDesc",
        endpoints: matched!.endpointList,
        responder: ESME.ieee,
      }),
      expect.objectContaining({
        kind: "discovery",
        device: DUT.ieee,
        request: "simpleDesc",
        endpoints: [described!.endpoint],
        clusters: described!.inClusterList,
        responder: ESME.ieee,
      }),
    ]);
  });
});

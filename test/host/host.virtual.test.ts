/**
 * The host on the virtual Z-Stack dongle over tcp://: the whole stack, with unmodified herdsman speaking
 * ZNP to the emulator, the hub model behind the host, and generic emulated nodes as devices.
 */
import { Zcl } from "zigbee-herdsman";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msToZclUtc, RealClock } from "../../src/hub/clock.js";
import type { Hub } from "../../src/hub/hub.js";
import type { Host } from "../../src/host/host.js";
import type { EvidenceLog } from "../../src/evidence/log.js";
import type { JoinEvent } from "../../src/evidence/events.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import type { EmulatedNode } from "../../src/virtual/han/node.js";
import { herdsmanClusters } from "../../src/zcl/herdsman.js";
import { decodeZcl, encodeZcl } from "../../src/zcl/index.js";
import { type HubHost, startHubHost } from "../support/hub-host.js";

const SE = 0x0109;
const clusters = herdsmanClusters();
const clock = new RealClock();
let dongle: VirtualDongle;
let stack: HubHost | undefined;
let evidence: EvidenceLog;
let hub: Hub;
let host: Host;
let ihd: EmulatedNode;
let stranger: EmulatedNode;
let tsn = 0x20;

function frame(type: "read" | "getChangeOfTenancy", clusterId: number, attrIds: number[] = []): Buffer {
  tsn = (tsn + 1) & 0xff;
  if (type === "read") {
    return Zcl.Frame.create(
      0,
      0,
      false,
      undefined,
      tsn,
      "read",
      clusterId,
      attrIds.map((attrId) => ({ attrId })),
      {},
    ).toBuffer();
  }
  return Zcl.Frame.create(1, 0, false, undefined, tsn, "getChangeOfTenancy", clusterId, {}, clusters).toBuffer();
}

function decode(clusterId: number, bytes: Buffer) {
  return Zcl.Frame.fromBuffer(clusterId, Zcl.Header.fromBuffer(bytes)!, bytes, clusters);
}

async function ask(node: EmulatedNode, ep: number, clusterId: number, bytes: Buffer) {
  const rsp = await node.zclRequest({ nwk: 0, ep }, clusterId, bytes, { profileId: SE, timeoutMs: 5000 });
  return { bytes: rsp, frame: decode(clusterId, rsp) };
}

beforeAll(async () => {
  dongle = await VirtualDongle.start({ devices: ["node", "node"] });
  [ihd, stranger] = dongle.devices as [EmulatedNode, EmulatedNode];
  stack = await startHubHost({
    port: dongle.url,
    clock,
    seed: 7,
    hubIeee: "0x00124b0000000000",
    memoryEvidence: true,
    devices: [{ eui64: ihd.ieee, installCode: ihd.installCode!, deviceType: 6 }],
  });
  ({ evidence, hub, host } = stack);
  const joined = new Promise<void>((resolve) => {
    let admitted = false;
    let refused = false;
    const check = () => admitted && refused && resolve();
    host.on("interview", (e) => {
      if (e.device === ihd.ieee && e.status !== "started") admitted = true;
      check();
    });
    host.on("join", (e) => {
      if (e.device === stranger.ieee && !e.accepted) refused = true;
      check();
    });
  });
  await host.permitJoin(60);
  await joined;
  await host.permitJoin(0);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await dongle?.stop();
});

describe("host on the virtual dongle (tcp://)", () => {
  it("admits the Device Log device and refuses the other one, with JoinEvents", () => {
    const joins = evidence.events.filter(
      (e): e is JoinEvent & { seq: number; t: string; wall: string } => e.kind === "join",
    );
    expect(joins.find((e) => e.device === ihd.ieee)?.accepted).toBe(true);
    expect(joins.find((e) => e.device === stranger.ieee)).toMatchObject({ accepted: false });
    expect(host.devices().map((d) => d.ieee)).toEqual([ihd.ieee]);
  });

  it("runs the network with the extended PAN id equal to the hub (coordinator) IEEE", () => {
    expect(host.coordinatorIeee).toMatch(/^0x00124b00[0-9a-f]{8}$/);
    expect(host.network?.extendedPanId).toBe(host.coordinatorIeee);
    expect(evidence.events.some((e) => e.kind === "note" && e.message.startsWith("extended PAN id"))).toBe(false);
  });

  it("answers Match_Desc for Device Management with the GPF and ESME endpoints (not 1)", async () => {
    // Match_Desc_req: NWKAddrOfInterest 0x0000, profile 0x0109, 1 input cluster 0x0708, 0 output clusters
    const body = Buffer.from([0x00, 0x00, 0x09, 0x01, 0x01, 0x08, 0x07, 0x00]);
    const rsp = await ihd.zdoRequest(0x0000, 0x0006, body, 5000);
    expect(rsp[0]).toBe(0); // SUCCESS
    const matches = [...rsp.subarray(4, 4 + rsp[3]!)].sort();
    expect(matches).toEqual([hub.endpoints.gpf, hub.endpoints.esme].sort());
    expect(matches).not.toContain(1);
  });

  it("serves Time with TimeStatus 9 and Basic PhysicalEnvironment 1 from the GPF endpoint", async () => {
    const time = await ask(ihd, hub.endpoints.gpf, 0x000a, frame("read", 0x000a, [0x0001]));
    expect(time.frame.payload).toEqual([{ attrId: 1, status: 0, dataType: Zcl.DataType.BITMAP8, attrData: 9 }]);
    const basic = await ask(ihd, hub.endpoints.gpf, 0x0000, frame("read", 0x0000, [0x0011]));
    expect(basic.frame.payload).toEqual([{ attrId: 0x11, status: 0, dataType: Zcl.DataType.ENUM8, attrData: 1 }]);
  });

  it("serves 0x0708/0x0200 and GetChangeOfTenancy before (NOT_FOUND) and after a CoT (PublishChangeOfTenancy)", async () => {
    const before = await ask(ihd, hub.endpoints.gpf, 0x0708, frame("getChangeOfTenancy", 0x0708));
    expect(before.frame.command.name).toBe("defaultRsp");
    expect(before.frame.payload).toEqual({ cmdId: 0, statusCode: 0x8b });
    const readBefore = await ask(ihd, hub.endpoints.esme, 0x0708, frame("read", 0x0708, [0x0200]));
    const valueBefore = (readBefore.frame.payload as { attrData?: number }[])[0]?.attrData;

    const implementationTime = Math.floor(clock.now() / 1000) * 1000 + 3_600_000;
    for (const meter of ["gpf", "esme"] as const) {
      hub.recordCot({ meter, providerId: 7, issuerEventId: 1001, tariffType: 0, implementationTime, control: 0x600 });
    }

    const request = frame("getChangeOfTenancy", 0x0708);
    const after = await ask(ihd, hub.endpoints.esme, 0x0708, request);
    expect(after.bytes[1]).toBe(request[1]); // same TSN
    expect(after.frame.command.name).toBe("publishChangeOfTenancy");
    expect(after.frame.payload).toMatchObject({
      providerId: 7,
      issuerEventId: 1001,
      implementationDateTime: msToZclUtc(implementationTime),
      proposedTenancyChangeControl: 0x600,
    });
    const read = await ask(ihd, hub.endpoints.gpf, 0x0708, frame("read", 0x0708, [0x0200, 0x0201]));
    expect(read.frame.payload).toEqual([
      { attrId: 0x0200, status: 0, dataType: Zcl.DataType.UTC, attrData: msToZclUtc(implementationTime) },
      { attrId: 0x0201, status: 0, dataType: Zcl.DataType.BITMAP32, attrData: 0x600 },
    ]);
    expect(valueBefore).not.toBe(msToZclUtc(implementationTime));
  });

  it("answers Discover Attributes through the hub, UNSUP_COMMAND for an unknown command, UNSUPPORTED_CLUSTER for a cluster the GPF does not serve", async () => {
    tsn = (tsn + 1) & 0xff;
    const discover = Zcl.Frame.create(
      0,
      0,
      false,
      undefined,
      tsn,
      "discover",
      0x0708,
      { startAttrId: 0, maxAttrIds: 32 },
      {},
    );
    const rsp = await ask(ihd, hub.endpoints.gpf, 0x0708, discover.toBuffer());
    expect(rsp.frame.command.name).toBe("discoverRsp");
    const ids = (rsp.frame.payload as { attrInfos: { attrId: number }[] }).attrInfos.map((a) => a.attrId);
    expect(ids).toEqual(expect.arrayContaining([0x0200, 0x0201]));
    tsn = (tsn + 1) & 0xff;
    const unknown = await ask(ihd, hub.endpoints.gpf, 0x0708, Buffer.from([0x01, tsn, 0x7f])); // no such command
    expect(unknown.frame.payload).toEqual({ cmdId: 0x7f, statusCode: 0x81 });
    const onOff = await ask(ihd, hub.endpoints.gpf, 0x0006, frame("read", 0x0006, [0]));
    expect(onOff.frame.command.name).toBe("defaultRsp");
    expect(onOff.frame.payload).toEqual({ cmdId: 0, statusCode: 0xc3 });
  });

  it("never answers the refused device", async () => {
    const out = () => evidence.events.filter((e) => e.kind === "zcl" && e.dir === "out" && e.device === stranger.ieee);
    await expect(ask(stranger, hub.endpoints.gpf, 0x000a, frame("read", 0x000a, [0]))).rejects.toThrow();
    expect(out()).toHaveLength(0);
  });

  it("answers GetTopUpLog with the top-up records, byte for byte what the hub model encodes", async () => {
    const request = encodeZcl(0x0705, {
      frameType: "specific",
      direction: "clientToServer",
      disableDefaultResponse: false,
      tsn: 0x5a,
      command: "getTopUpLog",
      payload: { latestEndTime: msToZclUtc(clock.now()), numberOfRecords: 5 },
    });
    const rsp = await ihd.zclRequest({ nwk: 0, ep: hub.endpointNumbers.mirror }, 0x0705, request, {
      profileId: SE,
      timeoutMs: 5000,
    });
    const frame = decodeZcl(0x0705, rsp);
    expect(frame.command).toBe("publishTopUpLog");
    expect(frame.tsn).toBe(0x5a);
    const topUps = (frame.payload as { topUps: unknown[] }).topUps;
    expect(topUps.length).toBeGreaterThan(0);
    const ctx = {
      device: ihd.ieee,
      nwk: ihd.nwk!,
      deviceEp: 1,
      hubEp: hub.endpointNumbers.mirror,
      role: "gpf" as const,
    };
    expect(rsp.subarray(3).toString("hex")).toBe(hub.handleFrame(ctx, 0x0705, request)!.subarray(3).toString("hex"));
  });

  it("records the requests the device made", () => {
    const last = host.lastRequests(ihd.ieee);
    expect(last.some((r) => r.hubEp === hub.endpoints.esme && r.command === "getChangeOfTenancy")).toBe(true);
  });

  it("asks a device to leave when it is removed from the Device Log", async () => {
    const left = new Promise((resolve) => host.on("leave", resolve));
    await host.removeDevice(ihd.ieee);
    expect(hub.deviceLog.has(ihd.ieee)).toBe(false);
    expect(host.devices().map((d) => d.ieee)).not.toContain(ihd.ieee);
    await expect(
      Promise.race([left, new Promise((r) => setTimeout(() => r("no leave"), 5000))]),
    ).resolves.toMatchObject({
      kind: "leave",
      device: ihd.ieee,
    });
  });

  it("reports a lost coordinator connection", async () => {
    const lost = new Promise((resolve) => host.once("disconnected", () => resolve("disconnected")));
    await dongle.cut();
    await expect(Promise.race([lost, new Promise((r) => setTimeout(() => r("nothing"), 5000))])).resolves.toBe(
      "disconnected",
    );
    expect(evidence.events.at(-1)).toMatchObject({ kind: "error", source: "host.adapter" });
  });
});

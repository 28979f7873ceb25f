/**
 * The host against herdsman's real Controller with a fake adapter (herdsman.md §14.2): routing by the
 * addressed endpoint, replies with the request's TSN from the hub endpoint with the SE profile, no
 * automatic herdsman answers, joins gated by the Device Log, install codes, evidence, pushes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Zcl } from "zigbee-herdsman";
import { Endpoints } from "zigbee-herdsman/dist/adapter/z-stack/adapter/endpoints.js";
import { Device } from "zigbee-herdsman/dist/controller/model/device.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { Host } from "../../src/host/host.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { ZclEvent } from "../../src/evidence/events.js";
import { FakeAdapter, type SentFrame, useFakeAdapter } from "./fake-adapter.js";
import { FakeHub, TEST_CLUSTERS } from "./fake-hub.js";

const IHD = "0x00db1234567890a0";
const STRANGER = "0x00db1234567890ff";
const IHD_NWK = 0x4a11;
const CODE = "83FED3407A939723A5C639B26916D505C3B5"; // a 16-byte install code + CRC

const fake = new FakeAdapter();
const hub = new FakeHub();
const clock = new SteppedClock(Date.UTC(2026, 0, 15, 12));
let stateDir: string;
let evidencePath: string;
let evidence: EvidenceLog;
let host: Host;
let undo: () => void;

function read(clusterId: number, attrIds: number[], tsn: number): Buffer {
  const attrs = attrIds.map((attrId) => ({ attrId }));
  return Zcl.Frame.create(0, 0, false, undefined, tsn, "read", clusterId, attrs, {}).toBuffer();
}

function getCot(tsn: number): Buffer {
  return Zcl.Frame.create(1, 0, false, undefined, tsn, "getChangeOfTenancy", 0x0708, {}, TEST_CLUSTERS).toBuffer();
}

const tsnOf = (s: SentFrame) => s.frame.header.transactionSequenceNumber;

/** TSNs of the barrier reads, apart from those the tests use (0x00..0x7f). */
let barrierTsn = 0x80;

/**
 * A read of the IHD that the hub answers (Time, from the GPF endpoint), delivered after the frames of a test:
 * the host handles incoming frames in order, so once it is answered, every reply of the hub to a frame
 * before it has been sent. Resolves with the number of frames sent before that answer.
 */
async function barrier(): Promise<number> {
  const tsn = barrierTsn;
  barrierTsn = barrierTsn === 0xff ? 0x80 : barrierTsn + 1;
  const answered = fake.nextSent((s) => tsnOf(s) === tsn && s.srcEp === 0x23);
  fake.deliver({ nwk: IHD_NWK, srcEp: 1, clusterId: 0x000a, dstEp: 0x23, bytes: read(0x000a, [0x0001], tsn) });
  return fake.sent.indexOf(await answered);
}

/**
 * Delivers a frame and returns every frame sent in reply (with its TSN): the first reply is awaited, and a
 * barrier read shows nothing more was sent for it. `answered: false` for a frame that must get no reply.
 */
async function exchange(opts: {
  dstEp: number;
  clusterId: number;
  bytes: Buffer;
  nwk?: number;
  answered?: boolean;
}): Promise<SentFrame[]> {
  const tsn = opts.bytes[opts.bytes[0]! & 0x04 ? 3 : 1]!;
  const before = fake.sent.length;
  const first = opts.answered === false ? undefined : fake.nextSent((s) => tsnOf(s) === tsn);
  fake.deliver({ nwk: opts.nwk ?? IHD_NWK, srcEp: 1, clusterId: opts.clusterId, dstEp: opts.dstEp, bytes: opts.bytes });
  await first;
  const end = await barrier();
  return fake.sent.slice(before, end).filter((s) => tsnOf(s) === tsn);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "hanbench-host-"));
  evidencePath = join(stateDir, "evidence.jsonl");
  evidence = new EvidenceLog({ path: evidencePath, now: () => clock.now() });
  undo = useFakeAdapter(fake);
  hub.deviceLog.add({ eui64: IHD, installCode: CODE, deviceType: 5 });
  host = new Host({
    port: "tcp://127.0.0.1:1",
    adapter: "zstack",
    stateDir,
    hub,
    clusters: TEST_CLUSTERS,
    evidence,
    clock,
    channel: 15,
  });
  await host.start();
  const interviewed = new Promise<void>((resolve) => host.on("interview", (e) => e.status !== "started" && resolve()));
  fake.join({
    ieee: IHD,
    nwk: IHD_NWK,
    endpoints: [{ id: 1, profileId: 0x0109, deviceId: 0x0507, in: [], out: [0x0708, 0x0702, 0x000a] }],
  });
  await interviewed;
});

afterAll(async () => {
  await host.stop();
  undo();
  evidence.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("host on herdsman with a fake adapter", () => {
  it("registers the GPF and ESME endpoints (not 1) with the SE profile and the hub's server clusters", () => {
    const gpf = Endpoints.find((e) => e.endpoint === 0x23);
    const esme = Endpoints.find((e) => e.endpoint === 0x24);
    expect(gpf).toMatchObject({ appprofid: 0x0109, appinclusterlist: [0x0000, 0x000a, 0x0702, 0x0708] });
    expect(esme?.appprofid).toBe(0x0109);
    expect(Endpoints.filter((e) => e.appprofid === 0x0109).map((e) => e.endpoint)).toEqual([0x23, 0x24]);
  });

  it("keeps the network parameters in a 0600 file and never writes the key into the evidence", () => {
    const file = join(stateDir, "network.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700); // herdsman's backup in it holds the key too
    const params = JSON.parse(readFileSync(file, "utf8")) as { networkKey: string; extendedPanId: string };
    expect(params.networkKey).toMatch(/^[0-9a-f]{32}$/);
    expect(params.extendedPanId).toBe("0x00124b00cafe0001");
    expect(readFileSync(evidencePath, "utf8")).not.toContain(params.networkKey);
  });

  it("gives the coordinator the install code of a Device Log entry at start and when one is added", async () => {
    expect(fake.installCodes.map((c) => c.ieee)).toContain(IHD);
    const given = fake.installCodes.find((c) => c.ieee === IHD)!;
    expect(given.key.toString("hex").toUpperCase()).toBe(CODE);
    await host.addDevice({ eui64: "00DB1234567890B0", installCode: CODE, deviceType: 5 });
    expect(fake.installCodes.map((c) => c.ieee)).toContain("0x00db1234567890b0");
    expect(readFileSync(evidencePath, "utf8").toUpperCase()).not.toContain(CODE);
  });

  it("admits a Device Log device and records the join and its interview", () => {
    const kinds = evidence.events.filter((e) => e.kind === "join" || e.kind === "interview");
    expect(kinds[0]).toMatchObject({ kind: "join", device: IHD, nwk: IHD_NWK, accepted: true });
    expect(kinds.some((e) => e.kind === "interview" && e.status === "successful")).toBe(true);
    expect(host.devices().map((d) => d.ieee)).toEqual([IHD]);
  });

  it("answers a read from the server the device addressed, with the request's TSN, once, from that endpoint", async () => {
    const esme = await exchange({ dstEp: 0x24, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x42) });
    expect(esme).toHaveLength(1);
    // readRsp, TSN 0x42, attr 0x0000 SUCCESS UINT48 2222 (0x08ae)
    expect(esme[0]).toMatchObject({ srcEp: 0x24, profileId: 0x0109, ep: 1, hex: "18420100000025ae0800000000" });
    const gpf = await exchange({ dstEp: 0x23, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x43) });
    expect(gpf[0]).toMatchObject({ srcEp: 0x23, hex: "18430100000025570400000000" });
    expect(hub.reads.at(-1)?.ctx).toMatchObject({ device: IHD, nwk: IHD_NWK, deviceEp: 1, hubEp: 0x23, role: "gpf" });
  });

  it("serves Time with TimeStatus 9 and Basic with PhysicalEnvironment 1 instead of herdsman's defaults", async () => {
    const time = await exchange({ dstEp: 0x23, clusterId: 0x000a, bytes: read(0x000a, [0x0001], 0x50) });
    expect(time.map((s) => s.hex)).toEqual(["185001010000180" + "9"]);
    const basic = await exchange({ dstEp: 0x24, clusterId: 0x0000, bytes: read(0x0000, [0x0011], 0x51) });
    expect(basic.map((s) => s.hex)).toEqual(["18510111000030" + "01"]);
  });

  it("answers GetChangeOfTenancy with NOT_FOUND before a CoT and PublishChangeOfTenancy after, with the TSN", async () => {
    hub.cot = undefined;
    const before = await exchange({ dstEp: 0x23, clusterId: 0x0708, bytes: getCot(0x60) });
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ srcEp: 0x23, profileId: 0x0109, hex: "18600b008b" });
    hub.recordCot({ implementationDateTime: 533098016, control: 0x200 }, false);
    const after = await exchange({ dstEp: 0x24, clusterId: 0x0708, bytes: getCot(0x61) });
    expect(after).toHaveLength(1);
    // providerId 0, issuerEventId 473385600, tariffType 0, implementation 533098016, control 0x200 (GCS09)
    expect(after[0]).toMatchObject({ srcEp: 0x24, hex: "19610000000000804a371c00206ec61f00020000" });
  });

  it("leaves a read to a non-hub endpoint to herdsman, from that endpoint", async () => {
    const sent = await exchange({ dstEp: 1, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x70) });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.srcEp).toBe(1);
    expect(sent[0]?.hex).toBe("187001000086");
    expect(hub.reads.filter((r) => r.ctx.hubEp === 1)).toHaveLength(0);
  });

  it("keeps a request the hub answers from herdsman's controller, which still sees its sender", async () => {
    const device = Device.byIeeeAddr(IHD)!;
    const messages: { endpoint: { ID: number }; cluster: string | number }[] = [];
    const onMessage = (m: { endpoint: { ID: number }; cluster: string | number }) => messages.push(m);
    device.on("message", onMessage);
    try {
      expect(device.getEndpoint(7)).toBeUndefined();
      const before = Date.now();
      const answered = fake.nextSent((s) => tsnOf(s) === 0x4a);
      // from an endpoint herdsman does not know yet, with a link quality no frame had so far
      fake.deliver({
        nwk: IHD_NWK,
        srcEp: 7,
        dstEp: 0x24,
        clusterId: 0x0702,
        bytes: read(0x0702, [0x0000], 0x4a),
        linkquality: 37,
      });
      expect(await answered).toMatchObject({ srcEp: 0x24, ep: 7, hex: "184a0100000025ae0800000000" });
      // herdsman's bookkeeping of the sender, as its controller keeps it for every frame
      expect(device.linkquality).toBe(37);
      expect(device.lastSeen).toBeGreaterThanOrEqual(before);
      expect(device.getEndpoint(7)).toBeDefined();
      // a read to a non-hub endpoint still goes to the controller (herdsman answers it), the hub's did not
      await exchange({ dstEp: 1, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x4b) });
      expect(messages.map((m) => [m.endpoint.ID, m.cluster])).toEqual([[1, "seMetering"]]);
    } finally {
      device.off("message", onMessage);
    }
  });

  it("checks a device in implicitly, as herdsman's controller does, when a request the hub answers finds requests held for it", async () => {
    const device = Device.byIeeeAddr(IHD)!;
    const checkin = vi.spyOn(device, "implicitCheckin").mockImplementation(() => {});
    const held = device.endpoints.map((e) => vi.spyOn(e, "hasPendingRequests").mockReturnValue(false));
    try {
      await exchange({ dstEp: 0x24, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x4c) });
      expect(checkin).not.toHaveBeenCalled();
      held[0]?.mockReturnValue(true);
      await exchange({ dstEp: 0x24, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x4d) });
      expect(checkin).toHaveBeenCalled();
    } finally {
      checkin.mockRestore();
      for (const h of held) h.mockRestore();
    }
  });

  it("appends every frame in and out as a ZclEvent with the hub endpoint and role", async () => {
    hub.recordCot({ implementationDateTime: 533098016, control: 0x200 }, false);
    const from = evidence.events.length;
    await exchange({ dstEp: 0x24, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x44) });
    await exchange({ dstEp: 0x24, clusterId: 0x0708, bytes: getCot(0x45) });
    const zcl = evidence.events
      .slice(from)
      .filter((e): e is ZclEvent & { seq: number; t: string; wall: string } => e.kind === "zcl");
    const inRead = zcl.find((e) => e.dir === "in" && e.tsn === 0x44);
    expect(inRead).toMatchObject({
      device: IHD,
      hubEp: 0x24,
      role: "esme",
      clusterId: 0x0702,
      command: "read",
      payload: [0],
    });
    const outRsp = zcl.find((e) => e.dir === "out" && e.tsn === 0x45);
    expect(outRsp).toMatchObject({ hubEp: 0x24, role: "esme", profileId: 0x0109, command: "publishChangeOfTenancy" });
    expect(outRsp?.payload).toMatchObject({ implementationDateTime: 533098016, proposedTenancyChangeControl: 0x200 });
  });

  it("encodes each frame it sends once: the adapter sends the bytes the evidence records", async () => {
    const bytes = read(0x0708, [0x0200, 0x0201], 0x47);
    const fromEvent = evidence.events.length;
    const fromSent = fake.sent.length;
    const encode = vi.spyOn(Zcl.Frame.prototype, "toBuffer");
    try {
      await exchange({ dstEp: 0x23, clusterId: 0x0708, bytes });
      // the reply and the barrier's: each encoded by the host's tap, the adapter given those bytes
      const sent = fake.sent.slice(fromSent);
      expect(sent.length).toBeGreaterThanOrEqual(2);
      for (const s of sent) expect(encode.mock.contexts.filter((f) => f === s.frame)).toHaveLength(1);
    } finally {
      encode.mockRestore();
    }
    const out = evidence.events
      .slice(fromEvent)
      .filter((e): e is ZclEvent & { seq: number; t: string; wall: string } => e.kind === "zcl" && e.dir === "out");
    expect(out.map((e) => e.raw)).toEqual(fake.sent.slice(fromSent).map((s) => s.hex));
  });

  it("keeps the last requests of each device", async () => {
    await exchange({ dstEp: 0x23, clusterId: 0x0708, bytes: getCot(0x46) });
    await exchange({ dstEp: 0x24, clusterId: 0x0708, bytes: getCot(0x47) });
    await exchange({ dstEp: 1, clusterId: 0x0702, bytes: read(0x0702, [0x0000], 0x48) });
    // the last three: the barrier reads of Time that followed each exchange are requests too
    const last = host.lastRequests(IHD, 6);
    expect(last.map((r) => [r.hubEp, r.command, r.clusterId])).toEqual([
      [0x23, "getChangeOfTenancy", 0x0708],
      [0x23, "read", 0x000a],
      [0x24, "getChangeOfTenancy", 0x0708],
      [0x23, "read", 0x000a],
      [1, "read", 0x0702],
      [0x23, "read", 0x000a],
    ]);
  });

  it("pushes PublishChangeOfTenancy from the GPF endpoint when the hub asks", async () => {
    const next = fake.nextSent();
    hub.recordCot({ implementationDateTime: 533098016, control: 0x600 }, true);
    const sent = await next;
    expect(sent).toMatchObject({ ieee: IHD, srcEp: 0x23, profileId: 0x0109, ep: 1 });
    expect(sent.hex.slice(0, 2)).toBe("09"); // specific, server → client, Default Response enabled
    expect(sent.hex.slice(4, 6)).toBe("00");
  });

  it("refuses a device that is not in the Device Log: JoinEvent accepted false, made to leave, never answered", async () => {
    const leavesBefore = fake.zdo.filter((z) => z.clusterId === 0x0034).length;
    const refused = new Promise((resolve) => host.on("join", (e) => !e.accepted && resolve(e)));
    const leave = fake.nextZdo(0x0034);
    fake.join({ ieee: STRANGER, nwk: 0x5b22, endpoints: [] });
    expect(await refused).toMatchObject({ kind: "join", device: STRANGER, nwk: 0x5b22, accepted: false });
    await leave;
    expect(fake.zdo.filter((z) => z.clusterId === 0x0034).length).toBe(leavesBefore + 1);
    const sent = await exchange({
      nwk: 0x5b22,
      dstEp: 0x23,
      clusterId: 0x0702,
      bytes: read(0x0702, [0], 0x11),
      answered: false,
    });
    expect(sent).toHaveLength(0);
    expect(host.devices().map((d) => d.ieee)).not.toContain(STRANGER);
  });
});

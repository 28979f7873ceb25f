/** The simulated HAN without the herdsman controller: joins, device-to-device traffic, the tap, latency, loss, power, leave. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { linkKeyFromInstallCode } from "../../../src/hub/install-code.js";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import type { ApsFrame, TapRecord } from "../../../src/virtual/han/types.js";
import { ZdoCluster } from "../../../src/virtual/han/zdo.js";
import { MtType, Subsystem } from "../../../src/virtual/znp/frame.js";
import { formNetwork } from "../../../src/virtual/znp/commissioning.js";
import { RawClient } from "../raw-client.js";

let dongle: VirtualDongle | undefined;
let client: RawClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await dongle?.stop();
  dongle = undefined;
});

async function formed(opts: Parameters<typeof VirtualDongle.start>[0] = {}): Promise<VirtualDongle> {
  dongle = await VirtualDongle.start(opts);
  formNetwork(dongle.znp);
  client = await RawClient.connect(dongle.url);
  await client.sreq(Subsystem.SYS, 0x01); // the host link is up
  return dongle;
}

/** Read Attributes of genBasic, built by herdsman. */
const readBasic = (tsn: number, ...ids: number[]) =>
  Zcl.Frame.create(
    Zcl.FrameType.GLOBAL,
    Zcl.Direction.CLIENT_TO_SERVER,
    false,
    undefined,
    tsn,
    "read",
    0x0000,
    ids.map((attrId) => ({ attrId })),
    {},
  ).toBuffer();
/** A response as herdsman reads it. */
const herdsmanFrame = (clusterId: number, bytes: Buffer) =>
  Zcl.Frame.fromBuffer(clusterId, Zcl.Header.fromBuffer(bytes), bytes, {});

const areq = (cmd: number) => (f: { type: number; subsystem: number; command: number }) =>
  f.type === MtType.AREQ && f.subsystem === Subsystem.ZDO && f.command === cmd;

describe("simulated HAN", () => {
  it("tells the host of a join (TC device indication, then announce)", async () => {
    const d = await formed();
    const node = d.addDevice("node", { autoJoin: false });
    d.medium.permitJoin(60);
    await node.join();
    const tc = await client!.next(areq(0xca));
    expect(tc.data.readUInt16LE(0)).toBe(node.nwk);
    expect(`0x${Buffer.from(tc.data.subarray(2, 10)).reverse().toString("hex")}`).toBe(node.ieee);
    const annce = await client!.next(areq(0xc1));
    expect(annce.data.readUInt16LE(0)).toBe(node.nwk);
    expect(annce.data.readUInt16LE(2)).toBe(node.nwk);
    expect(annce.data[12]).toBe(0x8e);
  });

  it("refuses joins outside a permit-join window, and closes the window when it expires", async () => {
    const d = await formed();
    const node = d.addDevice("node", { autoJoin: false });
    await expect(node.join()).rejects.toThrow(/not permitting joins/);
    const closed = new Promise<void>((resolve) => d.medium.onPermitJoin((open) => !open && resolve()));
    d.medium.permitJoin(1);
    expect(d.medium.joinPermitted).toBe(true);
    await closed; // the window's own timer closes it
    expect(d.medium.joinPermitted).toBe(false);
    await expect(node.join()).rejects.toThrow(/not permitting joins/);
  });

  it("auto-joining devices join when a window opens", async () => {
    const d = await formed();
    const node = d.addDevice("node");
    expect(node.online).toBe(false);
    d.medium.permitJoin(60);
    await client!.next(areq(0xca));
    expect(node.online).toBe(true);
  });

  it("carries device-to-device ZCL and ZDO, and the tap sees both directions", async () => {
    const d = await formed();
    const a = d.addDevice("node", { autoJoin: false });
    const b = d.addDevice("node", { autoJoin: false });
    b.setAttribute(1, 0x0000, 0x0005, Zcl.DataType.CHAR_STR, "meter-like");
    d.medium.permitJoin(60);
    await a.join();
    await b.join();
    const seen: TapRecord[] = [];
    d.medium.onFrame((r) => {
      if (r.frame.dstEp !== 0) seen.push(r); // leave out the announces still in flight
    });
    const rsp = await a.zclRequest({ nwk: b.nwk!, ep: 1 }, 0x0000, readBasic(a.nextTsn(), 0x0005, 0x0004, 0x7777));
    const f = herdsmanFrame(0x0000, rsp);
    expect(f.command.name).toBe("readRsp");
    expect(f.payload).toEqual([
      { attrId: 0x0005, status: 0, dataType: Zcl.DataType.CHAR_STR, attrData: "meter-like" },
      { attrId: 0x0004, status: 0, dataType: Zcl.DataType.CHAR_STR, attrData: "hanbench" },
      { attrId: 0x7777, status: 0x86 },
    ]);
    expect(seen.map((r) => [r.frame.srcNwk, r.frame.dstNwk, r.frame.clusterId, r.delivered])).toEqual([
      [a.nwk, b.nwk, 0x0000, true],
      [b.nwk, a.nwk, 0x0000, true],
    ]);
    expect(seen[0]!.frame.profileId).toBe(0x0104);
    const ep = await a.zdoRequest(b.nwk!, ZdoCluster.ACTIVE_EP_REQ, Buffer.from([b.nwk! & 0xff, b.nwk! >> 8]));
    expect([...ep]).toEqual([0, b.nwk! & 0xff, b.nwk! >> 8, 1, 1]);
  });

  it("answers a device's Match_Desc from the coordinator's AF registrations", async () => {
    const d = await formed();
    // AF register endpoint 6, SE profile, in clusters 0x0702 and 0x0708 (as a host patching herdsman's table would)
    await client!.sreq(Subsystem.AF, 0x00, Buffer.from("0609010500000002020708070000".slice(0, 26), "hex"));
    await client!.sreq(Subsystem.AF, 0x00, Buffer.from("010401050000000000", "hex"));
    const ihd = d.addDevice("node", { autoJoin: false });
    d.medium.permitJoin(60);
    await ihd.join();
    // Match_Desc: nwk of interest 0x0000, profile 0x0109, in [0x0708], out []
    const body = Buffer.from("0000 0901 01 0807 00".replace(/ /g, ""), "hex");
    const rsp = await ihd.zdoRequest(0x0000, ZdoCluster.MATCH_DESC_REQ, body);
    expect([...rsp]).toEqual([0, 0, 0, 1, 6]);
    const none = await ihd.zdoRequest(0x0000, ZdoCluster.MATCH_DESC_REQ, Buffer.from("0000090101110100", "hex"));
    expect([...none]).toEqual([0, 0, 0, 0]);
    // Node_Desc and Simple_Desc of the coordinator, as a device discovering it would ask
    const nd = await ihd.zdoRequest(0x0000, ZdoCluster.NODE_DESC_REQ, Buffer.from([0, 0]));
    expect(nd[0]).toBe(0);
    expect(nd[3]! & 0x07).toBe(0); // logical type: coordinator
    const sd = await ihd.zdoRequest(0x0000, ZdoCluster.SIMPLE_DESC_REQ, Buffer.from([0, 0, 6]));
    expect([...sd]).toEqual([0, 0, 0, 12, 6, 0x09, 0x01, 0x05, 0x00, 0, 2, 0x02, 0x07, 0x08, 0x07, 0]);
  });

  it("delays each frame by the configured latency, on the timers it runs on", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    try {
      const m = new HanMedium({ latencyMs: 25 });
      const got: number[] = [];
      // b answers every frame it receives: the answer takes the latency too
      const a = { ieee: "0x1", nwk: 0x0001, online: true, receive: () => got.push(Date.now()) };
      const b = {
        ieee: "0x2",
        nwk: 0x0002,
        online: true,
        receive: (f: ApsFrame) => m.send({ ...f, srcNwk: 0x0002, dstNwk: 0x0001, payload: Buffer.from([1]) }),
      };
      m.attach(a);
      m.attach(b);
      const t0 = Date.now();
      m.send({ srcNwk: 1, srcEp: 1, dstNwk: 2, dstEp: 1, profileId: 0x0104, clusterId: 6, payload: Buffer.alloc(1) });
      await vi.advanceTimersByTimeAsync(49);
      expect(got).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(got).toEqual([t0 + 50]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("loses frames at the configured rate, the same ones for the same seed", () => {
    const run = (seed: number) => {
      const m = new HanMedium({ lossRate: 0.3, seed });
      const got: boolean[] = [];
      const sink = { ieee: "0x1", nwk: 0x1234, online: true, receive: () => {} };
      m.attach(sink);
      let done: (v: boolean[]) => void = () => {};
      const all = new Promise<boolean[]>((resolve) => {
        done = resolve;
      });
      m.onFrame((r) => {
        got.push(r.delivered);
        if (got.length === 400) done(got);
      });
      for (let i = 0; i < 400; i++) {
        m.send({
          srcNwk: 1,
          srcEp: 1,
          dstNwk: 0x1234,
          dstEp: 1,
          profileId: 0x0104,
          clusterId: 6,
          payload: Buffer.alloc(3),
        });
      }
      return all; // every frame is tapped, delivered or lost
    };
    return Promise.all([run(5), run(5), run(6)]).then(([x, y, z]) => {
      expect(x).toHaveLength(400);
      const lost = x.filter((v) => !v).length;
      expect(lost).toBeGreaterThan(80);
      expect(lost).toBeLessThan(160);
      expect(y).toEqual(x);
      expect(z).not.toEqual(x);
    });
  });

  it("a powered-off node misses frames; powered on it rejoins at its address and announces", async () => {
    const d = await formed();
    const a = d.addDevice("node", { autoJoin: false });
    const b = d.addDevice("node", { autoJoin: false });
    d.medium.permitJoin(60);
    await a.join();
    await b.join();
    const nwk = b.nwk;
    await client!.next(areq(0xc1));
    await client!.next(areq(0xc1));
    const seen: TapRecord[] = [];
    d.medium.onFrame((r) => seen.push(r));
    b.powerOff();
    await expect(
      a.zclRequest({ nwk: nwk!, ep: 1 }, 0x0000, readBasic(a.nextTsn(), 0), { timeoutMs: 150 }),
    ).rejects.toThrow(/no response/);
    expect(seen[0]).toMatchObject({ delivered: false, reason: "offline" });
    d.medium.permitJoin(0);
    await b.powerOn();
    expect(b.nwk).toBe(nwk);
    const annce = await client!.next(areq(0xc1));
    expect(annce.data.readUInt16LE(2)).toBe(nwk);
    await a.zclRequest({ nwk: nwk!, ep: 1 }, 0x0000, readBasic(a.nextTsn(), 0));
  });

  it("a leave is indicated to the host and the node is gone until it joins again", async () => {
    const d = await formed();
    const node = d.addDevice("node", { autoJoin: false });
    d.medium.permitJoin(60);
    await node.join();
    const nwk = node.nwk!;
    await node.leave();
    const leave = await client!.next(areq(0xc9));
    expect(leave.data.readUInt16LE(0)).toBe(nwk);
    expect(`0x${Buffer.from(leave.data.subarray(2, 10)).reverse().toString("hex")}`).toBe(node.ieee);
    expect(leave.data[12]).toBe(0); // no rejoin
    expect(node.online).toBe(false);
    await node.join();
    expect(node.nwk).toBe(nwk); // the trust centre remembers the address
  });

  it("answers the host's NWK_addr_req (broadcast on the HAN) in Z-Stack's nwkAddrRsp layout", async () => {
    const d = await formed();
    const node = d.addDevice("node", { autoJoin: false });
    d.medium.permitJoin(60);
    await node.join();
    const ieeeLe = Buffer.from(node.ieee.slice(2), "hex").reverse();
    const rsp = client!.next(areq(0x80));
    const srsp = await client!.sreq(Subsystem.ZDO, 0x00, Buffer.concat([ieeeLe, Buffer.from([0, 0])]));
    expect([...srsp.data]).toEqual([0]);
    const f = await rsp;
    // status, IEEE, nwk, startIndex, numAssocDev (no source-address prefix)
    expect(f.data).toHaveLength(13);
    expect(f.data[0]).toBe(0);
    expect(f.data.subarray(1, 9)).toEqual(ieeeLe);
    expect(f.data.readUInt16LE(9)).toBe(node.nwk);
  });

  it("gates joins on install-code keys given as a code with CRC (format 1) or a hashed key (format 2)", async () => {
    const d = await formed({ requireInstallCodes: true });
    const a = d.addDevice("node", { autoJoin: false });
    const b = d.addDevice("node", { autoJoin: false });
    const add = (format: number, ieee: string, code: Buffer) =>
      client!.sreq(
        Subsystem.APP_CNF,
        0x04,
        Buffer.concat([Buffer.from([format]), Buffer.from(ieee.slice(2), "hex").reverse(), code]),
      );
    const badCrc = Buffer.from(a.installCode!);
    badCrc[badCrc.length - 1]! ^= 0x01;
    expect([...(await add(1, a.ieee, badCrc)).data]).toEqual([0x02]);
    expect([...(await add(1, a.ieee, a.installCode!)).data]).toEqual([0]);
    expect([...(await add(2, b.ieee, linkKeyFromInstallCode(b.installCode!))).data]).toEqual([0]);
    d.medium.permitJoin(60);
    await a.join();
    await b.join();
    expect(a.online && b.online).toBe(true);
    expect(d.znp.state.linkKeys.get(a.ieee)).toEqual(linkKeyFromInstallCode(a.installCode!));
  });
});

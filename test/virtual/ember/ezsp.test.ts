/**
 * The virtual NCP's EZSP layer through a minimal host (ncp-host.ts): version negotiation, the firmware's
 * answers to frames it cannot run, configuration, forming a network, keys, sends and callbacks. Responses
 * are read with zigbee-herdsman's own EZSP reader (EzspBuffalo) where a structure is involved, so the
 * layouts are judged by an implementation we did not write. Frame ids and values are the EZSP reference's,
 * written out.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EzspBuffalo } from "zigbee-herdsman/dist/adapter/ember/ezsp/buffalo.js";
import { aes128MmoHash } from "zigbee-herdsman/dist/zspec/utils.js";
import { withCrc } from "../../../src/hub/install-code.js";
import { EmulatedNode } from "../../../src/virtual/han/node.js";
import { RealClock } from "../../../src/hub/clock.js";
import { NcpTestHost, eui, u16, u32, u8 } from "./ncp-host.js";

const hosts: NcpTestHost[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function host(opts: ConstructorParameters<typeof NcpTestHost>[0] = {}): NcpTestHost {
  const h = new NcpTestHost(opts);
  hosts.push(h);
  h.reset();
  return h;
}

/** A host past VERSION, speaking EZSP 18. */
function ready(opts: ConstructorParameters<typeof NcpTestHost>[0] = {}): NcpTestHost {
  const h = host(opts);
  h.legacyVersion(0x13);
  h.command(0x0000, u8(0x12));
  return h;
}

/** herdsman's reader positioned on the parameters of a response. */
const judge = (raw: Buffer) => new EzspBuffalo(raw, raw[2] === 0x01 ? 5 : 3);

const NETWORK_KEY = Buffer.from("00112233445566778899aabbccddeeff", "hex");
const TC_KEY = Buffer.from("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", "hex");
const EPID = Buffer.from([0x00, 0x12, 0x4b, 0x00, 0x01, 0x02, 0x03, 0x04]);

/** setInitialSecurityState + formNetwork on channel 15, PAN 0x1A62; resolves on NETWORK_UP. */
async function form(h: NcpTestHost): Promise<void> {
  const state = Buffer.concat([u16(0x0b84 | 0x0100 | 0x0200), TC_KEY, NETWORK_KEY, u8(0), Buffer.alloc(8)]);
  expect(h.command(0x0068, state).params).toEqual(u32(0));
  const params = Buffer.concat([EPID, u16(0x1a62), u8(5), u8(15), u8(0), u16(0), u8(0), u32(0x07fff800)]);
  expect(h.command(0x001e, params).params).toEqual(u32(0));
  const up = await h.nextCallback(0x0019);
  expect(up.params).toEqual(u32(0x15)); // SL_STATUS_NETWORK_UP
}

describe("EZSP version negotiation", () => {
  it("answers a legacy VERSION in the legacy format with its own protocol version, stack type and stack version", () => {
    const h = host();
    const rsp = h.legacyVersion(0x13);
    expect(rsp.legacy).toBe(true);
    expect(rsp.raw).toEqual(Buffer.from([0x00, 0x80, 0x00, 0x12, 0x02, 0x20, 0x82]));
  });

  it("refuses other commands with ERROR_VERSION_NOT_SET until VERSION names its version, then answers them", () => {
    const h = host();
    h.legacyVersion(0x13);
    const refused = h.command(0x0026); // getEui64
    expect(refused.frameId).toBe(0x0058); // invalidCommand
    expect(refused.params).toEqual(u8(0x30));
    const v = h.command(0x0000, u8(0x12));
    expect(v.legacy).toBe(false);
    expect(v.params).toEqual(Buffer.from([0x12, 0x02, 0x20, 0x82]));
    const e = h.command(0x0026);
    expect(e.frameId).toBe(0x0026);
    expect(judge(e.raw).readIeeeAddr()).toBe("0x000b57fffe123456");
  });

  it("reports EmberZNet 8.2.2 GA in VERSION_INFO", () => {
    const b = judge(ready().command(0x00aa, u8(0x11)).raw);
    expect(b.readUInt32()).toBe(0);
    expect(b.readUInt8()).toBe(7);
    expect([...b.readListUInt8(7)]).toEqual([0, 0, 8, 2, 2, 0, 0xaa]);
  });
});

describe("frames the NCP cannot run", () => {
  it("answers an unknown frame id with invalidCommand(ERROR_INVALID_FRAME_ID) and carries on", () => {
    const h = ready();
    const rsp = h.command(0x0999);
    expect([rsp.frameId, rsp.params[0]]).toEqual([0x0058, 0x31]);
    expect(rsp.sequence).toBe(2);
    expect(h.command(0x0005).frameId).toBe(0x0005); // nop still answered
  });

  it("answers parameters cut short with invalidCommand(ERROR_INVALID_VALUE)", () => {
    const h = ready();
    const rsp = h.command(0x0053, u8(0x1e)); // setConfigurationValue without its value
    expect([rsp.frameId, rsp.params[0]]).toEqual([0x0058, 0x36]);
  });

  it("answers a frame in the response direction with ERROR_WRONG_DIRECTION and reserved frame-control bits with ERROR_UNSUPPORTED_CONTROL", () => {
    const h = ready();
    expect(h.command(0x0005, Buffer.alloc(0), 0x80).params).toEqual(u8(0x32));
    const reserved = h.sendRaw(Buffer.from([0x09, 0x00, 0x05, 0x05, 0x00])); // high byte 0x05: a reserved bit
    expect([reserved.frameId, reserved.params[0]]).toEqual([0x0058, 0x49]);
  });

  it("answers a legacy frame other than VERSION with ERROR_INVALID_FRAME_ID", () => {
    const h = ready();
    // (a legacy frame id whose two low bits are 01 would read as the extended format: 0x26 does not)
    expect(h.sendRaw(Buffer.from([0x07, 0x00, 0x26])).raw).toEqual(Buffer.from([0x07, 0x80, 0x58, 0x31]));
  });
});

describe("fuzzing", () => {
  it("answers every frame of random parameters for every command, and still works after", async () => {
    const h = ready();
    await form(h);
    const { COMMANDS } = await import("../../../src/virtual/ember/ezsp-commands.js");
    const ids = Object.values(COMMANDS).map((c) => c.id);
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 3000; i++) {
      const id = i % 5 === 0 ? rand() & 0xffff : ids[rand() % ids.length]!;
      if (id === 0x0000) continue; // VERSION with another number would unset the version (tested above)
      const params = Buffer.from(Array.from({ length: rand() % 40 }, () => rand() & 0xff));
      const rsp = h.command(id, params);
      expect([0x0058, id]).toContain(rsp.frameId);
    }
    expect(h.command(0x0005).frameId).toBe(0x0005);
  });
});

describe("configuration", () => {
  it("takes configuration values before the stack starts and refuses them after an endpoint is added", () => {
    const h = ready();
    expect(h.command(0x0053, Buffer.concat([u8(0x1e), u16(16)])).params).toEqual(u32(0));
    expect(h.command(0x0052, u8(0x1e)).params).toEqual(Buffer.concat([u32(0), u16(16)]));
    expect(h.command(0x0053, Buffer.concat([u8(0xee), u16(1)])).params).toEqual(u32(0x21)); // unknown id
    const ep = Buffer.concat([u8(1), u16(0x0104), u16(0x0005), u8(0), u8(1), u8(1), u16(0x0000), u16(0x0006)]);
    expect(h.command(0x0002, ep).params).toEqual(u32(0));
    expect(h.command(0x0002, ep).params).toEqual(u32(0x02)); // already there
    expect(h.command(0x0053, Buffer.concat([u8(0x1e), u16(8)])).params).toEqual(u32(0x02)); // INVALID_STATE
  });

  it("reports endpoint flags with two bytes whether or not the endpoint exists", () => {
    const h = ready();
    const missing = judge(h.command(0x0003, Buffer.concat([u8(0), u32(1)])).raw);
    expect(missing.readUInt32()).toBe(0x27);
    expect([...missing.readPayload()]).toEqual([0, 0]);
    h.command(0x0002, Buffer.concat([u8(1), u16(0x0104), u16(5), u8(0), u8(0), u8(0)]));
    const there = judge(h.command(0x0003, Buffer.concat([u8(0), u32(1)])).raw);
    expect(there.readUInt32()).toBe(0);
    expect([...there.readPayload()]).toEqual([1, 0]);
  });

  it("keeps policies, and refuses an unknown policy", () => {
    const h = ready();
    expect(h.command(0x0055, Buffer.from([0x00, 0x03])).params).toEqual(u32(0));
    expect(h.command(0x0056, u8(0x00)).params).toEqual(Buffer.concat([u32(0), u8(0x03)]));
    expect(h.command(0x0055, Buffer.from([0x42, 0x00])).params).toEqual(u32(0x21));
  });
});

describe("network", () => {
  it("refuses to form without an initial security state, forms with one, and reports the parameters", async () => {
    const h = ready();
    const params = Buffer.concat([EPID, u16(0x1a62), u8(5), u8(15), u8(0), u16(0), u8(0), u32(0x07fff800)]);
    expect(h.command(0x001e, params).params).toEqual(u32(0x0c0b)); // ZIGBEE_SECURITY_STATE_NOT_SET
    expect(h.command(0x0017, u16(0)).params).toEqual(u32(0x17)); // networkInit: NOT_JOINED
    await form(h);
    const b = judge(h.command(0x0028).raw);
    expect(b.readUInt32()).toBe(0);
    expect(b.readUInt8()).toBe(1); // coordinator
    expect(b.readEmberNetworkParameters()).toEqual({
      extendedPanId: [...EPID],
      panId: 0x1a62,
      radioTxPower: 5,
      radioChannel: 15,
      joinMethod: 0,
      nwkManagerId: 0,
      nwkUpdateId: 0,
      channels: 0x07fff800,
    });
    expect(h.command(0x0018).params).toEqual(u8(2)); // networkState: JOINED_NETWORK
    const key = judge(
      h.command(0x0114, Buffer.concat([u8(1), u8(0), u16(0), Buffer.alloc(8), u8(0), u8(0), u32(0)])).raw,
    );
    expect(key.readUInt32()).toBe(0);
    expect(key.readSecManKey().contents).toEqual(NETWORK_KEY);
    const info = judge(h.command(0x0116).raw);
    expect(info.readUInt32()).toBe(0);
    expect(info.readSecManNetworkKeyInfo()).toMatchObject({ networkKeySet: true, networkKeySequenceNumber: 0 });
  });

  it("keeps the network over RST in its tokens (networkInit brings it back) but not its endpoints or version", async () => {
    const h = ready();
    await form(h);
    h.command(0x0002, Buffer.concat([u8(1), u16(0x0104), u16(5), u8(0), u8(0), u8(0)]));
    h.reset();
    expect(h.command(0x0005).params).toEqual(u8(0x30)); // version is unset again
    h.command(0x0000, u8(0x12));
    expect(judge(h.command(0x0003, Buffer.concat([u8(0), u32(1)])).raw).readUInt32()).toBe(0x27);
    expect(h.command(0x0028).params.readUInt32LE(0)).toBe(0x17); // down until networkInit
    expect(h.command(0x0017, u16(0)).params).toEqual(u32(0));
    expect((await h.nextCallback(0x0019)).params).toEqual(u32(0x15));
    expect(h.command(0x0028).params.readUInt32LE(0)).toBe(0);
  });

  it("leaves: NETWORK_DOWN, the tokens forget the network", async () => {
    const h = ready();
    await form(h);
    expect(h.command(0x0020, u8(0)).params).toEqual(u32(0));
    expect((await h.nextCallback(0x0019)).params).toEqual(u32(0x16));
    expect(h.ncp.formed).toBe(false);
    expect(h.command(0x0020, u8(0)).params).toEqual(u32(0x02));
  });

  it("persists the tokens in virtual-ncp.json (mode 0600) and a new NCP on the same directory resumes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hanbench-ncp-"));
    dirs.push(dir);
    const h = ready({ stateDir: dir });
    await form(h);
    expect(statSync(join(dir, "virtual-ncp.json")).mode & 0o777).toBe(0o600);
    h.close();
    const again = ready({ stateDir: dir });
    expect(again.command(0x0017, u16(0)).params).toEqual(u32(0));
    await again.nextCallback(0x0019);
    const b = judge(again.command(0x0028).raw);
    b.readUInt32();
    b.readUInt8();
    expect(b.readEmberNetworkParameters().panId).toBe(0x1a62);
  });
});

describe("keys", () => {
  it("imports, exports by EUI-64 and by index, and erases link keys; an index past the table is INVALID_INDEX", () => {
    const h = ready();
    const who = "0x0d6f000000000042";
    expect(h.command(0x010e, Buffer.concat([u8(3), eui(who), TC_KEY])).params).toEqual(u32(0));
    const byEui = judge(h.command(0x010d, eui(who)).raw);
    expect(byEui.readUInt32()).toBe(0);
    expect(byEui.readSecManContext()).toMatchObject({ coreKeyType: 4, keyIndex: 3, eui64: who });
    expect(byEui.readSecManKey().contents).toEqual(TC_KEY);
    const byIndex = judge(h.command(0x010f, u8(3)).raw);
    expect(byIndex.readUInt32()).toBe(0);
    expect(byIndex.readSecManContext().eui64).toBe(who);
    expect(h.command(0x0076, u8(3)).params).toEqual(u32(0));
    expect(judge(h.command(0x010d, eui(who)).raw).readUInt32()).toBe(0x2d); // NOT_FOUND
    expect(h.command(0x010e, Buffer.concat([u8(12), eui(who), TC_KEY])).params).toEqual(u32(0x27));
  });

  it("admits a device holding an install code only once its key is a transient key, and says so in trustCenterJoinHandler", async () => {
    const h = ready({ requireInstallCodes: true });
    h.command(0x0055, Buffer.from([0x00, 0x03])); // TC policy: allow joins
    await form(h);
    const code = withCrc(Buffer.from("83fed3407a939723a5c639b26916d505", "hex"));
    const node = new EmulatedNode({
      ieee: "0x0d6f0000000000aa",
      installCode: code,
      endpoints: [
        { endpoint: 1, profileId: 0x0104, deviceId: 0x0100, deviceVersion: 1, inClusters: [0], outClusters: [] },
      ],
      clock: new RealClock(),
      medium: h.medium,
      role: "endDevice",
    });
    expect(h.command(0x0022, u8(60)).params).toEqual(u32(0));
    expect((await h.nextCallback(0x0019)).params).toEqual(u32(0x0c18)); // ZIGBEE_NETWORK_OPENED
    await expect(node.join()).rejects.toThrow(/no link key for this device/);
    const other = aes128MmoHash(withCrc(Buffer.alloc(16, 0x42)));
    h.command(0x0111, Buffer.concat([eui(node.ieee), other]));
    await expect(node.join()).rejects.toThrow(/does not match/);
    const key = aes128MmoHash(code);
    expect(h.command(0x0111, Buffer.concat([eui(node.ieee), key])).params).toEqual(u32(0));
    await node.join();
    const tc = judge((await h.nextCallback(0x0024)).raw);
    expect(tc.readUInt16()).toBe(node.nwk);
    expect(tc.readIeeeAddr()).toBe(node.ieee);
    expect(tc.readUInt8()).toBe(1); // STANDARD_SECURITY_UNSECURED_JOIN
    expect(tc.readUInt8()).toBe(0); // USE_PRECONFIGURED_KEY
    expect(tc.readUInt16()).toBe(0x0000);
    const child = judge((await h.nextCallback(0x0023)).raw);
    expect([child.readUInt8(), child.readUInt8(), child.readUInt16(), child.readIeeeAddr()]).toEqual([
      0,
      1,
      node.nwk,
      node.ieee,
    ]);
    node.dispose();
  });
});

describe("messaging", () => {
  const aps = (profile: number, cluster: number, src: number, dst: number) =>
    Buffer.concat([u16(profile), u16(cluster), u8(src), u8(dst), u16(0x1140), u16(0), u8(0)]);

  it("refuses to send before the network is up and a payload over 82 bytes", async () => {
    const h = ready();
    const send = (len: number) =>
      h.command(0x0034, Buffer.concat([u8(0), u16(0x1234), aps(0x0104, 6, 1, 1), u16(1), u8(len), Buffer.alloc(len)]));
    expect(send(3).params).toEqual(Buffer.concat([u32(0x16), u8(0)])); // NETWORK_DOWN
    await form(h);
    expect(send(83).params).toEqual(Buffer.concat([u32(0x38), u8(0)])); // MESSAGE_TOO_LONG
    const ok = send(82);
    expect(ok.params.readUInt32LE(0)).toBe(0);
    const sent = judge((await h.nextCallback(0x003f)).raw);
    expect(sent.readUInt32()).toBe(0x0c02); // ZIGBEE_DELIVERY_FAILED: nobody at 0x1234
    expect(sent.readUInt8()).toBe(0);
    expect(sent.readUInt16()).toBe(0x1234);
    expect(sent.readEmberApsFrame()).toMatchObject({ profileId: 0x0104, clusterId: 6, sequence: ok.params[4] });
    expect(sent.readUInt16()).toBe(1);
  });

  it("broadcasts: on the HAN, messageSentHandler(BROADCAST), and back to the host as BROADCAST_LOOPBACK", async () => {
    const h = ready();
    h.command(0x0002, Buffer.concat([u8(1), u16(0x0104), u16(5), u8(0), u8(0), u8(0)]));
    await form(h);
    const seen: number[] = [];
    h.medium.onFrame((r) => seen.push(r.frame.dstNwk));
    const zcl = Buffer.from([0x10, 0x05, 0x00, 0x00, 0x00]);
    const msg = (dst: number) =>
      Buffer.concat([u16(0xfffe), u16(dst), u8(0), aps(0x0104, 0x0000, 1, 1), u8(30), u16(9), u8(zcl.length), zcl]);
    expect(h.command(0x0036, msg(0x1234)).params).toEqual(Buffer.concat([u32(0x21), u8(0)])); // not a broadcast address
    expect(h.command(0x0036, msg(0xfffc)).params.readUInt32LE(0)).toBe(0);
    const sent = judge((await h.nextCallback(0x003f)).raw);
    expect([sent.readUInt32(), sent.readUInt8(), sent.readUInt16()]).toEqual([0, 6, 0xfffc]);
    const loop = judge((await h.nextCallback(0x0045)).raw);
    expect(loop.readUInt8()).toBe(5); // BROADCAST_LOOPBACK
    expect(loop.readEmberApsFrame()).toMatchObject({ profileId: 0x0104, destinationEndpoint: 1 });
    loop.readEmberRxPacketInfo();
    expect(loop.readPayload()).toEqual(zcl);
    expect(seen).toEqual([0xfffc]);
  });

  it("multicasts to every node (no group tables on the HAN), reports MULTICAST with the group, loops back for its table", async () => {
    const h = ready();
    await form(h);
    expect(h.command(0x0064, Buffer.concat([u8(0), u16(0x1234), u8(1), u8(0)])).params).toEqual(u32(0));
    expect(h.command(0x0064, Buffer.concat([u8(16), u16(0x0001), u8(1), u8(0)])).params).toEqual(u32(0x27));
    const seen: { dst: number; ep: number }[] = [];
    h.medium.onFrame((r) => seen.push({ dst: r.frame.dstNwk, ep: r.frame.dstEp }));
    const zcl = Buffer.from([0x11, 0x06, 0x01]);
    const group = Buffer.concat([u16(0x0104), u16(0x0006), u8(1), u8(0xff), u16(0), u16(0x1234), u8(0)]);
    const msg = Buffer.concat([group, u8(7), u16(0xfffd), u16(0xfffe), u8(0), u16(3), u8(zcl.length), zcl]);
    expect(h.command(0x0038, msg).params.readUInt32LE(0)).toBe(0);
    const sent = judge((await h.nextCallback(0x003f)).raw);
    expect([sent.readUInt32(), sent.readUInt8(), sent.readUInt16()]).toEqual([0, 3, 0x1234]);
    const loop = judge((await h.nextCallback(0x0045)).raw);
    expect(loop.readUInt8()).toBe(3); // MULTICAST_LOOPBACK
    expect(loop.readEmberApsFrame()).toMatchObject({ clusterId: 0x0006, groupId: 0x1234 });
    expect(seen).toEqual([{ dst: 0xfffd, ep: 0xff }]);
  });

  it("answers a device's ZDO requests about the coordinator on its own, from its endpoints and manufacturer code, without the host", async () => {
    const h = ready();
    const ep = Buffer.concat([u8(1), u16(0x0104), u16(5), u8(0), u8(1), u8(0), u16(0x0006)]);
    h.command(0x0002, ep);
    h.command(0x0055, Buffer.from([0x00, 0x03]));
    h.command(0x0015, u16(0x1234)); // setManufacturerCode
    await form(h);
    const node = new EmulatedNode({
      ieee: "0x0d6f0000000000bb",
      endpoints: [
        { endpoint: 1, profileId: 0x0104, deviceId: 0x0100, deviceVersion: 1, inClusters: [], outClusters: [6] },
      ],
      clock: new RealClock(),
      medium: h.medium,
    });
    h.command(0x0022, u8(60));
    await node.join();
    h.callbacks.length = 0;
    const nodeDesc = await node.zdoRequest(0x0000, 0x0002, u16(0x0000));
    expect([nodeDesc[0], nodeDesc.readUInt16LE(1), nodeDesc[3]! & 0x07, nodeDesc.readUInt16LE(6)]).toEqual([
      0, 0x0000, 0, 0x1234,
    ]); // SUCCESS, about 0x0000, a coordinator, the manufacturer code the host set
    const match = await node.zdoRequest(0x0000, 0x0006, Buffer.concat([u16(0), u16(0x0104), u8(1), u16(6), u8(0)]));
    expect([...match]).toEqual([0, 0, 0, 1, 1]); // endpoint 1 serves On/Off
    expect(h.callbacks.filter((f) => f.frameId === 0x0045)).toEqual([]);
    node.dispose();
  });

  it("answers the host's ZDO request to the coordinator itself, as an incoming message from 0x0000", async () => {
    const h = ready();
    h.command(0x0002, Buffer.concat([u8(1), u16(0x0104), u16(5), u8(0), u8(0), u8(0)]));
    h.command(0x0002, Buffer.concat([u8(242), u16(0xa1e0), u16(0x61), u8(0), u8(0), u8(1), u16(0x0021)]));
    await form(h);
    // Active_EP_req about 0x0000, TSN 7
    h.command(0x0034, Buffer.concat([u8(0), u16(0), aps(0, 0x0005, 0, 0), u16(2), u8(3), Buffer.from([7, 0, 0])]));
    expect(judge((await h.nextCallback(0x003f)).raw).readUInt32()).toBe(0);
    const inc = judge((await h.nextCallback(0x0045)).raw);
    expect(inc.readUInt8()).toBe(0); // UNICAST
    expect(inc.readEmberApsFrame()).toMatchObject({ profileId: 0, clusterId: 0x8005 });
    expect(inc.readEmberRxPacketInfo().senderShortId).toBe(0);
    expect([...inc.readPayload()]).toEqual([7, 0, 0, 0, 2, 1, 242]);
  });
});

describe("APS security", () => {
  /** An SE endpoint 1 on the NCP, joins allowed, a network formed, and `n` devices joined. */
  async function han(n: number): Promise<{ h: NcpTestHost; nodes: EmulatedNode[] }> {
    const h = ready();
    h.command(0x0002, Buffer.concat([u8(1), u16(0x0109), u16(0x0500), u8(0), u8(0), u8(0)]));
    h.command(0x0055, Buffer.from([0x00, 0x03])); // TC policy: allow joins
    await form(h);
    h.command(0x0022, u8(60));
    const nodes: EmulatedNode[] = [];
    for (let i = 0; i < n; i++) {
      const node = new EmulatedNode({
        ieee: `0x0d6f00000000010${i}`,
        endpoints: [
          { endpoint: 1, profileId: 0x0109, deviceId: 0x0507, deviceVersion: 1, inClusters: [], outClusters: [0x0702] },
        ],
        clock: new RealClock(),
        medium: h.medium,
      });
      await node.join();
      nodes.push(node);
    }
    return { h, nodes };
  }
  const KEY = Buffer.from("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "hex");
  /** sendUnicast of a Read Attributes of Metering from endpoint 1 to the node, with these APS options. */
  const unicast = (h: NcpTestHost, nwk: number, options: number) =>
    h.command(
      0x0034,
      Buffer.concat([
        u8(0),
        u16(nwk),
        Buffer.concat([u16(0x0109), u16(0x0702), u8(1), u8(1), u16(options), u16(0), u8(0)]),
        u16(7),
        u8(5),
        Buffer.from([0x00, 0x01, 0x00, 0x00, 0x00]),
      ]),
    );

  it("sends with ENCRYPTION only with the destination's key from the key table, APS-secured on the HAN", async () => {
    const { h, nodes } = await han(1);
    const node = nodes[0]!;
    const onHan: boolean[] = [];
    h.medium.onFrame((r) => {
      if (r.frame.srcNwk === 0 && r.frame.clusterId === 0x0702) onHan.push(r.frame.security === true);
    });
    expect(unicast(h, node.nwk!, 0x0040 | 0x0020).params.readUInt32LE(0)).toBe(0);
    expect(judge((await h.nextCallback(0x003f)).raw).readUInt32()).toBe(0x0c02); // no key: nothing sent
    expect(onHan).toEqual([]);
    expect(h.command(0x010e, Buffer.concat([u8(0xff), eui(node.ieee), KEY])).params).toEqual(u32(0));
    node.setApsKey(h.ncp.ieee, KEY);
    unicast(h, node.nwk!, 0x0040 | 0x0020);
    expect(judge((await h.nextCallback(0x003f)).raw).readUInt32()).toBe(0);
    unicast(h, node.nwk!, 0x0040);
    expect(judge((await h.nextCallback(0x003f)).raw).readUInt32()).toBe(0);
    expect(onHan).toEqual([true, false]);
    node.dispose();
  });

  it("gives the host a frame that came APS-secured with ENCRYPTION in its APS options", async () => {
    const { h, nodes } = await han(1);
    const node = nodes[0]!;
    h.command(0x010e, Buffer.concat([u8(0xff), eui(node.ieee), KEY]));
    node.setApsKey(h.ncp.ieee, KEY);
    /** The APS options of the next incoming Metering frame. */
    const options = async () => {
      const isMetering = (f: { raw: Buffer }) => {
        const b = judge(f.raw);
        b.readUInt8();
        return b.readEmberApsFrame().clusterId === 0x0702;
      };
      const b = judge((await h.nextCallback(0x0045, isMetering)).raw);
      b.readUInt8();
      return b.readEmberApsFrame().options;
    };
    const read = Buffer.from([0x00, 0x02, 0x00, 0x00, 0x00]);
    node.sendZcl({ nwk: 0, ep: 1 }, 0x0702, read, { srcEp: 1, profileId: 0x0109, apsSecurity: true });
    expect((await options()) & 0x0020).toBe(0x0020);
    node.sendZcl({ nwk: 0, ep: 1 }, 0x0702, read, { srcEp: 1, profileId: 0x0109 });
    expect((await options()) & 0x0020).toBe(0);
    node.dispose();
  });

  it("answers a Request Key for an application link key only under ALLOW_APP_KEY_REQUESTS, both devices keyed", async () => {
    const { h, nodes } = await han(2);
    const [a, b] = nodes as [EmulatedNode, EmulatedNode];
    const ask = async () => {
      const delivered = new Promise<void>((resolve) => {
        const stop = h.medium.onFrame((r) => {
          if (r.frame.apsCommand?.id !== "requestKey") return;
          stop();
          resolve();
        });
      });
      a.sendApsCommand(0x0000, { id: "requestKey", keyType: 0x02, partner: b.ieee });
      await delivered;
      // the trust centre answers as it receives the request: its Transport Keys are queued on the HAN by now
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    h.command(0x010e, Buffer.concat([u8(0xff), eui(a.ieee), KEY]));
    h.command(0x010e, Buffer.concat([u8(0xff), eui(b.ieee), Buffer.alloc(16, 0x5a)]));
    await ask(); // herdsman's setting, DENY_APP_KEY_REQUESTS (the NCP's default here too)
    expect([a.apsKey(b.ieee), b.apsKey(a.ieee)]).toEqual([undefined, undefined]);
    expect(h.command(0x0055, Buffer.from([0x06, 0x61])).params).toEqual(u32(0)); // ALLOW_APP_KEY_REQUESTS
    h.command(0x0076, u8(1)); // erase b's key-table entry: b has no key with the trust centre
    await ask();
    expect([a.apsKey(b.ieee), b.apsKey(a.ieee)]).toEqual([undefined, undefined]);
    h.command(0x010e, Buffer.concat([u8(0xff), eui(b.ieee), Buffer.alloc(16, 0x5a)]));
    await ask();
    expect(a.apsKey(b.ieee)).toBeDefined();
    expect(b.apsKey(a.ieee)).toEqual(a.apsKey(b.ieee));
    for (const n of nodes) n.dispose();
  });
});

/**
 * APS security on the virtual HAN with the virtual Z-Stack as trust centre: application link keys handed out
 * on a Request Key (to both devices, only when the coordinator holds a key established after the join with
 * both); a Type 1 device refusing an unsecured SE frame from a peer it holds a key for, while it still handles
 * that peer's secured frames, Basic unsecured, and a peer it has no key with; the emulated ESME answering a
 * keyed peer's unsecured request all the same, as the hub does (cot-suite.md, Security).
 */
import { afterEach, describe, expect, it } from "vitest";
import { makeTestCa } from "../../../src/crypto/pki.js";
import { RealClock } from "../../../src/hub/clock.js";
import type { KeCredentials } from "../../../src/crypto/pki.js";
import { EmulatedEsme } from "../../../src/virtual/devices/esme.js";
import { DeviceSecurity } from "../../../src/virtual/devices/security.js";
import { EmulatedNode } from "../../../src/virtual/han/node.js";
import type { ApsFrame } from "../../../src/virtual/han/types.js";
import { ClusterId, decodeZcl, encodeZcl, SE_PROFILE_ID } from "../../../src/zcl/index.js";
import { MtBench, le16 } from "../znp/mt-bench.js";

const benches: MtBench[] = [];
afterEach(() => {
  for (const b of benches.splice(0)) b.close();
});

const KEY_A = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
const KEY_B = "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
const le = (ieee: string) => Buffer.from(ieee.slice(2), "hex").reverse().toString("hex");

/** A node that records every frame it gets. */
class Recorder extends EmulatedNode {
  readonly got: ApsFrame[] = [];
  override receive(frame: ApsFrame): void {
    this.got.push(frame);
    super.receive(frame);
  }
}

async function joined(b: MtBench, ieee: string): Promise<Recorder> {
  const node = new Recorder({
    ieee,
    endpoints: [
      { endpoint: 1, profileId: SE_PROFILE_ID, deviceId: 0x0507, deviceVersion: 1, inClusters: [0], outClusters: [] },
    ],
    clock: new RealClock(),
    medium: b.medium,
  });
  b.nodes.push(node);
  b.medium.permitJoin(60);
  await node.join();
  b.medium.permitJoin(0);
  // the coordinator tells the host: ZDO_TC_DEV_IND, then the announce (ZDO_END_DEVICE_ANNCE_IND)
  for (let f = await b.next(); !f.startsWith("45 c1 "); f = await b.next());
  return node;
}

/** Installs a link key for `node` on the coordinator (ZDO_SET_LINK_KEY) and in the node. */
async function keyWithCoordinator(b: MtBench, node: EmulatedNode, key: string): Promise<void> {
  expect(await b.exchange(`25 23 ${le16(node.nwk!)} ${le(node.ieee)} ${key}`, 1)).toEqual(["65 23 00"]);
  node.setApsKey(b.emu.ieee, Buffer.from(key, "hex"));
}

/** Resolves once `predicate` holds, checking after each turn of the event loop (at most `turns`). */
async function until(predicate: () => boolean, turns = 200): Promise<boolean> {
  for (let i = 0; i < turns && !predicate(); i++) await new Promise((r) => setImmediate(r));
  return predicate();
}

describe("the trust centre's application link keys", () => {
  it("gives both devices the same fresh key when it holds a link key with each, with the partner named", async () => {
    const b = MtBench.formed();
    benches.push(b);
    const ppmid = await joined(b, "0x000d6f0000000a01");
    const esme = await joined(b, "0x000d6f0000000e01");
    await keyWithCoordinator(b, ppmid, KEY_A);
    await keyWithCoordinator(b, esme, KEY_B);
    ppmid.sendApsCommand(0x0000, { id: "requestKey", keyType: 0x02, partner: esme.ieee });
    expect(await until(() => ppmid.apsKey(esme.ieee) !== undefined && esme.apsKey(ppmid.ieee) !== undefined)).toBe(
      true,
    );
    const k = ppmid.apsKey(esme.ieee)!;
    expect(k.equals(esme.apsKey(ppmid.ieee)!)).toBe(true);
    expect([KEY_A, KEY_B]).not.toContain(k.toString("hex"));
    const transport = (n: Recorder) => n.got.find((f) => f.apsCommand?.id === "transportKey")!.apsCommand;
    expect(transport(ppmid)).toMatchObject({ keyType: 0x03, partner: esme.ieee, initiator: true });
    expect(transport(esme)).toMatchObject({ keyType: 0x03, partner: ppmid.ieee, initiator: false });
  });

  it("ends the emulated ESME's wait for a partner key with the Transport Key, not with the wait's real-time bound", async () => {
    // an ESME push to a keyed PPMID that never asked for a key with it (no-aps) waits for this request; had the key
    // not ended it, the push would go out a real second later, at whatever hub time a busy machine had reached
    const b = MtBench.formed();
    benches.push(b);
    const esmeIeee = "0x000d6f0000000e06";
    const hub = { handleFrame: () => undefined };
    const esme = new EmulatedEsme({
      ieee: esmeIeee,
      clock: new RealClock(),
      medium: b.medium,
      hub,
      credentials: makeTestCa().issue(Buffer.from(esmeIeee.slice(2), "hex")),
    });
    b.nodes.push(esme);
    b.medium.permitJoin(60);
    await esme.join();
    b.medium.permitJoin(0);
    for (let f = await b.next(); !f.startsWith("45 c1 "); f = await b.next());
    const ppmid = await joined(b, "0x000d6f0000000a06");
    await keyWithCoordinator(b, ppmid, KEY_A);
    await keyWithCoordinator(b, esme, KEY_B);
    let held: boolean | undefined;
    // a bound no test waits for: only the key can end this wait
    void esme.security!.requestPartnerKey(ppmid.nwk!, 3_600_000).then((ok) => {
      held = ok;
    });
    expect(await until(() => held !== undefined)).toBe(true);
    expect(held).toBe(true);
    expect(esme.apsKey(ppmid.ieee)!.equals(ppmid.apsKey(esmeIeee)!)).toBe(true);
  });

  it("refuses (sends nothing) when it holds no link key with the partner", async () => {
    const b = MtBench.formed();
    benches.push(b);
    const ppmid = await joined(b, "0x000d6f0000000a02");
    const esme = await joined(b, "0x000d6f0000000e02");
    await keyWithCoordinator(b, ppmid, KEY_A);
    ppmid.sendApsCommand(0x0000, { id: "requestKey", keyType: 0x02, partner: esme.ieee });
    await b.quiet();
    expect(ppmid.got.some((f) => f.apsCommand)).toBe(false);
    expect(esme.got.some((f) => f.apsCommand)).toBe(false);
  });
});

/** A Type 1 device's APS layer: src/virtual/devices/security.ts deciding what it refuses. */
class Type1 extends Recorder {
  readonly security: DeviceSecurity;
  constructor(opts: ConstructorParameters<typeof EmulatedNode>[0], credentials: KeCredentials) {
    super(opts);
    this.security = new DeviceSecurity({
      node: this,
      clock: opts.clock,
      credentials,
      apsSecurity: true,
      corruptConfirmMac: false,
    });
  }
  protected override refusesUnsecured(frame: ApsFrame): boolean {
    return this.security.refusesUnsecured(frame);
  }
}

describe("the trust centre and install-code keys", () => {
  it("refuses a device whose only key is the install-code key it joined with (no key establishment)", async () => {
    const b = MtBench.formed();
    benches.push(b);
    const ppmid = await joined(b, "0x000d6f0000000a05");
    // the host gives the coordinator the IHD's install-code key (format 2: the key itself) before it joins
    await b.exchange(`2f 04 02 ${le("0x000d6f0000000d05")} ${KEY_B}`, 1);
    const ihd = await joined(b, "0x000d6f0000000d05");
    await keyWithCoordinator(b, ppmid, KEY_A);
    expect(await b.exchange(`25 25 ${le(ihd.ieee)}`, 1)).toEqual([`65 25 00${le(ihd.ieee)}${KEY_B}`]);
    ppmid.sendApsCommand(0x0000, { id: "requestKey", keyType: 0x02, partner: ihd.ieee });
    await b.quiet();
    expect(ppmid.got.some((f) => f.apsCommand)).toBe(false);
    expect(ihd.got.some((f) => f.apsCommand)).toBe(false);
  });
});

describe("APS security between the ESME and a Type 1 device that share a key", () => {
  async function setup() {
    const b = MtBench.formed();
    benches.push(b);
    const ca = makeTestCa();
    const clock = new RealClock();
    const esmeIeee = "0x000d6f0000000e03";
    const hub = {
      handleFrame: (_ctx: unknown, clusterId: number, bytes: Buffer) => {
        const req = decodeZcl(clusterId, bytes);
        return encodeZcl(clusterId, {
          frameType: "global",
          direction: "serverToClient",
          disableDefaultResponse: true,
          tsn: req.tsn,
          command: "readRsp",
          payload: { records: [{ attrId: 0, status: 0, type: 0x20, value: 7 }] },
        });
      },
    };
    const esme = new EmulatedEsme({
      ieee: esmeIeee,
      clock,
      medium: b.medium,
      hub,
      credentials: ca.issue(Buffer.from(esmeIeee.slice(2), "hex")),
    });
    b.nodes.push(esme);
    b.medium.permitJoin(60);
    await esme.join();
    for (let f = await b.next(); !f.startsWith("45 c1 "); f = await b.next());
    const ppmidIeee = "0x000d6f0000000a03";
    const ppmid = new Type1(
      {
        ieee: ppmidIeee,
        endpoints: [
          {
            endpoint: 1,
            profileId: SE_PROFILE_ID,
            deviceId: 0x0507,
            deviceVersion: 1,
            inClusters: [0],
            outClusters: [],
          },
        ],
        clock,
        medium: b.medium,
      },
      ca.issue(Buffer.from(ppmidIeee.slice(2), "hex")),
    );
    b.nodes.push(ppmid);
    b.medium.permitJoin(60);
    await ppmid.join();
    b.medium.permitJoin(0);
    for (let f = await b.next(); !f.startsWith("45 c1 "); f = await b.next());
    const stranger = await joined(b, "0x000d6f0000000a04");
    const pair = Buffer.from(KEY_A, "hex");
    ppmid.setApsKey(esme.ieee, pair);
    esme.setApsKey(ppmid.ieee, pair);
    const read = (tsn: number, clusterId: number) =>
      encodeZcl(clusterId, {
        frameType: "global",
        direction: "clientToServer",
        disableDefaultResponse: false,
        tsn,
        command: "read",
        payload: { attributes: [0] },
      });
    const ask = (from: EmulatedNode, to: EmulatedNode, tsn: number, clusterId: number, aps: boolean) =>
      from.zclRequest({ nwk: to.nwk!, ep: to.endpoints[0]!.endpoint }, clusterId, read(tsn, clusterId), {
        profileId: SE_PROFILE_ID,
        apsSecurity: aps,
        timeoutMs: 2000,
      });
    return { esme, ppmid, stranger, ask };
  }

  it("the ESME answers the device's unsecured SE request all the same, as the hub does (secured: it holds the key)", async () => {
    const { esme, ppmid, ask } = await setup();
    expect(decodeZcl(ClusterId.metering, await ask(ppmid, esme, 11, ClusterId.metering, false)).command).toBe(
      "readRsp",
    );
    expect(ppmid.got.findLast((f) => f.clusterId === ClusterId.metering)!.security).toBe(true);
  });

  it("the device answers an unsecured SE request from the ESME with a Default Response FAILURE, sent unsecured", async () => {
    const { esme, ppmid, ask } = await setup();
    const carried: ApsFrame[] = [];
    esme.medium.onFrame((r) => r.frame.srcNwk === ppmid.nwk && carried.push(r.frame));
    const reply = decodeZcl(ClusterId.metering, await ask(esme, ppmid, 12, ClusterId.metering, false));
    expect(reply).toMatchObject({ command: "defaultRsp", payload: { commandId: 0x00, status: 0x01 } });
    expect(carried.map((f) => f.security ?? false)).toEqual([false]);
  });

  it("the device handles the same request secured, Basic unsecured, and a peer it holds no key with", async () => {
    const { esme, ppmid, stranger, ask } = await setup();
    const status = (b: Buffer) =>
      decodeZcl(ClusterId.metering, b).payload.statusCode ?? decodeZcl(ClusterId.metering, b).payload.status;
    expect(status(await ask(esme, ppmid, 13, ClusterId.metering, true))).not.toBe(0x01);
    expect(decodeZcl(ClusterId.basic, await ask(esme, ppmid, 14, ClusterId.basic, false)).command).toBe("readRsp");
    expect(status(await ask(stranger, ppmid, 15, ClusterId.metering, false))).not.toBe(0x01);
  });
});

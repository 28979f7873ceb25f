/**
 * Trust-centre gating and link faults with unmodified herdsman driving the virtual dongle: install codes
 * required, line noise in both directions, delayed replies, a cut link.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Controller } from "zigbee-herdsman";
import { withCrc } from "../../src/hub/install-code.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import { EmulatedNode } from "../../src/virtual/han/node.js";
import { GENERIC_NODE_ENDPOINT } from "../../src/virtual/kinds.js";
import { deviceIdentity } from "../../src/virtual/registry.js";
import { MtType, Subsystem, encodeFrame } from "../../src/virtual/znp/frame.js";
import { interviewed, makeController, quietHerdsman, randomKey } from "./herdsman-harness.js";

quietHerdsman();

const dir = mkdtempSync(join(tmpdir(), "hanbench-faults-"));
let dongle: VirtualDongle;
let c: Controller;
const joined: string[] = [];

beforeAll(async () => {
  dongle = await VirtualDongle.start({ stateDir: join(dir, "znp"), requireInstallCodes: true, seed: 7 });
  c = makeController(dongle.url, dir, randomKey());
  expect(await c.start()).toBe("reset");
  c.on("deviceJoined", (e) => joined.push(e.device.ieeeAddr));
  await c.permitJoin(120);
}, 30_000);

afterAll(async () => {
  await c.stop().catch(() => {});
  await dongle.stop();
  rmSync(dir, { recursive: true, force: true });
});

const herdsmanCode = (ieee: string, code: Buffer) => `Z:${ieee.slice(2)}$I:${code.toString("hex")}`;

/**
 * A device herdsman is told about joins, and resolves once herdsman reports it joined: the coordinator
 * reports joins in order, so a refused device that had been let in would have been reported before it.
 */
async function witnessJoin(): Promise<void> {
  const node = dongle.addDevice("node", { autoJoin: false });
  await c.addInstallCode(herdsmanCode(node.ieee, node.installCode!));
  const seen = new Promise<void>((resolve) => {
    const on = (e: { device: { ieeeAddr: string } }) => {
      if (e.device.ieeeAddr !== node.ieee) return;
      c.off("deviceJoined", on);
      resolve();
    };
    c.on("deviceJoined", on);
  });
  await node.join();
  await seen;
}

describe("trust centre with install codes required", () => {
  it("refuses a device whose install code it was not given", async () => {
    const node = dongle.addDevice("node", { autoJoin: false });
    await expect(node.join()).rejects.toThrow(/trust centre refused .*none was given/);
    expect(node.online).toBe(false);
    await witnessJoin();
    expect(joined).not.toContain(node.ieee);
  });

  it("refuses a device whose install code differs from the one given", async () => {
    const node = dongle.addDevice("node", { autoJoin: false });
    await c.addInstallCode(herdsmanCode(node.ieee, withCrc(Buffer.alloc(16, 0x42))));
    await expect(node.join()).rejects.toThrow(/does not match/);
    await witnessJoin();
    expect(joined).not.toContain(node.ieee);
  });

  it("admits a device once its install code was added, and herdsman interviews it", async () => {
    const node = dongle.addDevice("node", { autoJoin: false });
    await c.addInstallCode(herdsmanCode(node.ieee, node.installCode!));
    const done = interviewed(c, node.ieee);
    await node.join();
    const device = await done;
    expect(device.modelID).toBe("virtual-node");
    expect(joined).toContain(node.ieee);
  });
});

it("interviews a battery end device (announce without the receiver-on bit, route discovery)", async () => {
  const { ieee, installCode } = deviceIdentity(99, 0);
  const node = new EmulatedNode({
    ieee,
    installCode,
    role: "endDevice",
    endpoints: [{ ...GENERIC_NODE_ENDPOINT }],
    basic: { modelId: "virtual-sensor" },
    clock: dongle.clock,
    medium: dongle.medium,
  });
  dongle.addNode(node);
  await c.addInstallCode(herdsmanCode(node.ieee, installCode));
  const done = interviewed(c, node.ieee);
  await node.join();
  const device = await done;
  expect(device.type).toBe("EndDevice");
  expect(device.powerSource).toBe("Battery");
  expect(device.modelID).toBe("virtual-sensor");
});

describe("link faults", () => {
  async function readOnOff(): Promise<unknown> {
    const device = [...c.getDevicesIterator()].find((d) => d.modelID === "virtual-node")!;
    return device.getEndpoint(1)!.read("genOnOff", ["onOff"]);
  }

  it("keeps working after garbage and bad-FCS frames in both directions", async () => {
    expect(await readOnOff()).toEqual({ onOff: 0 });
    const badFcs = encodeFrame(MtType.SRSP, Subsystem.SYS, 0x01, Buffer.from([0x79, 0x0d]));
    badFcs[badFcs.length - 1]! ^= 0xff;
    const before = dongle.znp.parserStats.badFcs;
    // Toward the host: noise without a SOF and a whole frame with a bad FCS, both of which herdsman's
    // parser drops cleanly. (A stray 0xFE toward the host makes herdsman's parser take the next LEN
    // bytes as one frame and lose the real reply inside them: a 6 s SREQ timeout on its side.)
    dongle.faults.inject("toHost", Buffer.from("0011137f", "hex"));
    dongle.faults.inject("toHost", badFcs);
    dongle.faults.inject("toDongle", Buffer.from("42fe0021010000", "hex"));
    dongle.faults.inject("toDongle", badFcs);
    expect(dongle.znp.parserStats.badFcs).toBeGreaterThan(before);
    expect(await readOnOff()).toEqual({ onOff: 0 });
    expect(await readOnOff()).toEqual({ onOff: 0 });
  });

  it("serves with every reply delayed", async () => {
    dongle.faults.replyDelayMs = 40;
    try {
      const t0 = performance.now();
      expect(await readOnOff()).toEqual({ onOff: 0 });
      // a lower bound only (load makes it longer, never shorter); libuv's timers count whole ms, so a 40 ms
      // timer may fire a fraction of a ms early by performance.now (39.99993 ms seen under load)
      expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
    } finally {
      dongle.faults.replyDelayMs = 0;
    }
  });

  it("a cut link is seen by herdsman as a disconnected adapter", async () => {
    const disconnected = new Promise<void>((resolve) => c.once("adapterDisconnected", () => resolve()));
    await dongle.cut();
    await disconnected;
    expect(dongle.hostConnected).toBe(false);
  });
});

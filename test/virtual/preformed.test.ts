/**
 * A dongle that comes up with a network already formed (VirtualDongle `network`): a host with the same
 * parameters resumes it, a host with others forms its own, and devices join the resumed network.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RealClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import { Host } from "../../src/host/host.js";
import { type NetworkParameters, saveNetwork } from "../../src/host/network.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import type { EmulatedNode } from "../../src/virtual/han/node.js";
import { readNib } from "../../src/virtual/znp/nib.js";
import { NvId } from "../../src/virtual/znp/state.js";
import { herdsmanClusters } from "../../src/zcl/herdsman.js";

const clock = new RealClock();
const network: NetworkParameters = {
  channel: 20,
  panId: 0x4321,
  networkKey: Buffer.from("00112233445566778899aabbccddeeff", "hex"),
};
const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function hostOn(dongle: VirtualDongle, params: NetworkParameters) {
  const stateDir = mkdtempSync(join(tmpdir(), "hanbench-preformed-"));
  cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
  saveNetwork(stateDir, params);
  const evidence = new EvidenceLog({ now: () => clock.now() });
  const hub = new Hub({ clock, seed: 3, evidence, hubIeee: "0x00124b0000000000" });
  const host = new Host({
    port: dongle.url,
    adapter: "zstack",
    stateDir,
    hub,
    clusters: herdsmanClusters(),
    evidence,
    clock,
  });
  cleanup.push(() => host.stop());
  return { host, hub, evidence, result: await host.start() };
}

describe("a dongle with a network already formed", () => {
  it("holds the network in its NIB and stays in HOLD until a host starts it", async () => {
    const dongle = await VirtualDongle.start({ network });
    cleanup.push(() => dongle.stop());
    const nib = readNib(dongle.znp.state.nv.get(NvId.NIB)!);
    expect(nib.panId).toBe(0x4321);
    expect(nib.channel).toBe(20);
    expect(dongle.znp.online).toBe(false);
  });

  it("is resumed by a host with the same parameters, and a device joins it", async () => {
    const dongle = await VirtualDongle.start({ network, devices: ["node"] });
    cleanup.push(() => dongle.stop());
    const node = dongle.devices[0] as EmulatedNode;
    const { host, hub } = await hostOn(dongle, network);
    expect(host.network).toMatchObject({ channel: 20, panId: "0x4321" });
    hub.deviceLog.add({ eui64: node.ieee, installCode: node.installCode!, deviceType: 6 });
    const interviewed = new Promise<string>((resolve) =>
      host.on("interview", (e) => e.status !== "started" && resolve(e.status)),
    );
    await host.permitJoin(60);
    expect(await interviewed).toBe("successful");
    expect(node.online).toBe(true);
  }, 30_000);

  it("resumes: the host's start says so", async () => {
    const dongle = await VirtualDongle.start({ network });
    cleanup.push(() => dongle.stop());
    expect((await hostOn(dongle, network)).result).toBe("resumed");
  }, 30_000);

  it("is formed again by a host with another network key", async () => {
    const dongle = await VirtualDongle.start({ network });
    cleanup.push(() => dongle.stop());
    const other = { ...network, networkKey: Buffer.alloc(16, 7) };
    expect((await hostOn(dongle, other)).result).not.toBe("resumed");
  }, 30_000);
});

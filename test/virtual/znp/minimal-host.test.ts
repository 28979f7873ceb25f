/**
 * A ZNP host other than herdsman (minimal-host.ts: raw MT frames only) against the virtual dongle over
 * tcp://: it forms a network, resumes it in a new session, lets a device in with its install code,
 * interviews it with ZDO sent through AF from endpoint 0, reads it over ZCL, backs the coordinator up from
 * its NV tables and restores the backup onto a factory-fresh dongle.
 */
import { afterAll, expect, it } from "vitest";
import { linkKeyFromInstallCode } from "../../../src/hub/install-code.js";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import { MiniHost, type NetworkParams } from "./minimal-host.js";

const dongles: VirtualDongle[] = [];
const hosts: MiniHost[] = [];
afterAll(async () => {
  for (const h of hosts) await h.close();
  for (const d of dongles) await d.stop();
});

async function connect(d: VirtualDongle): Promise<MiniHost> {
  const h = await MiniHost.connect(d.url);
  hosts.push(h);
  return h;
}

const NETWORK: NetworkParams = {
  panId: 0x4c21,
  channel: 20,
  extendedPanId: "0xdddddddd00000021",
  networkKey: Buffer.from("2a2b2c2d2e2f303132333435363738ff", "hex"),
};

it("forms, resumes, admits a device with its install code, interviews it over AF-sent ZDO, backs up and restores", async () => {
  const dongle = await VirtualDongle.start({ seed: 21, devices: ["node"], requireInstallCodes: true });
  dongles.push(dongle);
  const node = dongle.devices[0]!;

  // a new network
  const h1 = await connect(dongle);
  expect(await h1.onNetwork()).toBe(false);
  await h1.form(NETWORK);
  expect(await h1.onNetwork()).toBe(true);
  expect(await h1.networkInfo()).toEqual({ panId: NETWORK.panId, extendedPanId: NETWORK.extendedPanId, channel: 20 });
  await h1.close();

  // a later session resumes it
  const h2 = await connect(dongle);
  expect(await h2.onNetwork()).toBe(true);
  await h2.startup();
  await h2.registerEndpoint(1, 0x0104);
  await h2.watchZdo();

  // the device joins with its install code, announces, and is interviewed with AF-sent ZDO
  const announced = h2.announced(node.ieee);
  await h2.permitJoinWithInstallCode(node.ieee, node.installCode!, 60);
  const nwk = await announced;
  expect(nwk).toBe(node.nwk);
  expect(await h2.logicalType(nwk)).toBe(1);
  expect(await h2.activeEndpoints(nwk)).toEqual([1]);
  const sd = await h2.simpleDescriptor(nwk, 1);
  expect(sd.inClusters).toContain(0x0000);
  expect(await h2.readString(nwk, 1, 0x0000, 0x0005)).toBe("virtual-node");

  // a backup from NV: the network and the device with its install-code key
  const backup = await h2.backup();
  expect(backup).toMatchObject({ panId: NETWORK.panId, channel: 20, extendedPanId: NETWORK.extendedPanId });
  expect(backup.networkKey).toEqual(NETWORK.networkKey);
  expect(backup.devices).toEqual([
    { ieee: node.ieee, nwk, child: false, linkKey: linkKeyFromInstallCode(node.installCode!) },
  ]);
  await h2.close();

  // restored onto a factory-fresh dongle: the same network, the device known at its address with its key
  const blank = await VirtualDongle.start({ seed: 22 });
  dongles.push(blank);
  const h3 = await connect(blank);
  expect(await h3.onNetwork()).toBe(false);
  await h3.restore(backup);
  expect(await h3.networkInfo()).toEqual({ panId: NETWORK.panId, extendedPanId: NETWORK.extendedPanId, channel: 20 });
  expect(blank.znp.rememberedAddress(node.ieee)).toBe(nwk);
  const again = await h3.backup();
  expect(again.devices).toEqual(backup.devices);
}, 60_000);

/**
 * The emulated displays and ESME through the whole stack: virtual ZNP dongle over tcp://, unmodified
 * zigbee-herdsman, the host and the hub model. Devices are created by the dongle's registry, join with
 * their install codes when the host permits joining, discover the hub's endpoints through the virtual
 * coordinator, and poll on a SteppedClock.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SteppedClock } from "../../../src/hub/clock.js";
import { GbcsDeviceType } from "../../../src/hub/device-log.js";
import { tenancyOfValue } from "../../../src/hub/data/tag.js";
import { Hub } from "../../../src/hub/hub.js";
import { Host } from "../../../src/host/host.js";
import { EvidenceLog } from "../../../src/evidence/log.js";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import { configureSeDevices } from "../../../src/virtual/devices/kinds.js";
import type { EmulatedEsme } from "../../../src/virtual/devices/esme.js";
import type { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { herdsmanClusters } from "../../../src/zcl/herdsman.js";
import { HOUR, MIN, START } from "./han-fixture.js";

const clock = new SteppedClock(START);
const evidence = new EvidenceLog({ now: () => clock.now() });
const hub = new Hub({ clock, seed: 5, evidence, hubIeee: "0x00124b0000000005" });
let dongle: VirtualDongle;
let host: Host;
let stateDir: string;
let esme: EmulatedEsme;
let compliant: EmulatedSeDevice;
let keeps: EmulatedSeDevice;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "hanbench-devices-host-"));
  configureSeDevices({ hub, responseTimeoutMs: 5000 });
  dongle = await VirtualDongle.start({ clock, seed: 5 });
  esme = dongle.addDevice("esme") as EmulatedEsme;
  compliant = dongle.addDevice("ihd:compliant") as EmulatedSeDevice;
  keeps = dongle.addDevice("ppmid:keeps-messages") as EmulatedSeDevice;
  hub.deviceLog.add({ eui64: esme.ieee, installCode: esme.installCode!, deviceType: GbcsDeviceType.ESME });
  hub.deviceLog.add({ eui64: compliant.ieee, installCode: compliant.installCode!, deviceType: GbcsDeviceType.TYPE2 });
  hub.deviceLog.add({ eui64: keeps.ieee, installCode: keeps.installCode!, deviceType: GbcsDeviceType.PPMID });
  host = new Host({
    port: dongle.url,
    adapter: "zstack",
    stateDir,
    hub,
    clusters: herdsmanClusters(),
    evidence,
    clock,
    channel: 15,
  });
  await host.start();
  hub.publishMessage({ text: "previous occupier" });
  await host.permitJoin(60);
  await Promise.all([compliant.whenStarted(), keeps.whenStarted()]);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await dongle?.stop();
  configureSeDevices();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("emulated devices through herdsman and the host", () => {
  it("join with their install codes and find the GPF on the coordinator and the ESME node, never endpoint 1", () => {
    const servers = compliant.client.servers;
    expect(servers).toContainEqual(expect.objectContaining({ role: "gpf", nwk: 0, ep: hub.endpoints.gpf }));
    expect(servers).toContainEqual(expect.objectContaining({ role: "esme", nwk: esme.nwk, ep: esme.seEndpoint }));
    expect(servers.every((s) => s.ep !== 1)).toBe(true);
    // requests the display made (its answers to herdsman's interview go to endpoint 1, as they should)
    const zclIn = evidence.events.filter(
      (e) => e.kind === "zcl" && e.dir === "in" && e.device === compliant.ieee && e.direction === "clientToServer",
    );
    expect(zclIn.length).toBeGreaterThan(0);
    expect(zclIn.every((e) => e.kind === "zcl" && e.hubEp !== 1)).toBe(true);
  });

  it("hold tenancy 1, then clear as their profiles say after a CoT", async () => {
    await clock.advance(2 * HOUR);
    for (const d of [compliant, keeps]) {
      expect(new Set(d.holdings().consumption.map((v) => tenancyOfValue(v.value as number))), d.label).toEqual(
        new Set([1]),
      );
      expect(new Set(d.holdings().messages.map((m) => tenancyOfValue(m.messageId))), d.label).toEqual(new Set([1]));
    }
    hub.recordCot({ providerId: 1, issuerEventId: 9, tariffType: 0, implementationTime: clock.now(), control: 0x600 });
    hub.publishMessage({ text: "welcome" });
    await clock.advance(30 * MIN);
    const c = compliant.holdings();
    expect(new Set(c.consumption.map((v) => tenancyOfValue(v.value as number)))).toEqual(new Set([2]));
    expect(new Set(c.messages.map((m) => tenancyOfValue(m.messageId)))).toEqual(new Set([2]));
    const k = keeps.holdings();
    expect(new Set(k.consumption.map((v) => tenancyOfValue(v.value as number)))).toEqual(new Set([2]));
    expect(new Set(k.messages.map((m) => tenancyOfValue(m.messageId)))).toEqual(new Set([1, 2]));
    expect(compliant.client.errors).toEqual([]);
  }, 60_000);
});

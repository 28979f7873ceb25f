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
import { Hub } from "../../../src/hub/hub.js";
import { Host } from "../../../src/host/host.js";
import { EvidenceLog } from "../../../src/evidence/log.js";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import { configureSeDevices } from "../../../src/virtual/devices/kinds.js";
import type { EmulatedEsme } from "../../../src/virtual/devices/esme.js";
import type { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { herdsmanClusters } from "../../../src/zcl/herdsman.js";
import { HOUR, MIN, START } from "./han-fixture.js";
import { messageIds, periodsBefore, periodsFrom } from "./helpers.js";

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

  it("hold history and the message, then clear as their profiles say after a CoT on both meters", async () => {
    await clock.advance(2 * HOUR);
    const m1 = hub.messages.all()[0]!.messageId;
    for (const d of [compliant, keeps]) {
      expect(d.holdings().consumption.length, d.label).toBeGreaterThan(20);
      expect(messageIds(d.holdings()), d.label).toEqual(new Set([m1]));
    }
    const t = clock.now();
    for (const meter of ["gpf", "esme"] as const) {
      hub.recordCot({ meter, providerId: 1, issuerEventId: 9, tariffType: 0, implementationTime: t, control: 0x600 });
    }
    const m2 = hub.publishMessage({ text: "welcome" }).messageId;
    await clock.advance(30 * MIN);
    const c = compliant.holdings();
    expect(periodsBefore(c, t)).toEqual([]);
    expect(periodsFrom(c, t).length).toBeGreaterThan(0);
    expect(messageIds(c)).toEqual(new Set([m2]));
    const k = keeps.holdings();
    expect(periodsBefore(k, t)).toEqual([]);
    expect(messageIds(k)).toEqual(new Set([m1, m2]));
    expect(compliant.client.errors).toEqual([]);
  }, 60_000);
});

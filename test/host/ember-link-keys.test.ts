/**
 * The seam for CBKE keys on ember (src/host/ember-hooks.ts `EmberLinkKeys`): a device's link key goes into
 * the NCP's key table with EZSP importLinkKey through unmodified herdsman's ember adapter, to the entry the
 * device already has or else a free one, as EmberZNet's security manager does for index 0xFF.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Controller } from "zigbee-herdsman";
import type { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmberLinkKeys } from "../../src/host/ember-hooks.js";
import { EmberLinkSecurity } from "../../src/host/ember-link-security.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import { makeController, quietHerdsman, randomKey } from "../virtual/herdsman-harness.js";

quietHerdsman();

describe("EmberLinkKeys on herdsman's ember adapter and the virtual NCP", () => {
  let dir: string;
  let dongle: VirtualDongle;
  let controller: Controller;
  let adapter: Adapter;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hanbench-ember-keys-"));
    dongle = await VirtualDongle.start({ adapter: "ember" });
    controller = makeController(dongle.url, dir, randomKey(), "ember");
    await controller.start();
    adapter = (controller as unknown as { adapter: Adapter }).adapter;
  }, 60_000);
  afterAll(async () => {
    await controller?.stop().catch(() => undefined);
    await dongle?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = () =>
    dongle.ncp.tokens.keyTable.flatMap((e, index) =>
      e ? [{ index, eui64: e.eui64, key: e.key.toString("hex") }] : [],
    );

  it("imports a key into a free entry, replaces it in the same entry, and gives another device its own", async () => {
    const keys = new EmberLinkKeys();
    const a = "0x0d6f000000000001";
    const b = "0x0d6f000000000002";
    expect(keys.encryptFor(a)).toBe(false);
    await keys.importLinkKey(adapter, a, Buffer.alloc(16, 0x11));
    await keys.importLinkKey(adapter, a.toUpperCase().replace("0X", ""), Buffer.alloc(16, 0x22));
    await keys.importLinkKey(adapter, b, Buffer.alloc(16, 0x33));
    expect(entries()).toEqual([
      { index: 0, eui64: a, key: "22".repeat(16) },
      { index: 1, eui64: b, key: "33".repeat(16) },
    ]);
    expect(keys.encryptFor(a)).toBe(true);
  });

  it("refuses a key that is not 16 bytes before it reaches the NCP", async () => {
    await expect(new EmberLinkKeys().importLinkKey(adapter, "0x0d6f000000000003", Buffer.alloc(15))).rejects.toThrow(
      /16 bytes/,
    );
    expect(entries().map((e) => e.eui64)).not.toContain("0x0d6f000000000003");
  });

  it("EmberLinkSecurity: partner keys allowed on the NCP, keys installed through the queue, SE frames to keyed devices secured", async () => {
    const device = "0x0d6f000000000004";
    const security = new EmberLinkSecurity(adapter, {
      isSeEndpoint: (ep) => ep === 2,
      ieeeOf: (nwk) => (nwk === 0x4a11 ? device : undefined),
    });
    try {
      expect(dongle.ncp.ram.policies.get(0x06)).toBe(0x60); // herdsman's DENY_APP_KEY_REQUESTS
      await security.allowPartnerKeys();
      expect(dongle.ncp.ram.policies.get(0x06)).toBe(0x61); // ALLOW_APP_KEY_REQUESTS
      expect(security.wouldSecure(0x4a11, 2, 0x0702)).toBe(false);
      await security.install({ ieee: device, nwk: 0x4a11 }, Buffer.alloc(16, 0x44));
      expect(entries()).toContainEqual(expect.objectContaining({ eui64: device, key: "44".repeat(16) }));
      expect([security.keyed(device), security.wouldSecure(0x4a11, 2, 0x0702)]).toEqual([true, true]);
      // not from a hub SE endpoint, not a cluster that needs APS security (Basic), not a keyed device
      expect(security.wouldSecure(0x4a11, 1, 0x0702)).toBe(false);
      expect(security.wouldSecure(0x4a11, 2, 0x0000)).toBe(false);
      expect(security.wouldSecure(0x4a12, 2, 0x0702)).toBe(false);
    } finally {
      security.close();
    }
  });
  it("a full key table: SL_STATUS_FULL without a Device Log to consult; with one, stale keys go and the key goes in", async () => {
    const keys = new EmberLinkKeys();
    const size = dongle.ncp.tokens.keyTable.length;
    const device = (i: number) => `0x0d6f0000000001${i.toString(16).padStart(2, "0")}`;
    for (let i = 0; entries().length < size; i++) await keys.importLinkKey(adapter, device(i), Buffer.alloc(16, i));
    const held = entries().map((e) => e.eui64);
    const newcomer = "0x0d6f0000000002ff";
    // firmware's answer, passed on as it is (sl_status.h: FULL is 0x001C)
    await expect(keys.importLinkKey(adapter, newcomer, Buffer.alloc(16, 0x55))).rejects.toThrow(/status 0x1c\)/);
    // every entry a device the hub keeps: nothing erased, the error says what to do
    await expect(keys.importLinkKey(adapter, newcomer, Buffer.alloc(16, 0x55), () => true)).rejects.toThrow(
      new RegExp(`key table is full: its ${size} entries .* at most ${size} Type 1 devices`),
    );
    expect(entries().map((e) => e.eui64)).toEqual(held);
    // two devices left the Device Log: their entries go, the newcomer takes one, the others stay
    const gone = new Set([held[2], held[5]]);
    await keys.importLinkKey(adapter, newcomer, Buffer.alloc(16, 0x55), (eui64) => !gone.has(eui64));
    const after = entries().map((e) => e.eui64);
    expect(after).toContain(newcomer);
    expect(after.filter((e) => gone.has(e))).toEqual([]);
    expect(after.filter((e) => held.includes(e))).toEqual(held.filter((e) => !gone.has(e)));
    expect(keys.encryptFor(newcomer)).toBe(true);
  });
});

/**
 * Joined devices and their keys in the NV tables a coordinator backup reads (issue 16 item 13), judged by
 * unmodified herdsman's own backup (adapter-backup.ts: address manager, security-manager and APS key data
 * tables, TCLK table and seed): a device joined with an install-code key is listed with exactly that key,
 * one joined with the default key with the unique key the TCLK seed gives it; a fresh dongle restored from
 * that backup knows both devices at their addresses.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { linkKeyFromInstallCode } from "../../../src/hub/install-code.js";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import { interviewed, makeController, quietHerdsman, randomKey } from "../herdsman-harness.js";

quietHerdsman();
const dir = mkdtempSync(join(tmpdir(), "hanbench-backup-"));
const dongles: VirtualDongle[] = [];
afterAll(async () => {
  for (const d of dongles) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface UnifiedBackup {
  devices: { nwk_address: string; ieee_address: string; is_child: boolean; link_key?: { key: string } }[];
}

it("herdsman's backup lists the joined devices with their link keys, and restores them onto a blank dongle", async () => {
  const key = randomKey();
  const dongle = await VirtualDongle.start({ seed: 5 });
  dongles.push(dongle);
  const withCode = dongle.addDevice("node", { autoJoin: false });
  const withoutCode = dongle.addDevice("node", { autoJoin: false });
  const c1 = makeController(dongle.url, dir, key);
  expect(await c1.start()).toBe("reset");
  try {
    await c1.addInstallCode(`${withCode.ieee.slice(2)}|${withCode.installCode!.toString("hex")}`);
    const first = interviewed(c1, withCode.ieee);
    const second = interviewed(c1, withoutCode.ieee);
    await c1.permitJoin(60);
    await withCode.join();
    await withoutCode.join();
    await first;
    await second;
    await c1.backup();
  } finally {
    await c1.stop();
  }
  const backup = JSON.parse(readFileSync(join(dir, "coordinator_backup.json"), "utf8")) as UnifiedBackup;
  const byIeee = new Map(backup.devices.map((d) => [`0x${d.ieee_address}`, d]));
  const a = byIeee.get(withCode.ieee);
  const b = byIeee.get(withoutCode.ieee);
  expect(a?.nwk_address).toBe(withCode.nwk!.toString(16).padStart(4, "0"));
  expect(a?.link_key?.key).toBe(linkKeyFromInstallCode(withCode.installCode!).toString("hex"));
  expect(b?.nwk_address).toBe(withoutCode.nwk!.toString(16).padStart(4, "0"));
  expect(b?.link_key?.key).toMatch(/^[0-9a-f]{32}$/);
  expect(b?.link_key?.key).not.toBe(a?.link_key?.key);
  await dongle.stop();

  // the same backup onto a factory-fresh dongle: herdsman restores, and the devices are known again
  const blank = await VirtualDongle.start({ seed: 6 });
  dongles.push(blank);
  const c2 = makeController(blank.url, dir, key);
  try {
    expect(await c2.start()).toBe("restored");
  } finally {
    await c2.stop();
  }
  expect(blank.znp.rememberedAddress(withCode.ieee)).toBe(withCode.nwk);
  expect(blank.znp.rememberedAddress(withoutCode.ieee)).toBe(withoutCode.nwk);
}, 60_000);

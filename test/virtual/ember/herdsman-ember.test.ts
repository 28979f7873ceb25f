/**
 * Unmodified zigbee-herdsman with its `ember` adapter (a plain Controller, public options only) against the
 * virtual EmberZNet NCP, over tcp:// and over a socat pty: it forms a network and writes its backup,
 * resumes it, gives the trust centre an emulated IHD's install code, sees the IHD join, interviews it and
 * reads an attribute; after the dongle restarts the network resumes with the IHD still joined; and a
 * factory-fresh NCP gets the network back from herdsman's backup. Each test starts from nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import "../../../src/virtual/devices/kinds.js";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import type { EmulatedNode } from "../../../src/virtual/han/node.js";
import { socatAvailable } from "../../../src/virtual/transport/pty.js";
import { interviewed, makeController, quietHerdsman, randomKey } from "../herdsman-harness.js";

quietHerdsman();
const haveSocat = socatAvailable();
const herdsmanCode = (ieee: string, code: Buffer) => `Z:${ieee.slice(2)}$I:${code.toString("hex")}`;

const variants = [
  { name: "tcp://", pty: false },
  { name: "socat pty", pty: true },
];

describe.each(variants)("herdsman's ember adapter over $name", ({ pty }) => {
  const dongles: VirtualDongle[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dongles.splice(0)) await d.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A host directory (database, backup) and a dongle directory in it. */
  function world() {
    const dir = mkdtempSync(join(tmpdir(), "hanbench-ember-"));
    dirs.push(dir);
    return { dir, stateDir: join(dir, "ncp"), key: randomKey() };
  }

  async function start(dir: string, stateDir: string): Promise<VirtualDongle> {
    const d = await VirtualDongle.start({
      adapter: "ember",
      stateDir,
      seed: 5,
      requireInstallCodes: true,
      pty: pty ? join(dir, `ttyNCP${dongles.length}`) : undefined,
    });
    dongles.push(d);
    return d;
  }

  /** herdsman forms the network on a blank NCP and joins an IHD by its install code; both stop. */
  async function formedWithIhd(w: ReturnType<typeof world>): Promise<{ ihd: EmulatedNode; dongle: VirtualDongle }> {
    const dongle = await start(w.dir, w.stateDir);
    const c = makeController(dongle.path, w.dir, w.key, "ember");
    expect(await c.start()).toBe("reset");
    try {
      const ihd = dongle.addDevice("ihd:compliant", { autoJoin: false });
      await c.addInstallCode(herdsmanCode(ihd.ieee, ihd.installCode!));
      const done = interviewed(c, ihd.ieee);
      await c.permitJoin(60);
      await ihd.join();
      await done;
      return { ihd, dongle };
    } finally {
      await c.stop();
    }
  }

  it.skipIf(pty && !haveSocat)(
    `forms, backs up, resumes, admits an IHD by its install code, interviews and reads it${pty && !haveSocat ? " (skipped: socat is not installed)" : ""}`,
    async () => {
      const w = world();
      const dongle = await start(w.dir, w.stateDir);

      const c1 = makeController(dongle.path, w.dir, w.key, "ember");
      expect(await c1.start()).toBe("reset");
      const backupPath = join(w.dir, "coordinator_backup.json");
      expect(existsSync(backupPath)).toBe(true);
      const backup = JSON.parse(readFileSync(backupPath, "utf8"));
      expect(backup.metadata.internal.ezspVersion).toBe(18);
      // herdsman's ember adapter writes the coordinator IEEE least significant byte first
      expect(`0x${Buffer.from(backup.coordinator_ieee, "hex").reverse().toString("hex")}`).toBe(dongle.ncp.ieee);
      expect(backup.network_key.key).toBe(Buffer.from(w.key).toString("hex"));
      expect(backup.pan_id).toBe("1a62");
      expect(backup.channel).toBe(15);
      expect(backup.stack_specific.ezsp.hashed_tclk).toMatch(/^[0-9a-f]{32}$/);
      expect([...dongle.ncp.ram.endpoints.keys()]).toEqual([1, 242]);
      await c1.stop();

      const c2 = makeController(dongle.path, w.dir, w.key, "ember");
      expect(await c2.start()).toBe("resumed");
      try {
        const ihd = dongle.addDevice("ihd:compliant", { autoJoin: false });
        await c2.permitJoin(60);
        await expect(ihd.join()).rejects.toThrow(/holds no link key for this device/);
        await c2.addInstallCode(herdsmanCode(ihd.ieee, ihd.installCode!));
        const done = interviewed(c2, ihd.ieee);
        await ihd.join();
        const device = await done;
        expect(device.networkAddress).toBe(ihd.nwk);
        expect(device.modelID).toBe("virtual-ihd");
        expect(device.manufacturerName).toBe("hanbench");
        expect(device.endpoints.length).toBeGreaterThan(0);
        expect(await device.endpoints[0]!.read("genBasic", ["modelId", "zclVersion"])).toEqual({
          modelId: "virtual-ihd",
          zclVersion: 8,
        });
      } finally {
        await c2.stop();
      }
    },
    60_000,
  );

  it.skipIf(pty && !haveSocat)(
    "resumes after the dongle restarts, with the IHD still joined and answering",
    async () => {
      const w = world();
      const { ihd: before, dongle: first } = await formedWithIhd(w);
      await first.stop();
      const dongle = await start(w.dir, w.stateDir);
      const ihd = dongle.addDevice("ihd:compliant", { autoJoin: false });
      expect(ihd.ieee).toBe(before.ieee);
      expect(ihd.online).toBe(true);
      expect(ihd.nwk).toBe(before.nwk);
      const c = makeController(dongle.path, w.dir, w.key, "ember");
      try {
        expect(await c.start()).toBe("resumed");
        const device = c.getDeviceByIeeeAddr(ihd.ieee)!;
        expect(device.networkAddress).toBe(ihd.nwk);
        expect(await device.endpoints[0]!.read("genBasic", ["modelId"])).toEqual({ modelId: "virtual-ihd" });
      } finally {
        await c.stop();
      }
    },
    60_000,
  );

  it.skipIf(pty && !haveSocat)(
    "restores the network from herdsman's backup onto a factory-fresh NCP, then resumes it",
    async () => {
      const w = world();
      const { dongle: first } = await formedWithIhd(w);
      await first.stop();
      const blank = await start(w.dir, join(w.dir, "blank-ncp"));
      expect(blank.ncp.formed).toBe(false);
      const c = makeController(blank.path, w.dir, w.key, "ember");
      expect(await c.start()).toBe("restored");
      await c.stop();
      expect(blank.ncp.formed).toBe(true);
      expect(blank.ncp.tokens.network?.networkKey).toEqual(Buffer.from(w.key));
      const again = makeController(blank.path, w.dir, w.key, "ember");
      try {
        expect(await again.start()).toBe("resumed");
        expect((await again.getNetworkParameters()).panID).toBe(0x1a62);
      } finally {
        await again.stop();
      }
    },
    60_000,
  );
});

/**
 * The ASH link under line noise with unmodified herdsman (adapter ember) on the other end: a frame damaged
 * on its way to the NCP is NAKed and herdsman resends it; a frame damaged on its way to herdsman is NAKed by
 * herdsman and the NCP resends it; every read still returns the right value.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { VirtualDongle } from "../../../src/virtual/dongle.js";
import { interviewed, makeController, quietHerdsman, randomKey } from "../herdsman-harness.js";

quietHerdsman();
const dir = mkdtempSync(join(tmpdir(), "hanbench-ember-faults-"));
let dongle: VirtualDongle | undefined;
afterAll(async () => {
  await dongle?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("recovers from noise in both directions by NAK and retransmission", async () => {
  dongle = await VirtualDongle.start({ adapter: "ember", seed: 9 });
  const c = makeController(dongle.url, dir, randomKey(), "ember");
  expect(await c.start()).toBe("reset");
  try {
    const node = dongle.addDevice("node", { autoJoin: false });
    const done = interviewed(c, node.ieee);
    await c.permitJoin(60);
    await node.join();
    const ep = (await done).getEndpoint(1)!;
    const link = dongle.ncp.link.counters;
    const before = { naksOut: link.naksOut, naksIn: link.naksIn, retransmitted: link.retransmitted };
    for (let i = 0; i < 6; i++) {
      // a stray byte on the line before the next frame, one way then the other: it becomes that frame's first
      // byte (0x42 reads as a DATA control byte), so the frame fails its CRC and is NAKed
      dongle.faults.inject(i % 2 === 0 ? "toDongle" : "toHost", Buffer.from([0x42]));
      expect(await ep.read("genBasic", ["zclVersion"])).toEqual({ zclVersion: 8 });
    }
    expect(link.naksOut).toBeGreaterThan(before.naksOut); // the NCP rejected damaged commands
    expect(link.naksIn).toBeGreaterThan(before.naksIn); // herdsman rejected damaged responses
    expect(link.retransmitted).toBeGreaterThan(before.retransmitted); // and got them again
    expect(dongle.ncp.link.failed).toBe(false);
  } finally {
    await c.stop();
  }
}, 60_000);

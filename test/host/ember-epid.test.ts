/**
 * The hub on a Silicon Labs stick with a new state: herdsman's ember adapter forms the network with the
 * extended PAN id it is given, and the hub IEEE (which GBCS wants there) is known only once the NCP has
 * answered. The host then forms the network again with it, once; the next start resumes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eui64ToLe } from "../../src/hex.js";
import { RealClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import { Host } from "../../src/host/host.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-ember-epid-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the hub on herdsman's ember adapter with a new state", () => {
  it("forms the network with the hub IEEE as extended PAN id, records it, and resumes it the next time", async () => {
    const dongle = await VirtualDongle.start({ adapter: "ember" });
    const clock = new RealClock();
    const evidence = new EvidenceLog({ now: () => clock.now() });
    const hub = new Hub({ clock, seed: 1, evidence, hubIeee: dongle.coordinator.ieee });
    const host = () =>
      new Host({ port: dongle.url, adapter: "ember", stateDir: join(dir, "state"), hub, evidence, clock, channel: 15 });
    try {
      const first = host();
      try {
        expect(await first.start()).toBe("reset");
        expect(first.coordinatorIeee).toBe(dongle.coordinator.ieee);
        expect(first.network).toMatchObject({ extendedPanId: dongle.coordinator.ieee });
      } finally {
        await first.stop();
      }
      // on the NCP as EmberZNet holds it (little-endian)
      expect(dongle.ncp.tokens.network?.extendedPanId).toEqual(eui64ToLe(dongle.coordinator.ieee));
      const notes = evidence.events.filter((e) => e.kind === "note").map((e) => e.message);
      expect(notes.filter((m) => /not the hub IEEE/.test(m))).toEqual([]);

      const second = host();
      try {
        expect(await second.start()).toBe("resumed");
        expect(second.network).toMatchObject({ extendedPanId: dongle.coordinator.ieee });
      } finally {
        await second.stop();
      }
    } finally {
      evidence.close();
      await dongle.stop();
    }
  }, 60_000);
});

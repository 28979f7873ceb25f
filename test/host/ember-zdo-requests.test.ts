/**
 * ZDO discovery on a Silicon Labs stick: the NCP answers a device's Match_Desc and Simple_Desc itself, as
 * EmberZNet does, and — asked at start with APPLICATION_ZDO_FLAGS (src/host/ember-hooks.ts `askZdoRequests`)
 * — passes a copy of each on, which the host hands to `watchZdoRequests` (COT-01's discovery evidence on an
 * ember bench). Unmodified herdsman's ember adapter in between, the virtual NCP as the stick.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import { Host } from "../../src/host/host.js";
import type { ZdoRequestSeen } from "../../src/host/zdo-requests.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import { EmulatedNode } from "../../src/virtual/han/node.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-ember-zdo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MATCH_DESC = 0x0006;
const SIMPLE_DESC = 0x0004;

describe("ZDO discovery requests on herdsman's ember adapter", () => {
  it("are answered by the NCP and seen by the host: Match_Desc and Simple_Desc, with their bodies and sender", async () => {
    const dongle = await VirtualDongle.start({ adapter: "ember" });
    const clock = new RealClock();
    const evidence = new EvidenceLog({ now: () => clock.now() });
    const hub = new Hub({ clock, seed: 1, evidence, hubIeee: dongle.coordinator.ieee });
    const host = new Host({ port: dongle.url, adapter: "ember", stateDir: join(dir, "state"), hub, evidence, clock });
    const node = new EmulatedNode({
      ieee: "0x0d6f0000000000c1",
      endpoints: [
        { endpoint: 1, profileId: 0x0109, deviceId: 0x0507, deviceVersion: 1, inClusters: [], outClusters: [0x0702] },
      ],
      clock,
      medium: dongle.medium,
    });
    try {
      await host.start();
      const seen: (ZdoRequestSeen & { ieee: string | undefined })[] = [];
      let arrived: () => void = () => undefined;
      const two = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const stop = await host.watchZdoRequests([MATCH_DESC, SIMPLE_DESC], (r) => {
        seen.push(r);
        if (seen.length === 2) arrived();
      });
      await host.permitJoin(60);
      await node.join();
      // Match_Desc: about the coordinator, SE profile, Metering as a server cluster
      const matchBody = Buffer.from([0x00, 0x00, 0x09, 0x01, 0x01, 0x02, 0x07, 0x00]);
      const match = await node.zdoRequest(0x0000, MATCH_DESC, matchBody);
      expect([match[0], match[3]]).toEqual([0, 2]); // SUCCESS, two endpoints: the gas mirror (4) and the ESME (3)
      expect([...match.subarray(4)].sort()).toEqual([3, 4]);
      const simpleBody = Buffer.from([0x00, 0x00, 0x04]);
      const simple = await node.zdoRequest(0x0000, SIMPLE_DESC, simpleBody);
      expect(simple[0]).toBe(0); // SUCCESS: the NCP answered from the endpoints the host registered
      await two;
      stop();
      expect(seen.map((r) => [r.clusterId, r.srcNwk, r.ieee, r.broadcast, r.body.toString("hex")])).toEqual([
        [MATCH_DESC, node.nwk, node.ieee, false, matchBody.toString("hex")],
        [SIMPLE_DESC, node.nwk, node.ieee, false, simpleBody.toString("hex")],
      ]);
    } finally {
      node.dispose();
      await host.stop();
      evidence.close();
      await dongle.stop();
    }
  }, 60_000);
});

/** The host's tap: frames herdsman parsed become evidence, a read with its attribute ids. */
import { describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import type { Evidence, ZclEvent } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { readAttributeIds } from "../../src/evidence/zcl-event.js";
import { FrameTap } from "../../src/host/tap.js";
import { herdsmanClusters } from "../../src/zcl/index.js";

function tapped(): { tap: FrameTap; events: Evidence[] } {
  const log = new EvidenceLog({ now: () => 0 });
  return { tap: new FrameTap(log, (ep) => (ep === 2 ? "gpf" : undefined)), events: log.events };
}

const meta = {
  device: "0x00db1234567890a0",
  nwk: 0x4a11,
  deviceEp: 1,
  hubEp: 2,
  role: "gpf" as const,
  clusterId: 0x0708,
};
const parse = (hex: string) => {
  const raw = Buffer.from(hex, "hex");
  return Zcl.Frame.fromBuffer(0x0708, Zcl.Header.fromBuffer(raw), raw, herdsmanClusters());
};

describe("FrameTap", () => {
  it("records herdsman's Read Attributes as the attribute ids asked for", () => {
    const { tap, events } = tapped();
    tap.incoming(meta, parse("00420000020102"), Buffer.from("00420000020102", "hex"));
    const z = events[0]!;
    expect(z).toMatchObject({
      kind: "zcl",
      dir: "in",
      command: "read",
      cluster: "seDeviceManagement",
      payload: [0x0200, 0x0201],
    });
    expect(readAttributeIds(z as ZclEvent)).toEqual([0x0200, 0x0201]);
  });

  it("records other frames with herdsman's decoded fields", () => {
    const { tap, events } = tapped();
    tap.incoming(meta, parse("016000"), Buffer.from("016000", "hex"));
    expect(events[0]).toMatchObject({ command: "getChangeOfTenancy", frameType: "specific", payload: {} });
    expect(readAttributeIds(events[0] as ZclEvent)).toBeUndefined();
  });

  it("keeps a frame herdsman could not parse with its bytes and command id", () => {
    const { tap, events } = tapped();
    tap.incoming(meta, undefined, Buffer.from("0142ee", "hex"));
    expect(events[0]).toMatchObject({ command: "0xee", raw: "0142ee" });
    expect(events[0]).not.toHaveProperty("payload");
  });
});

/**
 * A ZCL frame in a report, field by field: what the decoder found against the ZCL or SE specification in a
 * device's frame (src/zcl's violations, kept on the evidence event) is shown, one row per violation.
 */
import { describe, expect, it } from "vitest";
import type { ZclEvent } from "../../src/evidence/events.js";
import { zclFields } from "../../src/report/zcl-fields.js";

const frame: ZclEvent = {
  kind: "zcl",
  dir: "in",
  device: "0x0d6f0000000000a1",
  nwk: 0x1234,
  deviceEp: 1,
  hubEp: 2,
  clusterId: 0x0708,
  frameType: "global",
  direction: "clientToServer",
  tsn: 7,
  commandId: 0x00,
  command: "read",
  payload: { attributes: [0x0200] },
  raw: "00070000020",
};

describe("a ZCL frame's fields in a report", () => {
  it("lists each specification violation with its field, byte offset and what was wrong", () => {
    const rows = zclFields({
      ...frame,
      violations: [
        { field: "frameControl", offset: 0, what: "reserved bits set (0xe0)" },
        { field: "attributes", offset: 3, what: "odd trailing byte" },
      ],
    });
    expect(rows.filter((r) => r.name === "spec violation").map((r) => r.value)).toEqual([
      "frameControl (byte 0): reserved bits set (0xe0)",
      "attributes (byte 3): odd trailing byte",
    ]);
  });

  it("has no violation row for a frame without violations", () => {
    expect(zclFields(frame).map((r) => r.name)).not.toContain("spec violation");
    expect(zclFields(frame).map((r) => r.name)).toContain("TSN");
  });
});

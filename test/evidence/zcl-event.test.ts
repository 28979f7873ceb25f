/**
 * The evidence builder the host's tap and the virtual HAN's tap share: the header fields it reads from the
 * bytes must be what herdsman's own header parser (the peer we did not write) reads from them.
 */
import { describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import type { ZclEvent } from "../../src/evidence/events.js";
import { type FrameMeta, readAttributeIds, zclEvent } from "../../src/evidence/zcl-event.js";

const META: FrameMeta = {
  device: "0x00db1234567890a0",
  nwk: 0x4a11,
  deviceEp: 1,
  hubEp: 2,
  role: "gpf",
  clusterId: 0x0708,
};

const FRAMES: [string, string][] = [
  ["global read, client to server", "00420000020102"],
  ["global read, client to server, no default response", "10420000020102"],
  [
    "specific PublishChangeOfTenancy pushed, server to client, default response asked",
    "09610000000000804a371c00206ec61f00020000",
  ],
  ["global read response, server to client, no default response", "184301000200"],
  ["specific GetChangeOfTenancy", "016000"],
  ["specific PublishChangeOfTenancy, server to client (GCS09)", "19610000000000804a371c00206ec61f00020000"],
  ["manufacturer-specific global, server to client", "1c5e1044110a"],
  ["manufacturer-specific specific", "0534120723"],
];

describe("zclEvent", () => {
  it.each(FRAMES)("reads the header as herdsman does: %s", (_name, hex) => {
    const raw = Buffer.from(hex, "hex");
    const header = Zcl.Header.fromBuffer(raw);
    if (!header) throw new Error("herdsman could not parse the header");
    const event = zclEvent("in", META, raw);
    expect(event).toMatchObject({
      frameType: header.isGlobal ? "global" : "specific",
      direction: header.frameControl.direction === Zcl.Direction.CLIENT_TO_SERVER ? "clientToServer" : "serverToClient",
      tsn: header.transactionSequenceNumber,
      commandId: header.commandIdentifier,
      raw: hex,
    });
    // undecoded: the command is named by its id, no payload or cluster name is invented
    expect(event.command).toBe(`0x${header.commandIdentifier.toString(16).padStart(2, "0")}`);
    expect(event).not.toHaveProperty("payload");
    expect(event).not.toHaveProperty("cluster");
  });

  it("takes the command, cluster name and payload from the decoder, and the addressing from the meta", () => {
    const raw = Buffer.from("00420000020102", "hex");
    const event = zclEvent("out", { ...META, role: undefined, profileId: 0x0109 }, raw, {
      cluster: "seDeviceManagement",
      command: "readRsp",
      payload: { records: [] },
    });
    expect(event).toEqual({
      kind: "zcl",
      dir: "out",
      device: META.device,
      nwk: META.nwk,
      deviceEp: 1,
      hubEp: 2,
      profileId: 0x0109,
      clusterId: 0x0708,
      cluster: "seDeviceManagement",
      frameType: "global",
      direction: "clientToServer",
      tsn: 0x42,
      commandId: 0,
      command: "readRsp",
      payload: { records: [] },
      raw: "00420000020102",
    });
  });

  it("writes a Read Attributes frame's payload as its attribute ids, which readAttributeIds reads back", () => {
    const raw = Buffer.from("00420000020102", "hex");
    const event = zclEvent("in", META, raw, { cluster: "seDeviceManagement", read: [0x0200, 0x0201] });
    expect(event).toMatchObject({ command: "read", commandId: 0, payload: [0x0200, 0x0201] });
    expect(readAttributeIds(event)).toEqual([0x0200, 0x0201]);
  });

  it("readAttributeIds: undefined for anything but a global Read Attributes with its ids", () => {
    const read = zclEvent("in", META, Buffer.from("00420000020102", "hex"), { read: [0x0200] });
    const specific: ZclEvent = { ...read, frameType: "specific" };
    const readRsp: ZclEvent = { ...read, commandId: 0x01 };
    const undecoded = zclEvent("in", META, Buffer.from("00420000020102", "hex"));
    expect(readAttributeIds(read)).toEqual([0x0200]);
    for (const z of [specific, readRsp, undecoded]) expect(readAttributeIds(z)).toBeUndefined();
  });

  it("carries src/zcl's violations of a device's frame, whoever decoded it; none for the hub's own frames", () => {
    // a Write Attributes Response whose lone record is a failure status without an attribute id
    const raw = Buffer.from("18050486", "hex");
    const violation = {
      field: "writeRsp.records[0]",
      offset: 3,
      what: "status 0x86 without an attribute id (only SUCCESS may stand alone)",
    };
    // herdsman decoded it (no violations given): zclEvent reads them with src/zcl
    const fromHost = zclEvent("in", META, raw, { command: "writeRsp", payload: [{ status: 0x86 }] });
    expect(fromHost.violations).toEqual([violation]);
    // src/zcl decoded it already: its list is taken as it is
    expect(zclEvent("in", META, raw, { command: "writeRsp", payload: {}, violations: [] })).not.toHaveProperty(
      "violations",
    );
    expect(zclEvent("out", META, raw, { command: "writeRsp", payload: {} })).not.toHaveProperty("violations");
    // bytes src/zcl cannot read at all give no violations (and no exception)
    expect(zclEvent("in", META, Buffer.from("0534120723", "hex"))).not.toHaveProperty("violations");
  });

  it("finds the same violations in a device's repeated frame whatever its TSN, and no others in other bytes", () => {
    const violation = {
      field: "writeRsp.records[0]",
      offset: 3,
      what: "status 0x86 without an attribute id (only SUCCESS may stand alone)",
    };
    const decoded = { command: "writeRsp", payload: [{ status: 0x86 }] };
    const first = zclEvent("in", META, Buffer.from("18050486", "hex"), decoded);
    expect(first.violations).toEqual([violation]);
    // each event has its own copy: changing one changes no other
    first.violations![0]!.what = "changed";
    expect(zclEvent("in", META, Buffer.from("18060486", "hex"), decoded).violations).toEqual([violation]);
    expect(zclEvent("in", META, Buffer.from("18050486", "hex"), decoded).violations).toEqual([violation]);
    // the same frame but a SUCCESS record after the TSN: nothing to say
    expect(zclEvent("in", META, Buffer.from("18050400", "hex"), decoded)).not.toHaveProperty("violations");
    // with a manufacturer code the TSN is the fourth byte, and the code itself counts
    const manufacturer = (hex: string) =>
      zclEvent("in", { ...META, clusterId: 0x0000 }, Buffer.from(hex, "hex"), decoded).violations;
    expect(manufacturer("1c3412070486")).toEqual([{ ...violation, offset: 5 }]);
    expect(manufacturer("1c3412080486")).toEqual([{ ...violation, offset: 5 }]);
    expect(manufacturer("1c3412070400")).toBeUndefined();
    // reserved frame control bits are the frame's own, TSN or not
    expect(zclEvent("in", META, Buffer.from("38050400", "hex"), decoded).violations).toEqual([
      { field: "frameControl", offset: 0, what: "reserved bits set (0x38)" },
    ]);
  });
});

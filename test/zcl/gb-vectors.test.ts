import { describe, expect, it } from "vitest";
import { bitNames, decodeZcl, encodeZcl, frameToJson, PTCC, zclUtcToIso } from "../../src/zcl/index.js";
import { bytes, GCS07_COMMAND, GCS09_COMMAND, VECTORS } from "./vectors.js";

describe("GB RTDS vectors through the codec", () => {
  it.each(Object.entries(VECTORS))("%s decodes to exactly the listed fields and re-encodes byte for byte", (_, v) => {
    const frame = decodeZcl(v.clusterId, bytes(v.hex));
    expect(frame).toEqual(v.frame);
    expect(encodeZcl(v.clusterId, frame).toString("hex")).toBe(bytes(v.hex).toString("hex"));
  });

  it("GCS09 implementation time is 2016-11-22T02:46:56Z and PTCC is Clear IHD Data – Consumer only", () => {
    const { payload } = decodeZcl(0x0708, bytes(GCS09_COMMAND.hex));
    expect(zclUtcToIso(payload.implementationDateTime as number)).toBe("2016-11-22T02:46:56Z");
    expect(bitNames(PTCC, payload.proposedTenancyChangeControl as number)).toEqual(["clearIhdDataConsumer"]);
  });

  it("GCS07 keeps 0xFFFF 'until changed' as a number and has no ExtendedMessageControl", () => {
    const { payload } = decodeZcl(0x0703, bytes(GCS07_COMMAND.hex));
    expect(payload.durationInMinutes).toBe(65535);
    expect(payload).not.toHaveProperty("extendedMessageControl");
  });

  it("GCS07 with an ExtendedMessageControl byte decodes it and re-encodes it", () => {
    const withExt = Buffer.concat([bytes(GCS07_COMMAND.hex), Buffer.from([0x01])]);
    const frame = decodeZcl(0x0703, withExt);
    expect(frame.payload.extendedMessageControl).toBe(1);
    expect(encodeZcl(0x0703, frame).equals(withExt)).toBe(true);
  });

  it("presents the GCS09 frame with ISO time and named PTCC bits", () => {
    const json = frameToJson(0x0708, decodeZcl(0x0708, bytes(GCS09_COMMAND.hex)));
    expect(json).toMatchObject({
      cluster: "seDeviceManagement",
      direction: "serverToClient",
      tsn: 0,
      command: "publishChangeOfTenancy",
      payload: {
        providerId: 0,
        issuerEventId: 473385600,
        tariffType: 0,
        implementationDateTime: "2016-11-22T02:46:56Z",
        proposedTenancyChangeControl: 512,
        proposedTenancyChangeControlBits: ["clearIhdDataConsumer"],
      },
    });
  });
});

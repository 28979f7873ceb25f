import { describe, expect, it } from "vitest";
import { attributeId, ClusterId, commandId, SE_PROFILE_ID, Status } from "../../src/zcl/index.js";

describe("the identifiers src/zcl names", () => {
  it("cluster ids by name", () => {
    expect(ClusterId).toEqual({
      basic: 0x0000,
      identify: 0x0003,
      onOff: 0x0006,
      time: 0x000a,
      price: 0x0700,
      metering: 0x0702,
      messaging: 0x0703,
      prepayment: 0x0705,
      deviceManagement: 0x0708,
      events: 0x0709,
      keyEstablishment: 0x0800,
    });
    expect(SE_PROFILE_ID).toBe(0x0109);
  });

  it("attribute and command ids by their src/zcl names; an unknown name throws", () => {
    expect(attributeId(0x0708, "changeOfTenancyUpdateDateTime")).toBe(0x0200);
    expect(attributeId(0x0708, "proposedTenancyChangeControl")).toBe(0x0201);
    expect(attributeId(0x0708, "publishCotReceivedEventConfiguration", { client: true })).toBe(0x06c0);
    expect(() => attributeId(0x0708, "publishCotReceivedEventConfiguration")).toThrow(
      "cluster 0x0708 has no attribute 'publishCotReceivedEventConfiguration'",
    );
    expect(() => attributeId(0x0702, "currentSummationDelivered")).toThrow(/has no attribute/);
    expect(commandId(0x0708, "clientToServer", "getChangeOfTenancy")).toBe(0x00);
    expect(commandId(0x0703, "serverToClient", "displayMessage")).toBe(0x00);
    expect(commandId(0x0705, "clientToServer", "getDebtRepaymentLog")).toBe(0x0a);
    expect(() => commandId(0x0708, "serverToClient", "getChangeOfTenancy")).toThrow(
      "cluster 0x0708 has no serverToClient command 'getChangeOfTenancy'",
    );
  });

  it("ZCL status codes", () => {
    expect(Status).toMatchObject({ SUCCESS: 0, FAILURE: 1, MALFORMED_COMMAND: 0x80, NOT_FOUND: 0x8b });
  });
});

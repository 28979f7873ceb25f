/**
 * What APS link-key security needs of herdsman: its Z-Stack adapter at exactly 11.1.1 (the module reaches into
 * its MT object). Another version or another adapter is refused with a sentence saying what to do.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import {
  herdsmanVersion,
  linkSecurityUnsupported,
  PINNED_HERDSMAN,
  ZStackLinkSecurity,
} from "../../src/host/link-security.js";

describe("link security's requirements", () => {
  it("finds the pinned herdsman installed", () => {
    expect(PINNED_HERDSMAN).toBe("11.1.1");
    expect(herdsmanVersion()).toBe("11.1.1");
    expect(linkSecurityUnsupported("zstack")).toBeUndefined();
  });

  it("refuses another herdsman version", () => {
    expect(linkSecurityUnsupported("zstack", "11.2.0")).toBe(
      "APS link keys reach into zigbee-herdsman 11.1.1's zstack adapter, but 11.2.0 is installed: install zigbee-herdsman 11.1.1 or run with --security off",
    );
  });

  it("takes an EmberZNet coordinator, and refuses any other adapter", () => {
    expect(linkSecurityUnsupported("ember", "11.1.1")).toBeUndefined();
    expect(linkSecurityUnsupported("deconz", "11.1.1")).toMatch(
      /^APS link keys are implemented for Z-Stack and EmberZNet coordinators only \(adapter 'deconz'\)/,
    );
  });
});

describe("ZStackLinkSecurity on herdsman's MT object", () => {
  /** Stands in for herdsman's `adapter.znp`: records requests, emits what the coordinator sends. */
  function fakeZnp() {
    const requests: { subsystem: number; command: string; payload: Record<string, unknown> }[] = [];
    const znp = Object.assign(new EventEmitter(), {
      async request(subsystem: number, command: string, payload: Record<string, unknown>) {
        requests.push({ subsystem, command, payload });
        return { payload: { status: 0 } };
      },
    });
    return { znp, requests };
  }
  const PPMID = "0x000d6f0000000a01";
  const IHD = "0x000d6f0000000b01";
  const nwkOf: Record<string, number> = { [PPMID]: 0x1111, [IHD]: 0x2222 };
  const ieeeOf = (nwk: number) => Object.keys(nwkOf).find((k) => nwkOf[k] === nwk);

  it("installs a key with ZDO setLinkKey, then adds EN_SECURITY to the hub's SE data requests to that device only", async () => {
    const { znp, requests } = fakeZnp();
    const sec = new ZStackLinkSecurity({ znp } as never, { isSeEndpoint: (ep) => ep === 2, ieeeOf });
    const data = (dstaddr: number, srcendpoint: number, clusterid: number) => ({
      dstaddr,
      destendpoint: 1,
      srcendpoint,
      clusterid,
      transid: 1,
      options: 0,
      radius: 30,
      len: 3,
      data: Buffer.from("000100", "hex"),
    });
    await znp.request(4, "dataRequest", data(0x1111, 2, 0x0702));
    const key = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    await sec.install({ ieee: PPMID, nwk: 0x1111 }, key);
    expect(requests[1]).toEqual({
      subsystem: 5,
      command: "setLinkKey",
      payload: { shortaddr: 0x1111, ieeeaddr: PPMID, linkkey: key },
    });
    await znp.request(4, "dataRequest", data(0x1111, 2, 0x0702)); // Metering from the GPF: secured
    await znp.request(4, "dataRequest", data(0x1111, 2, 0x0000)); // Basic: network security only
    await znp.request(4, "dataRequest", data(0x1111, 2, 0x0800)); // Key Establishment: network security only
    await znp.request(4, "dataRequest", data(0x1111, 1, 0x0702)); // not from a hub SE endpoint
    await znp.request(4, "dataRequest", data(0x2222, 2, 0x0702)); // the IHD: no key
    expect(requests.filter((r) => r.command === "dataRequest").map((r) => r.payload.options)).toEqual([
      0, 0x40, 0, 0, 0, 0,
    ]);
    expect(sec.wouldSecure(0x1111, 2, 0x0703)).toBe(true);
    expect(sec.wouldSecure(0x2222, 2, 0x0703)).toBe(false);
    sec.close();
    await znp.request(4, "dataRequest", data(0x1111, 2, 0x0702));
    expect(requests.at(-1)!.payload.options).toBe(0);
  });

  it("reads SecurityUse off AF incomingMsg for the frame the adapter hands on", () => {
    const { znp } = fakeZnp();
    const sec = new ZStackLinkSecurity({ znp } as never, { isSeEndpoint: () => true, ieeeOf });
    const secured = Buffer.from("000100", "hex");
    const plain = Buffer.from("000200", "hex");
    const incoming = (data: Buffer, securityuse: number) =>
      znp.emit("received", {
        type: 2,
        subsystem: 4,
        command: { name: "incomingMsg" },
        payload: { srcaddr: 0x1111, clusterid: 0x0702, securityuse, data },
      });
    incoming(secured, 1);
    incoming(plain, 0);
    const payload = (data: Buffer) => ({ data, address: 0x1111, clusterID: 0x0702 }) as never;
    expect(sec.securityOf(payload(secured))).toBe(true);
    expect(sec.securityOf(payload(plain))).toBe(false);
    sec.close();
  });
});

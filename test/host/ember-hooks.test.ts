/**
 * The host's hooks on herdsman 11.1.1's ember adapter (src/host/ember-hooks.ts): the hub's SE endpoints in
 * the list the adapter registers with EZSP addEndpoint, Smart Energy frames let through the incoming filter,
 * the version pin, the EPID byte order, and SE multi-command replies split to the NCP's APS payload.
 */
import { EventEmitter } from "node:events";
import { FIXED_ENDPOINTS } from "zigbee-herdsman/dist/adapter/ember/adapter/endpoints.js";
import { Ezsp } from "zigbee-herdsman/dist/adapter/ember/ezsp/ezsp.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  emberExtendedPanId,
  emberHooksProblem,
  hookEmberIncoming,
  patchEmberEndpoints,
  restoreEmberEndpoints,
} from "../../src/host/ember-hooks.js";
import { splitToFit } from "../../src/host/router.js";
import { ClusterId, encodeZcl } from "../../src/zcl/index.js";

const GPF = { role: "gpf" as const, endpoint: 2, inClusters: [0x0700, 0x0702, 0x0708], outClusters: [0x000a] };
const ESME = { role: "esme" as const, endpoint: 3, inClusters: [0x0702] };

afterEach(() => restoreEmberEndpoints());

describe("ember endpoints", () => {
  it("registers herdsman's HA and Green Power endpoints first, then the hub's with the SE profile", () => {
    const list = patchEmberEndpoints([GPF, ESME]);
    expect(list.map((e) => [e.endpoint, e.profileId])).toEqual([
      [1, 0x0104],
      [242, 0xa1e0],
      [2, 0x0109],
      [3, 0x0109],
    ]);
    expect(list[2]).toMatchObject({
      deviceId: 0x0500,
      inClusterList: [0x0700, 0x0702, 0x0708],
      outClusterList: [0x000a],
      networkIndex: 0,
      multicastIds: [],
    });
    expect(list[3]).toMatchObject({ deviceId: 0x0501, inClusterList: [0x0702], outClusterList: [] });
    // the adapter reads the list it exports
    expect(FIXED_ENDPOINTS).toBe(list);
  });

  it("starts again from the shipped list each time, and restores it", () => {
    patchEmberEndpoints([GPF, ESME]);
    patchEmberEndpoints([{ ...GPF, endpoint: 4 }]);
    expect(FIXED_ENDPOINTS.map((e) => e.endpoint)).toEqual([1, 242, 4]);
    restoreEmberEndpoints();
    expect(FIXED_ENDPOINTS.map((e) => e.endpoint)).toEqual([1, 242]);
  });

  it("refuses herdsman's Green Power endpoint and one endpoint given twice", () => {
    expect(() => patchEmberEndpoints([{ ...GPF, endpoint: 242 }])).toThrow(/1\.\.240|reserved/);
    expect(() => patchEmberEndpoints([GPF, { ...ESME, endpoint: 2 }])).toThrow(/given twice/);
    expect(FIXED_ENDPOINTS.map((e) => e.endpoint)).toEqual([1, 242]);
  });

  it("puts an ESI on endpoint 1 (layout silabs) in the place of the primary entry, keeping its groups", () => {
    const shipped = FIXED_ENDPOINTS[0]!;
    patchEmberEndpoints([
      { ...GPF, endpoint: 1, deviceId: 0x0500 },
      { ...ESME, endpoint: 2 },
    ]);
    expect(FIXED_ENDPOINTS.map((e) => [e.endpoint, e.profileId, e.deviceId])).toEqual([
      [1, 0x0109, 0x0500],
      [242, 0xa1e0, 0x0066],
      [2, 0x0109, 0x0501],
    ]);
    expect(FIXED_ENDPOINTS[0]!.multicastIds).toEqual(shipped.multicastIds);
    expect(FIXED_ENDPOINTS[0]!.networkIndex).toBe(shipped.networkIndex);
    restoreEmberEndpoints();
    expect(FIXED_ENDPOINTS[0]!.profileId).toBe(0x0104);
  });
});

describe("the version pin", () => {
  it("fits the installed herdsman, and names another version as the problem", () => {
    expect(emberHooksProblem()).toBeUndefined();
    expect(emberHooksProblem("11.2.0")).toMatch(/written for zigbee-herdsman 11\.1\.1, but 11\.2\.0 is installed/);
  });
});

describe("incoming Smart Energy frames", () => {
  /** What herdsman's Ezsp instance emits for one incomingMessageHandler callback. */
  function deliver(profileId: number): unknown[][] {
    const ezsp = new EventEmitter();
    const seen: unknown[][] = [];
    ezsp.on("incomingMessage", (...args: unknown[]) => seen.push(args));
    const apsFrame = {
      profileId,
      clusterId: 0x0708,
      sourceEndpoint: 1,
      destinationEndpoint: 2,
      options: 0,
      groupId: 0,
      sequence: 7,
    };
    const packetInfo = { lastHopLqi: 200, senderShortId: 0x1234 };
    const handler = Ezsp.prototype.ezspIncomingMessageHandler as (...a: unknown[]) => void;
    handler.call(ezsp, 0, apsFrame, packetInfo, Buffer.from("000100", "hex"));
    return seen;
  }

  it("are dropped by herdsman's filter as shipped, and passed on once hooked, as HA frames are", () => {
    expect(deliver(0x0109)).toEqual([]);
    expect(deliver(0x0104)).toHaveLength(1);
    hookEmberIncoming();
    hookEmberIncoming(); // once per process, however often the host starts
    const se = deliver(0x0109);
    expect(se).toHaveLength(1);
    expect(se[0]).toEqual([
      0,
      expect.objectContaining({ profileId: 0x0109, destinationEndpoint: 2 }),
      200,
      0x1234,
      Buffer.from("000100", "hex"),
    ]);
    expect(deliver(0x0104)).toHaveLength(1);
    // a profile herdsman drops stays dropped
    expect(deliver(0x7f01)).toEqual([]);
  });
});

describe("extended PAN id", () => {
  it("goes to the ember adapter in the NCP's byte order (little-endian)", () => {
    expect(emberExtendedPanId("0x00124b0001020304")).toEqual([0x04, 0x03, 0x02, 0x01, 0x00, 0x4b, 0x12, 0x00]);
  });
});

describe("replies longer than the NCP's APS payload", () => {
  const topUp = (i: number) => ({
    topUpCode: Buffer.from(`T1-UTRN-25495755${i}`),
    topUpAmount: 4000 + i,
    topUpTime: 846594060 + i,
  });
  const encode = (payload: Record<string, unknown>) =>
    encodeZcl(ClusterId.prepayment, {
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: true,
      tsn: 26,
      command: "publishTopUpLog",
      commandId: 0x05,
      payload,
    });
  const log = { commandIndex: 0, totalCommands: 1, topUps: [0, 1, 2, 3, 4].map(topUp) };

  it("go as several commands of the multi-command response, each within the payload, in order", () => {
    expect(encode(log).length).toBeGreaterThan(82);
    const parts = splitToFit(log, encode, 82);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(82);
    // header: frame control, TSN, command; then commandIndex, totalCommands
    expect(parts.map((p) => [p[1], p[2], p[3], p[4]])).toEqual(parts.map((_, i) => [26, 0x05, i, parts.length]));
    expect(Buffer.concat(parts.map((p) => p.subarray(5)))).toEqual(encode(log).subarray(5));
  });

  it("go whole when they fit, when there is no limit, or when they are not multi-command responses", () => {
    expect(splitToFit({ ...log, topUps: [topUp(0)] }, encode, 82)).toHaveLength(1);
    expect(splitToFit(log, encode, undefined)).toEqual([encode(log)]);
    const { commandIndex: _i, totalCommands: _t, ...single } = log;
    const plain = (p: Record<string, unknown>) => encode({ commandIndex: 0, totalCommands: 1, ...p });
    expect(splitToFit(single, plain, 82)).toHaveLength(1);
  });
});

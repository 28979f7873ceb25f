/**
 * A bench run's discovery evidence from the ZDO requests the coordinator passes on: requests built by
 * herdsman's ZDO codec (the peer we did not write), answers worked out from the hub's endpoints (layout
 * default, single-dongle mode): 2 the GPF's ESI, 3 the ESME, 4 the GPF's gas mirror.
 */
import { describe, expect, it } from "vitest";
import { Zdo } from "zigbee-herdsman";
import { discoveryRecorder } from "../../src/runner/discovery-recorder.js";
import { makeHub } from "../hub/fixture.js";

const DUT = "0x0d6f000000000001";
const HUB = "0x00124b0000000001";

function recorder() {
  const { hub, evidence } = makeHub();
  const seen = discoveryRecorder({ hub, evidence, duts: new Set([DUT]), responder: () => HUB });
  const from = (ieee: string | undefined, clusterId: number, body: Buffer) =>
    seen({ srcNwk: 0x1234, clusterId, broadcast: false, body, ieee });
  const request = (clusterId: number, body: Buffer) => from(DUT, clusterId, body);
  return { request, from, discoveries: () => evidence.events.filter((e) => e.kind === "discovery") };
}

/** A request body as herdsman builds it (without a ZDO sequence number, as the coordinator passes it on). */
const body = (cluster: Zdo.ClusterId, ...args: unknown[]) =>
  (Zdo.Buffalo.buildRequest as (...a: unknown[]) => Buffer)(false, cluster, ...args);
const matchDesc = (profileId: number, inClusters: number[], outClusters: number[] = []) =>
  body(Zdo.ClusterId.MATCH_DESCRIPTORS_REQUEST, 0x0000, profileId, inClusters, outClusters);

describe("discoveryRecorder", () => {
  it.each([
    ["Smart Energy, Metering", 0x0109, [0x0702], [3, 4]],
    ["any profile (0xFFFF), Device Management", 0xffff, [0x0708], [2, 3]],
    ["Smart Energy, Time (the hub alone)", 0x0109, [0x000a], [2]],
    ["Smart Energy, a cluster the hub does not serve", 0x0109, [0x0b04], []],
    ["Home Automation, Metering", 0x0104, [0x0702], []],
  ])("Match_Desc, %s: endpoints %j", (_name, profileId, inClusters, endpoints) => {
    const r = recorder();
    r.request(Zdo.ClusterId.MATCH_DESCRIPTORS_REQUEST, matchDesc(profileId, inClusters));
    expect(r.discoveries()).toMatchObject([{ device: DUT, request: "matchDesc", endpoints, responder: HUB }]);
  });

  it("a truncated Match_Desc is recorded as matching nothing", () => {
    const r = recorder();
    const whole = matchDesc(0x0109, [0x0702, 0x0708]);
    r.request(Zdo.ClusterId.MATCH_DESCRIPTORS_REQUEST, whole.subarray(0, whole.length - 1));
    expect(r.discoveries()).toMatchObject([{ request: "matchDesc", endpoints: [] }]);
  });

  it("Simple_Desc of a hub endpoint gives its server clusters; of another endpoint nothing", () => {
    const r = recorder();
    r.request(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, body(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, 0x0000, 3));
    r.request(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, body(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, 0x0000, 9));
    r.request(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, Buffer.from([0x00, 0x00])); // no endpoint: not recorded
    expect(r.discoveries()).toMatchObject([
      {
        request: "simpleDesc",
        endpoints: [3],
        clusters: [0x0000, 0x0700, 0x0702, 0x0703, 0x0705, 0x0708],
        responder: HUB,
      },
      { request: "simpleDesc", endpoints: [] },
    ]);
    expect(r.discoveries()[1]).not.toHaveProperty("clusters");
  });

  it("records only the devices under test", () => {
    const r = recorder();
    r.from("0x0d6f000000000002", Zdo.ClusterId.MATCH_DESCRIPTORS_REQUEST, matchDesc(0x0109, [0x0702]));
    r.from(undefined, Zdo.ClusterId.MATCH_DESCRIPTORS_REQUEST, matchDesc(0x0109, [0x0702]));
    expect(r.discoveries()).toEqual([]);
  });
});

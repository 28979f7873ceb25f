/** Unsolicited frames from the hub: DisplayMessage, CancelMessage, CancelAllMessages, PublishChangeOfTenancy. */
import { afterEach, describe, expect, it } from "vitest";
import { msToZclUtc } from "../../../src/hub/clock.js";
import { DISPLAY_ENDPOINT, type EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { Cluster, encodeDisplayMessage } from "../../../src/virtual/devices/se-payloads.js";
import { Writer, decodeFrame, encodeFrame } from "../../../src/virtual/devices/zcl-bytes.js";
import type { ProfileName } from "../../../src/virtual/devices/profiles.js";
import { GPF_EP, HOUR, TestHan } from "./han-fixture.js";
import { consumptionTenancies } from "./helpers.js";

let han: TestHan;
afterEach(() => han?.close());

/** Sends a server → client command from the coordinator's GPF endpoint; resolves with the device's answer, if any. */
async function push(
  d: EmulatedSeDevice,
  clusterId: number,
  commandId: number,
  payload: Buffer,
): Promise<Buffer | undefined> {
  const frame = encodeFrame(
    { frameType: 1, serverToClient: true, disableDefaultResponse: false, tsn: 0x55, commandId },
    payload,
  );
  const answers: Buffer[] = [];
  const stop = han.medium.onFrame((r) => {
    if (r.frame.srcNwk === d.nwk && r.frame.clusterId === clusterId && r.frame.dstEp === GPF_EP)
      answers.push(r.frame.payload);
  });
  han.coordinator.sendZcl({ nwk: d.nwk!, ep: DISPLAY_ENDPOINT }, clusterId, frame, {
    srcEp: GPF_EP,
    profileId: 0x0109,
  });
  await new Promise((r) => setTimeout(r, 20));
  stop();
  return answers[0];
}

async function setup(profile: ProfileName = "compliant"): Promise<EmulatedSeDevice> {
  han = new TestHan();
  await han.start();
  return han.add({ kind: "ihd", profile });
}

const display = (messageId: number, message: string) =>
  encodeDisplayMessage({ messageId, messageControl: 0, startTime: 0, durationInMinutes: 0xffff, message });

describe("pushes", () => {
  it("stores a pushed DisplayMessage, answers with Default Response SUCCESS, and honours CancelMessage and CancelAllMessages", async () => {
    const d = await setup();
    const answer = await push(d, Cluster.messaging, 0x00, display(77, "pushed"));
    expect(answer && decodeFrame(answer)).toMatchObject({
      frameType: 0,
      commandId: 0x0b,
      payload: Buffer.from([0x00, 0x00]),
    });
    expect(d.holdings().messages).toContainEqual({ messageId: 77, text: "pushed" });

    await push(d, Cluster.messaging, 0x01, new Writer().u32(77).u8(0).bytes());
    expect(d.holdings().messages.map((m) => m.messageId)).not.toContain(77);

    await push(d, Cluster.messaging, 0x00, display(78, "another"));
    await push(d, Cluster.messaging, 0x03, new Writer().u32(0).bytes());
    expect(d.holdings().messages).toEqual([]);
  });

  it("answers an unknown or malformed command with a Default Response error", async () => {
    const d = await setup();
    const unknown = await push(d, Cluster.price, 0x09, Buffer.alloc(0));
    expect(unknown && decodeFrame(unknown).payload).toEqual(Buffer.from([0x09, 0x81]));
    const short = await push(d, Cluster.messaging, 0x00, Buffer.from([1, 2]));
    expect(short && decodeFrame(short).payload).toEqual(Buffer.from([0x00, 0x80]));
    expect(d.client.errors.length).toBe(1);
  });

  for (const [profile, acts] of [
    ["compliant", true],
    ["no-query", false],
  ] as const) {
    it(`${profile}: a pushed PublishChangeOfTenancy ${acts ? "is acted on at once" : "is ignored"}`, async () => {
      const d = await setup(profile);
      await han.clock.advance(HOUR);
      const cot = han.hub.performCot(); // the hub's data switches now; the device hears it by push
      const payload = new Writer().u32(0).u32(1).u8(0).u32(msToZclUtc(cot.dateMs)).u32(0x600).bytes();
      await push(d, Cluster.deviceManagement, 0x00, payload);
      expect(d.client.clears.map((c) => c.why)).toEqual(acts ? ["push"] : []);
      expect(d.holdings().consumption.length > 0 && consumptionTenancies(d.holdings()).has(1)).toBe(!acts);
    });
  }
});

/** Unsolicited frames from the hub: DisplayMessage, CancelMessage, CancelAllMessages, PublishChangeOfTenancy. */
import { afterEach, describe, expect, it } from "vitest";
import { msToZclUtc } from "../../../src/hub/clock.js";
import { DISPLAY_ENDPOINT, type EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { ClusterId } from "../../../src/zcl/index.js";
import { decodeZcl, encodeZcl } from "../../../src/zcl/index.js";
import type { ProfileName } from "../../../src/virtual/devices/profiles.js";
import { GPF_EP, HOUR, TestHan } from "./han-fixture.js";
import { periodsBefore } from "./helpers.js";

let han: TestHan;
afterEach(() => han?.close());

/** A server → client command as src/zcl encodes it. */
const command = (clusterId: number, name: string, payload: Record<string, unknown>) =>
  encodeZcl(clusterId, {
    frameType: "specific",
    direction: "serverToClient",
    disableDefaultResponse: false,
    tsn: 0x55,
    command: name,
    payload,
  });

/** The Default Response payload of a device's answer, decoded by src/zcl. */
const defaultRsp = (clusterId: number, answer: Buffer | undefined) => {
  const f = answer && decodeZcl(clusterId, answer);
  expect(f).toMatchObject({ frameType: "global", direction: "clientToServer", tsn: 0x55, command: "defaultRsp" });
  return f!.payload;
};

/**
 * Sends a server → client frame (Default Response asked) from the coordinator's GPF endpoint and resolves
 * with the device's answer: the frame it sends back on that cluster with the push's TSN. The device answers
 * once it has handled the push, so what the push changed is in place when this resolves.
 */
function push(d: EmulatedSeDevice, clusterId: number, frame: Buffer): Promise<Buffer> {
  const tsn = frame[1];
  return new Promise((resolve) => {
    const stop = han.medium.onFrame((r) => {
      const f = r.frame;
      if (f.srcNwk !== d.nwk || f.clusterId !== clusterId || f.dstEp !== GPF_EP || f.payload[1] !== tsn) return;
      stop();
      resolve(f.payload);
    });
    han.coordinator.sendZcl({ nwk: d.nwk!, ep: DISPLAY_ENDPOINT }, clusterId, frame, {
      srcEp: GPF_EP,
      profileId: 0x0109,
    });
  });
}

async function setup(profile: ProfileName = "compliant"): Promise<EmulatedSeDevice> {
  han = new TestHan();
  await han.start();
  return han.add({ kind: "ihd", profile });
}

const display = (messageId: number, message: string) =>
  command(ClusterId.messaging, "displayMessage", {
    messageId,
    messageControl: 0,
    startTime: 0,
    durationInMinutes: 0xffff,
    message,
  });

describe("pushes", () => {
  it("stores a pushed DisplayMessage, answers with Default Response SUCCESS, and honours CancelMessage and CancelAllMessages", async () => {
    const d = await setup();
    const answer = await push(d, ClusterId.messaging, display(77, "pushed £5 credit"));
    expect(defaultRsp(ClusterId.messaging, answer)).toEqual({ commandId: 0x00, status: 0x00 });
    expect(d.holdings().messages).toContainEqual(expect.objectContaining({ messageId: 77, text: "pushed £5 credit" }));

    await push(
      d,
      ClusterId.messaging,
      command(ClusterId.messaging, "cancelMessage", { messageId: 77, messageControl: 0 }),
    );
    expect(d.holdings().messages.map((m) => m.messageId)).not.toContain(77);

    await push(d, ClusterId.messaging, display(78, "another"));
    await push(
      d,
      ClusterId.messaging,
      command(ClusterId.messaging, "cancelAllMessages", { implementationDateTime: 0 }),
    );
    expect(d.holdings().messages).toEqual([]);
  });

  it("takes the GB GCS07 DisplayMessage and GCS09 PublishChangeOfTenancy vectors (domain.md §16) byte for byte", async () => {
    const d = await setup();
    const hex = (s: string) => Buffer.from(s.replace(/ /g, ""), "hex");
    const gcs07 = hex("09 00 00 80 4A 37 1C 00 00 00 00 00 FF FF 05 52 65 73 65 74");
    expect(await push(d, ClusterId.messaging, gcs07)).toBeDefined();
    expect(d.holdings().messages).toContainEqual(expect.objectContaining({ messageId: 0x1c374a80, text: "Reset" }));
    const gcs09 = hex("09 00 00 00 00 00 00 80 4A 37 1C 00 20 6E C6 1F 00 02 00 00");
    await push(d, ClusterId.deviceManagement, gcs09);
    // 2016-11-22T02:46:56Z is long past: acted on at once for the GPF's data, whatever the control bits (0x200)
    expect(d.client.clears).toMatchObject([
      {
        why: "push",
        dateMs: Date.parse("2016-11-22T02:46:56Z"),
        control: 0x200,
        meters: ["gpf"],
        history: true,
        messages: true,
      },
    ]);
    // nothing was held of before 2016, and "Reset" came after that date: both stay
    expect(d.holdings().messages.map((m) => m.text)).toContain("Reset");
  });

  it("answers an unknown or malformed command with a Default Response error", async () => {
    const d = await setup();
    // frame control 0x09: cluster-specific, server → client; TSN 0x55
    const unknown = await push(d, ClusterId.price, Buffer.from([0x09, 0x55, 0x09]));
    expect(defaultRsp(ClusterId.price, unknown)).toEqual({ commandId: 0x09, status: 0x81 });
    const short = await push(d, ClusterId.messaging, Buffer.from([0x09, 0x55, 0x00, 1, 2]));
    expect(defaultRsp(ClusterId.messaging, short)).toEqual({ commandId: 0x00, status: 0x80 });
    expect(d.client.errors.length).toBe(1);
  });

  for (const [profile, acts] of [
    ["compliant", true],
    ["no-query", false],
  ] as const) {
    it(`${profile}: a pushed PublishChangeOfTenancy ${acts ? "is acted on at once" : "is ignored"}`, async () => {
      const d = await setup(profile);
      await han.clock.advance(HOUR);
      const cot = han.hub.performCot(); // the device hears it by push from the GPF
      const frame = command(ClusterId.deviceManagement, "publishChangeOfTenancy", {
        providerId: 0,
        issuerEventId: 1,
        tariffType: 0,
        implementationDateTime: msToZclUtc(cot.dateMs),
        proposedTenancyChangeControl: 0x600,
      });
      await push(d, ClusterId.deviceManagement, frame);
      expect(d.client.clears.map((c) => c.why)).toEqual(acts ? ["push"] : []);
      const gas = { ...d.holdings(), consumption: d.holdings().consumption.filter((v) => v.role === "gpf") };
      expect(periodsBefore(gas, cot.dateMs).length > 0).toBe(!acts);
    });
  }
});

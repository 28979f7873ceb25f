/**
 * A virtual HAN for device-level tests without herdsman: the real HanMedium, a small coordinator node
 * (nwk 0) that is the trust centre and serves the GPF endpoint straight from a FakeHub, and the ESME node.
 */
import { SteppedClock } from "../../../src/hub/clock.js";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import { EmulatedNode } from "../../../src/virtual/han/node.js";
import type { ApsFrame, TrustCentre } from "../../../src/virtual/han/types.js";
import type { ZclHeader } from "../../../src/zcl/index.js";
import { ESME_SERVER_CLUSTERS, EmulatedEsme } from "../../../src/virtual/devices/esme.js";
import { deviceIdentity } from "../../../src/virtual/registry.js";
import type { ProfileName, SeDeviceKind } from "../../../src/virtual/devices/profiles.js";
import { SE_PROFILE_ID } from "../../../src/zcl/index.js";
import { EmulatedSeDevice } from "../../../src/virtual/devices/se-device.js";
import { FakeHub } from "./fake-hub.js";

export const GPF_EP = 0x40;
export const START = Date.UTC(2026, 10, 2, 8, 0, 0); // a Monday morning
export const MIN = 60_000;
export const HOUR = 60 * MIN;

class TestTrustCentre implements TrustCentre {
  readonly codes = new Map<string, string>();
  readonly addresses = new Map<string, number>();
  refuseReason(ieee: string, code: Buffer | undefined): string | undefined {
    const known = this.codes.get(ieee);
    if (!known) return "not in the Device Log";
    return code?.toString("hex") === known ? undefined : "install code does not match";
  }
  rememberedAddress(ieee: string): number | undefined {
    return this.addresses.get(ieee);
  }
  deviceJoined(ieee: string, nwk: number): void {
    this.addresses.set(ieee, nwk);
  }
  deviceLeft(): void {}
}

/** The coordinator: answers ZDO from its GPF endpoint and hands GPF frames to the hub. */
class TestCoordinator extends EmulatedNode {
  constructor(
    readonly han: TestHan,
    medium: HanMedium,
  ) {
    super({
      ieee: "0x00124b0000c0ffee",
      clock: han.clock,
      medium,
      label: "coordinator",
      endpoints: [
        {
          endpoint: GPF_EP,
          profileId: SE_PROFILE_ID,
          deviceId: 0x0501,
          deviceVersion: 1,
          inClusters: ESME_SERVER_CLUSTERS,
          outClusters: [],
        },
      ],
    });
  }
  protected override handleZcl(frame: ApsFrame, header: ZclHeader): Buffer | undefined | Promise<Buffer | undefined> {
    if (frame.dstEp !== GPF_EP) return super.handleZcl(frame, header);
    const device = this.medium.member(frame.srcNwk)?.ieee ?? "unknown";
    const answer = this.han.hub.handleFrame(
      { device, nwk: frame.srcNwk, deviceEp: frame.srcEp, hubEp: GPF_EP, role: "gpf" },
      frame.clusterId,
      frame.payload,
    );
    const delayMs = this.han.gpfAnswerDelayMs.get(frame.clusterId);
    if (!delayMs) return answer;
    // answered as late as a loaded machine answers: the frame goes out once `delayMs` real ms have passed
    const late = new Promise<Buffer | undefined>((resolve) => setTimeout(() => resolve(answer), delayMs));
    this.han.lateAnswers.push(late);
    return late;
  }
}

export interface AddDevice {
  kind: SeDeviceKind;
  profile: ProfileName;
  pollIntervalMs?: number;
  firstPollDelayMs?: number;
  /** Real ms the device waits for an answer (default 500). */
  responseTimeoutMs?: number;
}

export class TestHan {
  readonly clock = new SteppedClock(START);
  readonly medium = new HanMedium({ seed: 7 });
  readonly hub = new FakeHub(this.clock);
  readonly tc = new TestTrustCentre();
  readonly coordinator: TestCoordinator;
  readonly esme: EmulatedEsme;
  readonly devices: EmulatedSeDevice[] = [];
  /** Real ms the GPF takes to answer a request on a cluster (cluster id → ms); absent: at once. */
  readonly gpfAnswerDelayMs = new Map<number, number>();
  /** The GPF's answers sent late (gpfAnswerDelayMs), each resolving as it goes out. */
  readonly lateAnswers: Promise<unknown>[] = [];
  #index = 0;

  constructor(readonly seed = 42) {
    this.coordinator = new TestCoordinator(this, this.medium);
    this.medium.setCoordinator(this.coordinator, this.tc);
    this.coordinator.restore(0);
    this.medium.permitJoin(255);
    const id = this.#identity();
    this.esme = new EmulatedEsme({ ...id, clock: this.clock, medium: this.medium, hub: this.hub });
  }

  #identity() {
    const id = deviceIdentity(this.seed, this.#index++);
    this.tc.codes.set(id.ieee, id.installCode.toString("hex"));
    return id;
  }

  async start(): Promise<void> {
    await this.esme.join();
  }

  /** Creates a device (in the Device Log) and joins it; resolves after its first poll. */
  async add(opts: AddDevice): Promise<EmulatedSeDevice> {
    const id = this.#identity();
    const device = new EmulatedSeDevice({
      ...id,
      kind: opts.kind,
      profile: opts.profile,
      clock: this.clock,
      medium: this.medium,
      broadcastWindowMs: 20,
      responseTimeoutMs: opts.responseTimeoutMs ?? 500,
      ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
      ...(opts.firstPollDelayMs !== undefined ? { firstPollDelayMs: opts.firstPollDelayMs } : {}),
    });
    this.devices.push(device);
    await device.join();
    return device;
  }

  close(): void {
    for (const d of this.devices) d.dispose();
    this.esme.dispose();
    this.coordinator.dispose();
    this.medium.close();
  }
}

/**
 * A stand-in for herdsman's adapter (herdsman.md §14.2): `Adapter.create` is patched to return it, then
 * the test drives adapter events (`deviceJoined`, `zclPayload`) and looks at what herdsman and the host
 * sent (`sent`, `zdo`, `installCodes`).
 */
import { EventEmitter } from "node:events";
import { Zcl, Zdo } from "zigbee-herdsman";
import { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";
import type { ZclFrame } from "zigbee-herdsman/dist/zspec/zcl/zclFrame.js";

export const COORDINATOR_IEEE = "0x00124b00cafe0001";

export interface SentFrame {
  ieee: string;
  nwk: number;
  ep: number;
  srcEp: number | undefined;
  profileId: number | undefined;
  frame: ZclFrame;
  hex: string;
}

export interface FakeDevice {
  ieee: string;
  nwk: number;
  endpoints: { id: number; profileId: number; deviceId: number; in: number[]; out: number[] }[];
}

export class FakeAdapter extends EventEmitter {
  hasZdoMessageOverhead = false;
  manufacturerID = 0x1234;
  readonly sent: SentFrame[] = [];
  readonly zdo: { nwk: number; clusterId: number }[] = [];
  readonly installCodes: { ieee: string; key: Buffer; hashed: boolean }[] = [];
  readonly devices = new Map<number, FakeDevice>();
  /** Resolves the next time a frame is sent. */
  #waiters: { match: (f: SentFrame) => boolean; resolve: (f: SentFrame) => void }[] = [];
  #zdoWaiters: { clusterId: number; resolve: () => void }[] = [];

  async start(): Promise<"resumed"> {
    return "resumed";
  }
  async stop(): Promise<void> {}
  async permitJoin(): Promise<void> {}
  async supportsBackup(): Promise<boolean> {
    return false;
  }
  async backup(): Promise<never> {
    throw new Error("no backup");
  }
  async getCoordinatorIEEE(): Promise<string> {
    return COORDINATOR_IEEE;
  }
  async getCoordinatorVersion(): Promise<{ type: string; meta: Record<string, unknown> }> {
    return { type: "fake", meta: {} };
  }
  async getNetworkParameters(): Promise<{
    panID: number;
    extendedPanID: string;
    channel: number;
    nwkUpdateID: number;
  }> {
    return { panID: 0x1a62, extendedPanID: COORDINATOR_IEEE, channel: 15, nwkUpdateID: 0 };
  }
  async addInstallCode(ieee: string, key: Buffer, hashed: boolean): Promise<void> {
    this.installCodes.push({ ieee, key: Buffer.from(key), hashed });
  }
  async sendZclFrameToAll(): Promise<void> {}
  waitFor(): { promise: Promise<never>; cancel: () => void } {
    return { promise: new Promise(() => {}), cancel() {} };
  }

  async sendZclFrameToEndpoint(
    ieee: string,
    nwk: number,
    ep: number,
    frame: ZclFrame,
    _timeout: number,
    _disableResponse: boolean,
    _disableRecovery: boolean,
    srcEp?: number,
    profileId?: number,
  ): Promise<undefined> {
    const s: SentFrame = { ieee, nwk, ep, srcEp, profileId, frame, hex: frame.toBuffer().toString("hex") };
    this.sent.push(s);
    const [hit, rest] = [this.#waiters.filter((w) => w.match(s)), this.#waiters.filter((w) => !w.match(s))];
    this.#waiters = rest;
    for (const w of hit) w.resolve(s);
    return undefined;
  }

  /** Resolves with the next frame sent (that `match` accepts). */
  nextSent(match: (f: SentFrame) => boolean = () => true): Promise<SentFrame> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Resolves the next time a ZDO request of `clusterId` is sent. */
  nextZdo(clusterId: number): Promise<void> {
    return new Promise((resolve) => this.#zdoWaiters.push({ clusterId, resolve }));
  }

  async sendZdo(_ieee: string, nwk: number, clusterId: number): Promise<unknown> {
    this.zdo.push({ nwk, clusterId });
    for (const w of this.#zdoWaiters.filter((x) => x.clusterId === clusterId)) w.resolve();
    this.#zdoWaiters = this.#zdoWaiters.filter((x) => x.clusterId !== clusterId);
    const ok = Zdo.Status.SUCCESS;
    const eps =
      nwk === 0
        ? [{ id: 1, profileId: 0x0104, deviceId: 5, in: [], out: [] }]
        : (this.devices.get(nwk)?.endpoints ?? []);
    switch (clusterId) {
      case Zdo.ClusterId.NODE_DESCRIPTOR_REQUEST:
        return [
          ok,
          {
            nwkAddress: nwk,
            logicalType: nwk === 0 ? 0 : 2,
            manufacturerCode: 0x1234,
            serverMask: { stackComplianceRevision: 22 },
          },
        ];
      case Zdo.ClusterId.ACTIVE_ENDPOINTS_REQUEST:
        return [ok, { nwkAddress: nwk, endpointList: eps.map((e) => e.id) }];
      case Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST: {
        const e = eps[0];
        return [
          ok,
          {
            nwkAddress: nwk,
            length: 0,
            endpoint: e?.id ?? 1,
            profileId: e?.profileId ?? 0x0104,
            deviceId: e?.deviceId ?? 5,
            deviceVersion: 0,
            inClusterList: e?.in ?? [],
            outClusterList: e?.out ?? [],
          },
        ];
      }
      case Zdo.ClusterId.LEAVE_REQUEST:
        return [ok, undefined];
      default:
        return [Zdo.Status.NOT_SUPPORTED, undefined];
    }
  }

  /** A device joins (the trust centre's indication). */
  join(device: FakeDevice): void {
    this.devices.set(device.nwk, device);
    this.emit("deviceJoined", { networkAddress: device.nwk, ieeeAddr: device.ieee });
  }

  /** A ZCL frame from a device endpoint to a coordinator endpoint. */
  deliver(opts: {
    nwk: number;
    srcEp: number;
    dstEp: number;
    clusterId: number;
    bytes: Buffer;
    broadcast?: boolean;
    linkquality?: number;
  }): void {
    this.emit("zclPayload", {
      clusterID: opts.clusterId,
      address: opts.nwk,
      header: Zcl.Header.fromBuffer(opts.bytes),
      data: opts.bytes,
      endpoint: opts.srcEp,
      linkquality: opts.linkquality ?? 200,
      groupID: 0,
      wasBroadcast: opts.broadcast ?? false,
      destinationEndpoint: opts.dstEp,
    });
  }
}

/** Makes herdsman's Controller use `fake`; returns a function that undoes it. */
export function useFakeAdapter(fake: FakeAdapter): () => void {
  const original = Adapter.create;
  (Adapter as unknown as { create: () => Promise<FakeAdapter> }).create = async () => fake;
  return () => {
    (Adapter as unknown as { create: typeof original }).create = original;
  };
}

/**
 * A virtual HAN around the real hub model (src/hub): the hub's Device Log is the trust centre, a small
 * coordinator node serves the GPF endpoint through `hub.handleFrame` and forwards the hub's GPF pushes,
 * and devices (ESME included) are created through the virtual dongle's device registry.
 */
import { SteppedClock } from "../../../src/hub/clock.js";
import { GbcsDeviceType } from "../../../src/hub/device-log.js";
import { Hub } from "../../../src/hub/hub.js";
import { EvidenceLog } from "../../../src/evidence/log.js";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import { EmulatedNode } from "../../../src/virtual/han/node.js";
import type { ApsFrame, TrustCentre } from "../../../src/virtual/han/types.js";
import type { ZclHeader } from "../../../src/zcl/index.js";
import { createDevice } from "../../../src/virtual/registry.js";
import { configureSeDevices } from "../../../src/virtual/devices/kinds.js";
import { SE_PROFILE_ID } from "../../../src/zcl/index.js";
import { START } from "./han-fixture.js";

const HUB_IEEE = "0x00124b00000c0ffe";

class HubCoordinator extends EmulatedNode {
  readonly #hub: Hub;
  constructor(hub: Hub, medium: HanMedium) {
    super({
      ieee: HUB_IEEE,
      clock: hub.clock,
      medium,
      label: "coordinator",
      // the GPF's endpoints (its ESI and gas mirror) as the coordinator registers them
      endpoints: hub
        .hubEndpoints()
        .filter((e) => e.role === "gpf")
        .map((e) => ({
          endpoint: e.endpoint,
          profileId: SE_PROFILE_ID,
          deviceId: e.deviceId,
          deviceVersion: 1,
          inClusters: [...e.inClusters],
          outClusters: [...e.outClusters],
        })),
    });
    this.#hub = hub;
    hub.onPush((p) => {
      if (p.role !== "gpf") return;
      for (const m of medium.members) {
        if (!(m instanceof EmulatedNode) || m === this || !m.online || m.nwk === undefined) continue;
        if (p.device !== undefined && p.device !== "*" && p.device !== m.ieee) continue;
        const ep = m.endpoints.find((e) => e.profileId === SE_PROFILE_ID && e.outClusters.includes(p.clusterId));
        if (ep)
          this.sendZcl({ nwk: m.nwk, ep: ep.endpoint }, p.clusterId, hub.encodePush(p, this.nextTsn()), {
            srcEp: hub.endpoints.gpf,
            profileId: SE_PROFILE_ID,
          });
      }
    });
  }
  protected override handleZcl(frame: ApsFrame, header: ZclHeader): Buffer | undefined | Promise<Buffer | undefined> {
    if (this.#hub.roleOf(frame.dstEp) !== "gpf") return super.handleZcl(frame, header);
    const device = this.medium.member(frame.srcNwk)?.ieee ?? "unknown";
    const ctx = { device, nwk: frame.srcNwk, deviceEp: frame.srcEp, hubEp: frame.dstEp, role: "gpf" as const };
    return this.#hub.handleFrame(ctx, frame.clusterId, frame.payload);
  }
}

export class HubHan {
  readonly clock = new SteppedClock(START);
  readonly evidence = new EvidenceLog({ now: () => this.clock.now() });
  readonly hub = new Hub({ clock: this.clock, seed: 11, evidence: this.evidence, hubIeee: HUB_IEEE });
  readonly medium = new HanMedium({ seed: 3 });
  readonly nodes: EmulatedNode[] = [];
  readonly refused: string[] = [];

  constructor() {
    const log = this.hub.deviceLog;
    const refused = this.refused;
    const addresses = new Map<string, number>();
    const tc: TrustCentre = {
      refuseReason(ieee, code) {
        const known = log.installCodeOf(ieee);
        const reason = !known ? "not in the Device Log" : !code?.equals(known) ? "wrong install code" : undefined;
        if (reason) refused.push(ieee);
        return reason;
      },
      rememberedAddress: (ieee) => addresses.get(ieee),
      deviceJoined: (ieee, nwk) => void addresses.set(ieee, nwk),
      deviceLeft: () => {},
    };
    const coordinator = new HubCoordinator(this.hub, this.medium);
    this.medium.setCoordinator(coordinator, tc);
    coordinator.restore(0);
    this.nodes.push(coordinator);
    this.medium.permitJoin(255);
    configureSeDevices({ hub: this.hub, responseTimeoutMs: 1000 });
  }

  /** Creates a device from its spec through the registry, enters it in the Device Log (unless told not to) and joins it. */
  async add<T extends EmulatedNode>(spec: string, opts: { inDeviceLog?: boolean } = {}): Promise<T> {
    const node = createDevice(spec, {
      index: this.nodes.length,
      seed: 11,
      clock: this.clock,
      medium: this.medium,
      autoJoin: false,
    });
    this.nodes.push(node);
    if (opts.inDeviceLog ?? true) {
      const deviceType = spec.startsWith("esme")
        ? GbcsDeviceType.ESME
        : spec.startsWith("ppmid")
          ? GbcsDeviceType.PPMID
          : GbcsDeviceType.TYPE2;
      this.hub.deviceLog.add({ eui64: node.ieee, installCode: node.installCode!, deviceType });
    }
    await node.join();
    return node as T;
  }

  close(): void {
    for (const n of this.nodes) n.dispose();
    this.medium.close();
    configureSeDevices();
  }
}

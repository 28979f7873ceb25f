/**
 * The Smart Energy security of an emulated Type 1 device (PPMID, ESME): key establishment with the trust
 * centre, APS security of its SE frames, and the refusal of SE frames a keyed peer sent without it. A part the
 * device classes call (se-device.ts, esme.ts); the IHD (Type 2) has none.
 *
 * - **Key establishment (initiator).** After joining, the device finds the trust centre's Key Establishment
 *   server (Match_Desc for cluster 0x0800 on the coordinator), reads its KeyEstablishmentSuite attribute and
 *   runs src/crypto's initiator over ZCL (the KE frames themselves with network security only, cbke.md §1).
 *   The link key replaces its trust-centre link key for the coordinator.
 * - **Partner keys.** Before it talks to another Type 1 device (a PPMID to the ESME), it asks the trust centre
 *   for an application link key with it (APS Request Key); the trust centre sends both a Transport Key.
 * - **APS security.** An SE frame of a cluster that needs APS security (src/zcl `apsSecurityRequired`) to a
 *   peer it holds a key for goes secured; one that arrives from such a peer without security is refused with
 *   a Default Response FAILURE (EmulatedNode), as GB devices do.
 *
 * Behaviour switches (profiles.ts): `apsSecurity` false (`no-aps`) completes key establishment but sends its
 * SE frames without APS security and asks for no partner keys; `corruptConfirmMac` (`bad-mac`) sends a wrong
 * MACU, so the trust centre terminates and the device goes on without a key (and without partner keys).
 */
import { type KeMessage, keStatusName } from "../../crypto/ke.js";
import { KeInitiator } from "../../crypto/ke-initiator.js";
import type { KeCredentials } from "../../crypto/pki.js";
import type { Clock } from "../../hub/clock.js";
import { log } from "../../log.js";
import { apsSecurityRequired, ClusterId, decodeZcl, encodeZcl, SE_PROFILE_ID } from "../../zcl/index.js";
import type { EmulatedNode } from "../han/node.js";
import { type ApsFrame, isBroadcast } from "../han/types.js";
import { parseMatchDescRsp, matchDescReq, ZdoCluster, ZdoStatus } from "../han/zdo.js";

const KE = ClusterId.keyEstablishment;
const COORDINATOR = 0x0000;

/** How an exchange ended, for tests and logs (the hub's evidence is the record that counts). */
export interface KeOutcome {
  ok: boolean;
  suite?: number;
  /** The link key's fingerprint when ok. */
  fingerprint?: string;
  /** Why not, when not ok (a Terminate status name, a timeout, no server). */
  reason?: string;
  /** The trust centre's Terminate, when it sent one: its status and WaitTime (seconds). */
  terminated?: { status: number; waitTime: number };
}

/** Terminate status NO_RESOURCES: the trust centre is busy; try again after its WaitTime. */
const NO_RESOURCES = 0x04;
/** Tries of a key establishment the trust centre refused for want of resources, or did not answer. */
const TRIES = 3;
/** Real ms before asking again when the trust centre did not answer. */
const RETRY_MS = 1000;

export interface DeviceSecurityOptions {
  node: EmulatedNode;
  clock: Clock;
  credentials: KeCredentials;
  /** SE frames to keyed peers go APS-secured (false: the `no-aps` profile). */
  apsSecurity: boolean;
  /** Sends a wrong MACU (the `bad-mac` profile). */
  corruptConfirmMac: boolean;
  /** Real ms to wait for each answer of the trust centre (default 10 000: the generate times it announces). */
  timeoutMs?: number;
}

export class DeviceSecurity {
  readonly #o: DeviceSecurityOptions;
  readonly #log;
  #tsn = 0xa0;
  readonly #keyWaiters = new Map<string, () => void>();
  /** Partner-key requests made, by network address: each peer is asked for once. */
  readonly #asked = new Map<number, Promise<boolean>>();
  /** The last key establishment's outcome. */
  outcome: KeOutcome | undefined;

  constructor(opts: DeviceSecurityOptions) {
    this.#o = opts;
    this.#log = log("virtual-device").child({ device: opts.node.label });
  }

  /** Whether a frame to `nwk` goes APS-secured. */
  securesTo(nwk: number, profileId: number, clusterId: number): boolean {
    if (!this.#o.apsSecurity || !apsSecurityRequired(profileId, clusterId, isBroadcast(nwk))) return false;
    const peer = this.#ieeeOf(nwk);
    return peer !== undefined && this.#o.node.apsKey(peer) !== undefined;
  }

  /** Whether an unsecured frame is refused: an SE frame that needs APS security from a peer it holds a key for. */
  refusesUnsecured(frame: ApsFrame): boolean {
    if (!apsSecurityRequired(frame.profileId, frame.clusterId, isBroadcast(frame.dstNwk))) return false;
    const peer = this.#ieeeOf(frame.srcNwk);
    return peer !== undefined && this.#o.node.apsKey(peer) !== undefined;
  }

  /**
   * Before the first frame to a peer other than the trust centre: asks once for a link key with it (after key
   * establishment only: a device without a key with the trust centre asks for nothing, and neither does one
   * that never uses APS security, `no-aps`: the peer then holds no key with it and takes its frames).
   */
  partnerKeyFor(nwk: number): Promise<boolean> {
    if (nwk === COORDINATOR || !this.outcome?.ok || !this.#o.apsSecurity) return Promise.resolve(false);
    let asked = this.#asked.get(nwk);
    if (!asked) {
      asked = this.requestPartnerKey(nwk);
      this.#asked.set(nwk, asked);
    }
    return asked;
  }

  /**
   * Asks the trust centre for an application link key with the device at `nwk`, unless it holds one; resolves
   * with whether it holds one once the Transport Key came, or after `waitMs` real ms (the trust centre may
   * refuse: it sends nothing then).
   */
  async requestPartnerKey(nwk: number, waitMs = 1000): Promise<boolean> {
    const node = this.#o.node;
    const partner = this.#ieeeOf(nwk);
    if (nwk === COORDINATOR || !partner) return false;
    if (node.apsKey(partner)) return true;
    const arrived = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.#keyWaiters.set(partner, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    node.sendApsCommand(COORDINATOR, { id: "requestKey", keyType: 0x02, partner });
    await arrived;
    this.#keyWaiters.delete(partner);
    return node.apsKey(partner) !== undefined;
  }

  /** The node installed a key from a Transport Key (called by the device after `EmulatedNode.onApsCommand`). */
  keyArrived(partner: string): void {
    this.#keyWaiters.get(partner.toLowerCase())?.();
  }

  /**
   * Key establishment with the trust centre. Never throws: the outcome says how it ended. A Terminate
   * NO_RESOURCES (the trust centre has too many exchanges at once) is tried again after its WaitTime, an
   * exchange without answer after a second.
   */
  async establish(): Promise<KeOutcome> {
    let outcome: KeOutcome = { ok: false, reason: "not tried" };
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      let unanswered = false;
      try {
        outcome = await this.#establish();
      } catch (err) {
        outcome = { ok: false, reason: (err as Error).message };
        // a host that does not know the device yet drops its first frames: ask again a moment later
        unanswered = /no response/.test(outcome.reason ?? "");
      }
      const busy = outcome.terminated?.status === NO_RESOURCES;
      if ((!busy && !unanswered) || attempt === TRIES || !this.#o.node.online) break;
      await new Promise((resolve) => setTimeout(resolve, busy ? outcome.terminated!.waitTime * 1000 : RETRY_MS));
    }
    this.outcome = outcome;
    if (outcome.ok) this.#log.debug({ suite: outcome.suite, fingerprint: outcome.fingerprint }, "key established");
    else this.#log.debug({ reason: outcome.reason }, "key establishment failed");
    return outcome;
  }

  async #establish(): Promise<KeOutcome> {
    const node = this.#o.node;
    const hubIeee = node.medium.member(COORDINATOR)?.ieee;
    if (!hubIeee) return { ok: false, reason: "no trust centre on the network" };
    const timeoutMs = this.#o.timeoutMs ?? 10_000;
    // the Key Establishment server: Match_Desc for 0x0800 on the coordinator
    const match = parseMatchDescRsp(
      await node.zdoRequest(
        COORDINATOR,
        ZdoCluster.MATCH_DESC_REQ,
        matchDescReq({ nwkOfInterest: COORDINATOR, profileId: SE_PROFILE_ID, inClusters: [KE], outClusters: [] }),
        timeoutMs,
      ),
    );
    const ep = match.status === ZdoStatus.SUCCESS ? match.endpoints[0] : undefined;
    if (ep === undefined) return { ok: false, reason: "the trust centre has no Key Establishment server" };
    const dst = { nwk: COORDINATOR, ep };
    const request = async (frame: Buffer) =>
      decodeZcl(KE, await node.zclRequest(dst, KE, frame, { timeoutMs, profileId: SE_PROFILE_ID, apsSecurity: false }));
    // its suites
    const read = await request(
      encodeZcl(KE, {
        frameType: "global",
        direction: "clientToServer",
        disableDefaultResponse: false,
        tsn: this.#nextTsn(),
        command: "read",
        payload: { attributes: [0x0000] },
      }),
    );
    const record = (read.payload.records as { attrId: number; status: number; value?: unknown }[] | undefined)?.find(
      (r) => r.attrId === 0x0000,
    );
    const suites = record?.status === 0 && typeof record.value === "number" ? record.value : undefined;
    const { own, ca } = this.#o.credentials;
    const initiator = new KeInitiator(
      { ieee: Buffer.from(node.ieee.slice(2), "hex"), credentials: [own], trusted: [ca] },
      Buffer.from(hubIeee.slice(2), "hex"),
      { corruptConfirmMac: this.#o.corruptConfirmMac },
    );
    let step = initiator.start(this.#o.clock.now(), suites);
    while (step.send) {
      const frame = encodeZcl(KE, {
        frameType: "specific",
        direction: "clientToServer",
        disableDefaultResponse: false,
        tsn: this.#nextTsn(),
        command: step.send.command,
        payload: step.send.payload as unknown as Record<string, unknown>,
      });
      if (step.send.command === "terminateKeyEstablishment") {
        node.sendZcl(dst, KE, frame, { profileId: SE_PROFILE_ID, apsSecurity: false });
        break;
      }
      const answer = await request(frame);
      if (answer.frameType !== "specific") {
        return { ok: false, reason: `the trust centre answered ${answer.command} to ${step.send.command}` };
      }
      step = initiator.receive({ command: answer.command, payload: answer.payload } as KeMessage, this.#o.clock.now());
    }
    if (step.result) {
      node.setApsKey(hubIeee, step.result.linkKey);
      return { ok: true, suite: step.result.suite, fingerprint: step.result.keyFingerprint };
    }
    const f = step.failure;
    const why = f?.status !== undefined ? keStatusName(f.status) : (f?.reason ?? "no result");
    const outcome: KeOutcome = {
      ok: false,
      reason: f ? `${f.by === "self" ? "it terminated" : "the trust centre terminated"}: ${why}` : why,
    };
    if (f?.by === "partner" && f.status !== undefined) {
      outcome.terminated = { status: f.status, waitTime: f.waitTime ?? 0 };
    }
    return outcome;
  }

  #ieeeOf(nwk: number): string | undefined {
    return this.#o.node.medium.member(nwk)?.ieee;
  }

  #nextTsn(): number {
    this.#tsn = this.#tsn >= 0xbf ? 0xa0 : this.#tsn + 1;
    return this.#tsn;
  }
}

/**
 * APS link-key security of the hub's Smart Energy traffic on an EmberZNet NCP (cbke.md §6), driven by
 * zigbee-herdsman 11.1.1's ember adapter: the ember side of what link-security.ts does on Z-Stack.
 *
 * - **Installing a key.** Each key the hub's Key Establishment server establishes goes into the NCP's key table
 *   with EZSP importLinkKey (`EmberLinkKeys`, ember-hooks.ts), through the adapter's command queue.
 * - **Sending secured.** herdsman's ember adapter sets EmberApsOption ENCRYPTION only for the Zigbee Direct
 *   cluster. The adapter's Ezsp object's `ezspSendUnicast` is wrapped (on that object only): a unicast from a
 *   hub Smart Energy endpoint to a device with an installed key, on a cluster that needs APS security (src/zcl
 *   `apsSecurityRequired`), gets the ENCRYPTION option, and the NCP secures it with the key-table entry.
 * - **Seeing what came secured.** EmberZNet reports an APS-encrypted incoming frame with ENCRYPTION in its APS
 *   frame's options, which herdsman drops on the way to `zclPayload`. A listener on the Ezsp object's
 *   `incomingMessage` event, ahead of the adapter's, remembers it per message buffer (the same Buffer the
 *   adapter hands on as the payload's data).
 *
 * - **Partner keys.** A GB Type 1 device pairs with its meter through the trust centre (APS Request Key for an
 *   application link key). herdsman sets the NCP's APP_KEY_REQUEST_POLICY to DENY_APP_KEY_REQUESTS;
 *   `allowPartnerKeys` sets it to ALLOW_APP_KEY_REQUESTS while the hub runs key establishment.
 *
 * Pinned to herdsman 11.1.1 like the other ember hooks (`checkEmberHooks`, run before the controller starts).
 */
import type { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";
import type { ZclPayload } from "zigbee-herdsman/dist/adapter/events.js";
import { EzspDecisionId, EzspPolicyId } from "zigbee-herdsman/dist/adapter/ember/ezsp/enums.js";
import { Ezsp } from "zigbee-herdsman/dist/adapter/ember/ezsp/ezsp.js";
import { apsSecurityRequired, SE_PROFILE_ID } from "../zcl/index.js";
import { EMBER_APS_OPTION_ENCRYPTION, EmberLinkKeys } from "./ember-hooks.js";
import type { LinkSecurity, LinkSecurityOptions } from "./link-security.js";

type SendUnicast = Ezsp["ezspSendUnicast"];
type IncomingListener = (
  type: number,
  apsFrame: { options: number },
  lastHopLqi: number,
  sender: number,
  messageContents: Buffer,
) => void;

interface AdapterQueue {
  execute<T>(job: () => Promise<T>): Promise<T>;
}

export class EmberLinkSecurity implements LinkSecurity {
  readonly #ezsp: Ezsp;
  readonly #adapter: Adapter;
  readonly #opts: LinkSecurityOptions;
  readonly #keys = new EmberLinkKeys();
  readonly #originalSend: SendUnicast;
  #securityOf = new WeakMap<Buffer, boolean>();
  readonly #onIncoming: IncomingListener = (_type, apsFrame, _lqi, _sender, contents) => {
    if (Buffer.isBuffer(contents))
      this.#securityOf.set(contents, (apsFrame.options & EMBER_APS_OPTION_ENCRYPTION) !== 0);
  };

  constructor(adapter: Adapter, opts: LinkSecurityOptions) {
    const ezsp = (adapter as unknown as { ezsp?: unknown }).ezsp;
    if (!(ezsp instanceof Ezsp)) throw new Error("the adapter has no Ezsp object: not herdsman's ember adapter");
    this.#ezsp = ezsp;
    this.#adapter = adapter;
    this.#opts = opts;
    const own = ezsp as unknown as { ezspSendUnicast: SendUnicast };
    this.#originalSend = own.ezspSendUnicast.bind(ezsp);
    own.ezspSendUnicast = (type, indexOrDestination, apsFrame, messageTag, messageContents) => {
      const secure = this.wouldSecure(indexOrDestination, apsFrame.sourceEndpoint, apsFrame.clusterId);
      const frame = secure ? { ...apsFrame, options: apsFrame.options | EMBER_APS_OPTION_ENCRYPTION } : apsFrame;
      return this.#originalSend(type, indexOrDestination, frame, messageTag, messageContents);
    };
    ezsp.prependListener("incomingMessage", this.#onIncoming);
  }

  /** The trust centre answers the devices' requests for application link keys with each other (see above). */
  async allowPartnerKeys(): Promise<void> {
    const status = await this.#queued(() =>
      this.#ezsp.ezspSetPolicy(EzspPolicyId.APP_KEY_REQUEST_POLICY, EzspDecisionId.ALLOW_APP_KEY_REQUESTS),
    );
    if (status !== 0) throw new Error(`the NCP did not take APP_KEY_REQUEST_POLICY (status 0x${status.toString(16)})`);
  }

  /**
   * Installs `key` as the device's link key (importLinkKey); from then on the hub's SE frames to it go
   * APS-encrypted. Rejects when the NCP does not take it.
   */
  async install(device: { ieee: string; nwk: number }, key: Buffer): Promise<void> {
    await this.#queued(() => this.#keys.importLinkKey(this.#adapter, device.ieee, key, this.#opts.keepsKeyOf));
  }

  /** A job on the adapter's command queue, so it never interleaves with the adapter's own EZSP commands. */
  #queued<T>(job: () => Promise<T>): Promise<T> {
    const queue = (this.#adapter as unknown as { queue?: AdapterQueue }).queue;
    return queue ? queue.execute(job) : job();
  }

  keyed(ieee: string): boolean {
    return this.#keys.encryptFor(ieee);
  }

  adopt(ieee: string): void {
    this.#keys.adopt(ieee);
  }

  wouldSecure(nwk: number, srcEp: number, clusterId: number): boolean {
    if (!this.#opts.isSeEndpoint(srcEp) || !apsSecurityRequired(SE_PROFILE_ID, clusterId)) return false;
    const ieee = this.#opts.ieeeOf(nwk);
    return ieee !== undefined && this.#keys.encryptFor(ieee);
  }

  securityOf(payload: ZclPayload): boolean | undefined {
    return this.#securityOf.get(payload.data);
  }

  close(): void {
    (this.#ezsp as unknown as { ezspSendUnicast: SendUnicast }).ezspSendUnicast = this.#originalSend;
    this.#ezsp.off("incomingMessage", this.#onIncoming);
    this.#securityOf = new WeakMap();
  }
}

/**
 * APS link-key security of the hub's Smart Energy traffic on the coordinator (cbke.md §6), for a Z-Stack
 * coordinator driven by zigbee-herdsman 11.1.1.
 *
 * herdsman has no public way to do any of it, so this reaches into its Z-Stack adapter (`adapter.znp`, the
 * MT request object) and is pinned to herdsman 11.1.1, checked at start:
 *
 * - **Installing a key.** Each key the hub's Key Establishment server establishes goes to the coordinator
 *   with ZDO_SET_LINK_KEY (MT 0x25 0x23: short address, IEEE, key), as TI's own KE server installs it after
 *   verifying MACU (ZDSecMgrAddLinkKey). A status other than SUCCESS is an error.
 * - **Sending secured.** herdsman's Z-Stack adapter sets AF_DATA_REQUEST's EN_SECURITY option (0x40) only for
 *   the Zigbee Direct cluster. The MT request object's `request` is wrapped: an AF_DATA_REQUEST from a hub
 *   Smart Energy endpoint to a device the coordinator holds a key for, on a cluster that needs APS security
 *   (src/zcl `apsSecurityRequired`), gets the option.
 * - **Seeing what came secured.** AF_INCOMING_MSG carries SecurityUse, which herdsman drops on the way to its
 *   `zclPayload` event. A listener on the MT object, ahead of the adapter's, remembers it per incoming data
 *   buffer (the same Buffer the adapter hands on), so the router can put it in the frame's evidence.
 *
 * The EmberZNet side (importLinkKey and the APS ENCRYPTION option of sendUnicast) is ember-link-security.ts,
 * behind the same `LinkSecurity` interface; `linkSecurityUnsupported` refuses other adapters with a clear error.
 */
import { createRequire } from "node:module";
import type { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";
import type { ZclPayload } from "zigbee-herdsman/dist/adapter/events.js";
import { apsSecurityRequired, SE_PROFILE_ID } from "../zcl/index.js";

/** The herdsman version whose internals this module uses. */
export const PINNED_HERDSMAN = "11.1.1";

/** AF_DATA_REQUEST option: APS security with the link key the coordinator holds for the destination. */
export const AF_EN_SECURITY = 0x40;

const SUBSYSTEM_AF = 4;
const SUBSYSTEM_ZDO = 5;

/** The herdsman version installed, from its package.json. */
export function herdsmanVersion(): string {
  const req = createRequire(import.meta.url);
  return (req("zigbee-herdsman/package.json") as { version: string }).version;
}

/** Why APS link-key security cannot run with this herdsman and adapter, or undefined when it can. */
export function linkSecurityUnsupported(adapter: string, version = herdsmanVersion()): string | undefined {
  if (adapter !== "zstack" && adapter !== "ember") {
    return `APS link keys are implemented for Z-Stack and EmberZNet coordinators only (adapter '${adapter}'): use --adapter zstack or ember, or --security off`;
  }
  if (version !== PINNED_HERDSMAN) {
    return `APS link keys reach into zigbee-herdsman ${PINNED_HERDSMAN}'s ${adapter} adapter, but ${version} is installed: install zigbee-herdsman ${PINNED_HERDSMAN} or run with --security off`;
  }
  return undefined;
}

/** APS link-key security on a coordinator, whatever its firmware (ZStackLinkSecurity, EmberLinkSecurity). */
export interface LinkSecurity {
  /** Installs `key` as the device's link key; from then on the hub's SE frames to it go APS-secured. */
  install(device: { ieee: string; nwk: number }, key: Buffer): Promise<void>;
  /** Whether the coordinator holds a key installed this session for the device. */
  keyed(ieee: string): boolean;
  /**
   * The coordinator already holds the device's link key (installed before the host restarted: its key table
   * is kept across a restart): the hub's SE frames to it go APS-secured again.
   */
  adopt(ieee: string): void;
  /** Whether a frame from hub endpoint `srcEp` to the device at `nwk` on `clusterId` goes APS-secured. */
  wouldSecure(nwk: number, srcEp: number, clusterId: number): boolean;
  /** Whether an incoming frame came APS-secured, as the coordinator reported it, if known. */
  securityOf(payload: ZclPayload): boolean | undefined;
  /** Unhooks from the adapter. */
  close(): void;
}

/** The part of herdsman's Z-Stack MT object (`adapter.znp`) this module uses. */
interface ZnpObject {
  request(
    subsystem: number,
    command: string,
    payload: Record<string, unknown>,
    ...rest: unknown[]
  ): Promise<{ payload: Record<string, unknown> }>;
  prependListener(event: "received", listener: (o: MtObject) => void): unknown;
  off(event: "received", listener: (o: MtObject) => void): unknown;
}

interface MtObject {
  type: number;
  subsystem: number;
  command: { name: string };
  payload: Record<string, unknown>;
}

const AREQ = 2;

export interface LinkSecurityOptions {
  /** Whether a coordinator endpoint is one of the hub's Smart Energy endpoints (profile 0x0109). */
  isSeEndpoint(endpoint: number): boolean;
  /** The EUI-64 of the device at a network address, if known. */
  ieeeOf(nwk: number): string | undefined;
  /** Whether the hub keeps serving a device (its Device Log has it): a coordinator's stale key of another may go. */
  keepsKeyOf?(eui64: string): boolean;
}

export class ZStackLinkSecurity implements LinkSecurity {
  readonly #znp: ZnpObject;
  readonly #opts: LinkSecurityOptions;
  readonly #originalRequest: ZnpObject["request"];
  /** EUI-64s of devices the coordinator holds a link key for (installed this session). */
  readonly #keyed = new Set<string>();
  /** SecurityUse of incoming messages, by their data buffer (the one the adapter passes on). */
  #securityOf = new WeakMap<Buffer, boolean>();
  /** For AF_INCOMING_MSG_EXT, whose data the adapter fetches again: the last SecurityUse per source/cluster. */
  readonly #lastBySource = new Map<string, boolean>();
  readonly #onReceived = (o: MtObject) => this.#received(o);

  constructor(adapter: Adapter, opts: LinkSecurityOptions) {
    const znp = (adapter as unknown as { znp?: ZnpObject }).znp;
    if (!znp || typeof znp.request !== "function") {
      throw new Error("the adapter has no Z-Stack MT object (adapter.znp): not herdsman's Z-Stack adapter");
    }
    this.#znp = znp;
    this.#opts = opts;
    this.#originalRequest = znp.request.bind(znp);
    znp.request = (subsystem, command, payload, ...rest) =>
      this.#originalRequest(subsystem, command, this.#secure(subsystem, command, payload), ...rest);
    znp.prependListener("received", this.#onReceived);
  }

  /**
   * Installs `key` as the link key for the device (ZDO_SET_LINK_KEY); from then on the hub's SE frames to it
   * go APS-secured. Rejects when the coordinator answers other than SUCCESS.
   */
  async install(device: { ieee: string; nwk: number }, key: Buffer): Promise<void> {
    await this.#znp.request(SUBSYSTEM_ZDO, "setLinkKey", {
      shortaddr: device.nwk,
      ieeeaddr: device.ieee,
      linkkey: key,
    });
    this.#keyed.add(device.ieee.toLowerCase());
  }

  /** Whether the coordinator holds a key installed this session for the device. */
  keyed(ieee: string): boolean {
    return this.#keyed.has(ieee.toLowerCase());
  }

  adopt(ieee: string): void {
    this.#keyed.add(ieee.toLowerCase());
  }

  /** Whether a frame from hub endpoint `srcEp` to the device at `nwk` on `clusterId` goes APS-secured. */
  wouldSecure(nwk: number, srcEp: number, clusterId: number): boolean {
    if (!this.#opts.isSeEndpoint(srcEp) || !apsSecurityRequired(SE_PROFILE_ID, clusterId)) return false;
    const ieee = this.#opts.ieeeOf(nwk);
    return ieee !== undefined && this.#keyed.has(ieee.toLowerCase());
  }

  /** SecurityUse of an incoming frame as the coordinator reported it, if known. */
  securityOf(payload: ZclPayload): boolean | undefined {
    return this.#securityOf.get(payload.data) ?? this.#lastBySource.get(`${payload.address}/${payload.clusterID}`);
  }

  /** Unhooks from the MT object. */
  close(): void {
    this.#znp.request = this.#originalRequest;
    this.#znp.off("received", this.#onReceived);
    this.#securityOf = new WeakMap();
    this.#lastBySource.clear();
  }

  #secure(subsystem: number, command: string, payload: Record<string, unknown>): Record<string, unknown> {
    if (subsystem !== SUBSYSTEM_AF || command !== "dataRequest") return payload;
    const { dstaddr, srcendpoint, clusterid, options } = payload as {
      dstaddr: number;
      srcendpoint: number;
      clusterid: number;
      options: number;
    };
    if (!this.wouldSecure(dstaddr, srcendpoint, clusterid)) return payload;
    return { ...payload, options: (options ?? 0) | AF_EN_SECURITY };
  }

  #received(o: MtObject): void {
    if (o.type !== AREQ || o.subsystem !== SUBSYSTEM_AF) return;
    const name = o.command.name;
    if (name !== "incomingMsg" && name !== "incomingMsgExt") return;
    const p = o.payload as { data?: Buffer; securityuse?: number; srcaddr?: number | string; clusterid?: number };
    const secured = (p.securityuse ?? 0) !== 0;
    if (Buffer.isBuffer(p.data)) this.#securityOf.set(p.data, secured);
    const src = typeof p.srcaddr === "string" ? Number.parseInt(p.srcaddr.slice(-4), 16) : p.srcaddr;
    this.#lastBySource.set(`${src}/${p.clusterid}`, secured);
    if (this.#lastBySource.size > 256) this.#lastBySource.delete(this.#lastBySource.keys().next().value as string);
  }
}

/**
 * The hub on herdsman's ember adapter (Silicon Labs sticks with EmberZNet NCP firmware): the two things
 * herdsman 11.1.1 does not do for Smart Energy, done by small hooks pinned to that version.
 *
 * 1. **Endpoints.** The ember adapter registers the coordinator's endpoints on the NCP (EZSP addEndpoint)
 *    at start, from the exported, mutable `FIXED_ENDPOINTS` list of `dist/adapter/ember/adapter/endpoints.js`
 *    (entry 0, endpoint 1, HA, is its primary: it sends from it and takes the network index from it; 242 is
 *    Green Power). `patchEmberEndpoints` puts the hub's SE endpoints after the shipped entries (an ESI on 1 in
 *    the place of the primary) before
 *    `Controller.start()`, so the NCP answers ZDO Simple_Desc / Match_Desc with them, as the z-stack patch
 *    does for AF_REGISTER (endpoints.ts). Like that one, it starts again from the list as shipped each time.
 * 2. **Incoming SE frames.** `Ezsp.ezspIncomingMessageHandler` passes on only ZDO, HA, wildcard, Green
 *    Power and two vendor profiles; a frame with profile 0x0109 is dropped there. `hookEmberIncoming`
 *    wraps that method (on the class, once per process): a Smart Energy frame is emitted as the
 *    `incomingMessage` herdsman's own filter emits for HA, and the adapter turns it into its `zclPayload`
 *    (with `destinationEndpoint`, which the router needs); every other frame goes to herdsman's filter
 *    unchanged.
 *
 * 3. **ZDO discovery requests.** The NCP answers them itself; `askZdoRequests` asks it for a copy of each
 *    (APPLICATION_ZDO_FLAGS), which the incoming hook emits as the Ezsp object's `zdoRequest` event.
 *
 * All check at start that they are on the herdsman they were written for (`checkEmberHooks`): another
 * version, or a changed shape, is one clear error, never a silently deaf hub.
 *
 * CBKE link keys (`EmberLinkKeys`): a key agreed with a device is installed in the NCP's key table with EZSP
 * `importLinkKey`; ember-link-security.ts uses it and sends the SE frames to that device with the EZSP APS
 * encryption option.
 */
import type { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { FIXED_ENDPOINTS } from "zigbee-herdsman/dist/adapter/ember/adapter/endpoints.js";
import { SLStatus } from "zigbee-herdsman/dist/adapter/ember/enums.js";
import { EzspConfigId } from "zigbee-herdsman/dist/adapter/ember/ezsp/enums.js";
import { Ezsp } from "zigbee-herdsman/dist/adapter/ember/ezsp/ezsp.js";
import type { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";
import type { EndpointRole } from "../evidence/events.js";
import { eui64ToLe, normaliseEui64 } from "../hex.js";
import { log } from "../log.js";
import { SE_PROFILE_ID } from "../zcl/index.js";
import { type SeEndpoint, checkSeEndpoints, SE_DEVICE_ID } from "./endpoints.js";

const logger = log("ember-hooks");

/** The herdsman release whose ember adapter these hooks were written against. */
export const EMBER_HOOKS_HERDSMAN = "11.1.1";

type EmberEndpoint = (typeof FIXED_ENDPOINTS)[number];

/** herdsman types the list readonly; the adapter reads it at start, so it is rewritten in place. */
const LIST = FIXED_ENDPOINTS as EmberEndpoint[];

const SHIPPED: readonly EmberEndpoint[] = FIXED_ENDPOINTS.map(copyEndpoint);

function copyEndpoint(e: EmberEndpoint): EmberEndpoint {
  return {
    ...e,
    inClusterList: [...e.inClusterList],
    outClusterList: [...e.outClusterList],
    multicastIds: [...e.multicastIds],
  };
}

/** The installed herdsman's version, from its package.json. */
export function installedHerdsmanVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve("zigbee-herdsman/package.json"), "utf8")) as {
    version?: unknown;
  };
  return String(pkg.version);
}

/** Why the hooks cannot work on this herdsman (a message naming what differs), or undefined when they can. */
export function emberHooksProblem(version = installedHerdsmanVersion()): string | undefined {
  if (version !== EMBER_HOOKS_HERDSMAN) {
    return `the ember hooks are written for zigbee-herdsman ${EMBER_HOOKS_HERDSMAN}, but ${version} is installed: check dist/adapter/ember (endpoint list, incoming message filter) and src/host/ember-hooks.ts before allowing it`;
  }
  const primary = SHIPPED[0];
  if (!Array.isArray(FIXED_ENDPOINTS) || primary?.endpoint !== 1 || !Array.isArray(primary.inClusterList)) {
    return "zigbee-herdsman's ember FIXED_ENDPOINTS list is not the one the ember hooks know (endpoint 1 first)";
  }
  const proto = Ezsp.prototype as unknown as Record<string, unknown>;
  const methods = ["ezspIncomingMessageHandler", "ezspImportLinkKey", "ezspAddEndpoint", "ezspSetConfigurationValue"];
  const missing = methods.filter((m) => typeof proto[m] !== "function");
  if (missing.length > 0) {
    return `zigbee-herdsman's Ezsp class has no ${missing.join(" / ")} for the ember hooks`;
  }
  return undefined;
}

/** Throws one clear error unless the hooks fit the installed herdsman. */
export function checkEmberHooks(): void {
  const problem = emberHooksProblem();
  if (problem) throw new Error(problem);
}

/**
 * Rewrites herdsman's ember endpoint list: the shipped entries (without a shipped entry of the same number
 * as a hub endpoint), then the hub's SE endpoints. Returns the list as the adapter will register it.
 */
export function patchEmberEndpoints(endpoints: readonly SeEndpoint[]): readonly EmberEndpoint[] {
  checkSeEndpoints(endpoints);
  const entry = (ep: SeEndpoint): EmberEndpoint => ({
    endpoint: ep.endpoint,
    profileId: SE_PROFILE_ID,
    deviceId: ep.deviceId ?? SE_DEVICE_ID[ep.role as EndpointRole],
    deviceVersion: 0,
    inClusterList: [...ep.inClusters],
    outClusterList: [...(ep.outClusters ?? [])],
    networkIndex: SHIPPED[0]!.networkIndex,
    multicastIds: [],
  });
  // a hub endpoint of a shipped number takes that entry's place: with the ESI on 1 (layout `silabs`) it is
  // the primary entry the adapter sends from, as a Silicon Labs Comms Hub sends from its ESI
  const byNumber = new Map(endpoints.map((ep) => [ep.endpoint, ep]));
  const list = SHIPPED.map((e) => {
    const ep = byNumber.get(e.endpoint);
    byNumber.delete(e.endpoint);
    return ep ? { ...entry(ep), multicastIds: [...e.multicastIds] } : copyEndpoint(e);
  });
  for (const ep of byNumber.values()) list.push(entry(ep));
  LIST.splice(0, LIST.length, ...list);
  return FIXED_ENDPOINTS;
}

/** Puts herdsman's list back as shipped. */
export function restoreEmberEndpoints(): void {
  LIST.splice(0, LIST.length, ...SHIPPED.map(copyEndpoint));
}

type IncomingHandler = Ezsp["ezspIncomingMessageHandler"];

const ZDO_PROFILE = 0x0000;
/** The ZDO requests of service discovery a copy of which the host takes (Node_Desc, Simple_Desc, Active_EP, Match_Desc). */
const ZDO_REQUESTS_SEEN = new Set([0x0002, 0x0004, 0x0005, 0x0006]);
/** EzspConfigId APPLICATION_ZDO_FLAGS and its EmberZdoConfigurationFlags bit APP_RECEIVES_SUPPORTED_ZDO_REQUESTS. */
const CONFIG_APPLICATION_ZDO_FLAGS = 0x2a;
const APP_RECEIVES_SUPPORTED_ZDO_REQUESTS = 0x01;

type AddEndpoint = Ezsp["ezspAddEndpoint"];
const ASKED = Symbol.for("hanbench.emberZdoRequests");

/**
 * The NCP answers devices' ZDO discovery requests itself, so the host never sees them (COT-01 needs them on a
 * bench). With APPLICATION_ZDO_FLAGS APP_RECEIVES_SUPPORTED_ZDO_REQUESTS it still answers and passes a copy on.
 * A configuration value can only be set before the stack allocates its tables, and herdsman sets its own
 * configuration and then registers its endpoints: the flag is set right before an Ezsp object's first
 * addEndpoint (a wrapper on the class, once per process; idempotent). The copies come out of
 * `hookEmberIncoming` as the Ezsp object's `zdoRequest` event.
 */
export function askZdoRequests(): void {
  const proto = Ezsp.prototype as unknown as Record<PropertyKey, unknown> & { ezspAddEndpoint: AddEndpoint };
  if (proto[ASKED]) return;
  const addEndpoint = proto.ezspAddEndpoint;
  const asked = new WeakSet<Ezsp>();
  proto.ezspAddEndpoint = async function (this: Ezsp, ...args: Parameters<AddEndpoint>) {
    if (!asked.has(this)) {
      asked.add(this);
      const status = await this.ezspSetConfigurationValue(
        CONFIG_APPLICATION_ZDO_FLAGS,
        APP_RECEIVES_SUPPORTED_ZDO_REQUESTS,
      );
      if (status !== 0)
        logger.warn({ status }, "the NCP did not take APPLICATION_ZDO_FLAGS: ZDO discovery requests stay unseen");
    }
    return addEndpoint.apply(this, args);
  } as AddEndpoint;
  proto[ASKED] = true;
}

const HOOKED = Symbol.for("hanbench.emberIncomingSe");

/** Smart Energy frames reach the adapter's `incomingMessage` listener (once per process; idempotent). */
export function hookEmberIncoming(): void {
  const proto = Ezsp.prototype as unknown as Record<PropertyKey, unknown> & {
    ezspIncomingMessageHandler: IncomingHandler;
  };
  if (proto[HOOKED]) return;
  const herdsmanFilter = proto.ezspIncomingMessageHandler;
  proto.ezspIncomingMessageHandler = function (this: Ezsp, type, apsFrame, packetInfo, messageContents): void {
    if (apsFrame.profileId === ZDO_PROFILE && ZDO_REQUESTS_SEEN.has(apsFrame.clusterId)) {
      // a copy of a request the NCP answered itself (APPLICATION_ZDO_FLAGS, `askZdoRequests`): not a
      // response, which is all herdsman's filter expects of the ZDO profile
      (this as unknown as EventEmitter).emit("zdoRequest", type, apsFrame, packetInfo.senderShortId, messageContents);
      return;
    }
    if (apsFrame.profileId !== SE_PROFILE_ID) {
      herdsmanFilter.call(this, type, apsFrame, packetInfo, messageContents);
      return;
    }
    // the arguments herdsman's filter gives for the profiles it passes
    this.emit("incomingMessage", type, apsFrame, packetInfo.lastHopLqi, packetInfo.senderShortId, messageContents);
  };
  proto[HOOKED] = true;
}

/** What the host does before `Controller.start()` on ember: check, then the endpoints and the incoming hook. */
export function prepareEmber(endpoints: readonly SeEndpoint[]): void {
  checkEmberHooks();
  patchEmberEndpoints(endpoints);
  hookEmberIncoming();
  askZdoRequests();
}

/**
 * The NCP's largest APS payload for a unicast (EZSP maximumPayloadLength), asked through the adapter's
 * command queue. herdsman's ember adapter does no APS fragmentation, so a longer frame is refused.
 */
export async function emberMaximumPayload(adapter: Adapter): Promise<number> {
  const ezsp = emberEzsp(adapter);
  const queue = (adapter as unknown as { queue?: { execute<T>(job: () => Promise<T>): Promise<T> } }).queue;
  const ask = () => ezsp.ezspMaximumPayloadLength();
  return queue ? await queue.execute(ask) : await ask();
}

/** The EZSP APS option that asks the NCP to encrypt a frame with the destination's APS link key. */
export const EMBER_APS_OPTION_ENCRYPTION = 0x0020;

/**
 * Link keys into the NCP's key table, and which devices' SE frames carry the APS encryption option
 * (`encryptFor`, consulted by ember-link-security.ts on every unicast sent).
 */
export class EmberLinkKeys {
  readonly #keyed = new Set<string>();

  /**
   * Installs a device's link key (16 bytes) in the NCP's key table with EZSP importLinkKey.
   *
   * The key table is a token of the stick: it keeps the keys of earlier sessions, and its size is fixed by the
   * firmware build (EZSP configuration value KEY_TABLE_SIZE). When it is full (SL_STATUS_FULL), the entries of
   * devices `keep` does not name (devices no longer in the hub's Device Log) are erased and the import is
   * tried once more; when every entry belongs to a device the hub keeps, the error says so.
   */
  async importLinkKey(adapter: Adapter, eui64: string, key: Buffer, keep?: (eui64: string) => boolean): Promise<void> {
    if (key.length !== 16) throw new RangeError("an APS link key is 16 bytes");
    const ezsp = emberEzsp(adapter);
    const ieee = normaliseEui64(eui64) as `0x${string}`;
    // index 0xFF: the stack picks the entry (a device's existing one, else a free one)
    const importKey = () => ezsp.ezspImportLinkKey(0xff, ieee, { contents: Buffer.from(key) });
    let status = await importKey();
    if (status === SLStatus.FULL && keep) {
      const { size, erased } = await eraseKeysNotKept(ezsp, (e) => e === ieee || keep(e));
      status = erased > 0 ? await importKey() : status;
      if (status === SLStatus.FULL)
        throw new Error(
          `the NCP's key table is full: its ${size} entries hold the link keys of devices in the Device Log; ` +
            `run at most ${size} Type 1 devices at once on this stick (or a firmware build with a larger key table)`,
        );
    }
    if (status !== 0) throw new Error(`the NCP did not take the link key of ${ieee} (status 0x${status.toString(16)})`);
    this.#keyed.add(ieee);
  }

  /** The NCP's key table already holds the device's key (imported before the host restarted). */
  adopt(eui64: string): void {
    this.#keyed.add(normaliseEui64(eui64));
  }

  /** Whether SE frames to this device go APS-encrypted. */
  encryptFor(eui64: string): boolean {
    return this.#keyed.has(normaliseEui64(eui64));
  }
}

/** Erases every key-table entry whose device `keep` does not name; returns the table's size and how many went. */
async function eraseKeysNotKept(
  ezsp: Ezsp,
  keep: (eui64: string) => boolean,
): Promise<{ size: number; erased: number }> {
  const [configStatus, size] = await ezsp.ezspGetConfigurationValue(EzspConfigId.KEY_TABLE_SIZE);
  if (configStatus !== SLStatus.OK) return { size: 0, erased: 0 };
  let erased = 0;
  for (let index = 0; index < size; index++) {
    const [status, context] = await ezsp.ezspExportLinkKeyByIndex(index);
    if (status !== SLStatus.OK || keep(normaliseEui64(context.eui64))) continue;
    if ((await ezsp.ezspEraseKeyTableEntry(index)) === SLStatus.OK) {
      erased++;
      logger.info(
        { device: normaliseEui64(context.eui64), index },
        "erased the NCP's link key of a device no longer in the Device Log (the key table was full)",
      );
    }
  }
  return { size, erased };
}

function emberEzsp(adapter: Adapter): Ezsp {
  const ezsp = (adapter as unknown as { ezsp?: unknown }).ezsp;
  if (!(ezsp instanceof Ezsp)) throw new Error("the adapter is not herdsman's ember adapter");
  return ezsp;
}

/** herdsman's `extendedPanID` option for ember: the EPID's bytes as the NCP holds them (little-endian). */
export function emberExtendedPanId(extendedPanId: string): number[] {
  return [...eui64ToLe(extendedPanId)];
}

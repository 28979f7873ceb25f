/**
 * What the host needs from the hub model (src/hub). The host depends on this small interface, not on the
 * hub's classes, so it can be tested with a stand-in and the hub can grow without touching the host.
 */
import type { CommandRequest, CommandResult, Push, ReadRecord, RequestContext } from "../hub/types.js";
import type { EndpointRole } from "../evidence/events.js";

/** One hub endpoint the coordinator registers (src/hub/layout.ts `HubEndpoint` fits as it is). */
export interface HubEndpointInfo {
  endpoint: number;
  role: EndpointRole;
  /** SE device id of the Simple Descriptor (ESI 0x0500, Metering Device 0x0501). */
  deviceId: number;
  /** Server (in) and client (out) clusters advertised (Simple_Desc, Match_Desc). */
  inClusters: readonly number[];
  outClusters: readonly number[];
}

/** What the host needs of the CHF Device Log (src/hub/device-log.ts `DeviceLog` fits as it is). */
export interface DeviceLogPort {
  has(eui64: string): boolean;
  list(): readonly { eui64: string; typeName: string }[];
  /** The install code followed by its CRC: key material, for the trust centre only. Never log it. */
  installCodeOf(eui64: string): Buffer | undefined;
  add(opts: { eui64: string; installCode: string | Uint8Array; deviceType: number }): { eui64: string };
  remove(eui64: string): void;
  readonly size: number;
  readonly capacity: number;
}

export interface HubPort {
  /** Where each meter's pushes come from on the coordinator (the GPF's ESI; the ESME's, in single-dongle mode). */
  readonly endpoints: Readonly<Partial<Record<EndpointRole, number>>>;
  readonly deviceLog: DeviceLogPort;
  /** The hub's SE server endpoints on the coordinator (the GPF's ESI and gas mirror, …), registered at start. */
  hubEndpoints(): readonly HubEndpointInfo[];
  /** The meter an endpoint serves, or undefined for an endpoint that is not the hub's. */
  roleOf(hubEp: number): EndpointRole | undefined;
  read(ctx: RequestContext, clusterId: number, attrIds: readonly number[]): ReadRecord[];
  command(ctx: RequestContext, req: CommandRequest): CommandResult;
  onPush(listener: (push: Push) => void): () => void;
  /** Whether the endpoint serves the cluster (a cluster it does not serve gets UNSUPPORTED_CLUSTER). */
  serves?(hubEp: number, clusterId: number): boolean;
  /**
   * ZCL bytes in → reply bytes (same TSN) or undefined: used for what is not a read or a parsed cluster
   * command (Discover Attributes, manufacturer-specific frames, unserved clusters, unparseable frames).
   */
  handleFrame?(ctx: RequestContext, clusterId: number, zclBytes: Uint8Array): Buffer | undefined;
  /**
   * The hub's Key Establishment server, when it runs one: the host installs every key it establishes on the
   * coordinator and sends the hub's SE frames to that device APS-secured (link-security.ts).
   */
  readonly keyEstablishment?: {
    onEstablished(
      listener: (k: { device: string; nwk: number; linkKey: Buffer; fingerprint: string }) => void,
    ): () => void;
  };
}

/**
 * What the host needs from the hub model (src/hub). The host depends on this small interface, not on the
 * hub's classes, so it can be tested with a stand-in and the hub can grow without touching the host.
 */
import type { CommandRequest, CommandResult, Push, ReadRecord, RequestContext } from "../hub/types.js";
import type { EndpointRole } from "../evidence/events.js";

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
  /** The hub's SE server endpoints on the coordinator. */
  readonly endpoints: Readonly<Record<EndpointRole, number>>;
  readonly deviceLog: DeviceLogPort;
  roleOf(hubEp: number): EndpointRole | undefined;
  /** Server (in) and client (out) clusters the role's endpoint advertises (Simple_Desc, Match_Desc). */
  serverClusters(role: EndpointRole): { inClusters: readonly number[]; outClusters: readonly number[] };
  read(ctx: RequestContext, clusterId: number, attrIds: readonly number[]): ReadRecord[];
  command(ctx: RequestContext, req: CommandRequest): CommandResult;
  onPush(listener: (push: Push) => void): () => void;
  /** Whether the role serves the cluster (a cluster it does not serve gets UNSUPPORTED_CLUSTER). */
  serves?(role: EndpointRole, clusterId: number): boolean;
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

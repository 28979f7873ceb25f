/**
 * The contract between the hub model (pure) and whatever carries frames to it: src/host (through
 * zigbee-herdsman) or an emulated ESME node on the virtual HAN. The hub never sees herdsman or a port.
 */
import type { EndpointRole } from "../evidence/events.js";

export type { EndpointRole };

/** Who asked, and which hub endpoint they asked. */
export interface RequestContext {
  /** Device IEEE address, `0x` + 16 lower-case hex digits. */
  device: string;
  nwk: number;
  deviceEp: number;
  hubEp: number;
  role: EndpointRole;
}

/** One record of a Read Attributes Response. `type` and `value` are present when status is SUCCESS. */
export interface ReadRecord {
  attrId: number;
  status: number;
  /** ZCL data type id (e.g. 0xE2 UTC). */
  type?: number;
  value?: unknown;
}

/** A decoded cluster-specific command sent to a hub server. */
export interface CommandRequest {
  clusterId: number;
  commandId: number;
  /** camelCase name from src/zcl, e.g. `getChangeOfTenancy`. */
  command: string;
  payload: Record<string, unknown>;
  tsn: number;
  disableDefaultResponse: boolean;
}

/** What a hub server does with a command. */
export type CommandResult =
  /** A cluster-specific reply (server → client) with the request's TSN, e.g. PublishChangeOfTenancy. */
  | { kind: "response"; commandId: number; command: string; payload: Record<string, unknown> }
  /** A Default Response with this status (e.g. 0x8B NOT_FOUND, 0x80 MALFORMED_COMMAND, 0x81 UNSUP_COMMAND). */
  | { kind: "default"; status: number }
  /** Nothing to send (e.g. SUCCESS with Default Response disabled). */
  | { kind: "none" };

/** Something the hub sends unsolicited: DisplayMessage when a message is published, PublishChangeOfTenancy when pushing is asked. */
export interface Push {
  role: EndpointRole;
  clusterId: number;
  commandId: number;
  command: string;
  payload: Record<string, unknown>;
  /** Target device, or every admitted device when absent. */
  device?: string;
}

/**
 * The shape of a hub cluster server: a table of attribute getters and a table of command handlers, each a
 * pure function of the request environment. Servers write both tables by src/zcl names (attribute names,
 * client → server command names); `clusterServer` keys them by id with each attribute's src/zcl record, so
 * the hub turns getters into Read Attributes records without a second lookup, and a name the cluster record
 * does not have fails when the servers are built.
 */
import type { CotRecord } from "../cots.js";
import type { MeterData } from "../data/meter-data.js";
import type { MessageStore } from "../data/messages.js";
import { hex } from "../../hex.js";
import { type AttributeDef, attributeByName, clusterById, commandDef } from "../../zcl/index.js";
import type { CommandRequest, CommandResult, EndpointRole, RequestContext } from "../types.js";

/** Strings and fixed values the hub presents about itself. */
export interface HubIdentity {
  manufacturerName: string;
  modelId: string;
  /** Hub ms the hub's clock was last set (Time cluster LastSetTime). */
  startedAt: number;
}

export interface ServeEnv {
  ctx: RequestContext;
  role: EndpointRole;
  /** Hub time of the request. */
  now: number;
  /** What the role's meter keeps (electricity on the ESME, gas on the GPF). */
  data: MeterData;
  /** The meter's supplier: Device Management ProviderID, PublishPrice and its CoTs carry it. */
  providerId: number;
  /** Issuer event id of the tariff in force (a UTC timestamp, earlier than any later event's). */
  tariffIssuerEventId: number;
  /** The latest CoT recorded on this meter. */
  cot: CotRecord | undefined;
  /** HistoricalFreezeTime of the meter (periods start at this local time of day). */
  freezeTime: number;
  messages: MessageStore;
  identity: HubIdentity;
  /**
   * Records a value served to the requesting device (item: attribute name or `command.field[i]`; bytes as
   * text), with the period it is the figure of when it is one.
   */
  served(item: string, value: unknown, period?: { start: number; end: number }): void;
  /** Records something a device told the hub (e.g. a message confirmation) as a note event. */
  note(message: string, data: Record<string, unknown>): void;
}

export interface AttributeServer {
  /** The value to serve. */
  get(env: ServeEnv): unknown;
  /** The period (hub ms, [start, end)) the value is the figure of. */
  period?(env: ServeEnv): { start: number; end: number };
}

export type CommandHandler = (env: ServeEnv, req: CommandRequest) => CommandResult;

/** An attribute server with the attribute's src/zcl record (id, name, ZCL type). */
export interface ServedAttribute extends AttributeServer {
  readonly def: AttributeDef;
}

export interface ClusterServer {
  clusterId: number;
  /** By attribute id. */
  attributes: ReadonlyMap<number, ServedAttribute>;
  /** By client → server command id. */
  commands: ReadonlyMap<number, CommandHandler>;
}

/** Attribute servers by src/zcl attribute name (server side). */
export type AttributeTable = Record<string, AttributeServer>;

/**
 * A cluster server from tables by name: attribute servers by attribute name, command handlers by the name of
 * the client → server command. Throws for a cluster, attribute or command src/zcl does not define.
 */
export function clusterServer(
  clusterId: number,
  tables: { attributes?: AttributeTable; commands?: Record<string, CommandHandler> },
): ClusterServer {
  const cluster = clusterById(clusterId);
  if (!cluster) throw new Error(`hub server for cluster ${hex(clusterId, 4)}, which src/zcl does not define`);
  const attributes = new Map<number, ServedAttribute>();
  for (const [name, server] of Object.entries(tables.attributes ?? {})) {
    const def = attributeByName(clusterId, name);
    if (!def) throw new Error(`${cluster.name} has no attribute '${name}'`);
    attributes.set(def.id, { ...server, def });
  }
  const commands = new Map<number, CommandHandler>();
  for (const [name, handler] of Object.entries(tables.commands ?? {})) {
    const def = commandDef(clusterId, "clientToServer", name);
    if (!def) throw new Error(`${cluster.name} has no client command '${name}'`);
    commands.set(def.id, handler);
  }
  return { clusterId, attributes, commands };
}

/** Thrown by handlers for a payload that lacks a field or has one of the wrong kind. */
export class MalformedCommand extends Error {}

/** A numeric payload field, or MalformedCommand. */
export function field(req: CommandRequest, name: string): number {
  const v = req.payload[name];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "bigint") return Number(v);
  throw new MalformedCommand(`${req.command}: field ${name} missing or not a number`);
}

/** The Default Response a command without a cluster response gets: SUCCESS, or nothing when disabled. */
export function success(req: CommandRequest): CommandResult {
  return req.disableDefaultResponse ? { kind: "none" } : { kind: "default", status: 0x00 };
}

export function constant(value: unknown): AttributeServer {
  return { get: () => value };
}

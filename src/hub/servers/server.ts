/**
 * The shape of a hub cluster server: a table of attribute getters and a table of command handlers keyed
 * by command id, each a pure function of the request environment. Attribute names and ZCL types come
 * from src/zcl's definitions; the hub turns getters into Read Attributes records.
 */
import type { CommodityData } from "../data/tenancy-data.js";
import type { MessageStore } from "../data/messages.js";
import type { TenancySchedule } from "../tenancy.js";
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
  /** The tenancy in force at `now`. */
  tenancy: number;
  /** The data of the role's commodity for that tenancy (electricity on the ESME, gas on the GPF). */
  data: CommodityData;
  schedule: TenancySchedule;
  messages: MessageStore;
  identity: HubIdentity;
  /** The served form of a raw figure of the tenancy in force (tag.ts). */
  tag(raw: number): number;
  /** Records a value served to the requesting device (item: attribute name or `command.field[i]`; bytes as text). */
  served(item: string, value: unknown, period?: number): void;
  /** Records something a device told the hub (e.g. a message confirmation) as a note event. */
  note(message: string, data: Record<string, unknown>): void;
}

export interface AttributeServer {
  /** The value to serve. */
  get(env: ServeEnv): unknown;
  /** Start (hub ms) of the consumption period the value belongs to. */
  period?(env: ServeEnv): number;
}

export type CommandHandler = (env: ServeEnv, req: CommandRequest) => CommandResult;

export interface ClusterServer {
  clusterId: number;
  attributes: ReadonlyMap<number, AttributeServer>;
  commands: ReadonlyMap<number, CommandHandler>;
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

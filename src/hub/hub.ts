/**
 * The Comms Hub model: the CHF Device Log, the GPF and ESME cluster servers, tenancy-tagged data and the
 * CoTs in force. Pure: no herdsman controller or adapter, no ports, time from the injected Clock. Used by
 * src/host (through zigbee-herdsman) and by the virtual ESME node.
 *
 * ```ts
 * const hub = new Hub({ clock, seed, evidence, hubIeee, endpoints: { gpf: 2, esme: 3 } });
 * hub.deviceLog.add({ eui64, installCode, deviceType: GbcsDeviceType.TYPE2 });   // CHF Device Log
 * hub.roleOf(hubEp)                        // "gpf" | "esme" | undefined
 * hub.serverClusters(role)                 // { inClusters, outClusters } for endpoint registration
 * hub.read(ctx, clusterId, attrIds)        // ReadRecord[] (UNSUPPORTED_ATTRIBUTE for unknown ids)
 * hub.command(ctx, req)                    // CommandResult (response / default status / none)
 * hub.handleFrame(ctx, clusterId, bytes)   // ZCL bytes in → reply ZCL bytes (same TSN) or undefined
 * hub.onPush(listener)                     // unsolicited DisplayMessage / PublishChangeOfTenancy
 * hub.encodePush(push, tsn)                // the ZCL bytes of a push
 * hub.publishMessage({ text })             // a supplier message of the tenancy in force, pushed
 * hub.recordCot({ providerId, issuerEventId, tariffType, implementationTime, control, push })
 * hub.tenancyAt(ms); hub.schedule          // the CoTs in force
 * ```
 *
 * Default endpoints: GPF 2, ESME 3 — never 1, so a device that skips service discovery is caught.
 * Each endpoint serves Basic, Time, Price, Metering, Messaging, Prepayment and Device Management; the
 * ESME's data is electricity, the GPF's gas (servers/*.ts say what each attribute and command serves).
 *
 * Data by tenancy (data/*.ts): every tenancy has its own seeded series and records for all time. From a
 * CoT's implementation time on, only the new tenancy's data is served — for every period, including
 * periods before the CoT (served from the new tenancy's series, never zero). Every tenancy-data number
 * ends in the tenancy's two decimal digits (data/tag.ts `tenancyOfValue(v)`), texts carry `T<n>-` markers, and
 * top-up and debt times differ per tenancy, so a value a device holds names exactly one tenancy.
 * Supplier messages belong to the tenancy in force when published; GetLastMessage serves only the
 * current tenancy's (NOT_FOUND until it has one). Periods are UTC days, Monday weeks, calendar months.
 * Every value served goes to the evidence sink as a `served` event tagged with the tenancy in force
 * (pushes to every device carry device "*"); every recorded CoT as a `cot` event.
 */
import type { EvidenceSink } from "../evidence/log.js";
import type { Clock } from "./clock.js";
import { type SupplierMessage, MessageStore } from "./data/messages.js";
import { iso } from "./data/periods.js";
import { tagValue } from "./data/tag.js";
import type { Commodity } from "./data/consumption.js";
import { TenancyDataStore } from "./data/tenancy-data.js";
import { DeviceLog } from "./device-log.js";
import { type FrameHandlerHost, encodePushFrame, handleZclFrame } from "./frame.js";
import { serversFor } from "./servers/index.js";
import { displayMessagePayload } from "./servers/messaging.js";
import { publishChangeOfTenancyPayload } from "./servers/device-management.js";
import { type ClusterServer, type HubIdentity, MalformedCommand, type ServeEnv } from "./servers/server.js";
import { type CotInput, type CotRecord, TenancySchedule } from "./tenancy.js";
import type { CommandRequest, CommandResult, EndpointRole, Push, ReadRecord, RequestContext } from "./types.js";
import { ClusterId, commandId, Status, writeValue } from "../zcl/index.js";

export const DEFAULT_ENDPOINTS = { gpf: 2, esme: 3 } as const;

const DISPLAY_MESSAGE = commandId(ClusterId.messaging, "serverToClient", "displayMessage");
const PUBLISH_CHANGE_OF_TENANCY = commandId(ClusterId.deviceManagement, "serverToClient", "publishChangeOfTenancy");
export const ROLES: readonly EndpointRole[] = ["gpf", "esme"];
const COMMODITY: Record<EndpointRole, Commodity> = { gpf: "gas", esme: "electricity" };

export interface HubOptions {
  clock: Clock;
  /** Seed of every generated series; the same seed gives the same data. */
  seed: number;
  evidence?: EvidenceSink;
  endpoints?: { gpf: number; esme: number };
  /** The hub's IEEE address (the GPF Entity Identifier). */
  hubIeee: string;
  manufacturerName?: string;
  modelId?: string;
  deviceLogCapacity?: number;
}

/** A CoT to record; `push` sends PublishChangeOfTenancy unsolicited from both endpoints. */
export type CotRequest = CotInput & { push?: boolean };

export class Hub implements FrameHandlerHost {
  readonly clock: Clock;
  readonly seed: number;
  readonly hubIeee: string;
  readonly endpoints: { readonly gpf: number; readonly esme: number };
  readonly deviceLog: DeviceLog;
  readonly schedule: TenancySchedule;
  readonly messages: MessageStore;
  readonly identity: HubIdentity;
  readonly #evidence: EvidenceSink | undefined;
  readonly #data: TenancyDataStore;
  readonly #servers: Record<EndpointRole, Map<number, ClusterServer>>;
  #pushListeners: ((p: Push) => void)[] = [];

  constructor(opts: HubOptions) {
    const endpoints = opts.endpoints ?? DEFAULT_ENDPOINTS;
    for (const [role, ep] of Object.entries(endpoints)) {
      if (!Number.isInteger(ep) || ep < 1 || ep > 240) throw new RangeError(`${role} endpoint ${ep} is not 1..240`);
    }
    if (endpoints.gpf === endpoints.esme)
      throw new RangeError(`GPF and ESME endpoints must differ (both ${endpoints.gpf})`);
    if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer (got ${opts.seed})`);
    this.clock = opts.clock;
    this.seed = opts.seed;
    this.hubIeee = opts.hubIeee;
    this.endpoints = { ...endpoints };
    this.deviceLog = new DeviceLog(opts.deviceLogCapacity === undefined ? {} : { capacity: opts.deviceLogCapacity });
    this.schedule = new TenancySchedule(opts.clock);
    this.messages = new MessageStore(opts.seed);
    this.identity = {
      manufacturerName: opts.manufacturerName ?? "hanbench",
      modelId: opts.modelId ?? "CommsHub",
      startedAt: opts.clock.now(),
    };
    this.#evidence = opts.evidence;
    this.#data = new TenancyDataStore(opts.seed);
    this.#servers = { gpf: serversFor("gpf"), esme: serversFor("esme") };
  }

  roleOf(hubEp: number): EndpointRole | undefined {
    if (hubEp === this.endpoints.gpf) return "gpf";
    if (hubEp === this.endpoints.esme) return "esme";
    return undefined;
  }

  /** Server (in) and client (out) clusters of a role's endpoint, for endpoint registration and discovery. */
  serverClusters(role: EndpointRole): { inClusters: number[]; outClusters: number[] } {
    return { inClusters: [...this.#servers[role].keys()].sort((a, b) => a - b), outClusters: [] };
  }

  tenancyAt(ms: number): number {
    return this.schedule.tenancyAt(ms);
  }

  /** The attribute ids a role serves on a cluster, ascending (Discover Attributes). */
  attributeIds(role: EndpointRole, clusterId: number): number[] {
    return [...(this.#servers[role]?.get(clusterId)?.attributes.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Whether a role serves a cluster. */
  serves(role: EndpointRole, clusterId: number): boolean {
    return this.#servers[role]?.has(clusterId) ?? false;
  }

  read(ctx: RequestContext, clusterId: number, attrIds: readonly number[]): ReadRecord[] {
    const server = this.#servers[ctx.role]?.get(clusterId);
    const env = this.#env(ctx, clusterId);
    return attrIds.map((attrId) => {
      const a = server?.attributes.get(attrId);
      if (!a) return { attrId, status: Status.UNSUPPORTED_ATTRIBUTE };
      const def = a.def;
      try {
        const value = a.get(env);
        writeValue(def.type, value, def.name); // refuses a value its type cannot carry
        env.served(def.name, value, a.period?.(env));
        return { attrId, status: Status.SUCCESS, type: def.type, value };
      } catch (e) {
        this.#error(`read ${def.name}: ${(e as Error).message}`, ctx.device);
        return { attrId, status: Status.FAILURE };
      }
    });
  }

  command(ctx: RequestContext, req: CommandRequest): CommandResult {
    const handler = this.#servers[ctx.role]?.get(req.clusterId)?.commands.get(req.commandId);
    if (!handler) return { kind: "default", status: Status.UNSUP_COMMAND };
    try {
      return handler(this.#env(ctx, req.clusterId), req);
    } catch (e) {
      if (e instanceof MalformedCommand) return { kind: "default", status: Status.MALFORMED_COMMAND };
      this.#error(`${req.command}: ${(e as Error).message}`, ctx.device);
      return { kind: "default", status: Status.FAILURE };
    }
  }

  handleFrame(ctx: RequestContext, clusterId: number, zclBytes: Uint8Array): Buffer | undefined {
    return handleZclFrame(this, ctx, clusterId, zclBytes);
  }

  onPush(listener: (p: Push) => void): () => void {
    this.#pushListeners.push(listener);
    return () => {
      this.#pushListeners = this.#pushListeners.filter((l) => l !== listener);
    };
  }

  /** The ZCL frame of a push (cluster-specific, server → client, Default Response enabled as in RTDS). */
  encodePush(push: Push, tsn: number): Buffer {
    return encodePushFrame(push, tsn);
  }

  /**
   * Publishes a supplier message of the tenancy in force and pushes DisplayMessage from each role's
   * endpoint (both by default). The text gets the tenancy marker: `T<n>-MSG-<id> <text>`.
   */
  publishMessage(
    opts: { text?: string; roles?: EndpointRole[]; messageControl?: number; durationInMinutes?: number } = {},
  ): {
    messageId: number;
    text: string;
    tenancy: number;
  } {
    const now = this.clock.now();
    const msg: SupplierMessage = this.messages.publish({
      tenancy: this.tenancyAt(now),
      now,
      roles: opts.roles ?? [...ROLES],
      ...(opts.text === undefined ? {} : { text: opts.text }),
      ...(opts.messageControl === undefined ? {} : { messageControl: opts.messageControl }),
      ...(opts.durationInMinutes === undefined ? {} : { durationInMinutes: opts.durationInMinutes }),
    });
    for (const role of msg.roles) {
      this.#push(
        {
          role,
          clusterId: ClusterId.messaging,
          commandId: DISPLAY_MESSAGE,
          command: "displayMessage",
          payload: displayMessagePayload(msg),
        },
        msg.tenancy,
        {
          "displayMessage.messageId": msg.messageId,
          "displayMessage.message": msg.text,
        },
      );
    }
    return { messageId: msg.messageId, text: msg.text, tenancy: msg.tenancy };
  }

  /**
   * Records a CoT (validation of issuer ids and the like is the caller's, src/cluster-cot). The Device
   * Management attributes of both endpoints show it at once; the served data switches to the new tenancy
   * at its implementation time. Appends a `cot` event; pushes PublishChangeOfTenancy only when asked.
   */
  recordCot(cot: CotRequest): CotRecord {
    const { push, ...input } = cot;
    const rec = this.schedule.record(input);
    this.#evidence?.append({
      kind: "cot",
      tenancy: rec.tenancy,
      providerId: rec.providerId,
      issuerEventId: rec.issuerEventId,
      tariffType: rec.tariffType,
      implementationTime: iso(rec.implementationTime),
      control: rec.control,
      pushed: !!push,
    });
    if (push) {
      const payload = publishChangeOfTenancyPayload(rec);
      const items = Object.fromEntries(Object.entries(payload).map(([k, v]) => [`publishChangeOfTenancy.${k}`, v]));
      for (const role of ROLES) {
        this.#push(
          {
            role,
            clusterId: ClusterId.deviceManagement,
            commandId: PUBLISH_CHANGE_OF_TENANCY,
            command: "publishChangeOfTenancy",
            payload,
          },
          this.tenancyAt(this.clock.now()),
          items,
        );
      }
    }
    return rec;
  }

  /** The served form of a raw figure for a tenancy (see data/tag.ts). */
  tag(raw: number, tenancy: number): number {
    return tagValue(raw, tenancy);
  }

  #env(ctx: RequestContext, clusterId: number): ServeEnv {
    const now = this.clock.now();
    const tenancy = this.tenancyAt(now);
    const role = ctx.role;
    return {
      ctx,
      role,
      now,
      tenancy,
      data: this.#data.get(tenancy, COMMODITY[role] ?? "electricity"),
      schedule: this.schedule,
      messages: this.messages,
      identity: this.identity,
      tag: (raw) => tagValue(raw, tenancy),
      served: (item, value, period) => {
        this.#evidence?.append({
          kind: "served",
          device: ctx.device,
          role,
          clusterId,
          item,
          // octet strings (top-up codes, labels) are recorded as their text, as a display shows them
          value: Buffer.isBuffer(value) ? value.toString("utf8") : value,
          tenancy,
          ...(period === undefined ? {} : { period: iso(period) }),
        });
      },
      note: (message, data) => {
        this.#evidence?.append({ kind: "note", message, data });
      },
    };
  }

  #push(p: Push, tenancy: number, items: Record<string, unknown>): void {
    for (const [item, value] of Object.entries(items)) {
      this.#evidence?.append({
        kind: "served",
        device: p.device ?? "*",
        role: p.role,
        clusterId: p.clusterId,
        item,
        value,
        tenancy,
      });
    }
    for (const l of [...this.#pushListeners]) {
      try {
        l(p);
      } catch (e) {
        this.#error(`push listener: ${(e as Error).message}`);
      }
    }
  }

  /** Records an error as evidence (frame.ts uses it too). */
  error(message: string, device?: string): void {
    this.#error(message, device);
  }

  #error(message: string, device?: string): void {
    this.#evidence?.append({ kind: "error", source: "hub", message, ...(device ? { device } : {}) });
  }
}

/**
 * The Comms Hub model: the CHF Device Log, the GPF and ESME cluster servers, the meters' data and the CoTs
 * recorded on each meter. Pure: no herdsman controller or adapter, no ports, time from the injected Clock.
 * Used by src/host (through zigbee-herdsman) and by the virtual ESME node.
 *
 * ```ts
 * const hub = new Hub({ clock, seed, evidence, hubIeee, layout: "default" });
 * hub.deviceLog.add({ eui64, installCode, deviceType: GbcsDeviceType.TYPE2 });   // CHF Device Log
 * hub.roleOf(hubEp)                        // "gpf" | "esme" | undefined: the meter an endpoint serves
 * hub.hubEndpoints()                       // ESI, gas mirror, ESME: number, part, clusters (layout.ts)
 * hub.serverClusters(hubEp)                // { inClusters, outClusters } for endpoint registration
 * hub.read(ctx, clusterId, attrIds)        // ReadRecord[] (UNSUPPORTED_ATTRIBUTE for unknown ids)
 * hub.command(ctx, req)                    // CommandResult (response / default status / none)
 * hub.handleFrame(ctx, clusterId, bytes)   // ZCL bytes in → reply ZCL bytes (same TSN) or undefined
 * hub.onPush(listener)                     // unsolicited DisplayMessage / PublishChangeOfTenancy
 * hub.encodePush(push, tsn)                // the ZCL bytes of a push
 * hub.publishMessage({ text })             // a supplier message on both meters, pushed
 * hub.recordCot({ meter, providerId, issuerEventId, tariffType, implementationTime, control, push })
 * hub.resetCot("esme")                    // the meter's CoT record goes (meter or hub replaced)
 * hub.cots.latest("gpf"); hub.providerId("esme")
 * hub.variant                             // the hub variant it serves (variants.ts), default `reference`
 * ```
 *
 * Endpoints (layout.ts, cot-suite.md "Actors and hub topology"): the GPF's ESI (Basic, Time, Price,
 * Messaging, Device Management, the CHF's Key Establishment) and its gas mirror (Metering, Prepayment), and
 * the ESME's (Basic, Price, Metering, Messaging, Prepayment, Device Management: no Time, which only the hub
 * serves). Layout `default`: ESI 2, mirror 4, ESME 3, never 1, so a device that skips service discovery is
 * caught; `silabs`: ESI 1, mirror 2, ESME 3. A request is served by the endpoint it was sent to: Metering on
 * the ESI is UNSUPPORTED_CLUSTER, as on a real CH. The ESME's data is electricity, the GPF's gas
 * (servers/*.ts say what each attribute and command serves). `endpoints` names where each meter's pushes
 * come from: the GPF's ESI and the ESME's endpoint.
 *
 * The meters behave as real meters (cot-suite.md): one continuous series per meter, whoever lives in the
 * home; periods are the meter's (UK local days, weeks, months from its HistoricalFreezeTime); every history
 * figure carries its period in its last three digits (data/history.ts `periodFigure`), so a value a device
 * holds names the period, and the frame, it came from. A CoT sets that meter's Device Management
 * attributes and changes nothing else it serves: the previous occupier's history stays served, and so does
 * the active supplier message until the supplier replaces it. Provider ids stay the meter's supplier's;
 * message ids are strictly increasing UTC timestamps.
 * Every value served goes to the evidence sink as a `served` event with the period it is the figure of
 * (pushes to every device carry device "*"); every recorded CoT as a `cot` event naming its meter.
 *
 * The hub variant (variants.ts) says which meters there are, which carry a CoT, what their Device
 * Management shows of it and whether GetChangeOfTenancy is answered. A meter records a CoT as its variant
 * holds it: a date-only ESME keeps control 0, a `provider-zero` GPF provider id 0; the `cot` event shows that.
 */
import type { EvidenceSink } from "../evidence/log.js";
import type { Clock } from "./clock.js";
import { type SupplierMessage, MessageStore } from "./data/messages.js";
import { DEFAULT_FREEZE_TIME, freezeMinutes, iso } from "./data/periods.js";
import type { Commodity } from "./data/consumption.js";
import { MeterDataStore } from "./data/meter-data.js";
import { DeviceLog } from "./device-log.js";
import { type KeyEstablishmentServer, keyEstablishmentServer } from "./key-establishment.js";
import { type FrameHandlerHost, encodePushFrame, handleZclFrame } from "./frame.js";
import { serversFor } from "./servers/index.js";
import {
  checkEndpointNumbers,
  type EndpointLayoutName,
  type EndpointNumbers,
  type EndpointPart,
  endpointLayout,
  type HubEndpoint,
  PART_DEVICE_ID,
  PART_ROLE,
} from "./layout.js";
import { displayMessagePayload } from "./servers/messaging.js";
import { publishChangeOfTenancyPayload } from "./servers/device-management.js";
import {
  type ClusterServer,
  type HubIdentity,
  MalformedCommand,
  type ServedAttribute,
  type ServeEnv,
} from "./servers/server.js";
import { type CotInput, type CotRecord, CotSchedule } from "./cots.js";
import type { CommandRequest, CommandResult, EndpointRole, Push, ReadRecord, RequestContext } from "./types.js";
import { type HubVariant, type HubVariantName, hubVariant, VIRTUAL_DEFAULT_VARIANT } from "./variants.js";
import { ClusterId, commandId, msToZclUtc, Status, writeValue } from "../zcl/index.js";

/** The supplier of both meters unless told otherwise (Device Management ProviderID, PublishPrice, CoTs). */
export const DEFAULT_PROVIDER_ID = 0x0000_1234;

const DISPLAY_MESSAGE = commandId(ClusterId.messaging, "serverToClient", "displayMessage");
const PUBLISH_CHANGE_OF_TENANCY = commandId(ClusterId.deviceManagement, "serverToClient", "publishChangeOfTenancy");
export const ROLES: readonly EndpointRole[] = ["gpf", "esme"];
const COMMODITY: Record<EndpointRole, Commodity> = { gpf: "gas", esme: "electricity" };

export interface HubOptions {
  clock: Clock;
  /** Seed of every generated series; the same seed gives the same data. */
  seed: number;
  evidence?: EvidenceSink;
  /** The endpoint layout (layout.ts, default `default`). */
  layout?: EndpointLayoutName;
  /** Endpoint numbers that replace the layout's (a bench's own choice). */
  endpoints?: Partial<EndpointNumbers>;
  /** The hub's IEEE address (the GPF Entity Identifier). */
  hubIeee: string;
  manufacturerName?: string;
  modelId?: string;
  deviceLogCapacity?: number;
  /** Each meter's supplier (default DEFAULT_PROVIDER_ID for both). */
  providers?: Partial<Record<EndpointRole, number>>;
  /** HistoricalFreezeTime of both meters (default 0x0000, local midnight). */
  freezeTime?: number;
  /** How the hub and its meters carry a CoT (default `reference`). */
  variant?: HubVariantName;
  /** The CHF's Key Establishment server: served on the GPF (ESI) endpoint when given. */
  keyEstablishment?: KeyEstablishmentServer;
}

/** A value compared by `===` as it is (not a Buffer, an array or an object, whose contents may change). */
function isPrimitive(v: unknown): boolean {
  const t = typeof v;
  return t === "number" || t === "string" || t === "bigint" || t === "boolean";
}

/** A CoT to record on one meter; `push` sends PublishChangeOfTenancy unsolicited from that meter's endpoint. */
export type CotRequest = CotInput & { push?: boolean };

export class Hub implements FrameHandlerHost {
  readonly clock: Clock;
  readonly seed: number;
  readonly hubIeee: string;
  /** Where each meter's Device Management and pushes are: the GPF's ESI, the ESME's endpoint. */
  readonly endpoints: { readonly gpf: number; readonly esme: number };
  readonly layout: EndpointLayoutName;
  readonly endpointNumbers: Readonly<EndpointNumbers>;
  readonly deviceLog: DeviceLog;
  readonly cots: CotSchedule;
  readonly messages: MessageStore;
  readonly identity: HubIdentity;
  readonly freezeTime: number;
  readonly variant: HubVariant;
  /** Issuer event id of each meter's tariff: set before the run, so below every later id. */
  readonly tariffIssuerEventId: number;
  readonly #providers: Record<EndpointRole, number>;
  readonly keyEstablishment: KeyEstablishmentServer | undefined;
  readonly #evidence: EvidenceSink | undefined;
  readonly #data: MeterDataStore;
  #lastIssuerId: number;
  /** The servers of each endpoint the hub has (under `electricity-only` no gas mirror), by endpoint number. */
  readonly #servers = new Map<number, { part: EndpointPart; servers: Map<number, ClusterServer> }>();
  #pushListeners: ((p: Push) => void)[] = [];
  /** The last value each attribute served that its type was checked to carry. */
  readonly #checked = new Map<ServedAttribute, unknown>();

  constructor(opts: HubOptions) {
    this.layout = opts.layout ?? "default";
    const numbers: EndpointNumbers = { ...endpointLayout(this.layout), ...opts.endpoints };
    checkEndpointNumbers(numbers);
    this.endpointNumbers = numbers;
    if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer (got ${opts.seed})`);
    this.clock = opts.clock;
    this.seed = opts.seed;
    this.hubIeee = opts.hubIeee;
    this.endpoints = { gpf: numbers.esi, esme: numbers.esme };
    this.deviceLog = new DeviceLog(opts.deviceLogCapacity === undefined ? {} : { capacity: opts.deviceLogCapacity });
    this.cots = new CotSchedule(opts.clock);
    this.messages = new MessageStore();
    this.freezeTime = opts.freezeTime ?? DEFAULT_FREEZE_TIME;
    freezeMinutes(this.freezeTime); // refuses a value that is no time of day
    this.#providers = {
      gpf: opts.providers?.gpf ?? DEFAULT_PROVIDER_ID,
      esme: opts.providers?.esme ?? DEFAULT_PROVIDER_ID,
    };
    for (const [role, id] of Object.entries(this.#providers)) {
      if (!Number.isInteger(id) || id < 0 || id > 0xffffffff)
        throw new RangeError(`${role} provider id ${id} is not a uint32`);
    }
    this.tariffIssuerEventId = msToZclUtc(opts.clock.now()) - 1;
    this.#lastIssuerId = this.tariffIssuerEventId;
    this.identity = {
      manufacturerName: opts.manufacturerName ?? "hanbench",
      modelId: opts.modelId ?? "CommsHub",
      startedAt: opts.clock.now(),
    };
    this.#evidence = opts.evidence;
    this.#data = new MeterDataStore(opts.seed);
    this.variant = hubVariant(opts.variant ?? VIRTUAL_DEFAULT_VARIANT);
    const variant = this.variant;
    this.keyEstablishment = opts.keyEstablishment;
    const gas = variant.meters.includes("gpf");
    // the ESI is the CHF's endpoint: with Key Establishment it is there even in a home without gas (then
    // serving Basic, Time and Key Establishment only)
    if (gas || opts.keyEstablishment) {
      const esi = serversFor("esi", variant, { gas });
      if (opts.keyEstablishment) {
        esi.set(ClusterId.keyEstablishment, keyEstablishmentServer(opts.keyEstablishment));
      }
      this.#servers.set(numbers.esi, { part: "esi", servers: esi });
    }
    if (gas) this.#servers.set(numbers.mirror, { part: "mirror", servers: serversFor("mirror", variant) });
    if (variant.meters.includes("esme")) {
      this.#servers.set(numbers.esme, { part: "esme", servers: serversFor("esme", variant) });
    }
  }

  /** The meter whose data an endpoint serves (the ESI and the gas mirror are the GPF's). */
  roleOf(hubEp: number): EndpointRole | undefined {
    const e = this.#servers.get(hubEp);
    return e && PART_ROLE[e.part];
  }

  /** The hub's endpoints, in endpoint order, with their clusters (for registration and ZDO discovery). */
  hubEndpoints(): HubEndpoint[] {
    return [...this.#servers.entries()]
      .sort(([a], [b]) => a - b)
      .map(([endpoint, { part }]) => ({
        endpoint,
        part,
        role: PART_ROLE[part],
        deviceId: PART_DEVICE_ID[part],
        ...this.serverClusters(endpoint),
      }));
  }

  /** The numbers of the endpoints the hub has, by part (for the run event: `{ esi, mirror, esme }`). */
  endpointParameters(): Partial<Record<EndpointPart, number>> {
    return Object.fromEntries([...this.#servers].map(([ep, { part }]) => [part, ep]));
  }

  /** Server (in) and client (out) clusters of an endpoint, for endpoint registration and discovery. */
  serverClusters(hubEp: number): { inClusters: number[]; outClusters: number[] } {
    const servers = this.#servers.get(hubEp)?.servers;
    return { inClusters: [...(servers?.keys() ?? [])].sort((a, b) => a - b), outClusters: [] };
  }

  /** The supplier of a meter (its Device Management ProviderID). */
  providerId(role: EndpointRole): number {
    return this.#providers[role];
  }

  /** The next issuer id of an event the hub's supplier side issues: a UTC timestamp, strictly increasing. */
  nextIssuerId(): number {
    // above every message the store holds too (a hub restarted with its messages within the same second)
    const lastMessage = this.messages.all().at(-1)?.messageId ?? 0;
    this.#lastIssuerId = Math.max(this.#lastIssuerId + 1, lastMessage + 1, msToZclUtc(this.clock.now()));
    return this.#lastIssuerId;
  }

  /** The attribute ids an endpoint serves on a cluster, ascending (Discover Attributes). */
  attributeIds(hubEp: number, clusterId: number): number[] {
    return [...(this.#server(hubEp, clusterId)?.attributes.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Whether an endpoint serves a cluster. */
  serves(hubEp: number, clusterId: number): boolean {
    return this.#server(hubEp, clusterId) !== undefined;
  }

  /** The endpoint that serves a meter's cluster (the ESI or the gas mirror for the GPF), if any. */
  endpointFor(role: EndpointRole, clusterId: number): number | undefined {
    for (const [ep, e] of this.#servers) if (PART_ROLE[e.part] === role && e.servers.has(clusterId)) return ep;
    return undefined;
  }

  #server(hubEp: number, clusterId: number): ClusterServer | undefined {
    return this.#servers.get(hubEp)?.servers.get(clusterId);
  }

  read(ctx: RequestContext, clusterId: number, attrIds: readonly number[]): ReadRecord[] {
    const server = this.#server(ctx.hubEp, clusterId);
    const env = this.#env(ctx, clusterId);
    return attrIds.map((attrId) => {
      const a = server?.attributes.get(attrId);
      if (!a) return { attrId, status: Status.UNSUPPORTED_ATTRIBUTE };
      const def = a.def;
      try {
        const value = a.get(env);
        // refuses a value its type cannot carry; a primitive value checked last time for this attribute is
        // not encoded again (most reads serve the value of the read before)
        if (this.#checked.get(a) !== value || !isPrimitive(value)) {
          writeValue(def.type, value, def.name);
          this.#checked.set(a, value);
        }
        env.served(def.name, value, a.period?.(env));
        return { attrId, status: Status.SUCCESS, type: def.type, value };
      } catch (e) {
        this.#error(`read ${def.name}: ${(e as Error).message}`, ctx.device);
        return { attrId, status: Status.FAILURE };
      }
    });
  }

  command(ctx: RequestContext, req: CommandRequest): CommandResult {
    const handler = this.#server(ctx.hubEp, req.clusterId)?.commands.get(req.commandId);
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
   * Publishes a supplier message on the meters (both by default) and pushes DisplayMessage from each one's
   * endpoint with StartTime now. Its id is the next issuer id (a UTC timestamp).
   */
  publishMessage(
    opts: { text?: string; roles?: EndpointRole[]; messageControl?: number; durationInMinutes?: number } = {},
  ): { messageId: number; text: string; roles: readonly EndpointRole[] } {
    const now = this.clock.now();
    const msg: SupplierMessage = this.messages.publish({
      messageId: this.nextIssuerId(),
      now,
      roles: opts.roles ?? [...this.variant.meters],
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
          payload: displayMessagePayload(msg, true),
        },
        {
          "displayMessage.messageId": msg.messageId,
          "displayMessage.message": msg.text,
        },
      );
    }
    return { messageId: msg.messageId, text: msg.text, roles: msg.roles };
  }

  /**
   * Records a CoT on one meter (validation of issuer ids and the like is the caller's, src/cluster-cot). That
   * meter's Device Management attributes show it at once; nothing else it serves changes. Appends a `cot`
   * event; pushes PublishChangeOfTenancy from that meter's endpoint only when asked.
   */
  recordCot(cot: CotRequest): CotRecord {
    const { push, ...input } = cot;
    const v = this.variant;
    if (!v.cotMeters.includes(input.meter)) {
      throw new RangeError(`under hub variant '${v.name}' the ${String(input.meter).toUpperCase()} carries no CoT`);
    }
    // what the meter holds of it: a date-only meter no control, a provider-zero GPF provider id 0
    if (v.control[input.meter] !== "value") input.control = 0;
    if (v.gpfProviderZero && input.meter === "gpf") input.providerId = 0;
    const rec = this.cots.record(input);
    this.#evidence?.append({
      kind: "cot",
      meter: rec.meter,
      providerId: rec.providerId,
      issuerEventId: rec.issuerEventId,
      tariffType: rec.tariffType,
      implementationTime: iso(rec.implementationTime),
      recordedAt: iso(rec.recordedAt),
      control: rec.control,
      pushed: !!push,
    });
    if (push) {
      const payload = publishChangeOfTenancyPayload(rec);
      const items = Object.fromEntries(Object.entries(payload).map(([k, v]) => [`publishChangeOfTenancy.${k}`, v]));
      this.#push(
        {
          role: rec.meter,
          clusterId: ClusterId.deviceManagement,
          commandId: PUBLISH_CHANGE_OF_TENANCY,
          command: "publishChangeOfTenancy",
          payload,
        },
        items,
      );
    }
    return rec;
  }

  /**
   * The meter's CoT record goes, as when the meter or the hub is replaced: its Device Management shows no
   * CoT (0x0200 as before any, GetChangeOfTenancy NOT_FOUND) until the next one. Appends a `cot-reset` event.
   */
  resetCot(meter: EndpointRole): void {
    if (!this.variant.cotMeters.includes(meter)) {
      throw new RangeError(
        `under hub variant '${this.variant.name}' the ${String(meter).toUpperCase()} carries no CoT`,
      );
    }
    this.cots.reset(meter);
    this.#evidence?.append({ kind: "cot-reset", meter });
  }

  #env(ctx: RequestContext, clusterId: number): ServeEnv {
    const role = ctx.role;
    return {
      ctx,
      role,
      now: this.clock.now(),
      data: this.#data.get(COMMODITY[role] ?? "electricity"),
      providerId: this.#providers[role] ?? DEFAULT_PROVIDER_ID,
      tariffIssuerEventId: this.tariffIssuerEventId,
      cot: this.cots.latest(role),
      freezeTime: this.freezeTime,
      messages: this.messages,
      identity: this.identity,
      served: (item, value, period) => {
        const evidence = this.#evidence;
        if (!evidence) return;
        // octet strings (top-up codes, labels) are recorded as their text, as a display shows them
        const v = Buffer.isBuffer(value) ? value.toString("utf8") : value;
        const device = ctx.device;
        // two literals (with and without the period) rather than a spread: one object per value served
        if (period === undefined) evidence.append({ kind: "served", device, role, clusterId, item, value: v });
        else {
          const periodEnd = iso(period.end);
          evidence.append({
            kind: "served",
            device,
            role,
            clusterId,
            item,
            value: v,
            period: iso(period.start),
            periodEnd,
          });
        }
      },
      note: (message, data) => {
        this.#evidence?.append({ kind: "note", message, data });
      },
    };
  }

  #push(p: Push, items: Record<string, unknown>): void {
    for (const [item, value] of Object.entries(items)) {
      this.#evidence?.append({
        kind: "served",
        device: p.device ?? "*",
        role: p.role,
        clusterId: p.clusterId,
        item,
        value,
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

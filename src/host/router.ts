/**
 * Incoming ZCL → hub → reply.
 *
 * Why at the adapter level: herdsman's `message` event and its `customReadResponse` hook do not say which
 * coordinator endpoint a device addressed (herdsman.md §5, §7), and the hub has two servers (GPF, ESME) that
 * answer differently. The adapter's `zclPayload` event carries `destinationEndpoint`, so the host gives every
 * frame to the router first (`onPayload`), on herdsman's private `controller.adapter`, and only then, for a
 * frame the router did not answer, to the controller's own listener (host.ts `#hookAdapter`). A request the
 * hub answered never reaches the controller: herdsman neither parses it again nor answers it, and the host
 * keeps herdsman's bookkeeping of the sender (`seenBy`). Every admitted device also gets
 * `skipDefaultResponse = true`: herdsman would send its Default Responses from endpoint 1 with the HA
 * profile to the frames it does see (a response to a push, a frame to a non-hub endpoint). The router sends
 * every reply itself, from the addressed endpoint with profile 0x0109 and the request's TSN.
 *
 * Frames from devices herdsman does not know (not joined, refused) are not answered: herdsman drops them.
 */
import type { ZclFrame } from "zigbee-herdsman/dist/zspec/zcl/zclFrame.js";
import { Zcl } from "zigbee-herdsman";
import type { ZclPayload } from "zigbee-herdsman/dist/adapter/events.js";
import type { Device } from "zigbee-herdsman/dist/controller/model/device.js";
import type { CommandResult, ReadRecord, RequestContext } from "../hub/types.js";
import type { EvidenceSink } from "../evidence/log.js";
import type { FrameMeta } from "../evidence/zcl-event.js";
import { log } from "../log.js";
import { encodeZcl, SE_PROFILE_ID, Status } from "../zcl/index.js";
import type { HubPort } from "./hub-port.js";
import type { RequestLog } from "./requests.js";
import type { FrameTap } from "./tap.js";
import { hex } from "../hex.js";

type Frame = ZclFrame;

const logger = log("host");

/** Global commands that are themselves answers: never answered. */
const GLOBAL_RESPONSES = new Set([0x01, 0x04, 0x07, 0x09, 0x0b, 0x0d, 0x12, 0x14, 0x16]);
const GLOBAL_READ = 0x00;
const GLOBAL_REPORT = 0x0a;

/** Sends one ZCL frame to a device endpoint (the host gives the adapter's unicast). */
export type SendFrame = (opts: {
  device: Device;
  deviceEp: number;
  srcEp: number;
  profileId?: number;
  frame: Frame;
}) => Promise<void>;

export interface RouterDeps {
  hub: HubPort;
  tap: FrameTap;
  evidence: EvidenceSink;
  requests: RequestLog;
  findDevice(address: number | string): Device | undefined;
  send: SendFrame;
  /** The largest ZCL frame the coordinator sends in one APS frame, when it has a limit the hub must keep to. */
  maxPayload?: () => number | undefined;
  /** Whether an incoming frame came APS-secured, when the coordinator says (link-security.ts). */
  securityOf?(payload: ZclPayload): boolean | undefined;
}

export class Router {
  readonly #deps: RouterDeps;

  constructor(deps: RouterDeps) {
    this.#deps = deps;
  }

  /**
   * The adapter-level listener, ahead of the controller's: true when the frame was a request to a hub
   * endpoint, which the router has handled (answered, or left unanswered as the hub decided) and the
   * sender's bookkeeping done; the controller is then not to see it. False: the controller's to handle.
   */
  readonly onPayload = (payload: ZclPayload): boolean => {
    const header = payload.header;
    if (!header) return false;
    const device = this.#deps.findDevice(payload.address);
    if (!device || device.type === "Coordinator") return false;
    let frame: Frame | undefined;
    let parseStatus: number = Status.MALFORMED_COMMAND;
    try {
      frame = Zcl.Frame.fromBuffer(payload.clusterID, header, payload.data, device.customClusters);
    } catch (err) {
      if (err instanceof Zcl.StatusError) parseStatus = err.code;
    }
    const hubEp = payload.destinationEndpoint;
    const role = this.#deps.hub.roleOf(hubEp);
    const ctx: RequestContext = {
      device: device.ieeeAddr,
      nwk: device.networkAddress,
      deviceEp: payload.endpoint,
      hubEp,
      role: role ?? "gpf",
    };
    // the frame's meta as one literal: a spread followed by more fields (`{ ...ctx, role }`) costs V8 (Node 20)
    // ~1.4 µs an object, a tenth of the hub's whole answer to a read
    const meta: FrameMeta = {
      device: ctx.device,
      nwk: ctx.nwk,
      deviceEp: ctx.deviceEp,
      hubEp,
      role,
      clusterId: payload.clusterID,
    };
    const apsSecured = this.#deps.securityOf?.(payload);
    if (apsSecured !== undefined) meta.apsSecured = apsSecured;
    this.#deps.tap.incoming(meta, frame, payload.data);
    const clientToServer = header.frameControl.direction === Zcl.Direction.CLIENT_TO_SERVER;
    if (payload.wasBroadcast || !clientToServer) return false;
    const attrIds =
      frame && header.isGlobal && header.commandIdentifier === GLOBAL_READ
        ? (frame.payload as { attrId: number }[]).map((r) => r.attrId)
        : undefined;
    this.#deps.requests.record(ctx.device, {
      hubEp,
      role,
      clusterId: payload.clusterID,
      command: frame ? frame.command.name : hex(header.commandIdentifier),
      ...(attrIds ? { attrIds } : {}),
    });
    if (role === undefined) {
      this.#notHub(device, ctx, payload.clusterID, header, frame);
      return false;
    }
    seenBy(device, payload);
    try {
      const { hub } = this.#deps;
      if (frame && !header.frameControl.manufacturerSpecific && hub.serves?.(hubEp, payload.clusterID) !== false) {
        // The hot paths: reads and cluster commands the hub model serves.
        if (header.isSpecific) this.#specific(device, ctx, frame, header);
        else if (attrIds) this.#read(device, ctx, frame, header, attrIds);
        else this.#other(device, ctx, payload, header, Status.UNSUP_GENERAL_COMMAND);
      } else this.#other(device, ctx, payload, header, frame ? Status.UNSUP_COMMAND : parseStatus);
    } catch (err) {
      this.#failed(ctx, err);
      this.#defaultRsp(device, ctx, payload.clusterID, header, Status.FAILURE);
    }
    return true;
  };

  #notHub(device: Device, ctx: RequestContext, clusterId: number, header: Zcl.Header, frame: Frame | undefined): void {
    // Reads: herdsman's own answer (UNSUPPORTED_ATTRIBUTE, or its Time/Basic defaults), from that endpoint.
    if (header.isSpecific) {
      const status = frame ? Status.UNSUPPORTED_CLUSTER : Status.UNSUP_COMMAND;
      this.#defaultRsp(device, ctx, clusterId, header, status, true);
    }
  }

  #read(device: Device, ctx: RequestContext, frame: Frame, header: Zcl.Header, attrIds: readonly number[]): void {
    const records = this.#deps.hub.read(ctx, frame.cluster.ID, attrIds);
    this.#send(device, ctx, this.#fitted(device, header, frame, records.map(toReadRspRecord)));
  }

  /**
   * The Read Attributes Response, with only the records that fit the coordinator's largest APS payload when
   * the whole one would not (ZCL: the client reads what was left out again); at least one record.
   */
  #fitted(device: Device, header: Zcl.Header, frame: Frame, records: Record<string, unknown>[]): Frame {
    const rsp = globalAnswer(device, header, "readRsp", frame.cluster, records);
    const max = this.#deps.maxPayload?.();
    if (max === undefined || records.length < 2 || readRspBound(records) <= max) return rsp;
    let size = rsp.toBuffer().length;
    if (size <= max) return rsp;
    const kept = [...records];
    while (kept.length > 1 && size > max) {
      kept.pop();
      size = globalAnswer(device, header, "readRsp", frame.cluster, kept).toBuffer().length;
    }
    return globalAnswer(device, header, "readRsp", frame.cluster, kept);
  }

  /**
   * Everything else addressed to a hub endpoint (other global commands such as Discover Attributes,
   * manufacturer-specific frames, clusters the role does not serve, frames herdsman cannot parse): the hub's
   * own bytes-in/bytes-out handler answers, or, without one, a Default Response with `status`.
   */
  #other(device: Device, ctx: RequestContext, payload: ZclPayload, header: Zcl.Header, status: number): void {
    const { hub } = this.#deps;
    if (!hub.handleFrame) {
      if (header.isGlobal && GLOBAL_RESPONSES.has(header.commandIdentifier)) return;
      const s = header.isGlobal && header.commandIdentifier === GLOBAL_REPORT ? Status.SUCCESS : status;
      this.#defaultRsp(device, ctx, payload.clusterID, header, s);
      return;
    }
    const reply = hub.handleFrame(ctx, payload.clusterID, payload.data);
    if (!reply) return;
    const replyHeader = Zcl.Header.fromBuffer(reply);
    if (!replyHeader) throw new Error(`the hub's reply is not a ZCL frame (${reply.toString("hex")})`);
    this.#send(device, ctx, Zcl.Frame.fromBuffer(payload.clusterID, replyHeader, reply, device.customClusters));
  }

  #specific(device: Device, ctx: RequestContext, frame: Frame, header: Zcl.Header): void {
    const result: CommandResult = this.#deps.hub.command(ctx, {
      clusterId: frame.cluster.ID,
      commandId: header.commandIdentifier,
      command: frame.command.name,
      payload: frame.payload as Record<string, unknown>,
      tsn: header.transactionSequenceNumber,
      disableDefaultResponse: header.frameControl.disableDefaultResponse,
    });
    if (result.kind === "none") return;
    if (result.kind === "default") {
      this.#defaultRsp(device, ctx, frame.cluster.ID, header, result.status);
      return;
    }
    // The reply is encoded with src/zcl, whose definitions the hub's payloads follow, and handed to herdsman as
    // bytes: some SE payloads (PublishTopUpLog, PublishDebtLog: repeated records of mixed fields) have no
    // herdsman parameter type, and herdsman's definition carries them as one raw buffer.
    let parts: Buffer[];
    try {
      const encode = (payload: Record<string, unknown>) =>
        encodeZcl(frame.cluster.ID, {
          frameType: "specific",
          direction: "serverToClient",
          disableDefaultResponse: true,
          ...(header.manufacturerCode !== undefined ? { manufacturerCode: header.manufacturerCode } : {}),
          tsn: header.transactionSequenceNumber,
          command: result.command,
          commandId: result.commandId,
          payload,
        });
      parts = splitToFit(result.payload, encode, this.#deps.maxPayload?.());
    } catch (err) {
      this.#deps.evidence.append({
        kind: "error",
        source: "hub",
        device: ctx.device,
        message: `the hub's ${result.command} reply could not be encoded: ${(err as Error).message}`,
      });
      this.#defaultRsp(device, ctx, frame.cluster.ID, header, Status.FAILURE);
      return;
    }
    for (const bytes of parts) {
      const rspHeader = Zcl.Header.fromBuffer(bytes)!;
      this.#send(device, ctx, Zcl.Frame.fromBuffer(frame.cluster.ID, rspHeader, bytes, device.customClusters));
    }
  }

  /** A Default Response, unless the sender disabled it and the status is SUCCESS (ZCL 2.5.12.2). */
  #defaultRsp(
    device: Device,
    ctx: { hubEp: number; deviceEp: number; device: string; nwk: number },
    clusterId: number,
    header: Zcl.Header,
    status: number,
    foreignEndpoint = false,
  ): void {
    if (status === Status.SUCCESS && header.frameControl.disableDefaultResponse) return;
    if (header.isGlobal && header.commandIdentifier === 0x0b) return;
    const rsp = globalAnswer(device, header, "defaultRsp", clusterId, {
      cmdId: header.commandIdentifier,
      statusCode: status,
    });
    this.#send(device, ctx, rsp, foreignEndpoint);
  }

  #send(
    device: Device,
    ctx: { hubEp: number; deviceEp: number; device: string; nwk: number },
    frame: Frame,
    foreignEndpoint = false,
  ): void {
    // From a hub endpoint the reply carries the SE profile; from any other endpoint the adapter picks
    // that endpoint's own profile.
    const profileId = foreignEndpoint ? undefined : SE_PROFILE_ID;
    this.#deps
      .send({ device, deviceEp: ctx.deviceEp, srcEp: ctx.hubEp, ...(profileId ? { profileId } : {}), frame })
      .catch((err: unknown) => this.#failed(ctx, err, "send"));
  }

  #failed(ctx: { device: string }, err: unknown, what = "route"): void {
    const message = err instanceof Error ? err.message : String(err);
    logger.warn({ device: ctx.device, err: message }, `could not ${what} a frame`);
    this.#deps.evidence.append({ kind: "error", source: `host.${what}`, message, device: ctx.device });
  }
}

/** A global command answering `header` (its TSN and manufacturer code), server to client, no Default Response asked. */
function globalAnswer(
  device: Device,
  header: Zcl.Header,
  command: "readRsp" | "defaultRsp",
  cluster: number | Frame["cluster"],
  payload: unknown,
): Frame {
  return Zcl.Frame.create(
    Zcl.FrameType.GLOBAL,
    Zcl.Direction.SERVER_TO_CLIENT,
    true,
    header.manufacturerCode,
    header.transactionSequenceNumber,
    command,
    cluster,
    payload as Parameters<typeof Zcl.Frame.create>[7],
    device.customClusters,
  );
}

/**
 * What herdsman's controller does with the sender of every frame it is given (controller.js `onZclPayload`,
 * herdsman 11.1.1), for a frame the hub answered instead: the device was seen now, with this link quality;
 * an implicit check-in sends what herdsman holds for it (its pending requests; not for Poll Control frames);
 * an endpoint herdsman did not know is added to the device. Not done: herdsman's `message` and
 * `lastSeenChanged` events, which the host does not listen to.
 */
export function seenBy(device: Device, payload: ZclPayload): void {
  device.updateLastSeen();
  // herdsman does no implicit check-in on Poll Control frames (an explicit check-in is its own)
  if (payload.clusterID !== Zcl.Clusters.genPollCtrl.ID && device.endpoints.some((e) => e.hasPendingRequests()))
    device.implicitCheckin();
  device.linkquality = payload.linkquality;
  if (!device.getEndpoint(payload.endpoint)) device.createEndpoint(payload.endpoint);
}

/**
 * An upper bound of a Read Attributes Response's length, without encoding it: the ZCL header with a
 * manufacturer code (5), then per record the attribute id, status and type (4) and the value — 8 bytes at
 * most for a number or bigint, a string's or buffer's bytes and a 2-byte length, anything else counted as
 * too long. Most reads are a few numbers, far below an NCP's payload, and need no trial encoding.
 */
function readRspBound(records: Record<string, unknown>[]): number {
  let n = 5;
  for (const r of records) {
    n += 4;
    const v = r.attrData;
    if (v === undefined || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") n += 8;
    else if (typeof v === "string") n += Buffer.byteLength(v) + 2;
    else if (Buffer.isBuffer(v)) n += v.length + 2;
    else return Number.POSITIVE_INFINITY;
  }
  return n;
}

function toReadRspRecord(r: ReadRecord): Record<string, unknown> {
  if (r.status !== Status.SUCCESS) return { attrId: r.attrId, status: r.status };
  return { attrId: r.attrId, status: r.status, dataType: r.type, attrData: r.value };
}

/**
 * One reply, or, when it is longer than `max` and is an SE multi-command response (a `commandIndex` and
 * `totalCommands` and one list of records, as PublishTopUpLog and PublishDebtLog are), as many commands of
 * that kind as it takes, each with its index, all with the request's TSN. Anything else goes as it is.
 */
export function splitToFit(
  payload: Record<string, unknown>,
  encode: (payload: Record<string, unknown>) => Buffer,
  max: number | undefined,
): Buffer[] {
  const whole = encode(payload);
  if (max === undefined || whole.length <= max || !("commandIndex" in payload) || !("totalCommands" in payload))
    return [whole];
  const lists = Object.entries(payload).filter(([, v]) => Array.isArray(v));
  if (lists.length !== 1) return [whole];
  const [key, records] = lists[0] as [string, unknown[]];
  const chunks: unknown[][] = [];
  let chunk: unknown[] = [];
  for (const record of records) {
    const next = [...chunk, record];
    if (chunk.length > 0 && encode({ ...payload, [key]: next }).length > max) {
      chunks.push(chunk);
      chunk = [record];
    } else chunk = next;
  }
  chunks.push(chunk);
  return chunks.map((c, i) => encode({ ...payload, commandIndex: i, totalCommands: chunks.length, [key]: c }));
}

/**
 * ZDO requests devices send to the coordinator (Match_Desc, Simple_Desc …) are answered by the Z-Stack
 * firmware itself, so herdsman never sees them. ZDO_MSG_CB_REGISTER asks Z-Stack to pass requests of a
 * cluster on to the host as ZDO_MSG_CB_INCOMING as well. herdsman ignores that indication, and its parser
 * reads the indication's `msgdata` with `macdstaddr` as the length (its FIXME: a unicast request arrives
 * with an empty body), so this module reads the MT frames themselves as herdsman's ZNP layer receives them.
 *
 * ZDO_MSG_CB_INCOMING (AREQ, subsystem ZDO, command 0xFF): srcaddr(2) wasbroadcast(1) clusterid(2)
 * securityuse(1) seqnum(1) macdstaddr(2), then the request body after its ZDO sequence number.
 *
 * On an EmberZNet NCP the copies come as incomingMessageHandler frames of the ZDO profile, once the host has
 * asked for them with APPLICATION_ZDO_FLAGS at start (ember-hooks.ts `askZdoRequests`), and the hooked
 * incoming filter emits them as the Ezsp object's `zdoRequest` event: `watchEmberZdoRequests`.
 */
import type { Adapter } from "zigbee-herdsman/dist/adapter/adapter.js";

const ZDO_SUBSYSTEM = 5;
/** CMD0 of an AREQ of the ZDO subsystem: type 2 in the top 3 bits. */
const ZDO_AREQ = (2 << 5) | ZDO_SUBSYSTEM;
const MSG_CB_INCOMING = 0xff;
/** SOF, LEN, CMD0, CMD1. */
const DATA_START = 4;

export interface ZdoRequestSeen {
  srcNwk: number;
  clusterId: number;
  broadcast: boolean;
  /** The request body after the ZDO sequence number. */
  body: Buffer;
}

type OnFrame = (buffer: Buffer, dataLength: number, fcsPosition: number) => void;

interface ZnpLike {
  onFrame?: OnFrame;
  request(subsystem: number, command: string, payload: Record<string, unknown>): Promise<unknown>;
}

/** Parses an MT frame (SOF … FCS) if it is a ZDO_MSG_CB_INCOMING. */
export function parseMsgCbIncoming(frame: Buffer): ZdoRequestSeen | undefined {
  if (frame.length < DATA_START + 9 || frame[2] !== ZDO_AREQ || frame[3] !== MSG_CB_INCOMING) return undefined;
  const len = frame[1]!;
  const data = frame.subarray(DATA_START, DATA_START + len);
  if (data.length < 9) return undefined;
  return {
    srcNwk: data.readUInt16LE(0),
    broadcast: data[2] !== 0,
    clusterId: data.readUInt16LE(3),
    body: Buffer.from(data.subarray(9)),
  };
}

/** Registers `clusters` with the coordinator and calls `listener` for each request seen; returns a stop function. */
export async function watchZdoRequests(
  adapter: Adapter,
  clusters: readonly number[],
  listener: (r: ZdoRequestSeen) => void,
): Promise<() => void> {
  const znp = (adapter as unknown as { znp?: ZnpLike }).znp;
  const original = znp?.onFrame;
  if (!znp || typeof original !== "function" || typeof znp.request !== "function") {
    throw new Error("ZDO request indications need the zstack adapter");
  }
  const wanted = new Set(clusters);
  let active = true;
  const tapped: OnFrame = function (this: unknown, buffer, dataLength, fcsPosition) {
    if (active) {
      const seen = parseMsgCbIncoming(buffer);
      if (seen && wanted.has(seen.clusterId)) listener(seen);
    }
    original.call(this, buffer, dataLength, fcsPosition);
  };
  znp.onFrame = tapped;
  const stop = () => {
    active = false;
    if (znp.onFrame === tapped) znp.onFrame = original;
  };
  try {
    for (const clusterid of wanted) await znp.request(ZDO_SUBSYSTEM, "msgCbRegister", { clusterid });
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}

type ZdoRequestListener = (type: number, apsFrame: { clusterId: number }, sender: number, contents: Buffer) => void;

interface EzspLike {
  on(event: "zdoRequest", listener: ZdoRequestListener): unknown;
  off(event: "zdoRequest", listener: ZdoRequestListener): unknown;
}

/** EmberIncomingMessageType of a broadcast and of the NCP's own broadcast looped back. */
const EMBER_BROADCASTS = new Set([3, 4]);

/**
 * ember: calls `listener` for each ZDO request of `clusters` the NCP answered and passed on (ember-hooks.ts
 * `askZdoRequests` asked for them before the NCP's endpoints were registered); returns a stop function.
 */
export function watchEmberZdoRequests(
  adapter: Adapter,
  clusters: readonly number[],
  listener: (r: ZdoRequestSeen) => void,
): () => void {
  const ezsp = (adapter as unknown as { ezsp?: EzspLike }).ezsp;
  if (!ezsp || typeof ezsp.on !== "function") throw new Error("ZDO request copies need the ember adapter");
  const wanted = new Set(clusters);
  const onRequest: ZdoRequestListener = (type, apsFrame, sender, contents) => {
    if (!wanted.has(apsFrame.clusterId) || contents.length < 1) return;
    listener({
      srcNwk: sender,
      clusterId: apsFrame.clusterId,
      broadcast: EMBER_BROADCASTS.has(type),
      body: Buffer.from(contents.subarray(1)),
    });
  };
  ezsp.on("zdoRequest", onRequest);
  return () => ezsp.off("zdoRequest", onRequest);
}

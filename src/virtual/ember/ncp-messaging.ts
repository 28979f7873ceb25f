/**
 * Messaging: unicast, broadcast and multicast sends with their messageSentHandler, the multicast table,
 * and the HAN side of the coordinator. What arrives for the coordinator goes to the host as
 * incomingMessageHandler — ZCL for a registered endpoint (or the broadcast endpoint), ZDO responses and
 * device announcements — except the ZDO requests about the coordinator itself, which the NCP answers on
 * its own from its endpoints, as EmberZNet does; with APPLICATION_ZDO_FLAGS APP_RECEIVES_SUPPORTED_ZDO_REQUESTS
 * (0x01) the host also gets a copy of each request it answers. The
 * host's own ZDO requests to the coordinator (node 0x0000) are answered the same way and come back as an
 * incoming message from 0x0000. A broadcast the host sends is also delivered back to it
 * (BROADCAST_LOOPBACK) when it is addressed to a registered endpoint, as the stack delivers its own
 * broadcasts.
 *
 * APS security (EmberApsOption ENCRYPTION, 0x0020): a unicast the host sends with that option goes out
 * APS-secured with the destination's link key from the key table (importLinkKey), as the stack encrypts it;
 * with no key for the destination nothing is sent and messageSentHandler reports ZIGBEE_DELIVERY_FAILED (the
 * exact status EmberZNet gives there is not confirmed here). A frame that came APS-secured reaches the host
 * with the ENCRYPTION bit in its incomingMessageHandler APS options, as EmberZNet reports it; the HAN medium
 * delivers it only when the key-table entry holds the sender's key (han/medium.ts).
 *
 * A payload longer than 82 bytes is refused with MESSAGE_TOO_LONG: the largest APS payload of an
 * unfragmented, NWK-secured frame on 802.15.4 (127 bytes less the MAC, NWK, NWK security and APS headers),
 * which is what EmberZNet's maximum APS payload length gives for a direct unicast.
 */
import { log } from "../../log.js";
import { answerZdo } from "../han/node-zdo.js";
import { type ApsFrame, isBroadcast } from "../han/types.js";
import { LogicalType, ZdoCluster } from "../han/zdo.js";
import {
  ApsOption,
  ConfigId,
  Decision,
  IncomingMessageType,
  OutgoingMessageType,
  PolicyId,
  SlStatus,
} from "./ezsp-ids.js";
import { type EzspApsFrame, eui64Bytes } from "./ezsp-types.js";
import type { EmberNcp, HandlerTable } from "./ncp.js";
import { changeChannel } from "./ncp-network.js";
import { onTrustCentreCommand } from "./ncp-security.js";

export const MAX_APS_PAYLOAD = 82;
/** EmberZdoConfigurationFlags bit of APPLICATION_ZDO_FLAGS: supported ZDO requests are passed on to the host. */
const APP_RECEIVES_SUPPORTED_ZDO_REQUESTS = 0x01;
/** EZSP frame (220) less the incomingMessageHandler header, APS frame, packet info and length byte. */
const MAX_INCOMING_PAYLOAD = 220 - 5 - 1 - 11 - 17 - 1;
const BLANK_EUI64 = "0x0000000000000000";
const LQI = 200;
const RSSI = -50;

const logger = log("virtual-ncp");

function messageSent(
  ncp: EmberNcp,
  status: number,
  type: number,
  indexOrDestination: number,
  apsFrame: EzspApsFrame,
  messageTag: number,
  contents: Buffer,
): void {
  const withContents =
    ncp.ram.policies.get(PolicyId.MESSAGE_CONTENTS_IN_CALLBACK_POLICY) ===
    Decision.MESSAGE_TAG_AND_CONTENTS_IN_CALLBACK;
  ncp.callback("messageSentHandler", {
    status,
    type,
    indexOrDestination,
    apsFrame,
    messageTag,
    messageContents: withContents ? contents : Buffer.alloc(0),
  });
}

/** An APS frame the host sends, as it goes on the HAN. */
function hanFrame(ncp: EmberNcp, dstNwk: number, aps: EzspApsFrame, payload: Buffer): ApsFrame {
  return {
    srcNwk: ncp.nwk,
    srcEp: aps.sourceEndpoint,
    dstNwk,
    dstEp: aps.destinationEndpoint,
    profileId: aps.profileId,
    clusterId: aps.clusterId,
    payload: Buffer.from(payload),
  };
}

/** Delivers a frame to the host as incomingMessageHandler. */
export function toHost(ncp: EmberNcp, type: number, f: ApsFrame, groupId = 0): void {
  if (f.payload.length > MAX_INCOMING_PAYLOAD) {
    logger.warn(
      { cluster: f.clusterId, length: f.payload.length },
      "incoming payload longer than an EZSP frame dropped",
    );
    return;
  }
  const senderLongId = f.srcNwk === ncp.nwk ? ncp.ieee : (ncp.medium.member(f.srcNwk)?.ieee ?? BLANK_EUI64);
  ncp.callback("incomingMessageHandler", {
    type,
    apsFrame: {
      profileId: f.profileId,
      clusterId: f.clusterId,
      sourceEndpoint: f.srcEp,
      destinationEndpoint: f.dstEp,
      options: f.security ? ApsOption.ENCRYPTION : 0,
      groupId,
      sequence: ncp.nextApsSequence(),
    },
    packetInfo: {
      senderShortId: f.srcNwk,
      senderLongId,
      bindingIndex: 0xff,
      addressIndex: 0xff,
      lastHopLqi: LQI,
      lastHopRssi: RSSI,
      lastHopTimestamp: Math.floor(performance.now() * 1000) >>> 0,
    },
    messageContents: f.payload,
  });
}

/** The coordinator's answer to a ZDO request body (without TSN), from its registered endpoints. */
function coordinatorZdo(ncp: EmberNcp, cluster: number, body: Buffer, broadcast: boolean): Buffer | undefined {
  return answerZdo(
    {
      nwk: ncp.nwk,
      ieeeLe: eui64Bytes(ncp.ieee),
      node: { logicalType: LogicalType.COORDINATOR, macCapabilities: 0x8f, manufacturerCode: ncp.ram.manufacturerCode },
      endpoints: [...ncp.ram.endpoints.values()],
    },
    cluster,
    body,
    broadcast,
  );
}

/** What the coordinator's own stack does with a ZDO request it sent as a broadcast. */
function zdoLoopback(ncp: EmberNcp, f: ApsFrame): void {
  if (f.clusterId === ZdoCluster.MGMT_NWK_UPDATE_REQ && f.payload.length >= 6 && f.payload[5] === 0xfe) {
    const mask = f.payload.readUInt32LE(1);
    for (let ch = 11; ch <= 26; ch++) {
      if (mask & (1 << ch)) {
        changeChannel(ncp, ch);
        break;
      }
    }
  }
}

/** A frame from the HAN for the coordinator. */
export function receiveFromHan(ncp: EmberNcp, f: ApsFrame): void {
  if (f.apsCommand) {
    onTrustCentreCommand(ncp, f);
    return;
  }
  const type = isBroadcast(f.dstNwk) ? IncomingMessageType.BROADCAST : IncomingMessageType.UNICAST;
  if (f.dstEp === 0 && f.profileId === 0) {
    if (f.payload.length < 1) return;
    if (f.clusterId & 0x8000 || f.clusterId === ZdoCluster.DEVICE_ANNCE) {
      toHost(ncp, type, f);
      return;
    }
    const rsp = coordinatorZdo(ncp, f.clusterId, f.payload.subarray(1), isBroadcast(f.dstNwk));
    if (!rsp) return;
    // APPLICATION_ZDO_FLAGS APP_RECEIVES_SUPPORTED_ZDO_REQUESTS: the stack answers, and the host gets a copy
    if ((ncp.ram.config.get(ConfigId.APPLICATION_ZDO_FLAGS) ?? 0) & APP_RECEIVES_SUPPORTED_ZDO_REQUESTS)
      toHost(ncp, type, f);
    ncp.medium.send({
      srcNwk: ncp.nwk,
      srcEp: 0,
      dstNwk: f.srcNwk,
      dstEp: 0,
      profileId: 0,
      clusterId: f.clusterId | 0x8000,
      payload: Buffer.concat([f.payload.subarray(0, 1), rsp]),
    });
    return;
  }
  if (f.dstEp !== 0xff && !ncp.ram.endpoints.has(f.dstEp)) return; // no such endpoint on the coordinator
  toHost(ncp, type, f);
}

/** A unicast the host addressed to the coordinator itself. */
function toSelf(ncp: EmberNcp, f: ApsFrame): void {
  if (f.dstEp === 0 && f.profileId === 0) {
    if (f.payload.length < 1 || f.clusterId & 0x8000) return;
    const rsp = coordinatorZdo(ncp, f.clusterId, f.payload.subarray(1), false);
    if (rsp)
      toHost(ncp, IncomingMessageType.UNICAST, {
        ...f,
        clusterId: f.clusterId | 0x8000,
        payload: Buffer.concat([f.payload.subarray(0, 1), rsp]),
      });
    return;
  }
  if (ncp.ram.endpoints.has(f.dstEp)) toHost(ncp, IncomingMessageType.UNICAST, f);
}

function checkSend(ncp: EmberNcp, contents: Buffer): number | undefined {
  if (!ncp.ram.networkUp) return SlStatus.NETWORK_DOWN;
  if (contents.length > MAX_APS_PAYLOAD) return SlStatus.MESSAGE_TOO_LONG;
  return undefined;
}

function sent(ncp: EmberNcp): void {
  ncp.tokens.nwkFrameCounter = (ncp.tokens.nwkFrameCounter + 1) >>> 0;
}

export const messagingHandlers: HandlerTable = {
  maximumPayloadLength: () => ({ apsLength: MAX_APS_PAYLOAD }),
  sendUnicast: (p, ncp) => {
    const refused = checkSend(ncp, p.messageContents);
    if (refused !== undefined) return { status: refused, sequence: 0 };
    // no address or binding table on this NCP: only direct unicasts
    if (p.type !== OutgoingMessageType.DIRECT) return { status: SlStatus.INVALID_PARAMETER, sequence: 0 };
    const dst = p.indexOrDestination;
    if (isBroadcast(dst)) return { status: SlStatus.INVALID_PARAMETER, sequence: 0 };
    const aps = { ...p.apsFrame, sequence: ncp.nextApsSequence() };
    const frame = hanFrame(ncp, dst, aps, p.messageContents);
    if (aps.options & ApsOption.ENCRYPTION && dst !== ncp.nwk) {
      const peer = ncp.medium.member(dst)?.ieee;
      if (!peer || !ncp.apsKey(peer)) {
        queueMicrotask(() =>
          messageSent(ncp, SlStatus.ZIGBEE_DELIVERY_FAILED, p.type, dst, aps, p.messageTag, p.messageContents),
        );
        return { status: SlStatus.OK, sequence: aps.sequence };
      }
      frame.security = true;
    }
    sent(ncp);
    if (dst === ncp.nwk) {
      queueMicrotask(() => {
        messageSent(ncp, SlStatus.OK, p.type, dst, aps, p.messageTag, p.messageContents);
        toSelf(ncp, frame);
      });
    } else {
      ncp.medium.send(frame, (delivered) =>
        messageSent(
          ncp,
          delivered ? SlStatus.OK : SlStatus.ZIGBEE_DELIVERY_FAILED,
          p.type,
          dst,
          aps,
          p.messageTag,
          p.messageContents,
        ),
      );
    }
    return { status: SlStatus.OK, sequence: aps.sequence };
  },

  sendBroadcast: (p, ncp) => {
    const refused = checkSend(ncp, p.messageContents);
    if (refused !== undefined) return { status: refused, sequence: 0 };
    if (!isBroadcast(p.destination)) return { status: SlStatus.INVALID_PARAMETER, sequence: 0 };
    const aps = { ...p.apsFrame, sequence: ncp.nextApsSequence() };
    const frame = hanFrame(ncp, p.destination, aps, p.messageContents);
    sent(ncp);
    ncp.medium.send(frame, (delivered) =>
      messageSent(
        ncp,
        delivered ? SlStatus.OK : SlStatus.ZIGBEE_DELIVERY_FAILED,
        OutgoingMessageType.BROADCAST,
        p.destination,
        aps,
        p.messageTag,
        p.messageContents,
      ),
    );
    if (frame.dstEp === 0 && frame.profileId === 0) zdoLoopback(ncp, frame);
    else if (frame.dstEp === 0xff || ncp.ram.endpoints.has(frame.dstEp))
      queueMicrotask(() => toHost(ncp, IncomingMessageType.BROADCAST_LOOPBACK, frame));
    return { status: SlStatus.OK, sequence: aps.sequence };
  },

  sendMulticast: (p, ncp) => {
    const refused = checkSend(ncp, p.messageContents);
    if (refused !== undefined) return { status: refused, sequence: 0 };
    const aps = { ...p.apsFrame, sequence: ncp.nextApsSequence() };
    // the simulated HAN has no group tables: a multicast reaches every node that is awake, on every endpoint
    const frame = { ...hanFrame(ncp, 0xfffd, aps, p.messageContents), dstEp: 0xff };
    sent(ncp);
    ncp.medium.send(frame, (delivered) =>
      messageSent(
        ncp,
        delivered ? SlStatus.OK : SlStatus.ZIGBEE_DELIVERY_FAILED,
        OutgoingMessageType.MULTICAST,
        aps.groupId,
        aps,
        p.messageTag,
        p.messageContents,
      ),
    );
    if (ncp.ram.multicast.some((e) => e?.multicastId === aps.groupId))
      queueMicrotask(() => toHost(ncp, IncomingMessageType.MULTICAST_LOOPBACK, frame, aps.groupId));
    return { status: SlStatus.OK, sequence: aps.sequence };
  },

  setMulticastTableEntry: (p, ncp) => {
    const size = ncp.ram.config.get(ConfigId.MULTICAST_TABLE_SIZE) ?? 16;
    if (p.index >= size) return { status: SlStatus.INVALID_INDEX };
    ncp.ram.multicast[p.index] = p.value;
    return { status: SlStatus.OK };
  },

  getMulticastTableEntry: (p, ncp) => {
    const e = ncp.ram.multicast[p.index];
    if (!e) return { status: SlStatus.INVALID_INDEX, value: { multicastId: 0, endpoint: 0, networkIndex: 0 } };
    return { status: SlStatus.OK, value: e };
  },
};

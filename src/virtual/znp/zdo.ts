/**
 * ZDO subsystem. Requests from the host arrive as SREQs carrying the ZDO body without TSN (prefixed with
 * the destination per command) and go out as ZDO frames; one for the coordinator itself (0x0000, or a
 * broadcast, of which firmware processes a unicast copy) loops back through its own ZDO. Every ZDO frame
 * the coordinator receives — from a device, or from itself — is processed as zd_profile.c
 * ZDP_IncomingData does: first ZDO_MSG_CB_INCOMING for the clusters the host registered (0xFFFF: all),
 * then the MT direct callback of a response (ZDO_*_RSP, id 0x80 | the cluster's low bits, source address
 * first; NWK/IEEE address responses in Z-Stack's own order and only on success, a failed Simple_Desc_rsp
 * as ZDO_STATUS_ERROR_RSP) or of a Device_annce (ZDO_END_DEVICE_ANNCE_IND), and a request is answered
 * from the coordinator's own state (AF registrations), Mgmt_NWK_Update_req by the network manager
 * (energy scan → Mgmt_NWK_Update_notify, channel change with nwkUpdateId). Also: startupFromApp, groups,
 * route discovery and check, network discovery and network info.
 */
import type { ApsFrame } from "../han/types.js";
import { BROADCAST_ROUTERS, BROADCAST_RX_ON, isBroadcast } from "../han/types.js";
import { answerZdo } from "../han/node-zdo.js";
import { LogicalType, ZdoCluster } from "../han/zdo.js";
import {
  type MtCommand,
  ZDO_ACTIVE_EP_REQ,
  ZDO_BEACON_NOTIFY_IND,
  ZDO_BIND_REQ,
  ZDO_END_DEVICE_ANNCE_IND,
  ZDO_EXT_ADD_GROUP,
  ZDO_EXT_FIND_GROUP,
  ZDO_EXT_NWK_INFO,
  ZDO_EXT_ROUTE_CHK,
  ZDO_EXT_ROUTE_DISC,
  ZDO_IEEE_ADDR_REQ,
  ZDO_IEEE_ADDR_RSP,
  ZDO_MATCH_DESC_REQ,
  ZDO_MGMT_BIND_REQ,
  ZDO_MGMT_LEAVE_REQ,
  ZDO_MGMT_LQI_REQ,
  ZDO_MGMT_NWK_UPDATE_NOTIFY,
  ZDO_MGMT_NWK_UPDATE_REQ,
  ZDO_MGMT_PERMIT_JOIN_REQ,
  ZDO_MGMT_PERMIT_JOIN_RSP,
  ZDO_MGMT_RTG_REQ,
  ZDO_MSG_CB_INCOMING,
  ZDO_MSG_CB_REGISTER,
  ZDO_MSG_CB_REMOVE,
  ZDO_NODE_DESC_REQ,
  ZDO_NWK_ADDR_REQ,
  ZDO_NWK_ADDR_RSP,
  ZDO_NWK_DISCOVERY_CNF,
  ZDO_NWK_DISCOVERY_REQ,
  ZDO_PERMIT_JOIN_IND,
  ZDO_POWER_DESC_REQ,
  ZDO_RSP_CALLBACKS,
  ZDO_SIMPLE_DESC_REQ,
  ZDO_STARTUP_FROM_APP,
  ZDO_STATUS_ERROR_RSP,
  ZDO_UNBIND_REQ,
} from "./commands.js";
import { deliverToHost } from "./af.js";
import { DevState, type Responder, type ZnpEmulator, onSreq } from "./emulator.js";
import { buildNib, readNib } from "./nib.js";
import { NvId } from "./state.js";
import { BdbMode, firstChannel, startCommissioning } from "./commissioning.js";
import { decode, encode, list8, u8, u16, u32 } from "./layout.js";

/** The response of ZDO request cluster `c` is cluster `c | RESPONSE` (Zigbee spec 2.4.2). */
const RESPONSE = 0x8000;
const NWK_ADDR_RSP = ZdoCluster.NWK_ADDR_REQ | RESPONSE;
const IEEE_ADDR_RSP = ZdoCluster.IEEE_ADDR_REQ | RESPONSE;
const SIMPLE_DESC_RSP = ZdoCluster.SIMPLE_DESC_REQ | RESPONSE;
const MGMT_PERMIT_JOIN_RSP = ZdoCluster.MGMT_PERMIT_JOIN_REQ | RESPONSE;
const MGMT_NWK_UPDATE_NOTIFY = ZdoCluster.MGMT_NWK_UPDATE_REQ | RESPONSE;

/** ZDO_STATUS values the ZDO SREQs answer with. */
const ZStatus = { SUCCESS: 0x00, FAILURE: 0x01, NWK_INVALID_REQUEST: 0xc2 } as const;

/** RTG_Status_t (rtg.h), the answer of ZDO_EXT_ROUTE_CHK. */
export const RtgStatus = { SUCCESS: 0, FAIL: 1, NO_ENTRY: 4 } as const;
/** Route entry statuses (rtg.h RT_*). */
const RT_ACTIVE = 1;

/** ZDO_RegisterForZDOMsg's cluster for every ZDO message. */
const ALL_ZDO_MESSAGES = 0xffff;

/**
 * ZDO clusters the host registered with ZDO_MSG_CB_REGISTER: device requests of these clusters are passed
 * on as ZDO_MSG_CB_INCOMING (then answered as usual), as Z-Stack's ZDO_RegisterForZDOMsg does.
 */
const msgCallbacks = new WeakMap<ZnpEmulator, Set<number>>();

function msgCbIncoming(emu: ZnpEmulator, f: ApsFrame, tsn: number, body: Buffer): void {
  const registered = msgCallbacks.get(emu);
  if (!registered || !(registered.has(f.clusterId) || registered.has(ALL_ZDO_MESSAGES))) return;
  emu.callback(ZDO_MSG_CB_INCOMING, {
    srcAddr: f.srcNwk,
    wasBroadcast: isBroadcast(f.dstNwk) ? 1 : 0,
    clusterId: f.clusterId,
    securityUse: 0,
    seqNum: tsn,
    macDstAddr: f.dstNwk,
    data: body,
  });
}

const COORDINATOR_NODE = { logicalType: LogicalType.COORDINATOR, macCapabilities: 0x8f, manufacturerCode: 0x0000 };

/** Answer of the coordinator itself to a ZDO request body (without TSN), or undefined for none. */
export function coordinatorAnswer(
  emu: ZnpEmulator,
  cluster: number,
  body: Buffer,
  broadcast: boolean,
): Buffer | undefined {
  const self = {
    nwk: 0x0000,
    ieeeLe: emu.ieeeLe,
    node: COORDINATOR_NODE,
    endpoints: [...emu.state.endpoints.values()],
  };
  return answerZdo(self, cluster, body, broadcast);
}

/** Mgmt_NWK_Update_notify after its TSN (ZDO_MGMT_NWK_UPDATE_NOTIFY without the source address). */
const NWK_UPDATE_NOTIFY_BODY = [
  u8("status"),
  u32("scannedChannels"),
  u16("totalTransmissions"),
  u16("transmissionFailures"),
  list8("energyValues"),
] as const;

/** A ZDO response body (without TSN) from `srcNwk` → the host's AREQ. */
export function zdoResponseToHost(emu: ZnpEmulator, srcNwk: number, cluster: number, body: Buffer): void {
  if (cluster === NWK_ADDR_RSP || cluster === IEEE_ADDR_RSP) {
    // Z-Stack layout: no source prefix; startIndex before the associated-device list
    if (body.length < 11 || body[0] !== 0) return; // only a successful one reaches the host
    const command = cluster === NWK_ADDR_RSP ? ZDO_NWK_ADDR_RSP : ZDO_IEEE_ADDR_RSP;
    const n = body.length >= 13 ? body[11]! : 0;
    const assocDevices: number[] = [];
    for (let i = 0; i < n && 13 + 2 * i + 1 < body.length; i++) assocDevices.push(body.readUInt16LE(13 + 2 * i));
    emu.callback(command, {
      status: body[0]!,
      ieeeAddr: body.subarray(1, 9),
      nwkAddr: body.readUInt16LE(9),
      startIndex: body.length >= 13 ? body[12]! : 0,
      assocDevices,
    });
    return;
  }
  if (cluster === MGMT_PERMIT_JOIN_RSP) {
    if (body.length >= 1) emu.callback(ZDO_MGMT_PERMIT_JOIN_RSP, { srcAddr: srcNwk, status: body[0]! });
    return;
  }
  if (cluster === MGMT_NWK_UPDATE_NOTIFY) {
    try {
      emu.callback(ZDO_MGMT_NWK_UPDATE_NOTIFY, { srcAddr: srcNwk, ...decode(NWK_UPDATE_NOTIFY_BODY, body) });
    } catch {
      // a malformed notify from a device: nothing the host could parse either
    }
    return;
  }
  if (cluster === SIMPLE_DESC_RSP && body.length <= 4) {
    // a Simple_Desc_rsp without a descriptor (mt_zdo.c MT_ZdoHandleExceptions)
    if (body.length >= 1) emu.callback(ZDO_STATUS_ERROR_RSP, { srcAddr: srcNwk, status: body[0]! });
    return;
  }
  const command = ZDO_RSP_CALLBACKS.get(cluster);
  if (command) emu.callback(command, { srcAddr: srcNwk, body });
}

/** An APS frame for the coordinator: ZDO handled here, everything else to the host. */
export function onCoordinatorAps(emu: ZnpEmulator, f: ApsFrame): void {
  if (f.dstEp !== 0 || f.profileId !== 0) {
    deliverToHost(emu, f);
    return;
  }
  if (f.payload.length < 1) return;
  const tsn = f.payload[0]!;
  const body = f.payload.subarray(1);
  msgCbIncoming(emu, f, tsn, body);
  if (f.clusterId & RESPONSE) {
    zdoResponseToHost(emu, f.srcNwk, f.clusterId, body);
    return;
  }
  if (f.clusterId === ZdoCluster.DEVICE_ANNCE) {
    if (body.length < 11) return;
    emu.callback(ZDO_END_DEVICE_ANNCE_IND, {
      srcAddr: f.srcNwk,
      nwkAddr: body.readUInt16LE(0),
      ieeeAddr: body.subarray(2, 10),
      capabilities: body[10]!,
    });
    return;
  }
  if (f.clusterId === ZdoCluster.MGMT_NWK_UPDATE_REQ) {
    networkManager(emu, f, tsn, body);
    return;
  }
  if (f.clusterId === ZdoCluster.MGMT_PERMIT_JOIN_REQ && body.length >= 1) permitJoin(emu, body[0]!);
  const rsp = coordinatorAnswer(emu, f.clusterId, body, isBroadcast(f.dstNwk));
  if (rsp) sendZdoFrame(emu, f.srcNwk, f.clusterId | RESPONSE, tsn, rsp);
}

/** Opens (or closes) joining; ZDO_PERMIT_JOIN_IND when that changes whether joining is permitted. */
function permitJoin(emu: ZnpEmulator, duration: number): void {
  const was = emu.medium.joinPermitted;
  emu.medium.permitJoin(duration);
  if (was !== duration > 0) emu.callback(ZDO_PERMIT_JOIN_IND, { duration });
}

/** A ZDO frame from the coordinator: to itself it loops back (no radio), else over the HAN. */
function sendZdoFrame(emu: ZnpEmulator, dstNwk: number, cluster: number, tsn: number, body: Buffer): void {
  const payload = Buffer.allocUnsafe(body.length + 1);
  payload[0] = tsn;
  body.copy(payload, 1);
  const frame: ApsFrame = { srcNwk: 0, srcEp: 0, dstNwk, dstEp: 0, profileId: 0, clusterId: cluster, payload };
  if (dstNwk === emu.nwk) queueMicrotask(() => onCoordinatorAps(emu, frame));
  else emu.medium.send(frame);
}

/** A ZDO request from the host (body without TSN) to `dst`, possibly the coordinator itself. */
function hostZdo(emu: ZnpEmulator, dst: number, cluster: number, body: Buffer): void {
  sendZdoFrame(emu, dst, cluster, emu.nextZdoTsn(), body);
}

/** Energy (ED) the coordinator measures on `channel` in a scan: a quiet band, its own channel busier. */
function energyOn(channel: number, own: number): number {
  return channel === own ? 0xb4 : 0x0c + ((channel * 37) % 0x18);
}

/**
 * Mgmt_NWK_Update_req at the coordinator (zd_nwk_mgr.c): a scan duration 0-5 asks for an energy scan of
 * the given channels, answered with Mgmt_NWK_Update_notify (unicast requests only); 0xFE moves the network
 * to the mask's channel and takes the request's nwkUpdateId; 0xFF sets the channel mask and the network
 * manager address.
 */
function networkManager(emu: ZnpEmulator, f: ApsFrame, tsn: number, body: Buffer): void {
  if (body.length < 5) return;
  const mask = body.readUInt32LE(0) & 0x07fff800;
  const duration = body[4]!;
  const nibBytes = emu.state.nv.get(NvId.NIB);
  if (!nibBytes) return;
  const nib = readNib(nibBytes);
  if (duration <= 5) {
    if (isBroadcast(f.dstNwk)) return;
    const energyValues: number[] = [];
    for (let ch = 11; ch <= 26; ch++) if (mask & (1 << ch)) energyValues.push(energyOn(ch, nib.channel));
    const notify = encode(NWK_UPDATE_NOTIFY_BODY, {
      status: 0,
      scannedChannels: mask,
      totalTransmissions: 0,
      transmissionFailures: 0,
      energyValues,
    });
    sendZdoFrame(emu, f.srcNwk, MGMT_NWK_UPDATE_NOTIFY, tsn, notify);
    return;
  }
  const updateId = body.length >= 6 ? body[5]! : (nib.nwkUpdateId + 1) & 0xff;
  if (duration === 0xfe) {
    const channel = firstChannel(mask);
    emu.state.nv.set(NvId.NIB, buildNib({ ...nib, channel, ieeeLe: emu.ieeeLe, nwkUpdateId: updateId }));
  } else if (duration === 0xff) {
    emu.state.nv.set(NvId.NIB, buildNib({ ...nib, channelMask: mask, ieeeLe: emu.ieeeLe, nwkUpdateId: updateId }));
  } else return;
  emu.state.save();
}

/** ZDO requests a coordinator not yet on a network still answers (about itself). */
const OFFLINE_OK = new Set<number>([ZDO_ACTIVE_EP_REQ.id, ZDO_SIMPLE_DESC_REQ.id, ZDO_NODE_DESC_REQ.id]);

function online(emu: ZnpEmulator): boolean {
  return emu.deviceState === DevState.ZB_COORD;
}

/**
 * A ZDO request SREQ whose payload is the destination (u16) then the ZDO request body: the body goes to
 * `cluster` at the destination.
 */
function addressed(command: MtCommand, cluster: number): Responder {
  return onSreq(command, (_req, emu, raw) => {
    if (!online(emu) && !OFFLINE_OK.has(command.id)) return { status: ZStatus.NWK_INVALID_REQUEST };
    hostZdo(emu, raw.readUInt16LE(0), cluster, Buffer.from(raw.subarray(2)));
    return { status: ZStatus.SUCCESS };
  });
}

/** A broadcast request the firmware also processes itself (a unicast copy to its own address). */
function broadcastWithCopy(emu: ZnpEmulator, dst: number, cluster: number, body: Buffer): void {
  const tsn = emu.nextZdoTsn();
  sendZdoFrame(emu, dst, cluster, tsn, body);
  sendZdoFrame(emu, emu.nwk, cluster, tsn, body);
}

const isBroadcastMode = (mode: number, dst: number) => mode === 0x0f || isBroadcast(dst);

/** Router beacons heard on the network's channel by a network discovery (21 bytes each, mt_zdo.c). */
function beacons(emu: ZnpEmulator, mask: number): Buffer[] {
  const nib = emu.state.nv.get(NvId.NIB);
  if (!nib) return [];
  const info = readNib(nib);
  if (!(mask & (1 << info.channel))) return [];
  const out: Buffer[] = [];
  for (const m of emu.medium.members) {
    if (m === emu || !m.online || m.nwk === undefined || ((m.macCapabilities ?? 0x02) & 0x02) === 0) continue;
    const b = Buffer.alloc(21);
    b.writeUInt16LE(m.nwk, 0);
    b.writeUInt16LE(info.panId, 2);
    b[4] = info.channel;
    b[5] = emu.medium.joinPermitted ? 1 : 0;
    b[6] = 1; // router capacity
    b[7] = 1; // end device capacity
    b[8] = 2; // protocol version
    b[9] = 2; // stack profile (Zigbee PRO)
    b[10] = 0xc8; // LQI
    b[11] = 1; // depth
    b[12] = info.nwkUpdateId;
    info.extendedPanIdLe.copy(b, 13);
    out.push(b);
  }
  return out;
}

/** Beacons per ZDO_BEACON_NOTIFY_IND: as many 21-byte records as a frame holds after the count. */
const BEACONS_PER_IND = 11;

export const ZDO_RESPONDERS: readonly Responder[] = [
  onSreq(ZDO_NWK_ADDR_REQ, (req, emu, raw) => {
    if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
    const body = Buffer.from(raw.subarray(0, 10));
    hostZdo(emu, req.ieeeAddr.equals(emu.ieeeLe) ? emu.nwk : BROADCAST_RX_ON, ZdoCluster.NWK_ADDR_REQ, body);
    return { status: ZStatus.SUCCESS };
  }),
  onSreq(ZDO_IEEE_ADDR_REQ, (req, emu, raw) => {
    if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
    hostZdo(emu, req.shortAddr, ZdoCluster.IEEE_ADDR_REQ, Buffer.from(raw.subarray(0, 4)));
    return { status: ZStatus.SUCCESS };
  }),
  addressed(ZDO_NODE_DESC_REQ, ZdoCluster.NODE_DESC_REQ),
  addressed(ZDO_POWER_DESC_REQ, ZdoCluster.POWER_DESC_REQ),
  addressed(ZDO_SIMPLE_DESC_REQ, ZdoCluster.SIMPLE_DESC_REQ),
  addressed(ZDO_ACTIVE_EP_REQ, ZdoCluster.ACTIVE_EP_REQ),
  addressed(ZDO_MATCH_DESC_REQ, ZdoCluster.MATCH_DESC_REQ),
  addressed(ZDO_BIND_REQ, ZdoCluster.BIND_REQ),
  addressed(ZDO_UNBIND_REQ, ZdoCluster.UNBIND_REQ),
  addressed(ZDO_MGMT_LQI_REQ, ZdoCluster.MGMT_LQI_REQ),
  addressed(ZDO_MGMT_RTG_REQ, ZdoCluster.MGMT_RTG_REQ),
  addressed(ZDO_MGMT_BIND_REQ, ZdoCluster.MGMT_BIND_REQ),
  addressed(ZDO_MGMT_LEAVE_REQ, ZdoCluster.MGMT_LEAVE_REQ),

  // a broadcast one is also processed by the coordinator, which answers itself from 0x0000
  onSreq(
    ZDO_MGMT_PERMIT_JOIN_REQ,
    ({ addrMode, dstAddr, duration }, emu, raw) => {
      if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
      const body = Buffer.from(raw.subarray(3, 5));
      if (isBroadcastMode(addrMode, dstAddr))
        broadcastWithCopy(
          emu,
          isBroadcast(dstAddr) ? dstAddr : BROADCAST_ROUTERS,
          ZdoCluster.MGMT_PERMIT_JOIN_REQ,
          body,
        );
      else {
        // the simulated HAN has no parents: a router that permits joining lets devices in like the coordinator
        if (dstAddr !== emu.nwk) permitJoin(emu, duration);
        hostZdo(emu, dstAddr, ZdoCluster.MGMT_PERMIT_JOIN_REQ, body);
      }
      return { status: ZStatus.SUCCESS };
    },
    // the 4-byte form of Z-Stack before 2.6.0 has no address mode: 16-bit
    (raw) => (raw.length === 4 ? Buffer.concat([Buffer.from([0x02]), raw]) : raw),
  ),
  // the request carries nwkUpdateId + 1 for a channel change or an update; a broadcast has a copy for the coordinator
  onSreq(ZDO_MGMT_NWK_UPDATE_REQ, (req, emu) => {
    if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
    const nib = readNib(emu.state.nv.get(NvId.NIB)!);
    const d = req.scanDuration;
    const tail =
      d <= 5
        ? [req.scanCount]
        : d === 0xfe
          ? [nib.nwkUpdateId + 1]
          : [nib.nwkUpdateId + 1, req.nwkManagerAddr & 0xff, req.nwkManagerAddr >> 8];
    const body = Buffer.alloc(5 + tail.length);
    body.writeUInt32LE(req.channelMask >>> 0, 0);
    body[4] = d;
    tail.forEach((v, i) => {
      body[5 + i] = v & 0xff;
    });
    if (isBroadcastMode(req.dstAddrMode, req.dstAddr))
      broadcastWithCopy(
        emu,
        isBroadcast(req.dstAddr) ? req.dstAddr : BROADCAST_RX_ON,
        ZdoCluster.MGMT_NWK_UPDATE_REQ,
        body,
      );
    else hostZdo(emu, req.dstAddr, ZdoCluster.MGMT_NWK_UPDATE_REQ, body);
    return { status: ZStatus.SUCCESS };
  }),
  // an active scan: the routers of the network heard on the channels asked, then the confirmation
  onSreq(ZDO_NWK_DISCOVERY_REQ, ({ scanChannels }, emu) => {
    setImmediate(() => {
      const found = beacons(emu, scanChannels);
      for (let i = 0; i < found.length; i += BEACONS_PER_IND) {
        const batch = found.slice(i, i + BEACONS_PER_IND);
        emu.callback(ZDO_BEACON_NOTIFY_IND, { beaconCount: batch.length, beacons: Buffer.concat(batch) });
      }
      emu.callback(ZDO_NWK_DISCOVERY_CNF, { status: ZStatus.SUCCESS });
    });
    return { status: ZStatus.SUCCESS };
  }),

  // SDK 3.x: starts the BDB formation of a coordinator; a network already formed comes up (state 9)
  onSreq(ZDO_STARTUP_FROM_APP, (_req, emu) => {
    startCommissioning(emu, BdbMode.FORMATION);
    return { status: ZStatus.SUCCESS };
  }),
  onSreq(ZDO_EXT_ROUTE_DISC, () => ({ status: ZStatus.SUCCESS })),
  // the coordinator has an active route to every device online on the HAN
  onSreq(ZDO_EXT_ROUTE_CHK, ({ dstAddr, rtStatus }, emu) => {
    const m = emu.medium.member(dstAddr);
    if (!m || m === emu || !m.online) return { status: RtgStatus.NO_ENTRY };
    return { status: rtStatus === RT_ACTIVE ? RtgStatus.SUCCESS : RtgStatus.FAIL };
  }),
  onSreq(ZDO_EXT_FIND_GROUP, ({ endpoint, groupId }, emu) => {
    const found = emu.state.groups.some((g) => g.endpoint === endpoint && g.group === groupId);
    return { status: found ? ZStatus.SUCCESS : ZStatus.FAILURE, groupId, name: Buffer.alloc(16) };
  }),
  onSreq(ZDO_EXT_ADD_GROUP, ({ endpoint, groupId }, emu) => {
    if (!emu.state.groups.some((g) => g.endpoint === endpoint && g.group === groupId)) {
      emu.state.groups.push({ endpoint, group: groupId });
      emu.state.save();
    }
    return { status: ZStatus.SUCCESS };
  }),
  onSreq(ZDO_EXT_NWK_INFO, (_req, emu) => {
    const nib = emu.state.nv.get(NvId.NIB);
    const info = nib ? readNib(nib) : undefined;
    return {
      shortAddr: info ? 0x0000 : 0xfffe,
      devState: emu.deviceState,
      panId: info?.panId ?? 0xffff,
      parentAddr: 0x0000,
      extendedPanId: info?.extendedPanIdLe ?? Buffer.alloc(8),
      parentExtAddr: Buffer.alloc(8),
      channel: info?.channel ?? 0,
    };
  }),
  onSreq(ZDO_MSG_CB_REGISTER, ({ clusterId }, emu) => {
    const set = msgCallbacks.get(emu) ?? new Set<number>();
    set.add(clusterId);
    msgCallbacks.set(emu, set);
    return { status: ZStatus.SUCCESS };
  }),
  onSreq(ZDO_MSG_CB_REMOVE, ({ clusterId }, emu) => {
    msgCallbacks.get(emu)?.delete(clusterId);
    return { status: ZStatus.SUCCESS };
  }),
];

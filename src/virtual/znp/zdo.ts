/**
 * ZDO subsystem. Requests from the host arrive as SREQs carrying the ZDO body without TSN (prefixed with
 * the destination per command); those for 0x0000 are answered from the coordinator's own state (the AF
 * registrations), the others go over the HAN. ZDO responses from devices come back to the host as AREQs
 * (id 0x80 | low bits of the response cluster) with the source address prefixed. Device requests to the
 * coordinator (Match_Desc from an IHD looking for SE servers, Node_Desc …) are answered here, as real
 * Z-Stack does. Also: startupFromApp, groups, route discovery and network info.
 */
import type { ApsFrame } from "../han/types.js";
import { BROADCAST_RX_ON, isBroadcast } from "../han/types.js";
import { answerZdo } from "../han/node-zdo.js";
import { LogicalType, ZdoCluster } from "../han/zdo.js";
import {
  type MtCommand,
  ZDO_ACTIVE_EP_REQ,
  ZDO_BIND_REQ,
  ZDO_END_DEVICE_ANNCE_IND,
  ZDO_EXT_ADD_GROUP,
  ZDO_EXT_FIND_GROUP,
  ZDO_EXT_NWK_INFO,
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
  ZDO_PERMIT_JOIN_IND,
  ZDO_POWER_DESC_REQ,
  ZDO_RSP_CALLBACKS,
  ZDO_SIMPLE_DESC_REQ,
  ZDO_STARTUP_FROM_APP,
  ZDO_STATE_CHANGE_IND,
  ZDO_UNBIND_REQ,
} from "./commands.js";
import { deliverToHost } from "./af.js";
import { DevState, type Responder, type ZnpEmulator, onSreq } from "./emulator.js";
import { buildNib, readNib } from "./nib.js";
import { NvId } from "./state.js";
import { firstChannel } from "./commissioning.js";
import { decode, u8, u16, u32, list8 } from "./layout.js";

/** ZDO_STATUS values the ZDO SREQs answer with. */
const ZStatus = { SUCCESS: 0x00, FAILURE: 0x01, NWK_INVALID_REQUEST: 0xc2 } as const;

/**
 * ZDO clusters the host registered with ZDO_MSG_CB_REGISTER: device requests of these clusters are passed
 * on as ZDO_MSG_CB_INCOMING (then answered as usual), as Z-Stack's ZDO_RegisterForZDOMsg does.
 */
const msgCallbacks = new WeakMap<ZnpEmulator, Set<number>>();

function msgCbIncoming(emu: ZnpEmulator, f: ApsFrame, tsn: number, body: Buffer): void {
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
  if (cluster === 0x8000 || cluster === 0x8001) {
    // Z-Stack layout: no source prefix; startIndex before the associated-device list
    if (body.length < 11) return;
    const command = cluster === 0x8000 ? ZDO_NWK_ADDR_RSP : ZDO_IEEE_ADDR_RSP;
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
  if (cluster === 0x8036) {
    if (body.length >= 1) emu.callback(ZDO_MGMT_PERMIT_JOIN_RSP, { srcAddr: srcNwk, status: body[0]! });
    return;
  }
  if (cluster === 0x8038) {
    try {
      emu.callback(ZDO_MGMT_NWK_UPDATE_NOTIFY, { srcAddr: srcNwk, ...decode(NWK_UPDATE_NOTIFY_BODY, body) });
    } catch {
      // a malformed notify from a device: nothing the host could parse either
    }
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
  if (f.clusterId & 0x8000) {
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
  if (msgCallbacks.get(emu)?.has(f.clusterId)) msgCbIncoming(emu, f, tsn, body);
  const rsp = coordinatorAnswer(emu, f.clusterId, body, isBroadcast(f.dstNwk));
  if (!rsp) return;
  const payload = Buffer.allocUnsafe(rsp.length + 1);
  payload[0] = tsn;
  rsp.copy(payload, 1);
  emu.medium.send({
    srcNwk: 0,
    srcEp: 0,
    dstNwk: f.srcNwk,
    dstEp: 0,
    profileId: 0,
    clusterId: f.clusterId | 0x8000,
    payload,
  });
}

function sendZdo(emu: ZnpEmulator, dstNwk: number, cluster: number, body: Buffer): void {
  const payload = Buffer.allocUnsafe(body.length + 1);
  payload[0] = emu.nextZdoTsn();
  body.copy(payload, 1);
  emu.medium.send({ srcNwk: 0, srcEp: 0, dstNwk, dstEp: 0, profileId: 0, clusterId: cluster, payload });
}

/** A ZDO request from the host to `dst` (body without TSN): answered locally for 0x0000, else sent. */
function hostZdo(emu: ZnpEmulator, dst: number, cluster: number, body: Buffer): void {
  if (dst === 0x0000) {
    const rsp = coordinatorAnswer(emu, cluster, body, false);
    if (rsp) setImmediate(() => zdoResponseToHost(emu, 0x0000, cluster | 0x8000, rsp));
    return;
  }
  sendZdo(emu, dst, cluster, body);
}

/** ZDO requests a coordinator not yet on a network still answers (about itself). */
const OFFLINE_OK = new Set<number>([ZDO_ACTIVE_EP_REQ.id, ZDO_SIMPLE_DESC_REQ.id, ZDO_NODE_DESC_REQ.id]);

/**
 * A ZDO request SREQ whose payload is the destination (u16) then the ZDO request body: the body goes to
 * `cluster` at the destination.
 */
function addressed(command: MtCommand, cluster: number): Responder {
  return onSreq(command, (_req, emu, raw) => {
    if (emu.deviceState !== DevState.ZB_COORD && !OFFLINE_OK.has(command.id))
      return { status: ZStatus.NWK_INVALID_REQUEST };
    hostZdo(emu, raw.readUInt16LE(0), cluster, Buffer.from(raw.subarray(2)));
    return { status: ZStatus.SUCCESS };
  });
}

function online(emu: ZnpEmulator): boolean {
  return emu.deviceState === DevState.ZB_COORD;
}

export const ZDO_RESPONDERS: readonly Responder[] = [
  onSreq(ZDO_NWK_ADDR_REQ, (req, emu, raw) => {
    if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
    const body = Buffer.from(raw.subarray(0, 10));
    if (req.ieeeAddr.equals(emu.ieeeLe)) hostZdo(emu, 0, ZdoCluster.NWK_ADDR_REQ, body);
    else sendZdo(emu, BROADCAST_RX_ON, ZdoCluster.NWK_ADDR_REQ, body);
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

  onSreq(ZDO_MGMT_PERMIT_JOIN_REQ, (req, emu, raw) => {
    if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
    const body = Buffer.from(raw.subarray(3));
    emu.medium.permitJoin(req.duration);
    setImmediate(() => emu.callback(ZDO_PERMIT_JOIN_IND, { duration: req.duration }));
    if (req.addrMode === 0x0f || isBroadcast(req.dstAddr))
      sendZdo(emu, isBroadcast(req.dstAddr) ? req.dstAddr : 0xfffc, ZdoCluster.MGMT_PERMIT_JOIN_REQ, body);
    else hostZdo(emu, req.dstAddr, ZdoCluster.MGMT_PERMIT_JOIN_REQ, body);
    return { status: ZStatus.SUCCESS };
  }),
  onSreq(ZDO_MGMT_NWK_UPDATE_REQ, (req, emu, raw) => {
    if (!online(emu)) return { status: ZStatus.NWK_INVALID_REQUEST };
    if (req.scanDuration === 0xfe) changeChannel(emu, req.channelMask);
    if (req.dstAddr !== 0) sendZdo(emu, req.dstAddr, ZdoCluster.MGMT_NWK_UPDATE_REQ, Buffer.from(raw.subarray(3)));
    return { status: ZStatus.SUCCESS };
  }),

  // start the stored network → status 0 (restored) / 1 (new), then ZDO_STATE_CHANGE_IND(9)
  onSreq(ZDO_STARTUP_FROM_APP, (_req, emu) => {
    const formed = emu.formed;
    if (formed) {
      setImmediate(() => {
        emu.deviceState = DevState.ZB_COORD;
        emu.callback(ZDO_STATE_CHANGE_IND, { state: DevState.ZB_COORD });
      });
    }
    return { status: formed ? 0 : 1 };
  }),
  onSreq(ZDO_EXT_ROUTE_DISC, () => ({ status: ZStatus.SUCCESS })),
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

function changeChannel(emu: ZnpEmulator, mask: number): void {
  const nib = emu.state.nv.get(NvId.NIB);
  if (!nib) return;
  const info = readNib(nib);
  const channel = firstChannel(mask);
  if (channel === info.channel) return;
  const channelMask = emu.state.nv.get(NvId.CHANLIST)?.readUInt32LE(0) ?? mask;
  emu.state.nv.set(NvId.NIB, buildNib({ ...info, channel, channelMask, ieeeLe: emu.ieeeLe }));
  emu.state.save();
}

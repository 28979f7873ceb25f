/**
 * ZDO subsystem. Requests from the host arrive as SREQs carrying the ZDO body without TSN (prefixed with
 * the destination per command); those for 0x0000 are answered from the coordinator's own state (the AF
 * registrations), the others go over the HAN. ZDO responses from devices come back to the host as AREQs
 * (CMD1 = 0x80 | low bits of the response cluster) with the source address prefixed. Device requests
 * to the coordinator (Match_Desc from an IHD looking for SE servers, Node_Desc …) are answered here, as
 * real Z-Stack does. Also: startupFromApp, groups, route discovery and network info.
 */
import { Subsystem } from "./frame.js";
import { type CommandTable, DevState, type ZnpEmulator, key } from "./emulator.js";
import { deliverToHost } from "./af.js";
import { buildNib, readNib } from "./nib.js";
import { NvId } from "./state.js";
import { firstChannel } from "./util.js";
import type { ApsFrame } from "../han/types.js";
import { BROADCAST_RX_ON, isBroadcast } from "../han/types.js";
import { answerZdo } from "../han/node-zdo.js";
import { LogicalType, ZdoCluster } from "../han/zdo.js";

const Z = Subsystem.ZDO;
const u8 = (v: number) => Buffer.from([v & 0xff]);

/** MT ZDO SREQ command id → ZDO request cluster (they coincide except Mgmt_NWK_Update). */
const REQUEST_CLUSTER = new Map<number, number>([
  [0x00, 0x0000],
  [0x01, 0x0001],
  [0x02, 0x0002],
  [0x03, 0x0003],
  [0x04, 0x0004],
  [0x05, 0x0005],
  [0x06, 0x0006],
  [0x21, 0x0021],
  [0x22, 0x0022],
  [0x31, 0x0031],
  [0x32, 0x0032],
  [0x33, 0x0033],
  [0x34, 0x0034],
  [0x36, 0x0036],
  [0x37, 0x0038],
]);

/** Response clusters the host has an AREQ for. */
const RESPONSE_AREQ = new Set([
  0x8000, 0x8001, 0x8002, 0x8003, 0x8004, 0x8005, 0x8006, 0x8021, 0x8022, 0x8031, 0x8032, 0x8033, 0x8034, 0x8036,
  0x8038,
]);

/**
 * ZDO clusters the host registered with ZDO_MSG_CB_REGISTER: device requests of these clusters are passed
 * on as ZDO_MSG_CB_INCOMING (then answered as usual), as Z-Stack's ZDO_RegisterForZDOMsg does.
 */
const msgCallbacks = new WeakMap<ZnpEmulator, Set<number>>();

/** ZDO_MSG_CB_INCOMING: srcaddr, wasbroadcast, clusterid, securityuse, seqnum, macdstaddr, then the body. */
function msgCbIncoming(emu: ZnpEmulator, f: ApsFrame, tsn: number, body: Buffer): void {
  const b = Buffer.alloc(9 + body.length);
  b.writeUInt16LE(f.srcNwk, 0);
  b[2] = isBroadcast(f.dstNwk) ? 1 : 0;
  b.writeUInt16LE(f.clusterId, 3);
  b[5] = 0;
  b[6] = tsn;
  b.writeUInt16LE(f.dstNwk, 7);
  body.copy(b, 9);
  emu.areq(Z, 0xff, b);
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

/** A ZDO response body (without TSN) from `srcNwk` → the host's AREQ. */
export function zdoResponseToHost(emu: ZnpEmulator, srcNwk: number, cluster: number, body: Buffer): void {
  if (!RESPONSE_AREQ.has(cluster)) return;
  const cmd = 0x80 | (cluster & 0x7f);
  if (cluster === 0x8000 || cluster === 0x8001) {
    // Z-Stack layout: no source prefix; startIndex (byte 11) before numAssocDev (byte 12)
    const b = Buffer.alloc(Math.max(13, body.length));
    body.copy(b, 0);
    if (body.length >= 13) {
      b[11] = body[12]!;
      b[12] = body[11]!;
    }
    emu.areq(Z, cmd, b);
    return;
  }
  const b = Buffer.allocUnsafe(2 + body.length);
  b.writeUInt16LE(srcNwk, 0);
  body.copy(b, 2);
  emu.areq(Z, cmd, b);
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
    const b = Buffer.allocUnsafe(13);
    b.writeUInt16LE(f.srcNwk, 0);
    body.copy(b, 2, 0, 11);
    emu.areq(Z, 0xc1, b); // endDeviceAnnceInd
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

export function registerZdo(t: CommandTable): void {
  const sreq = (cmd: number, h: (d: Buffer, emu: ZnpEmulator) => Buffer) => t.sreq.set(key(Z, cmd), h);

  for (const [cmd, cluster] of REQUEST_CLUSTER) {
    sreq(cmd, (d, emu) => {
      if (emu.deviceState !== DevState.ZB_COORD && cmd !== 0x05 && cmd !== 0x04 && cmd !== 0x02) return u8(0xc2);
      switch (cluster) {
        case ZdoCluster.NWK_ADDR_REQ: {
          if (d.length < 10) throw new RangeError("nwkAddrReq too short");
          const body = Buffer.from(d);
          if (body.subarray(0, 8).equals(emu.ieeeLe)) hostZdo(emu, 0, cluster, body);
          else sendZdo(emu, BROADCAST_RX_ON, cluster, body);
          return u8(0);
        }
        case ZdoCluster.IEEE_ADDR_REQ: {
          const about = d.readUInt16LE(0);
          hostZdo(emu, about, cluster, Buffer.from(d));
          return u8(0);
        }
        case ZdoCluster.MGMT_PERMIT_JOIN_REQ: {
          const mode = d.readUInt8(0);
          const dst = d.readUInt16LE(1);
          const duration = d.readUInt8(3);
          const body = Buffer.from(d.subarray(3));
          emu.medium.permitJoin(duration);
          setImmediate(() => emu.areq(Z, 0xcb, u8(duration))); // permitJoinInd
          if (mode === 0x0f || isBroadcast(dst)) sendZdo(emu, isBroadcast(dst) ? dst : 0xfffc, cluster, body);
          else hostZdo(emu, dst, cluster, body);
          return u8(0);
        }
        case ZdoCluster.MGMT_NWK_UPDATE_REQ: {
          const dst = d.readUInt16LE(0);
          const channels = d.readUInt32LE(3);
          const duration = d.readUInt8(7);
          if (duration === 0xfe) changeChannel(emu, channels);
          if (dst !== 0) sendZdo(emu, dst, cluster, Buffer.from(d.subarray(3)));
          return u8(0);
        }
        default: {
          const dst = d.readUInt16LE(0);
          hostZdo(emu, dst, cluster, Buffer.from(d.subarray(2)));
          return u8(0);
        }
      }
    });
  }

  // startupFromApp: start the stored network → status 0 (restored) / 1 (new), then stateChangeInd(9)
  sreq(0x40, (_d, emu) => {
    const formed = emu.formed;
    if (formed) {
      setImmediate(() => {
        emu.deviceState = DevState.ZB_COORD;
        emu.areq(Z, 0xc0, u8(DevState.ZB_COORD));
      });
    }
    return u8(formed ? 0 : 1);
  });
  // extRouteDisc: dst, options, radius
  sreq(0x45, (d) => {
    d.readUInt8(3);
    return u8(0);
  });
  // extFindGroup: endpoint, group → status, group, namelen, name
  sreq(0x4a, (d, emu) => {
    const endpoint = d.readUInt8(0);
    const group = d.readUInt16LE(1);
    const found = emu.state.groups.some((g) => g.endpoint === endpoint && g.group === group);
    const b = Buffer.alloc(4);
    b[0] = found ? 0 : 1;
    b.writeUInt16LE(group, 1);
    return b;
  });
  // extAddGroup: endpoint, group, namelen, name
  sreq(0x4b, (d, emu) => {
    const endpoint = d.readUInt8(0);
    const group = d.readUInt16LE(1);
    if (!emu.state.groups.some((g) => g.endpoint === endpoint && g.group === group)) {
      emu.state.groups.push({ endpoint, group });
      emu.state.save();
    }
    return u8(0);
  });
  // extNwkInfo → shortaddr, devstate, panid, parentaddr, extpanid, parentextaddr, channel
  sreq(0x50, (_d, emu) => {
    const nib = emu.state.nv.get(NvId.NIB);
    const info = nib ? readNib(nib) : undefined;
    const b = Buffer.alloc(24);
    b.writeUInt16LE(info ? 0x0000 : 0xfffe, 0);
    b.writeUInt8(emu.deviceState, 2);
    b.writeUInt16LE(info?.panId ?? 0xffff, 3);
    b.writeUInt16LE(0x0000, 5);
    info?.extendedPanIdLe.copy(b, 7);
    b.writeUInt8(info?.channel ?? 0, 23);
    return b;
  });
  // msgCbRegister / msgCbRemove
  sreq(0x3e, (d, emu) => {
    if (d.length < 2) throw new RangeError("msgCbRegister too short");
    const set = msgCallbacks.get(emu) ?? new Set<number>();
    set.add(d.readUInt16LE(0));
    msgCallbacks.set(emu, set);
    return u8(0);
  });
  sreq(0x3f, (d, emu) => {
    if (d.length >= 2) msgCallbacks.get(emu)?.delete(d.readUInt16LE(0));
    return u8(0);
  });
}

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

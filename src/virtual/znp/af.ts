/**
 * AF subsystem: endpoint registration (kept, and used to answer ZDO about the coordinator), data requests
 * to the HAN with their confirms, and incoming messages to the host (with the AF_DATA_RETRIEVE path for
 * payloads too large for one AF_INCOMING_MSG).
 */
import type { ApsFrame } from "../han/types.js";
import { isBroadcast } from "../han/types.js";
import {
  AF_DATA_CONFIRM,
  AF_DATA_REQUEST,
  AF_DATA_REQUEST_EXT,
  AF_DATA_REQUEST_SRC_RTG,
  AF_DATA_RETRIEVE,
  AF_DELETE,
  AF_INCOMING_MSG,
  AF_INCOMING_MSG_EXT,
  AF_INTER_PAN_CTL,
  AF_REGISTER,
} from "./commands.js";
import { DevState, type Responder, type ZnpEmulator, onSreq } from "./emulator.js";
import { SEC_NO_KEY, apsLinkKey, countSecuredFrame, ieeeOfNwk } from "./link-keys.js";
import { ieeeFromLe } from "./state.js";

export const AfStatus = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  INVALID_PARAMETER: 0x02,
  DUPLICATE: 0xb8,
  NWK_INVALID_REQUEST: 0xc2,
  NWK_NO_ROUTE: 0xcd,
  MAC_NO_ACK: 0xe9,
} as const;

/**
 * Largest payload carried inline in AF_INCOMING_MSG: mt_af.c switches to AF_INCOMING_MSG_EXT when the
 * message (20 bytes around the data) would exceed 240 bytes, and then, the EXT form being 10 bytes longer
 * still, leaves the data out for the host to retrieve.
 */
const MAX_INLINE = 220;

const huge = new WeakMap<ZnpEmulator, Map<number, Buffer>>();
/** The timestamp of the last incoming message, per coordinator (the MAC's symbol clock on a real chip). */
const stamps = new WeakMap<ZnpEmulator, number>();
const EMPTY = Buffer.alloc(0);

/** AF_DATA_REQUEST options bit EN_SECURITY: APS security with the destination's link key (link-keys.ts). */
const AF_EN_SECURITY = 0x40;

/**
 * The APS frame of a data request from the coordinator; `security: true` only when `options` asks for it
 * (no key at all otherwise). Two object literals rather than a spread: one shape each, built directly.
 */
function requestFrame(
  srcEp: number,
  dstNwk: number,
  dstEp: number,
  profileId: number,
  clusterId: number,
  payload: Buffer,
  options: number,
): ApsFrame {
  return (options & AF_EN_SECURITY) !== 0
    ? { srcNwk: 0x0000, srcEp, dstNwk, dstEp, profileId, clusterId, payload, security: true }
    : { srcNwk: 0x0000, srcEp, dstNwk, dstEp, profileId, clusterId, payload };
}

/**
 * AF_DATA_REQUEST, _EXT and _SRC_RTG once the destination is known: the frame goes out from the coordinator
 * (its data confirm follows), and the request is answered SUCCESS.
 */
function sendRequest(
  emu: ZnpEmulator,
  req: { srcEndpoint: number; clusterId: number; data: Buffer; transId: number },
  dstNwk: number,
  dstEp: number,
  options: number,
): { status: number } {
  const frame = requestFrame(
    req.srcEndpoint,
    dstNwk,
    dstEp,
    profileOf(emu, req.srcEndpoint),
    req.clusterId,
    req.data,
    options,
  );
  transmit(emu, frame, req.transId);
  return { status: AfStatus.SUCCESS };
}

/** The profile a frame from `srcEp` carries: ZDO's (0) from endpoint 0, else the endpoint's registration. */
function profileOf(emu: ZnpEmulator, srcEp: number): number {
  if (srcEp === 0) return 0x0000;
  return emu.state.endpoints.get(srcEp)?.profileId ?? 0x0104;
}

/**
 * Sends `frame` with an AF_DATA_CONFIRM for the host: over the HAN, or, addressed to the coordinator itself,
 * looped back to its own endpoint (APS delivers to the local endpoint; ZDO answers a ZDO request). Its
 * payload is a view into the bytes the host sent: frames on the HAN are never written to, so no copy.
 */
function transmit(emu: ZnpEmulator, frame: ApsFrame, transId: number): void {
  if (frame.security) {
    // APS security needs the destination's link key (link-keys.ts); without one nothing is sent
    const dst = ieeeOfNwk(emu, frame.dstNwk);
    if (!dst || !apsLinkKey(emu.state, dst)) {
      queueMicrotask(() => emu.callback(AF_DATA_CONFIRM, { status: SEC_NO_KEY, endpoint: frame.srcEp, transId }));
      return;
    }
    countSecuredFrame(emu.state, dst, "tx");
  }
  const confirm = (delivered: boolean) => {
    const known = isBroadcast(frame.dstNwk) || emu.medium.member(frame.dstNwk) !== undefined;
    const status = delivered ? AfStatus.SUCCESS : known ? AfStatus.MAC_NO_ACK : AfStatus.NWK_NO_ROUTE;
    emu.callback(AF_DATA_CONFIRM, { status, endpoint: frame.srcEp, transId });
  };
  if (frame.dstNwk === emu.nwk) {
    queueMicrotask(() => {
      confirm(true);
      emu.receive(frame);
    });
    return;
  }
  emu.medium.send(frame, confirm);
}

/** An APS frame for a registered coordinator endpoint → AF_INCOMING_MSG (or _EXT) to the host. */
export function deliverToHost(emu: ZnpEmulator, f: ApsFrame): void {
  if (!emu.state.endpoints.has(f.dstEp)) return; // real Z-Stack drops frames for unregistered endpoints
  const timestamp = ((stamps.get(emu) ?? 0) + 1) >>> 0;
  stamps.set(emu, timestamp);
  const wasBroadcast = isBroadcast(f.dstNwk) ? 1 : 0;
  const securityUse = f.security ? 1 : 0;
  if (f.security) {
    const src = ieeeOfNwk(emu, f.srcNwk);
    if (src) countSecuredFrame(emu.state, src, "rx");
  }
  const data = f.payload;
  if (data.length <= MAX_INLINE) {
    emu.callback(AF_INCOMING_MSG, {
      groupId: 0,
      clusterId: f.clusterId,
      srcAddr: f.srcNwk,
      srcEndpoint: f.srcEp,
      dstEndpoint: f.dstEp,
      wasBroadcast,
      linkQuality: 0xc8,
      securityUse,
      timestamp,
      transSeqNumber: timestamp & 0xff,
      data,
      macSrcAddr: f.srcNwk,
      radius: 0,
    });
    return;
  }
  // too large: AF_INCOMING_MSG_EXT announcing the length; the host pulls it with AF_DATA_RETRIEVE
  let store = huge.get(emu);
  if (!store) {
    store = new Map();
    huge.set(emu, store);
  }
  store.set(timestamp, Buffer.from(data));
  const srcAddr = Buffer.alloc(8);
  srcAddr.writeUInt16LE(f.srcNwk, 0);
  emu.callback(AF_INCOMING_MSG_EXT, {
    groupId: 0,
    clusterId: f.clusterId,
    srcAddrMode: 2,
    srcAddr,
    srcEndpoint: f.srcEp,
    srcPanId: 0,
    dstEndpoint: f.dstEp,
    wasBroadcast,
    linkQuality: 0xc8,
    securityUse,
    timestamp,
    transSeqNumber: 0,
    dataLength: data.length,
    macSrcAddr: f.srcNwk,
    radius: 0,
  });
}

export const AF_RESPONDERS: readonly Responder[] = [
  onSreq(AF_REGISTER, (req, emu) => {
    const { endpoint } = req;
    if (endpoint === 0 || (endpoint > 240 && endpoint !== 242)) return { status: AfStatus.INVALID_PARAMETER };
    if (emu.state.endpoints.has(endpoint)) return { status: AfStatus.DUPLICATE };
    emu.state.endpoints.set(endpoint, {
      endpoint,
      profileId: req.profileId,
      deviceId: req.deviceId,
      deviceVersion: req.deviceVersion,
      inClusters: [...req.inClusters],
      outClusters: [...req.outClusters],
    });
    emu.state.save();
    return { status: AfStatus.SUCCESS };
  }),

  onSreq(AF_DATA_REQUEST, (req, emu) => {
    if (emu.deviceState !== DevState.ZB_COORD) return { status: AfStatus.NWK_INVALID_REQUEST };
    return sendRequest(emu, req, req.dstAddr, req.dstEndpoint, req.options);
  }),

  onSreq(AF_DATA_REQUEST_EXT, (req, emu) => {
    if (emu.deviceState !== DevState.ZB_COORD) return { status: AfStatus.NWK_INVALID_REQUEST };
    const mode = req.dstAddrMode;
    let dstNwk: number;
    if (mode === 3)
      dstNwk = req.dstAddr.equals(emu.ieeeLe) ? emu.nwk : (emu.rememberedAddress(ieeeFromLe(req.dstAddr)) ?? 0xfffe);
    else if (mode === 1)
      dstNwk = 0xfffd; // group: every rx-on node filters by its own groups
    else dstNwk = req.dstAddr.readUInt16LE(0);
    return sendRequest(emu, req, dstNwk, mode === 1 ? 0xff : req.dstEndpoint, mode === 1 ? 0 : req.options);
  }),

  // a source route (relay list) is how the frame would travel; the simulated HAN needs none
  onSreq(AF_DATA_REQUEST_SRC_RTG, (req, emu) => {
    if (emu.deviceState !== DevState.ZB_COORD) return { status: AfStatus.NWK_INVALID_REQUEST };
    return sendRequest(emu, req, req.dstAddr, req.dstEndpoint, req.options);
  }),

  onSreq(AF_DELETE, ({ endpoint }, emu) => {
    if (!emu.state.endpoints.delete(endpoint)) return { status: AfStatus.INVALID_PARAMETER };
    emu.state.save();
    return { status: AfStatus.SUCCESS };
  }),

  // no inter-PAN on the simulated HAN: accepted and ignored
  onSreq(AF_INTER_PAN_CTL, () => ({ status: AfStatus.SUCCESS })),

  // length 0 frees the buffer
  onSreq(AF_DATA_RETRIEVE, ({ timestamp, index, length }, emu) => {
    const store = huge.get(emu);
    const data = store?.get(timestamp);
    if (!data) return { status: AfStatus.FAILURE, data: EMPTY };
    if (length === 0) {
      store!.delete(timestamp);
      return { status: AfStatus.SUCCESS, data: EMPTY };
    }
    return { status: AfStatus.SUCCESS, data: data.subarray(index, index + Math.min(length, 248)) };
  }),
];

/**
 * The MT (Monitor and Test) commands the virtual Z-Stack knows, as data: subsystem, command id, SREQ or
 * AREQ, and the field layout of the request and of its SRSP (or of the AREQ's payload). One named constant
 * per command, named as TI names it (MT_SYS_PING → SYS_PING). The handlers are keyed by these (sys.ts,
 * af.ts, zdo.ts, util.ts, app-cnf.ts, sapi.ts); the callbacks the coordinator sends are encoded from them.
 *
 * Sources: TI's "Z-Stack Monitor and Test API" and the Z-Stack MT sources (mt_sys.c, mt_af.c, mt_zdo.c,
 * mt_util.c, mt_app_config.c of the SimpleLink CC13xx/CC26xx SDK, MT_SAPI.c of Z-Stack 3.0), with
 * zigbee-herdsman's and zigpy-znp's command definitions as further descriptions. Layouts are those of the
 * firmware where the descriptions differ (SYS_NV_LENGTH answers a u32, AF_INCOMING_MSG ends with the MAC
 * source address and the radius, UTIL_ASSOC_FIND_DEVICE answers the whole 36-byte associated_devices_t).
 */
import { Subsystem } from "./frame.js";
import { type Layout, buf8, buf16, bytes, i8, ieee, list8, list16, rest, u8, u16, u32 } from "./layout.js";

export interface MtCommand<Req extends Layout = Layout, Rsp extends Layout = Layout> {
  /** TI's name without the MT_ prefix, e.g. "SYS_PING". */
  readonly name: string;
  readonly subsystem: number;
  readonly id: number;
  /** SREQ: the host asks and an SRSP (layout `response`) answers. AREQ: one-way, either direction. */
  readonly type: "SREQ" | "AREQ";
  /** The request's payload (for an AREQ, its only payload). */
  readonly request: Req;
  /** The SRSP payload (empty for an AREQ). */
  readonly response: Rsp;
  /** The payload can carry key material: logs show the command name and length, never the bytes. */
  readonly secret: boolean;
  /** (subsystem << 8) | id: the key of handler tables. */
  readonly key: number;
}

export const commandKey = (subsystem: number, id: number): number => (subsystem << 8) | id;

function sreq<Req extends Layout, Rsp extends Layout>(
  subsystem: number,
  id: number,
  name: string,
  request: Req,
  response: Rsp,
  secret = false,
): MtCommand<Req, Rsp> {
  return { name, subsystem, id, type: "SREQ", request, response, secret, key: commandKey(subsystem, id) };
}

function areq<Req extends Layout>(subsystem: number, id: number, name: string, payload: Req): MtCommand<Req, []> {
  return {
    name,
    subsystem,
    id,
    type: "AREQ",
    request: payload,
    response: [],
    secret: false,
    key: commandKey(subsystem, id),
  };
}

const status = [u8("status")] as const;

/**
 * What a subsystem is in the capability bitmap SYS_PING reports (MT.h MT_CAP_*), and how the firmware
 * answers a command id it does not know there: an RPC error SRSP (MT_RPC_ERR_COMMAND_ID, mt.c
 * MT_ProcessIncoming), or nothing at all (mt_app_config.c has no default case, so the error is never set).
 */
export interface SubsystemInfo {
  readonly name: string;
  readonly capability: number;
  readonly unknownCommand: "rpc-error" | "no-reply";
}

export const SUBSYSTEMS: Readonly<Record<number, SubsystemInfo>> = {
  [Subsystem.SYS]: { name: "SYS", capability: 0x0001, unknownCommand: "rpc-error" },
  [Subsystem.MAC]: { name: "MAC", capability: 0x0002, unknownCommand: "rpc-error" },
  [Subsystem.NWK]: { name: "NWK", capability: 0x0004, unknownCommand: "rpc-error" },
  [Subsystem.AF]: { name: "AF", capability: 0x0008, unknownCommand: "rpc-error" },
  [Subsystem.ZDO]: { name: "ZDO", capability: 0x0010, unknownCommand: "rpc-error" },
  [Subsystem.SAPI]: { name: "SAPI", capability: 0x0020, unknownCommand: "rpc-error" },
  [Subsystem.UTIL]: { name: "UTIL", capability: 0x0040, unknownCommand: "rpc-error" },
  [Subsystem.DEBUG]: { name: "DEBUG", capability: 0x0080, unknownCommand: "rpc-error" },
  [Subsystem.APP]: { name: "APP", capability: 0x0100, unknownCommand: "rpc-error" },
  [Subsystem.APP_CNF]: { name: "APP_CNF", capability: 0x0400, unknownCommand: "no-reply" },
  [Subsystem.GREENPOWER]: { name: "GP", capability: 0x0200, unknownCommand: "rpc-error" },
};

/** RPC_Error codes (mt_rpc.h MT_RPC_ERR_*), sent as SRSP subsystem 0 command 0: code, request CMD0, CMD1. */
export const RpcError = { INVALID_SUBSYSTEM: 1, INVALID_COMMAND: 2, INVALID_PARAMETER: 3, INVALID_LENGTH: 4 } as const;

export const RPC_ERROR = sreq(Subsystem.RPC_ERROR, 0x00, "RPC_ERROR", [], [u8("errorCode"), u8("cmd0"), u8("cmd1")]);

// ---- SYS ----

const S = Subsystem.SYS;
const nvExtId = [u8("sysId"), u16("itemId"), u16("subId")] as const;

export const SYS_RESET_REQ = areq(S, 0x00, "SYS_RESET_REQ", [u8("type")]);
export const SYS_PING = sreq(S, 0x01, "SYS_PING", [], [u16("capabilities")]);
export const SYS_VERSION = sreq(
  S,
  0x02,
  "SYS_VERSION",
  [],
  [u8("transportRev"), u8("product"), u8("majorRel"), u8("minorRel"), u8("maintRel"), u32("revision")],
);
export const SYS_SET_EXTADDR = sreq(S, 0x03, "SYS_SET_EXTADDR", [ieee("extAddr")], status);
export const SYS_GET_EXTADDR = sreq(S, 0x04, "SYS_GET_EXTADDR", [], [ieee("extAddr")]);
export const SYS_OSAL_NV_ITEM_INIT = sreq(
  S,
  0x07,
  "SYS_OSAL_NV_ITEM_INIT",
  [u16("id"), u16("len"), buf8("initValue")],
  status,
  true,
);
export const SYS_OSAL_NV_READ = sreq(
  S,
  0x08,
  "SYS_OSAL_NV_READ",
  [u16("id"), u8("offset")],
  [u8("status"), buf8("value")],
  true,
);
export const SYS_OSAL_NV_WRITE = sreq(
  S,
  0x09,
  "SYS_OSAL_NV_WRITE",
  [u16("id"), u8("offset"), buf8("value")],
  status,
  true,
);
export const SYS_STACK_TUNE = sreq(S, 0x0f, "SYS_STACK_TUNE", [u8("operation"), i8("value")], [u8("value")]);
export const SYS_OSAL_NV_DELETE = sreq(S, 0x12, "SYS_OSAL_NV_DELETE", [u16("id"), u16("len")], status);
export const SYS_OSAL_NV_LENGTH = sreq(S, 0x13, "SYS_OSAL_NV_LENGTH", [u16("id")], [u16("length")]);
/** Answers a MAC status (0 or 0xE8 MAC_INVALID_PARAMETER), as the 3.x firmware does; older builds answered the power. */
export const SYS_SET_TX_POWER = sreq(S, 0x14, "SYS_SET_TX_POWER", [i8("level")], status);
export const SYS_OSAL_NV_READ_EXT = sreq(
  S,
  0x1c,
  "SYS_OSAL_NV_READ_EXT",
  [u16("id"), u16("offset")],
  [u8("status"), buf8("value")],
  true,
);
export const SYS_OSAL_NV_WRITE_EXT = sreq(
  S,
  0x1d,
  "SYS_OSAL_NV_WRITE_EXT",
  [u16("id"), u16("offset"), buf16("value")],
  status,
  true,
);
export const SYS_NV_CREATE = sreq(S, 0x30, "SYS_NV_CREATE", [...nvExtId, u32("length")], status);
export const SYS_NV_DELETE = sreq(S, 0x31, "SYS_NV_DELETE", nvExtId, status);
export const SYS_NV_LENGTH = sreq(S, 0x32, "SYS_NV_LENGTH", nvExtId, [u32("length")]);
export const SYS_NV_READ = sreq(
  S,
  0x33,
  "SYS_NV_READ",
  [...nvExtId, u16("offset"), u8("length")],
  [u8("status"), buf8("value")],
  true,
);
export const SYS_NV_WRITE = sreq(S, 0x34, "SYS_NV_WRITE", [...nvExtId, u16("offset"), buf8("value")], status, true);
export const SYS_RESET_IND = areq(S, 0x80, "SYS_RESET_IND", [
  u8("reason"),
  u8("transportRev"),
  u8("productId"),
  u8("majorRel"),
  u8("minorRel"),
  u8("hwRev"),
]);

// ---- AF ----

const A = Subsystem.AF;

export const AF_REGISTER = sreq(
  A,
  0x00,
  "AF_REGISTER",
  [
    u8("endpoint"),
    u16("profileId"),
    u16("deviceId"),
    u8("deviceVersion"),
    u8("latencyReq"),
    list16("inClusters"),
    list16("outClusters"),
  ],
  status,
);
export const AF_DATA_REQUEST = sreq(
  A,
  0x01,
  "AF_DATA_REQUEST",
  [
    u16("dstAddr"),
    u8("dstEndpoint"),
    u8("srcEndpoint"),
    u16("clusterId"),
    u8("transId"),
    u8("options"),
    u8("radius"),
    buf8("data"),
  ],
  status,
);
export const AF_DATA_REQUEST_EXT = sreq(
  A,
  0x02,
  "AF_DATA_REQUEST_EXT",
  [
    u8("dstAddrMode"),
    bytes("dstAddr", 8),
    u8("dstEndpoint"),
    u16("dstPanId"),
    u8("srcEndpoint"),
    u16("clusterId"),
    u8("transId"),
    u8("options"),
    u8("radius"),
    buf16("data"),
  ],
  status,
);
export const AF_DATA_REQUEST_SRC_RTG = sreq(
  A,
  0x03,
  "AF_DATA_REQUEST_SRC_RTG",
  [
    u16("dstAddr"),
    u8("dstEndpoint"),
    u8("srcEndpoint"),
    u16("clusterId"),
    u8("transId"),
    u8("options"),
    u8("radius"),
    list16("relayList"),
    buf8("data"),
  ],
  status,
);
export const AF_DELETE = sreq(A, 0x04, "AF_DELETE", [u8("endpoint")], status);
export const AF_INTER_PAN_CTL = sreq(A, 0x10, "AF_INTER_PAN_CTL", [u8("command"), rest("data")], status);
export const AF_DATA_RETRIEVE = sreq(
  A,
  0x12,
  "AF_DATA_RETRIEVE",
  [u32("timestamp"), u16("index"), u8("length")],
  [u8("status"), buf8("data")],
);
export const AF_DATA_CONFIRM = areq(A, 0x80, "AF_DATA_CONFIRM", [u8("status"), u8("endpoint"), u8("transId")]);
export const AF_INCOMING_MSG = areq(A, 0x81, "AF_INCOMING_MSG", [
  u16("groupId"),
  u16("clusterId"),
  u16("srcAddr"),
  u8("srcEndpoint"),
  u8("dstEndpoint"),
  u8("wasBroadcast"),
  u8("linkQuality"),
  u8("securityUse"),
  u32("timestamp"),
  u8("transSeqNumber"),
  buf8("data"),
  u16("macSrcAddr"),
  u8("radius"),
]);
/**
 * The form the coordinator sends for a message too large for AF_INCOMING_MSG (mt_af.c: data over 220
 * bytes): 16-bit source, the data length but no data (the host pulls it with AF_DATA_RETRIEVE), a zero
 * sequence number (TI's workaround for Z-Tool).
 */
export const AF_INCOMING_MSG_EXT = areq(A, 0x82, "AF_INCOMING_MSG_EXT", [
  u16("groupId"),
  u16("clusterId"),
  u8("srcAddrMode"),
  bytes("srcAddr", 8),
  u8("srcEndpoint"),
  u16("srcPanId"),
  u8("dstEndpoint"),
  u8("wasBroadcast"),
  u8("linkQuality"),
  u8("securityUse"),
  u32("timestamp"),
  u8("transSeqNumber"),
  u16("dataLength"),
  u16("macSrcAddr"),
  u8("radius"),
]);

// ---- ZDO ----

const Z = Subsystem.ZDO;
const toAddr = [u16("dstAddr"), u16("nwkAddrOfInterest")] as const;
const bindBody = [
  u16("dstAddr"),
  ieee("srcAddress"),
  u8("srcEndpoint"),
  u16("clusterId"),
  u8("dstAddrMode"),
  bytes("dstAddress", 8),
  u8("dstEndpoint"),
] as const;
/** A ZDO response from `srcAddr`: the ZDO frame without its sequence number (MT_ZdoDirectCB). */
const zdoRsp = [u16("srcAddr"), rest("body")] as const;
const addrRsp = [u8("status"), ieee("ieeeAddr"), u16("nwkAddr"), u8("startIndex"), list16("assocDevices")] as const;

export const ZDO_NWK_ADDR_REQ = sreq(
  Z,
  0x00,
  "ZDO_NWK_ADDR_REQ",
  [ieee("ieeeAddr"), u8("reqType"), u8("startIndex")],
  status,
);
export const ZDO_IEEE_ADDR_REQ = sreq(
  Z,
  0x01,
  "ZDO_IEEE_ADDR_REQ",
  [u16("shortAddr"), u8("reqType"), u8("startIndex")],
  status,
);
export const ZDO_NODE_DESC_REQ = sreq(Z, 0x02, "ZDO_NODE_DESC_REQ", toAddr, status);
export const ZDO_POWER_DESC_REQ = sreq(Z, 0x03, "ZDO_POWER_DESC_REQ", toAddr, status);
export const ZDO_SIMPLE_DESC_REQ = sreq(Z, 0x04, "ZDO_SIMPLE_DESC_REQ", [...toAddr, u8("endpoint")], status);
export const ZDO_ACTIVE_EP_REQ = sreq(Z, 0x05, "ZDO_ACTIVE_EP_REQ", toAddr, status);
export const ZDO_MATCH_DESC_REQ = sreq(
  Z,
  0x06,
  "ZDO_MATCH_DESC_REQ",
  [...toAddr, u16("profileId"), list16("inClusters"), list16("outClusters")],
  status,
);
export const ZDO_BIND_REQ = sreq(Z, 0x21, "ZDO_BIND_REQ", bindBody, status);
export const ZDO_UNBIND_REQ = sreq(Z, 0x22, "ZDO_UNBIND_REQ", bindBody, status);
export const ZDO_NWK_DISCOVERY_REQ = sreq(
  Z,
  0x26,
  "ZDO_NWK_DISCOVERY_REQ",
  [u32("scanChannels"), u8("scanDuration")],
  status,
);
export const ZDO_MGMT_LQI_REQ = sreq(Z, 0x31, "ZDO_MGMT_LQI_REQ", [u16("dstAddr"), u8("startIndex")], status);
export const ZDO_MGMT_RTG_REQ = sreq(Z, 0x32, "ZDO_MGMT_RTG_REQ", [u16("dstAddr"), u8("startIndex")], status);
export const ZDO_MGMT_BIND_REQ = sreq(Z, 0x33, "ZDO_MGMT_BIND_REQ", [u16("dstAddr"), u8("startIndex")], status);
export const ZDO_MGMT_LEAVE_REQ = sreq(
  Z,
  0x34,
  "ZDO_MGMT_LEAVE_REQ",
  [u16("dstAddr"), ieee("deviceAddress"), u8("removeChildrenRejoin")],
  status,
);
/** Since Z-Stack 2.6.0 with an address mode first; a 4-byte request is the older form (16-bit). */
export const ZDO_MGMT_PERMIT_JOIN_REQ = sreq(
  Z,
  0x36,
  "ZDO_MGMT_PERMIT_JOIN_REQ",
  [u8("addrMode"), u16("dstAddr"), u8("duration"), u8("tcSignificance")],
  status,
);
export const ZDO_MGMT_NWK_UPDATE_REQ = sreq(
  Z,
  0x37,
  "ZDO_MGMT_NWK_UPDATE_REQ",
  [u16("dstAddr"), u8("dstAddrMode"), u32("channelMask"), u8("scanDuration"), u8("scanCount"), u16("nwkManagerAddr")],
  status,
);
/** Installs an application link key for a device (ZDSecMgrAddLinkKey, what TI's KE server does after CBKE). */
export const ZDO_SET_LINK_KEY = sreq(
  Z,
  0x23,
  "ZDO_SET_LINK_KEY",
  [u16("shortAddr"), ieee("ieeeAddr"), bytes("linkKey", 16)],
  status,
  true,
);
export const ZDO_REMOVE_LINK_KEY = sreq(Z, 0x24, "ZDO_REMOVE_LINK_KEY", [ieee("ieeeAddr")], status);
export const ZDO_GET_LINK_KEY = sreq(
  Z,
  0x25,
  "ZDO_GET_LINK_KEY",
  [ieee("ieeeAddr")],
  [u8("status"), ieee("ieeeAddr"), bytes("linkKey", 16)],
  true,
);
export const ZDO_MSG_CB_REGISTER = sreq(Z, 0x3e, "ZDO_MSG_CB_REGISTER", [u16("clusterId")], status);
export const ZDO_MSG_CB_REMOVE = sreq(Z, 0x3f, "ZDO_MSG_CB_REMOVE", [u16("clusterId")], status);
export const ZDO_STARTUP_FROM_APP = sreq(Z, 0x40, "ZDO_STARTUP_FROM_APP", [u16("startDelay")], status);
export const ZDO_EXT_ROUTE_DISC = sreq(
  Z,
  0x45,
  "ZDO_EXT_ROUTE_DISC",
  [u16("dstAddr"), u8("options"), u8("radius")],
  status,
);
export const ZDO_EXT_ROUTE_CHK = sreq(
  Z,
  0x46,
  "ZDO_EXT_ROUTE_CHK",
  [u16("dstAddr"), u8("rtStatus"), u8("options")],
  status,
);
/** The answer is always 19 bytes: status, group id, then the 16-byte name field (length byte first). */
export const ZDO_EXT_FIND_GROUP = sreq(
  Z,
  0x4a,
  "ZDO_EXT_FIND_GROUP",
  [u8("endpoint"), u16("groupId")],
  [u8("status"), u16("groupId"), bytes("name", 16)],
);
export const ZDO_EXT_ADD_GROUP = sreq(
  Z,
  0x4b,
  "ZDO_EXT_ADD_GROUP",
  [u8("endpoint"), u16("groupId"), buf8("name")],
  status,
);
export const ZDO_EXT_NWK_INFO = sreq(
  Z,
  0x50,
  "ZDO_EXT_NWK_INFO",
  [],
  [
    u16("shortAddr"),
    u8("devState"),
    u16("panId"),
    u16("parentAddr"),
    ieee("extendedPanId"),
    ieee("parentExtAddr"),
    u8("channel"),
  ],
);

export const ZDO_NWK_ADDR_RSP = areq(Z, 0x80, "ZDO_NWK_ADDR_RSP", addrRsp);
export const ZDO_IEEE_ADDR_RSP = areq(Z, 0x81, "ZDO_IEEE_ADDR_RSP", addrRsp);
export const ZDO_NODE_DESC_RSP = areq(Z, 0x82, "ZDO_NODE_DESC_RSP", zdoRsp);
export const ZDO_POWER_DESC_RSP = areq(Z, 0x83, "ZDO_POWER_DESC_RSP", zdoRsp);
export const ZDO_SIMPLE_DESC_RSP = areq(Z, 0x84, "ZDO_SIMPLE_DESC_RSP", zdoRsp);
export const ZDO_ACTIVE_EP_RSP = areq(Z, 0x85, "ZDO_ACTIVE_EP_RSP", zdoRsp);
export const ZDO_MATCH_DESC_RSP = areq(Z, 0x86, "ZDO_MATCH_DESC_RSP", zdoRsp);
export const ZDO_BIND_RSP = areq(Z, 0xa1, "ZDO_BIND_RSP", zdoRsp);
export const ZDO_UNBIND_RSP = areq(Z, 0xa2, "ZDO_UNBIND_RSP", zdoRsp);
export const ZDO_MGMT_LQI_RSP = areq(Z, 0xb1, "ZDO_MGMT_LQI_RSP", zdoRsp);
export const ZDO_MGMT_RTG_RSP = areq(Z, 0xb2, "ZDO_MGMT_RTG_RSP", zdoRsp);
export const ZDO_MGMT_BIND_RSP = areq(Z, 0xb3, "ZDO_MGMT_BIND_RSP", zdoRsp);
export const ZDO_MGMT_LEAVE_RSP = areq(Z, 0xb4, "ZDO_MGMT_LEAVE_RSP", zdoRsp);
export const ZDO_MGMT_PERMIT_JOIN_RSP = areq(Z, 0xb6, "ZDO_MGMT_PERMIT_JOIN_RSP", [u16("srcAddr"), u8("status")]);
export const ZDO_MGMT_NWK_UPDATE_NOTIFY = areq(Z, 0xb8, "ZDO_MGMT_NWK_UPDATE_NOTIFY", [
  u16("srcAddr"),
  u8("status"),
  u32("scannedChannels"),
  u16("totalTransmissions"),
  u16("transmissionFailures"),
  list8("energyValues"),
]);
export const ZDO_STATE_CHANGE_IND = areq(Z, 0xc0, "ZDO_STATE_CHANGE_IND", [u8("state")]);
export const ZDO_END_DEVICE_ANNCE_IND = areq(Z, 0xc1, "ZDO_END_DEVICE_ANNCE_IND", [
  u16("srcAddr"),
  u16("nwkAddr"),
  ieee("ieeeAddr"),
  u8("capabilities"),
]);
/** A failed Simple_Desc_rsp reaches the host this way (mt_zdo.c MT_ZdoHandleExceptions). */
export const ZDO_STATUS_ERROR_RSP = areq(Z, 0xc3, "ZDO_STATUS_ERROR_RSP", [u16("srcAddr"), u8("status")]);
/** Beacons found by ZDO_NWK_DISCOVERY_REQ: a count, then 21 bytes each. */
export const ZDO_BEACON_NOTIFY_IND = areq(Z, 0xc5, "ZDO_BEACON_NOTIFY_IND", [u8("beaconCount"), rest("beacons")]);
export const ZDO_NWK_DISCOVERY_CNF = areq(Z, 0xc7, "ZDO_NWK_DISCOVERY_CNF", status);
export const ZDO_LEAVE_IND = areq(Z, 0xc9, "ZDO_LEAVE_IND", [
  u16("srcAddr"),
  ieee("extAddr"),
  u8("request"),
  u8("removeChildren"),
  u8("rejoin"),
]);
export const ZDO_TC_DEV_IND = areq(Z, 0xca, "ZDO_TC_DEV_IND", [
  u16("srcNwkAddr"),
  ieee("extAddr"),
  u16("parentNwkAddr"),
]);
export const ZDO_PERMIT_JOIN_IND = areq(Z, 0xcb, "ZDO_PERMIT_JOIN_IND", [u8("duration")]);
export const ZDO_MSG_CB_INCOMING = areq(Z, 0xff, "ZDO_MSG_CB_INCOMING", [
  u16("srcAddr"),
  u8("wasBroadcast"),
  u16("clusterId"),
  u8("securityUse"),
  u8("seqNum"),
  u16("macDstAddr"),
  rest("data"),
]);

// ---- SAPI ----

export const SAPI_ZB_READ_CONFIGURATION = sreq(
  Subsystem.SAPI,
  0x04,
  "SAPI_ZB_READ_CONFIGURATION",
  [u8("configId")],
  [u8("status"), u8("configId"), buf8("value")],
  true,
);

// ---- UTIL ----

const U = Subsystem.UTIL;
/** associated_devices_t as the ARM builds lay it out (16-bit alignment, 36 bytes). */
export const ASSOCIATED_DEVICE_SIZE = 36;

export const UTIL_GET_DEVICE_INFO = sreq(
  U,
  0x00,
  "UTIL_GET_DEVICE_INFO",
  [],
  [u8("status"), ieee("ieeeAddr"), u16("shortAddr"), u8("deviceType"), u8("deviceState"), list16("assocDevices")],
);
export const UTIL_LED_CONTROL = sreq(U, 0x0a, "UTIL_LED_CONTROL", [u8("ledId"), u8("mode")], status);
/** A device's APS link key with its outgoing and incoming frame counters. */
export const UTIL_APSME_LINK_KEY_DATA_GET = sreq(
  U,
  0x44,
  "UTIL_APSME_LINK_KEY_DATA_GET",
  [ieee("extAddr")],
  [u8("status"), bytes("secKey", 16), u32("txFrmCntr"), u32("rxFrmCntr")],
  true,
);
/** Where a device's APS link key is kept: its entry in the APS key data table. */
export const UTIL_APSME_LINK_KEY_NV_ID_GET = sreq(
  U,
  0x45,
  "UTIL_APSME_LINK_KEY_NV_ID_GET",
  [ieee("extAddr")],
  [u8("status"), u16("linkKeyNvId")],
);
export const UTIL_ASSOC_COUNT = sreq(
  U,
  0x48,
  "UTIL_ASSOC_COUNT",
  [u8("startRelation"), u8("endRelation")],
  [u16("count")],
);
export const UTIL_ASSOC_FIND_DEVICE = sreq(
  U,
  0x49,
  "UTIL_ASSOC_FIND_DEVICE",
  [u8("number")],
  [bytes("device", ASSOCIATED_DEVICE_SIZE)],
);
export const UTIL_ASSOC_GET_WITH_ADDRESS = sreq(
  U,
  0x4a,
  "UTIL_ASSOC_GET_WITH_ADDRESS",
  [ieee("extAddr"), u16("nwkAddr")],
  [bytes("device", ASSOCIATED_DEVICE_SIZE)],
);
export const UTIL_ASSOC_REMOVE = sreq(U, 0x63, "UTIL_ASSOC_REMOVE", [ieee("ieeeAddr")], status);
export const UTIL_ASSOC_ADD = sreq(
  U,
  0x64,
  "UTIL_ASSOC_ADD",
  [ieee("ieeeAddr"), u16("nwkAddr"), u8("nodeRelation")],
  status,
);

// ---- APP_CNF ----

const C = Subsystem.APP_CNF;

export const APP_CNF_BDB_ADD_INSTALLCODE = sreq(
  C,
  0x04,
  "APP_CNF_BDB_ADD_INSTALLCODE",
  [u8("installCodeFormat"), ieee("ieeeAddr"), rest("installCode")],
  status,
  true,
);
export const APP_CNF_BDB_START_COMMISSIONING = sreq(C, 0x05, "APP_CNF_BDB_START_COMMISSIONING", [u8("mode")], status);
export const APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY = sreq(
  C,
  0x06,
  "APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY",
  [u8("useInstallCode")],
  status,
);
export const APP_CNF_BDB_SET_CHANNEL = sreq(
  C,
  0x08,
  "APP_CNF_BDB_SET_CHANNEL",
  [u8("isPrimary"), u32("channel")],
  status,
);
export const APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE = sreq(
  C,
  0x09,
  "APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE",
  [u8("requireKeyExchange")],
  status,
);
export const APP_CNF_BDB_COMMISSIONING_NOTIFICATION = areq(C, 0x80, "APP_CNF_BDB_COMMISSIONING_NOTIFICATION", [
  u8("status"),
  u8("mode"),
  u8("remainingModes"),
]);

/** Every command above, for lookups by (subsystem, id) and for the conformance test. */
export const MT_COMMANDS: readonly MtCommand[] = [
  SYS_RESET_REQ,
  SYS_PING,
  SYS_VERSION,
  SYS_SET_EXTADDR,
  SYS_GET_EXTADDR,
  SYS_OSAL_NV_ITEM_INIT,
  SYS_OSAL_NV_READ,
  SYS_OSAL_NV_WRITE,
  SYS_STACK_TUNE,
  SYS_OSAL_NV_DELETE,
  SYS_OSAL_NV_LENGTH,
  SYS_SET_TX_POWER,
  SYS_OSAL_NV_READ_EXT,
  SYS_OSAL_NV_WRITE_EXT,
  SYS_NV_CREATE,
  SYS_NV_DELETE,
  SYS_NV_LENGTH,
  SYS_NV_READ,
  SYS_NV_WRITE,
  SYS_RESET_IND,
  AF_REGISTER,
  AF_DATA_REQUEST,
  AF_DATA_REQUEST_EXT,
  AF_DATA_REQUEST_SRC_RTG,
  AF_DELETE,
  AF_INTER_PAN_CTL,
  AF_DATA_RETRIEVE,
  AF_DATA_CONFIRM,
  AF_INCOMING_MSG,
  AF_INCOMING_MSG_EXT,
  ZDO_NWK_ADDR_REQ,
  ZDO_IEEE_ADDR_REQ,
  ZDO_NODE_DESC_REQ,
  ZDO_POWER_DESC_REQ,
  ZDO_SIMPLE_DESC_REQ,
  ZDO_ACTIVE_EP_REQ,
  ZDO_MATCH_DESC_REQ,
  ZDO_BIND_REQ,
  ZDO_UNBIND_REQ,
  ZDO_NWK_DISCOVERY_REQ,
  ZDO_MGMT_LQI_REQ,
  ZDO_MGMT_RTG_REQ,
  ZDO_MGMT_BIND_REQ,
  ZDO_MGMT_LEAVE_REQ,
  ZDO_MGMT_PERMIT_JOIN_REQ,
  ZDO_MGMT_NWK_UPDATE_REQ,
  ZDO_SET_LINK_KEY,
  ZDO_REMOVE_LINK_KEY,
  ZDO_GET_LINK_KEY,
  ZDO_MSG_CB_REGISTER,
  ZDO_MSG_CB_REMOVE,
  ZDO_STARTUP_FROM_APP,
  ZDO_EXT_ROUTE_DISC,
  ZDO_EXT_ROUTE_CHK,
  ZDO_EXT_FIND_GROUP,
  ZDO_EXT_ADD_GROUP,
  ZDO_EXT_NWK_INFO,
  ZDO_NWK_ADDR_RSP,
  ZDO_IEEE_ADDR_RSP,
  ZDO_NODE_DESC_RSP,
  ZDO_POWER_DESC_RSP,
  ZDO_SIMPLE_DESC_RSP,
  ZDO_ACTIVE_EP_RSP,
  ZDO_MATCH_DESC_RSP,
  ZDO_BIND_RSP,
  ZDO_UNBIND_RSP,
  ZDO_MGMT_LQI_RSP,
  ZDO_MGMT_RTG_RSP,
  ZDO_MGMT_BIND_RSP,
  ZDO_MGMT_LEAVE_RSP,
  ZDO_MGMT_PERMIT_JOIN_RSP,
  ZDO_MGMT_NWK_UPDATE_NOTIFY,
  ZDO_STATE_CHANGE_IND,
  ZDO_END_DEVICE_ANNCE_IND,
  ZDO_STATUS_ERROR_RSP,
  ZDO_BEACON_NOTIFY_IND,
  ZDO_NWK_DISCOVERY_CNF,
  ZDO_LEAVE_IND,
  ZDO_TC_DEV_IND,
  ZDO_PERMIT_JOIN_IND,
  ZDO_MSG_CB_INCOMING,
  SAPI_ZB_READ_CONFIGURATION,
  UTIL_GET_DEVICE_INFO,
  UTIL_LED_CONTROL,
  UTIL_APSME_LINK_KEY_DATA_GET,
  UTIL_APSME_LINK_KEY_NV_ID_GET,
  UTIL_ASSOC_COUNT,
  UTIL_ASSOC_FIND_DEVICE,
  UTIL_ASSOC_GET_WITH_ADDRESS,
  UTIL_ASSOC_REMOVE,
  UTIL_ASSOC_ADD,
  APP_CNF_BDB_ADD_INSTALLCODE,
  APP_CNF_BDB_START_COMMISSIONING,
  APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY,
  APP_CNF_BDB_SET_CHANNEL,
  APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE,
  APP_CNF_BDB_COMMISSIONING_NOTIFICATION,
];

const BY_KEY = new Map(MT_COMMANDS.map((c) => [c.key, c]));

/** The command with this subsystem and id, if the table has it. */
export function mtCommand(subsystem: number, id: number): MtCommand | undefined {
  return BY_KEY.get(commandKey(subsystem, id));
}

/** ZDO response AREQ ids by response cluster (the AREQ id is 0x80 | the cluster's low 7 bits). */
export const ZDO_RSP_CALLBACKS: ReadonlyMap<number, MtCommand<typeof zdoRsp>> = new Map(
  [
    ZDO_NODE_DESC_RSP,
    ZDO_POWER_DESC_RSP,
    ZDO_SIMPLE_DESC_RSP,
    ZDO_ACTIVE_EP_RSP,
    ZDO_MATCH_DESC_RSP,
    ZDO_BIND_RSP,
    ZDO_UNBIND_RSP,
    ZDO_MGMT_LQI_RSP,
    ZDO_MGMT_RTG_RSP,
    ZDO_MGMT_BIND_RSP,
    ZDO_MGMT_LEAVE_RSP,
  ].map((c) => [0x8000 | (c.id & 0x7f), c]),
);

/**
 * The EZSP commands and callbacks this NCP knows, as data: name, frame id, parameter layout and response
 * layout, in the EZSP 14+ forms of the Simplicity SDK EZSP reference (UG600; status fields are 32-bit
 * sl_status_t). A command missing here is answered with invalidCommand(ERROR_INVALID_FRAME_ID), as firmware
 * answers a frame id it does not implement. Handlers (ncp-*.ts) are keyed by the names, and their parameter
 * and response types follow from these layouts.
 */
import {
  type Layout,
  type ValueOf,
  apsFrame,
  apsKeyMetadata,
  bool,
  clusterLists,
  counters,
  currentSecurityState,
  eui64,
  i8,
  initialSecurityState,
  key,
  multicastTableEntry,
  networkKeyInfo,
  networkParameters,
  payload,
  rxPacketInfo,
  secManContext,
  status,
  u16,
  u32,
  u8,
} from "./ezsp-types.js";

interface CommandDef {
  readonly id: number;
  readonly params: Layout;
  readonly response: Layout;
}

const cmd = <P extends Layout, R extends Layout>(id: number, params: P, response: R) => ({ id, params, response });

export const COMMANDS = {
  // ---- configuration (UG600 "Configuration frames") ----
  version: cmd(0x0000, { desiredProtocolVersion: u8 }, { protocolVersion: u8, stackType: u8, stackVersion: u16 }),
  getConfigurationValue: cmd(0x0052, { configId: u8 }, { status, value: u16 }),
  setConfigurationValue: cmd(0x0053, { configId: u8, value: u16 }, { status }),
  addEndpoint: cmd(
    0x0002,
    { endpoint: u8, profileId: u16, deviceId: u16, appFlags: u8, clusters: clusterLists },
    { status },
  ),
  setPolicy: cmd(0x0055, { policyId: u8, decisionId: u8 }, { status }),
  getPolicy: cmd(0x0056, { policyId: u8 }, { status, decisionId: u8 }),
  getValue: cmd(0x00aa, { valueId: u8 }, { status, value: payload }),
  getExtendedValue: cmd(0x0003, { valueId: u8, characteristics: u32 }, { status, value: payload }),
  setValue: cmd(0x00ab, { valueId: u8, value: payload }, { status }),
  // ---- utilities ----
  nop: cmd(0x0005, {}, {}),
  echo: cmd(0x0081, { data: payload }, { echo: payload }),
  setManufacturerCode: cmd(0x0015, { code: u16 }, {}),
  getManufacturerCode: cmd(0x00ca, {}, { code: u16 }),
  getEui64: cmd(0x0026, {}, { eui64 }),
  getNodeId: cmd(0x0027, {}, { nodeId: u16 }),
  readCounters: cmd(0x00f1, {}, { values: counters }),
  readAndClearCounters: cmd(0x0065, {}, { values: counters }),
  // ---- networking ----
  networkInit: cmd(0x0017, { bitmask: u16 }, { status }),
  networkState: cmd(0x0018, {}, { status: u8 }),
  formNetwork: cmd(0x001e, { parameters: networkParameters }, { status }),
  leaveNetwork: cmd(0x0020, { options: u8 }, { status }),
  permitJoining: cmd(0x0022, { duration: u8 }, { status }),
  getNetworkParameters: cmd(0x0028, {}, { status, nodeType: u8, parameters: networkParameters }),
  setConcentrator: cmd(
    0x0010,
    {
      on: bool,
      concentratorType: u16,
      minTime: u16,
      maxTime: u16,
      routeErrorThreshold: u8,
      deliveryFailureThreshold: u8,
      maxHops: u8,
    },
    { status },
  ),
  setSourceRouteDiscoveryMode: cmd(0x005a, { mode: u8 }, { remainingTime: u32 }),
  setRadioPower: cmd(0x0099, { power: i8 }, { status }),
  setRadioIeee802154CcaMode: cmd(0x0095, { ccaMode: u8 }, { status }),
  setLogicalAndRadioChannel: cmd(0x00b9, { radioChannel: u8 }, { status }),
  getRadioChannel: cmd(0x00ff, {}, { channel: u8 }),
  lookupNodeIdByEui64: cmd(0x0060, { eui64 }, { nodeId: u16 }),
  lookupEui64ByNodeId: cmd(0x0061, { nodeId: u16 }, { status, eui64 }),
  // ---- messaging ----
  maximumPayloadLength: cmd(0x0033, {}, { apsLength: u8 }),
  setMulticastTableEntry: cmd(0x0064, { index: u8, value: multicastTableEntry }, { status }),
  getMulticastTableEntry: cmd(0x0063, { index: u8 }, { status, value: multicastTableEntry }),
  sendUnicast: cmd(
    0x0034,
    { type: u8, indexOrDestination: u16, apsFrame, messageTag: u16, messageContents: payload },
    { status, sequence: u8 },
  ),
  sendBroadcast: cmd(
    0x0036,
    { alias: u16, destination: u16, nwkSequence: u8, apsFrame, radius: u8, messageTag: u16, messageContents: payload },
    { status, sequence: u8 },
  ),
  sendMulticast: cmd(
    0x0038,
    {
      apsFrame,
      hops: u8,
      broadcastAddr: u16,
      alias: u16,
      nwkSequence: u8,
      messageTag: u16,
      messageContents: payload,
    },
    { status, sequence: u8 },
  ),
  // ---- security ----
  setInitialSecurityState: cmd(0x0068, { state: initialSecurityState }, { status }),
  getCurrentSecurityState: cmd(0x0069, {}, { status, state: currentSecurityState }),
  exportKey: cmd(0x0114, { context: secManContext }, { status, key, context: secManContext }),
  importKey: cmd(0x0115, { context: secManContext, key }, { status, context: secManContext }),
  getNetworkKeyInfo: cmd(0x0116, {}, { status, info: networkKeyInfo }),
  getApsKeyInfo: cmd(0x010c, { context: secManContext }, { status, keyData: apsKeyMetadata, context: secManContext }),
  importLinkKey: cmd(0x010e, { index: u8, address: eui64, plaintextKey: key }, { status }),
  exportLinkKeyByIndex: cmd(
    0x010f,
    { index: u8 },
    { status, context: secManContext, plaintextKey: key, keyData: apsKeyMetadata },
  ),
  exportLinkKeyByEui: cmd(
    0x010d,
    { eui: eui64 },
    { status, context: secManContext, plaintextKey: key, keyData: apsKeyMetadata },
  ),
  findKeyTableEntry: cmd(0x0075, { address: eui64, linkKey: bool }, { index: u8 }),
  eraseKeyTableEntry: cmd(0x0076, { index: u8 }, { status }),
  clearKeyTable: cmd(0x00b1, {}, { status }),
  importTransientKey: cmd(0x0111, { eui64, plaintextKey: key }, { status }),
  exportTransientKeyByEui: cmd(
    0x0113,
    { eui64 },
    { status, context: secManContext, plaintextKey: key, keyData: apsKeyMetadata },
  ),
  clearTransientLinkKeys: cmd(0x006b, {}, {}),
} as const satisfies Record<string, CommandDef>;

export const CALLBACKS = {
  stackStatusHandler: { id: 0x0019, params: { status } },
  childJoinHandler: {
    id: 0x0023,
    params: { index: u8, joining: bool, childId: u16, childEui64: eui64, childType: u8 },
  },
  trustCenterJoinHandler: {
    id: 0x0024,
    params: { newNodeId: u16, newNodeEui64: eui64, status: u8, policyDecision: u8, parentOfNewNodeId: u16 },
  },
  messageSentHandler: {
    id: 0x003f,
    params: { status, type: u8, indexOrDestination: u16, apsFrame, messageTag: u16, messageContents: payload },
  },
  incomingMessageHandler: {
    id: 0x0045,
    params: { type: u8, apsFrame, packetInfo: rxPacketInfo, messageContents: payload },
  },
} as const satisfies Record<string, { id: number; params: Layout }>;

/** The response to a command the NCP cannot run: one EzspStatus byte. */
export const INVALID_COMMAND = { id: 0x0058, params: { reason: u8 } } as const;

export type CommandName = keyof typeof COMMANDS;
export type CallbackName = keyof typeof CALLBACKS;
export type ParamsOf<N extends CommandName> = ValueOf<(typeof COMMANDS)[N]["params"]>;
export type ResponseOf<N extends CommandName> = ValueOf<(typeof COMMANDS)[N]["response"]>;
export type CallbackOf<N extends CallbackName> = ValueOf<(typeof CALLBACKS)[N]["params"]>;

/** Frame id → command name. */
export const COMMAND_BY_ID: ReadonlyMap<number, CommandName> = new Map(
  (Object.keys(COMMANDS) as CommandName[]).map((n) => [COMMANDS[n].id, n]),
);

/**
 * Networking frames: network init (resume the network in the tokens), form, leave, permit joining, the
 * network parameters, and the radio and concentrator settings a coordinator host makes. Network state
 * changes reach the host as stackStatusHandler callbacks after the command's response (NETWORK_UP,
 * NETWORK_DOWN, ZIGBEE_NETWORK_OPENED / _CLOSED, ZIGBEE_CHANNEL_CHANGED).
 */
import { randomBytes } from "node:crypto";
import { InitialSecurity, NetworkStatus, NodeType, SlStatus } from "./ezsp-ids.js";
import type { EzspNetworkParameters } from "./ezsp-types.js";
import type { EmberNcp, HandlerTable } from "./ncp.js";
import type { NetworkTokens } from "./ncp-state.js";

const BLANK_PARAMETERS: EzspNetworkParameters = {
  extendedPanId: Buffer.alloc(8),
  panId: 0xffff,
  radioTxPower: 0,
  radioChannel: 0,
  joinMethod: 0,
  nwkManagerId: 0,
  nwkUpdateId: 0,
  channels: 0,
};

/** The network comes up (after the command that caused it has been answered). */
function bringUp(ncp: EmberNcp): void {
  const ram = ncp.ram;
  setImmediate(() => {
    if (ncp.ram !== ram || !ncp.tokens.network) return; // reset or left meanwhile
    ram.networkUp = true;
    ncp.callback("stackStatusHandler", { status: SlStatus.NETWORK_UP });
  });
}

function parametersOf(n: NetworkTokens): EzspNetworkParameters {
  return {
    extendedPanId: Buffer.from(n.extendedPanId),
    panId: n.panId,
    radioTxPower: n.radioTxPower,
    radioChannel: n.channel,
    joinMethod: 0,
    nwkManagerId: n.nwkManagerId,
    nwkUpdateId: n.nwkUpdateId,
    channels: n.channels,
  };
}

/** Moves the network to `channel` (Mgmt_NWK_Update_req with a channel and scan duration 0xFE). */
export function changeChannel(ncp: EmberNcp, channel: number): void {
  const n = ncp.tokens.network;
  if (!n || channel < 11 || channel > 26 || channel === n.channel) return;
  n.channel = channel;
  n.nwkUpdateId = (n.nwkUpdateId + 1) & 0xff;
  ncp.tokens.save();
  setImmediate(() => ncp.callback("stackStatusHandler", { status: SlStatus.ZIGBEE_CHANNEL_CHANGED }));
}

/** A network a host formed on this NCP in an earlier session (for a virtual dongle that comes up formed). */
export interface EmberFormedNetwork {
  channel: number;
  panId: number;
  /** 16 bytes. */
  networkKey: Buffer;
  /** As a host configures it (herdsman's default is eight 0xDD). */
  extendedPanId?: Buffer;
}

/** Writes the tokens of a formed network; the network comes up when the host calls networkInit. */
export function preformEmberNetwork(ncp: EmberNcp, network: EmberFormedNetwork): void {
  if (network.networkKey.length !== 16) throw new RangeError("the network key is 16 bytes");
  if (network.channel < 11 || network.channel > 26) throw new RangeError("the channel is 11..26");
  ncp.tokens.network = {
    panId: network.panId,
    extendedPanId: Buffer.from(network.extendedPanId ?? Buffer.alloc(8, 0xdd)),
    channel: network.channel,
    radioTxPower: 5,
    nwkManagerId: 0x0000,
    nwkUpdateId: 0,
    channels: 0x07fff800,
    networkKey: Buffer.from(network.networkKey),
    networkKeySequence: 0,
    tcLinkKey: Buffer.alloc(16),
    securityBitmask: InitialSecurity.HAVE_NETWORK_KEY | InitialSecurity.HAVE_PRECONFIGURED_KEY,
    extendedSecurityBitmask: 0,
  };
  ncp.tokens.save();
}

export const networkHandlers: HandlerTable = {
  networkInit: (_p, ncp) => {
    if (ncp.ram.networkUp) return { status: SlStatus.INVALID_STATE };
    ncp.ram.configLocked = true;
    if (!ncp.tokens.network) return { status: SlStatus.NOT_JOINED };
    bringUp(ncp);
    return { status: SlStatus.OK };
  },

  networkState: (_p, ncp) => ({ status: ncp.ram.networkUp ? NetworkStatus.JOINED : NetworkStatus.NO_NETWORK }),

  formNetwork: (p, ncp) => {
    const ram = ncp.ram;
    if (ram.networkUp) return { status: SlStatus.INVALID_STATE };
    const security = ram.securityState;
    if (!security) return { status: SlStatus.ZIGBEE_SECURITY_STATE_NOT_SET };
    const q = p.parameters;
    if (q.radioChannel < 11 || q.radioChannel > 26) return { status: SlStatus.INVALID_PARAMETER };
    if (q.panId > 0xfffe) return { status: SlStatus.INVALID_PARAMETER };
    ram.configLocked = true;
    const haveKey = (security.bitmask & InitialSecurity.HAVE_NETWORK_KEY) !== 0;
    ncp.tokens.network = {
      panId: q.panId,
      extendedPanId: Buffer.from(q.extendedPanId),
      channel: q.radioChannel,
      radioTxPower: q.radioTxPower,
      nwkManagerId: q.nwkManagerId,
      nwkUpdateId: q.nwkUpdateId,
      channels: q.channels,
      networkKey: haveKey ? Buffer.from(security.networkKey) : randomBytes(16),
      networkKeySequence: security.networkKeySequenceNumber,
      tcLinkKey: Buffer.from(security.preconfiguredKey),
      securityBitmask: security.bitmask,
      extendedSecurityBitmask: ram.extendedSecurityBitmask,
    };
    const keepCounter = (security.bitmask & InitialSecurity.NO_FRAME_COUNTER_RESET) !== 0;
    ncp.tokens.nwkFrameCounter = keepCounter ? (ram.nextNwkFrameCounter ?? ncp.tokens.nwkFrameCounter) : 0;
    ram.nextNwkFrameCounter = undefined;
    ncp.tokens.save();
    bringUp(ncp);
    return { status: SlStatus.OK };
  },

  leaveNetwork: (_p, ncp) => {
    if (!ncp.ram.networkUp) return { status: SlStatus.INVALID_STATE };
    ncp.ram.networkUp = false;
    ncp.medium.permitJoin(0);
    ncp.tokens.leave();
    ncp.onNetworkCleared();
    setImmediate(() => ncp.callback("stackStatusHandler", { status: SlStatus.NETWORK_DOWN }));
    return { status: SlStatus.OK };
  },

  permitJoining: (p, ncp) => {
    if (!ncp.ram.networkUp) return { status: SlStatus.NETWORK_DOWN };
    ncp.medium.permitJoin(p.duration);
    return { status: SlStatus.OK };
  },

  getNetworkParameters: (_p, ncp) => {
    const n = ncp.tokens.network;
    if (!ncp.ram.networkUp || !n)
      return { status: SlStatus.NOT_JOINED, nodeType: NodeType.UNKNOWN, parameters: BLANK_PARAMETERS };
    return { status: SlStatus.OK, nodeType: NodeType.COORDINATOR, parameters: parametersOf(n) };
  },

  setConcentrator: () => ({ status: SlStatus.OK }),
  // no many-to-one route requests on the simulated HAN: the next one is never due
  setSourceRouteDiscoveryMode: () => ({ remainingTime: 0 }),

  setRadioPower: (p, ncp) => {
    if (p.power < -43 || p.power > 20) return { status: SlStatus.INVALID_PARAMETER };
    ncp.ram.radioPower = p.power;
    if (ncp.tokens.network) {
      ncp.tokens.network.radioTxPower = p.power;
      ncp.tokens.save();
    }
    return { status: SlStatus.OK };
  },
  setRadioIeee802154CcaMode: (p) => ({ status: p.ccaMode <= 3 ? SlStatus.OK : SlStatus.INVALID_PARAMETER }),
  setLogicalAndRadioChannel: (p) => ({
    status: p.radioChannel >= 11 && p.radioChannel <= 26 ? SlStatus.OK : SlStatus.INVALID_PARAMETER,
  }),
  getRadioChannel: (_p, ncp) => ({ channel: ncp.tokens.network?.channel ?? 11 }),

  lookupNodeIdByEui64: (p, ncp) => {
    if (p.eui64 === ncp.ieee) return { nodeId: ncp.ram.networkUp ? ncp.nwk : 0xfffe };
    return { nodeId: ncp.tokens.devices.get(p.eui64) ?? 0xffff };
  },
  lookupEui64ByNodeId: (p, ncp) => {
    if (p.nodeId === ncp.nwk && ncp.ram.networkUp) return { status: SlStatus.OK, eui64: ncp.ieee };
    for (const [ieee, nwk] of ncp.tokens.devices) if (nwk === p.nodeId) return { status: SlStatus.OK, eui64: ieee };
    return { status: SlStatus.NOT_FOUND, eui64: "0x0000000000000000" };
  },
};

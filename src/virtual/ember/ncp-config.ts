/**
 * Configuration frames of the EZSP reference: VERSION, configuration values, policies, values and extended
 * values, endpoints, and the small utilities (nop, echo, manufacturer code, EUI-64, node id, counters).
 *
 * Choices where the reference leaves the firmware's answer open (none of them changes what herdsman does):
 * a VERSION asking for another protocol version than the NCP's is answered with the NCP's version and
 * leaves the version unset, so that the host can ask again (every other command gets
 * invalidCommand(ERROR_VERSION_NOT_SET) until it does); setting a configuration value once the stack has
 * allocated its tables answers INVALID_STATE, an unknown id INVALID_PARAMETER.
 */
import { COUNTER_COUNT } from "./ezsp-types.js";
import {
  ConfigId,
  EndpointFlags,
  ExtendedValueId,
  STACK_TYPE_MESH,
  SlStatus,
  ValueId,
  VersionType,
} from "./ezsp-ids.js";
import type { EmberNcp, HandlerTable } from "./ncp.js";

const u16le = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v & 0xffff);
  return b;
};
const u32le = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

/** VERSION's 16-bit stack version: one nibble each of major, minor, patch, special (8.2.2.0 → 0x8220). */
export function stackVersion(ncp: EmberNcp): number {
  const v = ncp.version;
  return ((v.major & 0xf) << 12) | ((v.minor & 0xf) << 8) | ((v.patch & 0xf) << 4) | (v.special & 0xf);
}

/** getValue: the value ids this NCP can read, or undefined. */
function readValue(ncp: EmberNcp, valueId: number): Buffer | undefined {
  switch (valueId) {
    case ValueId.VERSION_INFO: {
      const v = ncp.version;
      const b = Buffer.alloc(7);
      b.writeUInt16LE(v.build, 0);
      b.set([v.major, v.minor, v.patch, v.special, VersionType.GA], 2);
      return b;
    }
    case ValueId.NODE_SHORT_ID:
      return u16le(ncp.ram.networkUp ? ncp.nwk : 0xfffe);
    case ValueId.EXTENDED_SECURITY_BITMASK:
      return u16le(ncp.tokens.network?.extendedSecurityBitmask ?? ncp.ram.extendedSecurityBitmask);
    case ValueId.NWK_FRAME_COUNTER:
      return u32le(ncp.tokens.nwkFrameCounter);
    case ValueId.APS_FRAME_COUNTER:
      return u32le(ncp.tokens.apsFrameCounter);
    case ValueId.TRANSIENT_DEVICE_TIMEOUT:
      return u16le(ncp.ram.transientDeviceTimeoutMs);
    case ValueId.TRANSIENT_KEY_TIMEOUT_S:
      return u16le(ncp.ram.config.get(ConfigId.TRANSIENT_KEY_TIMEOUT_S) ?? 300);
    default:
      return undefined;
  }
}

/** setValue: applies a value; returns the status. */
function writeValue(ncp: EmberNcp, valueId: number, value: Buffer): number {
  const need = (n: number) => value.length === n;
  switch (valueId) {
    case ValueId.EXTENDED_SECURITY_BITMASK:
      if (!need(2)) return SlStatus.INVALID_PARAMETER;
      ncp.ram.extendedSecurityBitmask = value.readUInt16LE(0);
      if (ncp.tokens.network) {
        ncp.tokens.network.extendedSecurityBitmask = ncp.ram.extendedSecurityBitmask;
        ncp.tokens.save();
      }
      return SlStatus.OK;
    case ValueId.NWK_FRAME_COUNTER:
      if (!need(4)) return SlStatus.INVALID_PARAMETER;
      if (ncp.ram.networkUp) return SlStatus.INVALID_STATE;
      ncp.ram.nextNwkFrameCounter = value.readUInt32LE(0);
      return SlStatus.OK;
    case ValueId.APS_FRAME_COUNTER:
      if (!need(4)) return SlStatus.INVALID_PARAMETER;
      if (ncp.ram.networkUp) return SlStatus.INVALID_STATE;
      ncp.tokens.apsFrameCounter = value.readUInt32LE(0);
      return SlStatus.OK;
    case ValueId.TRANSIENT_DEVICE_TIMEOUT:
      if (!need(2)) return SlStatus.INVALID_PARAMETER;
      ncp.ram.transientDeviceTimeoutMs = value.readUInt16LE(0);
      return SlStatus.OK;
    case ValueId.TRANSIENT_KEY_TIMEOUT_S:
      if (!need(2)) return SlStatus.INVALID_PARAMETER;
      ncp.ram.config.set(ConfigId.TRANSIENT_KEY_TIMEOUT_S, value.readUInt16LE(0));
      return SlStatus.OK;
    case ValueId.CCA_THRESHOLD:
    case ValueId.STACK_TOKEN_WRITING:
      return need(1) ? SlStatus.OK : SlStatus.INVALID_PARAMETER;
    default:
      return SlStatus.INVALID_PARAMETER;
  }
}

export const configHandlers: HandlerTable = {
  version: (p, ncp) => {
    ncp.ram.versionSet = p.desiredProtocolVersion === ncp.version.protocol;
    return { protocolVersion: ncp.version.protocol, stackType: STACK_TYPE_MESH, stackVersion: stackVersion(ncp) };
  },

  getConfigurationValue: (p, ncp) => {
    const value = ncp.ram.config.get(p.configId);
    return value === undefined ? { status: SlStatus.INVALID_PARAMETER, value: 0 } : { status: SlStatus.OK, value };
  },

  setConfigurationValue: (p, ncp) => {
    if (!ncp.ram.config.has(p.configId)) return { status: SlStatus.INVALID_PARAMETER };
    if (ncp.ram.configLocked) return { status: SlStatus.INVALID_STATE };
    ncp.ram.config.set(p.configId, p.value);
    return { status: SlStatus.OK };
  },

  addEndpoint: (p, ncp) => {
    ncp.ram.configLocked = true;
    if (p.endpoint === 0 || p.endpoint === 0xff) return { status: SlStatus.INVALID_PARAMETER };
    if (ncp.ram.endpoints.has(p.endpoint)) return { status: SlStatus.INVALID_STATE };
    ncp.ram.endpoints.set(p.endpoint, {
      endpoint: p.endpoint,
      profileId: p.profileId,
      deviceId: p.deviceId,
      deviceVersion: p.appFlags & 0x0f,
      inClusters: p.clusters.input,
      outClusters: p.clusters.output,
    });
    return { status: SlStatus.OK };
  },

  setPolicy: (p, ncp) => {
    if (!ncp.ram.policies.has(p.policyId)) return { status: SlStatus.INVALID_PARAMETER };
    ncp.ram.policies.set(p.policyId, p.decisionId);
    return { status: SlStatus.OK };
  },

  getPolicy: (p, ncp) => {
    const decisionId = ncp.ram.policies.get(p.policyId);
    return decisionId === undefined
      ? { status: SlStatus.INVALID_PARAMETER, decisionId: 0 }
      : { status: SlStatus.OK, decisionId };
  },

  getValue: (p, ncp) => {
    const value = readValue(ncp, p.valueId);
    return value ? { status: SlStatus.OK, value } : { status: SlStatus.INVALID_PARAMETER, value: Buffer.alloc(0) };
  },

  getExtendedValue: (p, ncp) => {
    if (p.valueId === ExtendedValueId.ENDPOINT_FLAGS) {
      // two bytes whatever the answer: the host reads the flags even to learn the endpoint is not there
      const registered = ncp.ram.endpoints.has(p.characteristics & 0xff);
      return {
        status: registered ? SlStatus.OK : SlStatus.INVALID_INDEX,
        value: u16le(registered ? EndpointFlags.ENABLED : 0),
      };
    }
    return { status: SlStatus.INVALID_PARAMETER, value: Buffer.alloc(0) };
  },

  setValue: (p, ncp) => ({ status: writeValue(ncp, p.valueId, p.value) }),

  nop: () => ({}),
  echo: (p) => ({ echo: p.data }),

  setManufacturerCode: (p, ncp) => {
    ncp.ram.manufacturerCode = p.code;
    return {};
  },
  getManufacturerCode: (_p, ncp) => ({ code: ncp.ram.manufacturerCode }),

  getEui64: (_p, ncp) => ({ eui64: ncp.ieee }),
  getNodeId: (_p, ncp) => ({ nodeId: ncp.ram.networkUp ? ncp.nwk : 0xfffe }),

  readCounters: (_p, ncp) => ({ values: ncp.ram.counters.slice(0, COUNTER_COUNT) }),
  readAndClearCounters: (_p, ncp) => {
    const values = ncp.ram.counters.slice(0, COUNTER_COUNT);
    ncp.ram.counters.fill(0);
    return { values };
  },
};

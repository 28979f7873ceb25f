/**
 * Security frames: the initial security state a network is formed with, the security manager's export
 * and import of keys (network, trust-centre link, application link and transient keys, each named by a
 * sl_zb_sec_man_context_t), the link key table, and transient keys, which is where a host puts the key
 * derived from a device's install code before that device joins.
 *
 * The trust centre's answer to a device's APS Request Key for an application link key with a partner (SE:
 * a Type 1 device and a meter it is paired with) follows APP_KEY_REQUEST_POLICY: with ALLOW_APP_KEY_REQUESTS
 * and both devices in the key table (their keys established and imported), it sends each a Transport Key
 * with a new key on the first request; with DENY_APP_KEY_REQUESTS (herdsman's setting) nothing. EmberZNet can
 * also wait for the partner's own request before answering (key statuses TC_RECEIVED_FIRST_APP_KEY_REQUEST,
 * TC_TIMEOUT_WAITING_FOR_SECOND_APP_KEY_REQUEST); that mode is not modelled.
 *
 * Keys are key material: nothing here logs them.
 */
import type { ApsFrame } from "../han/types.js";
import { ConfigId, Decision, KeyBits, KeyType, PolicyId, SlStatus } from "./ezsp-ids.js";
import type { EzspApsKeyMetadata, EzspSecManContext } from "./ezsp-types.js";
import type { EmberNcp, HandlerTable } from "./ncp.js";
import type { KeyTableEntry } from "./ncp-state.js";

const ZERO_KEY = Buffer.alloc(16);
const BLANK_EUI64 = "0x0000000000000000";

/** sl_zb_sec_man_flags_t. */
const ContextFlags = { KEY_INDEX_IS_VALID: 0x01, EUI_IS_VALID: 0x02, UNCONFIRMED_TRANSIENT_KEY: 0x04 } as const;

const NO_METADATA: EzspApsKeyMetadata = {
  bitmask: 0,
  outgoingFrameCounter: 0,
  incomingFrameCounter: 0,
  ttlInSeconds: 0,
};

function context(coreKeyType: number, keyIndex: number, eui64: string, flags: number): EzspSecManContext {
  return { coreKeyType, keyIndex, derivedType: 0, eui64, multiNetworkIndex: 0, flags, psaKeyAlgPermission: 0 };
}

function linkKeyMetadata(e: KeyTableEntry): EzspApsKeyMetadata {
  return {
    bitmask:
      KeyBits.HAS_KEY_DATA |
      KeyBits.HAS_OUTGOING_FRAME_COUNTER |
      KeyBits.HAS_INCOMING_FRAME_COUNTER |
      KeyBits.IS_AUTHORIZED,
    outgoingFrameCounter: e.outgoingFrameCounter,
    incomingFrameCounter: e.incomingFrameCounter,
    ttlInSeconds: 0,
  };
}

/** The key-table entry a context names: by index when its flags say the index is valid, else by EUI-64. */
function findEntry(ncp: EmberNcp, c: EzspSecManContext): { index: number; entry: KeyTableEntry } | undefined {
  const table = ncp.tokens.keyTable;
  if (c.flags & ContextFlags.KEY_INDEX_IS_VALID || c.eui64 === BLANK_EUI64) {
    const entry = table[c.keyIndex];
    return entry ? { index: c.keyIndex, entry } : undefined;
  }
  const index = table.findIndex((e) => e?.eui64 === c.eui64);
  return index >= 0 ? { index, entry: table[index]! } : undefined;
}

function transient(ncp: EmberNcp, eui64: string): { key: Buffer; ttlInSeconds: number } | undefined {
  const t = ncp.ram.transientKeys.get(eui64);
  const left = t ? Math.ceil((t.expiresAt - Date.now()) / 1000) : 0;
  return t && left > 0 ? { key: t.key, ttlInSeconds: left } : undefined;
}

function exportLinkKey(found: { index: number; entry: KeyTableEntry } | undefined) {
  if (!found)
    return {
      status: SlStatus.NOT_FOUND,
      context: context(KeyType.APP_LINK, 0xff, BLANK_EUI64, 0),
      plaintextKey: ZERO_KEY,
      keyData: NO_METADATA,
    };
  return {
    status: SlStatus.OK,
    context: context(
      KeyType.APP_LINK,
      found.index,
      found.entry.eui64,
      ContextFlags.KEY_INDEX_IS_VALID | ContextFlags.EUI_IS_VALID,
    ),
    plaintextKey: found.entry.key,
    keyData: linkKeyMetadata(found.entry),
  };
}

export const securityHandlers: HandlerTable = {
  setInitialSecurityState: (p, ncp) => {
    if (ncp.ram.networkUp) return { status: SlStatus.INVALID_STATE };
    ncp.ram.securityState = p.state;
    return { status: SlStatus.OK };
  },

  getCurrentSecurityState: (_p, ncp) => {
    const n = ncp.tokens.network;
    if (!ncp.ram.networkUp || !n)
      return { status: SlStatus.NOT_JOINED, state: { bitmask: 0, trustCenterLongAddress: BLANK_EUI64 } };
    return { status: SlStatus.OK, state: { bitmask: n.securityBitmask, trustCenterLongAddress: ncp.ieee } };
  },

  exportKey: (p, ncp) => {
    const c = p.context;
    const n = ncp.tokens.network;
    switch (c.coreKeyType) {
      case KeyType.NETWORK:
        if (!n || c.keyIndex !== 0) return { status: SlStatus.NOT_FOUND, key: ZERO_KEY, context: c };
        return { status: SlStatus.OK, key: n.networkKey, context: c };
      case KeyType.TC_LINK:
        if (!n) return { status: SlStatus.NOT_FOUND, key: ZERO_KEY, context: c };
        return { status: SlStatus.OK, key: n.tcLinkKey, context: c };
      case KeyType.APP_LINK: {
        const found = findEntry(ncp, c);
        return found
          ? { status: SlStatus.OK, key: found.entry.key, context: c }
          : { status: SlStatus.NOT_FOUND, key: ZERO_KEY, context: c };
      }
      case KeyType.TC_LINK_WITH_TIMEOUT: {
        const t = transient(ncp, c.eui64);
        return t
          ? { status: SlStatus.OK, key: t.key, context: c }
          : { status: SlStatus.NOT_FOUND, key: ZERO_KEY, context: c };
      }
      default:
        return { status: SlStatus.INVALID_PARAMETER, key: ZERO_KEY, context: c };
    }
  },

  importKey: (p, ncp) => {
    const c = p.context;
    switch (c.coreKeyType) {
      case KeyType.TC_LINK:
        if (!ncp.tokens.network) return { status: SlStatus.INVALID_STATE, context: c };
        ncp.tokens.network.tcLinkKey = Buffer.from(p.key);
        ncp.tokens.save();
        return { status: SlStatus.OK, context: c };
      case KeyType.APP_LINK: {
        const status = setKeyTableEntry(ncp, c.keyIndex, c.eui64, p.key);
        return { status, context: c };
      }
      case KeyType.TC_LINK_WITH_TIMEOUT:
        importTransient(ncp, c.eui64, p.key);
        return { status: SlStatus.OK, context: c };
      default:
        return { status: SlStatus.INVALID_PARAMETER, context: c };
    }
  },

  getNetworkKeyInfo: (_p, ncp) => {
    const n = ncp.tokens.network;
    return {
      status: SlStatus.OK,
      info: {
        networkKeySet: n !== undefined,
        alternateNetworkKeySet: false,
        networkKeySequenceNumber: n?.networkKeySequence ?? 0,
        altNetworkKeySequenceNumber: 0,
        networkKeyFrameCounter: ncp.tokens.nwkFrameCounter,
      },
    };
  },

  getApsKeyInfo: (p, ncp) => {
    const c = p.context;
    if (c.coreKeyType === KeyType.APP_LINK) {
      const found = findEntry(ncp, c);
      if (found) return { status: SlStatus.OK, keyData: linkKeyMetadata(found.entry), context: c };
    }
    if (c.coreKeyType === KeyType.TC_LINK && ncp.tokens.network) {
      const keyData = { ...NO_METADATA, bitmask: KeyBits.HAS_KEY_DATA | KeyBits.HAS_OUTGOING_FRAME_COUNTER };
      return {
        status: SlStatus.OK,
        keyData: { ...keyData, outgoingFrameCounter: ncp.tokens.apsFrameCounter },
        context: c,
      };
    }
    return { status: SlStatus.NOT_FOUND, keyData: NO_METADATA, context: c };
  },

  importLinkKey: (p, ncp) => ({ status: setKeyTableEntry(ncp, p.index, p.address, p.plaintextKey) }),

  exportLinkKeyByIndex: (p, ncp) => {
    const entry = ncp.tokens.keyTable[p.index];
    return exportLinkKey(entry ? { index: p.index, entry } : undefined);
  },

  exportLinkKeyByEui: (p, ncp) => {
    const index = ncp.tokens.keyTable.findIndex((e) => e?.eui64 === p.eui);
    return exportLinkKey(index >= 0 ? { index, entry: ncp.tokens.keyTable[index]! } : undefined);
  },

  findKeyTableEntry: (p, ncp) => {
    const index = p.linkKey ? ncp.tokens.keyTable.findIndex((e) => e?.eui64 === p.address) : -1;
    return { index: index >= 0 ? index : 0xff };
  },

  eraseKeyTableEntry: (p, ncp) => {
    if (p.index >= ncp.tokens.keyTable.length) return { status: SlStatus.INVALID_INDEX };
    ncp.tokens.keyTable[p.index] = undefined;
    ncp.tokens.save();
    return { status: SlStatus.OK };
  },

  clearKeyTable: (_p, ncp) => {
    ncp.tokens.keyTable.fill(undefined);
    ncp.tokens.save();
    return { status: SlStatus.OK };
  },

  importTransientKey: (p, ncp) => {
    importTransient(ncp, p.eui64, p.plaintextKey);
    return { status: SlStatus.OK };
  },

  exportTransientKeyByEui: (p, ncp) => {
    const t = transient(ncp, p.eui64);
    if (!t)
      return {
        status: SlStatus.NOT_FOUND,
        context: context(KeyType.TC_LINK_WITH_TIMEOUT, 0xff, p.eui64, 0),
        plaintextKey: ZERO_KEY,
        keyData: NO_METADATA,
      };
    return {
      status: SlStatus.OK,
      context: context(
        KeyType.TC_LINK_WITH_TIMEOUT,
        0xff,
        p.eui64,
        ContextFlags.EUI_IS_VALID | ContextFlags.UNCONFIRMED_TRANSIENT_KEY,
      ),
      plaintextKey: t.key,
      keyData: {
        ...NO_METADATA,
        bitmask: KeyBits.HAS_KEY_DATA | KeyBits.UNCONFIRMED_TRANSIENT,
        ttlInSeconds: t.ttlInSeconds,
      },
    };
  },

  clearTransientLinkKeys: (_p, ncp) => {
    ncp.ram.transientKeys.clear();
    return {};
  },
};

/** Index 0xFF: the entry that already holds the device's key, else the first free one (FULL when none). */
const ANY_KEY_INDEX = 0xff;

function setKeyTableEntry(ncp: EmberNcp, index: number, eui64: string, key: Buffer): number {
  if (index === ANY_KEY_INDEX) {
    const table = ncp.tokens.keyTable;
    const held = table.findIndex((e) => e?.eui64 === eui64);
    index = held >= 0 ? held : table.indexOf(undefined);
    if (index < 0) return SlStatus.FULL;
  }
  if (index >= ncp.tokens.keyTable.length) return SlStatus.INVALID_INDEX;
  ncp.tokens.keyTable[index] = { eui64, key: Buffer.from(key), outgoingFrameCounter: 0, incomingFrameCounter: 0 };
  ncp.tokens.save();
  return SlStatus.OK;
}

/** A transient key lasts TRANSIENT_KEY_TIMEOUT_S (configuration value, 300 s by default). */
function importTransient(ncp: EmberNcp, eui64: string, key: Buffer): void {
  const seconds = ncp.ram.config.get(ConfigId.TRANSIENT_KEY_TIMEOUT_S) ?? 300;
  ncp.ram.transientKeys.set(eui64, { key: Buffer.from(key), expiresAt: Date.now() + seconds * 1000 });
}

/** An APS command from a device to the trust centre: Request Key for an application link key (see above). */
export function onTrustCentreCommand(ncp: EmberNcp, f: ApsFrame): void {
  const cmd = f.apsCommand;
  if (cmd?.id !== "requestKey") return;
  if (ncp.ram.policies.get(PolicyId.APP_KEY_REQUEST_POLICY) !== Decision.ALLOW_APP_KEY_REQUESTS) return;
  const requester = ncp.medium.member(f.srcNwk)?.ieee?.toLowerCase();
  const partner = cmd.partner.toLowerCase();
  if (!requester || !ncp.apsKey(requester) || !ncp.apsKey(partner)) return;
  const partnerNwk = ncp.medium.members.find((m) => m.ieee?.toLowerCase() === partner)?.nwk;
  if (partnerNwk === undefined) return;
  ncp.medium.sendApplicationLinkKey(ncp.nwk, { nwk: f.srcNwk, ieee: requester }, { nwk: partnerNwk, ieee: partner });
}

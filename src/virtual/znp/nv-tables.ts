/**
 * The NV tables that say which devices joined and with which keys, read and written as the firmware lays
 * them out, because that is where a host's backup looks (herdsman's adapter-backup, zigpy-znp's
 * security.py): the address manager (extended item ADDRMGR), the trust-centre link-key table (TCLK_TABLE,
 * keys derived from TCLK_SEED), and, for devices joined with an install-code key, the APS key data table
 * with the security-manager table (APS_LINK_KEY_TABLE) that points to it.
 */
import {
  GROUP_TABLE_EMPTY,
  ExItem,
  NV_SYS_ZSTACK,
  NV_TABLES,
  NvId,
  SECURITY_MANAGER_EMPTY,
  SECURITY_MANAGER_ENTRY_SIZE,
} from "./nv-defaults.js";
import { type ZnpState, ieeeFromLe, ieeeToLe } from "./state.js";

/** AddrMgrEntry_t user bits (ADDRMGR_USER_*). */
export const AddrMgrUser = { DEFAULT: 0x00, ASSOC: 0x01, SECURITY: 0x02, BINDING: 0x04 } as const;

/** keyAttributes of a TCLK entry (ZG_*_KEY). */
export const KeyAttributes = { PROVISIONAL: 0x00, UNVERIFIED: 0x01, VERIFIED: 0x02, DEFAULT: 0xff } as const;

export interface AddrMgrEntry {
  index: number;
  user: number;
  nwk: number;
  ieee: string;
}

const CAPACITY = new Map(NV_TABLES.map((t) => [t.item, t.capacity]));

function capacity(item: number): number {
  return CAPACITY.get(item) ?? 0;
}

function entry(state: ZnpState, item: number, sub: number): Buffer | undefined {
  return state.getExt(NV_SYS_ZSTACK, item, sub);
}

function decodeAddrMgr(index: number, b: Buffer): AddrMgrEntry | undefined {
  const ieeeLe = b.subarray(4, 12);
  if (b[0] === AddrMgrUser.DEFAULT || b[0] === 0xff) return undefined;
  if (ieeeLe.every((x) => x === 0xff) || ieeeLe.every((x) => x === 0)) return undefined;
  return { index, user: b[0]!, nwk: b.readUInt16LE(2), ieee: ieeeFromLe(ieeeLe) };
}

/** The used address manager entries (none before a network forms). */
export function addressManager(state: ZnpState): AddrMgrEntry[] {
  const out: AddrMgrEntry[] = [];
  for (let i = 0, n = capacity(ExItem.ADDRMGR); i < n; i++) {
    const b = entry(state, ExItem.ADDRMGR, i);
    const e = b && decodeAddrMgr(i, b);
    if (e) out.push(e);
  }
  return out;
}

/**
 * The first used address manager entry whose raw bytes `matches`. The lookups of every secured frame go
 * through here: only the entry found is decoded.
 */
function findEntry(state: ZnpState, matches: (b: Buffer) => boolean): AddrMgrEntry | undefined {
  for (let i = 0, n = capacity(ExItem.ADDRMGR); i < n; i++) {
    const b = entry(state, ExItem.ADDRMGR, i);
    if (!b || b.length < 12 || !matches(b)) continue;
    const e = decodeAddrMgr(i, b);
    if (e) return e;
  }
  return undefined;
}

/** Little-endian bytes of the IEEEs looked up so far (read here only, never handed out), and of none. */
const leBytes = new Map<string, Buffer | null>();

/** `ieee`'s 8 bytes little-endian, when it has the form every entry's IEEE is read back in ("0x", 16 hex digits). */
function leOf(ieee: string): Buffer | undefined {
  let le = leBytes.get(ieee);
  if (le === undefined) {
    le = /^0x[0-9a-f]{16}$/i.test(ieee) ? ieeeToLe(ieee) : null;
    if (leBytes.size >= 1024) leBytes.clear();
    leBytes.set(ieee, le);
  }
  return le ?? undefined;
}

/** The entry of `ieee` ("0x" and 16 hex digits, any case). */
export function findDevice(state: ZnpState, ieee: string): AddrMgrEntry | undefined {
  const le = leOf(ieee);
  if (!le) return undefined;
  // bytes 4-11 of the entry compared in place: no view of each entry for each secured frame's lookups
  return findEntry(state, (b) => {
    for (let i = 0; i < 8; i++) if (b[4 + i] !== le[i]) return false;
    return true;
  });
}

export function findDeviceByNwk(state: ZnpState, nwk: number): AddrMgrEntry | undefined {
  return findEntry(state, (b) => b.readUInt16LE(2) === nwk);
}

/**
 * Records `ieee` at `nwk` with `user` bits (added to those it has). Returns the entry, or undefined when
 * the table is full or absent (no network).
 */
export function recordDevice(state: ZnpState, ieee: string, nwk: number, user: number): AddrMgrEntry | undefined {
  const known = findDevice(state, ieee);
  let index = known?.index;
  if (index === undefined) {
    for (let i = 0, n = capacity(ExItem.ADDRMGR); i < n && index === undefined; i++) {
      const b = entry(state, ExItem.ADDRMGR, i);
      if (b && !decodeAddrMgr(i, b)) index = i;
    }
  }
  if (index === undefined) return undefined;
  const b = Buffer.alloc(12, 0xff);
  b[0] = (known?.user ?? 0) | user;
  b.writeUInt16LE(nwk, 2);
  ieeeToLe(ieee).copy(b, 4);
  state.setExt(NV_SYS_ZSTACK, ExItem.ADDRMGR, index, b);
  return { index, user: b[0], nwk, ieee: ieee.toLowerCase() };
}

/** Clears `bits` from the user bits of `ieee`'s address manager entry. */
export function clearUserBits(state: ZnpState, ieee: string, bits: number): boolean {
  const known = findDevice(state, ieee);
  if (!known) return false;
  const b = Buffer.from(entry(state, ExItem.ADDRMGR, known.index)!);
  b[0] = known.user & ~bits;
  state.setExt(NV_SYS_ZSTACK, ExItem.ADDRMGR, known.index, b);
  return true;
}

function emptyOf(item: number): Buffer {
  return Buffer.from(NV_TABLES.find((t) => t.item === item)!.empty, "hex");
}

function findTclk(state: ZnpState, ieee: string): number | undefined {
  const ieeeLe = ieeeToLe(ieee);
  for (let i = 0, n = capacity(ExItem.TCLK_TABLE); i < n; i++) {
    const b = entry(state, ExItem.TCLK_TABLE, i);
    if (b?.subarray(8, 16).equals(ieeeLe)) return i;
  }
  return undefined;
}

/**
 * The trust-centre link key the coordinator gives a device that joined with the default key: derived from
 * TCLK_SEED rotated by `shift` XOR the device's IEEE (reversed, repeated), as Z-Stack 3.x does. The TCLK
 * entry holds the IEEE, the shift and the key's state; the key itself is never stored.
 */
export function recordSeededKey(state: ZnpState, ieee: string, shift: number): boolean {
  let index = findTclk(state, ieee);
  for (let i = 0, n = capacity(ExItem.TCLK_TABLE); i < n && index === undefined; i++) {
    const b = entry(state, ExItem.TCLK_TABLE, i);
    if (b && b[16] === KeyAttributes.DEFAULT) index = i;
  }
  if (index === undefined) return false;
  const b = Buffer.alloc(20);
  ieeeToLe(ieee).copy(b, 8);
  b[16] = KeyAttributes.VERIFIED;
  b[17] = 0; // key type: none (a seed-derived unique key)
  b[18] = shift & 0x0f;
  state.setExt(NV_SYS_ZSTACK, ExItem.TCLK_TABLE, index, b);
  return true;
}

/** The security-manager table (created with the network), or undefined. */
function securityTable(state: ZnpState): Buffer | undefined {
  return state.nv.get(NvId.APS_LINK_KEY_TABLE);
}

/** The security-manager table of a network just formed: one unused entry per APS key data entry. */
export function emptySecurityTable(): Buffer {
  const n = capacity(ExItem.APS_KEY_DATA_TABLE);
  const b = Buffer.alloc(2 + n * SECURITY_MANAGER_ENTRY_SIZE);
  for (let i = 0; i < n; i++) Buffer.from(SECURITY_MANAGER_EMPTY, "hex").copy(b, 2 + i * SECURITY_MANAGER_ENTRY_SIZE);
  return b;
}

export function emptyGroupTable(): Buffer {
  return Buffer.from(GROUP_TABLE_EMPTY, "hex");
}

export function removeSecurityEntry(state: ZnpState, ami: number): void {
  const table = securityTable(state);
  if (!table) return;
  const n = (table.length - 2) / SECURITY_MANAGER_ENTRY_SIZE;
  for (let i = 0; i < n; i++) {
    const o = 2 + i * SECURITY_MANAGER_ENTRY_SIZE;
    if (table.readUInt16LE(o) !== ami) continue;
    const keyIndex = table.readUInt16LE(o + 2);
    Buffer.from(SECURITY_MANAGER_EMPTY, "hex").copy(table, o);
    table.writeUInt16LE(Math.max(0, table.readUInt16LE(0) - 1), 0);
    state.setExt(NV_SYS_ZSTACK, ExItem.APS_KEY_DATA_TABLE, keyIndex, emptyOf(ExItem.APS_KEY_DATA_TABLE));
  }
}

/**
 * A device's own (install-code) link key: an APS key data entry with the key and zero frame counters, and
 * a security-manager entry from the device's address manager index to it (authenticated, CBKE option as
 * the firmware marks it). Returns false when a table is full or absent.
 */
export function recordUniqueKey(state: ZnpState, ami: number, key: Buffer): boolean {
  const table = securityTable(state);
  if (!table) return false;
  removeSecurityEntry(state, ami);
  const n = (table.length - 2) / SECURITY_MANAGER_ENTRY_SIZE;
  const used = new Set<number>();
  let slot: number | undefined;
  for (let i = 0; i < n; i++) {
    const o = 2 + i * SECURITY_MANAGER_ENTRY_SIZE;
    const entryAmi = table.readUInt16LE(o);
    if (entryAmi === 0xfffe) slot ??= i;
    else used.add(table.readUInt16LE(o + 2));
  }
  let keyIndex: number | undefined;
  for (let i = 0, k = capacity(ExItem.APS_KEY_DATA_TABLE); i < k && keyIndex === undefined; i++)
    if (!used.has(i)) keyIndex = i;
  if (slot === undefined || keyIndex === undefined) return false;
  const data = Buffer.alloc(24);
  key.copy(data, 0, 0, 16);
  state.setExt(NV_SYS_ZSTACK, ExItem.APS_KEY_DATA_TABLE, keyIndex, data);
  const o = 2 + slot * SECURITY_MANAGER_ENTRY_SIZE;
  table.writeUInt16LE(ami, o);
  table.writeUInt16LE(keyIndex, o + 2);
  table[o + 4] = 0x01; // ZDSecMgr_Authenticated_CBCK
  table[o + 5] = 0xff;
  table.writeUInt16LE(table.readUInt16LE(0) + 1, 0);
  return true;
}

/** Creates the tables a network starts with (address manager, security manager, groups) when missing. */
export function createNetworkTables(state: ZnpState): void {
  for (const t of NV_TABLES) {
    if (t.created !== "formation") continue;
    for (let sub = 0; sub < t.capacity; sub++) {
      if (!state.getExt(NV_SYS_ZSTACK, t.item, sub))
        state.setExt(NV_SYS_ZSTACK, t.item, sub, Buffer.from(t.empty, "hex"));
    }
  }
  if (!state.nv.has(NvId.APS_LINK_KEY_TABLE)) state.nv.set(NvId.APS_LINK_KEY_TABLE, emptySecurityTable());
  if (!state.nv.has(NvId.GROUP_TABLE)) state.nv.set(NvId.GROUP_TABLE, emptyGroupTable());
}

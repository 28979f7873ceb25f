/**
 * The NV tables a Z-Stack 3.x CC26xx image ships with, empty but with their capacity: the address
 * manager, the APS link-key data, the trust-centre link-key (TCLK) and the network security material
 * tables (extended items, system id 1, one sub-item per entry) and the legacy security manager table
 * (item 0x4C). Herdsman reads their capacity to restore a backup onto a blank adapter. Entry sizes are
 * those of the 16-bit aligned (ARM) structs.
 */

/** What seeding needs of the NV store (state.ts's ZnpState), without importing it. */
export interface NvTarget {
  readonly nv: Map<number, Buffer>;
  setExt(sysId: number, itemId: number, subId: number, value: Buffer): void;
}

export const NV_SYS_ZSTACK = 1;
export const ExItem = {
  ADDRMGR: 0x0001,
  TCLK_TABLE: 0x0004,
  APS_KEY_DATA_TABLE: 0x0006,
  NWK_SEC_MATERIAL_TABLE: 0x0007,
} as const;

/** An empty address manager entry: user 0 (unused), padding 0xFF, nwk 0xFFFF, IEEE all 0xFF. */
function emptyAddrMgrEntry(): Buffer {
  return Buffer.from([0x00, 0xff, 0xff, 0xff, ...Buffer.alloc(8, 0xff)]);
}

const TABLES: { item: number; entries: number; entry: () => Buffer }[] = [
  { item: ExItem.ADDRMGR, entries: 32, entry: emptyAddrMgrEntry },
  { item: ExItem.APS_KEY_DATA_TABLE, entries: 16, entry: () => Buffer.alloc(24) }, // key 16, tx u32, rx u32
  { item: ExItem.TCLK_TABLE, entries: 16, entry: () => Buffer.alloc(20) }, // tx, rx, IEEE, attributes, type, seed shift (+pad)
  { item: ExItem.NWK_SEC_MATERIAL_TABLE, entries: 12, entry: () => Buffer.alloc(12) }, // frame counter, EPID
];

/**
 * Legacy APS_LINK_KEY_TABLE (security manager): a u16 inline header, then 20 entries of ami u16,
 * keyNvId u16, authentication option u8 (+pad).
 */
export const SECURITY_MANAGER_TABLE = { id: 0x4c, entries: 20, entrySize: 6 } as const;

export function seedTables(state: NvTarget): void {
  for (const t of TABLES) {
    for (let sub = 0; sub < t.entries; sub++) state.setExt(NV_SYS_ZSTACK, t.item, sub, t.entry());
  }
  state.nv.set(
    SECURITY_MANAGER_TABLE.id,
    Buffer.alloc(2 + SECURITY_MANAGER_TABLE.entries * SECURITY_MANAGER_TABLE.entrySize),
  );
}

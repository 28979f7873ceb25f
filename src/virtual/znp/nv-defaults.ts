/**
 * The NV a Z-Stack 3.x coordinator (CC26x2, SimpleLink SDK) holds, as data: the OSAL items it creates at
 * every boot when they are missing (zglobals.c zgItemTable, zgInit: BDB node-is-on-a-network, the
 * pre-configured key, the key tables), with their real lengths and factory values as read from a CC2652R
 * coordinator after a factory reset, and the extended tables with this build's capacities.
 *
 * A few values are per chip: EXTADDR is the factory IEEE, EXTENDED_PAN_ID starts as the IEEE
 * (SET_EPID_AS_EXT_ADDR), and PRECFGKEY and TCLK_SEED are random on a real chip; here they are derived
 * from the IEEE so that a seeded dongle is reproducible.
 */

/** OSAL NV item ids (ZComDef.h ZCD_NV_*) the emulator reads or writes by name. */
export const NvId = {
  EXTADDR: 0x0001,
  STARTUP_OPTION: 0x0003,
  NIB: 0x0021,
  DEVICE_LIST: 0x0022,
  ADDRMGR: 0x0023,
  EXTENDED_PAN_ID: 0x002d,
  NWK_ACTIVE_KEY_INFO: 0x003a,
  NWK_ALTERN_KEY_INFO: 0x003b,
  GROUP_TABLE: 0x0042,
  APS_USE_EXT_PANID: 0x0047,
  APS_LINK_KEY_TABLE: 0x004c,
  BDBNODEISONANETWORK: 0x0055,
  HAS_CONFIGURED_ZSTACK3: 0x0060,
  PRECFGKEY: 0x0062,
  PRECFGKEYS_ENABLE: 0x0063,
  NWKKEY: 0x0082,
  PANID: 0x0083,
  CHANLIST: 0x0084,
  LEAVE_CTRL: 0x0085,
  LOGICAL_TYPE: 0x0087,
  ZDO_DIRECT_CB: 0x008f,
  TCLK_SEED: 0x0101,
} as const;

/** STARTUP_OPTION bits (ZCD_STARTOPT_*): restore the config items, clear the network state, at the next boot. */
export const StartupOption = { DEFAULT_CONFIG_STATE: 0x01, DEFAULT_NETWORK_STATE: 0x02 } as const;

export interface NvDefault {
  readonly id: number;
  /** TI's name without ZCD_NV_. */
  readonly name: string;
  /** Factory value (its length is the item's length); per-chip items get theirs from `perChip`. */
  readonly value: string;
}

/**
 * The OSAL items of a factory-reset coordinator, ids ascending. Values in hex as stored (little-endian);
 * POLL_RATE is the poll-rate table struct as the firmware writes it, padding bytes included.
 */
export const NV_DEFAULTS: readonly NvDefault[] = [
  { id: 0x0001, name: "EXTADDR", value: "0000000000000000" },
  { id: 0x0003, name: "STARTUP_OPTION", value: "00" },
  { id: 0x0004, name: "START_DELAY", value: "0a" },
  { id: 0x0024, name: "POLL_RATE_OLD16", value: "b80b" },
  { id: 0x0028, name: "DATA_RETRIES", value: "02" },
  { id: 0x0029, name: "POLL_FAILURE_RETRIES", value: "03" },
  { id: 0x002a, name: "STACK_PROFILE", value: "02" },
  { id: 0x002b, name: "INDIRECT_MSG_TIMEOUT", value: "14" },
  { id: 0x002c, name: "ROUTE_EXPIRY_TIME", value: "1e" },
  { id: 0x002d, name: "EXTENDED_PAN_ID", value: "0000000000000000" },
  { id: 0x002e, name: "BCAST_RETRIES", value: "02" },
  { id: 0x002f, name: "PASSIVE_ACK_TIMEOUT", value: "05" },
  { id: 0x0030, name: "BCAST_DELIVERY_TIME", value: "1e" },
  { id: 0x0032, name: "CONCENTRATOR_ENABLE", value: "01" },
  { id: 0x0033, name: "CONCENTRATOR_DISCOVERY", value: "78" },
  { id: 0x0034, name: "CONCENTRATOR_RADIUS", value: "0a" },
  {
    id: 0x0035,
    name: "POLL_RATE",
    value: "b80b0000b8010000640000006400000000000000e803000000000000000000008459002001000000",
  },
  { id: 0x0036, name: "CONCENTRATOR_RC", value: "01" },
  { id: 0x0037, name: "NWK_MGR_MODE", value: "01" },
  { id: 0x0038, name: "SRC_RTG_EXPIRY_TIME", value: "ff" },
  { id: 0x0039, name: "ROUTE_DISCOVERY_TIME", value: "05" },
  { id: 0x003a, name: "NWK_ACTIVE_KEY_INFO", value: "00".repeat(17) },
  { id: 0x003b, name: "NWK_ALTERN_KEY_INFO", value: "00".repeat(17) },
  { id: 0x003c, name: "ROUTER_OFF_ASSOC_CLEANUP", value: "00" },
  { id: 0x003d, name: "NWK_LEAVE_REQ_ALLOWED", value: "01" },
  { id: 0x003e, name: "NWK_CHILD_AGE_ENABLE", value: "00" },
  { id: 0x0043, name: "APS_FRAME_RETRIES", value: "03" },
  { id: 0x0044, name: "APS_ACK_WAIT_DURATION", value: "b80b" },
  { id: 0x0045, name: "APS_ACK_WAIT_MULTIPLIER", value: "02" },
  { id: 0x0046, name: "BINDING_TIME", value: "803e" },
  { id: 0x0047, name: "APS_USE_EXT_PANID", value: "0000000000000000" },
  { id: 0x0048, name: "APS_USE_INSECURE_JOIN", value: "01" },
  { id: 0x0049, name: "COMMISSIONED_NWK_ADDR", value: "feff" },
  { id: 0x004b, name: "APS_NONMEMBER_RADIUS", value: "02" },
  { id: 0x004d, name: "APS_DUPREJ_TIMEOUT_INC", value: "e803" },
  { id: 0x004e, name: "APS_DUPREJ_TIMEOUT_COUNT", value: "0a" },
  { id: 0x004f, name: "APS_DUPREJ_TABLE_SIZE", value: "0500" },
  { id: 0x0051, name: "NWK_PARENT_INFO", value: "01" },
  { id: 0x0052, name: "NWK_ENDDEV_TIMEOUT_DEF", value: "08" },
  { id: 0x0053, name: "END_DEV_TIMEOUT_VALUE", value: "08" },
  { id: 0x0054, name: "END_DEV_CONFIGURATION", value: "00" },
  { id: 0x0055, name: "BDBNODEISONANETWORK", value: "00" },
  { id: 0x0062, name: "PRECFGKEY", value: "00".repeat(16) },
  { id: 0x0063, name: "PRECFGKEYS_ENABLE", value: "00" },
  { id: 0x0065, name: "SECURE_PERMIT_JOIN", value: "01" },
  { id: 0x0066, name: "APS_LINK_KEY_TYPE", value: "01" },
  { id: 0x0067, name: "APS_ALLOW_R19_SECURITY", value: "00" },
  { id: 0x006d, name: "USE_DEFAULT_TCLK", value: "01" },
  { id: 0x0071, name: "TRUSTCENTER_ADDR", value: "0000000000000000" },
  { id: 0x0081, name: "USERDESC", value: "00".repeat(17) },
  // 24 bytes: the aligned (ARM) nwkActiveKeyItems_t, which hosts use to tell aligned from packed builds
  { id: 0x0082, name: "NWKKEY", value: "00".repeat(24) },
  { id: 0x0083, name: "PANID", value: "ffff" },
  { id: 0x0084, name: "CHANLIST", value: "00000000" },
  { id: 0x0086, name: "SCAN_DURATION", value: "04" },
  { id: 0x0087, name: "LOGICAL_TYPE", value: "00" },
  { id: 0x0088, name: "NWKMGR_MIN_TX", value: "14" },
  { id: 0x008f, name: "ZDO_DIRECT_CB", value: "01" },
  { id: 0x00a1, name: "SAPI_ENDPOINT", value: "e0" },
  { id: 0x0101, name: "TCLK_SEED", value: "00".repeat(16) },
];

/** Items whose factory value is the chip's own (see the module comment). */
export const PER_CHIP: ReadonlySet<number> = new Set([
  NvId.EXTADDR,
  NvId.EXTENDED_PAN_ID,
  NvId.PRECFGKEY,
  NvId.TCLK_SEED,
]);

/**
 * Items that are the network's state rather than configuration: a STARTUP_OPTION network-state reset
 * deletes them (the NIB, the address manager and security-manager tables, groups, leave control) or
 * restores their factory value (the key descriptors, BDB node-is-on-a-network).
 */
export const NETWORK_STATE_ITEMS: readonly number[] = [
  NvId.NIB,
  NvId.GROUP_TABLE,
  NvId.APS_LINK_KEY_TABLE,
  NvId.LEAVE_CTRL,
];
export const NETWORK_STATE_DEFAULTS: readonly number[] = [
  NvId.NWK_ACTIVE_KEY_INFO,
  NvId.NWK_ALTERN_KEY_INFO,
  NvId.BDBNODEISONANETWORK,
  NvId.NWKKEY,
];

/** System id of the Z-Stack's extended NV items (NVINTF_SYSID_ZSTACK). */
export const NV_SYS_ZSTACK = 1;

/** Extended NV tables (system id 1, one sub-item per entry), ExNvIds. */
export const ExItem = {
  ADDRMGR: 0x0001,
  TCLK_TABLE: 0x0004,
  APS_KEY_DATA_TABLE: 0x0006,
  NWK_SEC_MATERIAL_TABLE: 0x0007,
} as const;

export interface NvTable {
  readonly item: number;
  readonly name: string;
  /** Entries of this build. */
  readonly capacity: number;
  /** An unused entry, as the firmware writes it. */
  readonly empty: string;
  /** Created at boot with the key tables (ZDSecMgrInitNVKeyTables) or when a network forms. */
  readonly created: "boot" | "formation";
}

/**
 * The extended tables and this build's capacities. Entry layouts are the 16-bit aligned ARM structs:
 * AddrMgrEntry_t (user, pad, nwkAddr, extAddr: 12), APSME_TCLinkKeyNVEntry_t (tx and rx frame counters,
 * extAddr, keyAttributes 0xFF = default key, keyType, seed shift or IC index, pad: 20),
 * APSME_ApsLinkKeyNVEntry_t (key, tx and rx frame counters: 24), nwkSecMaterialDesc_t (frame counter,
 * extended PAN ID: 12). The TCLK table has the 200 entries of the coordinator builds hosts meet; the APS
 * key data (one per device joined with an install-code key) holds 16, the Device Log's size; the address
 * manager 64.
 */
export const NV_TABLES: readonly NvTable[] = [
  { item: ExItem.ADDRMGR, name: "ADDRMGR", capacity: 64, empty: "ff".repeat(12), created: "formation" },
  {
    item: ExItem.TCLK_TABLE,
    name: "TCLK_TABLE",
    capacity: 200,
    empty: `${"00".repeat(16)}ff000000`,
    created: "boot",
  },
  {
    item: ExItem.APS_KEY_DATA_TABLE,
    name: "APS_KEY_DATA_TABLE",
    capacity: 16,
    empty: "00".repeat(24),
    created: "boot",
  },
  {
    item: ExItem.NWK_SEC_MATERIAL_TABLE,
    name: "NWK_SEC_MATERIAL_TABLE",
    capacity: 5,
    empty: "00".repeat(12),
    created: "boot",
  },
];

/**
 * The legacy security-manager table (APS_LINK_KEY_TABLE, created with the network): a u16 count, then one
 * 6-byte entry per APS key data entry (address manager index, key NV index, authentication option, pad).
 * An unused entry is ami 0xFFFE.
 */
export const SECURITY_MANAGER_ENTRY_SIZE = 6;
export const SECURITY_MANAGER_EMPTY = "feff000000ff";

/** GROUP_TABLE as a network starts it: a u16 count of 0, then one unused 20-byte entry. */
export const GROUP_TABLE_EMPTY = `0000${"ff".repeat(20)}`;

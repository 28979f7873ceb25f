/**
 * SYS subsystem: ping, version, IEEE, the legacy (osalNv*) and extended (nv*) NV items, stack tune, TX
 * power and the soft/hard reset with its reset indication.
 */
import {
  SYS_GET_EXTADDR,
  SYS_SET_EXTADDR,
  SYS_SET_TX_POWER,
  SYS_NV_CREATE,
  SYS_NV_DELETE,
  SYS_NV_LENGTH,
  SYS_NV_READ,
  SYS_NV_WRITE,
  SYS_OSAL_NV_DELETE,
  SYS_OSAL_NV_ITEM_INIT,
  SYS_OSAL_NV_LENGTH,
  SYS_OSAL_NV_READ,
  SYS_OSAL_NV_READ_EXT,
  SYS_OSAL_NV_WRITE,
  SYS_OSAL_NV_WRITE_EXT,
  SYS_PING,
  SYS_RESET_IND,
  SYS_RESET_REQ,
  SYS_STACK_TUNE,
  SYS_VERSION,
} from "./commands.js";
import { DevState, type Responder, type ZnpEmulator, onAreq, onSreq } from "./emulator.js";
import { NvId } from "./state.js";

/** Status values the NV commands answer with (ZComDef.h, and nvintf.h NVINTF_* for the extended items). */
export const NvStatus = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  INVALID_PARAMETER: 0x02,
  ITEM_UNINIT: 0x09,
  OPER_FAILED: 0x0a,
  BAD_ITEM_LEN: 0x0c,
  /** NVINTF_BADLENGTH: an extended item of length 0. */
  EXT_BAD_LENGTH: 0x05,
  /** NVINTF_NOTFOUND. */
  EXT_NOT_FOUND: 0x0a,
} as const;

/** MAC statuses of SYS_SET_TX_POWER. */
const MacStatus = { SUCCESS: 0x00, INVALID_PARAMETER: 0xe8 } as const;
/** Transmit powers the CC2652R's table covers, dBm. */
const TX_POWER = { min: -20, max: 5 } as const;

/**
 * Largest value one read SRSP carries: mt_sys.c MT_SysOsalNVRead limits the data to MT_MAX_RSP_DATA_LEN
 * (255 - 1 - 5) less the status and length bytes.
 */
const MAX_READ = 247;
const EMPTY = Buffer.alloc(0);

/** osalNvRead(Ext): an offset at or past the item's end (or a missing item, length 0) is an invalid parameter. */
function readChunk(item: Buffer | undefined, offset: number) {
  if (!item || offset >= item.length) return { status: NvStatus.INVALID_PARAMETER, value: EMPTY };
  return { status: NvStatus.SUCCESS, value: item.subarray(offset, offset + MAX_READ) };
}

/** osalNvWrite(Ext): the write must lie within the item (mt_sys.c MT_SysOsalNVWrite). */
function writeInto(emu: ZnpEmulator, id: number, offset: number, value: Buffer): number {
  const item = emu.state.nv.get(id);
  if (offset + value.length > (item?.length ?? 0)) return NvStatus.INVALID_PARAMETER;
  if (!item) return NvStatus.OPER_FAILED;
  value.copy(item, offset);
  emu.state.save();
  return NvStatus.SUCCESS;
}

/**
 * A hard or soft reset (both restart the chip on CC26xx): the AF registrations and the association list
 * are RAM and go; NV boots (missing factory items come back, EXTADDR among them; STARTUP_OPTION may
 * restore the configuration or clear the network); then SYS_RESET_IND with the version.
 */
export function resetDevice(emu: ZnpEmulator): void {
  emu.state.endpoints.clear();
  const cleared = emu.state.boot();
  if (cleared) {
    emu.children.clear();
    emu.onNetworkCleared();
  }
  emu.deviceState = emu.formed ? DevState.ZB_COORD : DevState.HOLD;
  const v = emu.version;
  setTimeout(
    () =>
      emu.callback(SYS_RESET_IND, {
        reason: 0, // "deprecated on cc26xx" (mt_sys.c MT_SysResetInd)
        transportRev: v.transportRev,
        productId: v.product,
        majorRel: v.major,
        minorRel: v.minor,
        hwRev: v.maint,
      }),
    5,
  );
}

export const SYS_RESPONDERS: readonly Responder[] = [
  onSreq(SYS_PING, (_req, emu) => ({ capabilities: emu.capabilities })),
  onSreq(SYS_VERSION, (_req, emu) => {
    const v = emu.version;
    return {
      transportRev: v.transportRev,
      product: v.product,
      majorRel: v.major,
      minorRel: v.minor,
      maintRel: v.maint,
      revision: v.revision,
    };
  }),
  onSreq(SYS_SET_EXTADDR, ({ extAddr }, emu) => {
    emu.state.nv.set(NvId.EXTADDR, Buffer.from(extAddr));
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_GET_EXTADDR, (_req, emu) => ({ extAddr: emu.ieeeLe })),

  // 0x09 (NV_ITEM_UNINIT) when created, 0x00 when it already existed
  onSreq(SYS_OSAL_NV_ITEM_INIT, ({ id, len, initValue }, emu) => {
    if (emu.state.nv.has(id)) return { status: NvStatus.SUCCESS };
    const item = Buffer.alloc(len);
    initValue.copy(item, 0, 0, Math.min(initValue.length, len));
    emu.state.nv.set(id, item);
    emu.state.save();
    return { status: NvStatus.ITEM_UNINIT };
  }),
  onSreq(SYS_OSAL_NV_READ, ({ id, offset }, emu) => readChunk(emu.state.nv.get(id), offset)),
  onSreq(SYS_OSAL_NV_WRITE, ({ id, offset, value }, emu) => ({ status: writeInto(emu, id, offset, value) })),
  // the length given must be the item's (osal_nv_delete)
  onSreq(SYS_OSAL_NV_DELETE, ({ id, len }, emu) => {
    const item = emu.state.nv.get(id);
    if (!item) return { status: NvStatus.ITEM_UNINIT };
    if (item.length !== len) return { status: NvStatus.BAD_ITEM_LEN };
    emu.state.nv.delete(id);
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_OSAL_NV_LENGTH, ({ id }, emu) => ({ length: emu.state.nv.get(id)?.length ?? 0 })),
  // STK_TX_PWR (0) sets the power; STK_RX_ON_IDLE (1) sets receiver-on-when-idle, or reads it for another value
  onSreq(SYS_STACK_TUNE, ({ operation, value }) => {
    if (operation === 0) return { value: MacStatus.SUCCESS };
    if (operation === 1) return { value: value === 0 || value === 1 ? MacStatus.SUCCESS : 1 };
    return { value: NvStatus.INVALID_PARAMETER };
  }),
  onSreq(SYS_SET_TX_POWER, ({ level }) => ({
    status: level >= TX_POWER.min && level <= TX_POWER.max ? MacStatus.SUCCESS : MacStatus.INVALID_PARAMETER,
  })),
  onSreq(SYS_OSAL_NV_READ_EXT, ({ id, offset }, emu) => readChunk(emu.state.nv.get(id), offset)),
  onSreq(SYS_OSAL_NV_WRITE_EXT, ({ id, offset, value }, emu) => ({ status: writeInto(emu, id, offset, value) })),

  onSreq(SYS_NV_CREATE, ({ sysId, itemId, subId, length }, emu) => {
    if (length === 0) return { status: NvStatus.EXT_BAD_LENGTH };
    if (!emu.state.getExt(sysId, itemId, subId)) {
      emu.state.setExt(sysId, itemId, subId, Buffer.alloc(length));
      emu.state.save();
    }
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_NV_DELETE, ({ sysId, itemId, subId }, emu) => {
    if (!emu.state.getExt(sysId, itemId, subId)) return { status: NvStatus.EXT_NOT_FOUND };
    emu.state.setExt(sysId, itemId, subId, undefined);
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_NV_LENGTH, ({ sysId, itemId, subId }, emu) => ({
    length: emu.state.getExt(sysId, itemId, subId)?.length ?? 0,
  })),
  onSreq(SYS_NV_READ, ({ sysId, itemId, subId, offset, length }, emu) => {
    const value = emu.state.getExt(sysId, itemId, subId);
    if (!value || offset + length > value.length) return { status: NvStatus.EXT_NOT_FOUND, value: EMPTY };
    return { status: NvStatus.SUCCESS, value: value.subarray(offset, offset + length) };
  }),
  onSreq(SYS_NV_WRITE, ({ sysId, itemId, subId, offset, value }, emu) => {
    const item = emu.state.getExt(sysId, itemId, subId);
    if (!item || offset + value.length > item.length) return { status: NvStatus.EXT_NOT_FOUND };
    value.copy(item, offset);
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),

  // type 0 hard, 1 soft: the same restart → SYS_RESET_IND
  onAreq(SYS_RESET_REQ, (_req, emu) => resetDevice(emu)),
];

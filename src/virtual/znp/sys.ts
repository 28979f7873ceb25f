/**
 * SYS subsystem: ping, version, IEEE, the legacy (osalNv*) and extended (nv*) NV items, stack tune, TX
 * power and the soft/hard reset with its reset indication.
 */
import {
  SYS_GET_EXTADDR,
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

/** ZnpCommandStatus values the NV commands answer with. */
export const NvStatus = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  ITEM_UNINIT: 0x09,
  OPER_FAILED: 0x0a,
  BAD_ITEM_LEN: 0x0c,
} as const;

/** Largest value chunk one read SRSP carries (frame data max 250, minus status and length). */
const MAX_READ = 244;
const EMPTY = Buffer.alloc(0);

function readChunk(item: Buffer | undefined, offset: number) {
  if (!item || offset > item.length) return { status: NvStatus.OPER_FAILED, value: EMPTY };
  return { status: NvStatus.SUCCESS, value: item.subarray(offset, offset + MAX_READ) };
}

function writeInto(emu: ZnpEmulator, id: number, offset: number, value: Buffer): number {
  const item = emu.state.nv.get(id);
  if (!item) return NvStatus.OPER_FAILED;
  if (offset + value.length > item.length) return NvStatus.BAD_ITEM_LEN;
  value.copy(item, offset);
  emu.state.save();
  return NvStatus.SUCCESS;
}

/** What a soft or hard reset does to the firmware's RAM and, with STARTUP_OPTION bits set, to NV. */
export function resetDevice(emu: ZnpEmulator, type: number): void {
  const option = emu.state.nv.get(NvId.STARTUP_OPTION)?.[0] ?? 0;
  emu.state.endpoints.clear();
  if (option & 0x03) {
    emu.state.factoryReset();
    emu.state.devices.clear();
    emu.state.linkKeys.clear();
    emu.state.save();
    emu.onNetworkCleared();
  }
  emu.deviceState = emu.formed ? DevState.ZB_COORD : DevState.HOLD;
  const v = emu.version;
  setTimeout(
    () =>
      emu.callback(SYS_RESET_IND, {
        reason: type === 0 ? 0x00 : 0x02,
        transportRev: v.transportRev,
        productId: v.product,
        majorRel: v.major,
        minorRel: v.minor,
        hwRev: 1,
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
  onSreq(SYS_GET_EXTADDR, (_req, emu) => ({ extAddr: emu.ieeeLe })),

  // 0x09 when created, 0x00 when it already existed
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
  onSreq(SYS_OSAL_NV_DELETE, ({ id }, emu) => {
    if (!emu.state.nv.delete(id)) return { status: NvStatus.ITEM_UNINIT };
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_OSAL_NV_LENGTH, ({ id }, emu) => ({ length: emu.state.nv.get(id)?.length ?? 0 })),
  onSreq(SYS_STACK_TUNE, () => ({ value: 0 })),
  onSreq(SYS_OSAL_NV_READ_EXT, ({ id, offset }, emu) => readChunk(emu.state.nv.get(id), offset)),
  onSreq(SYS_OSAL_NV_WRITE_EXT, ({ id, offset, value }, emu) => ({ status: writeInto(emu, id, offset, value) })),

  onSreq(SYS_NV_CREATE, ({ sysId, itemId, subId, length }, emu) => {
    if (!emu.state.getExt(sysId, itemId, subId)) {
      emu.state.setExt(sysId, itemId, subId, Buffer.alloc(length));
      emu.state.save();
    }
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_NV_DELETE, ({ sysId, itemId, subId }, emu) => {
    if (!emu.state.getExt(sysId, itemId, subId)) return { status: NvStatus.ITEM_UNINIT };
    emu.state.setExt(sysId, itemId, subId, undefined);
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),
  onSreq(SYS_NV_LENGTH, ({ sysId, itemId, subId }, emu) => ({
    length: emu.state.getExt(sysId, itemId, subId)?.length ?? 0,
  })),
  onSreq(SYS_NV_READ, ({ sysId, itemId, subId, offset, length }, emu) => {
    const value = emu.state.getExt(sysId, itemId, subId);
    if (!value || offset + length > value.length) return { status: NvStatus.OPER_FAILED, value: EMPTY };
    return { status: NvStatus.SUCCESS, value: value.subarray(offset, offset + length) };
  }),
  onSreq(SYS_NV_WRITE, ({ sysId, itemId, subId, offset, value }, emu) => {
    const item = emu.state.getExt(sysId, itemId, subId);
    if (!item || offset + value.length > item.length) return { status: NvStatus.OPER_FAILED };
    value.copy(item, offset);
    emu.state.save();
    return { status: NvStatus.SUCCESS };
  }),

  // type 0 hard, 1 soft → SYS_RESET_IND
  onAreq(SYS_RESET_REQ, (_req, emu, raw) => resetDevice(emu, raw.length > 0 ? raw[0]! : 1)),
];

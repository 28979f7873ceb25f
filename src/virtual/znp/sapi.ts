/**
 * SAPI subsystem (Simple API): only ZB_READ_CONFIGURATION, the way some hosts read an OSAL NV item that
 * SYS_OSAL_NV_READ refuses. As MT_SAPI.c MT_SapiReadCfg: the whole item (its length truncated to a byte),
 * refused with INVALID_PARAMETER for a missing item and for the NIB, the device list, the address manager
 * and NWKKEY.
 */
import { SAPI_ZB_READ_CONFIGURATION } from "./commands.js";
import { type Responder, onSreq } from "./emulator.js";
import { NvId } from "./state.js";

const REFUSED: ReadonlySet<number> = new Set([NvId.NIB, NvId.DEVICE_LIST, NvId.ADDRMGR, NvId.NWKKEY]);
const Status = { SUCCESS: 0x00, INVALID_PARAMETER: 0x02 } as const;

export const SAPI_RESPONDERS: readonly Responder[] = [
  onSreq(SAPI_ZB_READ_CONFIGURATION, ({ configId }, emu) => {
    const item = emu.state.nv.get(configId);
    const len = (item?.length ?? 0) & 0xff;
    if (!item || len === 0 || REFUSED.has(configId))
      return { status: Status.INVALID_PARAMETER, configId, value: Buffer.alloc(0) };
    return { status: Status.SUCCESS, configId, value: item.subarray(0, len) };
  }),
];

/** UTIL subsystem: device info, LED, the association table. */
import {
  UTIL_ASSOC_ADD,
  UTIL_ASSOC_GET_WITH_ADDRESS,
  UTIL_ASSOC_REMOVE,
  UTIL_GET_DEVICE_INFO,
  UTIL_LED_CONTROL,
} from "./commands.js";
import { DevState, type Responder, onSreq } from "./emulator.js";

/** associated_devices_t of no device: INVALID_NODE_ADDR (0xFFFE) first, every other field 0xFF. */
function noDevice(): Buffer {
  const b = Buffer.alloc(36, 0xff);
  b.writeUInt16LE(0xfffe, 0);
  return b;
}

export const UTIL_RESPONDERS: readonly Responder[] = [
  onSreq(UTIL_GET_DEVICE_INFO, (_req, emu) => ({
    status: 0,
    ieeeAddr: emu.ieeeLe,
    shortAddr: emu.deviceState === DevState.ZB_COORD ? 0x0000 : 0xfffe,
    deviceType: 0x07, // coordinator | router | end device capable
    deviceState: emu.deviceState,
    assocDevices: [],
  })),
  onSreq(UTIL_LED_CONTROL, () => ({ status: 0 })),
  // the emulated devices are not in an association table (routers elsewhere)
  onSreq(UTIL_ASSOC_GET_WITH_ADDRESS, () => ({ device: noDevice() })),
  onSreq(UTIL_ASSOC_REMOVE, () => ({ status: 0 })),
  onSreq(UTIL_ASSOC_ADD, () => ({ status: 0 })),
];

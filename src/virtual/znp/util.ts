/**
 * UTIL subsystem: device info, LED, and the association list: the end devices that joined through the
 * coordinator (routers are reached over the mesh), in the address manager with the ASSOC bit. Records
 * are associated_devices_t as mt_util.c packDev_t writes them into a 36-byte (aligned) buffer.
 */
import {
  ASSOCIATED_DEVICE_SIZE,
  UTIL_ASSOC_ADD,
  UTIL_ASSOC_COUNT,
  UTIL_ASSOC_FIND_DEVICE,
  UTIL_ASSOC_GET_WITH_ADDRESS,
  UTIL_ASSOC_REMOVE,
  UTIL_GET_DEVICE_INFO,
  UTIL_LED_CONTROL,
} from "./commands.js";
import { DevState, type Responder, type ZnpEmulator, onSreq } from "./emulator.js";
import {
  type AddrMgrEntry,
  AddrMgrUser,
  addressManager,
  clearUserBits,
  findDevice,
  recordDevice,
} from "./nv-tables.js";
import { ieeeFromLe } from "./state.js";

/** associated_devices_t nodeRelation values (AssocList.h). */
export const NodeRelation = { PARENT: 0, CHILD_RFD: 1, CHILD_RFD_RX_IDLE: 2, CHILD_FFD: 3, NEIGHBOR: 5 } as const;

/** No device: INVALID_NODE_ADDR (0xFFFE) first, every other byte 0xFF. */
function noDevice(): Buffer {
  const b = Buffer.alloc(ASSOCIATED_DEVICE_SIZE, 0xff);
  b.writeUInt16LE(0xfffe, 0);
  return b;
}

/**
 * A child's record: shortAddr, addrIdx (its address manager index), nodeRelation, devStatus, assocCnt,
 * age, then linkInfo (txCounter, txCost, rxLqi, inKeySeqNum, inFrmCntr u32, txFailure u16) and the
 * end-device timeout fields, zero here.
 */
function deviceRecord(e: AddrMgrEntry, relation: number): Buffer {
  const b = Buffer.alloc(ASSOCIATED_DEVICE_SIZE);
  b.writeUInt16LE(e.nwk, 0);
  b.writeUInt16LE(e.index, 2);
  b[4] = relation;
  b[9] = 1; // txCost
  b[10] = 0xc8; // rxLqi
  return b;
}

function children(emu: ZnpEmulator): { entry: AddrMgrEntry; relation: number }[] {
  return addressManager(emu.state)
    .filter((e) => (e.user & AddrMgrUser.ASSOC) !== 0)
    .map((entry) => ({ entry, relation: emu.children.get(entry.ieee) ?? NodeRelation.CHILD_RFD }));
}

const Status = { SUCCESS: 0x00, FAILURE: 0x01 } as const;

export const UTIL_RESPONDERS: readonly Responder[] = [
  onSreq(UTIL_GET_DEVICE_INFO, (_req, emu) => ({
    status: Status.SUCCESS,
    ieeeAddr: emu.ieeeLe,
    shortAddr: emu.deviceState === DevState.ZB_COORD ? 0x0000 : 0xfffe,
    deviceType: 0x07, // coordinator | router | end device capable
    deviceState: emu.deviceState,
    assocDevices: children(emu).map((c) => c.entry.nwk),
  })),
  onSreq(UTIL_LED_CONTROL, () => ({ status: Status.SUCCESS })),
  onSreq(UTIL_ASSOC_COUNT, ({ startRelation, endRelation }, emu) => ({
    count: children(emu).filter((c) => c.relation >= startRelation && c.relation <= endRelation).length,
  })),
  // the number-th entry of the association list
  onSreq(UTIL_ASSOC_FIND_DEVICE, ({ number }, emu) => {
    const c = children(emu)[number];
    return { device: c ? deviceRecord(c.entry, c.relation) : noDevice() };
  }),
  // by IEEE when it is a valid address, else by network address
  onSreq(UTIL_ASSOC_GET_WITH_ADDRESS, ({ extAddr, nwkAddr }, emu) => {
    const valid = !extAddr.every((b) => b === 0) && !extAddr.every((b) => b === 0xff);
    const ieee = valid ? ieeeFromLe(extAddr) : undefined;
    const c = children(emu).find((x) => (ieee ? x.entry.ieee === ieee : x.entry.nwk === nwkAddr));
    return { device: c ? deviceRecord(c.entry, c.relation) : noDevice() };
  }),
  onSreq(UTIL_ASSOC_REMOVE, ({ ieeeAddr }, emu) => {
    const ieee = ieeeFromLe(ieeeAddr);
    const e = findDevice(emu.state, ieee);
    if (!e || !(e.user & AddrMgrUser.ASSOC)) return { status: Status.FAILURE };
    clearUserBits(emu.state, ieee, AddrMgrUser.ASSOC);
    emu.children.delete(ieee);
    emu.state.save();
    return { status: Status.SUCCESS };
  }),
  onSreq(UTIL_ASSOC_ADD, ({ ieeeAddr, nwkAddr, nodeRelation }, emu) => {
    const ieee = ieeeFromLe(ieeeAddr);
    if (!recordDevice(emu.state, ieee, nwkAddr, AddrMgrUser.ASSOC)) return { status: Status.FAILURE };
    emu.children.set(ieee, nodeRelation);
    emu.state.save();
    return { status: Status.SUCCESS };
  }),
];

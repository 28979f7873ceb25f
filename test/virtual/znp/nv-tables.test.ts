/**
 * The address manager's lookups (nv-tables.ts): an IEEE is found in any case and by its entry's bytes as they are
 * now (the lookups compare the bytes in place and remember only an IEEE's bytes, never an answer). And the
 * IEEE of 8 little-endian bytes, read as two halves, is that of the bytes reversed.
 */
import { describe, expect, it } from "vitest";
import { ExItem, NV_SYS_ZSTACK } from "../../../src/virtual/znp/nv-defaults.js";
import {
  AddrMgrUser,
  createNetworkTables,
  findDevice,
  findDeviceByNwk,
  recordDevice,
} from "../../../src/virtual/znp/nv-tables.js";
import { ZnpState, ieeeFromLe, ieeeToLe } from "../../../src/virtual/znp/state.js";

const A = "0x0d6f00c89b6dfebf";
const B = "0x0d6f00c89b6dfec0"; // differs from A in the last byte only (the first of the entry's bytes 4-11)
const C = "0x1d6f00c89b6dfebf"; // differs from A in the first byte only (the last of them)

function network(): ZnpState {
  const state = new ZnpState("0x00124b0008dc9a52");
  createNetworkTables(state);
  return state;
}

describe("address manager lookups", () => {
  it("find a device by its IEEE in either case, and not by an IEEE differing in its first or last byte", () => {
    const state = network();
    expect(findDevice(state, A)).toBeUndefined();
    const a = recordDevice(state, A, 0x1234, AddrMgrUser.SECURITY)!;
    expect(findDevice(state, A)).toEqual(a);
    expect(findDevice(state, A.toUpperCase().replace("0X", "0x"))).toEqual(a);
    expect(findDevice(state, B)).toBeUndefined();
    expect(findDevice(state, C)).toBeUndefined();
    const b = recordDevice(state, B, 0x5678, AddrMgrUser.ASSOC)!;
    expect(b.index).not.toBe(a.index);
    expect(findDevice(state, B)).toEqual(b);
    expect(findDevice(state, A)).toEqual(a);
    expect(findDeviceByNwk(state, 0x5678)).toEqual(b);
  });

  it("refuse what is not 0x and 16 hex digits", () => {
    const state = network();
    recordDevice(state, A, 0x1234, AddrMgrUser.SECURITY);
    for (const bad of [A.slice(2), `${A}0`, "0x0d6f00c89b6dfeb", "0x0d6f00c89b6dfebg", ""])
      expect(findDevice(state, bad)).toBeUndefined();
  });

  it("answer from the entry as it is now: a device moved or cleared is found where it is, or not at all", () => {
    const state = network();
    const a = recordDevice(state, A, 0x1234, AddrMgrUser.SECURITY)!;
    expect(findDevice(state, A)?.nwk).toBe(0x1234);
    // the entry's bytes rewritten in place (as an NV write from the host does)
    state.getExt(NV_SYS_ZSTACK, ExItem.ADDRMGR, a.index)!.writeUInt16LE(0x4321, 2);
    expect(findDevice(state, A)?.nwk).toBe(0x4321);
    state.setExt(NV_SYS_ZSTACK, ExItem.ADDRMGR, a.index, Buffer.from("ff".repeat(12), "hex"));
    expect(findDevice(state, A)).toBeUndefined();
    state.setExt(NV_SYS_ZSTACK, ExItem.ADDRMGR, 7, Buffer.from("02004321bffe6d9bc8006f0d", "hex"));
    expect(findDevice(state, A)).toEqual({ index: 7, user: 2, nwk: 0x2143, ieee: A });
  });
});

describe("IEEE of little-endian bytes", () => {
  it("is 0x and the bytes reversed in hex, at any offset, for any bytes; a short buffer gives what it has", () => {
    const reversed = (b: Buffer, offset: number) =>
      `0x${Buffer.from(b.subarray(offset, offset + 8))
        .reverse()
        .toString("hex")}`;
    let x = 0x2545f491;
    const bytes = Buffer.alloc(64);
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < bytes.length; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        bytes[i] = round % 10 === 0 ? (i % 2 ? 0xff : 0) : x >>> 24;
      }
      for (let offset = 0; offset <= bytes.length; offset += 7) {
        expect(ieeeFromLe(bytes, offset)).toBe(reversed(bytes, offset));
      }
    }
    expect(ieeeFromLe(ieeeToLe(A))).toBe(A);
    expect(ieeeFromLe(Buffer.from("0102", "hex"))).toBe("0x0201");
  });
});

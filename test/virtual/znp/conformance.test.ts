/**
 * MT conformance of the virtual Z-Stack: for every command it implements, a request and the exact frames
 * it answers with (SRSP, then callbacks), written out as the firmware sends them (TI's MT sources:
 * mt_sys.c, mt_af.c, mt_zdo.c, mt_util.c, mt_app_config.c, mt.c, MT_SAPI.c). Frames are "CMD0 CMD1 DATA"
 * in hex; CMD0 0x61 is an SRSP of SYS, 0x45 an AREQ of ZDO, 0x60 the RPC error.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MT_COMMANDS } from "../../../src/virtual/znp/commands.js";
import { RESPONDERS } from "../../../src/virtual/znp/index.js";
import { COORDINATOR_IEEE, COORDINATOR_LE as IEEE, MtBench, le16, norm } from "./mt-bench.js";

const benches: MtBench[] = [];
afterEach(() => {
  for (const b of benches.splice(0)) b.close();
});
function fresh(): MtBench {
  const b = new MtBench();
  benches.push(b);
  return b;
}
function formed(): MtBench {
  const b = MtBench.formed();
  benches.push(b);
  return b;
}

/** Commands a row below exercises (a request sent, or a callback expected). */
const covered = new Set<string>();
function mark(...names: string[]): void {
  for (const n of names) covered.add(n);
}

/** Sends `request`, expects exactly `frames` (in order) and then nothing more. */
async function expectExchange(b: MtBench, request: string, frames: string[]): Promise<void> {
  const got = await b.exchange(request, frames.length);
  expect(got).toEqual(frames.map(norm));
  await b.quiet();
}

/** Register endpoint 1 (HA profile, device 5, no clusters), as a host does first. */
async function register(b: MtBench): Promise<void> {
  await expectExchange(b, "24 00 01 0401 0500 00 00 00 00", ["64 00 00"]);
}

describe("SYS", () => {
  it("SYS_PING: the capability bitmap of the subsystems implemented (SYS, AF, ZDO, SAPI, UTIL, APP_CNF)", async () => {
    mark("SYS_PING");
    await expectExchange(fresh(), "21 01", ["61 01 7904"]);
  });

  it("SYS_VERSION: transport 2, product 1 (Z-Stack 3.x.0), 2.7.1, revision 20230507", async () => {
    mark("SYS_VERSION");
    await expectExchange(fresh(), "21 02", ["61 02 02 01 02 07 01 6bb13401"]);
  });

  it("SYS_GET_EXTADDR and SYS_SET_EXTADDR", async () => {
    mark("SYS_GET_EXTADDR", "SYS_SET_EXTADDR");
    const b = fresh();
    await expectExchange(b, "21 04", [`61 04 ${IEEE}`]);
    await expectExchange(b, "21 03 1122334455667788", ["61 03 00"]);
    await expectExchange(b, "21 04", ["61 04 1122334455667788"]);
  });

  it("SYS_OSAL_NV_LENGTH of factory items, and 0 for one absent (the NIB before forming)", async () => {
    mark("SYS_OSAL_NV_LENGTH");
    const b = fresh();
    await expectExchange(b, "21 13 2400", ["61 13 0200"]);
    await expectExchange(b, "21 13 3500", ["61 13 2800"]);
    await expectExchange(b, "21 13 2100", ["61 13 0000"]);
  });

  it("SYS_OSAL_NV_READ(_EXT): status, length, value from the offset; past the end INVALID_PARAMETER", async () => {
    mark("SYS_OSAL_NV_READ", "SYS_OSAL_NV_READ_EXT");
    const b = fresh();
    await expectExchange(b, "21 08 8700 00", ["61 08 00 01 00"]);
    await expectExchange(b, "21 1c 3000 0000", ["61 1c 00 01 1e"]);
    await expectExchange(b, "21 1c 4900 0100", ["61 1c 00 01 ff"]);
    await expectExchange(b, "21 1c 4900 0200", ["61 1c 02 00"]);
    await expectExchange(b, "21 1c 6000 0000", ["61 1c 02 00"]);
  });

  it("SYS_OSAL_NV_ITEM_INIT: 9 when created, 0 when it exists; WRITE(_EXT) within the item only", async () => {
    mark("SYS_OSAL_NV_ITEM_INIT", "SYS_OSAL_NV_WRITE", "SYS_OSAL_NV_WRITE_EXT");
    const b = fresh();
    await expectExchange(b, "21 07 6000 0100 01 55", ["61 07 09"]);
    await expectExchange(b, "21 07 6000 0100 01 00", ["61 07 00"]);
    await expectExchange(b, "21 1c 6000 0000", ["61 1c 00 01 55"]);
    await expectExchange(b, "21 1d 6000 0000 0100 aa", ["61 1d 00"]);
    await expectExchange(b, "21 1d 6000 0100 0100 bb", ["61 1d 02"]);
    await expectExchange(b, "21 09 6000 00 01 cc", ["61 09 00"]);
    await expectExchange(b, "21 08 6000 00", ["61 08 00 01 cc"]);
    await expectExchange(b, "21 09 5f00 00 01 cc", ["61 09 02"]);
  });

  it("SYS_OSAL_NV_DELETE: the length must be the item's; a missing item NV_ITEM_UNINIT", async () => {
    mark("SYS_OSAL_NV_DELETE");
    const b = fresh();
    await expectExchange(b, "21 12 3000 0200", ["61 12 0c"]);
    await expectExchange(b, "21 12 3000 0100", ["61 12 00"]);
    await expectExchange(b, "21 12 3000 0100", ["61 12 09"]);
  });

  it("SYS_STACK_TUNE: TX power, receiver on when idle (read back for another value), else INVALID_PARAMETER", async () => {
    mark("SYS_STACK_TUNE");
    const b = fresh();
    await expectExchange(b, "21 0f 00 05", ["61 0f 00"]);
    await expectExchange(b, "21 0f 01 ff", ["61 0f 01"]);
    await expectExchange(b, "21 0f 07 00", ["61 0f 02"]);
  });

  it("SYS_SET_TX_POWER: MAC status, INVALID_PARAMETER (0xE8) outside -20..+5 dBm", async () => {
    mark("SYS_SET_TX_POWER");
    const b = fresh();
    await expectExchange(b, "21 14 05", ["61 14 00"]);
    await expectExchange(b, "21 14 ec", ["61 14 00"]);
    await expectExchange(b, "21 14 14", ["61 14 e8"]);
    await expectExchange(b, "21 14 eb", ["61 14 e8"]);
  });

  it("SYS_NV_* on extended items: length (u32), read, create, write, delete", async () => {
    mark("SYS_NV_LENGTH", "SYS_NV_READ", "SYS_NV_CREATE", "SYS_NV_WRITE", "SYS_NV_DELETE");
    const b = fresh();
    // a factory TCLK table entry: 20 bytes, key attributes 0xFF (default key)
    await expectExchange(b, "21 32 01 0400 0000", ["61 32 14000000"]);
    await expectExchange(b, "21 33 01 0400 c700 0000 14", [`61 33 00 14 ${"00".repeat(16)}ff000000`]);
    await expectExchange(b, "21 32 01 0400 c800", ["61 32 00000000"]);
    // no address manager before a network forms
    await expectExchange(b, "21 32 01 0100 0000", ["61 32 00000000"]);
    await expectExchange(b, "21 30 01 1000 0000 00000000", ["61 30 05"]);
    await expectExchange(b, "21 30 01 1000 0000 04000000", ["61 30 00"]);
    await expectExchange(b, "21 34 01 1000 0000 0100 02 a1a2", ["61 34 00"]);
    await expectExchange(b, "21 33 01 1000 0000 0000 04", ["61 33 00 04 00a1a200"]);
    await expectExchange(b, "21 31 01 1000 0000", ["61 31 00"]);
    await expectExchange(b, "21 31 01 1000 0000", ["61 31 0a"]);
  });

  it("SYS_RESET_REQ: SYS_RESET_IND with reason 0 and the version", async () => {
    mark("SYS_RESET_REQ", "SYS_RESET_IND");
    await expectExchange(fresh(), "41 00 01", ["41 80 00 02 01 02 07 01"]);
  });
});

describe("AF", () => {
  it("AF_REGISTER: success, then DUPLICATE; endpoint 0 INVALID_PARAMETER", async () => {
    mark("AF_REGISTER");
    const b = fresh();
    await register(b);
    await expectExchange(b, "24 00 01 0401 0500 00 00 00 00", ["64 00 b8"]);
    await expectExchange(b, "24 00 00 0401 0500 00 00 00 00", ["64 00 02"]);
  });

  it("AF_DELETE: a registered endpoint, then INVALID_PARAMETER", async () => {
    mark("AF_DELETE");
    const b = fresh();
    await register(b);
    await expectExchange(b, "24 04 01", ["64 04 00"]);
    await expectExchange(b, "24 04 01", ["64 04 02"]);
  });

  it("AF_DATA_REQUEST off the network: NWK_INVALID_REQUEST", async () => {
    mark("AF_DATA_REQUEST");
    await expectExchange(fresh(), "24 01 3412 01 01 0000 05 00 1e 05 0001000000", ["64 01 c2"]);
  });

  it("AF_DATA_REQUEST to a device: SRSP, AF_DATA_CONFIRM, then its answer as AF_INCOMING_MSG ending with MAC source and radius", async () => {
    mark("AF_DATA_REQUEST", "AF_DATA_CONFIRM", "AF_INCOMING_MSG");
    const b = formed();
    await register(b);
    const n = le16((await b.join()).nwk!);
    // Read Attributes zclVersion; the node answers 0x08 (frame control 0x18: server to client, no default response)
    await expectExchange(b, `24 01 ${n} 01 01 0000 05 00 1e 05 0001000000`, [
      "64 01 00",
      "44 80 00 01 05",
      `44 81 0000 0000 ${n} 01 01 00 c8 00 01000000 01 08 1801010000002008 ${n} 00`,
    ]);
  });

  it("AF_DATA_REQUEST_SRC_RTG: as AF_DATA_REQUEST, the relay list aside", async () => {
    mark("AF_DATA_REQUEST_SRC_RTG");
    const b = formed();
    await register(b);
    const n = le16((await b.join()).nwk!);
    await expectExchange(b, `24 03 ${n} 01 01 0000 07 00 1e 01 3412 05 0007000000`, [
      "64 03 00",
      "44 80 00 01 07",
      `44 81 0000 0000 ${n} 01 01 00 c8 00 01000000 01 08 1807010000002008 ${n} 00`,
    ]);
  });

  it("AF_DATA_REQUEST_EXT from endpoint 0 (profile 0) to the coordinator: ZDO answers itself (Active_EP_rsp)", async () => {
    mark("AF_DATA_REQUEST_EXT", "ZDO_ACTIVE_EP_RSP");
    const b = formed();
    await register(b);
    await expectExchange(b, "24 02 02 0000000000000000 00 0000 00 0500 09 00 1e 0300 11 0000", [
      "64 02 00",
      "44 80 00 00 09",
      "45 85 0000 00 0000 01 01",
    ]);
  });

  it("AF_DATA_REQUEST_EXT from endpoint 0 to a device: a ZDO request (profile 0) the device answers", async () => {
    const b = formed();
    const node = await b.join();
    const n = le16(node.nwk!);
    await expectExchange(b, `24 02 02 ${n}000000000000 00 0000 00 0500 0a 00 1e 0300 12 ${n}`, [
      "64 02 00",
      "44 80 00 00 0a",
      `45 85 ${n} 00 ${n} 01 01`,
    ]);
  });

  it("AF_INCOMING_MSG_EXT for a message over 220 bytes, pulled with AF_DATA_RETRIEVE and freed with length 0", async () => {
    mark("AF_INCOMING_MSG_EXT", "AF_DATA_RETRIEVE");
    const b = formed();
    await register(b);
    const payload = Buffer.alloc(221, 0x5a);
    b.emu.receive({ srcNwk: 0x1234, srcEp: 3, dstNwk: 0, dstEp: 1, profileId: 0x0104, clusterId: 6, payload });
    expect(await b.next()).toBe(
      norm("44 82 0000 0600 02 3412000000000000 03 0000 01 00 c8 00 01000000 00 dd00 3412 00"),
    );
    await expectExchange(b, "24 12 01000000 0000 04", ["64 12 00 04 5a5a5a5a"]);
    await expectExchange(b, "24 12 01000000 dc00 f0", ["64 12 00 01 5a"]);
    await expectExchange(b, "24 12 01000000 0000 00", ["64 12 00 00"]);
    await expectExchange(b, "24 12 01000000 0000 04", ["64 12 01 00"]);
  });

  it("AF_INTER_PAN_CTL: accepted", async () => {
    mark("AF_INTER_PAN_CTL");
    await expectExchange(fresh(), "24 10 00", ["64 10 00"]);
  });
});

describe("ZDO to the coordinator itself", () => {
  it("ZDO_NODE_DESC_REQ: a coordinator's node descriptor", async () => {
    mark("ZDO_NODE_DESC_REQ", "ZDO_NODE_DESC_RSP");
    await expectExchange(fresh(), "25 02 0000 0000", [
      "65 02 00",
      "45 82 0000 00 0000 00 40 8f 0000 50 a000 012c a000 00",
    ]);
  });

  it("ZDO_POWER_DESC_REQ: mains powered, receiver on", async () => {
    mark("ZDO_POWER_DESC_REQ", "ZDO_POWER_DESC_RSP");
    await expectExchange(formed(), "25 03 0000 0000", ["65 03 00", "45 83 0000 00 0000 10 c1"]);
  });

  it("ZDO_ACTIVE_EP_REQ and ZDO_SIMPLE_DESC_REQ: the AF registrations; no descriptor as ZDO_STATUS_ERROR_RSP", async () => {
    mark("ZDO_ACTIVE_EP_REQ", "ZDO_SIMPLE_DESC_REQ", "ZDO_SIMPLE_DESC_RSP", "ZDO_STATUS_ERROR_RSP");
    const b = fresh();
    await register(b);
    await expectExchange(b, "25 05 0000 0000", ["65 05 00", "45 85 0000 00 0000 01 01"]);
    await expectExchange(b, "25 04 0000 0000 01", ["65 04 00", "45 84 0000 00 0000 08 01 0401 0500 00 00 00"]);
    await expectExchange(b, "25 04 0000 0000 05", ["65 04 00", "45 c3 0000 83"]);
  });

  it("ZDO_MATCH_DESC_REQ: the matching registrations", async () => {
    mark("ZDO_MATCH_DESC_REQ", "ZDO_MATCH_DESC_RSP");
    const b = formed();
    await expectExchange(b, "24 00 06 0901 0500 00 00 01 0807 00", ["64 00 00"]);
    await expectExchange(b, "25 06 0000 0000 0901 01 0807 00", ["65 06 00", "45 86 0000 00 0000 01 06"]);
  });

  it("ZDO_NWK_ADDR_REQ for its own IEEE and ZDO_IEEE_ADDR_REQ: Z-Stack's address response layout", async () => {
    mark("ZDO_NWK_ADDR_REQ", "ZDO_NWK_ADDR_RSP", "ZDO_IEEE_ADDR_REQ", "ZDO_IEEE_ADDR_RSP");
    const b = formed();
    await expectExchange(b, `25 00 ${IEEE} 00 00`, ["65 00 00", `45 80 00 ${IEEE} 0000 00 00`]);
    await expectExchange(b, "25 01 0000 00 00", ["65 01 00", `45 81 00 ${IEEE} 0000 00 00`]);
  });

  it("ZDO_BIND_REQ, ZDO_UNBIND_REQ, ZDO_MGMT_LQI/RTG/BIND_REQ: answered from 0x0000", async () => {
    mark("ZDO_BIND_REQ", "ZDO_BIND_RSP", "ZDO_UNBIND_REQ", "ZDO_UNBIND_RSP");
    mark("ZDO_MGMT_LQI_REQ", "ZDO_MGMT_LQI_RSP", "ZDO_MGMT_RTG_REQ", "ZDO_MGMT_RTG_RSP");
    mark("ZDO_MGMT_BIND_REQ", "ZDO_MGMT_BIND_RSP");
    const b = formed();
    const bind = `0000 ${IEEE} 01 0600 03 ${IEEE} 01`;
    await expectExchange(b, `25 21 ${bind}`, ["65 21 00", "45 a1 0000 00"]);
    await expectExchange(b, `25 22 ${bind}`, ["65 22 00", "45 a2 0000 00"]);
    await expectExchange(b, "25 31 0000 00", ["65 31 00", "45 b1 0000 00000000"]);
    await expectExchange(b, "25 32 0000 00", ["65 32 00", "45 b2 0000 00000000"]);
    await expectExchange(b, "25 33 0000 00", ["65 33 00", "45 b3 0000 00000000"]);
  });

  it("a ZDO request needs the network up, except about the coordinator's own descriptors", async () => {
    const b = fresh();
    await expectExchange(b, "25 31 0000 00", ["65 31 c2"]);
  });
});

describe("ZDO with devices", () => {
  it("ZDO_MGMT_LEAVE_REQ to a device: its Mgmt_Leave_rsp, then ZDO_LEAVE_IND", async () => {
    mark("ZDO_MGMT_LEAVE_REQ", "ZDO_MGMT_LEAVE_RSP", "ZDO_LEAVE_IND");
    const b = formed();
    const node = await b.join({ ieee: "0x00158d0000000077" });
    const n = le16(node.nwk!);
    await expectExchange(b, `25 34 ${n} 7700000000 8d1500 00`, [
      "65 34 00",
      `45 b4 ${n} 00`,
      `45 c9 ${n} 7700000000 8d1500 00 00 00`,
    ]);
  });

  it("a join: ZDO_TC_DEV_IND, then the announce as ZDO_END_DEVICE_ANNCE_IND", async () => {
    mark("ZDO_TC_DEV_IND", "ZDO_END_DEVICE_ANNCE_IND");
    const b = formed();
    const node = await b.join({ ieee: "0x00158d0000000042", role: "endDevice", consume: false });
    const n = le16(node.nwk!);
    expect(await b.next()).toBe(norm(`45 ca ${n} 4200000000 8d1500 0000`));
    expect(await b.next()).toBe(norm(`45 c1 ${n} ${n} 4200000000 8d1500 80`));
  });

  it("ZDO_MGMT_PERMIT_JOIN_REQ broadcast: SRSP, ZDO_PERMIT_JOIN_IND, and ZDO_MGMT_PERMIT_JOIN_RSP from 0x0000", async () => {
    mark("ZDO_MGMT_PERMIT_JOIN_REQ", "ZDO_PERMIT_JOIN_IND", "ZDO_MGMT_PERMIT_JOIN_RSP");
    const b = formed();
    await expectExchange(b, "25 36 0f fcff 3c 00", ["65 36 00", "45 cb 3c", "45 b6 0000 00"]);
    // to the coordinator (address mode 2), closing: an indication only because the state changes
    await expectExchange(b, "25 36 02 0000 00 00", ["65 36 00", "45 cb 00", "45 b6 0000 00"]);
    // the 4-byte form of older hosts (no address mode)
    await expectExchange(b, "25 36 0000 3c 00", ["65 36 00", "45 cb 3c", "45 b6 0000 00"]);
  });

  it("ZDO_MGMT_NWK_UPDATE_REQ energy scan to the coordinator: ZDO_MGMT_NWK_UPDATE_NOTIFY from 0x0000", async () => {
    mark("ZDO_MGMT_NWK_UPDATE_REQ", "ZDO_MGMT_NWK_UPDATE_NOTIFY");
    const b = formed();
    // channels 11, 15 and 25, duration 3, one scan; the network is on 15
    await expectExchange(b, "25 37 0000 02 00880002 03 01 0000", [
      "65 37 00",
      "45 b8 0000 00 00880002 0000 0000 03 23 b4 19",
    ]);
  });

  it("ZDO_MGMT_NWK_UPDATE_REQ channel change: the NIB moves and nwkUpdateId goes up", async () => {
    const b = formed();
    await expectExchange(b, "25 37 fdff 0f 00001000 fe 00 0000", ["65 37 00"]);
    mark("ZDO_EXT_NWK_INFO");
    const info = (await b.exchange("25 50", 1))[0]!;
    expect(info.slice(-2)).toBe("14"); // channel 20
    // nwkUpdateId: the NIB's last member (offset 114 of the 116-byte image)
    expect(await b.exchange("21 1c 2100 7200", 1)).toEqual([norm("61 1c 00 02 0100")]);
  });

  it("ZDO_NWK_DISCOVERY_REQ: the routers' beacons (21 bytes each), then ZDO_NWK_DISCOVERY_CNF", async () => {
    mark("ZDO_NWK_DISCOVERY_REQ", "ZDO_BEACON_NOTIFY_IND", "ZDO_NWK_DISCOVERY_CNF");
    const b = formed();
    const n = le16((await b.join()).nwk!);
    await expectExchange(b, "25 26 00800000 03", [
      "65 26 00",
      `45 c5 01 ${n} 621a 0f 00 01 01 02 02 c8 01 00 ${IEEE}`,
      "45 c7 00",
    ]);
    // no beacon from a channel that was not scanned
    await expectExchange(b, "25 26 00080000 03", ["65 26 00", "45 c7 00"]);
  });

  it("ZDO_EXT_ROUTE_CHK: active route to a device online, no entry for an unknown one", async () => {
    mark("ZDO_EXT_ROUTE_CHK", "ZDO_EXT_ROUTE_DISC");
    const b = formed();
    const n = le16((await b.join()).nwk!);
    await expectExchange(b, `25 46 ${n} 01 00`, ["65 46 00"]);
    await expectExchange(b, `25 46 ${n} 02 00`, ["65 46 01"]);
    await expectExchange(b, "25 46 7856 01 00", ["65 46 04"]);
    await expectExchange(b, `25 45 ${n} 00 1e`, ["65 45 00"]);
  });

  it("ZDO_MSG_CB_REGISTER for all (0xFFFF): requests and responses come as ZDO_MSG_CB_INCOMING too", async () => {
    mark("ZDO_MSG_CB_REGISTER", "ZDO_MSG_CB_REMOVE", "ZDO_MSG_CB_INCOMING");
    const b = formed();
    await expectExchange(b, "25 3e ffff", ["65 3e 00"]);
    // Node_Desc to itself: the request and the response each reach the host, then the direct callback
    await expectExchange(b, "25 02 0000 0000", [
      "65 02 00",
      "45 ff 0000 00 0200 00 01 0000 0000",
      "45 ff 0000 00 0280 00 01 0000 00 0000 00 40 8f 0000 50 a000 012c a000 00",
      "45 82 0000 00 0000 00 40 8f 0000 50 a000 012c a000 00",
    ]);
    await expectExchange(b, "25 3f ffff", ["65 3f 00"]);
    await expectExchange(b, "25 05 0000 0000", ["65 05 00", "45 85 0000 00 0000 00"]);
  });

  it("ZDO_MSG_CB_INCOMING for a device's Device_annce, before ZDO_END_DEVICE_ANNCE_IND", async () => {
    const b = formed();
    await expectExchange(b, "25 3e 1300", ["65 3e 00"]);
    const node = await b.join({ ieee: "0x00158d0000000043", consume: false });
    const n = le16(node.nwk!);
    expect(await b.next()).toBe(norm(`45 ca ${n} 4300000000 8d1500 0000`));
    expect(await b.next()).toBe(norm(`45 ff ${n} 01 1300 00 01 fdff ${n} 4300000000 8d1500 8e`));
    expect(await b.next()).toBe(norm(`45 c1 ${n} ${n} 4300000000 8d1500 8e`));
  });

  it("ZDO_STARTUP_FROM_APP on a formed coordinator in HOLD: state 9 and the BDB notification", async () => {
    mark("ZDO_STARTUP_FROM_APP", "ZDO_STATE_CHANGE_IND", "APP_CNF_BDB_COMMISSIONING_NOTIFICATION");
    const b = formed();
    b.emu.deviceState = 0;
    await expectExchange(b, "25 40 6400", ["65 40 00", "45 c0 09", "4f 80 00 04 00"]);
  });

  it("ZDO_EXT_FIND_GROUP (19 bytes) and ZDO_EXT_ADD_GROUP", async () => {
    mark("ZDO_EXT_FIND_GROUP", "ZDO_EXT_ADD_GROUP");
    const b = formed();
    await expectExchange(b, "25 4a f2 840b", [`65 4a 01 840b ${"00".repeat(16)}`]);
    await expectExchange(b, "25 4b f2 840b 00", ["65 4b 00"]);
    await expectExchange(b, "25 4a f2 840b", [`65 4a 00 840b ${"00".repeat(16)}`]);
  });

  it("ZDO_EXT_NWK_INFO before and after forming", async () => {
    await expectExchange(fresh(), "25 50", [`65 50 feff 00 ffff 0000 ${"00".repeat(16)} 00`]);
    await expectExchange(formed(), "25 50", [`65 50 0000 09 621a 0000 ${IEEE} ${"00".repeat(8)} 0f`]);
  });
});

describe("UTIL", () => {
  it("UTIL_GET_DEVICE_INFO: IEEE, address, type, state and the children's addresses", async () => {
    mark("UTIL_GET_DEVICE_INFO");
    await expectExchange(fresh(), "27 00", [`67 00 00 ${IEEE} feff 07 00 00`]);
    const b = formed();
    const n = le16((await b.join({ role: "endDevice" })).nwk!);
    await b.join(); // a router: not a child
    await expectExchange(b, "27 00", [`67 00 00 ${IEEE} 0000 07 09 01 ${n}`]);
  });

  it("UTIL_ASSOC_FIND_DEVICE: 36 bytes, INVALID_NODE_ADDR and 0xFF when there is no such device (issue 16 item 1)", async () => {
    mark("UTIL_ASSOC_FIND_DEVICE");
    await expectExchange(fresh(), "27 49 00", [`67 49 feff ${"ff".repeat(34)}`]);
    const b = formed();
    const n = le16((await b.join({ role: "endDevice" })).nwk!);
    // short address, address manager index 0, CHILD_RFD, then the link info: tx cost 1, LQI 0xC8
    // ... tx failures, padding, end-device configuration and timeouts, keepalive, padding
    const record = `${n} 0000 01 00 00 00 00 01 c8 00 00000000 0000 0000 00000000 00000000 00000000 00000000`;
    await expectExchange(b, "27 49 00", [`67 49 ${record}`]);
    await expectExchange(b, "27 49 01", [`67 49 feff ${"ff".repeat(34)}`]);
  });

  it("UTIL_ASSOC_GET_WITH_ADDRESS, UTIL_ASSOC_COUNT, UTIL_ASSOC_REMOVE, UTIL_ASSOC_ADD", async () => {
    mark("UTIL_ASSOC_GET_WITH_ADDRESS", "UTIL_ASSOC_COUNT", "UTIL_ASSOC_REMOVE", "UTIL_ASSOC_ADD");
    const b = formed();
    const node = await b.join({ role: "endDevice", ieee: "0x00158d0000000055" });
    const n = le16(node.nwk!);
    const ext = "5500000000 8d1500";
    await expectExchange(b, `27 4a ${ext} 0000`, [`67 4a ${n} 0000 01 ${"00".repeat(4)} 01 c8 ${"00".repeat(25)}`]);
    await expectExchange(b, `27 4a ${"00".repeat(8)} ${n}`, [
      `67 4a ${n} 0000 01 ${"00".repeat(4)} 01 c8 ${"00".repeat(25)}`,
    ]);
    await expectExchange(b, "27 48 01 04", ["67 48 0100"]);
    await expectExchange(b, `27 63 ${ext}`, ["67 63 00"]);
    await expectExchange(b, `27 63 ${ext}`, ["67 63 01"]);
    await expectExchange(b, "27 48 01 04", ["67 48 0000"]);
    await expectExchange(b, `27 64 ${ext} ${n} 02`, ["67 64 00"]);
    await expectExchange(b, "27 48 02 02", ["67 48 0100"]);
  });

  it("UTIL_LED_CONTROL: accepted", async () => {
    mark("UTIL_LED_CONTROL");
    await expectExchange(fresh(), "27 0a 01 00", ["67 0a 00"]);
  });
});

describe("APP_CNF", () => {
  it("APP_CNF_BDB_START_COMMISSIONING (formation): states 8 then 9, and the BDB notification", async () => {
    mark("APP_CNF_BDB_START_COMMISSIONING", "APP_CNF_BDB_SET_CHANNEL");
    const b = fresh();
    await expectExchange(b, "2f 08 01 00800000", ["6f 08 00"]);
    await expectExchange(b, "2f 05 04", ["6f 05 00", "45 c0 08", "45 c0 09", "4f 80 00 04 00"]);
  });

  it("APP_CNF_BDB_ADD_INSTALLCODE: a code with a good CRC, a hashed key; a bad CRC INVALID_PARAMETER; another format success", async () => {
    mark("APP_CNF_BDB_ADD_INSTALLCODE");
    const b = fresh();
    const ieee = "0807060504030201";
    await expectExchange(b, `2f 04 01 ${ieee} 83fed3407a939723a5c639b26916d505c3b5`, ["6f 04 00"]);
    await expectExchange(b, `2f 04 01 ${ieee} 83fed3407a939723a5c639b26916d505c3b6`, ["6f 04 02"]);
    await expectExchange(b, `2f 04 02 ${ieee} ${"11".repeat(16)}`, ["6f 04 00"]);
    await expectExchange(b, `2f 04 07 ${ieee} ${"11".repeat(16)}`, ["6f 04 00"]);
  });

  it("APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY and APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE: accepted", async () => {
    mark("APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY", "APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE");
    const b = fresh();
    await expectExchange(b, "2f 06 01", ["6f 06 00"]);
    expect(b.emu.requireInstallCodes).toBe(true);
    await expectExchange(b, "2f 06 00", ["6f 06 00"]);
    expect(b.emu.requireInstallCodes).toBe(false);
    await expectExchange(b, "2f 09 00", ["6f 09 00"]);
  });
});

describe("SAPI", () => {
  it("SAPI_ZB_READ_CONFIGURATION: a whole item; refused for the NIB, NWKKEY and a missing item", async () => {
    mark("SAPI_ZB_READ_CONFIGURATION");
    const b = formed();
    await expectExchange(b, "26 04 87", ["66 04 00 87 01 00"]);
    await expectExchange(b, "26 04 21", ["66 04 02 21 00"]);
    await expectExchange(b, "26 04 82", ["66 04 02 82 00"]);
    await expectExchange(b, "26 04 5f", ["66 04 02 5f 00"]);
  });
});

describe("link keys (what a Smart Energy host installs after key establishment)", () => {
  const KEY = "000102030405060708090a0b0c0d0e0f";
  const ZERO = "00".repeat(16);

  it("ZDO_SET_LINK_KEY, ZDO_GET_LINK_KEY, UTIL_APSME_LINK_KEY_DATA_GET and _NV_ID_GET, ZDO_REMOVE_LINK_KEY", async () => {
    mark(
      "ZDO_SET_LINK_KEY",
      "ZDO_GET_LINK_KEY",
      "ZDO_REMOVE_LINK_KEY",
      "UTIL_APSME_LINK_KEY_DATA_GET",
      "UTIL_APSME_LINK_KEY_NV_ID_GET",
    );
    const b = formed();
    const node = await b.join({ ieee: "0x00158d0000000044" });
    const n = le16(node.nwk!);
    const ieee = "4400000000 8d1500";
    // no key yet: NWK_UNKNOWN_DEVICE (0xC8), a zero key, NV id 0xFFFF
    await expectExchange(b, `25 25 ${ieee}`, [`65 25 c8 ${ieee} ${ZERO}`]);
    await expectExchange(b, `25 23 ${n} ${ieee} ${KEY}`, ["65 23 00"]);
    await expectExchange(b, `25 25 ${ieee}`, [`65 25 00 ${ieee} ${KEY}`]);
    await expectExchange(b, `27 44 ${ieee}`, [`67 44 00 ${KEY} 00000000 00000000`]);
    // the first entry of the APS key data table (the device joined with the default key: none before)
    await expectExchange(b, `27 45 ${ieee}`, ["67 45 00 0000"]);
    await expectExchange(b, `25 24 ${ieee}`, ["65 24 00"]);
    await expectExchange(b, `25 25 ${ieee}`, [`65 25 c8 ${ieee} ${ZERO}`]);
    await expectExchange(b, `27 44 ${ieee}`, [`67 44 c8 ${ZERO} 00000000 00000000`]);
    await expectExchange(b, `27 45 ${ieee}`, ["67 45 c8 ffff"]);
    await expectExchange(b, `25 24 ${ieee}`, ["65 24 c8"]);
  });

  it("a device's rejoin keeps the key installed for it (not the install-code key it first joined with)", async () => {
    const b = formed();
    const ieee = "4700000000 8d1500";
    const joinedWith = "11".repeat(16);
    await expectExchange(b, `2f 04 02 ${ieee} ${joinedWith}`, ["6f 04 00"]);
    const node = await b.join({ ieee: "0x00158d0000000047" });
    await expectExchange(b, `25 25 ${ieee}`, [`65 25 00 ${ieee} ${joinedWith}`]);
    await expectExchange(b, `25 23 ${le16(node.nwk!)} ${ieee} ${KEY}`, ["65 23 00"]);
    node.powerOff();
    await node.powerOn();
    // back: the coordinator announces it (ZDO_END_DEVICE_ANNCE_IND), with the key it had
    for (let f = await b.next(); !f.startsWith("45 c1 "); f = await b.next());
    await expectExchange(b, `25 25 ${ieee}`, [`65 25 00 ${ieee} ${KEY}`]);
  });

  it("AF_DATA_REQUEST with EN_SECURITY (0x40): SEC_NO_KEY (0xA1) without a key; with one, secured and counted", async () => {
    const b = formed();
    await register(b);
    const node = await b.join({ ieee: "0x00158d0000000045" });
    const n = le16(node.nwk!);
    const ieee = "4500000000 8d1500";
    const request = `24 01 ${n} 01 01 0000 07 40 1e 03 000100`;
    await expectExchange(b, request, ["64 01 00", "44 80 a1 01 07"]);
    await expectExchange(b, `25 23 ${n} ${ieee} ${KEY}`, ["65 23 00"]);
    // sent: the radio delivered it (the node holds no key, so its APS layer drops it)
    await expectExchange(b, request, ["64 01 00", "44 80 00 01 07"]);
    await expectExchange(b, `27 44 ${ieee}`, [`67 44 00 ${KEY} 01000000 00000000`]);
  });

  it("AF_INCOMING_MSG: SecurityUse 1 for a frame secured with the key both hold, 0 for an unsecured one", async () => {
    const b = formed();
    await register(b);
    const node = await b.join({ ieee: "0x00158d0000000046" });
    const n = le16(node.nwk!);
    await expectExchange(b, `25 23 ${n} 4600000000 8d1500 ${KEY}`, ["65 23 00"]);
    node.setApsKey(COORDINATOR_IEEE, Buffer.from(KEY, "hex"));
    const frame = Buffer.from("000100", "hex");
    node.sendZcl({ nwk: 0, ep: 1 }, 0x0000, frame, { apsSecurity: true });
    expect(await b.next()).toBe(norm(`44 81 0000 0000 ${n} 01 01 00 c8 01 01000000 01 03 000100 ${n} 00`));
    node.sendZcl({ nwk: 0, ep: 1 }, 0x0000, frame, { apsSecurity: false });
    expect(await b.next()).toBe(norm(`44 81 0000 0000 ${n} 01 01 00 c8 00 02000000 02 03 000100 ${n} 00`));
    // secured with a key the coordinator does not hold: dropped, nothing reaches the host
    node.setApsKey(COORDINATOR_IEEE, Buffer.alloc(16, 0x55));
    node.sendZcl({ nwk: 0, ep: 1 }, 0x0000, frame, { apsSecurity: true });
    await b.quiet();
    await expectExchange(b, "27 44 4600000000 8d1500", [`67 44 00 ${KEY} 00000000 01000000`]);
  });
});

describe("commands the emulator does not implement, answered as the firmware answers them", () => {
  it("an unknown SREQ of an implemented subsystem: RPC error 2 (invalid command) with the request's CMD0 and CMD1", async () => {
    const b = fresh();
    await expectExchange(b, "21 7f", ["60 00 02 21 7f"]);
    await expectExchange(b, "25 42 3412 0807060504030201 00112233445566778899aabbccddeeff", ["60 00 02 25 42"]);
    await expectExchange(b, "26 00", ["60 00 02 26 00"]);
  });

  it("an SREQ of a subsystem this build lacks (MAC, NWK, DEBUG, GP): RPC error 1", async () => {
    const b = fresh();
    await expectExchange(b, "22 01", ["60 00 01 22 01"]);
    await expectExchange(b, "23 00", ["60 00 01 23 00"]);
    await expectExchange(b, "35 01", ["60 00 01 35 01"]);
  });

  it("an unknown APP_CNF command: nothing (the firmware's switch has no default)", async () => {
    await expectExchange(fresh(), "2f 7e 01", []);
  });

  it("an unknown AREQ: nothing", async () => {
    await expectExchange(fresh(), "45 00 01", []);
  });

  it("a request shorter than its layout: RPC error 4 (invalid length)", async () => {
    await expectExchange(fresh(), "21 13 21", ["60 00 04 21 13"]);
  });
});

describe("coverage of the table", () => {
  it("every command with a responder, and every callback, has a row above", () => {
    const implemented = new Set([...RESPONDERS.values()].map((r) => r.command.name));
    const callbacks = MT_COMMANDS.filter((c) => c.type === "AREQ" && c.id >= 0x80).map((c) => c.name);
    const wanted = [...implemented, ...callbacks].filter((n) => n !== "RPC_ERROR");
    expect(wanted.filter((n) => !covered.has(n))).toEqual([]);
  });
});

/** The virtual ZNP below herdsman: bytes on the line, RPC errors, NV semantics, link policy, state file. */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Frame as HerdsmanUnpiFrame } from "zigbee-herdsman/dist/adapter/z-stack/unpi/frame.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import { LinkFaults } from "../../src/virtual/transport/faults.js";
import { MtType, Subsystem } from "../../src/virtual/znp/frame.js";
import { STATE_FILE } from "../../src/virtual/znp/state.js";
import { RawClient } from "./raw-client.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

let dongle: VirtualDongle | undefined;
const clients: RawClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await dongle?.stop();
  dongle = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(stateDir?: string): Promise<RawClient> {
  dongle = await VirtualDongle.start(stateDir ? { stateDir } : {});
  const c = await RawClient.connect(dongle.url);
  clients.push(c);
  return c;
}

describe("virtual ZNP on the wire", () => {
  it("answers a ping with the capabilities SRSP", async () => {
    const c = await setup();
    c.write(hex("fe 00 21 01 20"));
    const f = await c.next(() => true);
    expect(f.type).toBe(MtType.SRSP);
    expect(f.subsystem).toBe(Subsystem.SYS);
    expect(f.command).toBe(0x01);
    expect(f.data).toHaveLength(2);
    // the whole reply as it was on the line is the frame herdsman's UNPI layer would write
    const raw = Buffer.concat(c.bytes);
    expect(raw.toString("hex")).toBe(
      new HerdsmanUnpiFrame(MtType.SRSP, Subsystem.SYS, 0x01, f.data).toBuffer().toString("hex"),
    );
  });

  it("reports version product 1 (Z-Stack 3.x.0)", async () => {
    const c = await setup();
    const f = await c.sreq(Subsystem.SYS, 0x02);
    expect(f.data[1]).toBe(1);
    expect(f.data.readUInt32LE(5)).toBeGreaterThanOrEqual(20211029);
  });

  it("answers an unknown command with RPC_Error 2 and an unknown subsystem with 1", async () => {
    const c = await setup();
    const f = await c.sreq(Subsystem.SYS, 0x7f);
    expect([f.type, f.subsystem, f.command]).toEqual([MtType.SRSP, 0, 0]);
    expect(f.data).toEqual(hex("02 21 7f"));
    const g = await c.sreq(30, 0x01);
    expect(g.data).toEqual(hex("01 3e 01"));
  });

  it("answers a too-short request with RPC_Error 4 (invalid length)", async () => {
    const c = await setup();
    const f = await c.sreq(Subsystem.SYS, 0x13, hex("21"));
    expect(f.subsystem).toBe(0);
    expect(f.data).toEqual(hex("04 21 13"));
  });

  it("keeps serving after garbage, a bad FCS and a truncated frame", async () => {
    const c = await setup();
    c.write(hex("00 ff 13 11 fe"));
    c.write(hex("fe 00 21 01 21")); // bad FCS
    c.write(hex("fe 09 21 01 00")); // truncated; the line then goes quiet
    // the parser drops the partial frame once the line has been quiet: wait for it to count it
    while (dongle!.znp.parserStats.truncated === 0) await new Promise((r) => setTimeout(r, 10));
    const f = await c.sreq(Subsystem.SYS, 0x01);
    expect(f.command).toBe(0x01);
    const stats = dongle!.znp.parserStats;
    expect(stats.badFcs).toBeGreaterThanOrEqual(1);
    expect(stats.truncated).toBe(1);
    expect(stats.frames).toBe(1);
  });

  it("answers a ping sent right after line noise of false frame starts (issue 11 item 6)", async () => {
    const c = await setup();
    const reply = c.next((f) => f.type === MtType.SRSP && f.subsystem === Subsystem.SYS && f.command === 0x01);
    c.write(hex("fe30aabb fe30ccdd fe30eeff"));
    c.write(hex("fe00210120"));
    expect((await reply).data).toHaveLength(2);
    expect(dongle!.znp.parserStats.truncated).toBe(3);
  });

  it("creates NV items with status 9, reports 0 for an existing one, and reads back writes", async () => {
    const c = await setup();
    const id = hex("50 01");
    expect((await c.sreq(Subsystem.SYS, 0x13, id)).data).toEqual(hex("00 00"));
    expect((await c.sreq(Subsystem.SYS, 0x07, Buffer.concat([id, hex("04 00 02 aa bb")]))).data).toEqual(hex("09"));
    expect((await c.sreq(Subsystem.SYS, 0x07, Buffer.concat([id, hex("04 00 00")]))).data).toEqual(hex("00"));
    expect((await c.sreq(Subsystem.SYS, 0x13, id)).data).toEqual(hex("04 00"));
    expect((await c.sreq(Subsystem.SYS, 0x1d, Buffer.concat([id, hex("02 00 02 00 cc dd")]))).data).toEqual(hex("00"));
    expect((await c.sreq(Subsystem.SYS, 0x1c, Buffer.concat([id, hex("00 00")]))).data).toEqual(
      hex("00 04 aa bb cc dd"),
    );
    // writing past the end is refused as an invalid parameter (mt_sys.c MT_SysOsalNVWrite)
    expect((await c.sreq(Subsystem.SYS, 0x1d, Buffer.concat([id, hex("03 00 02 00 01 02")]))).data).toEqual(hex("02"));
    expect((await c.sreq(Subsystem.SYS, 0x12, Buffer.concat([id, hex("04 00")]))).data).toEqual(hex("00"));
    expect((await c.sreq(Subsystem.SYS, 0x12, Buffer.concat([id, hex("04 00")]))).data).toEqual(hex("09"));
  });

  it("answers Active_EP_req to itself from its AF registrations", async () => {
    const c = await setup();
    // register endpoint 6, SE profile, in clusters 0x0702 and 0x0708
    const reg = hex("06 0901 0500 00 00 02 0207 0807 00");
    expect((await c.sreq(Subsystem.AF, 0x00, reg)).data).toEqual(hex("00"));
    expect((await c.sreq(Subsystem.AF, 0x00, reg)).data).toEqual(hex("b8"));
    const rsp = c.next((f) => f.type === MtType.AREQ && f.subsystem === Subsystem.ZDO && f.command === 0x85);
    expect((await c.sreq(Subsystem.ZDO, 0x05, hex("0000 0000"))).data).toEqual(hex("00"));
    // srcaddr 0000, status 0, nwk 0000, 1 endpoint: 6
    expect((await rsp).data).toEqual(hex("0000 00 0000 01 06"));
  });

  it("refuses a second host while one is connected", async () => {
    const first = await setup();
    const second = await RawClient.connect(dongle!.url);
    clients.push(second);
    await second.whenClosed(); // the dongle closes it (the test times out if it never does)
    expect((await first.sreq(Subsystem.SYS, 0x01)).command).toBe(0x01); // the first host is still served
  });

  it("persists NV in a 0600 state file and reloads it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hanbench-znp-"));
    dirs.push(dir);
    const c = await setup(dir);
    const id = hex("51 01");
    await c.sreq(Subsystem.SYS, 0x07, Buffer.concat([id, hex("02 00 02 12 34")]));
    expect(statSync(join(dir, STATE_FILE)).mode & 0o777).toBe(0o600);
    await c.close();
    clients.length = 0;
    await dongle!.stop();
    const again = await setup(dir);
    expect((await again.sreq(Subsystem.SYS, 0x1c, Buffer.concat([id, hex("00 00")]))).data).toEqual(hex("00 02 12 34"));
  });
});

describe("link fault injection", () => {
  it("a corrupted request goes unanswered, the next one is served", async () => {
    const c = await setup();
    dongle!.faults.corruptNext("toDongle", 1);
    await expect(c.sreq(Subsystem.SYS, 0x01, Buffer.alloc(0))).rejects.toThrow(/no matching frame/);
    expect((await c.sreq(Subsystem.SYS, 0x01)).command).toBe(0x01);
  }, 10_000);

  it("bytes dropped toward the host break that reply only", async () => {
    const c = await setup();
    dongle!.faults.dropNext("toHost", 2);
    await expect(c.sreq(Subsystem.SYS, 0x04)).rejects.toThrow(/no matching frame/);
    const f = await c.sreq(Subsystem.SYS, 0x04);
    expect(`0x${Buffer.from(f.data).reverse().toString("hex")}`).toBe(dongle!.znp.ieee);
  }, 10_000);

  it("seeded per-byte corruption is repeatable", () => {
    const run = () => {
      const f = new LinkFaults(9);
      f.setRates("toHost", { corrupt: 0.2 });
      return f.filter("toHost", Buffer.alloc(200));
    };
    const a = run();
    expect(a).toEqual(run());
    const hit = [...a].filter((b) => b !== 0).length;
    expect(hit).toBeGreaterThan(20);
    expect(hit).toBeLessThan(60);
    expect(new LinkFaults(9).filter("toHost", Buffer.from([1, 2, 3]))).toEqual(Buffer.from([1, 2, 3]));
  });
});

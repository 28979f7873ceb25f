/**
 * The virtual coordinator's NV as a Z-Stack 3.x coordinator's (issue 16 items 2, 3, 4, 10): the factory
 * set of OSAL items with their lengths and values, items re-created at every start, STARTUP_OPTION,
 * formation writing BDB node-is-on-a-network, and the install-code policy switched on and off.
 */
import { afterEach, describe, expect, it } from "vitest";
import { COORDINATOR_LE as IEEE, MtBench, hex, norm } from "./mt-bench.js";

const benches: MtBench[] = [];
afterEach(() => {
  for (const b of benches.splice(0)) b.close();
});
function bench(b = new MtBench()): MtBench {
  benches.push(b);
  return b;
}

/** Reads an OSAL item through MT: its length, then its value ("" when absent). */
async function nvItem(b: MtBench, id: number): Promise<string> {
  const idLe = Buffer.from([id & 0xff, id >> 8]).toString("hex");
  const [len] = await b.exchange(`21 13 ${idLe}`, 1);
  const n = hex(len!.slice(6)).readUInt16LE(0);
  if (n === 0) return "";
  const [read] = await b.exchange(`21 1c ${idLe} 0000`, 1);
  return read!.slice(10);
}

/**
 * The factory OSAL items of a CC2652R Z-Stack 3.x coordinator, id and length, as read from one after a
 * factory reset (EXTADDR, EXTENDED_PAN_ID, PRECFGKEY and TCLK_SEED are the chip's own).
 */
const FACTORY_ITEMS: [number, number][] = [
  [0x0001, 8],
  [0x0003, 1],
  [0x0004, 1],
  [0x0024, 2],
  [0x0028, 1],
  [0x0029, 1],
  [0x002a, 1],
  [0x002b, 1],
  [0x002c, 1],
  [0x002d, 8],
  [0x002e, 1],
  [0x002f, 1],
  [0x0030, 1],
  [0x0032, 1],
  [0x0033, 1],
  [0x0034, 1],
  [0x0035, 40],
  [0x0036, 1],
  [0x0037, 1],
  [0x0038, 1],
  [0x0039, 1],
  [0x003a, 17],
  [0x003b, 17],
  [0x003c, 1],
  [0x003d, 1],
  [0x003e, 1],
  [0x0043, 1],
  [0x0044, 2],
  [0x0045, 1],
  [0x0046, 2],
  [0x0047, 8],
  [0x0048, 1],
  [0x0049, 2],
  [0x004b, 1],
  [0x004d, 2],
  [0x004e, 1],
  [0x004f, 2],
  [0x0051, 1],
  [0x0052, 1],
  [0x0053, 1],
  [0x0054, 1],
  [0x0055, 1],
  [0x0062, 16],
  [0x0063, 1],
  [0x0065, 1],
  [0x0066, 1],
  [0x0067, 1],
  [0x006d, 1],
  [0x0071, 8],
  [0x0081, 17],
  [0x0082, 24],
  [0x0083, 2],
  [0x0084, 4],
  [0x0086, 1],
  [0x0087, 1],
  [0x0088, 1],
  [0x008f, 1],
  [0x00a1, 1],
  [0x0101, 16],
];

describe("factory NV", () => {
  it("has every OSAL item of the coordinator build with its length (item 4)", async () => {
    const b = bench();
    const lengths: [number, number][] = [];
    for (const [id] of FACTORY_ITEMS) lengths.push([id, (await nvItem(b, id)).length / 2]);
    expect(lengths).toEqual(FACTORY_ITEMS);
    // and nothing a host would take for a formed network
    expect(await nvItem(b, 0x0021)).toBe("");
    expect(await nvItem(b, 0x0060)).toBe("");
  });

  it("holds the factory values: IEEE as EXTADDR and extended PAN ID, poll rates, concentrator, direct callbacks", async () => {
    const b = bench();
    expect(await nvItem(b, 0x0001)).toBe(hex(IEEE).toString("hex"));
    expect(await nvItem(b, 0x002d)).toBe(hex(IEEE).toString("hex"));
    expect(await nvItem(b, 0x0024)).toBe("b80b");
    expect(await nvItem(b, 0x0035)).toBe(
      "b80b0000b8010000640000006400000000000000e803000000000000000000008459002001000000",
    );
    expect(await nvItem(b, 0x0032)).toBe("01");
    expect(await nvItem(b, 0x0033)).toBe("78");
    expect(await nvItem(b, 0x0038)).toBe("ff");
    expect(await nvItem(b, 0x003e)).toBe("00");
    expect(await nvItem(b, 0x0083)).toBe("ffff");
    expect(await nvItem(b, 0x0087)).toBe("00");
    expect(await nvItem(b, 0x008f)).toBe("01");
    expect(await nvItem(b, 0x0055)).toBe("00");
  });
});

describe("NV across a start", () => {
  it("re-creates EXTADDR, deleted by a host, with the factory IEEE at the next reset (item 3)", async () => {
    const b = bench();
    expect(await b.exchange("21 12 0100 0800", 1)).toEqual([norm("61 12 00")]);
    expect(await nvItem(b, 0x0001)).toBe("");
    expect(await b.exchange("41 00 01", 1)).toEqual([norm("41 80 00 02 01 02 07 01")]);
    expect(await nvItem(b, 0x0001)).toBe(hex(IEEE).toString("hex"));
    expect(await b.exchange("21 04", 1)).toEqual([norm(`61 04 ${IEEE}`)]);
  });

  it("re-creates any factory item a host deleted, with its factory value", async () => {
    const b = bench();
    await b.exchange("21 12 3800 0100", 1);
    await b.exchange("41 00 00", 1);
    expect(await nvItem(b, 0x0038)).toBe("ff");
  });

  it("STARTUP_OPTION 3: configuration back to factory values, network cleared, then bit 1 until a network forms", async () => {
    const b = bench(MtBench.formed());
    expect(await nvItem(b, 0x0055)).toBe("01");
    await b.exchange("21 1d 8300 0000 0200 3412", 1);
    await b.exchange("21 1d 0300 0000 0100 03", 1);
    await b.exchange("41 00 01", 1);
    expect(await nvItem(b, 0x0083)).toBe("ffff");
    expect(await nvItem(b, 0x0021)).toBe("");
    expect(await nvItem(b, 0x0055)).toBe("00");
    expect(await nvItem(b, 0x0003)).toBe("02");
    expect(b.emu.formed).toBe(false);
  });
});

describe("forming", () => {
  it("writes BDB node-is-on-a-network = 1 (item 2) and clears STARTUP_OPTION's network bit", async () => {
    const b = bench();
    await b.exchange("21 1d 0300 0000 0100 02", 1);
    expect(await b.exchange("2f 05 04", 4)).toEqual(["6f 05 00", "45 c0 08", "45 c0 09", "4f 80 00 04 00"].map(norm));
    expect(await nvItem(b, 0x0055)).toBe("01");
    expect(await nvItem(b, 0x0003)).toBe("00");
    expect((await nvItem(b, 0x0021)).length / 2).toBe(116);
  });
});

describe("install codes required, and not (item 10)", () => {
  it("BDB_SET_JOINUSESINSTALLCODEKEY 1 refuses a device whose code the trust centre lacks; 0 lets it in again", async () => {
    const b = bench(MtBench.formed());
    await b.exchange("2f 06 01", 1);
    await expect(b.join({ ieee: "0x00158d00000000a1" })).rejects.toThrow(/install codes are required/);
    await b.exchange("2f 06 00", 1);
    const node = await b.join({ ieee: "0x00158d00000000a2" });
    expect(node.online).toBe(true);
  });
});

describe("a state file written before joined devices lived in the address manager", () => {
  it("gets the network's tables and its devices moved into the address manager", async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { HanMedium } = await import("../../../src/virtual/han/medium.js");
    const { preformNetwork } = await import("../../../src/virtual/znp/commissioning.js");
    const { createZnp } = await import("../../../src/virtual/znp/index.js");
    const { STATE_FILE, ZnpState } = await import("../../../src/virtual/znp/state.js");
    const dir = mkdtempSync(join(tmpdir(), "hanbench-oldstate-"));
    try {
      const medium = new HanMedium();
      const first = createZnp({ state: new ZnpState("0x00124b0001020304", dir), medium });
      preformNetwork(first, { channel: 11, panId: 0x1234, networkKey: Buffer.alloc(16, 7) });
      first.close();
      medium.close();
      // the older file: no address manager entries, the devices in a list of their own
      const file = join(dir, STATE_FILE);
      const old = JSON.parse(readFileSync(file, "utf8"));
      for (const k of Object.keys(old.ext)) if (k.startsWith("1:1:")) delete old.ext[k];
      old.devices = [{ ieee: "0x00158d0000000099", nwk: 0x4321 }];
      writeFileSync(file, JSON.stringify(old));

      const medium2 = new HanMedium();
      const again = createZnp({ state: new ZnpState("0x00124b0001020304", dir), medium: medium2 });
      expect(again.rememberedAddress("0x00158d0000000099")).toBe(0x4321);
      again.close();
      medium2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

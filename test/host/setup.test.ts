/** Network parameters in the state directory, the zstack endpoint patch and the adapter check. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Endpoints } from "zigbee-herdsman/dist/adapter/z-stack/adapter/endpoints.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { checkAdapterForSe, patchZStackEndpoints, restoreZStackEndpoints } from "../../src/host/endpoints.js";
import { firmwareText } from "../../src/host/host.js";
import { describeNetwork, herdsmanNetworkOptions, loadOrCreateNetwork } from "../../src/host/network.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "hanbench-host-setup-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("network parameters", () => {
  it("are generated once, kept with mode 0600 and read back unchanged", () => {
    const dir = join(tmp(), "state");
    const first = loadOrCreateNetwork(dir);
    const path = join(dir, "network.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.networkKey).toHaveLength(16);
    expect([15, 20, 25]).toContain(first.channel);
    expect(first.panId).toBeGreaterThanOrEqual(1);
    expect(first.panId).toBeLessThanOrEqual(0xfffe);
    const again = loadOrCreateNetwork(dir, { channel: 11 });
    expect(again.channel).toBe(first.channel);
    expect(again.networkKey.equals(first.networkKey)).toBe(true);
    expect(again.panId).toBe(first.panId);
  });

  it("differ between state directories (random key and PAN id)", () => {
    const a = loadOrCreateNetwork(tmp());
    const b = loadOrCreateNetwork(tmp());
    expect(a.networkKey.equals(b.networkKey)).toBe(false);
  });

  it("refuse a broken file and a channel outside 11..26", () => {
    const dir = tmp();
    writeFileSync(join(dir, "network.json"), JSON.stringify({ channel: 15, panId: 5, networkKey: "00" }));
    expect(() => loadOrCreateNetwork(dir)).toThrow(/16-byte networkKey/);
    expect(() => loadOrCreateNetwork(tmp(), { channel: 27 })).toThrow(/11\.\.26/);
  });

  it("become herdsman options, and a description without the key", () => {
    const params = {
      channel: 20,
      panId: 0x1a62,
      networkKey: Buffer.alloc(16, 0xab),
      extendedPanId: "0x00124b0001020304",
    };
    expect(herdsmanNetworkOptions(params)).toEqual({
      panID: 0x1a62,
      extendedPanID: [0x00, 0x12, 0x4b, 0x00, 0x01, 0x02, 0x03, 0x04],
      channelList: [20],
      networkKey: new Array(16).fill(0xab),
      networkKeyDistribute: false,
    });
    const text = JSON.stringify(describeNetwork(params));
    expect(text).toBe('{"channel":20,"panId":"0x1a62","extendedPanId":"0x00124b0001020304"}');
    expect(text).not.toContain("abab");
  });
});

describe("zstack endpoint table", () => {
  afterEach(() => restoreZStackEndpoints());

  it("gets the hub's endpoints with the SE profile and clusters, replacing herdsman's empty SE endpoint 6", () => {
    patchZStackEndpoints([
      { role: "gpf", endpoint: 2, inClusters: [0x0000, 0x0708], outClusters: [0x000a] },
      { role: "esme", endpoint: 3, inClusters: [0x0702] },
    ]);
    const se = Endpoints.filter((e) => e.appprofid === 0x0109);
    expect(se.map((e) => e.endpoint)).toEqual([2, 3]);
    expect(se[0]).toMatchObject({
      appdeviceid: 0x0500,
      appnuminclusters: 2,
      appinclusterlist: [0x0000, 0x0708],
      appnumoutclusters: 1,
      appoutclusterlist: [0x000a],
    });
    expect(Endpoints.find((e) => e.endpoint === 1)?.appprofid).toBe(0x0104);
    expect(Endpoints.some((e) => e.endpoint === 242)).toBe(true);
  });

  it("starts from herdsman's table each time, so patches do not pile up", () => {
    const shipped = Endpoints.length;
    patchZStackEndpoints([{ role: "gpf", endpoint: 0x23, inClusters: [0x0708] }]);
    patchZStackEndpoints([{ role: "gpf", endpoint: 0x24, inClusters: [0x0708] }]);
    expect(Endpoints.filter((e) => e.appprofid === 0x0109).map((e) => e.endpoint)).toEqual([0x24]);
    expect(Endpoints.length).toBe(shipped);
  });

  it("refuses endpoints herdsman needs, numbers out of range and a number used twice", () => {
    expect(() => patchZStackEndpoints([{ role: "gpf", endpoint: 242, inClusters: [] }])).toThrow(/1\.\.240/);
    expect(() => patchZStackEndpoints([{ role: "esme", endpoint: 241, inClusters: [] }])).toThrow(/1\.\.240/);
    expect(() =>
      patchZStackEndpoints([
        { role: "gpf", endpoint: 5, inClusters: [] },
        { role: "esme", endpoint: 5, inClusters: [] },
      ]),
    ).toThrow(/given twice/);
  });
});

describe("adapter check", () => {
  it("accepts zstack and ember and refuses the others for SE with the reason, unless the risk is accepted", () => {
    expect(() => checkAdapterForSe("zstack", false)).not.toThrow();
    expect(() => checkAdapterForSe("ember", false)).not.toThrow();
    expect(() => checkAdapterForSe("ezsp", false)).toThrow(/deprecated ezsp driver/);
    expect(() => checkAdapterForSe("deconz", false)).toThrow(/HA-profile endpoints/);
    expect(() => checkAdapterForSe("zoh", false)).toThrow(/accept the risk/);
    expect(() => checkAdapterForSe("deconz", true)).not.toThrow();
  });
});

describe("herdsman log masking", () => {
  it("masks key-length hex runs and keeps IEEE addresses", async () => {
    const { maskKeys } = await import("../../src/host/herdsman-log.js");
    expect(
      maskKeys(
        "- Network Key: configured=0102030405060708090a0b0c0d0e0f10, adapter:active=ffeeddccbbaa99887766554433221100",
      ),
    ).toBe("- Network Key: configured=<redacted>, adapter:active=<redacted>");
    expect(maskKeys("Install code 83FED3407A939723A5C639B26916D505C3B5 failed CRC validation")).toBe(
      "Install code <redacted> failed CRC validation",
    );
    expect(maskKeys("Adding install code for 0x00db1234567890a0.")).toBe("Adding install code for 0x00db1234567890a0.");
  });
});

describe("the coordinator's firmware in one line", () => {
  it.each([
    [
      {
        type: "ZStack3x0",
        meta: { transportrev: 2, product: 1, majorrel: 2, minorrel: 7, maintrel: 1, revision: 20240710 },
      },
      "ZStack3x0 revision 20240710 (2.7.1)",
    ],
    [
      { type: "zStack12", meta: { product: 0, majorrel: 2, minorrel: 6, maintrel: 3, revision: "" } },
      "zStack12 (2.6.3)",
    ],
    [{ type: "EmberZNet", meta: { revision: "8.2.2.0 [GA]", ezsp: 18 } }, "EmberZNet revision 8.2.2.0 [GA]"],
    [{ type: "fake", meta: {} }, "fake"],
  ])("%o is %s", (version, text) => {
    expect(firmwareText(version)).toBe(text);
  });
});

/**
 * `hanbench ports` against a fake sysfs and /dev tree in a temp dir, with serialport's real lister run
 * where udevadm cannot be found (PATH without it), so the fallback is exercised for real.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listPorts } from "../../src/bench/ports.js";
import { loadProfiles, matchProfiles } from "../../src/bench/profiles.js";
import { suggestedCommands } from "../../src/cli/ports.js";
import { parseRunArgs } from "../../src/cli/run.js";
import { parseServeArgs } from "../../src/cli/serve.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const root = mkdtempSync(join(tmpdir(), "hb-ports-"));
const sys = join(root, "sys");
const dev = join(root, "dev");
/** A PATH with node and nothing else: serialport's `udevadm` cannot be found. */
const bin = join(root, "bin");

interface FakeUsb {
  tty: string;
  vendor: string;
  product: string;
  manufacturer?: string;
  productName?: string;
  serial?: string;
  iface?: string;
  driver: string;
  byId?: string;
}

function addUsbTty(u: FakeUsb, busPort: string): void {
  const usbDev = join(sys, "devices", "pci0000:00", "0000:00:14.0", "usb1", busPort);
  const ifDir = join(usbDev, `${busPort}:1.${Number.parseInt(u.iface ?? "00", 16)}`);
  const ttyDev = u.driver === "cdc_acm" ? ifDir : join(ifDir, u.tty);
  mkdirSync(ttyDev, { recursive: true });
  writeFileSync(join(usbDev, "idVendor"), `${u.vendor}\n`);
  writeFileSync(join(usbDev, "idProduct"), `${u.product}\n`);
  if (u.manufacturer) writeFileSync(join(usbDev, "manufacturer"), `${u.manufacturer}\n`);
  if (u.productName) writeFileSync(join(usbDev, "product"), `${u.productName}\n`);
  if (u.serial) writeFileSync(join(usbDev, "serial"), `${u.serial}\n`);
  writeFileSync(join(ifDir, "bInterfaceNumber"), `${u.iface ?? "00"}\n`);
  const drv = join(sys, "bus", "usb", "drivers", u.driver);
  mkdirSync(drv, { recursive: true });
  symlinkSync(relative(ttyDev, drv), join(ttyDev, "driver"));
  const cls = join(sys, "class", "tty", u.tty);
  mkdirSync(cls, { recursive: true });
  symlinkSync(relative(cls, ttyDev), join(cls, "device"));
  if (u.byId) symlinkSync(`../../${u.tty}`, join(dev, "serial", "by-id", u.byId));
}

beforeAll(() => {
  mkdirSync(join(dev, "serial", "by-id"), { recursive: true });
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, "node"));
  addUsbTty(
    {
      tty: "ttyUSB0",
      vendor: "10c4",
      product: "ea60",
      manufacturer: "ITead",
      productName: "Sonoff Zigbee 3.0 USB Dongle Plus",
      serial: "b8b49abd27a6ed11",
      driver: "cp210x",
      byId: "usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_b8b49abd27a6ed11-if00-port0",
    },
    "1-2",
  );
  addUsbTty(
    {
      tty: "ttyACM0",
      vendor: "0451",
      product: "bef3",
      manufacturer: "Texas Instruments",
      productName: "XDS110 (03.00.00.13) Embed with CMSIS-DAP",
      serial: "L4100ABC",
      iface: "00",
      driver: "cdc_acm",
    },
    "1-3",
  );
  addUsbTty(
    {
      tty: "ttyUSB1",
      vendor: "1a86",
      product: "55d4",
      manufacturer: "ITEAD",
      productName: "SONOFF Zigbee 3.0 USB Dongle Plus V2",
      driver: "cdc_acm",
    },
    "1-4",
  );
  addUsbTty(
    {
      tty: "ttyUSB2",
      vendor: "10c4",
      product: "ea60",
      manufacturer: "Silicon Labs",
      productName: "CP2102N USB to UART Bridge Controller",
      driver: "cp210x",
    },
    "1-5",
  );
  // an on-board UART slot: a tty with a platform device and no USB behind it
  const uart = join(sys, "devices", "platform", "serial8250", "tty", "ttyS0");
  mkdirSync(uart, { recursive: true });
  mkdirSync(join(sys, "bus", "platform", "drivers", "serial8250"), { recursive: true });
  symlinkSync(relative(uart, join(sys, "bus", "platform", "drivers", "serial8250")), join(uart, "driver"));
  mkdirSync(join(sys, "class", "tty", "ttyS0"), { recursive: true });
  symlinkSync(relative(join(sys, "class", "tty", "ttyS0"), uart), join(sys, "class", "tty", "ttyS0", "device"));
  // a by-id link with no sysfs entry behind it (a container given /dev but not /sys)
  symlinkSync("../../ttyUSB7", join(dev, "serial", "by-id", "usb-dresden_elektronik_ConBee_III_DE03188111-if00-port0"));
  // a virtual console: not a serial port
  mkdirSync(join(sys, "class", "tty", "tty1"), { recursive: true });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function withPath<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repo, "bin", "hanbench.js"), "ports", ...args], {
    cwd: repo,
    encoding: "utf8",
    env: { PATH: bin, HOME: root, HANBENCH_LOG_LEVEL: "silent" },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("dongle profiles", () => {
  const profiles = loadProfiles();

  it("loads hardware/dongles.json with the Z-Stack, ember and deconz sticks", () => {
    const ids = profiles.map((p) => p.id);
    for (const id of [
      "sonoff-zbdongle-p",
      "slzb-06",
      "ti-launchpad",
      "zzh",
      "sonoff-zbdongle-e",
      "skyconnect",
      "conbee-ii",
      "conbee-iii",
    ])
      expect(ids).toContain(id);
    expect(profiles.filter((p) => p.adapter === "zstack").every((p) => p.support === "supported")).toBe(true);
    // the Silicon Labs sticks run on herdsman's ember adapter with the host's hooks (src/host/ember-hooks.ts)
    expect(profiles.filter((p) => p.adapter === "ember").every((p) => p.support === "supported")).toBe(true);
  });

  it("matches by USB id and name, separates sticks sharing a bridge chip, and says when it cannot", () => {
    const ids = (f: Parameters<typeof matchProfiles>[0]) =>
      matchProfiles(f, profiles).map((m) => `${m.profile.id}/${m.by}`);
    expect(ids({ vendorId: "10c4", productId: "ea60", product: "Sonoff Zigbee 3.0 USB Dongle Plus" })).toEqual([
      "sonoff-zbdongle-p/usb-id+name",
    ]);
    expect(ids({ vendorId: "10c4", productId: "ea60", product: "SONOFF Zigbee 3.0 USB Dongle Plus V2" })).toEqual([
      "sonoff-zbdongle-e/usb-id+name",
    ]);
    expect(ids({ vendorId: "10c4", productId: "ea60", manufacturer: "Nabu Casa", product: "SkyConnect v1.0" })).toEqual(
      ["skyconnect/usb-id+name"],
    );
    expect(ids({ vendorId: "0451", productId: "BEF3" })).toEqual(["ti-launchpad/usb-id"]);
    const generic = ids({ vendorId: "10c4", productId: "ea60", product: "CP2102N USB to UART Bridge Controller" });
    expect(generic.length).toBeGreaterThan(1);
    expect(generic.every((g) => g.endsWith("/usb-id"))).toBe(true);
    expect(ids({ byId: "usb-dresden_elektronik_ConBee_III_DE03188111-if00-port0" })).toEqual(["conbee-iii/name"]);
    expect(ids({ vendorId: "dead", productId: "beef" })).toEqual([]);
  });

  it("has a udev rule for every USB id of every profile", () => {
    const rules = readFileSync(join(repo, "hardware", "99-hanbench.rules"), "utf8");
    for (const p of profiles)
      for (const u of p.usb) {
        const rule = new RegExp(
          `ATTRS\\{idVendor\\}=="${u.vendorId}", ATTRS\\{idProduct\\}=="${u.productId}".*HANBENCH_PROFILE\\}="${p.id}"`,
        );
        expect(rules, `${p.id} ${u.vendorId}:${u.productId}`).toMatch(rule);
      }
  });
});

describe("port listing", () => {
  it("falls back to sysfs and by-id when serialport cannot run udevadm, and names the fallback", async () => {
    const listing = await withPath(bin, () => listPorts({ sysRoot: sys, devRoot: dev }));
    expect(listing.source).toBe("sysfs");
    expect(listing.detail).toContain("udevadm not found");
    expect(listing.ports.map((p) => p.path)).toEqual(
      ["ttyACM0", "ttyUSB0", "ttyUSB1", "ttyUSB2", "ttyUSB7"].map((n) => join(dev, n)),
    );
    const usb0 = listing.ports.find((p) => p.path.endsWith("ttyUSB0"))!;
    expect(usb0).toMatchObject({
      vendorId: "10c4",
      productId: "ea60",
      manufacturer: "ITead",
      product: "Sonoff Zigbee 3.0 USB Dongle Plus",
      serialNumber: "b8b49abd27a6ed11",
      interface: 0,
      driver: "cp210x",
      byIdPath: join(dev, "serial", "by-id", "usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_b8b49abd27a6ed11-if00-port0"),
    });
    expect(listing.ports.find((p) => p.path.endsWith("ttyACM0"))).toMatchObject({
      driver: "cdc_acm",
      vendorId: "0451",
    });
  });

  it("lists the on-board UART only with all", async () => {
    const listing = await listPorts({ sysRoot: sys, devRoot: dev, list: false, all: true });
    expect(listing.ports.map((p) => p.path)).toContain(join(dev, "ttyS0"));
    expect(listing.ports.map((p) => p.path)).not.toContain(join(dev, "tty1"));
  });

  it("completes a serialport listing that lacks USB ids from sysfs", async () => {
    const listing = await listPorts({
      sysRoot: sys,
      devRoot: dev,
      list: async () => [
        { path: join(dev, "ttyUSB0") },
        { path: join(dev, "ttyUSB1"), vendorId: "1A86", productId: "55D4" },
      ],
    });
    expect(listing.source).toBe("serialport+sysfs");
    expect(listing.ports.find((p) => p.path.endsWith("ttyUSB0"))?.vendorId).toBe("10c4");
    expect(listing.ports.find((p) => p.path.endsWith("ttyUSB1"))?.vendorId).toBe("1a86");
  });

  it("uses serialport's listing as it is when it has the USB ids", async () => {
    const listing = await listPorts({
      sysRoot: sys,
      devRoot: dev,
      list: async () => [
        { path: join(dev, "ttyUSB0"), vendorId: "10c4", productId: "ea60", manufacturer: "ITead", serialNumber: "x1" },
        { path: join(dev, "ttyUSB1"), vendorId: "1a86", productId: "55d4" },
        { path: join(dev, "ttyUSB2"), vendorId: "10c4", productId: "ea60" },
        { path: join(dev, "ttyACM0"), vendorId: "0451", productId: "bef3" },
        { path: join(dev, "ttyUSB7"), vendorId: "0403", productId: "6015" },
      ],
    });
    expect(listing.source).toBe("serialport");
    const usb0 = listing.ports.find((p) => p.path.endsWith("ttyUSB0"))!;
    // serialport's own values win; sysfs still adds what serialport does not report (product, by-id)
    expect(usb0.serialNumber).toBe("x1");
    expect(usb0.product).toBe("Sonoff Zigbee 3.0 USB Dongle Plus");
    expect(usb0.byId).toContain("Dongle_Plus");
  });

  it("hanbench ports --json: fallback named, each port with its profile", () => {
    const r = runCli(["--json", "--sys-root", sys, "--dev-root", dev]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      source: string;
      detail: string;
      ports: { path: string; profiles: { id: string; adapter: string; baudRate: number; rtscts: boolean }[] }[];
    };
    expect(out.source).toBe("sysfs");
    expect(out.detail).toContain("udevadm");
    const prof = Object.fromEntries(out.ports.map((p) => [p.path.split("/").pop(), p.profiles.map((x) => x.id)]));
    expect(prof.ttyUSB0).toEqual(["sonoff-zbdongle-p"]);
    expect(prof.ttyACM0).toEqual(["ti-launchpad"]);
    expect(prof.ttyUSB1).toEqual(["sonoff-zbdongle-e"]);
    expect(prof.ttyUSB7).toEqual(["conbee-iii"]);
    expect(prof.ttyUSB2!.length).toBeGreaterThan(1);
    const p = out.ports.find((x) => x.path.endsWith("ttyUSB0"))!.profiles[0]!;
    expect([p.adapter, p.baudRate, p.rtscts]).toEqual(["zstack", 115200, false]);
  });

  it("hanbench ports: the text names the source and suggests the run command for a supported stick", () => {
    const r = runCli(["--sys-root", sys, "--dev-root", dev]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^source: sysfs — serialport's list failed \(udevadm not found\)/);
    expect(r.stdout).toContain(
      `hanbench run --port ${join(dev, "serial", "by-id", "usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_b8b49abd27a6ed11-if00-port0")} --adapter zstack`,
    );
    expect(r.stdout).toMatch(
      /ttyUSB1[^\n]*\n(.*\n)*?\s+profile: Sonoff ZBDongle-E.*adapter ember.*— supported.*\n\s+try:\s+hanbench run --port \S+ --adapter ember --dut ihd\.json/,
    );
    expect(r.stdout).toContain("ambiguous");
    expect(r.stdout).toContain("tcp://<dongle-ip>:6638");
  });

  it("hanbench ports: the ConBee gets a serve line with --accept-adapter-risk, never a run line", () => {
    const r = runCli(["--sys-root", sys, "--dev-root", dev]);
    const conbee = r.stdout.slice(r.stdout.indexOf("ttyUSB7")).split("\n\n")[0]!;
    expect(conbee).toMatch(/try: {5}hanbench serve --port \S+ --adapter deconz --accept-adapter-risk\n/);
    expect(conbee).not.toMatch(/^ +(try: +)?hanbench run /m);
  });

  it("suggests, for every dongle profile, only command lines that serve and run accept", () => {
    const dut = join(root, "ihd.json");
    writeFileSync(
      dut,
      JSON.stringify({
        label: "x",
        kind: "ihd",
        eui64: "00DB1234567890A0",
        installCode: "83FED3407A939723A5C639B26916D505C3B5",
      }),
    );
    const lines = loadProfiles().flatMap((p) => [
      ...suggestedCommands("/dev/serial/by-id/usb-stick-if00-port0", p),
      ...(p.network ? suggestedCommands(p.network.url, p) : []),
    ]);
    // the supported sticks get both commands (the ember ones with --adapter ember), the ConBee serve only
    expect(lines.filter((l) => l.startsWith("hanbench run ")).length).toBeGreaterThanOrEqual(6);
    expect(lines).toContain("hanbench serve --port /dev/serial/by-id/usb-stick-if00-port0 --adapter ember");
    expect(lines).toContain(
      "hanbench serve --port /dev/serial/by-id/usb-stick-if00-port0 --adapter deconz --accept-adapter-risk",
    );
    for (const line of lines) {
      const [tool, command, ...args] = line.split(" ");
      expect(tool).toBe("hanbench");
      const argv = args.map((a) => (a === "ihd.json" ? dut : a));
      if (command === "serve") expect(parseServeArgs(argv), line).not.toBe("help");
      else if (command === "run")
        expect(parseRunArgs(argv), line).toMatchObject({
          mode: "bench",
          adapter: expect.stringMatching(/^(zstack|ember)$/),
        });
      else throw new Error(`unexpected command in '${line}'`);
    }
  });

  it("a broken profiles file is a usage error (exit 2, one line)", () => {
    const bad = join(root, "bad.json");
    writeFileSync(bad, JSON.stringify({ profiles: [{ id: "x", adapter: "zigbee2000" }] }));
    const r = runCli(["--profiles", bad, "--sys-root", sys, "--dev-root", dev]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("cannot load dongle profiles");
  });

  it("--help teaches the options", () => {
    const out = execFileSync(process.execPath, [join(repo, "bin", "hanbench.js"), "ports", "--help"], {
      cwd: repo,
      encoding: "utf8",
    });
    for (const opt of ["--json", "--sys-root", "--dev-root", "--sysfs-only", "Example"]) expect(out).toContain(opt);
  });
});

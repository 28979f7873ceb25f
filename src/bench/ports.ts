/**
 * Lists the serial ports of this machine with their USB identity. serialport's `SerialPort.list()` is
 * asked first; on Linux it runs `udevadm`, which containers and CI images often lack (or run without a
 * udev database, so the ids come back empty). Then the facts come from sysfs
 * (`/sys/class/tty/<name>/device/..`: idVendor, idProduct, manufacturer, product, serial) and the
 * `/dev/serial/by-id` links instead. The result always names the source used and why.
 */
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { UsbFacts } from "./profiles.js";

/** One port as serialport reports it (the fields hanbench uses). */
export interface ListedPort {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface PortInfo extends UsbFacts {
  /** Device path, e.g. `/dev/ttyUSB0`. */
  path: string;
  /** Full /dev/serial/by-id path, if one links here: the stable name to use on the command line. */
  byIdPath?: string;
  serialNumber?: string;
  /** USB interface number (a TI LaunchPad's XDS110 has 00 and 03). */
  interface?: number;
  /** Kernel driver of the tty's device (cp210x, ch341, ftdi_sio, cdc_acm, serial8250 …). */
  driver?: string;
}

export type PortSource = "serialport" | "serialport+sysfs" | "sysfs";

export interface PortListing {
  source: PortSource;
  /** Why the source is what it is (e.g. serialport's error). */
  detail: string;
  ports: PortInfo[];
}

export interface ListOptions {
  /** Root of sysfs (default `/sys`). */
  sysRoot?: string;
  /** Root of the device tree (default `/dev`). */
  devRoot?: string;
  /** serialport's lister (default `SerialPort.list`); `false` skips it (sysfs only). */
  list?: (() => Promise<ListedPort[]>) | false;
  /** Also list ports with no USB identity (on-board ttyS*, ttyAMA*). */
  all?: boolean;
}

async function serialportList(): Promise<ListedPort[]> {
  const { SerialPort } = await import("serialport");
  return SerialPort.list();
}

function readAttr(dir: string, name: string): string | undefined {
  try {
    const v = readFileSync(join(dir, name), "utf8").trim();
    return v || undefined;
  } catch {
    return undefined;
  }
}

/** by-id links: device name (ttyUSB0) → full link path. */
function byIdLinks(devRoot: string): Map<string, string> {
  const dir = join(devRoot, "serial", "by-id");
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    try {
      const target = basename(resolve(dir, readlinkSync(join(dir, name))));
      if (!out.has(target)) out.set(target, join(dir, name));
    } catch {
      // not a link: ignore
    }
  }
  return out;
}

/** Walks up from a tty's device directory to the USB device (the first directory with idVendor). */
function usbFactsFromSysfs(sysRoot: string, tty: string): Omit<PortInfo, "path" | "byIdPath" | "byId"> | undefined {
  const link = join(sysRoot, "class", "tty", tty, "device");
  if (!existsSync(link)) return undefined;
  let dir: string;
  try {
    dir = realpathSync(link);
  } catch {
    return undefined;
  }
  const info: Omit<PortInfo, "path" | "byIdPath" | "byId"> = {};
  const driverLink = join(dir, "driver");
  if (existsSync(driverLink)) info.driver = basename(realpathSync(driverLink));
  const stop = realpathSync(sysRoot);
  for (let d = dir; d.startsWith(stop) && d !== stop; d = dirname(d)) {
    const ifNum = readAttr(d, "bInterfaceNumber");
    if (ifNum !== undefined && info.interface === undefined) info.interface = Number.parseInt(ifNum, 16);
    const vendorId = readAttr(d, "idVendor");
    if (vendorId) {
      info.vendorId = vendorId.toLowerCase();
      const productId = readAttr(d, "idProduct");
      if (productId) info.productId = productId.toLowerCase();
      const manufacturer = readAttr(d, "manufacturer");
      if (manufacturer) info.manufacturer = manufacturer;
      const product = readAttr(d, "product");
      if (product) info.product = product;
      const serial = readAttr(d, "serial");
      if (serial) info.serialNumber = serial;
      break;
    }
  }
  return info;
}

function isSerialName(name: string): boolean {
  return /^tty(S|USB|ACM|AMA|XRUSB|WCH|MFD|O)\d+$/.test(name) || /^rfcomm\d+$/.test(name);
}

/** Ports found in sysfs and /dev/serial/by-id alone. */
function listFromSysfs(opts: Pick<ListOptions, "sysRoot" | "devRoot" | "all"> = {}): PortInfo[] {
  const sysRoot = opts.sysRoot ?? "/sys";
  const devRoot = opts.devRoot ?? "/dev";
  const links = byIdLinks(devRoot);
  let ttys: string[] = [];
  try {
    ttys = readdirSync(join(sysRoot, "class", "tty")).filter(isSerialName);
  } catch {
    // no sysfs: by-id links alone
  }
  const names = new Set([...ttys, ...links.keys()]);
  const ports: PortInfo[] = [];
  for (const name of [...names].sort(naturalOrder)) {
    const facts = usbFactsFromSysfs(sysRoot, name);
    const byIdPath = links.get(name);
    if (!facts && !byIdPath) continue; // a tty without hardware behind it
    if (facts?.driver === "serial8250" && !facts.vendorId && !opts.all) continue; // unused on-board UART slots
    const port: PortInfo = { path: join(devRoot, name), ...facts };
    if (byIdPath) {
      port.byIdPath = byIdPath;
      port.byId = basename(byIdPath);
    }
    if (!port.vendorId && !byIdPath && !opts.all) continue;
    ports.push(port);
  }
  return ports;
}

function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * Lists serial ports: serialport first, completed from sysfs where it lacks USB ids; sysfs and by-id
 * alone if serialport fails or is switched off. Never throws for a missing tool or directory.
 */
export async function listPorts(opts: ListOptions = {}): Promise<PortListing> {
  const fromSysfs = listFromSysfs(opts);
  if (opts.list === false) {
    return { source: "sysfs", detail: "serialport not asked", ports: fromSysfs };
  }
  let listed: ListedPort[];
  try {
    listed = await (opts.list ?? serialportList)();
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    const why = /ENOENT/.test(msg) && /udevadm/.test(msg) ? "udevadm not found" : msg;
    return { source: "sysfs", detail: `serialport's list failed (${why})`, ports: fromSysfs };
  }
  const byPath = new Map(fromSysfs.map((p) => [p.path, p]));
  let enriched = false;
  const ports: PortInfo[] = [];
  for (const l of listed) {
    const sys = byPath.get(l.path);
    byPath.delete(l.path);
    const port: PortInfo = { ...sys, path: l.path };
    if (l.vendorId && l.productId) {
      port.vendorId = l.vendorId.toLowerCase();
      port.productId = l.productId.toLowerCase();
      if (l.manufacturer) port.manufacturer = l.manufacturer;
      if (l.serialNumber) port.serialNumber = l.serialNumber;
    } else if (sys?.vendorId) {
      enriched = true;
    }
    if (!port.vendorId && !port.byIdPath && !opts.all) continue;
    ports.push(port);
  }
  // ports serialport did not report (its udev database may be empty in a container)
  for (const p of byPath.values()) {
    enriched = true;
    ports.push(p);
  }
  return enriched
    ? { source: "serialport+sysfs", detail: "serialport's list lacked USB ids; completed from sysfs", ports }
    : { source: "serialport", detail: "serialport's list (udev)", ports };
}

/**
 * `hanbench ports`: the serial ports of this machine, their USB identity and the dongle profile each
 * matches (adapter type, baud rate, flow control, support in hanbench).
 */
import { listPorts, type PortInfo, type PortListing } from "../bench/ports.js";
import { type DongleProfile, type MatchBy, loadProfiles, matchProfiles } from "../bench/profiles.js";
import { parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";

const HELP = `hanbench ports — list serial ports and the matching dongle profiles

Asks serialport for the ports (it uses udevadm); without udevadm, or when udev knows no USB ids (containers),
reads sysfs (/sys/class/tty/*/device) and /dev/serial/by-id instead, and says which source it used.
Each port is matched by USB vendor/product id and name to a profile in hardware/dongles.json.

Options:
  --json              machine-readable output (one JSON document)
  --all               also list ports without a USB identity (on-board UARTs)
  --sysfs-only        do not ask serialport; read sysfs and /dev/serial/by-id only
  --sys-root DIR      sysfs root to read (default /sys)
  --dev-root DIR      device root to read (default /dev)
  --profiles FILE     dongle profiles (default hardware/dongles.json)
  -h, --help          this help

Example:
  hanbench ports
  hanbench ports --json | jq '.ports[] | {path, profiles: [.profiles[].id]}'`;

interface PortRow extends PortInfo {
  /** Command lines to try (one profile matched). */
  commands: string[];
  profiles: {
    id: string;
    name: string;
    adapter: string;
    baudRate: number;
    rtscts: boolean;
    support: string;
    by: MatchBy;
  }[];
}

function flow(p: DongleProfile): string {
  return p.rtscts ? "RTS/CTS flow control" : "no hardware flow control";
}

/** The default serial speed of serve and run (herdsman's). */
const DEFAULT_BAUD = 115200;

/** The adapters that can carry the hub's Smart Energy endpoints (src/host/endpoints.ts isSeAdapter). */
const SE_ADAPTERS: readonly string[] = ["zstack", "ember"];

/**
 * The command lines to try on a port with this profile, only ones `hanbench run` and `hanbench serve`
 * accept: both for a zstack or ember stick (run first); for another adapter only serve, with
 * --accept-adapter-risk (a bench run refuses it); none for an unsupported stick. Neither command takes
 * flow control: herdsman turns RTS/CTS on for the sticks it knows by their port name (the SkyConnect /
 * ZBT-1), so the by-id path is the one to give. A speed other than the default is given to serve only
 * (run takes no --baud), so such a stick gets no run line.
 */
export function suggestedCommands(port: string, p: DongleProfile): string[] {
  if (p.support === "unsupported") return [];
  const baud = p.baudRate === DEFAULT_BAUD ? "" : ` --baud ${p.baudRate}`;
  if (!SE_ADAPTERS.includes(p.adapter))
    return [`hanbench serve --port ${port} --adapter ${p.adapter} --accept-adapter-risk${baud}`];
  const serve = `hanbench serve --port ${port}${p.adapter === "zstack" ? "" : ` --adapter ${p.adapter}`}${baud}`;
  return baud ? [serve] : [`hanbench run --port ${port} --adapter ${p.adapter} --dut ihd.json`, serve];
}

function describe(rows: PortRow[], listing: PortListing, profiles: DongleProfile[]): string {
  const lines = [`source: ${listing.source} — ${listing.detail}`, ""];
  if (rows.length === 0) lines.push("no serial ports found", "");
  for (const r of rows) {
    const ids = r.vendorId && r.productId ? `${r.vendorId}:${r.productId}` : "no USB ids";
    const what = [r.manufacturer, r.product].filter(Boolean).join(" ");
    const extra = [
      what,
      r.serialNumber ? `serial ${r.serialNumber}` : "",
      r.interface !== undefined ? `if${String(r.interface).padStart(2, "0")}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    lines.push(`${r.path}  ${ids}${extra ? `  ${extra}` : ""}`);
    if (r.byIdPath) lines.push(`  by-id:   ${r.byIdPath}`);
    if (r.profiles.length === 0) lines.push("  profile: none known (see hardware/README.md)");
    if (r.profiles.length > 1)
      lines.push("  profile: ambiguous — the USB ids are shared; check the label on the stick:");
    for (const m of r.profiles) {
      const p = profiles.find((x) => x.id === m.id)!;
      lines.push(
        `  ${r.profiles.length > 1 ? "  " : "profile: "}${p.name} — adapter ${p.adapter}, ${p.baudRate} baud, ${flow(p)} — ${p.support} (matched by ${m.by})`,
      );
    }
    const only = r.profiles.length === 1 ? profiles.find((x) => x.id === r.profiles[0]!.id) : undefined;
    const tries = only ? suggestedCommands(r.byIdPath ?? r.path, only) : [];
    for (const [i, t] of tries.entries()) lines.push(`  ${i === 0 ? "try:     " : "         "}${t}`);
    if (only && tries.length && !SE_ADAPTERS.includes(only.adapter))
      lines.push("           (hanbench run needs a zstack or ember stick)");
    if (only && only.support !== "supported") lines.push(`  note:    ${only.notes}`);
    lines.push("");
  }
  const net = profiles.filter((p) => p.network);
  if (net.length) {
    lines.push("Network coordinators are not found by a port scan:");
    for (const p of net)
      lines.push(`  ${p.name}: ${suggestedCommands(p.network!.url, p).join("  or  ") || `--port ${p.network!.url}`}`);
  }
  return lines.join("\n");
}

export const command: CliCommand = {
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: {
        json: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
        "sysfs-only": { type: "boolean", default: false },
        "sys-root": { type: "string" },
        "dev-root": { type: "string" },
        profiles: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return Exit.ok;
    }
    let profiles: DongleProfile[];
    try {
      profiles = values.profiles ? loadProfiles(String(values.profiles)) : loadProfiles();
    } catch (err) {
      throw new UsageError(`cannot load dongle profiles: ${(err as Error).message}`);
    }
    const listing = await listPorts({
      ...(values["sys-root"] ? { sysRoot: String(values["sys-root"]) } : {}),
      ...(values["dev-root"] ? { devRoot: String(values["dev-root"]) } : {}),
      ...(values["sysfs-only"] ? { list: false as const } : {}),
      all: values.all === true,
    });
    const rows: PortRow[] = listing.ports.map((port) => ({
      ...port,
      commands: ((m) => (m.length === 1 ? suggestedCommands(port.byIdPath ?? port.path, m[0]!.profile) : []))(
        matchProfiles(port, profiles),
      ),
      profiles: matchProfiles(port, profiles).map(({ profile: p, by }) => ({
        id: p.id,
        name: p.name,
        adapter: p.adapter,
        baudRate: p.baudRate,
        rtscts: p.rtscts,
        support: p.support,
        by,
      })),
    }));
    if (values.json) {
      const network = profiles
        .filter((p) => p.network)
        .map((p) => ({
          id: p.id,
          name: p.name,
          adapter: p.adapter,
          url: p.network!.url,
          commands: suggestedCommands(p.network!.url, p),
        }));
      process.stdout.write(
        `${JSON.stringify({ source: listing.source, detail: listing.detail, ports: rows, network }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(`${describe(rows, listing, profiles)}\n`);
    }
    return Exit.ok;
  },
};

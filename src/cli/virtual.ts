/**
 * `hanbench virtual`: the virtual dongle (Z-Stack ZNP, or EmberZNet NCP with --adapter ember) on its own,
 * for any zigbee-herdsman host (hanbench serve, zigbee2mqtt …). Wiring only: src/virtual/dongle.ts does the
 * work.
 */
import { makeDirs, OutputPathError } from "../files.js";
import { readFileSync } from "node:fs";
import { CertificateError, parseCredentials } from "../crypto/cert.js";
import { type TestCa, testCaFromFile } from "../crypto/pki.js";
import { RealClock, ScaledClock } from "../hub/clock.js";
import { log } from "../log.js";
// importing the module registers the Smart Energy kinds (ihd, ppmid, esme) with the registry
import { configureSeDevices } from "../virtual/devices/kinds.js";
import { MIN_POLL_INTERVAL_MS } from "../virtual/devices/profiles.js";
import { VIRTUAL_ADAPTERS, type VirtualAdapter, VirtualDongle } from "../virtual/dongle.js";
import type { EmulatedNode } from "../virtual/han/node.js";
import { DeviceSpecError, deviceKinds } from "../virtual/registry.js";
import { PtyPathError } from "../virtual/transport/pty.js";
import { isLoopbackHost, parseTcpUrl } from "../virtual/transport/tcp.js";
import { type ConsoleDevice, type DeviceConsole, startConsoles } from "../virtual/console.js";
import { durationOption, parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";

export const HELP = `hanbench virtual — run the virtual dongle (Z-Stack ZNP or EmberZNet NCP) with emulated devices

Usage: hanbench virtual [--adapter zstack|ember] [--listen tcp://HOST:PORT] [--pty PATH] [--state DIR]
                        [--devices LIST] [--poll DURATION] [--console DIR] [options]

A coordinator that zigbee-herdsman drives like a CC2652 (adapter "zstack") or like a Silicon Labs stick
with EmberZNet NCP firmware (adapter "ember"), over TCP or a pty, with a simulated HAN of emulated devices
behind it. Runs until Ctrl-C (SIGINT) or SIGTERM. Prints the path to
connect to, then one line per device: label, EUI-64 and install code (with CRC), as on a device label
(and its console path with --console).
Devices join by themselves when the host permits joining; those that joined before (same --state and
--seed) come back already joined.

Options:
  --adapter NAME     the coordinator protocol: zstack (Z-Stack MT, default) or ember (EZSP over ASH,
                     as EmberZNet 8.2 firmware speaks it); the host names the same adapter
  --listen URL       TCP address (default tcp://127.0.0.1:6638; port 0 picks a free one). One host at a
                     time: a second connection is refused while one is open. Only a loopback address
                     (127.x, ::1, localhost) unless --allow-remote-hosts
  --allow-remote-hosts  accept --listen on an address other machines reach (0.0.0.0, a LAN address): any
                     of them may then connect and read the network key from the dongle's NV. A warning
                     is printed all the same
  --pty PATH         also expose the dongle as a pty at PATH (needs socat); hosts open PATH like a
                     serial port
  --state DIR        keep the dongle's NV (network, keys, endpoints, device table) in DIR/virtual-znp.json,
                     or its tokens in DIR/virtual-ncp.json for ember (mode 0600); default: in memory, so
                     every start is a factory-fresh dongle
  --devices LIST     comma-separated device specs (default none). Kinds: KINDS
                     e.g. node,node or ihd:compliant,esme; a display may give its own poll interval:
                     ihd:compliant@10s
  --seed N           seed of the coordinator and device identities, addresses and loss (default 1)
  --require-install-codes  the trust centre admits only devices whose install code the host added
  --poll DURATION    how often the emulated IHDs and PPMIDs poll the hub for tenancy information and
                     read their displayed values (default 30m, as a real display might), e.g. 10s to see a
                     CoT queried and acted on within a minute at 'hanbench serve'; --poll-interval is the
                     same option
  --clock-scale N    device time runs N times faster than real time (default 1). For a standalone HAN
                     only: a host on real time (hanbench run, serve) then disagrees with the devices
                     about when a CoT takes effect; for bench rehearsals shorten --poll instead
  --ca FILE          a CA file from 'hanbench cert issue': the emulated PPMIDs and ESMEs get certificates
                     it issues (suite 2) and run key establishment with the host after joining, then use
                     APS security; the host's hub needs a certificate from the same CA (hanbench run
                     --cert). Without it they do no key establishment
  --console DIR      give each emulated IHD and PPMID a console pty at DIR/<label> (needs socat), like
                     the serial console of a test build: 'dump' + Enter prints its data store as
                     HIST <role> <item> <period> <value>, MSG <id> <text>, TOPUP …, DEBT … lines, then END
  --latency MS       one-way HAN latency in ms (default 0)
  --loss RATE        probability 0..1 that a HAN frame is lost (default 0)
  -h, --help         this help

Examples:
  hanbench virtual --listen tcp://127.0.0.1:6638 --state .hanbench/virtual --devices node,ihd:compliant
  # then point herdsman at it: transport: { path: "tcp://127.0.0.1:6638", adapter: "zstack" }
  hanbench virtual --adapter ember --pty /tmp/hanbench-ncp --devices ihd:compliant --require-install-codes
  # herdsman: transport: { path: "/tmp/hanbench-ncp", adapter: "ember" }
  hanbench virtual --pty /tmp/hanbench-dongle --console /tmp/hanbench-consoles \\
    --devices ihd:compliant --require-install-codes --poll 2s
  # a bench rehearsal: hanbench run --port /tmp/hanbench-dongle --dut ihd.json (see hardware/README.md)`;

export interface VirtualOptions {
  adapter: VirtualAdapter;
  listen: string;
  /** --listen is not a loopback address (accepted with --allow-remote-hosts). */
  remote: boolean;
  pty?: string;
  state?: string;
  devices: string[];
  seed: number;
  requireInstallCodes: boolean;
  latencyMs: number;
  lossRate: number;
  /** Tenancy poll interval of emulated displays, device ms. */
  pollIntervalMs?: number;
  clockScale: number;
  console?: string;
  /** A CA file: Type 1 devices get certificates from it and run key establishment. */
  ca?: string;
}

function num(name: string, text: string | undefined, def: number, ok: (n: number) => boolean, what: string): number {
  if (text === undefined) return def;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || !ok(n))
    throw new UsageError(`--${name} must be ${what}, got '${text}'`);
  return n;
}

export function parseVirtualArgs(argv: string[]): VirtualOptions | "help" {
  const v: Record<string, string | boolean | undefined> = parseCommandLine({
    args: argv,
    options: {
      adapter: { type: "string" },
      listen: { type: "string" },
      "allow-remote-hosts": { type: "boolean" },
      pty: { type: "string" },
      state: { type: "string" },
      devices: { type: "string" },
      seed: { type: "string" },
      "require-install-codes": { type: "boolean" },
      latency: { type: "string" },
      loss: { type: "string" },
      poll: { type: "string" },
      "poll-interval": { type: "string" },
      "clock-scale": { type: "string" },
      console: { type: "string" },
      ca: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  }).values;
  if (v.help) return "help";
  const listen = (v.listen as string | undefined) ?? "tcp://127.0.0.1:6638";
  let host: string;
  try {
    host = parseTcpUrl(listen).host;
  } catch (err) {
    throw new UsageError(`--listen: ${(err as Error).message}`);
  }
  const remote = !isLoopbackHost(host);
  if (remote && v["allow-remote-hosts"] !== true) {
    throw new UsageError(
      `--listen ${listen} can be reached from other machines, and any of them could read the network key from the dongle; listen on 127.0.0.1, or add --allow-remote-hosts to accept that`,
    );
  }
  const devices = ((v.devices as string | undefined) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const adapter = (v.adapter as string | undefined) ?? "zstack";
  if (!(VIRTUAL_ADAPTERS as readonly string[]).includes(adapter))
    throw new UsageError(`--adapter must be one of ${VIRTUAL_ADAPTERS.join(", ")}, got '${adapter}'`);
  const opts: VirtualOptions = {
    adapter: adapter as VirtualAdapter,
    listen,
    remote,
    devices,
    seed: num(
      "seed",
      v.seed as string | undefined,
      1,
      (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff,
      "an integer 0..4294967295",
    ),
    requireInstallCodes: v["require-install-codes"] === true,
    latencyMs: num("latency", v.latency as string | undefined, 0, (n) => n >= 0 && n <= 60_000, "0..60000 ms"),
    lossRate: num("loss", v.loss as string | undefined, 0, (n) => n >= 0 && n <= 1, "a probability 0..1"),
    clockScale: num(
      "clock-scale",
      v["clock-scale"] as string | undefined,
      1,
      (n) => n > 0 && n <= 1_000_000,
      "a factor > 0 (at most 1000000)",
    ),
  };
  if (typeof v.poll === "string" && typeof v["poll-interval"] === "string") {
    throw new UsageError("--poll and --poll-interval are the same option: give one");
  }
  const poll = (v.poll ?? v["poll-interval"]) as string | undefined;
  if (poll !== undefined) {
    const name = typeof v.poll === "string" ? "--poll" : "--poll-interval";
    const ms = durationOption(name, poll);
    if (ms < MIN_POLL_INTERVAL_MS)
      throw new UsageError(`${name} must be at least ${MIN_POLL_INTERVAL_MS}ms, got '${poll}'`);
    opts.pollIntervalMs = ms;
  }
  if (typeof v.console === "string") opts.console = v.console;
  if (typeof v.pty === "string") opts.pty = v.pty;
  if (typeof v.state === "string") opts.state = v.state;
  if (typeof v.ca === "string") opts.ca = v.ca;
  return opts;
}

/** The CA file of --ca; bad input is a one-line usage error. */
function loadCa(path: string): TestCa {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`--ca ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return testCaFromFile(parseCredentials(text));
  } catch (err) {
    if (err instanceof CertificateError || err instanceof RangeError)
      throw new UsageError(`--ca ${path}: ${err.message}`);
    throw err;
  }
}

/** One device as a lab would read it off its label: label, EUI-64, install code with CRC. */
function deviceLine(d: EmulatedNode): string {
  const eui = d.ieee.slice(2).toUpperCase();
  const code = d.installCode ? d.installCode.toString("hex").toUpperCase() : "-";
  return `${d.label}  ${eui}  ${code}`;
}

export const command: CliCommand = {
  async run(argv) {
    const opts = parseVirtualArgs(argv);
    if (opts === "help") {
      process.stdout.write(`${HELP.replace("KINDS", deviceKinds().join(", "))}\n`);
      return Exit.ok;
    }
    if (opts.remote) {
      process.stderr.write(
        `hanbench virtual: warning: ${opts.listen} can be reached from other machines; any of them may connect and read the network key from the dongle\n`,
      );
    }
    const ca = opts.ca !== undefined ? loadCa(opts.ca) : undefined;
    if (opts.pollIntervalMs !== undefined || ca) {
      configureSeDevices({
        ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
        ...(ca ? { credentialsFor: (ieee: string) => ca.issue(Buffer.from(ieee.slice(2), "hex")) } : {}),
      });
    }
    if (opts.state !== undefined) {
      try {
        makeDirs(opts.state, 0o700);
      } catch (err) {
        if (err instanceof OutputPathError) throw new UsageError(`--state: ${err.message}`);
        throw err;
      }
    }
    let dongle: VirtualDongle;
    try {
      dongle = await VirtualDongle.start({
        adapter: opts.adapter,
        listen: opts.listen,
        pty: opts.pty,
        stateDir: opts.state,
        seed: opts.seed,
        requireInstallCodes: opts.requireInstallCodes,
        medium: { latencyMs: opts.latencyMs, lossRate: opts.lossRate },
        devices: opts.devices,
        ...(opts.clockScale !== 1 ? { clock: new ScaledClock(new RealClock().now(), opts.clockScale) } : {}),
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "EADDRINUSE") throw new UsageError(`${opts.listen} is already in use`);
      if (e.code === "ENOENT" && opts.pty) throw new UsageError("--pty needs socat, which is not installed");
      if (err instanceof DeviceSpecError) throw new UsageError(`--devices: ${e.message}`);
      if (err instanceof PtyPathError) throw new UsageError(`--pty: ${e.message}`);
      throw err;
    }
    const what = opts.adapter === "ember" ? "EmberZNet NCP (herdsman adapter ember)" : "Z-Stack dongle";
    const out: string[] = [`virtual ${what} ready; connect to: ${dongle.path}`];
    if (dongle.path !== dongle.url) out.push(`(also on ${dongle.url})`);
    out.push(
      `coordinator ${dongle.coordinator.ieee.slice(2).toUpperCase()}${opts.state ? `, state in ${opts.state}` : ", state in memory"}`,
    );
    out.push(
      dongle.devices.length
        ? `devices (label  EUI-64  install code with CRC${opts.console ? "  console" : ""}):`
        : "no devices (see --devices)",
    );
    let consoles: DeviceConsole[] = [];
    if (opts.console) {
      const withStore = dongle.devices.filter((d) => typeof (d as Partial<ConsoleDevice>).holdings === "function");
      try {
        makeDirs(opts.console);
        consoles = await startConsoles(withStore as unknown as ConsoleDevice[], opts.console);
      } catch (err) {
        await dongle.stop();
        const e = err as NodeJS.ErrnoException;
        if (e.code === "ENOENT") throw new UsageError("--console needs socat, which is not installed");
        throw new UsageError(`--console: ${e.message}`);
      }
    }
    for (const d of dongle.devices) {
      const c = consoles.find((x) => (x.device as unknown) === d);
      out.push(`${deviceLine(d)}${c ? `  console ${c.path}` : ""}`);
    }
    // listening before saying it is ready: a signal sent as soon as the lines are read must find a handler
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    process.stdout.write(`${out.join("\n")}\n`);
    const signal = await stopped;
    log("virtual").info({ signal }, "stopping the virtual dongle");
    await Promise.all(consoles.map((c) => c.stop()));
    await dongle.stop();
    return Exit.ok;
  },
};

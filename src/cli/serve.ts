/**
 * `hanbench serve`: the emulated Comms Hub on a coordinator dongle, for a person at the bench. Wiring only:
 * the hub model (src/hub), the host (src/host) and the console (src/runner/console.ts) on stdin/stdout.
 */
import { join } from "node:path";
import { Tenancy } from "../cluster-cot/tenancy.js";
import { RealClock } from "../hub/clock.js";
import { DEFAULT_PROVIDER_ID, Hub } from "../hub/hub.js";
import {
  BENCH_DEFAULT_VARIANT,
  HUB_VARIANTS,
  type HubVariantName,
  hubVariant,
  isHubVariantName,
} from "../hub/variants.js";
import {
  checkEndpointNumbers,
  ENDPOINT_LAYOUTS,
  type EndpointLayoutName,
  type EndpointNumbers,
  endpointLayout,
  isEndpointLayoutName,
} from "../hub/layout.js";
import { BenchConsole, sleep } from "../runner/console.js";
import { DutCommands } from "../runner/console-dut.js";
import { DISCOVERY_REQUESTS, discoveryRecorder } from "../runner/discovery-recorder.js";
import { coordinatorOf, singleDongleHubParameters } from "../runner/env.js";
import { LiveFeed } from "../runner/live.js";
import { ServeSession } from "../runner/session.js";
import {
  loadSessionState,
  restoreDuts,
  type SessionState,
  SessionStateError,
  saveSessionState,
  snapshot,
} from "../runner/session-state.js";
import { CotRefusedError } from "../cluster-cot/tenancy.js";
import { coordinatorLine } from "../runner/progress.js";
import { ConsoleTerminal } from "../runner/terminal.js";
import { ADAPTER_TYPES, AdapterRiskError, type AdapterType } from "../host/endpoints.js";
import { Host } from "../host/host.js";
import { loadOrCreateNetwork } from "../host/network.js";
import { type OpenStateDir, openStateDir, StateDirError } from "../host/state-dir.js";
import { EvidenceFileError, EvidenceLog } from "../evidence/log.js";
import { checkWritable, OutputPathError } from "../files.js";
import { PcapWriter, pcapOptionsFromRun } from "../report/pcap.js";
import { durationOption, parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";
import { redactText } from "../redact.js";
import { formatDuration } from "../duration.js";
import { buildInfo, herdsmanVersion, toolVersion } from "./version.js";
import { type SignalStop, stopOnSignals } from "./signals.js";

export const HELP = `hanbench serve — run the emulated Comms Hub (CHF + GPF + ESME) on a Zigbee coordinator

Usage: hanbench serve [--port PATH|tcp://HOST:PORT] [--adapter zstack|ember] [--state DIR] [options]

While it runs, type commands at the 'hub>' prompt (or pipe a script into it, without prompts): add a
device to the Device Log, open joining, publish a supplier message, perform a CoT now or later, list
devices and their last requests. 'help' lists the commands, 'help CMD' tells one; Tab completes commands
and the EUI-64s the hub knows; the arrow keys recall earlier lines. A bad line gives one 'error:' line
and the hub keeps running. Ctrl-C ends a wait; 'quit', end of input or Ctrl-C at the prompt stops the hub.

Options:
  --port PATH        the dongle: a serial path (/dev/ttyACM0, /dev/serial/by-id/...) or tcp://HOST:PORT
                     (e.g. a 'hanbench virtual' dongle). Default: herdsman's USB auto-discovery.
  --adapter TYPE     herdsman adapter type: zstack (default) or ember (Silicon Labs EmberZNet NCP),
                     the two that can register the hub's Smart Energy endpoints; others are refused
                     unless --accept-adapter-risk
  --accept-adapter-risk  run on another adapter anyway (SE discovery and frames will likely fail)
  --baud N           serial speed (default 115200)
  --state DIR        network parameters (network.json), herdsman database and coordinator backup, and the
                     session (session.json: Device Log, devices under test, CoTs, supplier messages, so a
                     restart serves the same and continues issuer event and message ids), every file mode
                     0600 (default .hanbench/state). One process at a time: a second serve
                     (or bench run) on it is refused while the first runs (hanbench.lock holds its
                     pid; a lock whose process is gone is taken over). A corrupt or cut file there is
                     refused, never overwritten
  --reset            move the state directory's files aside (into DIR/replaced-<time>/) and start
                     afresh: a new network, an empty Device Log, no CoTs or messages; devices must be
                     added and join again
  --evidence FILE    the evidence log, JSON lines (default .hanbench/serve/<start>/evidence.jsonl)
  --capture FILE     also write every ZCL exchange as a pcap for Wireshark / tshark (decoded to the Smart
                     Energy fields without extra settings)
  --channel N        channel of a new network (11..26; default one of 15, 20, 25); kept in --state
  --hub-variant NAME how the hub and its meters carry a CoT (docs/suite.md "Hub variants"): reference,
                     attributes-only, esme-date-only, esme-ptcc-unsupported, esme-pre-5.1, gpf-pre-1.5,
                     electricity-only, provider-zero, no-cot-zero (default attributes-only, as a bench run:
                     the CoT attributes on both meters, no GetChangeOfTenancy answer); kept CoTs must fit it
  --endpoint-layout NAME  the hub's endpoints: default (GPF ESI 2, gas mirror 4, ESME 3) or silabs
                     (ESI 1, mirror 2, ESME 3), docs/suite.md "Hub topology"
  --gpf-ep N         the GPF's ESI endpoint instead of the layout's
  --esme-ep N        ESME endpoint on the hub node instead of the layout's
  --provider-id N    the meters' supplier: Device Management ProviderID, PublishPrice and every CoT
                     (default 4660, 0x1234)
  --seed N           seed of the meters' data (default 1)
  --window DURATION  the detection window of the session's verdict (default 24h): a device has this long
                     after a CoT to query it and clear, and what a probe shows once it has passed counts
                     (COT-03..06)
  --verbose          show every request a device makes, not only joins, discovery, CoT queries and fetches
  -h, --help         this help

What the devices do is shown as it happens: joins and refusals, discovery, every read of the CoT attributes
and GetChangeOfTenancy with the hub's answer, every history and message fetch. On 'quit' (or 'verdict' at
any time) the cases the session made judgeable are evaluated by the run's own case code; 'hanbench report
EVIDENCE' renders the session's evidence like a run's.

Exit codes: 0 stopped by 'quit', end of input, Ctrl-C (SIGINT) or SIGTERM (the evidence flushed, the
            dongle closed, the state kept), 1 the coordinator disconnected, 2 bad options, a state
            directory in use or unreadable, or the coordinator did not start; 3 the evidence file
            could not be written (disk full: the hub stops, the lines written stay whole); 130 / 143 a second
            SIGINT / SIGTERM quit at once.

Example (the README's rehearsal: the identities hanbench virtual prints with its default seed):
  hanbench virtual --listen tcp://127.0.0.1:6638 --devices ihd:compliant,esme --poll 10s --console .hanbench/consoles &
  hanbench serve --port tcp://127.0.0.1:6638 --state .hanbench/rehearsal --reset --window 30s
  > add 0D6F0053CBE880FE B63C173FEAEE55D6D95E9D8E25419D801D5B ihd
  > add 0D6F009708E2E015 F3A53DA9699F8D4968936B60EFDE61803FB5 esme
  > probe 0D6F0053CBE880FE console .hanbench/consoles/ihd-1
  > permit
  > wait join 0D6F0053CBE880FE
  > cot now
  > wait cot-query 0D6F0053CBE880FE 60
  > wait clear 0D6F0053CBE880FE 60
  > quit`;

interface ServeOptions {
  port?: string;
  adapter: AdapterType;
  acceptRisk: boolean;
  baudRate?: number;
  state: string;
  evidence: string;
  capture?: string;
  channel?: number;
  hubVariant: HubVariantName;
  endpointLayout: EndpointLayoutName;
  endpoints: EndpointNumbers;
  providerId: number;
  seed: number;
  reset: boolean;
  windowMs: number;
  verbose: boolean;
}

function int(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer ${min}..${max}, got '${text}'`);
  return n;
}

function optional<K extends string>(key: K, n: number | undefined): Partial<Record<K, number>> {
  return n === undefined ? {} : ({ [key]: n } as Partial<Record<K, number>>);
}

export function parseServeArgs(argv: string[], now = new Date()): ServeOptions | "help" {
  const v: Record<string, string | boolean | undefined> = parseCommandLine({
    args: argv,
    options: {
      port: { type: "string" },
      adapter: { type: "string", default: "zstack" },
      "accept-adapter-risk": { type: "boolean", default: false },
      reset: { type: "boolean", default: false },
      baud: { type: "string" },
      state: { type: "string", default: ".hanbench/state" },
      evidence: { type: "string" },
      capture: { type: "string" },
      channel: { type: "string" },
      "hub-variant": { type: "string", default: BENCH_DEFAULT_VARIANT },
      "endpoint-layout": { type: "string", default: "default" },
      "gpf-ep": { type: "string" },
      "esme-ep": { type: "string" },
      "provider-id": { type: "string" },
      seed: { type: "string" },
      window: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
  if (v.help) return "help";
  const adapter = String(v.adapter);
  if (!(ADAPTER_TYPES as readonly string[]).includes(adapter)) {
    throw new UsageError(`--adapter must be one of ${ADAPTER_TYPES.join(", ")}, got '${adapter}'`);
  }
  const variant = String(v["hub-variant"]);
  if (!isHubVariantName(variant)) {
    throw new UsageError(`--hub-variant must be one of ${HUB_VARIANTS.join(", ")}, got '${variant}'`);
  }
  const layout = String(v["endpoint-layout"]);
  if (!isEndpointLayoutName(layout)) {
    throw new UsageError(`--endpoint-layout must be one of ${ENDPOINT_LAYOUTS.join(", ")}, got '${layout}'`);
  }
  const endpoints: EndpointNumbers = {
    ...endpointLayout(layout),
    ...optional("esi", int("gpf-ep", v["gpf-ep"] as string | undefined, 1, 240)),
    ...optional("esme", int("esme-ep", v["esme-ep"] as string | undefined, 1, 240)),
  };
  try {
    checkEndpointNumbers(endpoints);
  } catch (err) {
    throw new UsageError(`--endpoint-layout ${layout} with --gpf-ep / --esme-ep: ${(err as Error).message}`);
  }
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const opts: ServeOptions = {
    adapter: adapter as AdapterType,
    acceptRisk: v["accept-adapter-risk"] === true,
    reset: v.reset === true,
    state: String(v.state),
    evidence: (v.evidence as string | undefined) ?? join(".hanbench", "serve", stamp, "evidence.jsonl"),
    hubVariant: variant,
    endpointLayout: layout,
    endpoints,
    providerId: int("provider-id", v["provider-id"] as string | undefined, 0, 0xffffffff) ?? DEFAULT_PROVIDER_ID,
    seed: int("seed", v.seed as string | undefined, 0, 0x7fffffff) ?? 1,
    windowMs: 86_400_000,
    verbose: v.verbose === true,
  };
  if (typeof v.window === "string") {
    opts.windowMs = durationOption("--window", v.window);
    if (opts.windowMs < 1_000) throw new UsageError(`--window ${v.window} is too short; give at least 1s`);
  }
  if (typeof v.port === "string") opts.port = v.port;
  if (typeof v.capture === "string") opts.capture = v.capture;
  const baud = int("baud", v.baud as string | undefined, 1200, 4_000_000);
  if (baud !== undefined) opts.baudRate = baud;
  const channel = int("channel", v.channel as string | undefined, 11, 26);
  if (channel !== undefined) opts.channel = channel;
  if (opts.port?.startsWith("tcp://") && !/^tcp:\/\/[^/]+:\d+$/.test(opts.port)) {
    throw new UsageError(`--port '${opts.port}' is not tcp://HOST:PORT`);
  }
  return opts;
}

/** Checks the output paths before anything starts. */
function checkOutputs(opts: ServeOptions): void {
  for (const [flag, path] of [
    ["capture", opts.capture],
    ["evidence", opts.evidence],
  ] as const) {
    try {
      if (path) checkWritable(path);
    } catch (err) {
      if (err instanceof OutputPathError) throw new UsageError(`--${flag}: ${err.message}`);
      throw err;
    }
  }
}

/** Opens the evidence log: a new file, never appended to. */
function openEvidence(opts: ServeOptions, clock: RealClock): EvidenceLog {
  try {
    return new EvidenceLog({ path: opts.evidence, now: () => clock.now() });
  } catch (err) {
    if (err instanceof OutputPathError || err instanceof EvidenceFileError) {
      throw new UsageError(`--evidence: ${err.message}`);
    }
    throw err;
  }
}

export const command: CliCommand = {
  async run(argv) {
    const opts = parseServeArgs(argv);
    if (opts === "help") {
      process.stdout.write(`${HELP}\n`);
      return Exit.ok;
    }
    // the console's answers and error lines go through the same redaction as the logs (src/redact.ts)
    const terminal = new ConsoleTerminal({ input: process.stdin, output: process.stdout, filter: redactText });
    const out = (line: string) => terminal.print(line);
    const clock = new RealClock();
    checkOutputs(opts);
    let state: OpenStateDir;
    try {
      state = openStateDir(opts.state, { command: "hanbench serve", reset: opts.reset });
    } catch (err) {
      if (err instanceof StateDirError) throw new UsageError(`--state: ${err.message}`);
      throw err;
    }
    // SIGTERM, and SIGINT on a pipe (on a terminal Ctrl-C reaches readline: ConsoleTerminal), stop the hub
    const stop = stopOnSignals("serve", "stopping the hub");
    try {
      if (state.replaced) out(`the earlier state is kept aside in ${state.replaced}; a new network is formed`);
      return await serve(opts, { clock, terminal, out, stop });
    } finally {
      stop.dispose();
      state.release();
    }
  },
};

interface Session {
  clock: RealClock;
  terminal: ConsoleTerminal;
  out: (line: string) => void;
  stop: SignalStop;
}

async function serve(opts: ServeOptions, { clock, terminal, out, stop }: Session): Promise<number> {
  let kept: SessionState | undefined;
  try {
    kept = loadSessionState(opts.state);
  } catch (err) {
    if (err instanceof SessionStateError) throw new UsageError(`--state: ${err.message}`);
    throw err;
  }
  const tenancy = new Tenancy({ clock, providers: opts.providerId });
  // the CoTs kept, through the tenancy rules first (a CoT of another --provider-id is refused here)
  const variant = hubVariant(opts.hubVariant);
  for (const c of kept?.cots ?? []) {
    if (!variant.cotMeters.includes(c.meter)) {
      throw new UsageError(
        `--state: a CoT kept in ${opts.state} is on the ${c.meter.toUpperCase()}, which carries no CoT under --hub-variant ${variant.name}; give the variant it was recorded under, or start with --reset`,
      );
    }
    try {
      await tenancy.record({ recordCot: () => undefined }, { ...c, push: false });
    } catch (err) {
      if (err instanceof CotRefusedError)
        throw new UsageError(`--state: a CoT kept in ${opts.state} does not fit: ${err.message}; start with --reset`);
      throw err;
    }
  }
  const evidence = openEvidence(opts, clock);
  // The hub's IEEE is the coordinator's; a state directory that has run before knows it.
  const known = loadOrCreateNetwork(opts.state, opts.channel === undefined ? {} : { channel: opts.channel });
  const hub = new Hub({
    clock,
    seed: opts.seed,
    evidence,
    variant: opts.hubVariant,
    layout: opts.endpointLayout,
    endpoints: opts.endpoints,
    hubIeee: known.extendedPanId ?? "0x0000000000000000",
    providers: { gpf: opts.providerId, esme: opts.providerId },
  });
  // the Device Log and the supplier messages kept (the coordinator gets the install codes once started)
  for (const e of kept?.deviceLog ?? []) hub.deviceLog.add(e);
  for (const m of kept?.messages ?? []) hub.messages.publish({ ...m, now: m.publishedAt });
  let host: Host;
  try {
    host = new Host({
      ...(opts.port ? { port: opts.port } : {}),
      adapter: opts.adapter,
      acceptAdapterRisk: opts.acceptRisk,
      ...(opts.baudRate ? { baudRate: opts.baudRate } : {}),
      stateDir: opts.state,
      hub,
      evidence,
      clock,
    });
  } catch (err) {
    evidence.close();
    if (err instanceof AdapterRiskError) throw new UsageError(`${err.message} (--accept-adapter-risk)`);
    throw new UsageError((err as Error).message);
  }
  const session = new ServeSession({
    evidence,
    clock,
    windowMs: opts.windowMs,
    tool: "hanbench",
    version: toolVersion(),
    seed: opts.seed,
    build: buildInfo(),
    ...((h) => (h ? { herdsman: h } : {}))(herdsmanVersion()),
    endpointLayout: hub.layout,
    hubParameters: () => singleDongleHubParameters(hub, host, opts.adapter, opts.port),
    coordinator: () => coordinatorOf(host, opts.adapter, opts.port ?? "auto-discovered"),
    deviations: [
      `single-dongle ESME: the ESME is served from endpoint ${hub.endpoints.esme} of the hub node, not by a meter node of its own (cot-suite.md "Actors and hub topology")`,
    ],
  });
  // what the devices do, as it happens, from the evidence the host appends (src/runner/live.ts)
  const live = new LiveFeed({
    out,
    verbose: opts.verbose,
    latestCot: (meter) => hub.cots.latest(meter),
    nameOf: (ieee) => session.nameOf(ieee),
  });
  const stopLive = evidence.onEvent((e) => live.on(e));
  try {
    await host.start();
  } catch (err) {
    evidence.append({ kind: "error", source: "host.start", message: (err as Error).message });
    evidence.close();
    process.stderr.write(`hanbench serve: the coordinator did not start: ${redactText((err as Error).message)}\n`);
    await host.stop().catch(() => undefined);
    return Exit.usage;
  }
  const net = host.network ?? {};
  let capture: PcapWriter | undefined;
  if (opts.capture) {
    capture = new PcapWriter(opts.capture, pcapOptionsFromRun({ hub: { ...net, hubIeee: host.coordinatorIeee } }));
    const writer = capture;
    evidence.onEvent((e) => writer.write(e));
  }
  out(
    `hub up on ${opts.port ?? "auto-discovered dongle"}: channel ${net.channel}, PAN ${net.panId}, extended PAN id ${host.coordinatorIeee ?? "?"}; GPF ESI endpoint ${hub.endpointNumbers.esi}, gas mirror ${hub.endpointNumbers.mirror}, ESME endpoint ${hub.endpointNumbers.esme}`,
  );
  out(coordinatorLine(host.coordinator));
  // Z-Stack answers discovery itself: have it pass Match_Desc / Simple_Desc on, for the live lines and COT-01
  let stopDiscovery: (() => void) | undefined;
  if (opts.adapter === "zstack") {
    const duts = new Set<string>();
    evidence.onEvent((e) => {
      if (e.kind === "join" && e.accepted) duts.add(e.device);
    });
    const recorder = discoveryRecorder({
      hub,
      evidence,
      duts,
      responder: () => host.coordinatorIeee ?? hub.hubIeee,
    });
    stopDiscovery = await host.watchZdoRequests(DISCOVERY_REQUESTS, recorder).catch((err: Error) => {
      evidence.append({
        kind: "error",
        source: "discovery",
        message: `the coordinator does not pass on ZDO discovery requests, so COT-01 cannot see them: ${err.message}`,
      });
      return undefined;
    });
  }
  await host.syncInstallCodes();
  const restored = restoreDuts(kept?.duts ?? []);
  session.start({ duts: restored.duts, admitted: kept?.admitted ?? [] });
  for (const w of restored.warnings) out(`warning: ${w}`);
  if (kept) {
    // the meters carry the kept CoTs again (each a cot event of this session's evidence, before its phases)
    for (const c of tenancy.records()) hub.recordCot(c);
    const log = hub.deviceLog;
    out(
      `kept in ${opts.state}: Device Log ${log.size}/${log.capacity}, ${kept.duts.length} device(s) under test, ${kept.cots.length} CoT(s), ${kept.messages.length} message(s)`,
    );
  }
  const save = () => {
    try {
      saveSessionState(opts.state, snapshot({ hub, tenancy, duts: session.duts, admitted: session.admitted }));
    } catch (err) {
      out(`error: the session state could not be saved in ${opts.state}: ${(err as Error).message}`);
    }
  };
  out(
    `evidence: ${opts.evidence}${opts.capture ? `, capture: ${opts.capture}` : ""}; detection window ${formatDuration(opts.windowMs)}. Type 'help' for commands.`,
  );
  const dut = new DutCommands({ host, hub, tenancy, clock, evidence, session, out, sleep });
  const console_ = new BenchConsole({ host, hub, tenancy, clock, out, session, dut, afterLine: save });
  let lost = false;
  host.once("disconnected", () => {
    lost = true;
    out("error: the coordinator disconnected; stopping");
    terminal.stop(console_);
  });
  // a signal during start-up stops the hub as soon as it is up; one at the console ends the line in progress
  const onStop = () => terminal.stop(console_);
  // so does an evidence file that cannot be written (disk full): the session would go on unrecorded
  const onEvidenceFailed = () => {
    process.stderr.write(
      `hanbench serve: ${redactText((evidence.failed.reason as Error).message)}; stopping the hub\n`,
    );
    terminal.stop(console_);
  };
  if (evidence.failed.aborted) onEvidenceFailed();
  else if (!stop.signal.aborted) {
    stop.signal.addEventListener("abort", onStop);
    evidence.failed.addEventListener("abort", onEvidenceFailed);
    await terminal.run(console_);
    stop.signal.removeEventListener("abort", onStop);
    evidence.failed.removeEventListener("abort", onEvidenceFailed);
  }
  if (stop.signal.aborted) evidence.append({ kind: "note", message: `stopped by ${String(stop.signal.reason)}` });
  session.end();
  if (!evidence.failed.aborted) {
    // the cases the session made judgeable, by the run's own case code
    try {
      dut.verdict();
    } catch (err) {
      out(`error: the verdict could not be evaluated: ${(err as Error).message}`);
    }
  }
  stopDiscovery?.();
  await host.stop().catch(() => undefined);
  stopLive();
  evidence.append({ kind: "end", ...(stop.signal.aborted ? { aborted: String(stop.signal.reason) } : {}) });
  capture?.close();
  evidence.close();
  out(`evidence: ${opts.evidence} ('hanbench report ${opts.evidence}' renders it)`);
  out("hub stopped");
  if (lost) return Exit.failed;
  return evidence.failed.aborted ? Exit.inconclusive : Exit.ok;
}

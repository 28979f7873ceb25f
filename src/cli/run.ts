/**
 * `hanbench run`: the Change-of-Tenancy suite. Without --port it is a dry-run on the virtual HAN;
 * with --port and --dut it is a bench run against real devices.
 */
import { ENDPOINT_LAYOUTS, type EndpointLayoutName, isEndpointLayoutName } from "../hub/layout.js";
import { formatDuration } from "../duration.js";
import { DutFileError, loadDutFile, type DutFile } from "../runner/dut-file.js";
import { closeSync, readdirSync } from "node:fs";
import { EvidenceFileError, openNewEvidenceFile } from "../evidence/log.js";
import { checkWritable, makeDirs, OutputPathError } from "../files.js";
import { dirname, join } from "node:path";
import { buildReport } from "../cluster-cot/run-report.js";
import { renderJson } from "../report/json.js";
import { renderJunit } from "../report/junit.js";
import { exitCodeFor } from "../cluster-cot/results.js";
import { CASES } from "../cluster-cot/index.js";
import { CASE_PRESETS, CaseSelectionError, parseCaseList } from "../cluster-cot/selection.js";
import { BaselineError } from "../cluster-cot/baseline.js";
import { readBaseline } from "../runner/baseline-file.js";
import { AUTO_WINDOW, type WindowPolicy } from "../cluster-cot/window.js";
import { PHASE } from "../cluster-cot/plan.js";
import { cutTornLine, type ResumePoint } from "../runner/resume.js";
import { type ResumeArgs, resumedRun, resumeArgs } from "./run-resume.js";
import { durationOption, parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { loadRequirements, verdictTable, writeOutput } from "./report.js";
import { buildInfo, herdsmanVersion, toolVersion } from "./version.js";
import { BenchFileError, labInfo, loadBenchFile } from "../runner/bench-file.js";
import type { LabInfo, RequirementsMap } from "../evidence/events.js";
import {
  type DeviceSpec,
  PPMID_ONLY_PROFILES,
  PROFILES,
  parseDeviceList as parseDevices,
} from "../virtual/devices/profiles.js";
import { KEY_TABLE_SIZE as EMBER_KEY_TABLE_SIZE } from "../virtual/ember/ncp-state.js";
import { wrap } from "../report/terminal.js";
import { DeviceSpecError } from "../virtual/registry.js";
import { Exit, UsageError } from "./errors.js";
import { DEVICE_LOG_CAPACITY } from "../hub/device-log.js";
import { HUB_VARIANTS, type HubVariantName, isHubVariantName } from "../hub/variants.js";
import { redactText } from "../redact.js";
import { benchSetup } from "./run-bench.js";
import { stopOnSignals } from "./signals.js";
import { StateDirError } from "../host/state-dir.js";
import { VIRTUAL_ADAPTERS, type VirtualAdapter } from "../virtual/dongle.js";
import { ADAPTER_TYPES, type AdapterType, isSeAdapter } from "../host/endpoints.js";

/** Case ids as ranges of consecutive numbers: COT-01..COT-13, COT-15, COT-17..COT-20. */
function idRanges(ids: readonly string[]): string {
  const nums = ids.map((id) => Number(id.slice(4))).sort((a, b) => a - b);
  const name = (n: number) => `COT-${String(n).padStart(2, "0")}`;
  const out: string[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out.push(j === i ? name(nums[i]!) : `${name(nums[i]!)}..${name(nums[j]!)}`);
    i = j + 1;
  }
  return out.join(", ");
}

export const HELP = `hanbench run — run the Change-of-Tenancy conformance suite (cases ${idRanges(CASES.map((c) => c.id))})

Virtual dry-run (no hardware; the default):
  hanbench run [--devices LIST] [--adapter zstack|ember] [--seed N] [reports]
Bench run (a coordinator dongle and real devices):
  hanbench run --port PATH|tcp://HOST:PORT [--adapter zstack|ember] --dut FILE [--dut FILE...] [reports]
A bench run cut short (the bench PC restarted, SIGTERM, a power cut), continued:
  hanbench run --resume EVIDENCE [--state DIR] [--cert FILE] [reports]

Cases:
  --cases LIST       the cases to run, comma-separated: case ids (COT-03,COT-05) and presets: all (the
                     default) and gb, the cases whose basis is a GB requirement:
                     ${CASES.filter(CASE_PRESETS.gb)
                       .map((c) => c.id)
                       .join(", ")}
                     Phases that no selected case needs are skipped; the cases not selected are not run,
                     and every report names them as not selected
Devices (virtual):
  --devices LIST     emulated devices under test, comma-separated KIND:PROFILE
                     (default ihd:compliant,ppmid:compliant). KIND is ihd or ppmid; PROFILE one of
${wrap(
  `${PROFILES.filter((p) => !PPMID_ONLY_PROFILES.includes(p)).join(", ")}, and for a PPMID ${PPMID_ONLY_PROFILES.join(", ")}. ` +
    `At most 15: the hub's Device Log holds 16 entries and the run's own ESME takes one. With --adapter ember and ` +
    `--security cbke, at most ${EMBER_KEY_TABLE_SIZE} PPMIDs: the virtual NCP's key table holds ${EMBER_KEY_TABLE_SIZE} link keys.`,
  107,
  " ".repeat(21),
).join("\n")}
Bench:
  --port PATH        the dongle: a serial path (/dev/ttyUSB0, /dev/serial/by-id/...) or tcp://HOST:PORT
  --adapter TYPE     herdsman adapter type: zstack (Texas Instruments Z-Stack, default) or ember
                     (Silicon Labs EmberZNet NCP), the two that serve the hub's Smart Energy
                     endpoints. Virtual runs: the virtual coordinator that speaks it
  --dut FILE         a DUT declaration (JSON: label, kind, eui64, installCode, firmware, claims, probe);
                     repeat for several devices (at most 16, the Device Log's size). See
                     hardware/README.md.
  --window auto|DURATION  how long a device has to query the CoT after it is recorded and act on it
                     (hub time: virtual runs step it, bench runs wait it in real time). auto (the bench
                     default): learned per DUT in the baseline, 3 x the slowest interval between its CoT
                     queries on one meter, at least 10m, at most 24h; a DUT not seen querying each
                     meter twice keeps 24h; the reports say each DUT's window and why. A DURATION
                     fixes it (the virtual default is 24h). Every other wait derives from the longest
                     window: a future CoT is dated 2 windows ahead, data fetches wait at most one window,
                     and a whole run takes about 18 windows (fewer with --cases): a bench run prints its
                     expected duration before it starts. A wait ends before its window once every DUT
                     has done what the cases that read it need (COT-03/04 alone: the query; COT-09: a
                     re-read after each change); a clear is judged a whole window after max(T, recorded).
                     The evidence and the reports say why each phase ended
  --poll-interval DURATION  virtual runs: how often the emulated devices poll the meters and the CoT
                     (default 1h of hub time)
  --hub-variant NAME how the hub and its meters carry a CoT (cot-suite.md "Hub variants"): reference,
                     attributes-only, esme-date-only, esme-ptcc-unsupported, esme-pre-5.1, gpf-pre-1.5,
                     electricity-only, provider-zero, no-cot-zero (default: reference on the virtual
                     HAN, attributes-only on a bench)
  --endpoint-layout NAME  the hub's endpoints (docs/suite.md "Hub topology"): default (GPF ESI 2, gas
                     mirror 4, ESME 3; nothing on endpoint 1) or silabs (ESI 1, mirror 2, as a Silicon
                     Labs Comms Hub); named in the run event and the reports
  --join-timeout DURATION  how long the bench waits for the DUTs to join and be interviewed (default
                     5m; joining stays open meanwhile): switch them on or start their join when asked
Security (Smart Energy key establishment, CBKE suite 2, and APS security for Type 1 devices):
  --security MODE    cbke or off. Virtual: cbke by default, with a test CA made for the run that issues the
                     hub's, the PPMIDs' and the ESME's certificates. Bench: cbke when --cert is given.
                     Keys are installed on Z-Stack (zstack) and EmberZNet (ember) coordinators
  --cert FILE        bench: the hub's certificate and private key, a Certicom-format file (CA Pub Key,
                     Device Implicit Cert for the coordinator's EUI-64, Private Key Reconstruction Data).
                     A DUT whose certificate another CA issued makes the run "not testable with this hub
                     certificate" (exit 3), said right after the join
Reports (every run also keeps its evidence; see --evidence):
  --evidence FILE    the evidence log, JSON lines (default .hanbench/runs/<start>/evidence.jsonl, a
                     new directory for every run); a file that already holds lines is refused. When the
                     run ends its SHA-256 goes into FILE.sha256 and into every report
                     ('hanbench report FILE --verify' checks it)
  --json FILE        the results as JSON (default: report.json beside the evidence)
  --junit FILE       the results as JUnit XML (one testsuite per DUT, one testcase per case)
  --html FILE        the HTML report: verdict first, self-contained, prints on A4
  --capture FILE     every ZCL exchange as a pcap for Wireshark / tshark
  --baseline FILE    the specification baseline (JSON: modification, release and a MAJOR.MINOR version per
                     specification, IHDTS and PPMIDTS required; default docs/baseline.json, SECMP0056:
                     ESMETS 5.1, IHDTS 5.0, PPMIDTS 5.0, GBCS 5.0, CHTS 1.5). A DUT claiming a version of
                     its specification before the baseline's is run, and its cases are not_applicable
  --requirements FILE  the lab's requirements map (JSON or CSV: case id -> clause ids and texts; see
                     docs/reports.md); every report carries the clauses. An unknown case id is an error
Provenance (recorded in the evidence, shown in every report):
  --lab TEXT         the test house (and bench)
  --operator TEXT    who ran the test
  --note TEXT        a note for the reports; repeat for several
  --bench-file FILE  JSON with "lab", "operator" and "notes"; the options above override or add to it
Resume (bench runs):
  --resume EVIDENCE  continue the bench run whose evidence log this is, after its process ended before the
                     plan was done: the bench PC restarted, a SIGTERM or Ctrl-C, a power cut (a line the cut
                     left half-written is dropped). The run goes on in the same log (seq continues; a resume
                     event says from where and why; the old seal is void and the end seals the whole file).
                     The hub takes back what the evidence records: each meter's CoTs (T, control) and resets,
                     the tenancy in force and its supplier message, the DUTs' Device Log entries and link
                     keys, each DUT's learned window; the network comes back from the state directory. The
                     phases that ended are not walked again; the phase that was cut is redone from its start
                     (the cases judge its last attempt), then the rest of the plan. The DUTs, --cases, window,
                     hub variant, layout and seed come from the run event: give --port, --dut, --state,
                     --adapter or those options only as the run had them (default: the same), and --cert
                     again when it ran with one. Refused (exit 2): a virtual run's or a finished run's
                     evidence, one that cannot be read, another dongle, other DUT files, another state
                     directory
Other:
  --seed N           seed of the tenancy data and device identities (default 1)
  --state DIR        where the host keeps its network parameters, herdsman database and coordinator
                     backup (files mode 0600). Bench: default .hanbench/state, reused from run to run,
                     one process at a time (a lock file with its pid); a corrupt or cut file there is
                     refused, never overwritten.
                     Virtual: a new or empty directory, kept after the run for inspection (a virtual
                     run starts from a fresh network); default a temporary directory, removed after
  --reset            bench: move the state directory's files aside (into DIR/replaced-<time>/) and
                     form a new network; the devices must then join again
  --quiet            no progress display
  -h, --help         this help

Exit codes: 0 every case passed (info allowed), 1 a case failed, 2 usage or configuration error,
            3 no failure but something inconclusive or in error (also a run stopped by a signal, or
            by an evidence file that could not be written: the lines written stay whole),
            130 / 143 a second Ctrl-C (SIGINT) / SIGTERM quit at once.

Examples:
  hanbench run
  hanbench run --devices ihd:keeps-messages,ppmid:compliant --junit results.xml
  hanbench run --adapter ember                 # the same dry-run on the virtual EmberZNet NCP
  hanbench run --port /dev/ttyUSB0 --adapter zstack --dut ihd.json --html report.html --window 2h
  # a bench rehearsal against 'hanbench virtual --pty /tmp/hb/dongle --console /tmp/hb/console
  #   --poll 500ms --devices ihd:compliant' (hardware/README.md, section 5):
  hanbench run --port /tmp/hb/dongle --dut ihd-1.json --window 4s --state /tmp/hb/state

Ctrl-C (SIGINT) or SIGTERM stops a run, virtual or bench, after the step in progress (a bench wait ends at
once): the evidence so far is flushed, the dongle closed and the reports written over what was seen (exit 3
unless a case already failed). A second signal quits at once (130 / 143), the evidence still flushed.`;

export interface RunOptions {
  mode: "virtual" | "bench";
  security: "cbke" | "off";
  /** Bench, with --security cbke: the hub's credentials file. */
  cert?: string;
  devices: { kind: "ihd" | "ppmid"; profile: string; label: string }[];
  duts: DutFile[];
  port?: string;
  adapter: string;
  windowMs: number;
  /** `--window auto`: each DUT's window learned in the baseline, `windowMs` its ceiling. */
  windowAuto?: boolean;
  /** Virtual: `--poll-interval`, hub ms. */
  pollIntervalMs?: number;
  /** `--baseline FILE`: the baseline read from it, and the file. */
  baseline?: { values: Record<string, string>; file: string };
  /** `--cases` as given (checked against the suite); absent: every case. */
  cases?: string;
  /** How the hub and its meters carry a CoT; absent: the mode's default. */
  hubVariant?: HubVariantName;
  /** The hub's endpoint layout; absent: `default`. */
  endpointLayout?: EndpointLayoutName;
  /** Bench: longest wait for the DUTs to join. */
  joinTimeoutMs?: number;
  seed: number;
  state?: string;
  /** Bench: move the state directory's files aside and form a new network. */
  reset: boolean;
  evidence?: string;
  json?: string;
  junit?: string;
  html?: string;
  capture?: string;
  quiet: boolean;
  lab?: LabInfo;
  requirements?: RequirementsMap;
}

/** `--devices`: the devices module's device list, displays only, repeats numbered (`ihd:compliant#2`). */
export function parseDeviceList(text: string): RunOptions["devices"] {
  let specs: DeviceSpec[];
  try {
    specs = parseDevices(text);
  } catch (err) {
    if (err instanceof DeviceSpecError) throw new UsageError(`--devices: ${err.message}`);
    throw err;
  }
  const seen = new Map<string, number>();
  return specs.map((spec) => {
    if (spec.kind === "esme" || !spec.profile) {
      throw new UsageError(`--devices: '${spec.label}' is not a device under test; the run brings its own ESME`);
    }
    if (spec.pollIntervalMs !== undefined) {
      throw new UsageError(
        `--devices: '${spec.label}@…': a run sets its displays' polling itself; '@DURATION' is for hanbench virtual`,
      );
    }
    const base = `${spec.kind}:${spec.profile}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { kind: spec.kind, profile: spec.profile, label: n === 1 ? base : `${base}#${n}` };
  });
}

/** `hanbench run`'s command line: a new run's options, or a resumed run's (`--resume`: run-resume.ts). */
export function parseRunLine(argv: string[]): RunOptions | ResumeArgs | "help" {
  const { values: v, positionals } = parseCommandLine(
    { args: argv, options: OPTIONS, allowPositionals: true, strict: true },
    "See 'hanbench run --help'.",
  );
  if (v.help) return "help";
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'. See 'hanbench run --help'.`);
  if (v.resume !== undefined) return resumeArgs(v);
  return parseNewRun(v);
}

/** A new run's options (`--resume` is parseRunLine's). */
export function parseRunArgs(argv: string[]): RunOptions | "help" {
  const opts = parseRunLine(argv);
  if (opts !== "help" && "resume" in opts) throw new UsageError("--resume continues a run: see parseRunLine");
  return opts;
}

type RunValues = ReturnType<
  typeof parseCommandLine<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>
>["values"];

function parseNewRun(v: RunValues): RunOptions {
  const mode = v.port ? "bench" : "virtual";
  if (mode === "virtual" && v.dut?.length) {
    throw new UsageError(
      "--dut declares a real device: give the dongle with --port too (or use --devices for a virtual run)",
    );
  }
  if (mode === "bench" && v.devices) {
    throw new UsageError("--devices lists emulated devices; on the bench declare real ones with --dut FILE");
  }
  if (mode === "bench" && !v.dut?.length) {
    throw new UsageError("a bench run needs at least one --dut FILE declaring the device under test");
  }
  const seed = Number(v.seed ?? "1");
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a whole number ≥ 0, not '${v.seed}'`);
  let windowMs = 86_400_000;
  const windowAuto = v.window === "auto" || (v.window === undefined && mode === "bench");
  if (v.window !== undefined && v.window !== "auto") {
    windowMs = durationOption("--window", v.window);
    // A bench rehearsal against fast-polling emulated devices (hanbench virtual --poll) may use
    // seconds; real devices poll every few minutes at best, and virtual runs count hub hours.
    const floor = mode === "bench" ? 1_000 : 60_000;
    if (windowMs < floor) {
      throw new UsageError(`--window ${formatDuration(windowMs)} is too short; give at least ${formatDuration(floor)}`);
    }
  }
  if (v.reset && mode !== "bench") {
    throw new UsageError("--reset is for bench runs (with --port): a virtual run always starts from a fresh network");
  }
  let hubVariant: HubVariantName | undefined;
  if (v["hub-variant"] !== undefined) {
    if (!isHubVariantName(v["hub-variant"])) {
      throw new UsageError(`--hub-variant '${v["hub-variant"]}' is not one of ${HUB_VARIANTS.join(", ")}`);
    }
    hubVariant = v["hub-variant"];
  }
  let endpointLayout: EndpointLayoutName | undefined;
  if (v["endpoint-layout"] !== undefined) {
    if (!isEndpointLayoutName(v["endpoint-layout"])) {
      throw new UsageError(`--endpoint-layout '${v["endpoint-layout"]}' is not one of ${ENDPOINT_LAYOUTS.join(", ")}`);
    }
    endpointLayout = v["endpoint-layout"];
  }
  let joinTimeoutMs: number | undefined;
  if (v["join-timeout"] !== undefined) {
    if (mode !== "bench") throw new UsageError("--join-timeout is for bench runs (with --port)");
    joinTimeoutMs = durationOption("--join-timeout", v["join-timeout"]);
  }
  let duts: DutFile[] = [];
  try {
    duts = (v.dut ?? []).map(loadDutFile);
  } catch (err) {
    if (err instanceof DutFileError) throw new UsageError(err.message);
    throw err;
  }
  if (mode === "virtual" && v.state !== undefined) checkFreshState(v.state);
  const devices = mode === "virtual" ? parseDeviceList(v.devices ?? "ihd:compliant,ppmid:compliant") : [];
  checkDeviceLogRoom(mode === "virtual" ? devices.length : duts.length, mode);
  const adapter = v.adapter ?? "zstack";
  if (mode === "virtual" && !(VIRTUAL_ADAPTERS as readonly string[]).includes(adapter)) {
    throw new UsageError(`--adapter must be one of ${VIRTUAL_ADAPTERS.join(", ")} for a virtual run, got '${adapter}'`);
  }
  if (
    mode === "bench" &&
    (!(ADAPTER_TYPES as readonly string[]).includes(adapter) || !isSeAdapter(adapter as AdapterType))
  ) {
    throw new UsageError(
      `--adapter ${adapter}: bench runs need zstack or ember, the adapters that can register the hub's Smart Energy endpoints (see hardware/README.md)`,
    );
  }
  let benchFile: LabInfo | undefined;
  if (v["bench-file"] !== undefined) {
    try {
      benchFile = loadBenchFile(v["bench-file"]);
    } catch (err) {
      if (err instanceof BenchFileError) throw new UsageError(err.message);
      throw err;
    }
  }
  const lab = labInfo(benchFile, { lab: v.lab, operator: v.operator, notes: v.note });
  const requirements = v.requirements !== undefined ? loadRequirements(v.requirements) : undefined;
  const security = parseSecurity(v.security, v.cert, mode, adapter);
  const ppmids = devices.filter((d) => d.kind === "ppmid").length;
  if (adapter === "ember" && security === "cbke" && ppmids > EMBER_KEY_TABLE_SIZE) {
    throw new UsageError(
      `--devices: ${ppmids} PPMIDs with --security cbke on --adapter ember: the virtual NCP's key table holds ${EMBER_KEY_TABLE_SIZE} link keys, as the firmware build it plays; run at most ${EMBER_KEY_TABLE_SIZE} PPMIDs at once, or --security off`,
    );
  }
  let pollIntervalMs: number | undefined;
  if (v["poll-interval"] !== undefined) {
    if (mode !== "virtual")
      throw new UsageError("--poll-interval sets the emulated devices' polling: it is for virtual runs");
    pollIntervalMs = durationOption("--poll-interval", v["poll-interval"]);
    if (pollIntervalMs < 60_000) throw new UsageError("--poll-interval must be at least 1m of hub time");
  }
  let baseline: RunOptions["baseline"];
  if (v.baseline !== undefined) {
    try {
      baseline = { values: readBaseline(v.baseline), file: v.baseline };
    } catch (err) {
      if (err instanceof BaselineError) throw new UsageError(`--baseline: ${err.message}`);
      throw err;
    }
  }
  if (v.cases !== undefined) {
    try {
      parseCaseList(v.cases, CASES);
    } catch (err) {
      if (err instanceof CaseSelectionError) throw new UsageError(`--cases: ${err.message}`);
      throw err;
    }
  }
  return {
    mode,
    security,
    ...(v.cert !== undefined ? { cert: v.cert } : {}),
    devices,
    duts,
    port: v.port,
    adapter,
    windowMs,
    ...(windowAuto ? { windowAuto: true } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(v.cases !== undefined ? { cases: v.cases } : {}),
    ...(baseline ? { baseline } : {}),
    ...(joinTimeoutMs !== undefined ? { joinTimeoutMs } : {}),
    ...(hubVariant !== undefined ? { hubVariant } : {}),
    ...(endpointLayout !== undefined ? { endpointLayout } : {}),
    seed,
    state: v.state,
    reset: v.reset ?? false,
    evidence: v.evidence,
    json: v.json,
    junit: v.junit,
    html: v.html,
    capture: v.capture,
    quiet: v.quiet ?? false,
    ...(lab ? { lab } : {}),
    ...(requirements ? { requirements } : {}),
  };
}

/**
 * `--security` and `--cert`: key establishment on or off, and where a bench's certificate comes from. Link keys
 * are installed on Z-Stack and EmberZNet coordinators (src/host/link-security.ts, ember-link-security.ts);
 * other adapters refuse cbke.
 */
function parseSecurity(
  mode: string | undefined,
  cert: string | undefined,
  run: "virtual" | "bench",
  adapter: string,
): "cbke" | "off" {
  if (mode !== undefined && mode !== "cbke" && mode !== "off") {
    throw new UsageError(`--security is cbke or off, not '${mode}'`);
  }
  if (cert !== undefined && run === "virtual") {
    throw new UsageError("--cert is for bench runs (with --port): a virtual run makes its own test CA");
  }
  if (cert !== undefined && mode === "off")
    throw new UsageError("--cert gives the hub's certificate for --security cbke");
  const keyed = adapter === "zstack" || adapter === "ember";
  const chosen = mode ?? ((run === "virtual" && keyed) || cert !== undefined ? "cbke" : "off");
  if (chosen === "cbke" && !keyed) {
    throw new UsageError(
      `--security cbke needs --adapter zstack or ember: link keys are installed on Z-Stack and EmberZNet coordinators only`,
    );
  }
  if (chosen === "cbke" && run === "bench" && cert === undefined) {
    throw new UsageError("--security cbke on a bench needs the hub's certificate: --cert FILE (Certicom format)");
  }
  return chosen;
}

/**
 * Every DUT needs an entry in the hub's Device Log (16 entries); in a virtual run the ESME is a node of its
 * own and takes one too. A DUT without an entry could not join, and would fail COT-01 for the bench's limit.
 */
function checkDeviceLogRoom(duts: number, mode: "virtual" | "bench"): void {
  const room = mode === "virtual" ? DEVICE_LOG_CAPACITY - 1 : DEVICE_LOG_CAPACITY;
  if (duts <= room) return;
  throw new UsageError(
    mode === "virtual"
      ? `--devices lists ${duts} devices under test, but at most ${room} fit: the hub's Device Log holds ${DEVICE_LOG_CAPACITY} entries and the run's ESME, a node of its own, takes one`
      : `${duts} --dut files, but at most ${room} devices fit: the hub's Device Log holds ${DEVICE_LOG_CAPACITY} entries`,
  );
}

/** A virtual run's --state: a directory that does not exist yet (made now, to know it can be), or an empty one. */
function checkFreshState(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      try {
        makeDirs(dir, 0o700);
      } catch (e) {
        if (e instanceof OutputPathError) throw new UsageError(`--state: ${e.message}`);
        throw e;
      }
      return;
    }
    if (code === "ENOTDIR") throw new UsageError(`--state ${dir} is a file, not a directory`);
    throw new UsageError(`--state ${dir}: ${(err as Error).message}`);
  }
  if (entries.length > 0) {
    throw new UsageError(
      `--state ${dir} is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}): a virtual run starts from a fresh network; give a new or empty directory`,
    );
  }
}

const OPTIONS = {
  devices: { type: "string" },
  port: { type: "string" },
  adapter: { type: "string" },
  dut: { type: "string", multiple: true },
  window: { type: "string" },
  "poll-interval": { type: "string" },
  cases: { type: "string" },
  baseline: { type: "string" },
  "join-timeout": { type: "string" },
  "hub-variant": { type: "string" },
  "endpoint-layout": { type: "string" },
  reset: { type: "boolean" },
  seed: { type: "string" },
  state: { type: "string" },
  evidence: { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
  html: { type: "string" },
  capture: { type: "string" },
  requirements: { type: "string" },
  lab: { type: "string" },
  operator: { type: "string" },
  note: { type: "string", multiple: true },
  "bench-file": { type: "string" },
  security: { type: "string" },
  cert: { type: "string" },
  quiet: { type: "boolean" },
  resume: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const command: CliCommand = {
  async run(argv) {
    const opts = parseRunLine(argv);
    if (opts === "help") {
      process.stdout.write(`${HELP}\n`);
      return Exit.ok;
    }
    if ("resume" in opts) return executeResume(opts);
    return execute(opts);
  },
};

/** `--json`, `--junit`, `--html` and `--capture` can be written (each a UsageError naming its flag if not). */
function checkReportPaths(opts: Pick<RunOptions, "json" | "junit" | "html" | "capture">): void {
  const asked = { json: opts.json, junit: opts.junit, html: opts.html, capture: opts.capture };
  for (const [flag, path] of Object.entries(asked)) {
    if (path === undefined) continue;
    try {
      checkWritable(path);
    } catch (err) {
      if (err instanceof OutputPathError) throw new UsageError(`--${flag}: ${err.message}`);
      throw err;
    }
  }
}

/**
 * Checks every output path before the run starts (a run that cannot keep its results is not started) and
 * gives the evidence path: the one asked for, or `evidence.jsonl` in a new run directory of its own.
 */
function prepareOutputs(opts: RunOptions, newRunDir: () => string): string {
  checkReportPaths(opts);
  try {
    if (opts.evidence === undefined) return join(newRunDir(), "evidence.jsonl");
    checkWritable(opts.evidence);
    closeSync(openNewEvidenceFile(opts.evidence));
    return opts.evidence;
  } catch (err) {
    if (err instanceof OutputPathError || err instanceof EvidenceFileError) {
      throw new UsageError(`${opts.evidence === undefined ? "" : "--evidence: "}${err.message}`);
    }
    throw err;
  }
}

async function execute(opts: RunOptions): Promise<number> {
  const { newRunDir, runSuite } = await import("../runner/run.js");
  const evidencePath = prepareOutputs(opts, () => newRunDir());
  const stop = stopOnSignals("run", "stopping after the current step; the reports will cover the evidence so far");
  try {
    return await runAndReport(opts, evidencePath, runSuite, stop.signal);
  } finally {
    stop.dispose();
  }
}

/**
 * `--resume EVIDENCE`: every check first (run-resume.ts; the outputs too), then the torn last line of the log
 * goes and the run continues in it.
 */
async function executeResume(args: ResumeArgs): Promise<number> {
  const { point, ...resumed } = resumedRun(args);
  const { windowAuto, ...rest } = resumed;
  const opts: RunOptions = {
    ...rest,
    ...(windowAuto ? { windowAuto: true } : {}),
    devices: [],
    reset: false,
    evidence: point.path,
    quiet: args.quiet,
    ...(args.json !== undefined ? { json: args.json } : {}),
    ...(args.junit !== undefined ? { junit: args.junit } : {}),
    ...(args.html !== undefined ? { html: args.html } : {}),
    ...(args.capture !== undefined ? { capture: args.capture } : {}),
  };
  checkReportPaths(opts);
  const { runSuite } = await import("../runner/run.js");
  const stop = stopOnSignals("run", "stopping after the current step; the reports will cover the evidence so far");
  try {
    cutTornLine(point);
    return await runAndReport(opts, point.path, runSuite, stop.signal, { point, policy: windowAuto });
  } finally {
    stop.dispose();
  }
}

async function runAndReport(
  opts: RunOptions,
  evidencePath: string,
  runSuite: typeof import("../runner/run.js").runSuite,
  signal: AbortSignal,
  resume?: { point: ResumePoint; policy: WindowPolicy | undefined },
): Promise<number> {
  const herdsman = herdsmanVersion();
  const bench =
    opts.mode === "bench"
      ? await benchSetup(
          {
            ...opts,
            ...(resume ? { resume: { events: resume.point.events, joined: resume.point.ended.has(PHASE.join) } } : {}),
          },
          signal,
        )
      : undefined;
  let outcome: Awaited<ReturnType<typeof runSuite>>;
  try {
    outcome = await runSuite({
      mode: opts.mode,
      devices: opts.devices,
      security: opts.security,
      seed: opts.seed,
      windowMs: opts.windowMs,
      ...(opts.windowAuto ? { windowAuto: resume?.policy ?? AUTO_WINDOW } : {}),
      ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
      ...(opts.cases !== undefined ? { cases: opts.cases } : {}),
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      evidencePath,
      ...(opts.mode === "virtual" ? { adapter: opts.adapter as VirtualAdapter } : {}),
      ...(opts.mode === "virtual" && opts.state !== undefined ? { stateDir: opts.state } : {}),
      ...(opts.mode === "virtual" && opts.hubVariant !== undefined ? { hubVariant: opts.hubVariant } : {}),
      ...(opts.mode === "virtual" && opts.endpointLayout !== undefined ? { endpointLayout: opts.endpointLayout } : {}),
      ...(opts.capture ? { capture: opts.capture } : {}),
      quiet: opts.quiet,
      tool: "hanbench",
      version: toolVersion(),
      signal,
      build: buildInfo(),
      ...(herdsman ? { herdsman } : {}),
      ...(opts.lab ? { lab: opts.lab } : {}),
      ...(opts.requirements ? { requirements: opts.requirements } : {}),
      ...(bench ? { benchEnv: bench.env } : {}),
      ...(resume ? { resume: resume.point } : {}),
    });
  } catch (err) {
    if (err instanceof StateDirError) throw new UsageError(`--state: ${err.message}`);
    if (bench?.isConfigError(err)) throw new UsageError((err as Error).message);
    if (bench) {
      process.stderr.write(`hanbench run: the bench did not start: ${redactText((err as Error).message)}\n`);
      return Exit.usage;
    }
    throw err;
  }
  const report = buildReport(outcome.events, {
    evidence: { file: evidencePath, ...(outcome.sha256 ? { sha256: outcome.sha256, seal: "matches" as const } : {}) },
  });
  const jsonPath = opts.json ?? join(dirname(evidencePath), "report.json");
  writeOutput(jsonPath, renderJson(report));
  if (opts.junit) writeOutput(opts.junit, renderJunit(report));
  if (opts.html) {
    const { renderHtml } = await import("../report/html.js");
    writeOutput(opts.html, renderHtml(report, outcome.events));
  }
  process.stdout.write(`${verdictTable(report)}\n`);
  const p = report.provenance;
  const files = [`report id ${p.reportId}`, `evidence ${evidencePath}`];
  if (p.evidence.sha256) files.push(`  sha256 ${p.evidence.sha256} (sealed in ${evidencePath}.sha256)`);
  files.push(`JSON ${jsonPath}`);
  if (opts.junit) files.push(`JUnit ${opts.junit}`);
  if (opts.html) files.push(`HTML ${opts.html}`);
  if (opts.capture) files.push(`capture ${opts.capture}`);
  process.stdout.write(`${files.join("\n")}\n`);
  if (outcome.notTestable) {
    process.stderr.write(`hanbench run: not testable with this hub certificate: ${redactText(outcome.notTestable)}\n`);
    return Exit.inconclusive;
  }
  if (outcome.aborted) {
    process.stderr.write(`hanbench run: the run stopped early: ${redactText(outcome.aborted)}\n`);
    return Math.max(exitCodeFor(report.summary), Exit.inconclusive);
  }
  return exitCodeFor(report.summary);
}

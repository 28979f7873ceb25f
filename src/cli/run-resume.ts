/**
 * `hanbench run --resume EVIDENCE`: the checks before an interrupted bench run continues (src/runner/resume.ts
 * reads the log). The run is the one its run event describes: its DUTs, `--cases`, window, hub variant, layout,
 * seed and security come from there, and an option given again that contradicts it is refused; the dongle, the
 * DUT files and the state directory must be those it ran with. Every refusal is one line (exit 2) that says
 * what to do.
 */
import { join } from "node:path";
import { existsSync } from "node:fs";
import { formatDuration } from "../duration.js";
import type { RunEvent } from "../evidence/events.js";
import { describeNetwork, NETWORK_FILE, readNetworkFile } from "../host/network.js";
import { DutFileError, type DutFile, loadDutFile } from "../runner/dut-file.js";
import { readResumePoint, ResumeError, type ResumePoint } from "../runner/resume.js";
import type { EndpointLayoutName } from "../hub/layout.js";
import type { HubVariantName } from "../hub/variants.js";
import { durationOption } from "./args.js";
import { DEFAULT_BENCH_STATE } from "./run-bench.js";
import { UsageError } from "./errors.js";

/** Options that describe a new run: a resumed one takes them from its run event. */
const FROM_THE_RUN = [
  "devices",
  "reset",
  "evidence",
  "poll-interval",
  "baseline",
  "lab",
  "operator",
  "note",
  "bench-file",
  "requirements",
] as const;

/** What `hanbench run --resume` was given (strings as typed; checked against the run event). */
export interface ResumeArgs {
  resume: string;
  port?: string;
  adapter?: string;
  dut?: string[];
  state?: string;
  window?: string;
  cases?: string;
  hubVariant?: string;
  endpointLayout?: string;
  seed?: string;
  security?: string;
  cert?: string;
  joinTimeout?: string;
  json?: string;
  junit?: string;
  html?: string;
  capture?: string;
  quiet: boolean;
}

/** The resumed run's options, as `hanbench run` would have them, and where the evidence stopped. */
export interface Resumed {
  mode: "bench";
  security: "cbke" | "off";
  cert?: string;
  duts: DutFile[];
  port: string;
  adapter: string;
  windowMs: number;
  windowAuto?: { factor: number; floorMs: number; ceilingMs: number };
  cases?: string;
  hubVariant?: HubVariantName;
  endpointLayout?: EndpointLayoutName;
  joinTimeoutMs?: number;
  seed: number;
  state: string;
  point: ResumePoint;
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** `--resume` with the other options as parsed; a new run's option (`--devices`, `--evidence` …) is refused. */
export function resumeArgs(v: Values): ResumeArgs {
  for (const name of FROM_THE_RUN) {
    if (v[name] !== undefined) {
      throw new UsageError(
        `--${name} cannot be given with --resume: a resumed run keeps what its run event says (leave --${name} out)`,
      );
    }
  }
  const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  const out: ResumeArgs = { resume: str("resume")!, quiet: v.quiet === true };
  const keys = [
    ["port", "port"],
    ["adapter", "adapter"],
    ["state", "state"],
    ["window", "window"],
    ["cases", "cases"],
    ["hubVariant", "hub-variant"],
    ["endpointLayout", "endpoint-layout"],
    ["seed", "seed"],
    ["security", "security"],
    ["cert", "cert"],
    ["joinTimeout", "join-timeout"],
    ["json", "json"],
    ["junit", "junit"],
    ["html", "html"],
    ["capture", "capture"],
  ] as const;
  for (const [key, flag] of keys) {
    const s = str(flag);
    if (s !== undefined) out[key] = s;
  }
  if (Array.isArray(v.dut)) out.dut = v.dut;
  return out;
}

/** A given option must say what the run event says. */
function same(flag: string, given: string | undefined, recorded: string | undefined, shown = recorded): void {
  if (given === undefined || given === recorded) return;
  throw new UsageError(
    `--${flag} ${given} contradicts the run being resumed (it ran with ${shown ?? "none"}): leave --${flag} out or give the same`,
  );
}

/** Reads the evidence and checks every option against it; throws UsageError (one line, exit 2). */
export function resumedRun(args: ResumeArgs): Resumed {
  const path = args.resume;
  let point: ResumePoint;
  try {
    point = readResumePoint(path);
  } catch (err) {
    if (err instanceof ResumeError) throw new UsageError(`--resume ${path} ${err.message}`);
    throw err;
  }
  const run: RunEvent = point.run;
  const hub = run.hub as { variant?: string; transport?: string; adapter?: string };
  const recordedPort = run.coordinator?.port ?? hub.transport;
  if (!recordedPort) throw new UsageError(`--resume ${path}: the run event names no dongle port; start a new run`);
  if (args.port !== undefined && args.port !== recordedPort) {
    throw new UsageError(
      `--port ${args.port} is not the dongle the run used (${recordedPort}): resume on the same dongle, or leave --port out`,
    );
  }
  const adapter = run.coordinator?.adapter ?? hub.adapter ?? "zstack";
  same("adapter", args.adapter, adapter);
  const duts = dutFiles(args.dut, run);
  const state = args.state ?? DEFAULT_BENCH_STATE;
  checkState(state, run, path);
  const windowShown = run.windowAuto ? "auto" : formatDuration(run.windowMs);
  if (args.window !== undefined && args.window !== "auto" && !run.windowAuto) {
    if (durationOption("--window", args.window) !== run.windowMs)
      same("window", args.window, `${run.windowMs}`, windowShown);
  } else same("window", args.window, run.windowAuto ? "auto" : undefined, windowShown);
  same("cases", args.cases, run.selection?.asked, run.selection?.asked ?? "every case");
  same("hub-variant", args.hubVariant, hub.variant);
  same("endpoint-layout", args.endpointLayout, run.endpointLayout);
  same("seed", args.seed, String(run.seed));
  const security = run.security?.mode ?? "off";
  same("security", args.security, security);
  if (security === "cbke" && args.cert === undefined) {
    throw new UsageError(
      "the run being resumed used key establishment (--security cbke): give the hub's certificate again with --cert FILE",
    );
  }
  if (security === "off" && args.cert !== undefined) {
    throw new UsageError("--cert: the run being resumed ran with --security off; leave --cert out");
  }
  const joinTimeoutMs = args.joinTimeout !== undefined ? durationOption("--join-timeout", args.joinTimeout) : undefined;
  return {
    mode: "bench",
    security,
    ...(args.cert !== undefined ? { cert: args.cert } : {}),
    duts,
    port: recordedPort,
    adapter,
    windowMs: run.windowMs,
    ...(run.windowAuto ? { windowAuto: run.windowAuto } : {}),
    ...(run.selection ? { cases: run.selection.asked } : {}),
    ...(hub.variant !== undefined ? { hubVariant: hub.variant as HubVariantName } : {}),
    ...(run.endpointLayout !== undefined ? { endpointLayout: run.endpointLayout as EndpointLayoutName } : {}),
    ...(joinTimeoutMs !== undefined ? { joinTimeoutMs } : {}),
    seed: run.seed,
    state,
    point,
  };
}

/**
 * The DUT files: those given (`--dut`), or those the run event names; either way, each DUT of the run and no
 * other, with the EUI-64 the run declared (a file changed since is refused).
 */
function dutFiles(given: string[] | undefined, run: RunEvent): DutFile[] {
  const recorded = run.duts;
  const paths = given ?? recorded.map((d) => d.dutFile ?? "");
  if (given === undefined && paths.some((p) => p === "")) {
    throw new UsageError("the run event does not name every DUT file: give them again with --dut FILE");
  }
  let files: DutFile[];
  try {
    files = paths.map(loadDutFile);
  } catch (err) {
    if (err instanceof DutFileError) {
      throw new UsageError(`${err.message}${given ? "" : " (a DUT file the run used): give it with --dut FILE"}`);
    }
    throw err;
  }
  const want = recorded.map((d) => d.ieee.toLowerCase()).sort();
  const got = files.map((f) => f.ieee.toLowerCase()).sort();
  if (want.join() !== got.join()) {
    for (const f of files) f.installCode.fill(0);
    throw new UsageError(
      `the DUT files (${got.join(", ") || "none"}) are not the run's DUTs (${want.join(", ")}): give the DUT files it ran with`,
    );
  }
  return files;
}

/** The state directory must hold the network the run formed or resumed (its channel, PAN id and extended PAN id). */
function checkState(dir: string, run: RunEvent, path: string): void {
  const file = join(dir, NETWORK_FILE);
  if (!existsSync(file)) {
    throw new UsageError(
      `--state ${dir} holds no network: not the state directory ${path} ran with; give that one with --state DIR`,
    );
  }
  let found: Record<string, unknown>;
  try {
    found = describeNetwork(readNetworkFile(file));
  } catch (err) {
    throw new UsageError(`--state ${dir}: ${(err as Error).message}`);
  }
  const h = run.hub as Record<string, unknown>;
  const keys = ["channel", "panId", "extendedPanId"].filter((k) => h[k] !== undefined);
  const differs = keys.find((k) => String(found[k]) !== String(h[k]));
  if (keys.length === 0 || differs) {
    throw new UsageError(
      `--state ${dir} is not the state directory the run used (${differs ? `${differs} ${String(found[differs])}, the run's ${String(h[differs])}` : "the run event names no network"}): give that one with --state DIR`,
    );
  }
}

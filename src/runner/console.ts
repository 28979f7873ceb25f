/**
 * The bench console of `hanbench serve`: one command per line, from a person at a terminal or from a
 * script on a pipe. Every answer is one or more lines on `out`. A bad line — an unknown command, a missing
 * or malformed argument, a refusal by the hub — is one `ConsoleError` whose message is a single line with a
 * hint (the usage, `help CMD`); the caller prints it as `error: …` and the hub keeps running. Nothing a
 * line says can throw anything else out of `execute`.
 *
 * `help` lists the commands, `help CMD` tells one; `complete(line)` gives readline's tab completion
 * (command names, the EUI-64s the hub knows, the words a command takes).
 *
 * With a session (src/runner/session.ts) the console also keeps the session's evidence: a device added is
 * declared (an IHD or PPMID as a device under test, a meter as admitted), `permit`, `message` and `cot`
 * mark its phases, and the DUT commands (console-dut.ts: status, probe, holds, verdict, the waits for
 * scripts) ask the evidence.
 */
import { CotRefusedError, type Tenancy } from "../cluster-cot/tenancy.js";
import { hex, normaliseEui64 } from "../hex.js";
import { DeviceLogError, GbcsDeviceType } from "../hub/device-log.js";
import type { Hub } from "../hub/hub.js";
import { type Clock, msToZclUtc } from "../hub/clock.js";
import { formatDuration, parseDuration } from "../duration.js";
import type { Host } from "../host/host.js";
import { attributeDef, clusterById } from "../zcl/index.js";
import type { EndpointRole } from "../evidence/events.js";
import type { CotRecord } from "../cluster-cot/tenancy.js";
import { type DutCommands, dutKindOf } from "./console-dut.js";
import { ConsoleError } from "./console-error.js";

export { ConsoleError };
import type { ServeSession } from "./session.js";

/** Words a device type can be given as in `add`, with its GBCS device type. */
const TYPES: Record<string, number> = {
  ihd: GbcsDeviceType.TYPE2,
  type2: GbcsDeviceType.TYPE2,
  ppmid: GbcsDeviceType.PPMID,
  esme: GbcsDeviceType.ESME,
  gsme: GbcsDeviceType.GSME,
  hcalcs: GbcsDeviceType.HCALCS,
};

/** The longest `wait` (a day): anything longer is a typing mistake, not a plan. */
const MAX_WAIT_MS = 86_400_000;

/** How long `message` waits for the DUTs to acknowledge the DisplayMessage (real ms). */
const DELIVERY_MS = 5_000;

/** Default limit of `wait fetch|cot-query|clear` (real ms). */
const DUT_WAIT_MS = 120_000;

/** Refusals by the hub whose message says what was wrong with the argument. */
function isArgumentRefusal(err: unknown): boolean {
  return err instanceof DeviceLogError && ["bad-eui64", "bad-type", "bad-install-code"].includes(err.code);
}

export interface ConsoleDeps {
  host: Host;
  hub: Hub;
  tenancy: Tenancy;
  clock: Clock;
  out(line: string): void;
  /** The session's evidence and the DUT commands (serve); without them those commands are refused. */
  session?: ServeSession;
  dut?: DutCommands;
  /** Called after every line that ran (the hub keeps its state: src/runner/session-state.ts). */
  afterLine?(): void;
}

/** What completes an argument: an EUI-64 the hub knows, or one of a few words. */
type ArgCompletion = "eui64" | readonly string[];

interface CommandDef {
  /** `cot [WHEN] [CONTROL] [push]` */
  usage: string;
  /** One line for `help`. */
  summary: string;
  /** More lines for `help CMD`. */
  more?: string[];
  /** Completion of each argument position (absent: nothing to offer). */
  args?: ArgCompletion[];
  run(args: string[], signal: AbortSignal): Promise<void> | void;
}

/** Splits a line into words; double quotes group words (`message "two words"`). */
export function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `attr 0x0200` → `changeOfTenancyUpdateDateTime`, or the hex id when src/zcl does not know it. */
export function attributeName(clusterId: number, attrId: number): string {
  return attributeDef(clusterId, attrId)?.name ?? hex(attrId, 4);
}

/** A cluster's short name (`seMetering` → `Metering`), or its hex id. */
export function clusterName(clusterId: number): string {
  const c = clusterById(clusterId);
  if (!c) return hex(clusterId, 4);
  const name = c.aliases?.[0] ?? c.name;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * An ISO time as the console takes it: a date, or a date and time with seconds optional; without a zone it
 * is UTC (hub time is UTC). Undefined when the text is not one.
 */
export function parseIsoTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(m[2] ? `${m[1]}T${m[2]}${m[3] ?? "Z"}` : `${m[1]}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A length of time given as seconds (`90`) or a duration (`90s`, `2m`). */
function seconds(text: string, what: string): number {
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Math.round(Number(text) * 1000);
  else {
    try {
      ms = parseDuration(text);
    } catch {
      throw new ConsoleError(`${what}: '${text}' is not a number of seconds nor a duration (90, 90s, 2m)`);
    }
  }
  if (ms > MAX_WAIT_MS) throw new ConsoleError(`${what}: ${formatDuration(ms)} is longer than a day`);
  return ms;
}

/** Whether `seconds()` takes the text. */
function isSeconds(text: string): boolean {
  if (/^\d+(\.\d+)?$/.test(text)) return true;
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Resolves after `ms`, or at once with `false` when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => finish(true), ms);
    const onAbort = () => finish(false);
    function finish(ok: boolean) {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export class BenchConsole {
  readonly #d: ConsoleDeps;
  readonly #commands: Record<string, CommandDef>;
  readonly #aliases: Record<string, string> = { "?": "help", exit: "quit" };
  /** Aborts the command in progress (Ctrl-C at the terminal). */
  #running: AbortController | undefined;

  /** Devices admitted in this session (a device in herdsman's database may be off the network). */
  readonly #joined = new Set<string>();

  constructor(deps: ConsoleDeps) {
    this.#d = deps;
    deps.host.on("join", (e) => {
      if (e.accepted) this.#joined.add(e.device);
    });
    const types = Object.keys(TYPES);
    this.#commands = {
      add: {
        usage: "add EUI64 INSTALL_CODE [TYPE]",
        summary: "put a device in the Device Log and give its install code to the coordinator",
        more: [
          `TYPE: ${types.join(", ")} (default ihd, a GBCS Type 2 device). EUI64: 16 hex digits, with or without`,
          "0x and separators. INSTALL_CODE: the 16-byte code and its 2-byte CRC as 36 hex digits, from the label.",
          "The Device Log holds 16 entries.",
        ],
        args: ["eui64", [], types],
        run: (args) => this.#add(args),
      },
      remove: {
        usage: "remove EUI64",
        summary: "take a device out of the Device Log (a joined device is asked to leave)",
        args: ["eui64"],
        run: (args) => this.#remove(args),
      },
      log: { usage: "log", summary: "list the Device Log", run: (args) => this.#log(args) },
      permit: {
        usage: "permit [SECONDS|off]",
        summary: "open joining (default 254 s, the most Zigbee allows) or close it",
        args: [["off", "254"]],
        run: (args) => this.#permit(args),
      },
      message: {
        usage: "message [TEXT]",
        summary: "publish a supplier message (pushed as DisplayMessage from the GPF and the ESME)",
        more: ['The text gets the tenancy marker: T<n>-MSG-<id> TEXT. Quote text with spaces: message "new tariff".'],
        run: (args, signal) => this.#message(args, signal),
      },
      cot: {
        usage: "cot [WHEN] [CONTROL] [METER] [push]",
        summary: "perform a Change of Tenancy (one per meter)",
        more: [
          "WHEN: now (default), +DURATION (+30m, +2h, +1d) or an ISO time (2026-05-04T14:00Z; UTC when no zone).",
          "CONTROL: ProposedTenancyChangeControl, hex or decimal (default 0x600: clear consumption and supplier",
          "data). METER: gpf or esme (default both, one CoT each). push: also send PublishChangeOfTenancy",
          "unsolicited from the meter's endpoint (the device should ask by itself).",
        ],
        args: [
          ["now", "+30m", "+1h", "0x600", "gpf", "esme", "push"],
          ["0x200", "0x400", "0x600", "0", "gpf", "esme", "push"],
          ["gpf", "esme", "push"],
          ["push"],
        ],
        run: (args) => this.#cot(args),
      },
      status: {
        usage: "status",
        summary: "the CoTs recorded, what each meter serves, the devices under test and the detection window",
        run: (args) => {
          noArgs(args);
          this.#dutCommands().status();
        },
      },
      probe: {
        usage: "probe EUI64 console PORT | probe EUI64 off",
        summary: "how 'holds' learns what a device under test holds: its console (as hanbench virtual --console)",
        more: [
          "PORT: the serial console of a test build printing HIST, MSG, AGG and STATE lines up to END after 'dump'",
          "(the line format of 'hanbench virtual --console DIR', whose consoles are DIR/<label>).",
        ],
        args: ["eui64", ["console", "off"]],
        run: (args) => {
          const [eui64, ...rest] = args;
          if (!eui64) throw new ConsoleError("give the EUI-64");
          this.#dutCommands().probe(eui64Arg(eui64), rest);
        },
      },
      dut: {
        usage: "dut FILE",
        summary: "a device under test from its DUT file: in the Device Log, with its label, claims and probe",
        more: ["FILE: the DUT file of 'hanbench run --dut' (hardware/README.md section 5)."],
        run: async (args) => {
          const [path, ...extra] = args;
          if (!path) throw new ConsoleError("give the DUT file");
          noArgs(extra);
          await this.#dutCommands().dut(path);
        },
      },
      holds: {
        usage: "holds EUI64",
        summary: "probe a device under test now: what it holds, by period against each meter's CoT date",
        args: ["eui64"],
        run: async (args) => {
          const [eui64, ...extra] = args;
          if (!eui64) throw new ConsoleError("give the EUI-64");
          noArgs(extra);
          await this.#dutCommands().holds(eui64Arg(eui64));
        },
      },
      verdict: {
        usage: "verdict",
        summary: "the cases this session made judgeable, evaluated now (printed at quit too)",
        run: (args) => {
          noArgs(args);
          this.#dutCommands().verdict();
        },
      },
      devices: {
        usage: "devices",
        summary: "the devices the coordinator knows (interview, last seen, Device Log)",
        run: (args) => this.#devices(args),
      },
      requests: {
        usage: "requests EUI64 [N]",
        summary: "the last N (default 10) requests the device made, with attribute names",
        args: ["eui64"],
        run: (args) => this.#requests(args),
      },
      wait: {
        usage: "wait join [EUI64] [SECONDS] | wait fetch|cot-query|clear EUI64 [SECONDS] | wait window | wait SECONDS",
        summary: "wait for a join, a history fetch, a CoT query, a clear, the end of the window, or pause",
        more: [
          "join: a device joins (default 120 s). fetch: the hub served the device history and, with a probe, it",
          "holds some. cot-query: it reads 0x0200 or sends GetChangeOfTenancy after the last CoT. clear: a probe",
          "every 2 s shows none of the previous occupier's data (default 120 s each). window: the main CoT's",
          "clear is due. SECONDS may be a duration too (90s, 2m). Ctrl-C ends a wait at once.",
        ],
        args: [["join", "fetch", "cot-query", "clear", "window"], "eui64"],
        run: (args, signal) => this.#wait(args, signal),
      },
      help: {
        usage: "help [COMMAND]",
        summary: "the commands, or what one command takes",
        args: [[]],
        run: (args) => this.#help(args),
      },
      quit: { usage: "quit", summary: "stop the hub and exit", run: () => undefined },
    };
    // help completes command names
    this.#commands.help!.args = [Object.keys(this.#commands)];
  }

  /** The DUT commands, or the refusal when this console has no session (a console without evidence). */
  #dutCommands(): DutCommands {
    if (!this.#d.dut) throw new ConsoleError("this console keeps no session: no devices under test", false);
    return this.#d.dut;
  }

  /** The command names, in help order. */
  get commandNames(): string[] {
    return Object.keys(this.#commands);
  }

  /**
   * Runs one line. Resolves to "quit" when the session should end. Throws only ConsoleError: one line,
   * with a hint, for anything wrong with the line or refused by the hub.
   */
  async execute(line: string): Promise<"quit" | undefined> {
    const [word0, ...args] = words(line.replace(/#.*$/, ""));
    if (!word0) return undefined;
    const name = this.#aliases[word0.toLowerCase()] ?? word0.toLowerCase();
    const cmd = this.#commands[name];
    if (!cmd) throw new ConsoleError(`unknown command '${word0}'${this.#suggest(word0)}; 'help' lists the commands`);
    if (name === "quit") return "quit";
    const running = new AbortController();
    this.#running = running;
    try {
      await cmd.run(args, running.signal);
    } catch (err) {
      const hint = ` (usage: ${cmd.usage}; 'help ${name}')`;
      if (err instanceof ConsoleError) throw new ConsoleError(`${err.message}${err.usage ? hint : ""}`, false);
      if (isArgumentRefusal(err)) throw new ConsoleError(`${(err as Error).message}${hint}`, false);
      // a refusal by the hub (Device Log full, CoT refused, …) says why; anything else names the command
      const known = err instanceof DeviceLogError || err instanceof CotRefusedError || err instanceof RangeError;
      const message = err instanceof Error ? err.message : String(err);
      throw new ConsoleError(known ? message : `${name} failed: ${message}`, false);
    } finally {
      if (this.#running === running) this.#running = undefined;
      this.#d.afterLine?.();
    }
    return undefined;
  }

  /** Ends the command in progress (a wait stops at once); true if one was running. */
  interrupt(): boolean {
    if (!this.#running) return false;
    this.#running.abort();
    return true;
  }

  /**
   * readline's completer: the candidates for the word under the cursor (at the end of `line`) and that word.
   * Candidates keep the case the word is typed in.
   */
  complete(line: string): [string[], string] {
    const parts = line.split(/\s+/);
    const current = parts.pop() ?? "";
    const before = parts.filter((p) => p !== "");
    if (before.length === 0) {
      return [this.commandNames.filter((n) => n.startsWith(current.toLowerCase())).map((n) => `${n} `), current];
    }
    const name = this.#aliases[before[0]!.toLowerCase()] ?? before[0]!.toLowerCase();
    const cmd = this.#commands[name];
    const position = before.length - 1;
    let kind = cmd?.args?.[position];
    // `wait join EUI64`, `wait cot-query EUI64`: the EUI-64 follows the word
    if (name === "wait" && position >= 1) kind = "eui64";
    if (!kind) return [[], current];
    if (kind === "eui64") return [this.#completeEui64(current), current];
    const lower = current.toLowerCase();
    return [kind.filter((w) => w.toLowerCase().startsWith(lower)).map((w) => `${w} `), current];
  }

  /** EUI-64s of the Device Log and of the devices the coordinator knows that start with `typed`. */
  #completeEui64(typed: string): string[] {
    const known = new Set([
      ...this.#d.hub.deviceLog.list().map((e) => e.eui64),
      ...this.#d.host.devices().map((d) => d.ieee),
    ]);
    const withPrefix = /^0x/i.test(typed);
    const digits = typed.replace(/^0x/i, "").replace(/[:\-.]/g, "");
    const upper = /[A-F]/.test(digits) || (!/[a-f]/.test(digits) && !withPrefix);
    const out: string[] = [];
    for (const ieee of [...known].sort()) {
      const hex16 = ieee.slice(2);
      if (!hex16.startsWith(digits.toLowerCase())) continue;
      const text = upper ? hex16.toUpperCase() : hex16;
      out.push(`${withPrefix ? typed.slice(0, 2) : ""}${text} `);
    }
    return out;
  }

  #suggest(word: string): string {
    const w = word.toLowerCase();
    const close = this.commandNames.find((n) => n.startsWith(w.slice(0, 3)) || distance(n, w) <= 2);
    return close ? ` (did you mean '${close}'?)` : "";
  }

  #help(args: string[]): void {
    const [name] = args;
    if (name) {
      const key = this.#aliases[name.toLowerCase()] ?? name.toLowerCase();
      const cmd = this.#commands[key];
      if (!cmd) throw new ConsoleError(`no command '${name}'${this.#suggest(name)}`);
      this.#d.out(`${cmd.usage}`);
      this.#d.out(`  ${cmd.summary}`);
      for (const l of cmd.more ?? []) this.#d.out(`  ${l}`);
      return;
    }
    const width = Math.max(...Object.values(this.#commands).map((c) => c.usage.length));
    this.#d.out("commands (one per line; EUI64 as 16 hex digits; Tab completes; 'help CMD' for one command):");
    for (const c of Object.values(this.#commands)) this.#d.out(`  ${c.usage.padEnd(width)}  ${c.summary}`);
  }

  async #add(args: string[]): Promise<void> {
    const [eui64, code, typeName = "ihd", ...extra] = args;
    if (!eui64 || !code)
      throw new ConsoleError(eui64 ? "give the install code too" : "give the EUI-64 and install code");
    if (extra.length) throw new ConsoleError(`unexpected '${extra[0]}'`);
    const deviceType = TYPES[typeName.toLowerCase()];
    if (deviceType === undefined) {
      throw new ConsoleError(`unknown device type '${typeName}' (one of ${Object.keys(TYPES).join(", ")})`);
    }
    const added = await this.#d.host.addDevice({ eui64, installCode: code, deviceType });
    const log = this.#d.hub.deviceLog;
    const kind = dutKindOf(deviceType);
    const session = this.#d.session;
    if (session && kind) session.declare({ decl: { label: added, kind, ieee: added, probe: "operator" } });
    else session?.admit({ label: typeName.toLowerCase(), ieee: added });
    this.#d.out(`added ${added} to the Device Log (${log.size}/${log.capacity})`);
  }

  async #remove(args: string[]): Promise<void> {
    const [eui64, ...extra] = args;
    if (!eui64) throw new ConsoleError("give the EUI-64");
    if (extra.length) throw new ConsoleError(`unexpected '${extra[0]}'`);
    await this.#d.host.removeDevice(eui64Arg(eui64));
    this.#d.session?.forget(eui64Arg(eui64));
    this.#d.out(`removed ${eui64Arg(eui64)} from the Device Log`);
  }

  #log(args: string[]): void {
    noArgs(args);
    const log = this.#d.hub.deviceLog;
    const entries = log.list();
    this.#d.out(`Device Log ${entries.length}/${log.capacity}`);
    for (const e of entries) this.#d.out(`  ${e.eui64}  ${e.typeName}`);
  }

  async #permit(args: string[]): Promise<void> {
    if (args.length > 1) throw new ConsoleError(`unexpected '${args[1]}'`);
    const arg = args[0] ?? "254";
    const secs = arg.toLowerCase() === "off" ? 0 : /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
    if (!Number.isInteger(secs) || secs < 0 || secs > 254) {
      throw new ConsoleError(`permit takes 0..254 seconds or 'off', not '${arg}'`);
    }
    await this.#d.host.permitJoin(secs);
    if (secs > 0) this.#d.session?.permitted();
    this.#d.out(secs === 0 ? "joining closed" : `joining open for ${secs} s`);
  }

  async #message(args: string[], signal: AbortSignal): Promise<void> {
    const text = args.join(" ");
    this.#d.session?.baselineAction();
    const from = this.#d.session?.nextSeq() ?? 0;
    const msg = this.#d.hub.publishMessage(text ? { text } : {});
    this.#d.out(`message ${msg.messageId} published: ${msg.text}`);
    // so that a probe right after this sees it: the push reaches the DUTs before the probe's dump request
    await this.#d.dut?.awaitDelivery(from, msg.roles, DELIVERY_MS, signal);
  }

  async #cot(args: string[]): Promise<void> {
    const now = this.#d.clock.now();
    let implementationTime: number | undefined;
    let control: number | undefined;
    let push = false;
    let meters: EndpointRole[] | undefined;
    const once = (what: string, given: unknown, a: string) => {
      if (given !== undefined && given !== false) throw new ConsoleError(`'${a}': ${what} given twice`);
    };
    for (const a of args) {
      if (a.toLowerCase() === "push") {
        once("push", push, a);
        push = true;
      } else if (a.toLowerCase() === "gpf" || a.toLowerCase() === "esme") {
        once("the meter", meters, a);
        meters = [a.toLowerCase() as EndpointRole];
      } else if (a.toLowerCase() === "now") {
        once("the time", implementationTime, a);
        implementationTime = now;
      } else if (a.startsWith("+")) {
        once("the time", implementationTime, a);
        let ms: number;
        try {
          ms = parseDuration(a.slice(1));
        } catch {
          throw new ConsoleError(`'${a}' is not +DURATION (+30m, +2h, +1d)`);
        }
        implementationTime = now + ms;
      } else if (/^(0x[0-9a-f]+|\d+)$/i.test(a)) {
        once("the control", control, a);
        control = Number(a);
      } else {
        const at = parseIsoTime(a);
        if (at === undefined) {
          throw new ConsoleError(`'${a}' is not now, +DURATION, an ISO time, a control value, a meter or 'push'`);
        }
        once("the time", implementationTime, a);
        implementationTime = at;
      }
    }
    // whole seconds, as ZCL UTCTime carries the time: a device must not see the CoT before the hub does
    const at = Math.ceil((implementationTime ?? now) / 1000) * 1000;
    // as asked (the record is on the whole second after it)
    const ahead = Math.round(((implementationTime ?? now) - now) / 1000) * 1000;
    const when = ahead > 0 ? `in ${formatDuration(ahead)}` : ahead < 0 ? `${formatDuration(-ahead)} ago` : "now";
    // one CoT per meter (GCS09 on the GPF, ECS12 on the ESME), both by default, recorded at one hub time so
    // the cases take them as one CoT (cluster-cot view.ts cotSets)
    const list = meters ?? (["gpf", "esme"] as const);
    // refused before anything is recorded (the tenancy rules of each meter), so a line records all or none
    for (const meter of list) {
      this.#d.tenancy.build({
        meter,
        implementationTime: at,
        recordedAt: now,
        ...(control === undefined ? {} : { control }),
      });
    }
    const recorded: CotRecord[] = [];
    this.#d.session?.beforeCot();
    try {
      for (const meter of list) {
        recorded.push(await this.#cotOn(meter, at, now, push, control, when));
      }
    } finally {
      this.#d.session?.afterCot(recorded);
    }
  }

  async #cotOn(
    meter: EndpointRole,
    at: number,
    now: number,
    push: boolean,
    control: number | undefined,
    when: string,
  ): Promise<CotRecord> {
    const rec = await this.#d.tenancy.record(this.#d.hub, {
      meter,
      implementationTime: at,
      recordedAt: now,
      push,
      ...(control === undefined ? {} : { control }),
    });
    this.#d.out(
      `CoT recorded on the ${meter.toUpperCase()}: from ${iso(rec.implementationTime)} (${when}, ZCL UTC ${msToZclUtc(rec.implementationTime)}), control ${hex(rec.control, 8)}, issuer event ${rec.issuerEventId}${push ? ", pushed" : ""}`,
    );
    return rec;
  }

  #devices(args: string[]): void {
    noArgs(args);
    const devices = this.#d.host.devices();
    if (devices.length === 0) this.#d.out("no devices on the network");
    for (const d of devices) {
      const seen = d.lastSeen ? ` last seen ${iso(d.lastSeen)}` : "";
      const model = d.modelId ? ` ${d.manufacturer ?? "?"}/${d.modelId}` : "";
      const log = d.inDeviceLog ? "" : " NOT IN DEVICE LOG";
      this.#d.out(`${d.ieee} nwk ${hex(d.nwk, 4)} ${d.type} interview ${d.interview}${model}${seen}${log}`);
    }
  }

  #requests(args: string[]): void {
    const [eui64, n = "10", ...extra] = args;
    if (!eui64) throw new ConsoleError("give the EUI-64");
    if (extra.length) throw new ConsoleError(`unexpected '${extra[0]}'`);
    const count = /^\d+$/.test(n) ? Number(n) : Number.NaN;
    if (!Number.isInteger(count) || count < 1) throw new ConsoleError(`'${n}' is not a count`);
    const ieee = eui64Arg(eui64);
    const list = this.#d.host.lastRequests(ieee, count);
    if (list.length === 0) this.#d.out(`no requests from ${ieee}`);
    for (const r of list) {
      const attrs = r.attrIds ? ` ${r.attrIds.map((a) => attributeName(r.clusterId, a)).join(", ")}` : "";
      this.#d.out(
        `${iso(r.at)} ep ${r.hubEp} (${r.role ?? "not a hub endpoint"}) ${clusterName(r.clusterId)} ${r.command}${attrs}`,
      );
    }
  }

  async #wait(args: string[], signal: AbortSignal): Promise<void> {
    const [what, ...rest] = args;
    if (!what) throw new ConsoleError("wait for what?");
    const w = what.toLowerCase();
    if (w === "join") return this.#waitJoin(rest, signal);
    if (w === "window") {
      noArgs(rest);
      return this.#dutCommands().waitWindow(signal);
    }
    if (w === "fetch" || w === "cot-query" || w === "clear") {
      const [eui64, limit, ...extra] = rest;
      if (!eui64) throw new ConsoleError(`wait ${w} for which device? give its EUI-64`);
      noArgs(extra);
      const ieee = eui64Arg(eui64);
      const ms = limit === undefined ? DUT_WAIT_MS : seconds(limit, `wait ${w}`);
      const dut = this.#dutCommands();
      if (w === "fetch") return dut.waitFetch(ieee, ms, signal);
      if (w === "cot-query") return dut.waitCotQuery(ieee, ms, signal);
      return dut.waitClear(ieee, ms, signal);
    }
    if (rest.length) throw new ConsoleError(`unexpected '${rest[0]}'`);
    const ms = seconds(what, "wait");
    if (!(await sleep(ms, signal))) throw new ConsoleError("wait interrupted", false);
  }

  async #waitJoin(args: string[], signal: AbortSignal): Promise<void> {
    let eui: string | undefined;
    let ms = 120_000;
    let timeGiven = false;
    for (const a of args) {
      if (looksLikeEui64(a)) {
        if (eui !== undefined) throw new ConsoleError(`unexpected '${a}': one EUI-64 at most`);
        eui = eui64Arg(a);
      } else if (isSeconds(a)) {
        if (timeGiven) throw new ConsoleError(`unexpected '${a}': one time limit at most`);
        timeGiven = true;
        ms = seconds(a, "wait join");
      } else eui = eui64Arg(a); // says what is wrong with it
    }
    const matches = (ieee: string) => !eui || ieee === eui;
    /** Joined in this session, and herdsman has finished (or will not start) its interview. */
    const settled = (ieee: string) => {
      const state = this.#d.host.devices().find((d) => d.ieee === ieee)?.interview;
      return state === "SUCCESSFUL" || state === "FAILED";
    };
    const already = [...this.#joined].find((ieee) => matches(ieee) && settled(ieee));
    if (already) {
      this.#d.out(`${already} is on the network`);
      return;
    }
    const host = this.#d.host;
    const ieee = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => finish(undefined), ms);
      const onInterview = (e: { device: string; status: string }) => {
        if (e.status !== "started" && matches(e.device)) finish(e.device);
      };
      // A device herdsman already knows (a rejoin) is not interviewed again: its join is the end.
      const onJoin = (e: { device: string; accepted: boolean }) => {
        if (e.accepted && matches(e.device) && settled(e.device)) finish(e.device);
      };
      const onAbort = () => finish(undefined);
      const finish = (v: string | undefined) => {
        clearTimeout(timer);
        host.off("interview", onInterview);
        host.off("join", onJoin);
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      };
      host.on("interview", onInterview);
      host.on("join", onJoin);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    if (signal.aborted) throw new ConsoleError("wait interrupted", false);
    if (!ieee) throw new ConsoleError(`no device joined within ${formatDuration(ms)}`, false);
    this.#d.out(`${ieee} joined`);
  }
}

function noArgs(args: string[]): void {
  if (args.length) throw new ConsoleError(`unexpected '${args[0]}'`);
}

/** 16 hex digits, with or without 0x and separators. */
export function looksLikeEui64(text: string): boolean {
  return /^(0x)?[0-9a-f]{16}$/i.test(text.replace(/[:\-.]/g, ""));
}

/** An EUI-64 argument in herdsman's form; a bad one is a ConsoleError. */
export function eui64Arg(text: string): string {
  try {
    return normaliseEui64(text);
  } catch (err) {
    throw new ConsoleError((err as Error).message);
  }
}

/** Levenshtein distance of two short words (for "did you mean"). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/**
 * The bench console of `hanbench serve`: one command per line, from a person at a terminal or from a
 * script on a pipe. Every answer is one or more lines on `out`; a bad command gives one `error: …` line and
 * the hub keeps running. `help` lists the commands.
 */
import type { Tenancy } from "../cluster-cot/tenancy.js";
import { hex, normaliseEui64 } from "../hex.js";
import { GbcsDeviceType } from "../hub/device-log.js";
import type { Hub } from "../hub/hub.js";
import { type Clock, msToZclUtc } from "../hub/clock.js";
import { formatDuration, parseDuration } from "../duration.js";
import type { Host } from "../host/host.js";

export const CONSOLE_HELP = `commands (one per line; EUI-64 as 16 hex digits, with or without 0x and separators):
  add EUI64 INSTALL_CODE [TYPE]   put a device in the Device Log (TYPE: ihd|type2 (default), ppmid, esme, gsme, hcalcs)
  remove EUI64                    take a device out of the Device Log (a joined device is asked to leave)
  log                             list the Device Log
  permit [SECONDS|off]            open joining (default 254 s, the most Zigbee allows) or close it
  message [TEXT]                  publish a supplier message (pushed as DisplayMessage from GPF and ESME)
  cot [WHEN] [CONTROL] [push]     perform a CoT. WHEN: now (default), +DURATION (+30m, +2h) or an ISO time;
                                  CONTROL: ProposedTenancyChangeControl (default 0x600); push: also send
                                  PublishChangeOfTenancy unsolicited
  devices                         the devices the coordinator knows (interview, last seen, Device Log)
  requests EUI64 [N]              the last N (default 10) requests the device made
  wait join [EUI64] [SECONDS]     wait until a device (or the given one) joins; default 120 s
  wait SECONDS                    pause (for scripts)
  help                            this text
  quit                            stop the hub and exit`;

const TYPES: Record<string, number> = {
  ihd: GbcsDeviceType.TYPE2,
  type2: GbcsDeviceType.TYPE2,
  ppmid: GbcsDeviceType.PPMID,
  esme: GbcsDeviceType.ESME,
  gsme: GbcsDeviceType.GSME,
  hcalcs: GbcsDeviceType.HCALCS,
};

export class ConsoleError extends Error {
  override name = "ConsoleError";
}

export interface ConsoleDeps {
  host: Host;
  hub: Hub;
  tenancy: Tenancy;
  clock: Clock;
  out(line: string): void;
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

export class BenchConsole {
  readonly #d: ConsoleDeps;

  /** Devices admitted in this session (a device in herdsman's database may be off the network). */
  readonly #joined = new Set<string>();

  constructor(deps: ConsoleDeps) {
    this.#d = deps;
    deps.host.on("join", (e) => {
      if (e.accepted) this.#joined.add(e.device);
    });
  }

  /** Runs one line. Resolves to "quit" when the session should end. Throws ConsoleError for bad input. */
  async execute(line: string): Promise<"quit" | undefined> {
    const [cmd, ...args] = words(line.replace(/#.*$/, ""));
    if (!cmd) return undefined;
    switch (cmd.toLowerCase()) {
      case "help":
      case "?":
        this.#d.out(CONSOLE_HELP);
        return undefined;
      case "add":
        return this.#add(args);
      case "remove":
        return this.#remove(args);
      case "log":
        return this.#log();
      case "permit":
        return this.#permit(args);
      case "message":
        return this.#message(args);
      case "cot":
        return this.#cot(args);
      case "devices":
        return this.#devices();
      case "requests":
        return this.#requests(args);
      case "wait":
        return this.#wait(args);
      case "quit":
      case "exit":
        return "quit";
      default:
        throw new ConsoleError(`unknown command '${cmd}' (type 'help' for the list)`);
    }
  }

  async #add(args: string[]): Promise<undefined> {
    const [eui64, code, typeName = "ihd"] = args;
    if (!eui64 || !code) throw new ConsoleError("usage: add EUI64 INSTALL_CODE [TYPE]");
    const deviceType = TYPES[typeName.toLowerCase()];
    if (deviceType === undefined) {
      throw new ConsoleError(`unknown device type '${typeName}' (one of ${Object.keys(TYPES).join(", ")})`);
    }
    const added = await this.#d.host.addDevice({ eui64, installCode: code, deviceType }).catch(rethrow);
    const log = this.#d.hub.deviceLog;
    this.#d.out(`added ${added} to the Device Log (${log.size}/${log.capacity})`);
    return undefined;
  }

  async #remove(args: string[]): Promise<undefined> {
    const [eui64] = args;
    if (!eui64) throw new ConsoleError("usage: remove EUI64");
    await this.#d.host.removeDevice(eui64).catch(rethrow);
    this.#d.out(`removed ${eui64} from the Device Log`);
    return undefined;
  }

  #log(): undefined {
    const log = this.#d.hub.deviceLog;
    const entries = log.list();
    this.#d.out(`Device Log ${entries.length}/${log.capacity}`);
    for (const e of entries) this.#d.out(`  ${e.eui64}  ${e.typeName}`);
    return undefined;
  }

  async #permit(args: string[]): Promise<undefined> {
    const arg = args[0] ?? "254";
    const seconds = arg === "off" ? 0 : Number(arg);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 254) {
      throw new ConsoleError(`permit takes 0..254 seconds or 'off' (got '${arg}')`);
    }
    await this.#d.host.permitJoin(seconds).catch(rethrow);
    this.#d.out(seconds === 0 ? "joining closed" : `joining open for ${seconds} s`);
    return undefined;
  }

  #message(args: string[]): undefined {
    const text = args.join(" ");
    const msg = this.#d.hub.publishMessage(text ? { text } : {});
    this.#d.out(`message ${msg.messageId} published (tenancy ${msg.tenancy}): ${msg.text}`);
    return undefined;
  }

  async #cot(args: string[]): Promise<undefined> {
    const now = this.#d.clock.now();
    let implementationTime = now;
    let control: number | undefined;
    let push = false;
    for (const a of args) {
      if (a === "push") push = true;
      else if (a === "now") implementationTime = now;
      else if (a.startsWith("+")) implementationTime = now + parseDuration(a.slice(1));
      else if (/^(0x[0-9a-f]+|\d+)$/i.test(a)) control = Number(a);
      else if (!Number.isNaN(Date.parse(a))) implementationTime = Date.parse(a);
      else throw new ConsoleError(`cot: '${a}' is not now, +DURATION, an ISO time, a control value or 'push'`);
    }
    const rec = await this.#d.tenancy
      .record(this.#d.hub, { implementationTime, push, ...(control === undefined ? {} : { control }) })
      .catch(rethrow);
    const when = rec.implementationTime > now ? `in ${formatDuration(rec.implementationTime - now)}` : "now";
    this.#d.out(
      `CoT recorded: tenancy ${rec.tenancy} from ${iso(rec.implementationTime)} (${when}, ZCL UTC ${msToZclUtc(rec.implementationTime)}), control ${hex(rec.control, 8)}, issuer event ${rec.issuerEventId}${push ? ", pushed" : ""}`,
    );
    return undefined;
  }

  #devices(): undefined {
    const devices = this.#d.host.devices();
    if (devices.length === 0) this.#d.out("no devices on the network");
    for (const d of devices) {
      const nwk = hex(d.nwk, 4);
      const seen = d.lastSeen ? ` last seen ${iso(d.lastSeen)}` : "";
      const model = d.modelId ? ` ${d.manufacturer ?? "?"}/${d.modelId}` : "";
      const log = d.inDeviceLog ? "" : " NOT IN DEVICE LOG";
      this.#d.out(`${d.ieee} nwk ${nwk} ${d.type} interview ${d.interview}${model}${seen}${log}`);
    }
    return undefined;
  }

  #requests(args: string[]): undefined {
    const [eui64, n = "10"] = args;
    if (!eui64) throw new ConsoleError("usage: requests EUI64 [N]");
    const count = Number(n);
    if (!Number.isInteger(count) || count < 1) throw new ConsoleError(`'${n}' is not a count`);
    const list = this.#d.host.lastRequests(eui64Arg(eui64), count);
    if (list.length === 0) this.#d.out(`no requests from ${eui64}`);
    for (const r of list) {
      const cluster = hex(r.clusterId, 4);
      const attrs = r.attrIds ? ` ${r.attrIds.map((a) => hex(a, 4)).join(",")}` : "";
      this.#d.out(`${iso(r.at)} ep ${r.hubEp} (${r.role ?? "not a hub endpoint"}) ${cluster} ${r.command}${attrs}`);
    }
    return undefined;
  }

  async #wait(args: string[]): Promise<undefined> {
    if (args[0] === "join") return this.#waitJoin(args.slice(1));
    const seconds = Number(args[0]);
    if (!(seconds >= 0)) throw new ConsoleError("usage: wait SECONDS | wait join [EUI64] [SECONDS]");
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return undefined;
  }

  async #waitJoin(args: string[]): Promise<undefined> {
    const euiText = args.find((a) => !/^\d+$/.test(a));
    const eui = euiText === undefined ? undefined : eui64Arg(euiText);
    const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? "120");
    const matches = (ieee: string) => !eui || ieee === eui;
    /** Joined in this session, and herdsman has finished (or will not start) its interview. */
    const settled = (ieee: string) => {
      const state = this.#d.host.devices().find((d) => d.ieee === ieee)?.interview;
      return state === "SUCCESSFUL" || state === "FAILED";
    };
    const already = [...this.#joined].find((ieee) => matches(ieee) && settled(ieee));
    if (already) {
      this.#d.out(`${already} is on the network`);
      return undefined;
    }
    const host = this.#d.host;
    const ieee = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => finish(undefined), seconds * 1000);
      const onInterview = (e: { device: string; status: string }) => {
        if (e.status !== "started" && matches(e.device)) finish(e.device);
      };
      // A device herdsman already knows (a rejoin) is not interviewed again: its join is the end.
      const onJoin = (e: { device: string; accepted: boolean }) => {
        if (e.accepted && matches(e.device) && settled(e.device)) finish(e.device);
      };
      const finish = (v: string | undefined) => {
        clearTimeout(timer);
        host.off("interview", onInterview);
        host.off("join", onJoin);
        resolve(v);
      };
      host.on("interview", onInterview);
      host.on("join", onJoin);
    });
    if (!ieee) throw new ConsoleError(`no device joined within ${seconds} s`);
    this.#d.out(`${ieee} joined`);
    return undefined;
  }
}

/** An EUI-64 argument in herdsman's form; a bad one is a ConsoleError. */
function eui64Arg(text: string): string {
  try {
    return normaliseEui64(text);
  } catch (err) {
    return rethrow(err);
  }
}

function rethrow(err: unknown): never {
  throw new ConsoleError(err instanceof Error ? err.message : String(err));
}

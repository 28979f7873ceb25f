/**
 * A device console for emulated displays, like the serial console of a test build of a real IHD or PPMID:
 * each device gets a pty (socat, as the dongle's own `--pty`) at `DIR/<label>`; writing `dump` and a line
 * end asks for its data store, which comes back as lines:
 *
 *   HIST <role> <item> <start>/<end> <value>          consumption and cost history with its period
 *                                                     (role esme or gpf; ISO 8601 interval)
 *   MSG <id> <received> <text>                        supplier messages, with when the copy was received
 *   AGG <role> <item> <start> <granularity> <value>   aggregates the device keeps (IHD)
 *   STATE <role> <item> <value>                       meter state (register readings)
 *   TOPUP <role> <item> <value>                       top-up history (PPMID)
 *   DEBT <role> <item> <value>                        debt-recovery information (PPMID)
 *   END
 *
 * `help` lists the commands; anything else is answered `ERR unknown command`. Lines end in \r\n.
 * The console reads the device's own store (`holdings()`), the same as the `virtual` probe does.
 */
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { HeldValue, Holdings } from "../evidence/events.js";
import { log } from "../log.js";
import { SocatPty } from "./transport/pty.js";

export interface ConsoleDevice {
  label: string;
  holdings(): Holdings;
}

/** A value or period as one word (no spaces, so a line splits cleanly). */
function word(v: unknown): string {
  const s = v === undefined || v === null || v === "" ? "-" : String(v);
  return s.replace(/\s+/g, "_");
}

/** The dump of a data store, one string per line, ending with END. */
export function dumpLines(h: Holdings): string[] {
  const value = (prefix: string, v: HeldValue) => `${prefix} ${v.role} ${word(v.item)} ${word(v.value)}`;
  const period = (c: HeldValue) => (c.period ? `${c.period}${c.periodEnd ? `/${c.periodEnd}` : ""}` : "-");
  return [
    ...h.consumption.map((c) => `HIST ${c.role} ${word(c.item)} ${period(c)} ${word(c.value)}`),
    ...h.messages.map((m) => `MSG ${m.messageId} ${word(m.receivedAt)} ${m.text.replace(/[\r\n]+/g, " ")}`),
    ...(h.aggregates ?? []).map((a) => `AGG ${a.role} ${word(a.item)} ${a.start} ${a.granularity} ${word(a.value)}`),
    ...(h.state ?? []).map((v) => value("STATE", v)),
    ...h.topUps.map((t) => value("TOPUP", t)),
    ...h.debts.map((d) => value("DEBT", d)),
    "END",
  ];
}

const HELP_LINES = ["commands: dump (data store: HIST, MSG, AGG, STATE, TOPUP, DEBT lines, then END), help", "END"];

/** Answers one command line; undefined for an empty line. */
export function answer(device: ConsoleDevice, line: string): string[] | undefined {
  const cmd = line.trim().toLowerCase();
  if (cmd === "") return undefined;
  if (cmd === "dump") return dumpLines(device.holdings());
  if (cmd === "help") return HELP_LINES;
  return [`ERR unknown command '${line.trim().slice(0, 40)}' (try help)`, "END"];
}

/** One device's console: a TCP server on 127.0.0.1 that socat exposes as a pty. */
export class DeviceConsole {
  readonly #log = log("virtual-console");
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #pty: SocatPty | undefined;

  private constructor(
    readonly device: ConsoleDevice,
    readonly path: string,
  ) {
    this.#server = createServer((socket) => this.#serve(socket));
  }

  /** Listens, then starts socat with a pty at `path`; resolves once the path exists. */
  static async start(device: ConsoleDevice, path: string): Promise<DeviceConsole> {
    const c = new DeviceConsole(device, path);
    const port = await new Promise<number>((resolve, reject) => {
      c.#server.once("error", reject);
      c.#server.listen(0, "127.0.0.1", () => {
        const addr = c.#server.address();
        resolve(typeof addr === "object" && addr ? addr.port : 0);
      });
    });
    c.#pty = new SocatPty(path, port);
    try {
      await c.#pty.start();
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  get ptyPid(): number | undefined {
    return this.#pty?.pid;
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      for (let i = pending.search(/[\r\n]/); i >= 0; i = pending.search(/[\r\n]/)) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        let lines: string[] | undefined;
        try {
          lines = answer(this.device, line);
        } catch (err) {
          lines = [`ERR ${(err as Error).message}`, "END"];
        }
        if (lines) socket.write(`${lines.join("\r\n")}\r\n`);
      }
      if (pending.length > 1024) pending = "";
    });
    socket.on("error", (err) => this.#log.debug({ err: err.message }, "console connection error"));
    socket.on("close", () => this.#sockets.delete(socket));
  }

  async stop(): Promise<void> {
    await this.#pty?.stop();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** File name of a device's console under the console directory: its label (`ihd-1` of `ihd-1 (ihd:compliant)`). */
export function consoleName(label: string): string {
  const short = label.split(" (")[0] ?? label;
  return short.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "device";
}

/** Starts a console for each device under `dir`; on failure stops those already started. */
export async function startConsoles(devices: ConsoleDevice[], dir: string): Promise<DeviceConsole[]> {
  const out: DeviceConsole[] = [];
  try {
    for (const d of devices) out.push(await DeviceConsole.start(d, join(dir, consoleName(d.label))));
  } catch (err) {
    await Promise.all(out.map((c) => c.stop()));
    throw err;
  }
  return out;
}

/**
 * A pty in front of the dongle's TCP port, made by socat as a child process:
 * `socat pty,raw,echo=0,link=PATH tcp:127.0.0.1:PORT`. serialport opens PATH with its native binding like
 * a USB dongle. socat connects to the dongle at start-up (so the dongle listens first) and exits, removing
 * the link, when that connection closes. Stopped by pid.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { log } from "../../log.js";

export function socatAvailable(): boolean {
  return spawnSync("socat", ["-V"], { stdio: "ignore" }).status === 0;
}

/** The pty path asked for cannot be used (something is there already). */
export class PtyPathError extends Error {
  override name = "PtyPathError";
}

export class SocatPty {
  readonly #log = log("virtual-pty");
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  constructor(
    readonly path: string,
    readonly port: number,
  ) {}

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts socat and resolves once PATH exists. */
  async start(timeoutMs = 5000): Promise<void> {
    if (existsSync(this.path))
      throw new PtyPathError(`${this.path} already exists; remove it or choose another --pty path`);
    const child = spawn("socat", [`pty,raw,echo=0,link=${this.path}`, `tcp:127.0.0.1:${this.port}`], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.#child = child;
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(this.path)) break;
      if (child.exitCode !== null) throw new Error(`socat exited (${child.exitCode}): ${stderr.trim()}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`socat did not create ${this.path} within ${timeoutMs} ms`);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 20)), spawnError]);
    }
    this.#log.debug({ path: this.path, pid: child.pid }, "pty ready");
  }

  /** Stops socat (SIGTERM to its pid) and resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await this.#exited;
  }
}

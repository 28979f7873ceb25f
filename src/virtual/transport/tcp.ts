/**
 * The dongle's TCP listener (herdsman path form `tcp://HOST:PORT`). One host at a time, as a serial port
 * can only be opened by one program: while a host is connected, a second connection is refused (closed,
 * logged). A host that reconnects right after closing may overtake its own close on the socket, so a
 * second connection first waits up to `graceMs` (500 ms) for the current one to close and takes its place
 * if it does.
 */
import { type Server, type Socket, createServer, isIPv4 } from "node:net";
import { log } from "../../log.js";

/** A settled promise: `.then` queues a microtask without Node's per-call async resource (queueMicrotask). */
const RESOLVED = Promise.resolve();

export interface HostLink {
  /** Bytes from the host. */
  onData(chunk: Buffer): void;
  /** A host connected: `write` sends it bytes. */
  onConnect(write: (bytes: Buffer) => void, socket: Socket): void;
  onDisconnect(): void;
}

/** Parses `tcp://host:port` (port 0 = any free port). */
export function parseTcpUrl(url: string): { host: string; port: number } {
  const m = /^tcp:\/\/([^:/]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(url);
  if (!m) throw new Error(`expected tcp://HOST:PORT, got '${url}'`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`port ${port} is out of range`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/**
 * Whether a listen address reaches this machine only: `localhost`, 127.0.0.0/8, `::1` (and 127.x written as an
 * IPv4-mapped IPv6 address). Anything else, the wildcard addresses 0.0.0.0 and :: first, is reachable from
 * other machines.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.replace(/^::ffff:/, "");
  return isIPv4(v4) && v4.startsWith("127.");
}

export class TcpHostServer {
  readonly #server: Server;
  readonly #log = log("virtual-tcp");
  #current: Socket | undefined;
  #waiting: { socket: Socket; timer: NodeJS.Timeout } | undefined;
  #refused = 0;
  graceMs = 500;

  constructor(private readonly link: HostLink) {
    this.#server = createServer((s) => this.#accept(s));
  }

  /** Connections refused because a host was already connected. */
  get refused(): number {
    return this.#refused;
  }

  get connected(): boolean {
    return this.#current !== undefined;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        const addr = this.#server.address();
        if (!addr || typeof addr === "string") return reject(new Error("TCP server has no address"));
        resolve({ host, port: addr.port });
      });
    });
  }

  #accept(s: Socket): void {
    if (this.#current) {
      if (this.#waiting) this.#refuse(s);
      else {
        const timer = setTimeout(() => {
          if (this.#waiting?.socket !== s) return;
          this.#waiting = undefined;
          this.#refuse(s);
        }, this.graceMs);
        this.#waiting = { socket: s, timer };
        s.once("close", () => {
          if (this.#waiting?.socket === s) {
            clearTimeout(this.#waiting.timer);
            this.#waiting = undefined;
          }
        });
      }
      return;
    }
    this.#current = s;
    s.setNoDelay(true);
    // The frames of one turn of the event loop (an SRSP and the callbacks that follow it from the medium's
    // microtasks) leave in one write, once every microtask of the turn has run: a promise reaction queues a
    // nextTick, and Node runs ticks queued by microtasks only when the microtask queue is empty. Sooner and
    // cheaper than a setImmediate (no immediate queue, no check phase), with the same bytes in the same order.
    let queued: Buffer[] = [];
    const flush = () => {
      const out = queued.length === 1 ? queued[0]! : Buffer.concat(queued);
      queued = [];
      if (!s.destroyed) s.write(out);
    };
    const flushAfterMicrotasks = () => process.nextTick(flush);
    const write = (bytes: Buffer) => {
      if (s.destroyed) return;
      if (queued.length === 0) void RESOLVED.then(flushAfterMicrotasks);
      queued.push(bytes);
    };
    s.on("data", (chunk: Buffer) => this.link.onData(chunk));
    s.on("error", (err) => this.#log.debug({ err: String(err) }, "host socket error"));
    s.on("close", () => {
      if (this.#current === s) {
        this.#current = undefined;
        this.link.onDisconnect();
        const next = this.#waiting;
        if (next) {
          clearTimeout(next.timer);
          this.#waiting = undefined;
          if (!next.socket.destroyed) this.#accept(next.socket);
        }
      }
    });
    this.link.onConnect(write, s);
  }

  #refuse(s: Socket): void {
    this.#refused += 1;
    this.#log.warn(
      { remote: `${s.remoteAddress}:${s.remotePort}` },
      "second host connection refused: one host at a time",
    );
    s.destroy();
  }

  /** Closes the current host connection (the listener stays). */
  dropHost(): void {
    this.#current?.destroy();
  }

  close(): Promise<void> {
    if (this.#waiting) {
      clearTimeout(this.#waiting.timer);
      this.#waiting.socket.destroy();
      this.#waiting = undefined;
    }
    this.#current?.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * The dongle's TCP listener (herdsman path form `tcp://HOST:PORT`). One host at a time, as a serial port
 * can only be opened by one program: while a host is connected, a second connection is refused (closed,
 * logged). A host that reconnects right after closing may overtake its own close on the socket, so a
 * second connection first waits up to `graceMs` (500 ms) for the current one to close and takes its place
 * if it does.
 */
import { writeSync } from "node:fs";
import { type Server, Socket, createServer, isIPv4 } from "node:net";
import { log } from "../../log.js";

/** A settled promise: `.then` queues a microtask without Node's per-call async resource (queueMicrotask). */
const RESOLVED = Promise.resolve();

/** Passes of the microtask queue without a new frame after which a turn's frames are written. */
const QUIET_PASSES = 3;

/** What of Node's handle of a TCP socket (`socket._handle`, a TCPWrap) the host's socket is read and written by. */
interface TcpWrap {
  readonly fd: number;
  useUserBuffer(buffer: Uint8Array): void;
}

/** The handle of an accepted socket when it has what `hostSocket` needs (a descriptor, user-buffer reads). */
function tcpWrapOf(s: Socket): TcpWrap | undefined {
  const h = (s as unknown as { _handle?: Partial<TcpWrap> | null })._handle;
  return h && typeof h.fd === "number" && h.fd >= 0 && typeof h.useUserBuffer === "function"
    ? (h as TcpWrap)
    : undefined;
}

/**
 * The host's connection, taken over from the socket the server accepted (Node's handle moved to a new
 * `Socket`) so that what the host sends comes to `onBytes` straight from the socket's read, into a buffer of
 * ours (Node's `onread`, which `net` offers only for the sockets it connects), instead of through a Readable
 * stream: no push, addChunk, 'data' event or maybeReadMore tick per read, and far less of Node's code for V8
 * to optimise. Each read is copied out of that buffer (the parsers keep views of what they are given).
 * `undefined` when the handle is not one this knows (the caller then reads the socket as a stream).
 */
function hostSocket(accepted: Socket, onBytes: (chunk: Buffer) => void): { socket: Socket; fd: number } | undefined {
  const handle = tcpWrapOf(accepted);
  if (!handle) return undefined;
  // the accepted socket lets go of the handle (still reading: the new socket finds it so and goes on) and is
  // destroyed without closing it, which also takes it off the server's connection count
  (accepted as unknown as { _handle: unknown })._handle = null;
  accepted.destroy();
  const socket = new Socket({
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer: Buffer.allocUnsafe(64 * 1024),
      callback: (n: number, buf: Uint8Array) => {
        const chunk = Buffer.allocUnsafe(n);
        chunk.set(buf.subarray(0, n));
        onBytes(chunk);
      },
    },
  } as ConstructorParameters<typeof Socket>[0]);
  return { socket, fd: handle.fd };
}

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
  #writes = 0;
  graceMs = 500;

  constructor(private readonly link: HostLink) {
    this.#server = createServer((s) => this.#accept(s));
  }

  /** Connections refused because a host was already connected. */
  get refused(): number {
    return this.#refused;
  }

  /** Writes made to hosts so far (each turn's frames go out in one). */
  get writes(): number {
    return this.#writes;
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

  /** A new connection; `promoted`: one that waited for the previous host to close (it has been read since). */
  #accept(accepted: Socket, promoted = false): void {
    if (this.#current) {
      const s = accepted;
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
    const onBytes = (chunk: Buffer) => this.link.onData(chunk);
    // a promoted connection keeps its stream: what it sent while waiting is held there
    const host = promoted ? undefined : hostSocket(accepted, onBytes);
    const s = host?.socket ?? accepted;
    const fd = host?.fd ?? -1;
    if (!host) s.on("data", onBytes);
    this.#current = s;
    s.setNoDelay(true);
    // The frames of one turn of the event loop (an SRSP, and the callbacks that follow it from the medium's
    // deliveries, a microtask each) leave in one write. The write waits in a microtask that queues itself
    // again behind whatever the turn has queued meanwhile, until QUIET_PASSES of its passes in a row have
    // brought no frame: a read's chain (the request delivered, the node's reply delivered) ends well inside
    // that. Cheaper than waiting for Node's tick queue (process.nextTick, processTicksAndRejections and
    // their async-hooks bookkeeping on every read, and optimised by V8 during the first reads) or a
    // setImmediate. A frame after a longer silence of the microtasks (a chain of QUIET_PASSES or more that
    // send nothing, then one that does) goes in a write of its own: the same bytes in the same order.
    let queued: Buffer[] = [];
    let seen = 0;
    let quiet = 0;
    const flushWhenQuiet = (): void => {
      if (queued.length !== seen) {
        seen = queued.length;
        quiet = 0;
      } else if (++quiet === QUIET_PASSES) {
        const out = queued.length === 1 ? queued[0]! : Buffer.concat(queued);
        queued = [];
        if (!s.destroyed) this.#send(s, fd, out);
        return;
      }
      void RESOLVED.then(flushWhenQuiet);
    };
    const write = (bytes: Buffer) => {
      if (s.destroyed) return;
      if (queued.length === 0) {
        seen = 1;
        quiet = 0;
        void RESOLVED.then(flushWhenQuiet);
      }
      queued.push(bytes);
    };
    s.on("error", (err) => this.#log.debug({ err: String(err) }, "host socket error"));
    s.on("close", () => {
      if (this.#current === s) {
        this.#current = undefined;
        this.link.onDisconnect();
        const next = this.#waiting;
        if (next) {
          clearTimeout(next.timer);
          this.#waiting = undefined;
          if (!next.socket.destroyed) this.#accept(next.socket, true);
        }
      }
    });
    this.link.onConnect(write, s);
  }

  /**
   * Writes `out` to the host: with one write(2) on the socket's descriptor (`fd`, -1 for none) while
   * nothing waits in the socket's own queue, which is all a Writable stream's write comes to then, without
   * its code; what the kernel does not take at once (a host not reading), and what follows it until that
   * queue has drained, goes through `socket.write`, so the bytes keep their order. An error (the host has
   * gone) is left to `socket.write` to report.
   */
  #send(s: Socket, fd: number, out: Buffer): void {
    this.#writes += 1;
    let rest = out;
    if (fd >= 0 && s.writableLength === 0) {
      let n = 0;
      try {
        n = writeSync(fd, out);
      } catch {
        // EAGAIN (the kernel's buffer is full), or the connection is gone
      }
      if (n === out.length) return;
      rest = out.subarray(n);
    }
    s.write(rest);
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

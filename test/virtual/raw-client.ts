/** A bare TCP client speaking MT to the virtual dongle, for tests below herdsman. */
import { type Socket, connect } from "node:net";
import { type MtFrame, MtType, UnpiParser, encodeFrame } from "../../src/virtual/znp/frame.js";

export class RawClient {
  readonly frames: MtFrame[] = [];
  readonly bytes: Buffer[] = [];
  #waiters: { match: (f: MtFrame) => boolean; resolve: (f: MtFrame) => void }[] = [];
  readonly #parser = new UnpiParser((f) => {
    const i = this.#waiters.findIndex((w) => w.match(f));
    if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(f);
    else this.frames.push(f);
  });
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (c: Buffer) => {
      this.bytes.push(c);
      this.#parser.push(c);
    });
    socket.on("close", () => {
      this.closed = true;
    });
  }

  static connect(url: string): Promise<RawClient> {
    const m = /^tcp:\/\/(.+):(\d+)$/.exec(url)!;
    return new Promise((resolve, reject) => {
      const s = connect(Number(m[2]), m[1]!, () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next frame matching, already received or to come. */
  next(match: (f: MtFrame) => boolean, timeoutMs = 2000): Promise<MtFrame> {
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const w = {
        match,
        resolve: (f: MtFrame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        reject(new Error("no matching frame"));
      }, timeoutMs);
      this.#waiters.push(w);
    });
  }

  /** Sends an SREQ and resolves with its SRSP (or the RPC error SRSP). */
  sreq(subsystem: number, command: number, data: Buffer = Buffer.alloc(0), timeoutMs = 2000): Promise<MtFrame> {
    const p = this.next(
      (f) => f.type === MtType.SRSP && ((f.subsystem === subsystem && f.command === command) || f.subsystem === 0),
      timeoutMs,
    );
    this.write(encodeFrame(MtType.SREQ, subsystem, command, data));
    return p;
  }

  /** Resolves once the connection is closed (by either side). */
  whenClosed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.socket.once("close", () => resolve());
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.destroy();
    });
  }
}

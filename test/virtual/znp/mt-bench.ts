/**
 * The virtual ZNP in process, driven by MT frames: what it sends comes back in order, so a test states the
 * exact sequence of frames a request causes. Frames are written as "CMD0 CMD1 DATA" in hex (CMD0 holds
 * the type: 0x61 is an SRSP of SYS, 0x45 an AREQ of ZDO, 0x60 the RPC error).
 */
import { RealClock } from "../../../src/hub/clock.js";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import { EmulatedNode } from "../../../src/virtual/han/node.js";
import { preformNetwork } from "../../../src/virtual/znp/commissioning.js";
import type { ZnpEmulator } from "../../../src/virtual/znp/emulator.js";
import { type MtFrame, UnpiParser, encodeFrame } from "../../../src/virtual/znp/frame.js";
import { createZnp } from "../../../src/virtual/znp/index.js";
import { ZnpState } from "../../../src/virtual/znp/state.js";

export const hex = (s: string) => Buffer.from(s.replace(/[\s|]+/g, ""), "hex");

/** A frame as "CMD0 CMD1 DATA" hex, e.g. "61 01 7904". */
export function show(f: MtFrame): string {
  const cmd0 = ((f.type << 5) | f.subsystem).toString(16).padStart(2, "0");
  return `${cmd0} ${f.command.toString(16).padStart(2, "0")} ${f.data.toString("hex")}`.trim();
}

/** "61 01 79 04" → "61 01 7904" (the form `show` gives). */
export function norm(s: string): string {
  const b = hex(s);
  return `${b.subarray(0, 2).toString("hex").replace(/^(..)/, "$1 ")} ${b.subarray(2).toString("hex")}`.trim();
}

export const COORDINATOR_IEEE = "0x00124b0001020304";
/** The coordinator's IEEE as it goes on the wire. */
export const COORDINATOR_LE = "0403020100 4b1200";
export const NETWORK_KEY = Buffer.from("01030507090b0d0f00020406080a0c0d", "hex");

export class MtBench {
  readonly medium = new HanMedium();
  readonly emu: ZnpEmulator;
  readonly nodes: EmulatedNode[] = [];
  readonly #queue: MtFrame[] = [];
  #waiter: ((f: MtFrame) => void) | undefined;
  readonly #parser = new UnpiParser((f) => {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w(f);
    } else this.#queue.push(f);
  });

  constructor(state = new ZnpState(COORDINATOR_IEEE)) {
    this.emu = createZnp({ state, medium: this.medium });
    this.emu.setSink((b) => this.#parser.push(b));
  }

  /** A coordinator that formed channel 15, PAN 0x1a62 with NETWORK_KEY earlier, up (state 9). */
  static formed(): MtBench {
    const b = new MtBench();
    preformNetwork(b.emu, { channel: 15, panId: 0x1a62, networkKey: NETWORK_KEY });
    b.emu.deviceState = 9;
    return b;
  }

  /** Sends one frame given as "CMD0 CMD1 DATA" hex. */
  send(frame: string): void {
    const b = hex(frame);
    this.emu.fromHost(encodeFrame(b[0]! >> 5, b[0]! & 0x1f, b[1]!, b.subarray(2)));
  }

  /** The next frame the coordinator sends, in order ("CMD0 CMD1 DATA"). */
  next(timeoutMs = 2000): Promise<string> {
    const f = this.#queue.shift();
    if (f) return Promise.resolve(show(f));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error("the coordinator sent nothing more"));
      }, timeoutMs);
      this.#waiter = (got) => {
        clearTimeout(timer);
        resolve(show(got));
      };
    });
  }

  /** Sends `frame` and returns the `count` frames that follow it. */
  async exchange(frame: string, count: number): Promise<string[]> {
    this.send(frame);
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next());
    return out;
  }

  /**
   * Nothing else is on its way: a ping sent now is answered by the very next frame (the emulator handles
   * frames in order, so an SRSP or callback it owed would come first).
   */
  async quiet(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.send("21 01");
    const f = await this.next();
    if (!f.startsWith("61 01 ")) throw new Error(`expected nothing more, got ${f}`);
  }

  /**
   * An emulated node on the HAN, joined (permit join opened and closed around it); returns once the
   * coordinator has told the host (ZDO_TC_DEV_IND, then ZDO_END_DEVICE_ANNCE_IND), those frames consumed.
   */
  async join(
    opts: { role?: "router" | "endDevice"; ieee?: string; installCode?: Buffer; consume?: boolean } = {},
  ): Promise<EmulatedNode> {
    const node = new EmulatedNode({
      ieee: opts.ieee ?? `0x00158d00000000${(0x10 + this.nodes.length).toString(16)}`,
      installCode: opts.installCode,
      endpoints: [
        { endpoint: 1, profileId: 0x0104, deviceId: 0x0100, deviceVersion: 1, inClusters: [0], outClusters: [] },
      ],
      clock: new RealClock(),
      medium: this.medium,
      role: opts.role,
    });
    this.nodes.push(node);
    this.medium.permitJoin(60);
    await node.join();
    this.medium.permitJoin(0);
    if (opts.consume !== false) for (let f = await this.next(); !f.startsWith("45 c1 "); f = await this.next());
    return node;
  }

  /** Drops frames sent so far (a setup's callbacks). */
  drain(): void {
    this.#queue.length = 0;
  }

  close(): void {
    for (const n of this.nodes) n.dispose();
    this.medium.close();
    this.emu.close();
  }
}

/** A u16 as little-endian hex. */
export const le16 = (v: number) => Buffer.from([v & 0xff, v >> 8]).toString("hex");

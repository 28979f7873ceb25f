/**
 * A minimal EZSP host for tests, written from the protocol description: it sends commands as ASH DATA
 * frames, acknowledges what the NCP sends, and hands back each response and callback as an EZSP frame.
 * The NCP under test is in process, on a medium of its own; ASH timers are the test's.
 */
import { AshDecoder } from "../../../src/virtual/ember/ash-decoder.js";
import {
  AshControl,
  ackControl,
  encodeAshFrame,
  encodeDataFrame,
  frmNumOf,
  randomise,
} from "../../../src/virtual/ember/ash-frame.js";
import { type EmberNcp, NcpState, createEmberNcp } from "../../../src/virtual/ember/index.js";
import { HanMedium } from "../../../src/virtual/han/medium.js";
import { ManualTimers } from "./manual-timers.js";

export interface EzspIn {
  sequence: number;
  frameControl: number;
  frameId: number;
  params: Buffer;
  legacy: boolean;
  raw: Buffer;
}

function parseIn(b: Buffer): EzspIn {
  const legacy = (b[2]! & 0x03) !== 0x01;
  return legacy
    ? { sequence: b[0]!, frameControl: b[1]!, frameId: b[2]!, params: b.subarray(3), legacy, raw: b }
    : { sequence: b[0]!, frameControl: b[1]!, frameId: b.readUInt16LE(3), params: b.subarray(5), legacy, raw: b };
}

export class NcpTestHost {
  readonly medium: HanMedium;
  readonly ncp: EmberNcp;
  readonly timers = new ManualTimers();
  readonly responses: EzspIn[] = [];
  readonly callbacks: EzspIn[] = [];
  readonly #decoder = new AshDecoder();
  #frmTx = 0;
  #frmRx = 0;
  #seq = 0;
  #waiters: { pred: (f: EzspIn) => boolean; resolve: (f: EzspIn) => void }[] = [];

  constructor(opts: { eui64?: string; stateDir?: string; requireInstallCodes?: boolean; medium?: HanMedium } = {}) {
    this.medium = opts.medium ?? new HanMedium();
    this.ncp = createEmberNcp({
      state: new NcpState(opts.eui64 ?? "0x000b57fffe123456", opts.stateDir),
      medium: this.medium,
      requireInstallCodes: opts.requireInstallCodes,
      timers: this.timers,
    });
    this.ncp.setSink((bytes) => this.#fromNcp(bytes));
  }

  #fromNcp(bytes: Buffer): void {
    const frames: Buffer[] = [];
    this.#decoder.push(bytes, (rx) => {
      if (!rx.ok) throw new Error(`NCP sent a bad frame (${rx.error})`);
      if (rx.control & 0x80) return; // ACK, NAK, RSTACK
      if (frmNumOf(rx.control) !== this.#frmRx) return; // a retransmission we already have
      this.#frmRx = (this.#frmRx + 1) & 7;
      frames.push(randomise(rx.field));
    });
    for (const field of frames) {
      this.ncp.fromHost(encodeAshFrame(ackControl(this.#frmRx)));
      const f = parseIn(field);
      if (f.frameControl & 0x10) this.callbacks.push(f);
      else this.responses.push(f);
      for (const w of [...this.#waiters]) {
        if (w.pred(f)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(f);
        }
      }
    }
  }

  /** RST, as a host starts. */
  reset(): void {
    this.ncp.fromHost(Buffer.concat([Buffer.from([0x1a]), encodeAshFrame(AshControl.RST)]));
    this.#frmTx = 0;
    this.#frmRx = 0;
  }

  /** Sends raw EZSP bytes in a DATA frame; returns the response (the NCP answers synchronously). */
  sendRaw(ezsp: Buffer): EzspIn {
    const before = this.responses.length;
    this.ncp.fromHost(encodeDataFrame(this.#frmTx, this.#frmRx, false, ezsp));
    this.#frmTx = (this.#frmTx + 1) & 7;
    const rsp = this.responses[before];
    if (!rsp) throw new Error("no response");
    return rsp;
  }

  /** An extended-format command. */
  command(frameId: number, params: Buffer = Buffer.alloc(0), frameControl = 0x00): EzspIn {
    const h = Buffer.from([this.#seq++ & 0xff, frameControl, 0x01, frameId & 0xff, frameId >> 8]);
    return this.sendRaw(Buffer.concat([h, params]));
  }

  /** VERSION in the legacy format, as the first command of a host. */
  legacyVersion(desired: number): EzspIn {
    return this.sendRaw(Buffer.from([this.#seq++ & 0xff, 0x00, 0x00, desired]));
  }

  /** The next callback with this frame id (already received or still to come). */
  nextCallback(frameId: number, pred: (f: EzspIn) => boolean = () => true): Promise<EzspIn> {
    const i = this.callbacks.findIndex((f) => f.frameId === frameId && pred(f));
    if (i >= 0) return Promise.resolve(this.callbacks.splice(i, 1)[0]!);
    return new Promise((resolve) =>
      this.#waiters.push({
        pred: (f) => f.frameId === frameId && (f.frameControl & 0x10) !== 0 && pred(f),
        resolve: (f) => {
          this.callbacks.splice(this.callbacks.indexOf(f), 1);
          resolve(f);
        },
      }),
    );
  }

  close(): void {
    this.ncp.close();
    this.medium.close();
  }
}

export const u8 = (v: number) => Buffer.from([v]);
export const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
export const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
/** An EUI-64 "0x…" as sent (least significant byte first). */
export const eui = (v: string) => Buffer.from(v.slice(2), "hex").reverse();

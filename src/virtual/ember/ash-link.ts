/**
 * The NCP side of the ASH link (UG101 §4–§6): frame and acknowledgement numbers, the Reject condition,
 * retransmission on NAK and on the ACK timer, the transmit window, the host's not-ready flag, RST/RSTACK
 * and the FAILED state. Above it sits EZSP: `onData` gets each EZSP frame the host sent, in sequence and
 * once; `send` queues an EZSP frame (a response or a callback) for the host.
 *
 * What the NCP does with what it receives:
 *
 * | received                                   | answer                                                  |
 * |--------------------------------------------|---------------------------------------------------------|
 * | RST                                        | resets (EZSP too) and sends RSTACK(2, RESET_SOFTWARE)   |
 * | DATA in sequence (frmNum = expected)       | delivers it, acknowledges (piggybacked on a DATA frame  |
 * |                                            | it sends at once, else an ACK); leaves Reject           |
 * | DATA retransmitted (reTx), already had     | discards it, sends an ACK                               |
 * | DATA out of sequence, or with a bad CRC,   | discards it; the first one sends a NAK and enters the   |
 * | a SUB byte, a bad length or a bad ackNum   | Reject condition, later ones are dropped silently       |
 * | ACK / NAK                                  | frees acknowledged frames; a NAK resends every frame    |
 * |                                            | not yet acknowledged, with reTx set; nRdy holds back    |
 * |                                            | callbacks for T_REMOTE_NOTRDY                           |
 * | anything while FAILED (except RST)         | ERROR(2, code)                                          |
 *
 * Timing (UG101 §7 configuration parameters): at most TX_K = 5 DATA frames unacknowledged; the ACK timer
 * starts at 1.6 s, adapts to the measured round trip within 0.4–3.2 s, doubles on expiry; after
 * ACK_TIMEOUTS = 4 consecutive expiries the NCP enters FAILED and sends ERROR(2, 0x51). The NCP does not wait
 * T_TX_ACK_DELAY before a bare ACK: the EZSP layer answers synchronously, so a response that can carry the
 * acknowledgement is already queued when the ACK would be sent.
 */
import { log } from "../../log.js";
import { type AshRx, AshDecoder } from "./ash-decoder.js";
import {
  ASH_VERSION,
  AshControl,
  NcpResetCode,
  ackControl,
  ackNumOf,
  encodeAshFrame,
  encodeDataFrame,
  frameType,
  frmNumOf,
  nakControl,
  notReadyOf,
  randomise,
  reTxOf,
} from "./ash-frame.js";

/** The time source of the link's timers (injected in tests). */
export interface LinkTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: LinkTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  now: () => performance.now(),
};

export interface AshLinkOptions {
  /** Bytes for the host. */
  write(bytes: Buffer): void;
  /** An EZSP frame from the host: in sequence, restored from randomisation, delivered once. */
  onData(ezsp: Buffer): void;
  /** The host sent RST: the NCP resets before it answers RSTACK. */
  onReset(): void;
  timers?: LinkTimers;
  /** TX_K: DATA frames the NCP may have unacknowledged (default 5). */
  txWindow?: number;
  /** ACK_TIMEOUTS: consecutive ACK timer expiries before FAILED (default 4; 0 never fails). */
  ackTimeouts?: number;
  /** T_RX_ACK_INIT / _MIN / _MAX in ms (defaults 1600 / 400 / 3200). */
  ackTimeMs?: { init: number; min: number; max: number };
  /** T_REMOTE_NOTRDY in ms (default 1000). */
  notReadyMs?: number;
}

export interface AshLinkCounters {
  dataIn: number;
  dataOut: number;
  retransmitted: number;
  acksOut: number;
  naksOut: number;
  acksIn: number;
  naksIn: number;
  duplicatesIn: number;
  outOfSequenceIn: number;
  badAckNumIn: number;
  ackTimeouts: number;
  resets: number;
}

interface Outgoing {
  frm: number;
  ezsp: Buffer;
  /** When it was last sent (for the round-trip estimate; 0 once it was resent). */
  sentAt: number;
}

/** Is `x` in the cyclic range [from, to] of 3-bit frame numbers? */
function within(from: number, x: number, to: number): boolean {
  return ((x - from) & 7) <= ((to - from) & 7);
}

export class AshNcpLink {
  readonly decoder = new AshDecoder();
  readonly counters: AshLinkCounters = {
    dataIn: 0,
    dataOut: 0,
    retransmitted: 0,
    acksOut: 0,
    naksOut: 0,
    acksIn: 0,
    naksIn: 0,
    duplicatesIn: 0,
    outOfSequenceIn: 0,
    badAckNumIn: 0,
    ackTimeouts: 0,
    resets: 0,
  };
  readonly #opts: AshLinkOptions;
  readonly #timers: LinkTimers;
  readonly #window: number;
  readonly #maxTimeouts: number;
  readonly #ackTime: { init: number; min: number; max: number };
  readonly #notReadyMs: number;
  readonly #log = log("virtual-ash");
  #failedCode: number | undefined;
  /** Frame number of the next new DATA frame. */
  #frmTx = 0;
  /** Oldest frame number the host has not acknowledged. */
  #ackRx = 0;
  /** Frame number expected next from the host (what our ackNum says). */
  #frmRx = 0;
  #rejecting = false;
  #ackOwed = false;
  readonly #unacked: Outgoing[] = [];
  readonly #responses: Buffer[] = [];
  readonly #callbacks: Buffer[] = [];
  #ackPeriod: number;
  #ackTimer: unknown;
  #timeouts = 0;
  #notReadyUntil = 0;
  #notReadyTimer: unknown;
  #receiving = false;
  readonly #backlog: Uint8Array[] = [];
  readonly #onRx = (rx: AshRx) => this.#receive(rx);

  constructor(opts: AshLinkOptions) {
    this.#opts = opts;
    this.#timers = opts.timers ?? realTimers;
    this.#window = opts.txWindow ?? 5;
    this.#maxTimeouts = opts.ackTimeouts ?? 4;
    this.#ackTime = opts.ackTimeMs ?? { init: 1600, min: 400, max: 3200 };
    this.#notReadyMs = opts.notReadyMs ?? 1000;
    this.#ackPeriod = this.#ackTime.init;
  }

  /** In the FAILED state (after too many ACK timeouts), until the host sends RST. */
  get failed(): boolean {
    return this.#failedCode !== undefined;
  }

  /** DATA frames sent and not yet acknowledged. */
  get unacknowledged(): number {
    return this.#unacked.length;
  }

  /** EZSP frames waiting for room in the window (or for the host to be ready, callbacks). */
  get queued(): number {
    return this.#responses.length + this.#callbacks.length;
  }

  /**
   * Bytes from the host, any split of the stream. A chunk that arrives while one is being handled (a host
   * answering from inside our write) waits for it, so the decoder never runs twice at once.
   */
  receive(chunk: Uint8Array): void {
    if (this.#receiving) {
      this.#backlog.push(chunk);
      return;
    }
    this.#receiving = true;
    try {
      this.decoder.push(chunk, this.#onRx);
      for (let next = this.#backlog.shift(); next; next = this.#backlog.shift()) this.decoder.push(next, this.#onRx);
    } finally {
      this.#receiving = false;
    }
    this.#flush();
  }

  /**
   * Queues an EZSP frame for the host: a response (sent before any queued callback) or a callback (held
   * back while the host says it is not ready).
   */
  send(ezsp: Buffer, kind: "response" | "callback"): void {
    if (this.failed) return;
    (kind === "response" ? this.#responses : this.#callbacks).push(ezsp);
    if (!this.#receiving) this.#flush();
  }

  /** Back to the state after power-on (a new host connection): numbers 0, queues and timers cleared. */
  reset(): void {
    this.#timers.clearTimeout(this.#ackTimer);
    this.#timers.clearTimeout(this.#notReadyTimer);
    this.#ackTimer = undefined;
    this.#notReadyTimer = undefined;
    this.decoder.reset();
    this.#frmTx = 0;
    this.#ackRx = 0;
    this.#frmRx = 0;
    this.#rejecting = false;
    this.#ackOwed = false;
    this.#unacked.length = 0;
    this.#responses.length = 0;
    this.#callbacks.length = 0;
    this.#ackPeriod = this.#ackTime.init;
    this.#timeouts = 0;
    this.#notReadyUntil = 0;
    this.#failedCode = undefined;
  }

  /** Stops the timers (the dongle is shutting down). */
  close(): void {
    this.#timers.clearTimeout(this.#ackTimer);
    this.#timers.clearTimeout(this.#notReadyTimer);
    this.#ackTimer = undefined;
    this.#notReadyTimer = undefined;
  }

  // ---- receiving ----

  #receive(rx: AshRx): void {
    if (this.failed) {
      if (rx.ok && rx.control === AshControl.RST && rx.field.length === 0) this.#hostReset();
      else this.#write(encodeAshFrame(AshControl.ERROR, Buffer.from([ASH_VERSION, this.#failedCode!])));
      return;
    }
    if (!rx.ok) {
      // a damaged frame that was a DATA frame is rejected; damaged ACK/NAKs are dropped (the host's
      // timer recovers them)
      if (rx.control !== undefined && (rx.control & 0x80) === 0) this.#reject(`${rx.error} error`);
      return;
    }
    const type = frameType(rx.control, rx.field.length);
    switch (type) {
      case "RST":
        this.#hostReset();
        return;
      case "DATA":
      case "ACK":
      case "NAK": {
        const ackNum = ackNumOf(rx.control);
        if (!within(this.#ackRx, ackNum, this.#frmTx)) {
          this.counters.badAckNumIn += 1;
          if (type === "DATA") this.#reject(`ackNum ${ackNum} outside ${this.#ackRx}..${this.#frmTx}`);
          return;
        }
        this.#acknowledged(ackNum);
        if (type === "DATA") this.#onDataFrame(rx.control, rx.field);
        else {
          this.#setNotReady(notReadyOf(rx.control));
          if (type === "ACK") this.counters.acksIn += 1;
          else {
            this.counters.naksIn += 1;
            this.#retransmitAll();
          }
        }
        return;
      }
      default:
        // RSTACK or ERROR from the host, an unused control byte, or a bad length: invalid
        if ((rx.control & 0x80) === 0) this.#reject("bad DATA length");
        return;
    }
  }

  #onDataFrame(control: number, field: Buffer): void {
    const frm = frmNumOf(control);
    if (frm === this.#frmRx) {
      this.counters.dataIn += 1;
      this.#frmRx = (this.#frmRx + 1) & 7;
      this.#rejecting = false;
      this.#ackOwed = true;
      this.#opts.onData(randomise(field));
      return;
    }
    if (reTxOf(control)) {
      this.counters.duplicatesIn += 1;
      this.#ackOwed = true;
      return;
    }
    this.counters.outOfSequenceIn += 1;
    this.#reject(`frame ${frm} out of sequence (expected ${this.#frmRx})`);
  }

  /** Discards a bad DATA frame: the first one since the last good frame gets a NAK (UG101 §5.5). */
  #reject(why: string): void {
    if (this.#rejecting) return;
    this.#rejecting = true;
    this.#ackOwed = false;
    this.counters.naksOut += 1;
    this.#log.debug({ why, ackNum: this.#frmRx }, "NAK");
    this.#write(encodeAshFrame(nakControl(this.#frmRx)));
  }

  #hostReset(): void {
    this.counters.resets += 1;
    this.reset();
    this.#opts.onReset();
    this.#write(encodeAshFrame(AshControl.RSTACK, Buffer.from([ASH_VERSION, NcpResetCode.SOFTWARE])));
  }

  /** The host acknowledged every frame before `ackNum`. */
  #acknowledged(ackNum: number): void {
    if (ackNum === this.#ackRx) return;
    const now = this.#timers.now();
    let measured: number | undefined;
    while (this.#ackRx !== ackNum) {
      const f = this.#unacked.shift();
      if (f && f.sentAt > 0) measured = now - f.sentAt;
      this.#ackRx = (this.#ackRx + 1) & 7;
    }
    this.#timeouts = 0;
    if (measured !== undefined) {
      // t_rx_ack ← 7/8 · t_rx_ack + 1/2 · measured, within the limits
      const next = (this.#ackPeriod * 7) / 8 + measured / 2;
      this.#ackPeriod = Math.min(this.#ackTime.max, Math.max(this.#ackTime.min, next));
    }
    this.#timers.clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (this.#unacked.length > 0) this.#startAckTimer();
  }

  #setNotReady(notReady: boolean): void {
    this.#timers.clearTimeout(this.#notReadyTimer);
    this.#notReadyTimer = undefined;
    if (!notReady) {
      this.#notReadyUntil = 0;
      return;
    }
    this.#notReadyUntil = this.#timers.now() + this.#notReadyMs;
    this.#notReadyTimer = this.#timers.setTimeout(() => {
      this.#notReadyTimer = undefined;
      this.#notReadyUntil = 0;
      this.#flush();
    }, this.#notReadyMs);
  }

  // ---- sending ----

  #write(bytes: Buffer): void {
    this.#opts.write(bytes);
  }

  #flush(): void {
    if (this.failed) return;
    const hostReady = this.#notReadyUntil === 0;
    while (this.#unacked.length < this.#window) {
      const ezsp = this.#responses.shift() ?? (hostReady ? this.#callbacks.shift() : undefined);
      if (!ezsp) break;
      const f: Outgoing = { frm: this.#frmTx, ezsp, sentAt: this.#timers.now() };
      this.#frmTx = (this.#frmTx + 1) & 7;
      this.#unacked.push(f);
      this.counters.dataOut += 1;
      this.#ackOwed = false;
      this.#write(encodeDataFrame(f.frm, this.#frmRx, false, ezsp));
      if (this.#ackTimer === undefined) this.#startAckTimer();
    }
    if (this.#ackOwed) {
      this.#ackOwed = false;
      this.counters.acksOut += 1;
      this.#write(encodeAshFrame(ackControl(this.#frmRx)));
    }
  }

  /** Resends every unacknowledged frame, oldest first, with reTx set. */
  #retransmitAll(): void {
    for (const f of this.#unacked) {
      f.sentAt = 0;
      this.counters.retransmitted += 1;
      this.#ackOwed = false;
      this.#write(encodeDataFrame(f.frm, this.#frmRx, true, f.ezsp));
    }
    this.#timers.clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (this.#unacked.length > 0) this.#startAckTimer();
  }

  #startAckTimer(): void {
    this.#ackTimer = this.#timers.setTimeout(() => this.#ackTimeout(), this.#ackPeriod);
  }

  #ackTimeout(): void {
    this.#ackTimer = undefined;
    if (this.#unacked.length === 0) return;
    this.counters.ackTimeouts += 1;
    this.#timeouts += 1;
    if (this.#maxTimeouts > 0 && this.#timeouts >= this.#maxTimeouts) {
      this.#fail(NcpResetCode.EXCEEDED_MAXIMUM_ACK_TIMEOUT_COUNT);
      return;
    }
    this.#ackPeriod = Math.min(this.#ackTime.max, this.#ackPeriod * 2);
    this.#retransmitAll();
  }

  #fail(code: number): void {
    this.#log.warn({ code }, "ASH link failed: no acknowledgement from the host");
    this.close();
    this.#unacked.length = 0;
    this.#responses.length = 0;
    this.#callbacks.length = 0;
    this.#failedCode = code;
    this.#write(encodeAshFrame(AshControl.ERROR, Buffer.from([ASH_VERSION, code])));
  }
}

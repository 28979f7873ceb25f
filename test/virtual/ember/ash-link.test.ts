/**
 * The NCP side of ASH (UG101 §4–§6) driven byte by byte: what it answers to RST, to DATA in and out of
 * sequence, to damaged frames and noise, to retransmissions and NAKs, and what it does when the host stops
 * acknowledging. Time is the test's (ManualTimers); nothing waits on the real clock.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AshDecodeStream, AshDecoder, type AshRx } from "../../../src/virtual/ember/ash-decoder.js";
import {
  AshControl,
  ackControl,
  dataControl,
  encodeAshFrame,
  encodeDataFrame,
  nakControl,
  randomise,
} from "../../../src/virtual/ember/ash-frame.js";
import { AshNcpLink } from "../../../src/virtual/ember/ash-link.js";
import { ManualTimers } from "./manual-timers.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

/** Decodes what the NCP wrote into frames: `{ control, ezsp? }`, the DATA field restored. */
function frames(bytes: Buffer[]): { control: number; field: Buffer }[] {
  const out: { control: number; field: Buffer }[] = [];
  const d = new AshDecoder();
  for (const b of bytes)
    d.push(b, (rx) => {
      if (!rx.ok) throw new Error(`NCP wrote a bad frame: ${rx.error}`);
      out.push({ control: rx.control, field: (rx.control & 0x80) === 0 ? randomise(rx.field) : rx.field });
    });
  return out;
}

function setup(opts: { echo?: boolean } = {}) {
  const timers = new ManualTimers();
  const written: Buffer[] = [];
  const received: Buffer[] = [];
  let resets = 0;
  const link: AshNcpLink = new AshNcpLink({
    timers,
    write: (b) => written.push(b),
    onData: (ezsp) => {
      received.push(ezsp);
      if (opts.echo) link.send(Buffer.concat([ezsp, Buffer.from([0xee])]), "response");
    },
    onReset: () => {
      resets += 1;
    },
  });
  /** Frames written since the last call. */
  const take = () => frames(written.splice(0));
  return { link, timers, written, received, take, resets: () => resets };
}

const EZSP = hex("01 00 01 05 00"); // seq 1, extended frame control, frame id 0x0005 (nop)

describe("ASH link, NCP side", () => {
  it("answers CAN + RST with RSTACK(2, RESET_SOFTWARE) and resets the layer above", () => {
    const { link, take, resets } = setup();
    link.receive(Buffer.concat([hex("1A"), encodeAshFrame(AshControl.RST)]));
    expect(resets()).toBe(1);
    const out = take();
    expect(out).toEqual([{ control: AshControl.RSTACK, field: hex("02 0B") }]);
    // on the wire exactly: C1 02 0B, CRC, flag
    link.receive(encodeAshFrame(AshControl.RST));
    expect(encodeAshFrame(AshControl.RSTACK, hex("02 0B"))).toEqual(hex("C1 02 0B 0A 52 7E"));
  });

  it("delivers an in-sequence DATA frame once and piggybacks the acknowledgement on its response", () => {
    const { link, take, received } = setup({ echo: true });
    link.receive(encodeDataFrame(0, 0, false, EZSP));
    expect(received).toEqual([EZSP]);
    const out = take();
    expect(out).toHaveLength(1); // no separate ACK
    expect(out[0]!.control).toBe(dataControl(0, 1, false));
    expect(out[0]!.field).toEqual(Buffer.concat([EZSP, hex("EE")]));
  });

  it("sends a bare ACK when nothing goes back with the acknowledgement", () => {
    const { link, take } = setup();
    link.receive(encodeDataFrame(0, 0, false, EZSP));
    link.receive(encodeDataFrame(1, 0, false, EZSP));
    expect(take().map((f) => f.control)).toEqual([ackControl(1), ackControl(2)]);
  });

  it("NAKs a DATA frame with a bad CRC once, stays silent in the Reject condition, and leaves it on a good frame", () => {
    const { link, take, received } = setup();
    const bad = encodeDataFrame(0, 0, false, EZSP);
    bad[3]! ^= 0x01; // a data byte, not a reserved one either way
    link.receive(bad);
    expect(take().map((f) => f.control)).toEqual([nakControl(0)]);
    link.receive(bad);
    expect(take()).toEqual([]);
    link.receive(encodeDataFrame(0, 0, true, EZSP));
    expect(received).toEqual([EZSP]);
    expect(take().map((f) => f.control)).toEqual([ackControl(1)]);
    link.receive(bad);
    expect(take().map((f) => f.control)).toEqual([nakControl(1)]);
    expect(link.decoder.stats.crcErrors).toBe(3);
  });

  it("NAKs a frame out of sequence and does not deliver it", () => {
    const { link, take, received } = setup();
    link.receive(encodeDataFrame(2, 0, false, EZSP));
    expect(received).toEqual([]);
    expect(take().map((f) => f.control)).toEqual([nakControl(0)]);
    expect(link.counters.outOfSequenceIn).toBe(1);
  });

  it("acknowledges a retransmitted frame it already has, without delivering it again", () => {
    const { link, take, received } = setup();
    link.receive(encodeDataFrame(0, 0, false, EZSP));
    take();
    link.receive(encodeDataFrame(0, 0, true, EZSP));
    expect(received).toHaveLength(1);
    expect(take().map((f) => f.control)).toEqual([ackControl(1)]);
    expect(link.counters.duplicatesIn).toBe(1);
  });

  it("NAKs a DATA frame whose ackNum acknowledges frames it never sent", () => {
    const { link, take, received } = setup();
    link.receive(encodeDataFrame(0, 3, false, EZSP));
    expect(received).toEqual([]);
    expect(take().map((f) => f.control)).toEqual([nakControl(0)]);
  });

  it("NAKs a frame with a SUB byte in it, drops one cut short by CAN, and ignores XON/XOFF between bytes", () => {
    const { link, take, received } = setup();
    const good = encodeDataFrame(0, 0, false, EZSP);
    link.receive(Buffer.concat([good.subarray(0, 3), hex("18"), good.subarray(3)]));
    expect(take().map((f) => f.control)).toEqual([nakControl(0)]);
    link.receive(Buffer.concat([good.subarray(0, 4), hex("1A")]));
    expect(take()).toEqual([]);
    const withFlowControl = Buffer.concat([
      good.subarray(0, 2),
      hex("11"),
      good.subarray(2, 5),
      hex("13"),
      good.subarray(5),
    ]);
    link.receive(withFlowControl);
    expect(received).toEqual([EZSP]);
    expect(link.decoder.stats.commErrors).toBe(1);
    expect(link.decoder.stats.cancelled).toBe(1);
    expect(link.decoder.stats.flowControlBytes).toBe(2);
  });

  it("survives noise: random bytes never throw, and an RST afterwards brings the link back", () => {
    const { link, take, received } = setup({ echo: true });
    for (let i = 0; i < 200; i++) link.receive(randomBytes(1 + (i % 64)));
    link.receive(hex("7E"));
    take();
    link.receive(Buffer.concat([hex("1A"), encodeAshFrame(AshControl.RST)]));
    expect(take()).toEqual([{ control: AshControl.RSTACK, field: hex("02 0B") }]);
    received.length = 0;
    link.receive(encodeDataFrame(0, 0, false, EZSP));
    expect(received).toEqual([EZSP]);
  });

  it("resends every unacknowledged frame with reTx set when the host NAKs", () => {
    const { link, take } = setup();
    link.send(hex("00 90 01 19 00 00 00 00 00"), "callback");
    link.send(hex("01 90 01 19 00 00 00 00 00"), "callback");
    expect(take().map((f) => f.control)).toEqual([dataControl(0, 0, false), dataControl(1, 0, false)]);
    link.receive(encodeAshFrame(nakControl(0)));
    const again = take();
    expect(again.map((f) => f.control)).toEqual([dataControl(0, 0, true), dataControl(1, 0, true)]);
    expect(again[1]!.field).toEqual(hex("01 90 01 19 00 00 00 00 00"));
    // the NAK acknowledged up to 0; an ACK(2) frees both
    link.receive(encodeAshFrame(ackControl(2)));
    expect(link.unacknowledged).toBe(0);
  });

  it("retransmits on the ACK timer, doubling it, and enters FAILED after 4 timeouts; only RST gets it out", () => {
    const { link, take, timers, received } = setup();
    link.send(EZSP, "callback");
    expect(take()).toHaveLength(1);
    timers.advance(1599);
    expect(take()).toEqual([]);
    timers.advance(1); // T_RX_ACK_INIT 1.6 s
    expect(take().map((f) => f.control)).toEqual([dataControl(0, 0, true)]);
    timers.advance(3199);
    expect(take()).toEqual([]);
    timers.advance(1); // doubled to 3.2 s (the maximum)
    expect(take().map((f) => f.control)).toEqual([dataControl(0, 0, true)]);
    timers.advance(3200);
    expect(take()).toHaveLength(1);
    timers.advance(3200); // the fourth consecutive timeout
    expect(take()).toEqual([{ control: AshControl.ERROR, field: hex("02 51") }]);
    expect(link.failed).toBe(true);
    expect(timers.count).toBe(0);

    link.receive(encodeDataFrame(0, 0, false, EZSP));
    expect(received).toEqual([]);
    expect(take()).toEqual([{ control: AshControl.ERROR, field: hex("02 51") }]);
    link.receive(encodeAshFrame(AshControl.RST));
    expect(take()).toEqual([{ control: AshControl.RSTACK, field: hex("02 0B") }]);
    expect(link.failed).toBe(false);
  });

  it("keeps at most 5 frames unacknowledged and sends the rest as acknowledgements arrive", () => {
    const { link, take } = setup();
    for (let i = 0; i < 7; i++) link.send(Buffer.from([i, 0x90, 0x01, 0x19, 0x00]), "callback");
    expect(take().map((f) => f.field[0])).toEqual([0, 1, 2, 3, 4]);
    expect(link.queued).toBe(2);
    link.receive(encodeAshFrame(ackControl(3)));
    expect(take().map((f) => [f.control, f.field[0]])).toEqual([
      [dataControl(5, 0, false), 5],
      [dataControl(6, 0, false), 6],
    ]);
    expect(link.unacknowledged).toBe(4);
  });

  it("holds back callbacks, not responses, while the host is not ready, for T_REMOTE_NOTRDY at most", () => {
    const { link, take, timers } = setup();
    link.receive(encodeAshFrame(ackControl(0, true)));
    link.send(hex("00 90 01 19 00"), "callback");
    link.send(hex("01 80 01 05 00"), "response");
    expect(take().map((f) => f.field[0])).toEqual([1]);
    timers.advance(1000);
    expect(take().map((f) => f.field[0])).toEqual([0]);
    // an ACK with nRdy clear releases them at once
    link.receive(encodeAshFrame(ackControl(2, true)));
    link.send(hex("02 90 01 19 00"), "callback");
    expect(take()).toEqual([]);
    link.receive(encodeAshFrame(ackControl(2)));
    expect(take().map((f) => f.field[0])).toEqual([2]);
  });
});

describe("ASH link, re-entered", () => {
  it("takes bytes a host sends from inside the NCP's write after the chunk in progress", () => {
    const received: Buffer[] = [];
    const written: Buffer[] = [];
    const link: AshNcpLink = new AshNcpLink({
      timers: new ManualTimers(),
      write: (b) => {
        written.push(b);
        // a host that answers a NAK at once with the frame again, before our receive() has returned
        if (b[0] === nakControl(0)) link.receive(encodeDataFrame(0, 0, true, EZSP));
      },
      onData: (ezsp) => received.push(ezsp),
      onReset: () => {},
    });
    link.receive(encodeDataFrame(1, 0, false, EZSP)); // out of sequence: NAK(0)
    expect(received).toEqual([EZSP]);
    expect(frames(written).map((f) => f.control)).toEqual([nakControl(0), ackControl(1)]);
  });
});

describe("ASH decoder", () => {
  it("finds the same frames whatever the chunking, as a stream Transform too", async () => {
    const wire = Buffer.concat([
      hex("FF"), // wake byte between frames
      encodeDataFrame(3, 1, false, hex("00 80 00 02 02 11 30 7E 7D")),
      hex("7E 7E"), // repeated flags
      encodeAshFrame(ackControl(4)),
      encodeAshFrame(AshControl.RST),
    ]);
    const whole: AshRx[] = [];
    new AshDecoder().push(wire, (rx) => whole.push(rx));
    expect(whole.map((r) => (r.ok ? r.control : r.error))).toEqual([dataControl(3, 1, false), ackControl(4), 0xc0]);
    for (let size = 1; size <= 7; size++) {
      const d = new AshDecoder();
      const got: AshRx[] = [];
      for (let i = 0; i < wire.length; i += size) d.push(wire.subarray(i, i + size), (rx) => got.push(rx));
      expect(got).toEqual(whole);
    }
    const stream = new AshDecodeStream();
    const viaStream: AshRx[] = [];
    stream.on("data", (rx: AshRx) => viaStream.push(rx));
    const ended = new Promise((r) => stream.on("end", r));
    for (const b of wire) stream.write(Buffer.from([b]));
    stream.end();
    await ended;
    expect(viaStream).toEqual(whole);
  });

  it("reports too-short and too-long frames", () => {
    const got: AshRx[] = [];
    const d = new AshDecoder();
    d.push(hex("81 60 7E"), (rx) => got.push(rx));
    d.push(Buffer.concat([Buffer.alloc(230, 0x01), hex("7E")]), (rx) => got.push(rx));
    expect(got.map((r) => (r.ok ? "ok" : r.error))).toEqual(["too-short", "too-long"]);
  });
});

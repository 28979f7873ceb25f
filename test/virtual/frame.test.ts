/** The MT/UNPI codec, judged by herdsman's UNPI frame (its encoder) and by streams built from it. */
import { describe, expect, it } from "vitest";
import { Frame as HerdsmanUnpiFrame } from "zigbee-herdsman/dist/adapter/z-stack/unpi/frame.js";
import { MtType, Subsystem, UnpiParser, encodeFrame, type MtFrame } from "../../src/virtual/znp/frame.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

function parseAll(chunks: Buffer[]): { frames: MtFrame[]; parser: UnpiParser } {
  const frames: MtFrame[] = [];
  const parser = new UnpiParser((f) => frames.push(f));
  for (const c of chunks) parser.push(c);
  return { frames, parser };
}

/** Frames of every MT type, several subsystems and data lengths 0, 1, 2 and 250. */
const SAMPLES: [number, number, number, Buffer][] = [
  [MtType.SREQ, Subsystem.SYS, 0x01, Buffer.alloc(0)], // ping
  [MtType.SREQ, Subsystem.SYS, 0x13, hex("2100")], // osalNvLength(0x0021)
  [MtType.AREQ, Subsystem.ZDO, 0xc0, hex("09")], // stateChangeInd(9)
  [MtType.SRSP, Subsystem.APP_CNF, 0x05, hex("00")],
  [MtType.AREQ, Subsystem.AF, 0x81, Buffer.from(Array.from({ length: 250 }, (_, i) => (i * 7) & 0xff))],
];

describe("encodeFrame", () => {
  it("writes the bytes herdsman's UNPI frame writes (SOF, length, CMD0/CMD1, data, FCS)", () => {
    for (const [type, subsystem, command, data] of SAMPLES) {
      const theirs = new HerdsmanUnpiFrame(type, subsystem, command, data).toBuffer();
      expect(encodeFrame(type, subsystem, command, data).toString("hex")).toBe(theirs.toString("hex"));
    }
  });
  it("refuses data longer than 250 bytes", () => {
    expect(() => encodeFrame(MtType.AREQ, Subsystem.AF, 0x81, Buffer.alloc(251))).toThrow(/exceeds 250/);
  });
});

describe("UnpiParser on herdsman's frames", () => {
  it("reads back type, subsystem, command and data of every frame herdsman writes, in one stream", () => {
    const stream = Buffer.concat(SAMPLES.map(([t, s, c, d]) => new HerdsmanUnpiFrame(t, s, c, d).toBuffer()));
    expect(parseAll([stream]).frames).toEqual(
      SAMPLES.map(([type, subsystem, command, data]) => ({ type, subsystem, command, data })),
    );
  });
});

describe("UnpiParser", () => {
  const ping = hex("fe 00 21 01 20");
  const nvLen = hex("fe 02 21 13 21 00 11");

  it("decodes type, subsystem, command and data", () => {
    const { frames } = parseAll([nvLen]);
    expect(frames).toEqual([{ type: MtType.SREQ, subsystem: Subsystem.SYS, command: 0x13, data: hex("2100") }]);
  });

  it("gives the same frames for every split of the stream, down to single bytes", () => {
    const stream = Buffer.concat([ping, nvLen, ping]);
    const whole = parseAll([stream]).frames;
    expect(whole).toHaveLength(3);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(parseAll([stream.subarray(0, cut), stream.subarray(cut)]).frames).toEqual(whole);
    }
    expect(parseAll([...stream].map((b) => Buffer.from([b]))).frames).toEqual(whole);
  });

  it("skips garbage before and between frames and counts it", () => {
    const { frames, parser } = parseAll([Buffer.concat([hex("00 11 13 ab"), ping, hex("42 42"), nvLen])]);
    expect(frames.map((f) => f.command)).toEqual([0x01, 0x13]);
    expect(parser.stats.skipped).toBe(6);
  });

  it("drops a frame with a bad FCS and keeps parsing", () => {
    const bad = hex("fe 02 21 13 21 00 12");
    const { frames, parser } = parseAll([Buffer.concat([bad, ping])]);
    expect(frames.map((f) => f.command)).toEqual([0x01]);
    expect(parser.stats.badFcs).toBe(1);
  });

  it("loses only a truncated frame when a good one follows within its declared length", () => {
    const truncated = hex("fe 05 21 01 aa");
    const { frames, parser } = parseAll([Buffer.concat([truncated, ping, nvLen])]);
    expect(frames.map((f) => f.command)).toEqual([0x01, 0x13]);
    expect(parser.stats.badFcs).toBe(1);
  });

  it("holds a partial frame until expire(), then drops it and parses what follows", () => {
    const truncated = hex("fe 08 21 01 00");
    const { frames, parser } = parseAll([Buffer.concat([truncated, ping])]);
    expect(frames).toHaveLength(0);
    expect(parser.pending).toBe(10);
    parser.expire();
    expect(frames.map((f) => f.command)).toEqual([0x01]);
    expect(parser.stats.truncated).toBe(1);
    expect(parser.pending).toBe(0);
  });

  it("after line noise of several false starts, one expire() drops them all and a ping after it comes out at once", () => {
    // the bytes of issue 11 item 6: three SOFs each announcing 48 data bytes that never come
    const { frames, parser } = parseAll([hex("fe30aabb fe30ccdd fe30eeff")]);
    expect(parser.pending).toBe(12);
    parser.expire();
    expect(parser.pending).toBe(0);
    expect(parser.stats.truncated).toBe(3);
    parser.push(ping);
    expect(frames.map((f) => f.command)).toEqual([0x01]);
  });

  it("expire() keeps the complete frames that follow each dropped start", () => {
    const { frames, parser } = parseAll([Buffer.concat([hex("fe30aabb"), ping, hex("fe30ccdd"), nvLen, hex("fe30")])]);
    expect(frames).toHaveLength(0);
    parser.expire();
    expect(frames.map((f) => f.command)).toEqual([0x01, 0x13]);
    expect(parser.pending).toBe(0);
  });

  it("treats a SOF with an impossible length as noise", () => {
    const { frames } = parseAll([Buffer.concat([hex("fe ff"), ping])]);
    expect(frames.map((f) => f.command)).toEqual([0x01]);
  });
});

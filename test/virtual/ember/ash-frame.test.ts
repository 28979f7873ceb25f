/**
 * ASH framing against the worked examples of UG101 (the UART-EZSP Gateway Protocol Reference): §3 frame
 * formats (RST, RSTACK, ERROR, ACK, NAK), §4.2 byte stuffing and §4.3 data randomisation, where the EZSP
 * "version" command and its response are shown as DATA frames with and without the pseudo-random sequence.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { halCommonCrc16 } from "zigbee-herdsman/dist/adapter/ember/utils/math.js";
import {
  AshControl,
  PSEUDO_RANDOM,
  ashCrc,
  ackControl,
  dataControl,
  encodeAshFrame,
  encodeDataFrame,
  frameType,
  nakControl,
  randomise,
} from "../../../src/virtual/ember/ash-frame.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("ASH frames (UG101 examples)", () => {
  it.each([
    ["RST()", AshControl.RST, "", "C0 38 BC 7E"],
    ["RSTACK(2, 2)", AshControl.RSTACK, "02 02", "C1 02 02 9B 7B 7E"],
    ["ACK(1)+", ackControl(1), "", "81 60 59 7E"],
    ["ACK(6)-", ackControl(6, true), "", "8E 91 B6 7E"],
    ["NAK(6)+", nakControl(6), "", "A6 34 DC 7E"],
    ["NAK(5)-", nakControl(5, true), "", "AD 85 B7 7E"],
  ])("%s is %s", (_name, control, field, wire) => {
    expect(encodeAshFrame(control, hex(field))).toEqual(hex(wire));
  });

  it("DATA(2, 5, 0) with the version command, without and with randomisation", () => {
    const version = hex("00 00 00 02");
    // UG101 prints this one before stuffing: its CRC high byte 0x1A (CAN) goes on the wire as 7D 3A
    expect(ashCrc(hex("25 00 00 00 02"))).toBe(0x1aad);
    expect(encodeAshFrame(dataControl(2, 5, false), version)).toEqual(hex("25 00 00 00 02 7D 3A AD 7E"));
    expect(encodeDataFrame(2, 5, false, version)).toEqual(hex("25 42 21 A8 56 A6 09 7E"));
  });

  it("DATA(5, 3, 0) with the version response, without and with randomisation", () => {
    const rsp = hex("00 80 00 02 02 11 30");
    // the response's 0x11 (XON) is stuffed when sent as is
    expect(encodeAshFrame(dataControl(5, 3, false), rsp)).toEqual(hex("53 00 80 00 02 02 7D 31 30 63 16 7E"));
    // UG101 gives 53 42 A1 A8 56 28 04 82 96 23 7E: the randomised field matches, but 96 23 is not the
    // CRC-CCITT of those bytes (herdsman's halCommonCrc16 gives 0x032A too), so only the field is its answer
    const wire = encodeDataFrame(5, 3, false, rsp);
    expect(wire.subarray(0, 8)).toEqual(hex("53 42 A1 A8 56 28 04 82"));
    expect(wire.subarray(8)).toEqual(hex("03 2A 7E"));
  });

  it("ERROR(1, 0x52): control and fields as UG101 shows them, with their CRC-CCITT", () => {
    // UG101 prints C2 01 52 FA BD 7E; FA BD is not the CRC of C2 01 52 (herdsman's routine agrees: 0xCD8D)
    expect(encodeAshFrame(AshControl.ERROR, hex("01 52"))).toEqual(hex("C2 01 52 CD 8D 7E"));
  });

  it("the pseudo-random sequence starts 42 21 A8 54 2A and randomising twice restores the field", () => {
    expect(Buffer.from(PSEUDO_RANDOM.subarray(0, 5))).toEqual(hex("42 21 A8 54 2A"));
    const field = Buffer.from([0, 1, 2, 3, 0xff, 0x7e]);
    expect(randomise(randomise(field))).toEqual(field);
  });

  it("stuffs 7E 7D 11 13 18 1A as 7D followed by the byte XOR 0x20, and nothing else", () => {
    // a control byte of 0x7E would be an ACK-less DATA frame: the stuffing applies to every byte
    const wire = encodeAshFrame(0x00, hex("7E 7D 11 13 18 1A 20 FF"));
    expect(wire.subarray(1, 15)).toEqual(hex("7D 5E 7D 5D 7D 31 7D 33 7D 38 7D 3A 20 FF"));
  });

  it("computes the same CRC as herdsman's ASH (an independent implementation) on any bytes", () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(1 + (i % 40));
      let judge = 0xffff;
      for (const b of bytes) judge = halCommonCrc16(b, judge);
      expect(ashCrc(bytes)).toBe(judge);
    }
  });

  it("classifies control bytes by type and data length", () => {
    expect(frameType(0x25, 4)).toBe("DATA");
    expect(frameType(0x25, 2)).toBeUndefined(); // a DATA field is at least 3 bytes (an EZSP frame)
    expect(frameType(0x25, 221)).toBeUndefined();
    expect(frameType(0x81, 0)).toBe("ACK");
    expect(frameType(0x81, 1)).toBeUndefined();
    expect(frameType(0xad, 0)).toBe("NAK");
    expect(frameType(0xc0, 0)).toBe("RST");
    expect(frameType(0xc1, 2)).toBe("RSTACK");
    expect(frameType(0xc2, 2)).toBe("ERROR");
    expect(frameType(0xc3, 0)).toBeUndefined();
    expect(frameType(0xff, 0)).toBeUndefined();
  });
});

/** The MT field-layout codec and the command table's ids, types and layouts. */
import { describe, expect, it } from "vitest";
import ZnpDefinition from "zigbee-herdsman/dist/adapter/z-stack/znp/definition.js";
import { MT_COMMANDS, mtCommand } from "../../../src/virtual/znp/commands.js";
import {
  LayoutError,
  buf8,
  buf16,
  bytes,
  decode,
  encode,
  i8,
  ieee,
  list8,
  list16,
  rest,
  u8,
  u16,
  u32,
} from "../../../src/virtual/znp/layout.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("layout codec", () => {
  const layout = [
    u8("a"),
    i8("b"),
    u16("c"),
    u32("d"),
    ieee("e"),
    bytes("f", 3),
    buf8("g"),
    buf16("h"),
    list8("i"),
    list16("j"),
    rest("k"),
  ] as const;
  const wire = hex("01 ff 3412 78563412 0102030405060708 aabbcc 02 dead 0100 ee 02 0506 02 3412 7856 7172");
  const values = {
    a: 1,
    b: -1,
    c: 0x1234,
    d: 0x12345678,
    e: hex("0102030405060708"),
    f: hex("aabbcc"),
    g: hex("dead"),
    h: hex("ee"),
    i: [5, 6],
    j: [0x1234, 0x5678],
    k: hex("7172"),
  };

  it("reads every kind, little-endian, length-prefixed buffers and lists, the rest", () => {
    expect(decode(layout, wire)).toEqual(values);
  });

  it("writes back the same bytes", () => {
    expect(encode(layout, values).toString("hex")).toBe(wire.toString("hex"));
  });

  it.each([
    ["a u16 cut short", [u16("x")] as const, hex("01")],
    ["a buffer shorter than its length byte", [buf8("x")] as const, hex("03 0102")],
    ["a list shorter than its count", [list16("x")] as const, hex("02 0100")],
    ["a missing IEEE", [u8("y"), ieee("x")] as const, hex("01 0203")],
  ])("refuses %s with a LayoutError naming the field", (_what, l, data) => {
    expect(() => decode(l, data)).toThrow(LayoutError);
    expect(() => decode(l, data)).toThrow(/'x'/);
  });

  it("ignores bytes past the layout, as the firmware does", () => {
    expect(decode([u8("x")] as const, hex("07 0809"))).toEqual({ x: 7 });
  });

  it("refuses to encode a missing field or a buffer longer than its field", () => {
    expect(() => encode([u8("x")] as const, {} as { x: number })).toThrow(/'x' has no value/);
    expect(() => encode([bytes("x", 2)] as const, { x: hex("010203") })).toThrow(LayoutError);
  });
});

describe("the MT command table", () => {
  type Def = { name: string; ID: number; type: number };
  const herdsman = ZnpDefinition as unknown as Record<number, Def[]>;

  it("names each (subsystem, command) once", () => {
    const keys = MT_COMMANDS.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(MT_COMMANDS.map((c) => c.name)).size).toBe(keys.length);
    for (const c of MT_COMMANDS) expect(mtCommand(c.subsystem, c.id)).toBe(c);
  });

  it("agrees with herdsman's ZNP definitions on the id and type of every command both know", () => {
    let compared = 0;
    for (const c of MT_COMMANDS) {
      const theirs = herdsman[c.subsystem]?.find((d) => d.ID === c.id);
      if (!theirs) continue;
      compared += 1;
      // herdsman: 1 SREQ, 2 AREQ
      expect({ command: c.name, type: theirs.type === 1 ? "SREQ" : "AREQ" }).toEqual({ command: c.name, type: c.type });
    }
    expect(compared).toBeGreaterThan(60);
  });
});

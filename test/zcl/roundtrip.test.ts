import { describe, expect, it } from "vitest";
import {
  CLUSTERS,
  DataType,
  decodeValue,
  decodeZcl,
  encodeValue,
  encodeZcl,
  frameFromJson,
  frameToJson,
} from "../../src/zcl/index.js";
import { allCommands, Gen, generateFrame, type Mode } from "./generate.js";

const SEEDS = 40;
const modes: Mode[] = ["min", "max", ...Array.from({ length: SEEDS }, () => "random" as const)];

const cases = CLUSTERS.flatMap((cluster) =>
  allCommands(cluster).map(({ direction, cmd }) => ({
    label: `${cluster.name} ${direction} ${cmd.name}`,
    cluster,
    direction,
    cmd,
  })),
);

describe("every defined command round-trips with generated payloads", () => {
  it("covers a meaningful number of commands", () => {
    expect(cases.length).toBeGreaterThan(90);
  });

  it.each(cases)("$label", ({ cluster, direction, cmd }) => {
    modes.forEach((mode, seed) => {
      const g = new Gen(seed * 7919 + cmd.id, mode);
      const frame = generateFrame(cmd, direction, g, mode === "random" ? 0.2 : 0);
      const bytes = encodeZcl(cluster.id, frame);
      const back = decodeZcl(cluster.id, bytes);
      expect(back, `${mode} seed ${seed}`).toEqual(frame);
      // The JSON form (ISO times, hex bytes, bit names) goes back to the same bytes too.
      const json = JSON.parse(JSON.stringify(frameToJson(cluster.id, back)));
      const again = encodeZcl(cluster.id, frameFromJson(cluster.id, { ...back, payload: json.payload }));
      expect(again.toString("hex"), `${mode} seed ${seed} via JSON`).toBe(bytes.toString("hex"));
    });
  });
});

describe("every attribute type round-trips through encodeValue/decodeValue", () => {
  const attrs = CLUSTERS.flatMap((c) => c.attributes.map((a) => ({ label: `${c.name}.${a.name}`, a })));
  it.each(attrs)("$label", ({ a }) => {
    for (const [seed, mode] of modes.slice(0, 6).entries()) {
      const v = new Gen(seed, mode).value(a.type, a.maxLen);
      const [back, end] = decodeValue(a.type, encodeValue(a.type, v), 0);
      expect(back).toEqual(v);
      expect(end).toBe(encodeValue(a.type, v).length);
    }
  });

  it("keeps sentinels as plain numbers", () => {
    expect(decodeValue(DataType.UINT16, Buffer.from("ffff", "hex"), 0)[0]).toBe(0xffff);
    expect(decodeValue(DataType.UTC, Buffer.from("ffffffff", "hex"), 0)[0]).toBe(0xffffffff);
    expect(decodeValue(DataType.INT32, Buffer.from("00000080", "hex"), 0)[0]).toBe(-0x80000000);
    expect(decodeValue(DataType.UINT48, Buffer.from("ffffffffffff", "hex"), 0)[0]).toBe(2 ** 48 - 1);
    expect(decodeValue(DataType.UINT64, Buffer.alloc(8, 0xff), 0)[0]).toBe(2n ** 64n - 1n);
  });
});

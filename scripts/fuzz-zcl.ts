/**
 * Fuzz run of the ZCL decoder (a measurement, printed; not a test). Prints figures for docs/benchmarks.md.
 *
 * Every defined command of every cluster gets generated frames (test/zcl/generate.ts), and global commands
 * (read, readRsp, write, report, configureReporting, defaultRsp, discover…) hand-made ones; each is then
 * mutated (bit flips, random bytes, cuts, insertions, deletions, a random tail) and decoded. Counted:
 * crashes (an exception other than ZclDecodeError), hangs (a frame taking over 1 s), frames decoded, with
 * violations, and those decoded without violations that do not encode back to the same bytes (the decoder
 * and encoder disagreeing: the goal is 0); the slowest frame and the peak RSS.
 *
 *   node --import tsx scripts/fuzz-zcl.ts [--frames N] [--seed N]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { CLUSTERS, decodeZcl, encodeZcl, type ZclFrame, ZclDecodeError } from "../src/zcl/index.js";
import { allCommands, Gen, generateFrame } from "../test/zcl/generate.js";

const { values } = parseArgs({
  options: { frames: { type: "string", default: "100000" }, seed: { type: "string", default: "1" } },
});
const TOTAL = Number(values.frames);
const g = new Gen(Number(values.seed), "random");

const specific = CLUSTERS.flatMap((cluster) => allCommands(cluster).map((c) => ({ cluster, ...c })));

/** Global frames by hand: header, then a payload of the command's shape with random contents. */
function globalFrame(): Buffer {
  const fc = (g.next() < 0.5 ? 0x08 : 0) | (g.next() < 0.5 ? 0x10 : 0);
  const u16 = () => [g.int(255), g.int(255)];
  const typed = () => {
    const type = [0x10, 0x18, 0x20, 0x21, 0x23, 0x25, 0x28, 0x30, 0x39, 0x41, 0x42, 0xe2, 0xf0][g.int(12)]!;
    const value: Record<number, () => number[]> = {
      65: () => [3, g.int(255), g.int(255), g.int(255)],
      66: () => [3, 0x61, 0x62, 0x63],
    };
    const size: Record<number, number> = {
      16: 1,
      24: 1,
      32: 1,
      33: 2,
      35: 4,
      37: 6,
      40: 1,
      48: 1,
      57: 4,
      226: 4,
      240: 8,
    };
    return [type, ...(value[type]?.() ?? [...g.bytes(size[type]!)])];
  };
  const recs = (one: () => number[]) => Array.from({ length: 1 + g.int(3) }, one).flat();
  const [cmd, body] = [
    [0x00, () => recs(u16)],
    [0x01, () => recs(() => [...u16(), 0, ...typed()])],
    [0x02, () => recs(() => [...u16(), ...typed()])],
    [0x04, () => (g.next() < 0.3 ? [0] : recs(() => [0x86, ...u16()]))],
    [0x06, () => recs(() => [0, ...u16(), 0x21, ...u16(), ...u16(), ...u16()])],
    [0x07, () => (g.next() < 0.3 ? [0] : recs(() => [0x86, 0, ...u16()]))],
    [0x0a, () => recs(() => [...u16(), ...typed()])],
    [0x0b, () => [g.int(255), g.int(255)]],
    [0x0c, () => [...u16(), g.int(255)]],
    [0x0d, () => [g.int(1), ...recs(() => [...u16(), g.int(255)])]],
  ][g.int(9)] as [number, () => number[]];
  return Buffer.from([fc, g.int(255), cmd, ...body()]);
}

function mutate(frame: Buffer): Buffer {
  const b = Buffer.from(frame);
  const at = () => g.int(Math.max(0, b.length - 1));
  switch (g.int(6)) {
    case 0:
      for (let i = 0; i <= g.int(3); i++) b[at()]! ^= 1 << g.int(7);
      return b;
    case 1:
      for (let i = 0; i <= g.int(3); i++) b[at()] = g.int(255);
      return b;
    case 2:
      return b.subarray(0, at());
    case 3: {
      const i = at();
      return Buffer.concat([b.subarray(0, i), g.bytes(1 + g.int(8)), b.subarray(i)]);
    }
    case 4: {
      const i = at();
      return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + g.int(3))]);
    }
    case 5:
      return Buffer.concat([b, g.bytes(1 + g.int(16))]);
    default:
      b[0] = g.int(255) & 0xfd; // another frame type, direction, manufacturer bit
      return b;
  }
}

let crashes = 0;
const crashMessages = new Set<string>();
let hangs = 0;
let decoded = 0;
let withViolations = 0;
let disagreements = 0;
const examples: string[] = [];
let slowestMs = 0;
let peakRss = process.memoryUsage().rss;
const started = performance.now();
for (let n = 0; n < TOTAL; n++) {
  let clusterId: number;
  let original: Buffer;
  if (g.next() < 0.8) {
    const { cluster, direction, cmd } = specific[g.int(specific.length - 1)]!;
    clusterId = cluster.id;
    original = encodeZcl(clusterId, generateFrame(cmd, direction, g, 0.1));
  } else {
    clusterId = CLUSTERS[g.int(CLUSTERS.length - 1)]!.id;
    original = globalFrame();
  }
  const bytes = mutate(original);
  const t0 = performance.now();
  let frame: ZclFrame | undefined;
  try {
    frame = decodeZcl(clusterId, bytes);
  } catch (err) {
    if (!(err instanceof ZclDecodeError)) {
      crashes++;
      crashMessages.add(
        String((err as Error).stack ?? err)
          .split("\n")
          .slice(0, 2)
          .join(" | "),
      );
    }
  }
  const ms = performance.now() - t0;
  slowestMs = Math.max(slowestMs, ms);
  if (ms > 1000) hangs++;
  if (frame) {
    decoded++;
    if (frame.violations) withViolations++;
    else {
      let again: string;
      try {
        again = encodeZcl(clusterId, frame).toString("hex");
      } catch (err) {
        again = `(refused: ${(err as Error).message})`;
      }
      if (again !== bytes.toString("hex")) {
        disagreements++;
        if (examples.length < 5) examples.push(`cluster ${clusterId} ${bytes.toString("hex")} -> ${again}`);
      }
    }
  }
  if (n % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `frames: ${TOTAL} mutated (seed ${values.seed}); ${decoded} decoded, ${withViolations} of them with violations`,
);
console.log(`crashes: ${crashes}${crashMessages.size ? ` (${[...crashMessages].join("; ")})` : ""}`);
console.log(`hangs (> 1 s): ${hangs}; slowest frame ${slowestMs.toFixed(2)} ms`);
console.log(
  `decoded without violations but not encoding back to the same bytes: ${disagreements}${examples.length ? `\n  ${examples.join("\n  ")}` : ""}`,
);
console.log(
  `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; ${seconds.toFixed(1)} s; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
process.exit(crashes > 0 || hangs > 0 || disagreements > 0 ? 1 : 0);

/**
 * Benchmark of the virtual EmberZNet NCP's hot path, side by side with the virtual Z-Stack: ZCL Read
 * Attributes round trips from zigbee-herdsman (`endpoint.read`, adapter ember vs zstack) through the virtual
 * coordinator and the simulated HAN to an emulated node and back, over tcp:// and over a socat pty. Prints
 * round trips per second (one at a time and with herdsman's 16 concurrent transactions), p50/p99 latency,
 * the CPU time per round trip (host + dongle + node, all in this process: the steadier figure on a shared
 * machine) and what the exchange would take on a real 115200-baud UART. First, the NCP alone: EZSP bytes in
 * (sendUnicast in an ASH DATA frame), incomingMessageHandler out, no socket and no herdsman.
 *
 * `--whole-stack` instead compares the hub's path on both coordinators: scripts/bench-host.ts (emulated
 * device → virtual coordinator → herdsman → host with its hooks → hub → evidence file → back) run with
 * `--adapter zstack` and `--adapter ember` alternately, each in a process of its own, `--rounds` times, with
 * the ember/zstack ratios of the best figures.
 *
 *   node --import tsx scripts/bench-ember.ts [--reads N] [--no-pty] [--only ember|zstack] [--no-in-process]
 *   node --import tsx scripts/bench-ember.ts --whole-stack [--reads N] [--rounds N]
 */
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { RealClock } from "../src/hub/clock.js";
import type { VirtualAdapter } from "../src/virtual/dongle.js";
import { EmulatedNode } from "../src/virtual/han/node.js";
import { socatAvailable } from "../src/virtual/transport/pty.js";
import { NcpTestHost } from "../test/virtual/ember/ncp-host.js";
import { benchHerdsmanReads } from "./bench-support.js";
import { quietHerdsman } from "../test/virtual/herdsman-harness.js";

const { values } = parseArgs({
  options: {
    reads: { type: "string" },
    "no-pty": { type: "boolean" },
    only: { type: "string" },
    "no-in-process": { type: "boolean" },
    "whole-stack": { type: "boolean" },
    rounds: { type: "string", default: "3" },
  },
});
const READS = Number(values.reads ?? 3000);
const CONCURRENCY = 16;
const BAUD = 115_200;

async function bench(adapter: VirtualAdapter, usePty: boolean): Promise<void> {
  await benchHerdsmanReads({
    label: `${adapter} ${usePty ? "pty" : "tcp"}`,
    adapter,
    usePty,
    reads: READS,
    concurrency: CONCURRENCY,
    baud: BAUD,
  });
}

/** The NCP and a node in process: sendUnicast (a Basic read) in, incomingMessageHandler out. */
async function benchInProcess(): Promise<void> {
  const h = new NcpTestHost();
  /** A setup command must answer status 0 (its first four bytes). */
  const ok = (frameId: number, params: Buffer) => {
    const rsp = h.command(frameId, params);
    if (rsp.frameId !== frameId || rsp.params.readUInt32LE(0) !== 0)
      throw new Error(`setup command 0x${frameId.toString(16)} failed: ${rsp.raw.toString("hex")}`);
  };
  h.reset();
  h.legacyVersion(0x13);
  h.command(0x0000, Buffer.from([0x12]));
  ok(0x0002, Buffer.from("0104010500000000", "hex")); // addEndpoint 1, HA 0x0104, device 5, flags 0, no clusters
  ok(0x0055, Buffer.from([0x00, 0x03])); // trust centre: allow joins
  const key = Buffer.alloc(16, 0x11);
  ok(0x0068, Buffer.concat([Buffer.from([0x00, 0x03]), key, key, Buffer.from([0]), Buffer.alloc(8)]));
  ok(0x001e, Buffer.from("dddddddddddddddd621a050f0000000000f8ff07", "hex"));
  await h.nextCallback(0x0019);
  const node = new EmulatedNode({
    ieee: "0x0d6f000000000001",
    endpoints: [{ endpoint: 1, profileId: 0x0104, deviceId: 1, deviceVersion: 1, inClusters: [0], outClusters: [] }],
    clock: new RealClock(),
    medium: h.medium,
  });
  ok(0x0022, Buffer.from([60]));
  await node.join();
  const send = (tsn: number) => {
    const zcl = Buffer.from([0x00, tsn, 0x00, 0x00, 0x00]);
    const p = Buffer.alloc(17 + zcl.length);
    p[0] = 0; // DIRECT
    p.writeUInt16LE(node.nwk!, 1);
    p.writeUInt16LE(0x0104, 3);
    p.writeUInt16LE(0x0000, 5);
    p[7] = 1;
    p[8] = 1;
    p.writeUInt16LE(0x0140, 9);
    p.writeUInt16LE(tsn, 14);
    p[16] = zcl.length;
    zcl.copy(p, 17);
    h.command(0x0034, p);
  };
  const once = async (tsn: number) => {
    const inc = h.nextCallback(0x0045);
    send(tsn);
    await inc;
    h.callbacks.length = 0;
    h.responses.length = 0;
  };
  for (let i = 0; i < 300; i++) await once(i & 0xff);
  const n = READS * 10;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once(i & 0xff);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    `${"in-process".padEnd(11)} ${(n / s).toFixed(0).padStart(6)} rt/s  | CPU ${((cpu.user + cpu.system) / n).toFixed(1)} µs/rt` +
      "  — NCP + node, EZSP over ASH bytes in and out (the test host's ASH counted), no socket\n",
  );
  node.dispose();
  h.close();
}

interface WholeStack {
  seqRps: number;
  p50: number;
  p99: number;
  cpuUs: number;
  parRps: number;
}

/** One scripts/bench-host.ts process on `adapter`; its "one at a time" and "16 in flight" lines, parsed. */
function benchHost(adapter: VirtualAdapter, reads: number): WholeStack {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "scripts/bench-host.ts", "--adapter", adapter, "--reads", String(reads)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const line = (label: string) => {
    const m = new RegExp(
      `^${label}: \\d+ reads in [\\d.]+ s = (\\d+) reads/s; latency p50 ([\\d.]+) ms, p99 ([\\d.]+) ms.*CPU (\\d+) µs/read`,
      "m",
    ).exec(out);
    if (!m) throw new Error(`bench-host.ts --adapter ${adapter} printed no '${label}' line:\n${out}`);
    return m.slice(1).map(Number) as [number, number, number, number];
  };
  const [seqRps, p50, p99, cpuUs] = line("one at a time");
  const [parRps] = line(`${CONCURRENCY} in flight`);
  return { seqRps, p50, p99, cpuUs, parRps };
}

function wholeStack(): void {
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  const reads = Number(values.reads ?? 5000);
  process.stdout.write(
    `whole stack: ${reads} reads of 0x0708 on the hub's GPF endpoint per process, zstack and ember alternately, ${rounds} round(s)\n`,
  );
  const runs: Record<VirtualAdapter, WholeStack[]> = { zstack: [], ember: [] };
  for (let r = 0; r < rounds; r++) {
    for (const adapter of ["zstack", "ember"] as const) {
      const w = benchHost(adapter, reads);
      runs[adapter].push(w);
      process.stdout.write(
        `  ${adapter.padEnd(6)} ${String(w.seqRps).padStart(6)} reads/s  p50 ${w.p50.toFixed(3)} ms  p99 ${w.p99.toFixed(3)} ms` +
          `  CPU ${w.cpuUs} µs/read  | ${CONCURRENCY} in flight ${String(w.parRps).padStart(6)} reads/s` +
          `  (load ${loadavg()[0]!.toFixed(1)})\n`,
      );
    }
  }
  const best = (a: VirtualAdapter, k: keyof WholeStack, low: boolean) =>
    (low ? Math.min : Math.max)(...runs[a].map((w) => w[k]));
  const median = (a: VirtualAdapter, k: keyof WholeStack) => {
    const v = runs[a].map((w) => w[k]).sort((x, y) => x - y);
    return v[Math.floor(v.length / 2)]!;
  };
  // > 1 means ember is slower: time-like figures divide ember by zstack, rates zstack by ember
  const figures: [string, keyof WholeStack, boolean][] = [
    ["one at a time", "seqRps", false],
    ["p50", "p50", true],
    ["CPU per read", "cpuUs", true],
    [`${CONCURRENCY} in flight`, "parRps", false],
  ];
  for (const [what, of] of [
    ["best of each", best],
    ["median", (a: VirtualAdapter, k: keyof WholeStack) => median(a, k)],
  ] as const) {
    const parts = figures.map(([label, k, low]) => {
      const e = of("ember", k, low);
      const z = of("zstack", k, low);
      return `${label} ${(low ? e / z : z / e).toFixed(2)}×`;
    });
    process.stdout.write(`  ember / zstack (${what}; > 1 means ember is slower): ${parts.join(", ")}\n`);
  }
}

quietHerdsman();
if (values["whole-stack"]) {
  wholeStack();
  process.exit(0);
}
process.stdout.write(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} (figures are wall-clock, shared CPU)\n`,
);
if (!values["no-in-process"]) await benchInProcess();
process.stdout.write(
  `${READS} genBasic reads via herdsman endpoint.read, one at a time and ${CONCURRENCY} at a time, ember beside zstack\n`,
);
const ptys = !values["no-pty"] && socatAvailable();
for (const adapter of (["ember", "zstack"] as const).filter((a) => !values.only || a === values.only)) {
  await bench(adapter, false);
  if (ptys) await bench(adapter, true);
}
if (!ptys) process.stdout.write(`pty        skipped (${values["no-pty"] ? "--no-pty" : "socat is not installed"})\n`);
process.exit(0);

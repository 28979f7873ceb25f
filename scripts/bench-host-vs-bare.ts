/**
 * ZCL reads through the whole hanbench stack beside bare zigbee-herdsman, in one process and one run,
 * alternating batches so that both see the same machine:
 *
 * - hanbench: an emulated device reads the hub (CoT attributes of the GPF's Device Management cluster):
 *   device → virtual ZNP (tcp://) → zigbee-herdsman → host → hub → evidence log (a JSONL file) → back, the host
 *   run as a virtual run runs it (`VIRTUAL_DONGLE_HOST` in src/host/host.ts: herdsman's Z-Stack waits build no
 *   stack trace each); `--herdsman-waits`: as a bench run on a real dongle runs it (each wait captures its stack).
 * - bare herdsman: herdsman's own `endpoint.read` of an emulated node (Basic zclVersion) through another
 *   virtual dongle of the same kind: herdsman → virtual ZNP → node → back, nothing of hanbench's above it.
 *
 * Each path runs in its own child process with its own dongle and node (herdsman keeps its devices in
 * module-wide state, so one controller a process); this process hands out batches of reads to one, then
 * the other, alternating which goes first. Prints, per path, reads per second, latency p50/p99/max and CPU
 * per read (that child: device, dongle and host in one process), then the ratio hanbench / bare herdsman of
 * the read rates, and of the rates their median latencies give (1 / p50: on a shared machine the read rate
 * follows the longest pauses of other processes, the median much less). Target: the ratio ≥ 0.9 and
 * hanbench's p99 < 1 ms.
 *
 *   npx tsx scripts/bench-host-vs-bare.ts [--rounds N] [--batch N] [--concurrency C] [--memory-evidence] [--endpoint 1]
 *                                         [--herdsman-waits] [--adapter zstack|ember]
 *
 * Defaults: 10 rounds of 1,000 reads per path after 1,000 to warm each up.
 * --concurrency C keeps C reads in flight on each path (default 1, one at a time).
 * --adapter ember: both paths on the virtual EmberZNet NCP and herdsman's ember adapter (default zstack).
 * scripts/bench-host.ts is the hanbench path alone, one at a time and 16 in flight.
 * --memory-evidence keeps the evidence in memory only (to see what the file writes cost).
 * --endpoint 1 reads from a coordinator endpoint that is not a hub server: herdsman answers by itself
 * (UNSUPPORTED_ATTRIBUTE), which gives the floor of the stack without the hub.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hubWithReadingNode, percentile } from "./bench-support.js";
import { VirtualDongle } from "../src/virtual/dongle.js";
import {
  interviewed as herdsmanInterviewed,
  makeController,
  quietHerdsman,
  randomKey,
} from "../test/virtual/herdsman-harness.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    batch: { type: "string", default: "1000" },
    "warm-up": { type: "string", default: "1000" },
    concurrency: { type: "string", default: "1" },
    "memory-evidence": { type: "boolean", default: false },
    "herdsman-waits": { type: "boolean", default: false },
    endpoint: { type: "string" },
    role: { type: "string" },
    adapter: { type: "string", default: "zstack" },
  },
});
if (values.adapter !== "zstack" && values.adapter !== "ember") {
  console.error(`--adapter must be zstack or ember, got ${values.adapter}`);
  process.exit(2);
}
const ADAPTER: "zstack" | "ember" = values.adapter;
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const WARM_UP = Number(values["warm-up"]);
for (const [name, n] of [
  ["warm-up", WARM_UP],
  ["rounds", ROUNDS],
  ["batch", BATCH],
  ["concurrency", CONCURRENCY],
] as const) {
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number ≥ 1`);
    process.exit(2);
  }
}

/** Latencies, wall time and CPU of every batch of one path. */
interface Tally {
  latencies: number[];
  seconds: number;
  cpuUs: number;
  /** The median latency, ms, once the batches are in. */
  p50?: number;
}

/** Runs `count` reads, `inFlight` at a time, adding their figures to `t`. */
async function batch(read: () => Promise<unknown>, count: number, inFlight: number, t: Tally): Promise<void> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) {
        const s = performance.now();
        await read();
        t.latencies.push(performance.now() - s);
      }
    }),
  );
  t.seconds += (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  t.cpuUs += cpu.user + cpu.system;
}

/** A path of reads in this process: sets it up, runs batches, tears it down. */
interface Path {
  read(): Promise<unknown>;
  /** Extra figures printed once at the end. */
  summary(): string;
  stop(): Promise<void>;
}

/** hanbench: a device reads the hub through the host. */
async function hanbenchPath(): Promise<Path> {
  const world = await hubWithReadingNode({
    adapter: ADAPTER,
    memoryEvidence: values["memory-evidence"],
    endpoint: values.endpoint ? Number(values.endpoint) : undefined,
    herdsmanWaits: values["herdsman-waits"],
  });
  const { evidence, evidencePath } = world.stack;
  return {
    read: world.readCot,
    summary: () =>
      `${evidence.events.length} evidence events` +
      (evidencePath ? `, evidence file ${(statSync(evidencePath).size / 1e6).toFixed(1)} MB` : " (in memory)"),
    stop: () => world.stop(),
  };
}

/** bare herdsman: its own endpoint.read of a node behind a virtual dongle. */
async function barePath(): Promise<Path> {
  quietHerdsman();
  const dir = mkdtempSync(join(tmpdir(), "hanbench-bench-bare-"));
  const dongle = await VirtualDongle.start({ adapter: ADAPTER });
  const controller = makeController(dongle.url, dir, randomKey(), ADAPTER);
  await controller.start();
  const node = dongle.addDevice("node", { autoJoin: false });
  const done = herdsmanInterviewed(controller, node.ieee);
  await controller.permitJoin(60);
  await node.join();
  const ep = (await done).getEndpoint(1)!;
  await controller.permitJoin(0);
  return {
    read: () => ep.read("genBasic", ["zclVersion"]),
    summary: () => "",
    async stop() {
      await controller.stop().catch(() => {});
      await dongle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type ToChild = { cmd: "batch"; count: number } | { cmd: "stop" };
type FromChild = { ready: true } | { tally: Tally } | { stopped: string };

/** A child process running one path (herdsman keeps its devices in module-wide state: one controller a process). */
async function child(role: string): Promise<void> {
  const path = role === "bare" ? await barePath() : await hanbenchPath();
  const send = (m: FromChild) => process.send!(m);
  process.on("message", async (m: ToChild) => {
    if (m.cmd === "batch") {
      const t: Tally = { latencies: [], seconds: 0, cpuUs: 0 };
      await batch(() => path.read(), m.count, CONCURRENCY, t);
      send({ tally: t });
    } else {
      const summary = path.summary();
      await path.stop();
      send({ stopped: summary });
      process.disconnect();
    }
  });
  send({ ready: true });
}

/** Starts a path in a child process; `ask` sends it a command and resolves with its answer. */
async function startChild(role: "hanbench" | "bare"): Promise<(m: ToChild) => Promise<FromChild>> {
  const argv = process.argv.slice(2).filter((a, i, all) => a !== "--role" && all[i - 1] !== "--role");
  const c = fork(process.argv[1]!, [...argv, "--role", role], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, HANBENCH_LOG_LEVEL: process.env.HANBENCH_LOG_LEVEL ?? "warn" },
  });
  let waiting: ((m: FromChild) => void) | undefined;
  c.on("message", (m: FromChild) => waiting?.(m));
  c.on("exit", (code) => {
    if (code) {
      console.error(`the ${role} process exited with ${code}`);
      process.exit(1);
    }
  });
  const next = () => new Promise<FromChild>((r) => (waiting = r));
  await next();
  return (m) => {
    const answer = next();
    c.send(m);
    return answer;
  };
}

async function main(): Promise<void> {
  const children = {
    hanbench: await startChild("hanbench"),
    bare: await startChild("bare"),
  };
  const run = async (path: "hanbench" | "bare", count: number, into: Tally) => {
    const answer = await children[path]({ cmd: "batch", count });
    if (!("tally" in answer)) throw new Error(`unexpected answer from ${path}`);
    into.latencies.push(...answer.tally.latencies);
    into.seconds += answer.tally.seconds;
    into.cpuUs += answer.tally.cpuUs;
  };
  const warm: Tally = { latencies: [], seconds: 0, cpuUs: 0 };
  await run("hanbench", WARM_UP, warm);
  await run("bare", WARM_UP, warm);
  const load0 = loadavg()[0]!;
  const tallies: Record<"hanbench" | "bare", Tally> = {
    hanbench: { latencies: [], seconds: 0, cpuUs: 0 },
    bare: { latencies: [], seconds: 0, cpuUs: 0 },
  };
  for (let r = 0; r < ROUNDS; r++) {
    // alternate which path goes first, so that neither always follows the other
    const order = r % 2 === 0 ? (["hanbench", "bare"] as const) : (["bare", "hanbench"] as const);
    for (const path of order) await run(path, BATCH, tallies[path]);
  }
  const reads = ROUNDS * BATCH;
  const line = (label: string, t: Tally) => {
    t.latencies.sort((a, b) => a - b);
    t.p50 = percentile(t.latencies, 50);
    const f = (ms: number) => `${ms.toFixed(3)} ms`;
    const rate = reads / t.seconds;
    console.log(
      `${label.padEnd(14)} ${Math.round(rate).toString().padStart(5)} reads/s; ` +
        `latency p50 ${f(t.p50)}, p99 ${f(percentile(t.latencies, 99))}, ` +
        `max ${f(t.latencies.at(-1) ?? 0)}; CPU ${Math.round(t.cpuUs / reads)} µs/read`,
    );
    return rate;
  };
  console.log(
    `${ROUNDS} rounds of ${BATCH} reads per path on ${ADAPTER}, ${CONCURRENCY} in flight, alternating; ` +
      `load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; the hanbench host as ` +
      (values["herdsman-waits"] ? "a bench run's (herdsman's waits)" : "a virtual run's (VIRTUAL_DONGLE_HOST)"),
  );
  const hanbench = line("hanbench", tallies.hanbench);
  const bare = line("bare herdsman", tallies.bare);
  console.log(
    `ratio hanbench / bare herdsman: reads/s ${(hanbench / bare).toFixed(2)} (target ≥ 0.9); ` +
      `at the median latency ${(tallies.bare.p50! / tallies.hanbench.p50!).toFixed(2)}; ` +
      `CPU per read ${(tallies.hanbench.cpuUs / tallies.bare.cpuUs).toFixed(2)}× bare`,
  );
  for (const path of ["hanbench", "bare"] as const) {
    const answer = await children[path]({ cmd: "stop" });
    if ("stopped" in answer && answer.stopped) console.log(`${path}: ${answer.stopped}`);
  }
}

(values.role ? child(values.role) : main()).then(
  () => {
    if (!values.role) process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

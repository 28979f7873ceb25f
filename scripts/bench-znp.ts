/**
 * Benchmark of the virtual dongle's hot path: ZCL Read Attributes round-trips from zigbee-herdsman
 * (`endpoint.read`) through the virtual ZNP and the simulated HAN to an emulated node and back.
 *
 * First, the dongle's own figure: `hanbench virtual` in a child process (as a user runs it), herdsman in
 * this one reading an emulated node over tcp://; after 1,000 reads to warm up, the child's CPU time (user +
 * system, from /proc/<pid>/stat, Linux) per round trip over `--batches` (default 4) consecutive batches of
 * `--process-reads` reads (default 10,000). The first batch still pays for V8 optimising the dongle's hot
 * path (the compiler threads' CPU is the child's), the last is the settled cost. A second line per batch
 * splits the CPU between the main thread and the others (V8's compiler and GC helpers), with the minor page
 * faults, the voluntary context switches (sleeps) per round trip and the child's RSS. `--child-flags="…"`
 * replaces the child's Node flags (default `--max-semi-space-size=4`, as bin/hanbench.js runs). `--cpu-prof
 * DIR` profiles the child (`--cpu-prof-interval µs`: its sampling interval, default Node's 1000). `--child-out
 * FILE` keeps what the child prints after its device list (`--trace-opt`, `--trace-deopt` …) in FILE, with a
 * line `=== batch N (reads A-B) ===` where each batch starts and `=== end ===` after the last.
 *
 * Then, in this process: the dongle fed MT bytes directly, a bare MT client over tcp://, and herdsman over
 * tcp:// and a socat pty: round trips per second (one at a time, and with herdsman's 16 concurrent
 * transactions), p50/p99 latency, and the time the same exchange would take on a 115200-baud UART. On a
 * shared machine the wall-clock p99 is dominated by scheduling; CPU time per round trip is steadier.
 *
 * `--only floor` is the same traffic (20 bytes in, 47 out, one at a time) against a bare Node TCP server in a
 * child process that does nothing else: what one socket read and one write cost a Node process here; once
 * with the client sending at once, once with the client busy `--floor-pace` µs (default 150, about what
 * herdsman spends on a read) between a reply and the next request, since a server that sleeps longer
 * between requests pays more for each (caches gone cold, a deeper wake-up).
 *
 *   node --import tsx scripts/bench-znp.ts [--reads N] [--process-reads N] [--batches N] [--child-flags="FLAGS"] [--only process|floor|in-process|raw|herdsman] [--no-pty]
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { VirtualDongle } from "../src/virtual/dongle.js";
import { socatAvailable } from "../src/virtual/transport/pty.js";
import { RealClock } from "../src/hub/clock.js";
import { HanMedium } from "../src/virtual/han/medium.js";
import { EmulatedNode } from "../src/virtual/han/node.js";
import { MtType, Subsystem, UnpiParser, encodeFrame } from "../src/virtual/znp/frame.js";
import { createZnp } from "../src/virtual/znp/index.js";
import { ZnpState } from "../src/virtual/znp/state.js";
import { formNetwork } from "../src/virtual/znp/commissioning.js";
import { RawClient } from "../test/virtual/raw-client.js";
import { benchHerdsmanReads, percentile, timeSequential } from "./bench-support.js";
import { interviewed, makeController, quietHerdsman, randomKey } from "../test/virtual/herdsman-harness.js";

const { values } = parseArgs({
  options: {
    reads: { type: "string" },
    "process-reads": { type: "string" },
    batches: { type: "string" },
    "floor-pace": { type: "string" },
    "child-flags": { type: "string" },
    only: { type: "string" },
    "cpu-prof": { type: "string" },
    "cpu-prof-interval": { type: "string" },
    "child-out": { type: "string" },
    "no-pty": { type: "boolean" },
  },
});
const READS = Number(values.reads ?? 3000);
const PROCESS_READS = Number(values["process-reads"] ?? 10_000);
const BATCHES = Number(values.batches ?? 4);
const FLOOR_PACE_US = Number(values["floor-pace"] ?? 150);
const CONCURRENCY = 16;
const BAUD = 115_200;

async function bench(label: string, usePty: boolean): Promise<void> {
  await benchHerdsmanReads({ label, adapter: "zstack", usePty, reads: READS, concurrency: CONCURRENCY, baud: BAUD });
}

/** The dongle alone: a bare MT client sends AF dataRequest (a Basic read) and waits for AF incomingMsg. */
async function benchRaw(): Promise<void> {
  const dongle = await VirtualDongle.start({});
  formNetwork(dongle.znp);
  const c = await RawClient.connect(dongle.url);
  try {
    await c.sreq(Subsystem.AF, 0x00, Buffer.from("010401050000000000", "hex"));
    const node = dongle.addDevice("node", { autoJoin: false });
    dongle.medium.permitJoin(60);
    await node.join();
    let tsn = 0;
    const once = async () => {
      tsn = (tsn + 1) & 0xff;
      const t = tsn;
      const zcl = Buffer.from([0x00, t, 0x00, 0x00, 0x00]);
      const req = Buffer.alloc(10 + zcl.length);
      req.writeUInt16LE(node.nwk!, 0);
      req[2] = 1;
      req[3] = 1;
      req[6] = t;
      req[8] = 30;
      req[9] = zcl.length;
      zcl.copy(req, 10);
      const inc = c.next(
        (f) => f.type === MtType.AREQ && f.subsystem === Subsystem.AF && f.command === 0x81 && f.data[18] === t,
      );
      await c.sreq(Subsystem.AF, 0x01, req);
      await inc;
      c.frames.length = 0;
    };
    for (let i = 0; i < 300; i++) await once();
    const t = await timeSequential(once, READS);
    process.stdout.write(
      `${"raw MT".padEnd(11)} ${t.perSecond.toFixed(0).padStart(7)} rt/s  p50 ${percentile(t.latencies, 50).toFixed(3)} ms  p99 ${percentile(t.latencies, 99).toFixed(3)} ms` +
        `  | CPU ${t.cpuUs.toFixed(0)} µs/rt (client + dongle + node)` +
        "  — a bare MT client over tcp://, no herdsman: the dongle's own cost\n",
    );
  } finally {
    await c.close();
    await dongle.stop();
  }
}

/** The dongle and a node in process, no socket: MT bytes in, AF_INCOMING_MSG out. */
async function benchInProcess(): Promise<void> {
  const medium = new HanMedium();
  const emu = createZnp({ state: new ZnpState("0x00124b0001020304"), medium });
  formNetwork(emu);
  emu.state.endpoints.set(1, {
    endpoint: 1,
    profileId: 0x0104,
    deviceId: 5,
    deviceVersion: 0,
    inClusters: [],
    outClusters: [],
  });
  const node = new EmulatedNode({
    ieee: "0x0d6f000000000001",
    endpoints: [{ endpoint: 1, profileId: 0x0104, deviceId: 1, deviceVersion: 1, inClusters: [0], outClusters: [] }],
    clock: new RealClock(),
    medium,
  });
  medium.permitJoin(60);
  await node.join();
  let done: (() => void) | undefined;
  const parser = new UnpiParser((f) => {
    if (f.type === MtType.AREQ && f.subsystem === Subsystem.AF && f.command === 0x81) done?.();
  });
  emu.setSink((b) => parser.push(b));
  const req = Buffer.alloc(15);
  req.writeUInt16LE(node.nwk!, 0);
  req[2] = 1;
  req[3] = 1;
  req[9] = 5;
  Buffer.from([0x00, 1, 0x00, 0x00, 0x00]).copy(req, 10);
  const frame = encodeFrame(MtType.SREQ, Subsystem.AF, 0x01, req);
  const n = READS * 10;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const p = new Promise<void>((r) => {
      done = r;
    });
    emu.fromHost(frame);
    await p;
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    `${"in-process".padEnd(10)} ${(n / s).toFixed(0).padStart(7)} rt/s  | CPU ${((cpu.user + cpu.system) / n).toFixed(1)} µs/rt` +
      "  — dongle + node, MT bytes in and out, no socket\n",
  );
  medium.close();
  emu.close();
}

/** user and system CPU of a process so far, in µs (Linux /proc; clock ticks of 10 ms). */
function processCpuUs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const tick = 1_000_000 / 100;
  return { user: Number(fields[11]) * tick, system: Number(fields[12]) * tick };
}

/**
 * A process's threads so far (Linux /proc): CPU of the main thread (the event loop and the JavaScript) and of
 * the others (V8's compiler and GC helper threads, libuv's pool), in µs; minor page faults; voluntary
 * context switches (a thread going to sleep: the event loop waiting for the next request, a helper thread
 * done) summed over the threads.
 */
function threadStats(pid: number): { main: number; others: number; minflt: number; sleeps: number } {
  const out = { main: 0, others: 0, minflt: 0, sleeps: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    let status: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpu = (Number(f[11]) + Number(f[12])) * 10_000;
    if (Number(tid) === pid) out.main += cpu;
    else out.others += cpu;
    out.minflt += Number(f[7]);
    out.sleeps += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return out;
}

/** Resident set size of a process, MB (Linux /proc). */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? 0) / 1024;
}

/** `hanbench virtual` in a child process; herdsman here reads its node; the child's CPU per round trip. */
async function benchProcess(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hanbench-bench-"));
  const prof = values["cpu-prof"]
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${values["cpu-prof"]}`,
        ...(values["cpu-prof-interval"] ? [`--cpu-prof-interval=${values["cpu-prof-interval"]}`] : []),
      ]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...prof,
      ...(values["child-flags"] ?? "--max-semi-space-size=4").split(" ").filter(Boolean),
      "bin/hanbench.js",
      "virtual",
      "--listen",
      "tcp://127.0.0.1:0",
      "--devices",
      "node",
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  let url = "";
  let ieee = "";
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    url ||= /connect to: (\S+)/.exec(line)?.[1] ?? "";
    const d = /^node-\d+\s+([0-9A-F]{16})/.exec(line);
    if (d) {
      ieee = `0x${d[1]!.toLowerCase()}`;
      break;
    }
  }
  // the rest of the child's output: kept in --child-out, else drained (a full pipe would stop the child)
  const out = values["child-out"] ? createWriteStream(values["child-out"]) : undefined;
  child.stdout.on("data", (chunk: Buffer) => out?.write(chunk));
  child.stdout.resume();
  // with --child-out: a marker once what the child printed so far has arrived (a pause of 100 ms only then)
  const mark = async (text: string) => {
    if (!out) return;
    await new Promise((r) => setTimeout(r, 100));
    out.write(`=== ${text} ===\n`);
  };
  const c = makeController(url, dir, randomKey());
  try {
    await c.start();
    const done = interviewed(c, ieee);
    await c.permitJoin(60);
    const ep = (await done).getEndpoint(1)!;
    const read = () => ep.read("genBasic", ["zclVersion"]);
    for (let i = 0; i < 1000; i++) await read();
    // Batches of PROCESS_READS one after the other: the first still pays for V8 optimising the hot path (its
    // compiler threads are the child's CPU too), the later ones show the settled cost.
    for (let b = 1; b <= BATCHES; b++) {
      await mark(`batch ${b} (reads ${1000 + (b - 1) * PROCESS_READS + 1}-${1000 + b * PROCESS_READS})`);
      const cpu0 = processCpuUs(child.pid!);
      const threads0 = threadStats(child.pid!);
      const host0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < PROCESS_READS; i++) await read();
      const s = (performance.now() - t0) / 1000;
      const cpu = processCpuUs(child.pid!);
      const threads = threadStats(child.pid!);
      const host = process.cpuUsage(host0);
      const per = (us: number) => (us / PROCESS_READS).toFixed(1);
      const dongle = cpu.user + cpu.system - cpu0.user - cpu0.system;
      process.stdout.write(
        `${`process ${b}`.padEnd(10)} ${(PROCESS_READS / s).toFixed(0).padStart(7)} rt/s  | hanbench virtual CPU ${per(dongle)} µs/rt` +
          ` (user ${per(cpu.user - cpu0.user)}, system ${per(cpu.system - cpu0.system)})` +
          `  | herdsman host ${per(host.user + host.system)} µs/rt` +
          ` (dongle / host ${(dongle / (host.user + host.system)).toFixed(2)})` +
          `  — reads ${1000 + (b - 1) * PROCESS_READS + 1}-${1000 + b * PROCESS_READS}\n` +
          `${"".padEnd(18)} main thread ${per(threads.main - threads0.main)}, other threads ${per(threads.others - threads0.others)} µs/rt` +
          `  | faults ${((threads.minflt - threads0.minflt) / PROCESS_READS).toFixed(2)}/rt` +
          `  | sleeps ${((threads.sleeps - threads0.sleeps) / PROCESS_READS).toFixed(2)}/rt  | RSS ${rssMb(child.pid!).toFixed(0)} MB\n`,
      );
    }
    await mark("end");
  } finally {
    await c.stop().catch(() => {});
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    out?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Node's own floor for the same traffic: a child process whose TCP server answers each 20-byte request
 * (an AF_DATA_REQUEST's size) with 47 bytes (SRSP, data confirm and incoming message) in one write, and
 * does nothing else; this process sends one request at a time. The child's CPU per round trip is what one
 * socket read and one socket write cost a Node process on this machine.
 */
async function benchFloor(): Promise<void> {
  const server = [
    'const net = require("node:net");',
    "const reply = Buffer.alloc(47, 1);",
    "const srv = net.createServer((s) => { s.setNoDelay(true); s.on('data', () => s.write(reply)); });",
    "srv.listen(0, '127.0.0.1', () => process.stdout.write(srv.address().port + '\\n'));",
  ].join("\n");
  const child = spawn(process.execPath, ["--max-semi-space-size=4", "-e", server], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let port = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    port = Number(line);
    break;
  }
  const sock = connect(port, "127.0.0.1");
  sock.setNoDelay(true);
  await new Promise<void>((r) => sock.once("connect", () => r()));
  const req = Buffer.alloc(20, 1);
  // the client's own work between a reply and the next request (herdsman's is ~100-150 µs of CPU a read)
  let paceUs = 0;
  const once = () =>
    new Promise<void>((r) => {
      sock.once("data", () => r());
      const until = performance.now() + paceUs / 1000;
      while (performance.now() < until);
      sock.write(req);
    });
  try {
    for (const pace of [0, FLOOR_PACE_US]) {
      paceUs = pace;
      for (let i = 0; i < 1000; i++) await once();
      const cpu0 = processCpuUs(child.pid!);
      const threads0 = threadStats(child.pid!);
      const t0 = performance.now();
      for (let i = 0; i < PROCESS_READS; i++) await once();
      const s = (performance.now() - t0) / 1000;
      const cpu = processCpuUs(child.pid!);
      const threads = threadStats(child.pid!);
      const per = (us: number) => (us / PROCESS_READS).toFixed(1);
      process.stdout.write(
        `${"floor".padEnd(10)} ${(PROCESS_READS / s).toFixed(0).padStart(7)} rt/s  | a bare Node TCP server CPU ${per(cpu.user + cpu.system - cpu0.user - cpu0.system)} µs/rt` +
          ` (user ${per(cpu.user - cpu0.user)}, system ${per(cpu.system - cpu0.system)})` +
          `  — one read and one write per round trip, nothing else; the client busy ${pace} µs between\n` +
          `${"".padEnd(18)} main thread ${per(threads.main - threads0.main)}, other threads ${per(threads.others - threads0.others)} µs/rt` +
          `  | sleeps ${((threads.sleeps - threads0.sleeps) / PROCESS_READS).toFixed(2)}/rt  | RSS ${rssMb(child.pid!).toFixed(0)} MB\n`,
      );
    }
  } finally {
    sock.destroy();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

quietHerdsman();
process.stdout.write(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} (figures are wall-clock, shared CPU)\n`,
);
const only = values.only;
const run = (name: string) => !only || only === name;
if (run("process")) await benchProcess();
if (run("floor")) await benchFloor();
if (run("in-process")) await benchInProcess();
if (run("raw")) await benchRaw();
if (run("herdsman")) {
  process.stdout.write(
    `virtual ZNP: ${READS} genBasic reads via herdsman endpoint.read, one at a time and ${CONCURRENCY} at a time\n`,
  );
  await bench("tcp://", false);
  if (values["no-pty"]) process.stdout.write("pty        skipped (--no-pty)\n");
  else if (socatAvailable()) await bench("socat pty", true);
  else process.stdout.write("pty        skipped: socat is not installed\n");
}
process.exit(0);

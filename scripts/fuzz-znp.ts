/**
 * Fuzz run of the virtual ZNP's host byte stream (a measurement, printed; not a test). Prints figures for
 * docs/benchmarks.md: crashes, hangs, peak RSS.
 *
 * 1. Corpus: an unmodified zigbee-herdsman host starts on a virtual dongle, lets an emulated node join,
 *    interviews it and reads its Basic cluster; every chunk herdsman writes is kept (real, well-formed MT).
 * 2. Fuzz: a fresh dongle gets at least --bytes bytes (default 10^6) over its tcp:// link: random noise, the
 *    corpus frames mutated (bit flips, random bytes, insertions, deletions, cut frames, wrong lengths and
 *    FCS, stray start bytes), intact corpus frames, all split and joined at random. Every --probe-every
 *    chunks the line is left quiet for 150 ms (longer than the firmware's inter-byte timeout) and a
 *    SYS_PING must be answered within 1 s, else it counts as a hang; the event loop's longest stall is
 *    measured too (over 1 s counts as a hang). An exception escaping the dongle counts as a crash.
 * 3. After: the fuzz link is closed and a well-behaved herdsman host must start on the same dongle, let
 *    the node join (again), interview it and read it.
 *
 *   node --import tsx scripts/fuzz-znp.ts [--bytes N] [--seed N] [--probe-every N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Controller } from "zigbee-herdsman";
import { setDefaultLogLevel } from "../src/log.js";
import { VirtualDongle } from "../src/virtual/dongle.js";
import type { EmulatedNode } from "../src/virtual/han/node.js";
import { MtType, Subsystem, UnpiParser, encodeFrame } from "../src/virtual/znp/frame.js";
import { interviewed, makeController, quietHerdsman, randomKey } from "../test/virtual/herdsman-harness.js";
import { rng } from "../test/zcl/generate.js";

const { values } = parseArgs({
  options: {
    bytes: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    "probe-every": { type: "string", default: "200" },
  },
});
const TOTAL = Number(values.bytes);
const PROBE_EVERY = Number(values["probe-every"]);
const random = rng(Number(values.seed));
const int = (max: number) => Math.floor(random() * (max + 1));
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(255)));

// the dongle warns about every rejected frame: only errors, unless HANBENCH_LOG_LEVEL says otherwise
setDefaultLogLevel("error");
quietHerdsman();
let crashes = 0;
const crashMessages = new Set<string>();
process.on("uncaughtException", (err) => {
  crashes += 1;
  crashMessages.add(
    String(err?.stack ?? err)
      .split("\n")
      .slice(0, 3)
      .join(" | "),
  );
});

/** Starts herdsman on the dongle, lets the node join, interviews it and reads its Basic cluster. */
async function wellBehavedHost(dongle: VirtualDongle, node: EmulatedNode, keep?: (chunk: Buffer) => void) {
  const dir = mkdtempSync(join(tmpdir(), "hanbench-fuzz-znp-"));
  const undo = keep ? recordHost(dongle, keep) : () => {};
  const controller: Controller = makeController(dongle.url, dir, randomKey());
  try {
    await controller.start();
    const joined = interviewed(controller, node.ieee, 30_000);
    await controller.permitJoin(60);
    const device = await joined;
    const endpoint = device.endpoints[0]!;
    const read = await endpoint.read("genBasic", ["modelId", "manufacturerName"]);
    return { ok: true, read };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    undo();
    await controller.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Keeps every chunk the host writes to the dongle. */
function recordHost(dongle: VirtualDongle, keep: (chunk: Buffer) => void): () => void {
  const znp = dongle.znp as unknown as { fromHost(c: Buffer): void };
  const original = znp.fromHost.bind(znp);
  znp.fromHost = (c: Buffer) => {
    keep(Buffer.from(c));
    original(c);
  };
  return () => {
    znp.fromHost = original;
  };
}

/** The corpus split into frames (each chunk may hold several). */
function framesOf(chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  const parser = new UnpiParser((f) => out.push(encodeFrame(f.type, f.subsystem, f.command, f.data)));
  for (const c of chunks) parser.push(c);
  return out;
}

function mutate(frame: Buffer): Buffer {
  const b = Buffer.from(frame);
  switch (int(9)) {
    case 0: // flip bits
      for (let i = 0; i <= int(3); i++) b[int(b.length - 1)]! ^= 1 << int(7);
      return b;
    case 1: // random bytes in place
      for (let i = 0; i <= int(3); i++) b[int(b.length - 1)] = int(255);
      return b;
    case 2: // cut short
      return b.subarray(0, int(b.length - 1));
    case 3: // wrong length byte
      b[1] = int(255);
      return b;
    case 4: // wrong FCS
      b[b.length - 1]! ^= 1 + int(254);
      return b;
    case 5: {
      // insert random bytes
      const at = int(b.length);
      return Buffer.concat([b.subarray(0, at), randomBytes(1 + int(8)), b.subarray(at)]);
    }
    case 6: {
      // delete bytes
      const at = int(b.length - 1);
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(3))]);
    }
    case 7: // stray start bytes
      return Buffer.concat([Buffer.from([0xfe, int(255)]), b]);
    case 8: {
      // a well-formed frame with a random payload of the same command
      const data = randomBytes(int(Math.min(250, b.length + 8)));
      return encodeFrame(b[2]! >> 5, b[2]! & 0x1f, b[3]!, data);
    }
    default: // random command, random payload, well framed
      return encodeFrame(int(3), int(31), int(255), randomBytes(int(40)));
  }
}

function connectTo(url: string): Promise<Socket> {
  const m = /^tcp:\/\/(.+):(\d+)$/.exec(url)!;
  return new Promise((resolve, reject) => {
    const s = connect(Number(m[2]), m[1]!, () => resolve(s));
    s.once("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const started = performance.now();
  // 1. the corpus
  const a = await VirtualDongle.start({ devices: ["node"] });
  const chunks: Buffer[] = [];
  const first = await wellBehavedHost(a, a.devices[0]!, (c) => chunks.push(c));
  await a.stop();
  if (!first.ok) throw new Error(`the corpus run failed: ${first.error}`);
  const corpus = framesOf(chunks);
  console.log(`corpus: ${corpus.length} MT frames herdsman wrote (${chunks.reduce((n, c) => n + c.length, 0)} bytes)`);

  // 2. the fuzz
  const dongle = await VirtualDongle.start({ devices: ["node"] });
  const socket = await connectTo(dongle.url);
  let pings = 0;
  const waiting: (() => void)[] = [];
  const replies = new UnpiParser((f) => {
    if (f.type === MtType.SRSP && f.subsystem === Subsystem.SYS && f.command === 0x01) {
      pings += 1;
      waiting.shift()?.();
    }
  });
  socket.on("data", (c: Buffer) => replies.push(c));
  socket.on("error", () => undefined);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let sent = 0;
  let chunksSent = 0;
  let probes = 0;
  let hangs = 0;
  let peakRss = 0;
  const ping = encodeFrame(MtType.SREQ, Subsystem.SYS, 0x01);
  while (sent < TOTAL) {
    let chunk: Buffer;
    const pick = int(9);
    if (pick < 3) chunk = randomBytes(1 + int(255));
    else if (pick < 8)
      chunk = Buffer.concat(Array.from({ length: 1 + int(4) }, () => mutate(corpus[int(corpus.length - 1)]!)));
    else chunk = corpus[int(corpus.length - 1)]!;
    // split at random points, as a serial line or TCP would
    for (let at = 0; at < chunk.length; ) {
      const n = 1 + int(Math.min(64, chunk.length - at));
      socket.write(chunk.subarray(at, at + n));
      at += n;
    }
    sent += chunk.length;
    chunksSent += 1;
    if (chunksSent % 50 === 0) {
      await sleep(0);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    if (chunksSent % PROBE_EVERY === 0) {
      await sleep(150);
      probes += 1;
      const answered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 1000);
        waiting.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      socket.write(ping);
      if (!(await answered)) {
        hangs += 1;
        waiting.length = 0;
      }
    }
  }
  await sleep(200);
  loop.disable();
  const counters = { ...dongle.znp.counters };
  socket.destroy();
  await sleep(600);

  // 3. a well-behaved host afterwards
  const after = await wellBehavedHost(dongle, dongle.devices[0]!);
  await dongle.stop();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const stallMs = loop.max / 1e6;
  console.log(`fuzz: ${sent} bytes in ${chunksSent} chunks (seed ${values.seed})`);
  console.log(
    `dongle: ${counters.framesIn} frames parsed, ${counters.framesOut} sent, ${counters.rpcErrors} RPC errors; ${pings} pings answered`,
  );
  console.log(`crashes: ${crashes}${crashMessages.size ? ` (${[...crashMessages].join("; ")})` : ""}`);
  console.log(
    `hangs: ${hangs} of ${probes} SYS_PING probes unanswered within 1 s; longest event-loop stall ${stallMs.toFixed(0)} ms${stallMs > 1000 ? " (a hang)" : ""}`,
  );
  console.log(
    `afterwards: herdsman ${after.ok ? `started, interviewed the node and read it (${JSON.stringify(after.read)})` : `FAILED: ${after.error}`}`,
  );
  console.log(
    `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (process high-water mark ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB); ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  process.exit(crashes > 0 || hangs > 0 || !after.ok ? 1 : 0);
}

await main();

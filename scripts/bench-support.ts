/**
 * What the benchmark scripts share: percentiles and timed call loops, unmodified herdsman reading an emulated
 * node through a virtual coordinator (scripts/bench-znp.ts, bench-ember.ts), and the hub on a virtual dongle
 * with one emulated node that reads it (scripts/bench-host.ts, bench-host-vs-bare.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Zcl } from "zigbee-herdsman";
import { RealClock } from "../src/hub/clock.js";
import { VIRTUAL_DONGLE_HOST } from "../src/host/host.js";
import { type VirtualAdapter, VirtualDongle } from "../src/virtual/dongle.js";
import type { EmulatedNode } from "../src/virtual/han/node.js";
import { interviewed as hubInterviewed, startHubHost } from "../test/support/hub-host.js";
import { interviewed, makeController, randomKey } from "../test/virtual/herdsman-harness.js";

/** The `p`th percentile of ascending `sorted` (nearest rank below). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface Timed {
  /** Calls per second of wall time. */
  perSecond: number;
  /** Each call's wall time in ms, ascending. */
  latencies: number[];
  /** User + system CPU of this process per call, µs. */
  cpuUs: number;
}

/** `n` calls of `call`, one at a time. */
export async function timeSequential(call: () => Promise<unknown>, n: number): Promise<Timed> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await call();
    latencies.push(performance.now() - s);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return { perSecond: n / seconds, latencies, cpuUs: (cpu.user + cpu.system) / n };
}

/** `n` calls of `call` with `inFlight` at a time: calls per second. */
export async function timeConcurrent(call: () => Promise<unknown>, n: number, inFlight: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < n) await call();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Unmodified herdsman (`adapter`) reads genBasic of an emulated node through the virtual coordinator, over
 * tcp:// or a socat pty: after 300 reads to warm up, `reads` one at a time and `reads` with `concurrency` in
 * flight. Prints one line: rate, p50/p99, CPU per round trip (host + dongle + node, all in this process), the
 * concurrent rate, and the bytes of one exchange with what they take on a UART at `baud`.
 */
export async function benchHerdsmanReads(opts: {
  label: string;
  adapter: VirtualAdapter;
  usePty: boolean;
  reads: number;
  concurrency: number;
  baud: number;
}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hanbench-bench-"));
  const dongle = await VirtualDongle.start({
    adapter: opts.adapter,
    stateDir: join(dir, "state"),
    pty: opts.usePty ? join(dir, "tty") : undefined,
  });
  const c = makeController(dongle.path, dir, randomKey(), opts.adapter);
  try {
    await c.start();
    const node = dongle.addDevice("node", { autoJoin: false });
    const done = interviewed(c, node.ieee);
    await c.permitJoin(60);
    await node.join();
    const ep = (await done).getEndpoint(1)!;
    const read = () => ep.read("genBasic", ["zclVersion"]);
    for (let i = 0; i < 300; i++) await read();

    // bytes on the line for one exchange
    const b0 = { ...dongle.linkBytes };
    await read();
    const toDongle = dongle.linkBytes.toDongle - b0.toDongle;
    const toHost = dongle.linkBytes.toHost - b0.toHost;
    const uartMs = ((toDongle + toHost) * 10 * 1000) / opts.baud; // 8N1: 10 bits a byte, request then replies

    const one = await timeSequential(read, opts.reads);
    const concurrent = await timeConcurrent(read, opts.reads, opts.concurrency);
    const f = (n: number, d = 0) => n.toFixed(d);
    process.stdout.write(
      `${opts.label.padEnd(11)} ${f(one.perSecond).padStart(7)} rt/s  p50 ${f(percentile(one.latencies, 50), 3)} ms  p99 ${f(percentile(one.latencies, 99), 3)} ms` +
        `  | CPU ${f(one.cpuUs)} µs/rt` +
        `  | ${opts.concurrency} concurrent: ${f(concurrent).padStart(7)} rt/s` +
        `  | line ${toDongle}+${toHost} B = ${f(uartMs, 2)} ms at ${opts.baud} baud (≤ ${f(1000 / uartMs)} rt/s)\n`,
    );
  } finally {
    await c.stop().catch(() => {});
    await dongle.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A DUT's Read Attributes of 0x0200 and 0x0201 (Device Management), built by herdsman, as the read benchmarks send it. */
export function cotReadFrame(tsn: number): Buffer {
  return Zcl.Frame.create(
    0,
    0,
    false,
    undefined,
    tsn,
    "read",
    0x0708,
    [{ attrId: 0x0200 }, { attrId: 0x0201 }],
    {},
  ).toBuffer();
}

/**
 * The hub on a virtual dongle (`adapter`) with one emulated node admitted and interviewed, and `readCot`: the
 * node reads 0x0708 0x0200/0x0201 of hub endpoint `endpoint` (default the GPF's) as a display polls for a CoT,
 * resolving when the answer is back at the node. The host is run as a virtual run runs it (`VIRTUAL_DONGLE_HOST`)
 * unless `herdsmanWaits`: then as a bench run on a real dongle runs it (herdsman's waits each with their stack trace).
 */
export async function hubWithReadingNode(opts: {
  adapter: VirtualAdapter;
  memoryEvidence?: boolean;
  endpoint?: number;
  herdsmanWaits?: boolean;
}) {
  const dongle = await VirtualDongle.start({ adapter: opts.adapter, devices: ["node"] });
  const node = dongle.devices[0] as EmulatedNode;
  const stack = await startHubHost({
    port: dongle.url,
    adapter: opts.adapter,
    clock: new RealClock(),
    seed: 1,
    hubIeee: "0x00124b0000000000",
    memoryEvidence: opts.memoryEvidence,
    ...(opts.herdsmanWaits ? {} : { virtual: VIRTUAL_DONGLE_HOST }),
    devices: [{ eui64: node.ieee, installCode: node.installCode!, deviceType: 6 }],
  });
  const joined = hubInterviewed(stack.host);
  await stack.host.permitJoin(60);
  await joined;
  await stack.host.permitJoin(0);
  const ep = opts.endpoint ?? stack.hub.endpoints.gpf;
  let tsn = 0;
  const readCot = (): Promise<unknown> => {
    tsn = (tsn + 1) & 0xff;
    return node.zclRequest({ nwk: 0, ep }, 0x0708, cotReadFrame(tsn), { profileId: 0x0109 });
  };
  return {
    dongle,
    node,
    stack,
    readCot,
    async stop(): Promise<void> {
      await stack.stop();
      await dongle.stop();
    },
  };
}

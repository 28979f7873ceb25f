/**
 * ZCL reads through the whole stack: emulated device → virtual ZNP (tcp://) → zigbee-herdsman → host →
 * hub → evidence log (a JSONL file) → back. Prints reads per second and the latency p50/p99/max, for one
 * request at a time and for several in flight. `--adapter ember`: the virtual EmberZNet NCP and herdsman's
 * ember adapter instead (scripts/bench-ember.ts --whole-stack runs both side by side).
 *
 *   npx tsx scripts/bench-host.ts [--reads N] [--concurrency C] [--memory-evidence] [--herdsman-waits] [--adapter zstack|ember]
 *
 * The host runs as a virtual run runs it (`VIRTUAL_DONGLE_HOST`: herdsman's Z-Stack waits without a stack trace
 * each); --herdsman-waits runs it as a bench run on a real dongle does (each wait captures its stack).
 * --memory-evidence keeps the evidence in memory only (to see what the file writes cost).
 * --endpoint 1 reads from a coordinator endpoint that is not a hub server: herdsman answers by itself
 * (UNSUPPORTED_ATTRIBUTE), which gives the floor of the stack without the hub.
 *
 * Target: ≥ 5,000 reads/s with p99 < 1 ms.
 */
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { hubWithReadingNode, percentile } from "./bench-support.js";

const { values } = parseArgs({
  options: {
    reads: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "16" },
    "memory-evidence": { type: "boolean", default: false },
    "herdsman-waits": { type: "boolean", default: false },
    endpoint: { type: "string" },
    adapter: { type: "string", default: "zstack" },
  },
});
if (values.adapter !== "zstack" && values.adapter !== "ember")
  throw new Error(`--adapter must be zstack or ember, got ${values.adapter}`);
const ADAPTER: "zstack" | "ember" = values.adapter;
const READS = Number(values.reads);
const CONCURRENCY = Number(values.concurrency);

async function main(): Promise<void> {
  const world = await hubWithReadingNode({
    adapter: ADAPTER,
    memoryEvidence: values["memory-evidence"],
    endpoint: values.endpoint ? Number(values.endpoint) : undefined,
    herdsmanWaits: values["herdsman-waits"],
  });
  const { evidence, evidencePath } = world.stack;
  const read = async (): Promise<number> => {
    const t0 = performance.now();
    await world.readCot();
    return performance.now() - t0;
  };

  const measure = async (label: string, count: number, inFlight: number): Promise<void> => {
    const latencies: number[] = [];
    const evBefore = evidence.events.length;
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next++ < count) latencies.push(await read());
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuPerRead = (cpu.user + cpu.system) / count;
    latencies.sort((a, b) => a - b);
    const f = (ms: number) => `${ms.toFixed(3)} ms`;
    console.log(
      `${label}: ${count} reads in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} reads/s; ` +
        `latency p50 ${f(percentile(latencies, 50))}, p99 ${f(percentile(latencies, 99))}, max ${f(latencies.at(-1) ?? 0)}; ` +
        `CPU ${Math.round(cpuPerRead)} µs/read (device, dongle and host in this one process); ` +
        `${evidence.events.length - evBefore} evidence events`,
    );
  };

  await measure("warm-up", 500, 1);
  await measure("one at a time", READS, 1);
  await measure(`${CONCURRENCY} in flight`, READS, CONCURRENCY);
  if (evidencePath) {
    console.log(
      `evidence file: ${(statSync(evidencePath).size / 1e6).toFixed(1)} MB, ${evidence.events.length} events`,
    );
  }

  await world.stop();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

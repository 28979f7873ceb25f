/**
 * The host's own share of a read: herdsman's Controller on a fake adapter (no ZNP, no TCP, no emulated
 * device), the host, the hub model and the evidence log (a JSONL file). A Read Attributes frame is
 * injected as the adapter's `zclPayload` event; the time runs until the host hands the reply to the
 * adapter. Prints reads per second, latency p50/p99/max and CPU per read, with and without the host
 * (without: herdsman answers a read to endpoint 1 by itself).
 *
 *   npx tsx scripts/bench-host-path.ts [--reads N] [--memory-evidence]
 *
 * Compare with scripts/bench-host.ts, which measures the whole stack over the virtual dongle.
 */
import { parseArgs } from "node:util";
import { cotReadFrame, percentile } from "./bench-support.js";
import { RealClock } from "../src/hub/clock.js";
import { FakeAdapter, useFakeAdapter } from "../test/host/fake-adapter.js";
import { interviewed, startHubHost } from "../test/support/hub-host.js";

const { values } = parseArgs({
  options: {
    reads: { type: "string", default: "20000" },
    "memory-evidence": { type: "boolean", default: false },
  },
});
const READS = Number(values.reads);
const IEEE = "0x00db1234567890a0";
const NWK = 0x4a11;

async function main(): Promise<void> {
  const fake = new FakeAdapter();
  const undo = useFakeAdapter(fake);
  const stack = await startHubHost({
    port: "tcp://127.0.0.1:1",
    clock: new RealClock(),
    seed: 1,
    hubIeee: "0x00124b00cafe0001",
    memoryEvidence: values["memory-evidence"],
    devices: [{ eui64: IEEE, installCode: "83FED3407A939723A5C639B26916D505C3B5", deviceType: 6 }],
  });
  const { hub, host } = stack;
  const joined = interviewed(host);
  fake.join({
    ieee: IEEE,
    nwk: NWK,
    endpoints: [{ id: 1, profileId: 0x0109, deviceId: 0x0507, in: [], out: [0x0708] }],
  });
  await joined;

  const measure = async (label: string, dstEp: number): Promise<void> => {
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < READS; i++) {
      const tsn = i & 0xff;
      const bytes = cotReadFrame(tsn);
      const sent = fake.nextSent();
      const start = performance.now();
      fake.deliver({ nwk: NWK, srcEp: 1, dstEp, clusterId: 0x0708, bytes });
      await sent;
      latencies.push(performance.now() - start);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    const f = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
    console.log(
      `${label}: ${READS} reads in ${seconds.toFixed(2)} s = ${Math.round(READS / seconds)} reads/s; ` +
        `p50 ${f(percentile(latencies, 50))}, p99 ${f(percentile(latencies, 99))}, max ${f(latencies.at(-1) ?? 0)}; ` +
        `CPU ${Math.round((cpu.user + cpu.system) / READS)} µs/read`,
    );
    fake.sent.length = 0;
  };

  await measure("warm-up (host + hub)", hub.endpoints.gpf);
  await measure("host + hub + evidence", hub.endpoints.gpf);
  await measure("herdsman alone (endpoint 1)", 1);

  await stack.stop();
  undo();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

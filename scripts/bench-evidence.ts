/**
 * The evidence writer's share of a read: the four events a device's Read Attributes of the CoT attributes
 * leaves (the frame in, the two values served, the frame out), built and appended to an evidence file as
 * the host and the hub do (src/evidence/zcl-event.ts, src/evidence/log.ts), with secrets registered as in a
 * run so that every string is scrubbed. Prints the CPU per read of each round of `--reads` reads.
 *
 *   npx tsx scripts/bench-evidence.ts [--reads N] [--rounds N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { EvidenceLog } from "../src/evidence/log.js";
import { zclEvent } from "../src/evidence/zcl-event.js";
import { addSecret } from "../src/redact.js";

const { values } = parseArgs({
  options: { reads: { type: "string", default: "100000" }, rounds: { type: "string", default: "4" } },
});
const READS = Number(values.reads);
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(READS) || READS < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error("--reads and --rounds must be whole numbers ≥ 1");
  process.exit(2);
}

// a network key, an install code with its CRC and a link key, as a run registers them (values of no device)
addSecret(
  "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  "83fed3407a939723a5c639b26916d505c3b5",
  "66b6900981e1ee3ca4206b6b861c02bb",
);
const dir = mkdtempSync(join(tmpdir(), "hanbench-bench-evidence-"));
const log = new EvidenceLog({ path: join(dir, "evidence.jsonl"), now: () => Date.now() });
const device = "0x0d6f00c89b6dfebf";
const meta = { device, nwk: 0xb85b, deviceEp: 1, hubEp: 2, role: "gpf" as const, clusterId: 0x0708 };
const cluster = "seDeviceManagement";

function oneRead(tsn: number): void {
  const request = Buffer.from([0x00, tsn, 0x00, 0x00, 0x02, 0x01, 0x02]);
  log.append(zclEvent("in", { ...meta, apsSecured: false }, request, { cluster, read: [0x0200, 0x0201] }));
  const served = { kind: "served", device, role: "gpf", clusterId: 0x0708 } as const;
  log.append({ ...served, item: "changeOfTenancyUpdateDateTime", value: 0xffffffff });
  log.append({ ...served, item: "proposedTenancyChangeControl", value: 0 });
  const response = Buffer.from([
    0x18,
    tsn,
    0x01,
    0x00,
    0x02,
    0x00,
    0xe2,
    0xff,
    0xff,
    0xff,
    0xff,
    0x01,
    0x02,
    0x00,
    0x1b,
  ]);
  const records = [
    { attrId: 0x0200, status: 0, dataType: 0xe2, attrData: 0xffffffff },
    { attrId: 0x0201, status: 0, dataType: 0x1b, attrData: 0 },
  ];
  log.append(
    zclEvent("out", { ...meta, profileId: 0x0109, apsSecured: false }, Buffer.concat([response, Buffer.alloc(4)]), {
      cluster,
      command: "readRsp",
      payload: records,
    }),
  );
}

console.log(`load average ${loadavg()[0]!.toFixed(1)}; ${ROUNDS} rounds of ${READS} reads, 4 events each`);
for (let r = 1; r <= ROUNDS; r++) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < READS; i++) {
    oneRead(i & 0xff);
    // the cases keep every event; a bounded array here keeps the figure that of writing, not of a growing heap
    if (log.events.length >= 400_000) log.events.length = 0;
  }
  log.flush();
  const cpu = process.cpuUsage(cpu0);
  console.log(`round ${r}: ${((cpu.user + cpu.system) / READS).toFixed(2)} µs CPU per read`);
}
log.close();
rmSync(dir, { recursive: true, force: true });

/**
 * The polling of a virtual run's displays (src/runner/virtual-env.ts): a poll interval asked for is their whole
 * polling (the CoT and their live values) unless a refresh interval is asked for too, which then paces the live
 * values (the time, the price) while the CoT is polled at the poll interval.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Evidence, ZclEvent } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { RunEnv } from "../../src/runner/env.js";
import { createVirtualEnv } from "../../src/runner/virtual-env.js";
import { ClusterId } from "../../src/zcl/index.js";

const HOUR = 3_600_000;
let dir: string | undefined;
let env: RunEnv | undefined;
let log: EvidenceLog | undefined;

afterEach(async () => {
  await env?.close();
  log?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  env = log = dir = undefined;
});

/** One IHD joined, then 24 h of hub time: the requests it sent, by cluster. */
async function dayOfRequests(polling: {
  pollIntervalMs: number;
  refreshIntervalMs?: number;
}): Promise<Map<number, number>> {
  dir = mkdtempSync(join(tmpdir(), "hb-virtual-polling-"));
  const path = join(dir, "evidence.jsonl");
  env = await createVirtualEnv({
    devices: [{ kind: "ihd", profile: "compliant", label: "ihd:compliant" }],
    seed: 4,
    security: "off",
    ...polling,
    evidence: (clock) => {
      log = new EvidenceLog({ path, now: () => clock.now() });
      return log;
    },
  });
  const [dut] = env.duts;
  await env.host.addDevice({ eui64: dut!.decl.ieee, installCode: dut!.installCode, deviceType: dut!.deviceType });
  await env.host.permitJoin(254);
  await env.startJoining!();
  const from = log!.events.length;
  await env.advance({ untilMs: env.clock.now() + 24 * HOUR, label: "a day" });
  const sent = new Map<number, number>();
  for (const e of log!.events.slice(from) as Evidence[]) {
    if (e.kind !== "zcl") continue;
    const z = e as Evidence & ZclEvent;
    if (z.dir === "in" && z.device === dut!.decl.ieee) sent.set(z.clusterId, (sent.get(z.clusterId) ?? 0) + 1);
  }
  return sent;
}

describe("a virtual run's display polling", () => {
  it("polls the CoT at the poll interval and its live values at the refresh interval asked for", async () => {
    const sent = await dayOfRequests({ pollIntervalMs: 2 * HOUR, refreshIntervalMs: 12 * HOUR });
    // GetChangeOfTenancy on the GPF and the ESME at each of 12 polls
    expect(sent.get(ClusterId.deviceManagement)).toBeGreaterThanOrEqual(2 * 12);
    // the time (from the GPF) and the price (from each meter) at 2 of them, at most 3
    expect(sent.get(ClusterId.time)).toBeLessThanOrEqual(3);
    expect(sent.get(ClusterId.price)).toBeLessThanOrEqual(2 * 3);
  }, 60_000);

  it("reads the live values at every poll when only a poll interval is asked for", async () => {
    const sent = await dayOfRequests({ pollIntervalMs: 2 * HOUR });
    expect(sent.get(ClusterId.deviceManagement)).toBeGreaterThanOrEqual(2 * 12);
    expect(sent.get(ClusterId.time)).toBeGreaterThanOrEqual(12);
    expect(sent.get(ClusterId.price)).toBeGreaterThanOrEqual(2 * 12);
  }, 60_000);
});

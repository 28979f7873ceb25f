/**
 * The restarts of a virtual run (COT-16, src/runner/virtual-env.ts): the hub's host restarts on the same dongle
 * and state and serves on, each DUT in the network is power-cycled and then leaves and rejoins, and a DUT that
 * is not in the network is an error of its own while the others are still restarted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Evidence } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { RunEnv } from "../../src/runner/env.js";
import { createVirtualEnv } from "../../src/runner/virtual-env.js";

const dir = mkdtempSync(join(tmpdir(), "hb-virtual-restarts-"));
let env: RunEnv;
let log: EvidenceLog;

beforeAll(async () => {
  env = await createVirtualEnv({
    devices: [
      { kind: "ihd", profile: "compliant", label: "ihd:compliant" },
      { kind: "ihd", profile: "compliant", label: "ihd:other" },
    ],
    seed: 9,
    security: "off",
    evidence: (clock) => {
      log = new EvidenceLog({ path: join(dir, "evidence.jsonl"), now: () => clock.now() });
      return log;
    },
  });
  for (const d of env.duts) {
    await env.host.addDevice({ eui64: d.decl.ieee, installCode: d.installCode, deviceType: d.deviceType });
  }
  await env.host.permitJoin(254);
  await env.startJoining!();
}, 60_000);

afterAll(async () => {
  await env?.close();
  log?.close();
  rmSync(dir, { recursive: true, force: true });
});

const restarts = (from: number) =>
  log.events.filter((e): e is Evidence & { kind: "restart" } => e.kind === "restart" && e.seq > from);

describe("a virtual run's restarts", () => {
  it("restarts the hub's host, which resumes the network and logs a restart", async () => {
    const from = log.events.length;
    await env.restartHub();
    expect(restarts(from).map((r) => [r.what, r.by])).toEqual([["hub", "hanbench"]]);
    expect(log.events.some((e) => e.seq > from && e.kind === "note" && e.message === "host started (resumed)")).toBe(
      true,
    );
  });

  it("restarts each DUT in the network; one that is not is an error of its own", async () => {
    const [off, on] = env.duts;
    await off!.setOnline(false);
    const from = log.events.length;
    await env.restartDuts();
    expect(restarts(from).map((r) => [r.what, r.device])).toEqual([
      ["power-cycle", on!.decl.ieee],
      ["leave-rejoin", on!.decl.ieee],
    ]);
    const errors = log.events.filter((e) => e.seq > from && e.kind === "error");
    expect(errors.map((e) => e.kind === "error" && [e.source, e.device, e.message])).toEqual([
      ["restart", off!.decl.ieee, "ihd-1 (ihd:compliant) is not in the network: not restarted"],
    ]);
  });
});

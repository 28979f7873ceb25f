/**
 * The hub model behind the host, on a coordinator, with an evidence log, in a temporary directory: what
 * host tests and the host benchmarks (scripts/bench-host*.ts) set up. The coordinator is whatever `port`
 * reaches: a virtual dongle's tcp:// URL, or any port while herdsman's fake adapter is in use
 * (test/host/fake-adapter.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import { Host, type HostOptions } from "../../src/host/host.js";
import { EvidenceLog } from "../../src/evidence/log.js";

export interface HubHostOptions {
  port: string;
  /** herdsman's adapter for the coordinator behind `port` (default zstack). */
  adapter?: "zstack" | "ember";
  clock: Clock;
  seed: number;
  hubIeee: string;
  /** Keep the evidence in memory only (default: also a JSONL file in the directory). */
  memoryEvidence?: boolean;
  /** Devices put in the Device Log before the host starts. */
  devices?: { eui64: string; installCode: string | Uint8Array; deviceType: number }[];
  /** Host options for a virtual dongle (`VIRTUAL_DONGLE_HOST`, as a virtual run's host has them); default none. */
  virtual?: Pick<HostOptions, "instantBroadcasts" | "lazyWaitErrors">;
}

export interface HubHost {
  dir: string;
  /** The evidence file, unless the evidence is in memory only. */
  evidencePath?: string;
  evidence: EvidenceLog;
  hub: Hub;
  host: Host;
  /** Stops the host, closes the evidence and removes the directory. */
  stop(): Promise<void>;
}

/** Starts the host (channel 15, zstack unless told) on `port` with a fresh hub; the caller opens joining. */
export async function startHubHost(opts: HubHostOptions): Promise<HubHost> {
  const dir = mkdtempSync(join(tmpdir(), "hanbench-hub-host-"));
  const evidencePath = opts.memoryEvidence ? undefined : join(dir, "evidence.jsonl");
  const { clock } = opts;
  const evidence = new EvidenceLog({ ...(evidencePath ? { path: evidencePath } : {}), now: () => clock.now() });
  const hub = new Hub({ clock, seed: opts.seed, evidence, hubIeee: opts.hubIeee });
  for (const d of opts.devices ?? []) hub.deviceLog.add(d);
  const host = new Host({
    port: opts.port,
    adapter: opts.adapter ?? "zstack",
    stateDir: join(dir, "state"),
    hub,
    evidence,
    clock,
    channel: 15,
    ...opts.virtual,
  });
  const stop = async () => {
    await host.stop();
    evidence.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await host.start();
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { dir, ...(evidencePath ? { evidencePath } : {}), evidence, hub, host, stop };
}

/** Resolves when the host has finished interviewing a device (`ieee`, or any). */
export function interviewed(host: Host, ieee?: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: { device: string; status: string }) => {
      if (e.status === "started" || (ieee !== undefined && e.device !== ieee)) return;
      host.off("interview", on);
      resolve();
    };
    host.on("interview", on);
  });
}

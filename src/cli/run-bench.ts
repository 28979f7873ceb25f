/**
 * The bench branch of `hanbench run`: checks what the DUT files and options say before anything opens a
 * port, builds the bench environment (src/runner/bench-env.ts) and turns Ctrl-C into a clean stop: the
 * run ends after the step in progress (a wait ends at once) and the reports cover the evidence so far.
 * A second Ctrl-C quits at once.
 */
import { join } from "node:path";
import type { RunEnv } from "../runner/env.js";
import type { Progress } from "../runner/progress.js";
import type { EvidenceLog } from "../evidence/log.js";
import { UsageError } from "./errors.js";
import type { DutFile } from "../runner/dut-file.js";

const DEFAULT_BENCH_STATE = join(".hanbench", "state");

export interface BenchSetup {
  env: (evidence: EvidenceLog, progress: Progress) => Promise<RunEnv>;
  signal: AbortSignal;
  isConfigError(err: unknown): boolean;
  /** Removes the signal handlers. */
  dispose(): void;
}

/** What the bench branch takes of `hanbench run`'s options. */
export interface BenchRunOptions {
  adapter: string;
  port?: string;
  state?: string;
  duts: DutFile[];
  seed: number;
  /** Longest wait for the DUTs to join. */
  joinTimeoutMs?: number;
}

export async function benchSetup(opts: BenchRunOptions): Promise<BenchSetup> {
  const { BenchConfigError, createBenchEnv } = await import("../runner/bench-env.js");
  const { ADAPTER_TYPES } = await import("../host/endpoints.js");
  if (!(ADAPTER_TYPES as readonly string[]).includes(opts.adapter)) {
    throw new UsageError(`--adapter must be one of ${ADAPTER_TYPES.join(", ")}, got '${opts.adapter}'`);
  }
  if (opts.adapter !== "zstack") {
    throw new UsageError(
      `--adapter ${opts.adapter}: bench runs need zstack, the only adapter that can register the hub's Smart Energy endpoints (see hardware/README.md)`,
    );
  }
  if (!opts.port) throw new UsageError("a bench run needs --port");
  const port = opts.port;
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`hanbench run: ${sig} again: quitting at once\n`);
      process.exit(130);
    }
    process.stderr.write(
      `\nhanbench run: ${sig}: stopping after the current step; the reports will cover the evidence so far (Ctrl-C again to quit at once)\n`,
    );
    controller.abort(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    env: (evidence, progress) =>
      createBenchEnv({
        port,
        adapter: "zstack",
        stateDir: opts.state ?? DEFAULT_BENCH_STATE,
        duts: opts.duts,
        seed: opts.seed,
        evidence,
        progress,
        signal: controller.signal,
        ...(opts.joinTimeoutMs !== undefined ? { joinTimeoutMs: opts.joinTimeoutMs } : {}),
      }),
    signal: controller.signal,
    isConfigError: (err) => err instanceof BenchConfigError,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

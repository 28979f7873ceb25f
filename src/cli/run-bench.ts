/**
 * The bench branch of `hanbench run`: checks what the DUT files and options say before anything opens a
 * port and builds the bench environment (src/runner/bench-env.ts). Ctrl-C and SIGTERM are the caller's
 * (signals.ts): the signal it passes in ends every wait at once.
 */
import type { EndpointLayoutName } from "../hub/layout.js";
import type { HubVariantName } from "../hub/variants.js";
import { join } from "node:path";
import type { RunEnv } from "../runner/env.js";
import type { Progress } from "../runner/progress.js";
import type { EvidenceLog } from "../evidence/log.js";
import type { Evidence } from "../evidence/events.js";
import { UsageError } from "./errors.js";
import type { DutFile } from "../runner/dut-file.js";
import type { AdapterType } from "../host/endpoints.js";
import { readFileSync } from "node:fs";
import { CertificateError, parseCredentials } from "../crypto/cert.js";
import { type KeCredentials, keCredentialsFrom } from "../crypto/pki.js";
import { addSecret } from "../redact.js";

/** Where a bench run keeps its network when no --state is given (a resumed run looks for it there too). */
export const DEFAULT_BENCH_STATE = join(".hanbench", "state");

export interface BenchSetup {
  env: (evidence: EvidenceLog, progress: Progress) => Promise<RunEnv>;
  /** Configuration the bench found wrong once started (duplicate DUTs, a state directory in use or corrupt). */
  isConfigError(err: unknown): boolean;
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
  /** Move the state directory's files aside first (--reset). */
  reset: boolean;
  /** How the hub and its meters carry a CoT (default attributes-only). */
  hubVariant?: HubVariantName;
  /** The hub's endpoint layout (default `default`). */
  endpointLayout?: EndpointLayoutName;
  /** The hub's Certicom credentials file (`--cert`): key establishment on. */
  cert?: string;
  /** `--resume`: the interrupted run's events and whether its join phase ended (bench-env.ts). */
  resume?: { events: readonly Evidence[]; joined: boolean };
}

/** The hub's credentials from a Certicom file; its private key becomes a secret at once. Bad input: UsageError. */
export function loadHubCredentials(path: string): KeCredentials {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`--cert ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const parsed = parseCredentials(text);
    if (parsed.privateKey) addSecret(parsed.privateKey);
    return keCredentialsFrom(parsed);
  } catch (err) {
    if (err instanceof CertificateError || err instanceof RangeError) {
      throw new UsageError(`--cert ${path}: ${err.message}`);
    }
    throw err;
  }
}

export async function benchSetup(opts: BenchRunOptions, signal: AbortSignal): Promise<BenchSetup> {
  const { BenchConfigError, createBenchEnv } = await import("../runner/bench-env.js");
  const { StateDirError } = await import("../host/state-dir.js");
  const { ADAPTER_TYPES, isSeAdapter } = await import("../host/endpoints.js");
  if (!(ADAPTER_TYPES as readonly string[]).includes(opts.adapter)) {
    throw new UsageError(`--adapter must be one of ${ADAPTER_TYPES.join(", ")}, got '${opts.adapter}'`);
  }
  const adapter = opts.adapter as AdapterType;
  if (!isSeAdapter(adapter)) {
    throw new UsageError(
      `--adapter ${opts.adapter}: bench runs need zstack or ember, the adapters that can register the hub's Smart Energy endpoints (see hardware/README.md)`,
    );
  }
  if (!opts.port) throw new UsageError("a bench run needs --port");
  const port = opts.port;
  const hubCredentials = opts.cert !== undefined ? loadHubCredentials(opts.cert) : undefined;
  return {
    env: (evidence, progress) =>
      createBenchEnv({
        port,
        adapter,
        stateDir: opts.state ?? DEFAULT_BENCH_STATE,
        duts: opts.duts,
        seed: opts.seed,
        evidence,
        progress,
        signal,
        reset: opts.reset,
        ...(opts.hubVariant !== undefined ? { hubVariant: opts.hubVariant } : {}),
        ...(opts.endpointLayout !== undefined ? { endpointLayout: opts.endpointLayout } : {}),
        ...(opts.joinTimeoutMs !== undefined ? { joinTimeoutMs: opts.joinTimeoutMs } : {}),
        ...(hubCredentials ? { hubCredentials } : {}),
        ...(opts.resume ? { resume: opts.resume } : {}),
      }),
    isConfigError: (err) => err instanceof BenchConfigError || err instanceof StateDirError,
  };
}

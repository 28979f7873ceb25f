/**
 * Registers the Smart Energy device kinds with the virtual dongle's registry: `ihd:<profile>`,
 * `ppmid:<profile>` (profiles.ts; a bare `ihd` is compliant) and `esme`. Importing this module registers
 * them with defaults; `configureSeDevices` re-registers them with the run's shared hub and timing.
 *
 * The ESME serves from the hub it is given. Without one (a dongle run on its own for an outside host) each
 * ESME gets a hub model of its own, seeded like the dongle, so it still answers with tagged data.
 */
import { formatDuration } from "../../duration.js";
import { Hub } from "../../hub/hub.js";
import { type DeviceContext, coordinatorIeee, registerDeviceKind } from "../registry.js";
import { EmulatedEsme, type HubFrameHandler } from "./esme.js";
import { parseDeviceSpec } from "./profiles.js";
import { EmulatedSeDevice } from "./se-device.js";
import type { KeCredentials } from "../../crypto/pki.js";

export interface SeDevicesConfig {
  /** The run's hub model, shared with the host: the ESME serves from it. */
  hub?: HubFrameHandler & { endpoints?: { esme: number } };
  /** Tenancy poll interval of IHDs and PPMIDs in hub ms (default 30 min). */
  pollIntervalMs?: number;
  /** Hub ms between reads of the displayed values of IHDs and PPMIDs (default: every poll). */
  refreshIntervalMs?: number;
  /** Real ms between a display joining and its first request (default 0; see SeDeviceOptions). */
  startDelayMs?: number;
  /** Ends a display's start delay early (see SeDeviceOptions.startGate), given the display's IEEE address. */
  startGate?: (ieee: string) => Promise<void>;
  /** Real ms a display waits for an answer (default 3000). */
  responseTimeoutMs?: number;
  /** Real ms a display collects answers to a broadcast Match_Desc (default 100; see SeDeviceOptions). */
  broadcastWindowMs?: number;
  /**
   * Certificates of the Type 1 devices (PPMIDs and the ESME), by EUI-64: a device given some establishes keys
   * with the trust centre and uses APS security (security.ts). IHDs get none (Type 2).
   */
  credentialsFor?: (ieee: string, kind: "ppmid" | "esme") => KeCredentials | undefined;
  /** Ends the ESME's wait before key establishment (the host knows it), given its IEEE address. */
  esmeStartGate?: (ieee: string) => Promise<void>;
}

function display(ctx: DeviceContext, config: SeDevicesConfig): EmulatedSeDevice {
  const spec = parseDeviceSpec(ctx.spec);
  if (spec.kind === "esme" || !spec.profile) throw new Error(`'${ctx.spec}' is not a display`);
  return new EmulatedSeDevice({
    ieee: ctx.ieee,
    installCode: ctx.installCode,
    label: `${ctx.label} (${spec.label}${spec.pollIntervalMs === undefined ? "" : `@${formatDuration(spec.pollIntervalMs)}`})`,
    kind: spec.kind,
    profile: spec.profile,
    clock: ctx.clock,
    medium: ctx.medium,
    autoJoin: ctx.autoJoin,
    // the device's own interval (`ihd:compliant@10s`) before the one for all displays (`--poll`)
    ...((spec.pollIntervalMs ?? config.pollIntervalMs) !== undefined
      ? { pollIntervalMs: spec.pollIntervalMs ?? config.pollIntervalMs }
      : {}),
    ...(config.refreshIntervalMs !== undefined ? { refreshIntervalMs: config.refreshIntervalMs } : {}),
    ...(config.startDelayMs !== undefined ? { startDelayMs: config.startDelayMs } : {}),
    ...(config.startGate ? { startGate: () => config.startGate!(ctx.ieee) } : {}),
    ...(config.responseTimeoutMs !== undefined ? { responseTimeoutMs: config.responseTimeoutMs } : {}),
    ...(config.broadcastWindowMs !== undefined ? { broadcastWindowMs: config.broadcastWindowMs } : {}),
    ...credentialsOf(config, ctx.ieee, spec.kind),
  });
}

function credentialsOf(config: SeDevicesConfig, ieee: string, kind: string): { credentials?: KeCredentials } {
  if (kind !== "ppmid" && kind !== "esme") return {};
  const credentials = config.credentialsFor?.(ieee, kind);
  return credentials ? { credentials } : {};
}

function esme(ctx: DeviceContext, config: SeDevicesConfig): EmulatedEsme {
  if (ctx.spec !== "esme") parseDeviceSpec(ctx.spec); // throws the "no behaviour profile" / "does not poll" error
  const hub = config.hub ?? new Hub({ clock: ctx.clock, seed: ctx.seed, hubIeee: coordinatorIeee(ctx.seed) });
  const endpoint = hub.endpoints?.esme; // a frame handler without endpoints: the ESME's default
  return new EmulatedEsme({
    ieee: ctx.ieee,
    installCode: ctx.installCode,
    label: ctx.label,
    clock: ctx.clock,
    medium: ctx.medium,
    autoJoin: ctx.autoJoin,
    hub,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...credentialsOf(config, ctx.ieee, "esme"),
    ...(config.esmeStartGate ? { startGate: () => config.esmeStartGate!(ctx.ieee) } : {}),
  });
}

/** (Re-)registers `ihd`, `ppmid` and `esme` with these settings. */
export function configureSeDevices(config: SeDevicesConfig = {}): void {
  registerDeviceKind("ihd", (ctx) => display(ctx, config));
  registerDeviceKind("ppmid", (ctx) => display(ctx, config));
  registerDeviceKind("esme", (ctx) => esme(ctx, config));
}

configureSeDevices();

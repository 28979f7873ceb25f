/**
 * Progress during the long waits of a run: while the devices under test join, and while a CoT's window runs,
 * one line per device as it gets somewhere (joined, interviewed, refused; queried the CoT), with the real
 * time since the wait began, so a run with many devices is not silent for half a minute. Lines go to the
 * run's Progress (stderr; nothing with --quiet), so piped stdout is untouched. It reads only the evidence.
 */
import { isCotQuery } from "../cluster-cot/questions.js";
import type { Evidence } from "../evidence/events.js";
import type { EvidenceLog } from "../evidence/log.js";
import type { Progress } from "./progress.js";

export interface WatchedDevice {
  label: string;
  ieee: string;
}

export interface DeviceWatchOptions {
  evidence: EvidenceLog;
  progress: Progress;
  devices: WatchedDevice[];
  /** Real ms now (performance.now by default): elapsed times are measured on it. */
  now?: () => number;
}

/** "3.2 s" under a minute, "1 min 05 s" above. */
export function elapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.floor(s);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

/** Watches until the returned function is called; it says which devices got nowhere and stops. */
type Stop = () => void;

function watch(
  opts: DeviceWatchOptions,
  onEvent: (e: Evidence, name: string, line: (text: string) => void) => void,
  pending: (ieee: string) => string | undefined,
): Stop {
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const names = new Map(opts.devices.map((d) => [d.ieee, d.label === d.ieee ? d.ieee : `${d.label} (${d.ieee})`]));
  const line = (text: string) => opts.progress.line(`  ${text} — ${elapsed(now() - start)}`);
  const off = opts.evidence.onEvent((e) => {
    const device = (e as { device?: string }).device;
    const name = device === undefined ? undefined : names.get(device);
    if (name !== undefined) onEvent(e, name, line);
  });
  return () => {
    off();
    for (const [ieee, name] of names) {
      const what = pending(ieee);
      if (what) line(`${name} ${what}`);
    }
  };
}

/** While devices join: a line when each joins (or is refused) and when its interview ends. */
export function watchJoins(opts: DeviceWatchOptions): Stop {
  const joined = new Set<string>();
  const interviewed = new Set<string>();
  return watch(
    opts,
    (e, name, line) => {
      if (e.kind === "join") {
        if (e.accepted && !joined.has(e.device)) {
          joined.add(e.device);
          line(`${name} joined`);
        } else if (!e.accepted) line(`${name} refused: ${e.reason}`);
      } else if (e.kind === "interview" && e.status !== "started" && !interviewed.has(e.device)) {
        interviewed.add(e.device);
        line(`${name} interviewed${e.status === "failed" ? " (failed)" : ""}`);
      }
    },
    (ieee) => (interviewed.has(ieee) ? undefined : joined.has(ieee) ? "not interviewed yet" : "not joined yet"),
  );
}

/**
 * While a CoT's window runs: a line when each device first queries the CoT after evidence `afterSeq` (none
 * for the devices in `already`, which had queried it before this wait). With `sayMissing`, the devices that
 * did not are named when the watch stops.
 */
export function watchCotQueries(
  opts: DeviceWatchOptions & { afterSeq: number; already?: Iterable<string>; sayMissing?: boolean },
): Stop {
  const queried = new Set<string>(opts.already ?? []);
  return watch(
    opts,
    (e, name, line) => {
      if (e.kind !== "zcl" || e.seq <= opts.afterSeq || queried.has(e.device) || !isCotQuery(e)) return;
      queried.add(e.device);
      const what = e.frameType === "specific" ? "GetChangeOfTenancy" : "read 0x0708/0x0200";
      line(`${name} queried the CoT (${what}${e.role ? ` on the ${e.role.toUpperCase()}` : ""})`);
    },
    (ieee) => (opts.sayMissing && !queried.has(ieee) ? "has not queried the CoT" : undefined),
  );
}

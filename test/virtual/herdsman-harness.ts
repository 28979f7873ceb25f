/**
 * Test harness: an unmodified zigbee-herdsman Controller pointed at a virtual dongle, configured only
 * through herdsman's public options.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Controller, setLogger } from "zigbee-herdsman";

export interface HarnessPaths {
  dir: string;
}

export const NETWORK = {
  panID: 0x1a62,
  extendedPanID: [0x00, 0x12, 0x4b, 0x00, 0x01, 0x02, 0x03, 0x04],
  channelList: [15],
};

export function makeController(
  path: string,
  dir: string,
  networkKey: number[],
  adapter: "zstack" | "ember" = "zstack",
): Controller {
  return new Controller({
    network: { ...NETWORK, networkKey, networkKeyDistribute: false },
    transport: { path, adapter },
    databasePath: join(dir, "database.db"),
    databaseBackupPath: join(dir, "database.db.backup"),
    backupPath: join(dir, "coordinator_backup.json"),
    adapter: { disableLED: false },
    acceptJoiningDeviceHandler: async () => true,
  });
}

export function randomKey(): number[] {
  return [...randomBytes(16)];
}

type Device = ReturnType<Controller["getDeviceByIeeeAddr"]>;

/** Resolves with the device once herdsman reports a successful interview of `ieee`. */
export function interviewed(c: Controller, ieee: string, timeoutMs = 20_000): Promise<NonNullable<Device>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no successful interview of ${ieee} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    c.on("deviceInterview", (e) => {
      if (e.device.ieeeAddr !== ieee) return;
      if (e.status === "successful") {
        clearTimeout(timer);
        resolve(e.device);
      } else if (e.status === "failed") {
        clearTimeout(timer);
        reject(new Error(`interview of ${ieee} failed`));
      }
    });
  });
}

/** Keeps herdsman's own logging quiet (warnings and errors only, or everything with HANBENCH_HERDSMAN_DEBUG). */
export function quietHerdsman(): void {
  const verbose = !!process.env.HANBENCH_HERDSMAN_DEBUG;
  const out = (level: string) => (msg: string | (() => string), ns: string) => {
    process.stderr.write(`[herdsman ${level}] ${ns}: ${typeof msg === "function" ? msg() : msg}\n`);
  };
  const skip = () => {};
  setLogger({
    debug: verbose ? out("debug") : skip,
    info: verbose ? out("info") : skip,
    warning: out("warning"),
    error: out("error"),
  });
}

/**
 * The host's state directory (src/host/state-dir.ts): one process at a time, nothing unreadable overwritten,
 * every file 0600 (issue 11, item 8 and "also try"), and herdsman's own writes tightened as they happen.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/hub/clock.js";
import { Hub } from "../../src/hub/hub.js";
import { Host } from "../../src/host/host.js";
import {
  checkStateDir,
  LOCK_FILE,
  lockStateDir,
  openStateDir,
  StateDirError,
  tightenStateDir,
} from "../../src/host/state-dir.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { VirtualDongle } from "../../src/virtual/dongle.js";

const root = mkdtempSync(join(tmpdir(), "hanbench-state-dir-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function freshDir(): string {
  const d = join(root, `s${++n}`);
  mkdirSync(d);
  return d;
}

const NETWORK = '{\n  "channel": 15,\n  "panId": 4660,\n  "networkKey": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"\n}\n';
const DATABASE = [
  '{"id":1,"type":"Coordinator","ieeeAddr":"0x00124b0001020304","nwkAddr":0}',
  '{"id":2,"type":"EndDevice","ieeeAddr":"0x0d6f000102030405","nwkAddr":4660}',
].join("\n");

const mode = (p: string) => statSync(p).mode & 0o777;

describe("file modes", () => {
  it("makes the directory 0700 and every file 0600, naming the files that were open to others", () => {
    const dir = freshDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "coordinator_backup.json"), "{}", { mode: 0o644 });
    writeFileSync(join(dir, "network.json"), NETWORK, { mode: 0o600 });
    writeFileSync(join(dir, "database.db"), DATABASE, { mode: 0o640 });
    expect(tightenStateDir(dir)).toEqual(["coordinator_backup.json (mode 0644)", "database.db (mode 0640)"].sort());
    expect(mode(dir)).toBe(0o700);
    for (const f of readdirSync(dir)) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
  });

  it("stay 0600 while herdsman runs the dongle: its coordinator backup, written at start and again at stop", async () => {
    const dongle = await VirtualDongle.start({});
    const dir = join(freshDir(), "state");
    const clock = new RealClock();
    const evidence = new EvidenceLog({ now: () => clock.now() });
    const hub = new Hub({ clock, seed: 1, evidence, hubIeee: "0x00124b0000000000" });
    const host = new Host({ port: dongle.url, adapter: "zstack", stateDir: dir, hub, evidence, clock, channel: 15 });
    try {
      await host.start();
      expect(existsSync(join(dir, "coordinator_backup.json"))).toBe(true);
      for (const f of readdirSync(dir)) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
      // herdsman writes the backup through a temporary file and a rename on stop: a fresh 0644 file each time
      rmSync(join(dir, "coordinator_backup.json"));
    } finally {
      await host.stop();
      await dongle.stop();
    }
    expect(existsSync(join(dir, "coordinator_backup.json"))).toBe(true);
    for (const f of readdirSync(dir)) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
  }, 30_000);
});

describe("the lock", () => {
  it("refuses a second holder while the first holds it, and is free again once released", () => {
    const dir = freshDir();
    const release = lockStateDir(dir, "hanbench serve");
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as { pid: number; command: string };
    expect(lock).toMatchObject({ pid: process.pid, command: "hanbench serve" });
    expect(() => lockStateDir(dir, "hanbench run")).toThrow(StateDirError);
    expect(() => lockStateDir(dir, "hanbench run")).toThrow(
      new RegExp(
        `^the state directory ${dir} is in use by hanbench serve \\(process ${process.pid}, since .*\\): stop it first, or give another --state$`,
      ),
    );
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockStateDir(dir, "hanbench run")();
  });

  it("takes over a lock whose process is gone", () => {
    const dir = freshDir();
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pid = Number(gone.stdout);
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: hostname(), since: "2026-01-01T00:00:00.000Z", command: "hanbench serve" }),
    );
    const release = lockStateDir(dir, "hanbench serve");
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    release();
  });

  it("never takes over a lock written on another host", () => {
    const dir = freshDir();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: "other-bench", since: "2026-01-01T00:00:00.000Z", command: "hanbench serve" }),
    );
    expect(() => lockStateDir(dir, "hanbench serve")).toThrow(/in use by hanbench serve \(process 1 on other-bench/);
  });
});

describe("what is in the directory", () => {
  it("is taken when hanbench and herdsman can read it back", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "network.json"), NETWORK);
    writeFileSync(join(dir, "database.db"), DATABASE);
    writeFileSync(join(dir, "coordinator_backup.json"), '{"metadata":{"format":"zigpy/open-coordinator-backup"}}');
    expect(() => checkStateDir(dir)).not.toThrow();
  });

  it.each([
    [
      "a cut network.json",
      "network.json",
      NETWORK.slice(0, 40),
      /network\.json is not a hanbench network file \(not JSON: corrupt or cut short\); it was left as it is: repair or remove it, or start a new network with --reset/,
    ],
    [
      "a network.json without its key",
      "network.json",
      '{"channel":15,"panId":4660}',
      /network\.json is not a hanbench network file \(channel, panId and a 16-byte networkKey are needed\)/,
    ],
    [
      "a database cut in its last line",
      "database.db",
      DATABASE.slice(0, -20),
      /database\.db line 2 is not a herdsman database entry \(corrupt or cut short\); herdsman would drop it/,
    ],
    [
      "a database line of noise",
      "database.db",
      `\u0000\u0001garbage\n${DATABASE}`,
      /database\.db line 1 is not a herdsman database entry/,
    ],
    [
      "a cut coordinator backup",
      "coordinator_backup.json",
      '{"metadata":{"form',
      /coordinator_backup\.json is not a coordinator backup \(corrupt or cut short\)/,
    ],
  ])("refuses %s, naming it, and leaves it as it was", (_what, file, content, message) => {
    const dir = freshDir();
    writeFileSync(join(dir, file), content);
    expect(() => openStateDir(dir, { command: "hanbench serve" })).toThrow(message);
    expect(readFileSync(join(dir, file), "utf8")).toBe(content);
    // the lock taken for the check is given back
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("with --reset, moves everything aside (nothing deleted) and starts empty", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "network.json"), NETWORK.slice(0, 40));
    writeFileSync(join(dir, "database.db"), DATABASE);
    const opened = openStateDir(dir, { command: "hanbench serve", reset: true });
    expect(opened.replaced).toMatch(/replaced-\d{4}-\d\d-\d\dT/);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, opened.replaced!.split("/").at(-1)].sort());
    expect(readFileSync(join(opened.replaced!, "network.json"), "utf8")).toBe(NETWORK.slice(0, 40));
    expect(readFileSync(join(opened.replaced!, "database.db"), "utf8")).toBe(DATABASE);
    opened.release();
  });
});

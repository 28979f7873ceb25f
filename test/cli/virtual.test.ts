/** `hanbench virtual` as a process: what it prints, that it serves, and a clean stop on SIGTERM. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { parseVirtualArgs } from "../../src/cli/virtual.js";
import { deviceIdentity } from "../../src/virtual/registry.js";
import { isLoopbackHost } from "../../src/virtual/transport/tcp.js";
import { Subsystem } from "../../src/virtual/znp/frame.js";
import { RawClient } from "../virtual/raw-client.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const env = { ...process.env, HANBENCH_LOG_LEVEL: "warn" };
let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  child = undefined;
});

function linesUntil(c: ChildProcess, done: (lines: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out; output so far:\n${text}`)), 15_000);
    c.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split("\n").filter((l) => l.length > 0);
      if (done(lines)) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
    c.once("exit", (code) => reject(new Error(`exited ${code} early; output:\n${text}`)));
  });
}

describe("hanbench virtual", () => {
  it("prints where to connect and each device's label, EUI-64 and install code, serves, and stops on SIGTERM", async () => {
    child = spawn(
      process.execPath,
      [BIN, "virtual", "--listen", "tcp://127.0.0.1:0", "--devices", "node,node", "--seed", "3"],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const lines = await linesUntil(child, (l) => l.filter((x) => x.startsWith("node-")).length === 2);
    const url = /connect to: (tcp:\/\/127\.0\.0\.1:\d+)/.exec(lines[0]!)?.[1];
    expect(url).toBeDefined();
    const devices = lines.filter((x) => x.startsWith("node-"));
    for (const [i, line] of devices.entries()) {
      const id = deviceIdentity(3, i);
      expect(line.split(/\s{2,}/)).toEqual([
        `node-${i + 1}`,
        id.ieee.slice(2).toUpperCase(),
        id.installCode.toString("hex").toUpperCase(),
      ]);
    }
    const c = await RawClient.connect(url!);
    expect((await c.sreq(Subsystem.SYS, 0x01)).command).toBe(0x01);
    await c.close();
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    process.kill(child.pid!, "SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);

  it("explains itself with --help", () => {
    const r = spawnSync(process.execPath, [BIN, "virtual", "--help"], { env, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--listen URL/);
    expect(r.stdout).toMatch(/Kinds: .*node/);
  });

  it("rejects an unknown device kind or profile and a bad loss rate in one line, exit code 2", () => {
    const bad = spawnSync(process.execPath, [BIN, "virtual", "--devices", "node,toaster"], { env, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/unknown device kind 'toaster'/);
    for (const spec of ["ihd:sloppy", "esme:compliant", "node:x"]) {
      const r = spawnSync(process.execPath, [BIN, "virtual", "--listen", "tcp://127.0.0.1:0", "--devices", spec], {
        env,
        encoding: "utf8",
      });
      expect([spec, r.status, r.stderr.trim().split("\n").length]).toEqual([spec, 2, 1]);
      expect(r.stderr).toMatch(/^hanbench virtual: --devices: /);
    }
    const loss = spawnSync(process.execPath, [BIN, "virtual", "--loss", "2"], { env, encoding: "utf8" });
    expect(loss.status).toBe(2);
    expect(loss.stderr).toMatch(/--loss must be a probability/);
  }, 120_000); // five processes started one after the other: a few seconds each on a loaded machine

  it.each([
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.20", false],
    ["bench-pc", false],
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["localhost", true],
  ])("takes %s as loopback: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it("refuses to listen where other machines reach the dongle, unless told to, in one line with exit 2", () => {
    const r = spawnSync(process.execPath, [BIN, "virtual", "--listen", "tcp://0.0.0.0:0"], {
      env,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "hanbench virtual: --listen tcp://0.0.0.0:0 can be reached from other machines, and any of them could read the network key from the dongle; listen on 127.0.0.1, or add --allow-remote-hosts to accept that\n",
    );
    expect(parseVirtualArgs(["--listen", "tcp://[::]:6638", "--allow-remote-hosts"])).toMatchObject({ remote: true });
    expect(parseVirtualArgs(["--listen", "tcp://localhost:6638"])).toMatchObject({ remote: false });
  });

  it("listens on every interface with --allow-remote-hosts, with a warning", async () => {
    child = spawn(process.execPath, [BIN, "virtual", "--listen", "tcp://0.0.0.0:0", "--allow-remote-hosts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d));
    const lines = await linesUntil(child, (l) => l.some((x) => x.startsWith("coordinator")));
    expect(lines[0]).toMatch(/connect to: tcp:\/\/0\.0\.0\.0:\d+/);
    expect(stderr).toBe(
      "hanbench virtual: warning: tcp://0.0.0.0:0 can be reached from other machines; any of them may connect and read the network key from the dongle\n",
    );
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    process.kill(child.pid!, "SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);

  it("takes --poll (or its old name --poll-interval, not both) as a duration of at least 100ms", () => {
    expect(parseVirtualArgs(["--poll", "10s"])).toMatchObject({ pollIntervalMs: 10_000 });
    expect(parseVirtualArgs(["--poll-interval", "500ms"])).toMatchObject({ pollIntervalMs: 500 });
    expect(() => parseVirtualArgs(["--poll", "10x"])).toThrow(/^--poll: '10x' is not a duration/);
    expect(() => parseVirtualArgs(["--poll", "50ms"])).toThrow("--poll must be at least 100ms, got '50ms'");
    expect(() => parseVirtualArgs(["--poll", "1s", "--poll-interval", "1s"])).toThrow(UsageError);
  });
});

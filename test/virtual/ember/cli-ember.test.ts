/** `hanbench virtual --adapter ember` as a process: what it prints, that it speaks ASH, and bad adapters. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { afterEach, expect, it } from "vitest";

const BIN = new URL("../../../bin/hanbench.js", import.meta.url).pathname;
const env = { ...process.env, HANBENCH_LOG_LEVEL: "warn" };
let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  child = undefined;
});

function firstLines(c: ChildProcess, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out; output so far:\n${text}`)), 15_000);
    c.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split("\n").filter((l) => l.length > 0);
      if (lines.length >= n) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
    c.once("exit", (code) => reject(new Error(`exited ${code} early; output:\n${text}`)));
  });
}

it("runs the EmberZNet NCP: says so, answers CAN + RST with RSTACK(2, RESET_SOFTWARE), stops on SIGTERM", async () => {
  child = spawn(
    process.execPath,
    [BIN, "virtual", "--adapter", "ember", "--listen", "tcp://127.0.0.1:0", "--devices", "node"],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines = await firstLines(child, 4);
  expect(lines[0]).toMatch(
    /^virtual EmberZNet NCP \(herdsman adapter ember\) ready; connect to: tcp:\/\/127\.0\.0\.1:\d+$/,
  );
  expect(lines.some((l) => l.startsWith("node-1 "))).toBe(true);
  const [, host, port] = /tcp:\/\/([^:]+):(\d+)/.exec(lines[0]!)!;
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const s = connect(Number(port), host!, () => s.write(Buffer.from("1AC038BC7E", "hex")));
    let got = Buffer.alloc(0);
    s.on("data", (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.includes(0x7e)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on("error", reject);
  });
  expect(reply).toEqual(Buffer.from("C1020B0A527E", "hex"));
  const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
  process.kill(child.pid!, "SIGTERM");
  expect(await exited).toBe(0);
}, 30_000);

it("rejects an adapter it does not emulate in one line, exit code 2", () => {
  const r = spawnSync(process.execPath, [BIN, "virtual", "--adapter", "deconz"], { env, encoding: "utf8" });
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split("\n")).toEqual([
    "hanbench virtual: --adapter must be one of zstack, ember, got 'deconz'",
  ]);
});

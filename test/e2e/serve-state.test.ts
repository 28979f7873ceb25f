/**
 * `hanbench serve` and its state directory, tried as a careless or hurried user would (issue 11, "also try"),
 * against `hanbench virtual`: a second serve on the same directory is refused while the first runs and the
 * first goes on unharmed; a corrupt or cut network.json or herdsman database is refused and left as it was
 * unless --reset (which keeps the old files aside); SIGINT and SIGTERM during start-up and at the console stop
 * the hub cleanly (exit 0, evidence flushed, dongle released, lock given back).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvidence } from "../../src/evidence/read.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "hb-serve-state-"));
const children: ChildProcess[] = [];
let url = "";
let n = 0;

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"], env });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  child.stderr!.on("data", (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once `done` holds, checked as each chunk of the process's output arrives. */
function until(what: string, done: () => boolean, p: Proc, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done()) return;
      clearTimeout(timer);
      p.child.stdout!.off("data", check);
      resolve();
    };
    const timer = setTimeout(() => {
      p.child.stdout!.off("data", check);
      reject(new Error(`${what} did not happen within ${ms} ms:\n${p.stdout()}\n${p.stderr()}`));
    }, ms);
    p.child.stdout!.on("data", check);
    check();
  });
}

/** A serve on `state` with an evidence file of its own; stdin stays open until the test writes to it. */
function serve(state: string, ...extra: string[]): Proc & { evidence: string } {
  const evidence = join(root, `evidence-${++n}.jsonl`);
  return { ...start(["serve", "--port", url, "--state", state, "--evidence", evidence, ...extra]), evidence };
}

/** A serve whose debug log lines (JSON on stderr) show when the host is starting. */
function debugServe(state: string): Proc & { evidence: string } {
  const evidence = join(root, `evidence-${++n}.jsonl`);
  const env = { ...process.env, HANBENCH_LOG_LEVEL: "debug", HANBENCH_LOG_JSON: "1" };
  return { ...start(["serve", "--port", url, "--state", state, "--evidence", evidence], env), evidence };
}

/** Resolves once the process's stderr (its log lines) matches. */
function untilStderr(p: Proc, re: RegExp, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!re.test(p.stderr())) return;
      clearTimeout(timer);
      p.child.stderr!.off("data", check);
      resolve();
    };
    const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${ms} ms`)), ms);
    p.child.stderr!.on("data", check);
    check();
  });
}

const up = (p: Proc) => until("the hub coming up", () => /^hub up on /m.test(p.stdout()), p);

beforeAll(async () => {
  const virtual = start(["virtual", "--listen", "tcp://127.0.0.1:0", "--devices", "ihd:compliant"]);
  await until("the virtual dongle", () => /connect to: tcp:\/\/\S+/.test(virtual.stdout()), virtual);
  url = /connect to: (tcp:\/\/\S+)/.exec(virtual.stdout())![1]!;
}, 60_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

describe("two serve processes on one state directory", () => {
  it("refuses the second in one line with exit 2, and the first goes on and stops cleanly", async () => {
    const state = join(root, "shared");
    const first = serve(state);
    await up(first);
    const network = readFileSync(join(state, "network.json"), "utf8");
    const second = serve(state);
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toMatch(
      new RegExp(
        `^hanbench serve: --state: the state directory ${state} is in use by hanbench serve \\(process ${first.child.pid}, since [^)]+\\): stop it first, or give another --state\\n$`,
      ),
    );
    expect(existsSync(second.evidence)).toBe(false);
    first.child.stdin!.end("log\nquit\n");
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain("Device Log 0/16");
    expect(readFileSync(join(state, "network.json"), "utf8")).toBe(network);
    expect(existsSync(join(state, "hanbench.lock"))).toBe(false);
  }, 90_000);
});

describe("a state directory that cannot be read back", () => {
  const NETWORK = '{\n  "channel": 15,\n  "panId": 4660,\n  "networkKey": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"\n}\n';

  it.each([
    [
      "a cut network.json",
      "network.json",
      NETWORK.slice(0, 30),
      "is not a hanbench network file (not JSON: corrupt or cut short)",
    ],
    [
      "a cut herdsman database",
      "database.db",
      '{"id":1,"type":"Coordinator","ieeeAddr":"0x00124b',
      "line 1 is not a herdsman database entry (corrupt or cut short)",
    ],
  ])(
    "refuses %s with exit 2, naming it, and leaves it as it was",
    async (_what, file, content, why) => {
      const state = join(root, `corrupt-${file}`);
      mkdirSync(state);
      if (file !== "network.json") writeFileSync(join(state, "network.json"), NETWORK);
      writeFileSync(join(state, file), content);
      const p = serve(state);
      expect(await p.exited).toBe(2);
      expect(p.stderr().trim().split("\n")).toHaveLength(1);
      expect(p.stderr()).toContain(`hanbench serve: --state: ${join(state, file)} ${why}`);
      expect(p.stderr()).toContain("start a new network with --reset");
      expect(readFileSync(join(state, file), "utf8")).toBe(content);
      expect(readdirSync(state).sort()).toEqual(
        file === "network.json" ? ["network.json"] : ["database.db", "network.json"],
      );
    },
    60_000,
  );

  it("refuses a cut session.json with exit 2, naming it and the way past it, and leaves it as it was", async () => {
    const state = join(root, "corrupt-session");
    mkdirSync(state);
    writeFileSync(join(state, "network.json"), NETWORK);
    const cut = '{"version": 1, "deviceLog": [{"eui64": "0x0d6f';
    writeFileSync(join(state, "session.json"), cut);
    const p = serve(state);
    expect(await p.exited).toBe(2);
    expect(p.stderr().trim().split("\n")).toHaveLength(1);
    expect(p.stderr()).toMatch(
      new RegExp(
        `^hanbench serve: --state: ${join(state, "session.json").replace(/[.]/g, "\\.")} is not a hanbench session state \\(not JSON: .*\\); move it away or start with --reset to begin afresh\n$`,
      ),
    );
    expect(readFileSync(join(state, "session.json"), "utf8")).toBe(cut);
  }, 60_000);

  it("starts a new network with --reset, keeping the old files aside", async () => {
    const state = join(root, "reset");
    mkdirSync(state);
    writeFileSync(join(state, "network.json"), NETWORK.slice(0, 30));
    const p = serve(state, "--reset");
    await up(p);
    p.child.stdin!.end("quit\n");
    expect(await p.exited).toBe(0);
    const aside = /the earlier state is kept aside in (\S+); a new network is formed/.exec(p.stdout())?.[1];
    expect(aside).toBeDefined();
    expect(readFileSync(join(aside!, "network.json"), "utf8")).toBe(NETWORK.slice(0, 30));
    expect(JSON.parse(readFileSync(join(state, "network.json"), "utf8"))).toMatchObject({
      channel: expect.any(Number),
    });
  }, 90_000);
});

describe("a signal to serve", () => {
  it.each([
    ["SIGINT", "during start-up"],
    ["SIGTERM", "during start-up"],
    ["SIGINT", "at the console"],
    ["SIGTERM", "at the console"],
  ] as const)(
    "%s %s stops the hub: exit 0, evidence flushed, lock given back, dongle free again",
    async (sig, when) => {
      const state = join(root, `signal-${sig}-${when.replace(/\W+/g, "-")}`);
      const p = when === "during start-up" ? debugServe(state) : serve(state);
      if (when === "during start-up") {
        // herdsman opens the dongle's socket after the signal handlers are in place, and before the hub is up
        await untilStderr(p, /"msg":"Socket opened"/);
      } else {
        await up(p);
        p.child.stdin!.write("wait join 120\n");
      }
      p.child.kill(sig);
      expect(await p.exited).toBe(0);
      expect(p.stderr()).toContain(`hanbench serve: ${sig}: stopping the hub`);
      expect(p.stdout()).toMatch(/hub stopped\n$/);
      const { events, bad } = readEvidence(p.evidence);
      expect(bad).toEqual([]);
      expect(events.some((e) => e.kind === "note" && e.message === `stopped by ${sig}`)).toBe(true);
      expect(existsSync(join(state, "hanbench.lock"))).toBe(false);
      // the dongle takes one host at a time: a new serve can connect, so this one let go
      const next = serve(state);
      await up(next);
      next.child.stdin!.end("quit\n");
      expect(await next.exited).toBe(0);
    },
    90_000,
  );
});

describe("serve with an evidence file that cannot be written", () => {
  it("--evidence /dev/full stops the hub: exit 3, one line naming the cause, lock given back", async () => {
    const state = join(root, "evidence-full");
    const p = start(["serve", "--port", url, "--state", state, "--evidence", "/dev/full"]);
    expect(await p.exited).toBe(3);
    expect(p.stderr()).toBe(
      "hanbench serve: cannot write the evidence log /dev/full: ENOSPC: no space left on device, write; stopping the hub\n",
    );
    expect(p.stdout()).toMatch(/hub stopped\n$/);
    expect(existsSync(join(state, "hanbench.lock"))).toBe(false);
  }, 90_000);
});

/**
 * The README's rehearsal, as written: its `hanbench virtual` and `hanbench serve` command lines and the console
 * lines are read out of README.md and run (in a directory of their own, so its relative paths land there),
 * with a 2 s poll and a 6 s window instead of 10 s and 30 s to keep the test short. The devices the virtual
 * dongle prints are the ones the README shows, the IHD queries the CoT and clears, the verdict passes
 * COT-01..06, and `hanbench report` renders the session's evidence.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "hanbench.js");
const dir = mkdtempSync(join(tmpdir(), "hanbench-rehearsal-"));
const children: ChildProcess[] = [];

/** The fenced blocks of the README's rehearsal section, in order: [info string, text]. */
function rehearsalBlocks(): [string, string][] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("#### Rehearsal against the virtual dongle");
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf("\n## ", start));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]);
}

/** `npx hanbench …` as argv for this checkout, with the rehearsal's intervals made shorter. */
function argv(line: string): string[] {
  const words = line.trim().split(/\s+/);
  expect(words.slice(0, 2)).toEqual(["npx", "hanbench"]);
  return words.slice(2).map((w, i, all) => {
    if (all[i - 1] === "--poll") return w === "10s" ? "2s" : w;
    if (all[i - 1] === "--window") return w === "30s" ? "6s" : w;
    return w;
  });
}

interface Child {
  child: ChildProcess;
  out: string[];
  closed: Promise<number | null>;
  /** The first line (seen or to come) matching `re`; rejects after `ms` or when the process ends first. */
  line(re: RegExp, ms: number): Promise<RegExpMatchArray>;
}

function run(args: string[], stdin: "ignore" | "pipe"): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: [stdin, "pipe", "pipe"] });
  children.push(child);
  const out: string[] = [];
  const lines = new EventEmitter();
  let rest = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const got = (rest + chunk.toString()).split("\n");
    rest = got.pop() ?? "";
    for (const l of got) {
      out.push(l);
      lines.emit("line", l);
    }
  });
  child.stderr!.resume();
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const line = (re: RegExp, ms: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      for (const l of out) {
        const m = l.match(re);
        if (m) return resolve(m);
      }
      const timer = setTimeout(() => fail(`no line matching ${re} within ${ms} ms`), ms);
      const onLine = (l: string) => {
        const m = l.match(re);
        if (m) {
          done();
          resolve(m);
        }
      };
      const onClose = () => fail(`the process ended with no line matching ${re}`);
      const done = () => {
        clearTimeout(timer);
        lines.off("line", onLine);
        child.off("close", onClose);
      };
      const fail = (why: string) => {
        done();
        reject(new Error(`${why}; got:\n${out.join("\n")}`));
      };
      lines.on("line", onLine);
      child.once("close", onClose);
    });
  return { child, out, closed, line };
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, "SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("close", r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's rehearsal of hanbench serve", () => {
  it("shows the IHD querying the CoT and clearing, passes COT-01..06, and the report renders the session", async () => {
    const blocks = rehearsalBlocks();
    expect(blocks.map(([info]) => info)).toEqual(["sh", "text", "sh", "text"]);
    const [virtualCmd, devices, serveCmd, script] = blocks.map(([, text]) => text);

    // the virtual dongle, on a free port instead of 6638
    const v = argv(virtualCmd!).map((w) => (w === "tcp://127.0.0.1:6638" ? "tcp://127.0.0.1:0" : w));
    const virtual = run(v, "ignore");
    const url = (await virtual.line(/connect to: (tcp:\/\/\S+)/, 30_000))[1]!;
    for (const expected of devices!.trim().split("\n")) {
      await virtual.line(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), 10_000);
    }

    const s = argv(serveCmd!).map((w) => (w === "tcp://127.0.0.1:6638" ? url : w));
    const serve = run(s, "pipe");
    serve.child.stdin!.end(script);
    const code = await Promise.race([
      serve.closed,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`serve did not finish:\n${serve.out.join("\n")}`)), 100_000),
      ),
    ]);
    const out = serve.out;
    expect(code, out.join("\n")).toBe(0);
    expect(out.filter((l) => l.startsWith("error:"))).toEqual([]);
    const ihd = "0x0d6f0053cbe880fe";
    // live: the IHD asks the GPF for the CoT after it is recorded, and the hub's answer carries it
    expect(out).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^\\d\\d:\\d\\d:\\d\\d ${ihd} (GetChangeOfTenancy to the GPF \\(ep 2\\): PublishChangeOfTenancy|read the CoT on the GPF \\(ep 2\\): date) 20\\S+Z, control 0x00000600; the GPF's CoT was recorded `,
        ),
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${ihd} queried the CoT: (GetChangeOfTenancy|read 0x0708/0x0200) on the (GPF|ESME) `),
      ),
    );
    // what it held before the CoT, then none of the previous occupier's data
    expect(out).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${ihd} holds \\(probe seq \\d+, baseline; no CoT yet\\): \\d+ interval data \\(.*; 1 supplier messages `,
        ),
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${ihd} holds none of the previous occupier's interval data, device aggregates, supplier messages \\(probe seq \\d+`,
        ),
      ),
    );
    const verdict = out.filter((l) => /^ {2}COT-\d\d /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(" "));
    expect(verdict).toEqual([
      "COT-01 pass",
      "COT-02 pass",
      "COT-03 pass",
      "COT-04 pass",
      "COT-05 pass",
      "COT-06 pass",
      "COT-11 info",
      "COT-17 not_applicable",
      "COT-18 info",
    ]);

    // the session's evidence, rendered like a run's
    const evidence = out.map((l) => l.match(/^evidence: (\S+) \('hanbench report /)?.[1]).find(Boolean)!;
    expect(evidence).toBeDefined();
    const html = join(dir, "rehearsal.html");
    const report = spawnSync(process.execPath, [BIN, "report", evidence, "--html", html], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(report.status, report.stderr).toBe(3); // the cases the session did not go through are inconclusive
    expect(report.stdout).toMatch(/^ {2}COT-05 {2}pass +Clears historic consumption$/m);
    expect(report.stdout).toMatch(/^ {2}COT-06 {2}pass +Clears supplier messages$/m);
    expect(readFileSync(html, "utf8")).toContain("Clears supplier messages");

    virtual.child.kill("SIGTERM");
    expect(await virtual.closed).toBe(0);
  }, 180_000);
});

/**
 * `hanbench serve` at a terminal, as a person uses it: run on a pseudo-terminal against `hanbench virtual`,
 * typed at key by key, with the screen read back. Typing is echoed after the prompt, Tab completes commands
 * and the EUI-64s the hub knows, a bad line is one `error:` line and the prompt comes back, a join shows up
 * while something is being typed without losing it, the arrow key brings back the last command, `quit`
 * ends with exit code 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ptyRun } from "../support/pty-run.js";
import type { Screen } from "../support/screen.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "hanbench.js");
const dir = mkdtempSync(join(tmpdir(), "hanbench-serve-tty-"));
const children: ChildProcess[] = [];

function lines(child: ChildProcess): string[] {
  const out: string[] = [];
  let rest = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop() ?? "";
    out.push(...parts);
  });
  child.stderr!.resume();
  return out;
}

async function line(out: string[], re: RegExp, ms: number): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    for (const l of out) {
      const m = l.match(re);
      if (m) return m;
    }
    if (Date.now() > until) throw new Error(`no line matching ${re}; got:\n${out.join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

const prompt = (s: Screen, typed = "") => s.current === `hub> ${typed}`.trimEnd();
const shows = (s: Screen, re: RegExp) => s.text.some((r) => re.test(r));

describe("hanbench serve on a terminal", () => {
  it("echoes typing after a prompt, completes, says what is wrong with a bad line and quits", async () => {
    const virtual = spawn(process.execPath, [BIN, "virtual", "--listen", "tcp://127.0.0.1:0", "--devices", "ihd"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(virtual);
    const vout = lines(virtual);
    const url = (await line(vout, /connect to: (tcp:\/\/\S+)/, 20_000))[1]!;
    const [, eui, code] = await line(vout, /^ihd-1 \(ihd:compliant\)\s+([0-9A-F]{16})\s+([0-9A-F]{36})$/, 5_000);
    const ieee = `0x${eui!.toLowerCase()}`;

    const tty = ptyRun([
      process.execPath,
      BIN,
      "serve",
      "--port",
      url,
      "--state",
      join(dir, "state"),
      "--evidence",
      join(dir, "evidence.jsonl"),
    ]);
    children.push(tty.child);
    await tty.waitFor((s) => prompt(s), 30_000, "the prompt");
    expect(tty.screen.text[0]).toMatch(/^hub up on tcp:\/\/127\.0\.0\.1:\d+: channel \d+/);

    tty.type(`add ${eui} ${code}`);
    await tty.waitFor((s) => prompt(s, `add ${eui} ${code}`), 5_000, "the typed line echoed");
    tty.type("\r");
    await tty.waitFor((s) => shows(s, new RegExp(`^added ${ieee} to the Device Log \\(1/16\\)$`)), 5_000, "added");
    await tty.waitFor((s) => prompt(s), 5_000, "the prompt again");

    // Tab completes an EUI-64 the hub knows, in the case it is typed in
    tty.type(`requests ${eui!.slice(0, 4)}`);
    await tty.waitFor((s) => prompt(s, `requests ${eui!.slice(0, 4)}`), 5_000, "the partial EUI-64");
    tty.type("\t");
    await tty.waitFor((s) => prompt(s, `requests ${eui}`), 5_000, "the completed EUI-64");
    tty.type("\x15"); // Ctrl-U: clear the line

    // a bad line: one error line with a hint, and the hub keeps running
    await tty.waitFor((s) => prompt(s), 5_000, "an empty prompt");
    tty.type("cot +10x\r");
    await tty.waitFor((s) => shows(s, /^error: '\+10x' is not \+DURATION/), 5_000, "the error line");
    const errors = tty.screen.text.filter((r) => r.startsWith("error:"));
    expect(errors).toEqual([
      "error: '+10x' is not +DURATION (+30m, +2h, +1d) (usage: cot [WHEN] [CONTROL] [METER] [push]; 'help cot')",
    ]);
    await tty.waitFor((s) => prompt(s), 5_000, "the prompt after the error");

    // a join arrives while a command is being typed: it is shown above, the typing is kept
    tty.type("permit 60\r");
    await tty.waitFor((s) => shows(s, /^joining open for 60 s$/), 5_000, "joining open");
    tty.type("dev");
    await tty.waitFor(
      (s) => shows(s, new RegExp(`^\\d\\d:\\d\\d:\\d\\d interview successful: ${ieee}$`)) && prompt(s, "dev"),
      30_000,
      "the join above the prompt, 'dev' still typed",
    );
    tty.type("\t");
    await tty.waitFor((s) => prompt(s, "devices"), 5_000, "'devices' completed");
    tty.type("\r");
    await tty.waitFor(
      (s) => shows(s, new RegExp(`^${ieee} nwk 0x[0-9a-f]{4} \\w+ interview SUCCESSFUL`)),
      5_000,
      "devices",
    );

    // history: the up arrow brings back the last line
    await tty.waitFor((s) => prompt(s), 5_000, "the prompt after devices");
    tty.type("\x1b[A");
    await tty.waitFor((s) => prompt(s, "devices"), 5_000, "the last command from history");
    tty.type("\x15quit\r");
    await tty.waitFor((s) => shows(s, /^hub stopped$/), 30_000, "hub stopped");
    expect(await tty.exited).toBe(0);
    // typed lines are on the screen after the prompt, as typed
    expect(tty.screen.text).toContain(`hub> add ${eui} ${code}`);
    expect(tty.screen.text).toContain("hub> cot +10x");
  }, 120_000);
});

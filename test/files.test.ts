/**
 * src/files.ts: directories made one level at a time and output paths checked before a run, refusing what
 * cannot be written with the path and the reason, and never hanging (Node 20's recursive mkdir loops for
 * ever under /proc; these checks run in a child process so that a hang fails the test instead of the suite).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { checkWritable, makeDirs, OutputPathError, scratchDir } from "../src/files.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `call` (a checkWritable or makeDirs call) in a child process: its error message, or "ok". */
function inChild(call: string): { status: number | null; out: string } {
  const mod = JSON.stringify(new URL("../src/files.ts", import.meta.url).pathname);
  const script = `import { checkWritable, makeDirs } from ${mod};
    try { ${call}; console.log("ok"); } catch (err) { console.log(err.name + ": " + err.message); }`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: r.status, out: r.stdout.trim() };
}

describe("makeDirs", () => {
  it("makes missing parents with the mode asked for, and takes an existing directory", () => {
    const path = join(dir, "a", "b", "c");
    makeDirs(path, 0o700);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(join(dir, "a")).mode & 0o777).toBe(0o700);
    makeDirs(path);
  });

  it("refuses a path through a file", () => {
    writeFileSync(join(dir, "plain"), "");
    expect(() => makeDirs(join(dir, "plain", "x"))).toThrow(OutputPathError);
    expect(() => makeDirs(join(dir, "plain", "x"))).toThrow(`${join(dir, "plain")} is a file, not a directory`);
  });

  it("refuses a directory under /proc at once instead of hanging", () => {
    expect(inChild('makeDirs("/proc/hanbench-x/y")')).toEqual({
      status: 0,
      out: "OutputPathError: cannot make directory /proc/hanbench-x: no such directory, and it cannot be made",
    });
  });
});

describe("checkWritable", () => {
  it("takes a new file in a new directory, leaving nothing behind but the directory", () => {
    const path = join(dir, "new", "report.json");
    checkWritable(path);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(dir, "new"))).toEqual([]);
  });

  it("takes an existing file without changing it", () => {
    const path = join(dir, "kept.json");
    writeFileSync(path, "{}");
    checkWritable(path);
    expect(statSync(path).size).toBe(2);
  });

  it.each([
    ["a directory", () => dir, (p: string) => `cannot write ${p}: it is a directory`],
    [
      "a file in a directory no one may write to (sysfs refuses even root)",
      () => "/sys/hanbench-report.json",
      (p: string) => `cannot write ${p}: permission denied`,
    ],
  ])("refuses %s", (_what, path, message) => {
    expect(() => checkWritable(path())).toThrow(message(path()));
  });

  it("refuses a path under /proc at once instead of hanging", () => {
    expect(inChild('checkWritable("/proc/hanbench-x/report.json")')).toEqual({
      status: 0,
      out: "OutputPathError: cannot make directory /proc/hanbench-x: no such directory, and it cannot be made",
    });
  });
});

describe("scratchDir (a run's throw-away files)", () => {
  it("takes the first candidate that is a writable directory, passing over missing ones and files", () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    vi.stubEnv("TMPDIR", "");
    try {
      expect(scratchDir([join(dir, "missing"), file, dir])).toBe(dir);
      expect(scratchDir([join(dir, "missing")])).toBe(tmpdir());
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("uses a TMPDIR that is set, whatever the candidates", () => {
    vi.stubEnv("TMPDIR", dir);
    try {
      expect(scratchDir([join(dir, "..")])).toBe(tmpdir());
      expect(tmpdir()).toBe(dir);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

/**
 * The seal of an evidence log: written when the log is closed, in the form coreutils' `sha256sum -c` checks
 * (an independent judge of the hash and the format), and refused once a single byte of the log changes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkSeal, digestPath, readSeal } from "../../src/evidence/digest.js";
import { EvidenceLog } from "../../src/evidence/log.js";

const dir = mkdtempSync(join(tmpdir(), "hb-seal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeLog(name: string): { path: string; log: EvidenceLog } {
  const path = join(dir, name);
  const log = new EvidenceLog({ path, now: () => Date.parse("2026-01-01T00:00:00Z") });
  log.append({ kind: "note", message: "first" });
  log.append({ kind: "leave", device: "0x00db1234567890a0" });
  log.close();
  return { path, log };
}

describe("evidence seal", () => {
  it("is written beside the log when it is closed, and sha256sum -c accepts it", () => {
    const { path, log } = writeLog("a.jsonl");
    const seal = readFileSync(digestPath(path), "utf8");
    expect(seal).toMatch(/^[0-9a-f]{64} {2}a\.jsonl\n$/);
    expect(log.sha256).toBe(seal.slice(0, 64));
    const check = spawnSync("sha256sum", ["-c", "a.jsonl.sha256"], { cwd: dir, encoding: "utf8" });
    expect(check.stdout.trim()).toBe("a.jsonl: OK");
    expect(checkSeal(path)).toEqual({ ok: true, sha256: log.sha256 });
  });

  it("refuses a log with one byte changed, and one without a seal", () => {
    const { path, log } = writeLog("b.jsonl");
    const bytes = readFileSync(path);
    bytes[10] = bytes[10]! ^ 0x01;
    writeFileSync(path, bytes);
    const check = checkSeal(path);
    expect(check).toMatchObject({ ok: false, reason: "mismatch", expected: log.sha256 });
    expect(check.ok === false && check.actual).not.toBe(log.sha256);
    expect(spawnSync("sha256sum", ["-c", "b.jsonl.sha256"], { cwd: dir }).status).not.toBe(0);

    const loose = join(dir, "loose.jsonl");
    writeFileSync(loose, '{"seq":1}\n');
    expect(checkSeal(loose)).toMatchObject({ ok: false, reason: "no-seal" });
    expect(readSeal(loose)).toBeUndefined();
  });

  it("says so when a seal file holds no hash", () => {
    const { path } = writeLog("c.jsonl");
    writeFileSync(digestPath(path), "not a hash\n");
    expect(() => checkSeal(path)).toThrow(/holds no SHA-256/);
  });

  it("is not written for a device (/dev/null), and a seal that cannot be written leaves the log unsealed", () => {
    const before = existsSync("/dev/null.sha256");
    const dev = new EvidenceLog({ path: "/dev/null", now: () => 0 });
    dev.append({ kind: "note", message: "to nowhere" });
    dev.close();
    expect(dev.sha256).toBeUndefined();
    expect(existsSync("/dev/null.sha256")).toBe(before);

    const path = join(dir, "d.jsonl");
    mkdirSync(digestPath(path));
    const log = new EvidenceLog({ path, now: () => 0 });
    log.append({ kind: "note", message: "kept" });
    expect(() => log.close()).not.toThrow();
    expect(log.sha256).toBeUndefined();
    expect(readFileSync(path, "utf8")).toContain('"kept"');
  });
});

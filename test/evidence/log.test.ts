import { spawnSync } from "node:child_process";
import { mkdtempSync, appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { EvidenceFileError, EvidenceLog } from "../../src/evidence/log.js";
import { jsonSafe, withoutKeys } from "../../src/evidence/json-safe.js";
import { readEvidence } from "../../src/evidence/read.js";
import { addSecret, REDACTED, redactText } from "../../src/redact.js";

describe("evidence log", () => {
  it("appends numbered JSON lines with hub time, on disk once flushed", () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    let now = Date.parse("2026-01-01T00:00:00Z");
    const log = new EvidenceLog({ path, now: () => now });
    log.append({ kind: "note", message: "first" });
    now += 60_000;
    log.append({ kind: "leave", device: "0x00db1234567890a0" });
    log.flush();
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.kind, l.t])).toEqual([
      [1, "note", "2026-01-01T00:00:00.000Z"],
      [2, "leave", "2026-01-01T00:01:00.000Z"],
    ]);
    log.close();
  });

  it("writes what was appended by the end of the event-loop turn, without an explicit flush", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    const log = new EvidenceLog({ path, now: () => 0 });
    log.append({ kind: "note", message: "a" });
    expect(readFileSync(path, "utf8")).toBe("");
    await new Promise((r) => setImmediate(r));
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(1);
    log.close();
  });

  it("writes a busy log's next lines in one batch, 20 ms after its last write", () => {
    vi.useFakeTimers({ toFake: ["setImmediate", "setTimeout", "performance"] });
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    const log = new EvidenceLog({ path, now: () => 0 });
    const messages = () =>
      readFileSync(path, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { message: string }).message);
    try {
      log.append({ kind: "note", message: "a" });
      vi.advanceTimersToNextTimer(); // the end of the turn: a quiet log writes at once
      expect(messages()).toEqual(["a"]);
      vi.advanceTimersByTime(5);
      log.append({ kind: "note", message: "b" });
      log.append({ kind: "note", message: "c" });
      vi.advanceTimersByTime(14); // 19 ms after the last write: still collecting
      expect(messages()).toEqual(["a"]);
      vi.advanceTimersByTime(1);
      expect(messages()).toEqual(["a", "b", "c"]);
    } finally {
      log.close();
      vi.useRealTimers();
    }
  });

  it("keeps what a process appended right before it crashed", () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    const script = `
      import { EvidenceLog } from ${JSON.stringify(new URL("../../src/evidence/log.ts", import.meta.url).pathname)};
      const log = new EvidenceLog({ path: ${JSON.stringify(path)}, now: () => 0 });
      for (let i = 0; i < 3; i++) log.append({ kind: "note", message: "seen " + i });
      throw new Error("the bench fell over");`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("the bench fell over");
    const { events } = readEvidence(path);
    expect(events.map((e) => (e as { message?: string }).message)).toEqual(["seen 0", "seen 1", "seen 2"]);
  });

  it("keeps every good line of a file whose last line was cut by a crash", () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    const log = new EvidenceLog({ path, now: () => 0 });
    log.append({ kind: "note", message: "a" });
    log.append({ kind: "note", message: "b" });
    log.close();
    appendFileSync(path, '{"seq":3,"kind":"no');
    const { events, bad } = readEvidence(path);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(3);
  });

  it("makes bigints, buffers and non-finite numbers JSON-safe", () => {
    expect(jsonSafe({ a: 2n ** 64n, b: Buffer.from([1, 0xab]), c: [Number.NaN], d: new Date(0) })).toEqual({
      a: "18446744073709551616",
      b: "01ab",
      c: [null],
      d: "1970-01-01T00:00:00.000Z",
    });
  });

  it("scrubs a secret from text it recorded before the secret was registered, and from bytes", () => {
    // a short string is scrubbed once and remembered: the memory must not outlive a new secret
    const key = "5e1f0c2d3a4b59687786a5b4c3d2e1f0";
    const log = new EvidenceLog({ now: () => 0 });
    log.append({ kind: "note", message: key });
    addSecret(key);
    log.append({ kind: "note", message: key });
    const data = { bytes: Buffer.from(key, "hex"), text: `k ${key}` };
    log.append({ kind: "note", message: "m", data });
    expect(Buffer.isBuffer(data.bytes)).toBe(true); // the caller's object is left as it was
    expect(log.events.map((e) => (e as { message: string }).message)).toEqual([key, REDACTED, "m"]);
    expect((log.events[2] as { data: unknown }).data).toEqual({ bytes: REDACTED, text: `k ${REDACTED}` });
  });

  it("scrubs every string, short or long, as redactText does", () => {
    // a 6-byte secret: the shortest there is, whose hex is exactly as long as the shortest text that can hold one
    const code = "a1b2c3d4e5f6";
    addSecret(code);
    const forms = [code, code.toUpperCase(), "a1:b2:c3:d4:e5:f6", "0xa1b2c3d4e5f6", "161,178,195,212,229,246"];
    const texts: string[] = [];
    for (const form of forms) {
      for (let cut = 0; cut <= form.length; cut++)
        texts.push(form.slice(0, cut), form.slice(cut), `x${form.slice(cut)}`);
      texts.push(`${"-".repeat(60)}${form}`, `${form}${"-".repeat(60)}`);
    }
    for (const text of texts) expect([text, jsonSafe(text)]).toEqual([text, redactText(text)]);
    expect(jsonSafe({ a: code, b: ["gpf", `${code}!`] })).toEqual({ a: REDACTED, b: ["gpf", `${REDACTED}!`] });
  });

  it("drops fields named like key material at any depth and keeps the rest", () => {
    const hub = {
      channel: 15,
      networkKey: "00112233445566778899aabbccddeeff",
      endpoints: { gpf: 2, esme: 3 },
      trustCentre: { mode: "install-code", linkKey: "x", TCLinkKey: "y" },
      devices: [{ ieee: "0x00db1234567890a0", installCode: "z" }],
      password: "p",
      apiToken: "t",
    };
    expect(withoutKeys(hub)).toEqual({
      channel: 15,
      endpoints: { gpf: 2, esme: 3 },
      trustCentre: { mode: "install-code" },
      devices: [{ ieee: "0x00db1234567890a0" }],
    });
  });
});

describe("evidence log files", () => {
  it("are new: a file that already holds lines is refused, so a run never appends to another's log", () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    const first = new EvidenceLog({ path, now: () => 0 });
    first.append({ kind: "note", message: "the first run" });
    first.close();
    expect(() => new EvidenceLog({ path, now: () => 0 })).toThrow(EvidenceFileError);
    expect(() => new EvidenceLog({ path, now: () => 0 })).toThrow(
      `${path} already holds evidence (${readFileSync(path).length} bytes): a run never appends to another's log; give a new path`,
    );
    expect(readEvidence(path).events.map((e) => (e as { message?: string }).message)).toEqual(["the first run"]);
  });

  it("may be an empty file made beforehand, or a device", () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    writeFileSync(path, "");
    const log = new EvidenceLog({ path, now: () => 0 });
    log.append({ kind: "note", message: "a" });
    log.close();
    expect(readEvidence(path).events).toHaveLength(1);
    const devNull = new EvidenceLog({ path: "/dev/null", now: () => 0 });
    devNull.append({ kind: "note", message: "b" });
    devNull.close();
  });
});

describe("evidence write errors", () => {
  it("a full device: no exception, the log says why on `failed` and keeps every event in memory", () => {
    const log = new EvidenceLog({ path: "/dev/full", now: () => 0 });
    log.append({ kind: "note", message: "a" });
    expect(() => log.flush()).not.toThrow();
    expect(log.failed.aborted).toBe(true);
    expect((log.failed.reason as Error).message).toMatch(/^cannot write the evidence log \/dev\/full: ENOSPC: /);
    log.append({ kind: "note", message: "b" });
    expect(() => log.close()).not.toThrow();
    expect(log.events.map((e) => (e as { message?: string }).message)).toEqual(["a", "b"]);
  });

  it("a file that reaches the size limit mid-line is cut back to its last whole line", () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-ev-"));
    const path = join(dir, "e.jsonl");
    // 10 KiB at most (ulimit -f counts KiB here), SIGXFSZ ignored so that the write fails with EFBIG instead
    const script = `
      import { EvidenceLog } from ${JSON.stringify(join(process.cwd(), "src/evidence/log.ts"))};
      const log = new EvidenceLog({ path: ${JSON.stringify(path)}, now: () => 0 });
      for (let i = 0; i < 400; i++) log.append({ kind: "note", message: "line " + i + " " + "x".repeat(40) });
      log.flush();
      console.log(JSON.stringify({ failed: log.failed.aborted, why: log.failed.reason?.message, kept: log.events.length }));`;
    const r = spawnSync(
      "/bin/sh",
      [
        "-c",
        `trap '' XFSZ; ulimit -f 10; exec "$0" --import tsx --input-type=module -e "$1"`,
        process.execPath,
        script,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      failed: true,
      why: `cannot write the evidence log ${path}: EFBIG: file too large, write`,
      kept: 400,
    });
    const text = readFileSync(path, "utf8");
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(10_240);
    expect(text.endsWith("\n")).toBe(true);
    const { events, bad } = readEvidence(path);
    expect(bad).toEqual([]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });
});

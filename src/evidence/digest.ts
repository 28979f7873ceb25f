/**
 * The seal of an evidence log: its SHA-256, written beside it when the run closes the log, in the form
 * `sha256sum` writes and checks (`<64 hex digits>  evidence.jsonl`), so a lab can also check it with
 * `sha256sum -c evidence.jsonl.sha256`. Every report carries the same hash; `hanbench report --verify`
 * recomputes it and refuses a log that does not match its seal.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

/** The seal's file name is the log's with this suffix. */
export const DIGEST_SUFFIX = ".sha256";

export function digestPath(logPath: string): string {
  return `${logPath}${DIGEST_SUFFIX}`;
}

/** SHA-256 of a file's bytes, lower-case hex, read in 1 MiB pieces. */
export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** Hashes the log and writes its seal beside it; returns the hash. */
export function sealEvidence(logPath: string): string {
  const sha256 = sha256File(logPath);
  writeFileSync(digestPath(logPath), `${sha256}  ${basename(logPath)}\n`);
  return sha256;
}

/** The hash a log's seal records, undefined when there is no seal; throws on a seal that is not one. */
export function readSeal(logPath: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(digestPath(logPath), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const m = /^([0-9a-f]{64})\b/i.exec(text.trim());
  if (!m) throw new Error(`${digestPath(logPath)} holds no SHA-256`);
  return m[1]!.toLowerCase();
}

export type SealCheck =
  | { ok: true; sha256: string }
  | { ok: false; reason: "no-seal"; actual: string }
  | { ok: false; reason: "mismatch"; expected: string; actual: string };

/** Recomputes a log's hash and compares it with its seal. */
export function checkSeal(logPath: string): SealCheck {
  const expected = readSeal(logPath);
  const actual = sha256File(logPath);
  if (expected === undefined) return { ok: false, reason: "no-seal", actual };
  if (expected !== actual) return { ok: false, reason: "mismatch", expected, actual };
  return { ok: true, sha256: actual };
}

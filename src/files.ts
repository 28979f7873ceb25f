/**
 * Making directories and checking output paths before anything is written, for every layer that writes files.
 *
 * `makeDirs` is `mkdir -p` done one level at a time: Node 20's `mkdirSync(path, { recursive: true })` never
 * returns for a path under /proc (the kernel answers ENOENT for a directory that exists, and Node tries
 * again for ever), so a report path such as /proc/x/report.json hung the tool instead of being refused.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** An output path that cannot be used; the message names the path and why, in one line. */
export class OutputPathError extends Error {
  override name = "OutputPathError";
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** What an errno means for a path a person gave, in words. */
function why(err: unknown): string {
  switch (codeOf(err)) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOENT":
      return "no such directory, and it cannot be made";
    case "ENOTDIR":
      return "a part of the path is a file, not a directory";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return (err as Error).message;
  }
}

/**
 * Makes `path` and any missing parents (like `mkdir -p`), each with `mode`. Throws an OutputPathError
 * naming the path when a part of it is a file or cannot be made.
 */
export function makeDirs(path: string, mode = 0o777): void {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    try {
      if (!statSync(p).isDirectory()) throw new OutputPathError(`${p} is a file, not a directory`);
      break;
    } catch (err) {
      if (err instanceof OutputPathError) throw err;
      const code = codeOf(err);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new OutputPathError(`cannot use ${p}: ${why(err)}`);
    }
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, { mode });
    } catch (err) {
      if (codeOf(err) === "EEXIST" && statSync(dir).isDirectory()) continue;
      throw new OutputPathError(`cannot make directory ${dir}: ${why(err)}`);
    }
  }
}

/**
 * Checks, before a run starts, that a file can be written at `path`: its directory is made (makeDirs), and a
 * file can be created there (tried, with a probe file removed at once: permission bits alone do not say,
 * for root or on a read-only mount), or the existing file opens for writing. Nothing existing is changed.
 * Throws an OutputPathError otherwise.
 */
export function checkWritable(path: string): void {
  makeDirs(dirname(path));
  let exists = true;
  try {
    if (statSync(path).isDirectory()) throw new OutputPathError(`cannot write ${path}: it is a directory`);
  } catch (err) {
    if (err instanceof OutputPathError) throw err;
    if (codeOf(err) !== "ENOENT") throw new OutputPathError(`cannot write ${path}: ${why(err)}`);
    exists = false;
  }
  const probe = exists ? path : join(dirname(path), `.hanbench-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, exists ? "a" : "wx"));
  } catch (err) {
    throw new OutputPathError(`cannot write ${path}: ${why(err)}`);
  }
  if (!exists) rmSync(probe, { force: true });
}

/**
 * Where a run keeps files it throws away at its end (a virtual run's herdsman database and coordinator backup,
 * which herdsman writes with an fsync and a rename at every join, interview and leave): the first of
 * `candidates` that is a writable directory (by default /dev/shm, a RAM file system on Linux, where those
 * writes cost nothing), else the OS temporary directory. A TMPDIR that is set is used as it is.
 */
export function scratchDir(candidates: readonly string[] = ["/dev/shm"]): string {
  if (process.env.TMPDIR) return tmpdir();
  for (const dir of candidates) {
    try {
      if (!statSync(dir).isDirectory()) continue;
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // not there, or not writable: the next one
    }
  }
  return tmpdir();
}

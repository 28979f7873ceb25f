/**
 * The host's state directory: network.json (network.ts), herdsman's database (database.db and its backup) and
 * herdsman's coordinator backup (coordinator_backup.json, which holds the network key and link keys).
 *
 * `openStateDir` is what a command does before anything reads or writes there:
 * - takes the directory's lock (`hanbench.lock`, holding the process id): a second process on the same
 *   directory is refused while the first runs; a lock whose process is gone is stale and taken over;
 * - with `reset`, moves every file aside into `replaced-<time>/` (nothing is deleted) for a new network;
 * - checks that what is there can be read: a corrupt or cut network.json, herdsman database line or
 *   coordinator backup is a StateDirError naming the file and line, and nothing is overwritten (herdsman
 *   itself would drop a bad database line and write the database back without it);
 * - makes the directory 0700 and every file in it 0600, saying which were readable by others.
 * herdsman writes its backup and database through a temporary file and a rename, so each write comes back
 * with the default mode: the host tightens the files again after each (`tightenStateDir`).
 */
import { hostname } from "node:os";
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeDirs, OutputPathError } from "../files.js";
import { log } from "../log.js";
import { NETWORK_FILE, readNetworkFile } from "./network.js";

export const LOCK_FILE = "hanbench.lock";
export const DATABASE_FILE = "database.db";
export const BACKUP_FILE = "coordinator_backup.json";

/** A state directory that cannot be used as it is; the message says what is wrong and what to do, in one line. */
export class StateDirError extends Error {
  override name = "StateDirError";
}

const logger = log("host");

/** Makes the directory 0700 and its files 0600; returns the files that were open to others before. */
export function tightenStateDir(dir: string): string[] {
  const widened: string[] = [];
  chmodSync(dir, 0o700);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (!st.isFile()) continue;
    if ((st.mode & 0o077) !== 0) widened.push(`${name} (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")})`);
    if ((st.mode & 0o777) !== 0o600) chmodSync(path, 0o600);
  }
  return widened;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface LockBody {
  pid: number;
  host: string;
  since: string;
  command: string;
}

function readLock(path: string): LockBody | undefined {
  try {
    const body = JSON.parse(readFileSync(path, "utf8")) as Partial<LockBody>;
    return typeof body.pid === "number" ? (body as LockBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the directory's lock for this process. Throws a StateDirError when a live process holds it (on this
 * host; a lock written on another host is never taken over). Returns the function that releases it (also
 * released when the process exits).
 */
export function lockStateDir(dir: string, command: string): () => void {
  const path = join(dir, LOCK_FILE);
  const body: LockBody = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(body)}\n`, { flag: "wx", mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) {
        throw new StateDirError(`cannot lock the state directory ${dir}: ${(err as Error).message}`);
      }
    }
    const held = readLock(path);
    if (held && (held.host !== body.host || held.pid === process.pid || isAlive(held.pid))) {
      throw new StateDirError(
        `the state directory ${dir} is in use by ${held.command} (process ${held.pid}${held.host !== body.host ? ` on ${held.host}` : ""}, since ${held.since}): stop it first, or give another --state`,
      );
    }
    logger.warn({ dir, pid: held?.pid }, "stale state directory lock taken over (its process is gone)");
    rmSync(path, { force: true });
  }
  const release = () => {
    process.off("exit", release);
    if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return release;
}

/** Moves every file and folder of the directory but the lock into `replaced-<time>/`; returns that folder. */
export function resetStateDir(dir: string, now = new Date()): string | undefined {
  const names = readdirSync(dir).filter((n) => n !== LOCK_FILE && !n.startsWith("replaced-"));
  if (names.length === 0) return undefined;
  const aside = join(dir, `replaced-${now.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(aside, { mode: 0o700 });
  for (const n of names) renameSync(join(dir, n), join(aside, n));
  return aside;
}

const FIX =
  "it was left as it is: repair or remove it, or start a new network with --reset (the old files are kept aside)";

/** Throws a StateDirError naming the first file (and line) that hanbench or herdsman could not read back. */
export function checkStateDir(dir: string): void {
  const files = new Set(readdirSync(dir));
  if (files.has(NETWORK_FILE)) {
    try {
      readNetworkFile(join(dir, NETWORK_FILE));
    } catch (err) {
      throw new StateDirError(`${(err as Error).message}; ${FIX}`);
    }
  }
  if (files.has(DATABASE_FILE)) {
    const path = join(dir, DATABASE_FILE);
    const lines = readFileSync(path, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let ok = false;
      try {
        const entry = JSON.parse(line) as { id?: unknown };
        ok = typeof entry === "object" && entry !== null && Number.isFinite(entry.id);
      } catch {
        ok = false;
      }
      if (!ok) {
        throw new StateDirError(
          `${path} line ${i + 1} is not a herdsman database entry (corrupt or cut short); herdsman would drop it and rewrite the database without it, so ${FIX}`,
        );
      }
    });
  }
  if (files.has(BACKUP_FILE)) {
    const path = join(dir, BACKUP_FILE);
    let ok = false;
    try {
      const backup = JSON.parse(readFileSync(path, "utf8")) as unknown;
      ok = typeof backup === "object" && backup !== null && !Array.isArray(backup);
    } catch {
      ok = false;
    }
    if (!ok) throw new StateDirError(`${path} is not a coordinator backup (corrupt or cut short); ${FIX}`);
  }
}

export interface OpenStateDir {
  /** Releases the lock. */
  release(): void;
  /** Where `reset` moved the earlier state, if it did. */
  replaced?: string;
}

/**
 * Makes the directory if needed, locks it, resets it when asked, checks what is in it and tightens the file
 * modes (warning for each file that was open to others). Throws a StateDirError (or an OutputPathError for a
 * directory that cannot be made) with one line to show.
 */
export function openStateDir(dir: string, opts: { command: string; reset?: boolean }): OpenStateDir {
  try {
    makeDirs(dir, 0o700);
  } catch (err) {
    if (err instanceof OutputPathError) throw new StateDirError(err.message);
    throw err;
  }
  const release = lockStateDir(dir, opts.command);
  try {
    const replaced = opts.reset ? resetStateDir(dir) : undefined;
    checkStateDir(dir);
    for (const file of tightenStateDir(dir)) {
      logger.warn({ dir, file }, "state file was open to other users; now 0600");
    }
    return { release, ...(replaced ? { replaced } : {}) };
  } catch (err) {
    release();
    throw err;
  }
}

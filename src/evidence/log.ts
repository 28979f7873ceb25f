/**
 * The evidence log: one JSON object per line, appended as things happen and written straight through to
 * the file (a crash keeps everything already seen).
 */
import { closeSync, fstatSync, ftruncateSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { log } from "../log.js";
import { digestPath, sealEvidence } from "./digest.js";
import type { Evidence, EvidenceBody } from "./events.js";
import { eventOf } from "./event-shape.js";

/** `new Date(ms).toISOString()`, remembering the last answer (many events share a millisecond). */
class IsoCache {
  #ms = Number.NaN;
  #iso = "";
  of(ms: number): string {
    if (ms !== this.#ms) {
      this.#iso = new Date(ms).toISOString();
      this.#ms = ms;
    }
    return this.#iso;
  }
}

/** An evidence file that cannot be opened for a new log (it holds another run's lines, or cannot be written). */
export class EvidenceFileError extends Error {
  override name = "EvidenceFileError";
}

/**
 * Opens `path` for a new evidence log: created if missing; an existing empty file or a device (`/dev/stdout`)
 * is written to; a file that already holds anything is refused, so a run never appends to another's log.
 */
export function openNewEvidenceFile(path: string): number {
  try {
    return openSync(path, "wx", 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new EvidenceFileError(`cannot write the evidence log ${path}: ${(err as Error).message}`);
    }
  }
  const st = statSync(path);
  if (st.isFile() && st.size > 0) {
    throw new EvidenceFileError(
      `${path} already holds evidence (${st.size} bytes): a run never appends to another's log; give a new path`,
    );
  }
  if (st.isDirectory()) throw new EvidenceFileError(`the evidence log ${path} is a directory`);
  try {
    return openSync(path, "a");
  } catch (err) {
    throw new EvidenceFileError(`cannot write the evidence log ${path}: ${(err as Error).message}`);
  }
}

/**
 * Opens an interrupted run's evidence file to append to it (`hanbench run --resume`; the caller has read it and
 * cut a torn last line). Its seal, if the interrupted run wrote one, no longer matches once a line is appended:
 * it is removed now, and the log's close seals the whole file.
 */
export function openEvidenceToContinue(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (err) {
    throw new EvidenceFileError(`cannot append to the evidence log ${path}: ${(err as Error).message}`);
  }
  try {
    rmSync(digestPath(path), { force: true });
  } catch (err) {
    closeSync(fd);
    throw new EvidenceFileError(`cannot remove the old seal ${digestPath(path)}: ${(err as Error).message}`);
  }
  return fd;
}

/** The evidence file could not be written (disk full, I/O error, file size limit): the log stops writing to it. */
export class EvidenceWriteError extends Error {
  override name = "EvidenceWriteError";
}

export interface EvidenceSink {
  append(body: EvidenceBody): Evidence;
}

/**
 * The run's evidence: kept in memory for the cases and, when given a path, written to a new JSONL file
 * (`openNewEvidenceFile`).
 * Lines are collected during one turn of the event loop and written with one system call at its end (or
 * as soon as 64 KiB are waiting). A busy log (one written less than `BUSY_MS` ago) collects for up to
 * `BUSY_MS` instead, so a virtual run of many frames pays one system call per batch rather than per turn.
 * `flush()` writes at once, and the process writes what is waiting when it exits, even on an uncaught
 * exception. So a crash loses nothing already seen.
 *
 * A write that fails (ENOSPC, EIO, EFBIG) never throws: the log cuts the file back to its last whole line (so
 * every line in it stays valid JSON), stops writing, keeps appending in memory, and aborts `failed` with an
 * `EvidenceWriteError` naming the file and the cause. Whoever runs the log stops on it (src/runner/run.ts,
 * src/cli/serve.ts).
 */
const BUSY_MS = 20;

export class EvidenceLog implements EvidenceSink {
  readonly events: Evidence[] = [];
  readonly #now: () => number;
  readonly #path: string | undefined;
  readonly #failed = new AbortController();
  /** The file to seal when the log closes: a regular file (a device such as /dev/null gets no seal). */
  #sealPath: string | undefined;
  #fd: number | undefined;
  /** Bytes of whole lines in the file. */
  #written = 0;
  #sha256: string | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #flushScheduled = false;
  #flushedAt = Number.NEGATIVE_INFINITY;
  #listeners: ((e: Evidence) => void)[] = [];
  /** The seq of the last event appended (or of the log continued). */
  #seq = 0;
  readonly #onExit = () => this.flush();
  readonly #hubIso = new IsoCache();
  readonly #wallIso = new IsoCache();

  /**
   * `continues`: the events of an interrupted run's log at `path`, which this log appends to (seq goes on from
   * the last of them; `openEvidenceToContinue`); absent: a new log (`openNewEvidenceFile`).
   */
  constructor(opts: { path?: string; now: () => number; continues?: readonly Evidence[] }) {
    this.#now = opts.now;
    this.#path = opts.path;
    if (opts.continues) {
      for (const e of opts.continues) this.events.push(e);
      this.#seq = opts.continues.at(-1)?.seq ?? 0;
    }
    if (opts.path) {
      this.#fd = opts.continues ? openEvidenceToContinue(opts.path) : openNewEvidenceFile(opts.path);
      const st = fstatSync(this.#fd);
      if (st.isFile()) this.#sealPath = opts.path;
      // a failed write cuts the file back to its last whole line: the lines of the log continued included
      if (opts.continues && st.isFile()) this.#written = st.size;
      process.on("exit", this.#onExit);
    }
  }

  append(body: EvidenceBody): Evidence {
    // `{ seq, t, wall, ...body }` with the body's values made JSON-safe, in one object literal per kind of body
    // (event-shape.ts); a nested object or array is copied by jsonSafe, so nothing of the caller's is changed
    const event = eventOf(++this.#seq, this.#hubIso.of(this.#now()), this.#wallIso.of(Date.now()), body);
    this.events.push(event);
    if (this.#fd !== undefined) {
      const line = `${JSON.stringify(event)}\n`;
      this.#pending.push(line);
      this.#pendingBytes += line.length;
      if (this.#pendingBytes >= 65_536) this.flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        const since = performance.now() - this.#flushedAt;
        if (since >= BUSY_MS) setImmediate(() => this.flush());
        // unref'd: a process about to end writes what is waiting on exit
        else setTimeout(() => this.flush(), BUSY_MS - since).unref();
      }
    }
    for (const l of this.#listeners) l(event);
    return event;
  }

  /** Writes every line still waiting. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#fd === undefined || this.#pending.length === 0) return;
    const data = Buffer.from(this.#pending.join(""));
    this.#pending = [];
    this.#pendingBytes = 0;
    let done = 0;
    try {
      while (done < data.length) done += writeSync(this.#fd, data, done);
    } catch (err) {
      this.#writeFailed(err as Error, data, done);
      return;
    }
    this.#written += data.length;
    this.#flushedAt = performance.now();
  }

  /**
   * Aborts when the evidence file could not be written; the reason is an `EvidenceWriteError`. The events
   * appended since stay in `events`.
   */
  get failed(): AbortSignal {
    return this.#failed.signal;
  }

  #writeFailed(err: Error, data: Buffer, done: number): void {
    const fd = this.#fd!;
    this.#fd = undefined;
    process.off("exit", this.#onExit);
    // a line cut by the failed write is taken back: the file keeps whole lines only
    const whole = done > 0 ? data.lastIndexOf(0x0a, done - 1) + 1 : 0;
    if (whole < done) {
      try {
        ftruncateSync(fd, this.#written + whole);
      } catch {
        // not a regular file (a device, a pipe): nothing to take back
      }
    }
    this.#written += whole;
    try {
      closeSync(fd);
    } catch {
      // the descriptor is given up either way
    }
    this.#failed.abort(new EvidenceWriteError(`cannot write the evidence log ${this.#path}: ${err.message}`));
  }

  /** Called for every event appended (progress displays, live views, captures). */
  onEvent(listener: (e: Evidence) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Writes what is waiting and closes the file, then seals it: its SHA-256 goes into `<path>.sha256`
   * (digest.ts) and is kept in `sha256`. A seal that cannot be written is a warning, and the log stays
   * unsealed (reports say `seal: none`); a device (/dev/null) is not sealed. Closing twice does nothing more.
   */
  close(): void {
    this.flush();
    process.off("exit", this.#onExit);
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#sealPath === undefined) return;
    try {
      this.#sha256 = sealEvidence(this.#sealPath);
    } catch (err) {
      log("evidence").warn({ err: (err as Error).message }, "the evidence log could not be sealed");
    }
  }

  /** The SHA-256 of the file once the log is closed (undefined before, or without a file). */
  get sha256(): string | undefined {
    return this.#sha256;
  }
}

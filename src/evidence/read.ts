/** Reading an evidence log back from its file. */
import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import type { Evidence } from "./events.js";
import { whyNotEvent } from "./schema.js";

/** A line that was not used: its number, a short escaped excerpt, and why. */
export interface BadLine {
  line: number;
  text: string;
  why: string;
}

/** Events missing between two lines: the seq numbers jump (lines taken out of the log, or never written). */
export interface SeqGap {
  line: number;
  /** The last seq before the gap and the one after it. */
  after: number;
  seq: number;
}

export interface ReadLog {
  events: Evidence[];
  /** Lines skipped: not JSON (the cut last line of a crashed run), not an event, or a seq out of order. */
  bad: BadLine[];
  gaps: SeqGap[];
  /** Non-empty lines in the file. */
  lines: number;
}

/** The file cannot be an evidence log at all (binary): nothing in it is used. */
export class EvidenceReadError extends Error {
  override name = "EvidenceReadError";
}

/** At most `max` characters of a line, every character outside printable ASCII escaped (\uXXXX). */
export function excerpt(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[^\x20-\x7e…]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Reads an evidence file back, every line checked against the evidence schema (schema.ts). A line that is
 * not JSON, not an event, or whose seq repeats or goes back is reported in `bad` and skipped; seq numbers
 * that jump are reported in `gaps`; every good line is kept. A file with NUL bytes, or whose lines are not
 * UTF-8 text (the last line aside, which a crash may have cut inside a character), throws
 * EvidenceReadError: it is not an evidence log, and none of it is echoed.
 */
export function readEvidence(path: string): ReadLog {
  return parseEvidence(readFileSync(path));
}

/** `readEvidence` of a file's bytes already read (a caller that needs the bytes too reads the file once). */
export function parseEvidence(data: Buffer): ReadLog {
  const nul = data.indexOf(0);
  if (nul >= 0) throw new EvidenceReadError(`not an evidence log: binary data (a NUL byte at byte ${nul})`);
  const raw: Buffer[] = [];
  for (let start = 0; start <= data.length; ) {
    const end = data.indexOf(0x0a, start);
    raw.push(data.subarray(start, end < 0 ? data.length : end));
    if (end < 0) break;
    start = end + 1;
  }
  const lastText = raw.findLastIndex((b) => b.length > 0);
  const notText = raw.findIndex((b, i) => i !== lastText && !isUtf8(b));
  if (notText >= 0) {
    throw new EvidenceReadError(`not an evidence log: line ${notText + 1} is not UTF-8 text`);
  }
  const events: Evidence[] = [];
  const bad: BadLine[] = [];
  const gaps: SeqGap[] = [];
  const seenAt = new Map<number, number>();
  let last = 0;
  let lines = 0;
  for (const [i, bytes] of raw.entries()) {
    const text = bytes.toString("utf8");
    if (!text.trim()) continue;
    lines++;
    const line = i + 1;
    const why = whyNotLine(text, seenAt, last);
    if (typeof why === "string") {
      bad.push({ line, text: excerpt(text), why });
      continue;
    }
    if (why.seq > last + 1) gaps.push({ line, after: last, seq: why.seq });
    seenAt.set(why.seq, line);
    last = why.seq;
    events.push(why);
  }
  return { events, bad, gaps, lines };
}

/** The event on a line, or why the line is skipped (`seenAt`: the line of each seq so far; `last`: the last seq). */
function whyNotLine(text: string, seenAt: Map<number, number>, last: number): Evidence | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const why = whyNotEvent(value);
  if (why) return why;
  const e = value as Evidence;
  const earlier = seenAt.get(e.seq);
  if (earlier !== undefined) return `seq ${e.seq} again (line ${earlier} has it)`;
  if (e.seq < last) return `seq ${e.seq} after seq ${last}: out of order`;
  return e;
}

/**
 * The warnings a command prints about a log read back: one line per skipped line or gap, at most `max`,
 * then how many more; every excerpt short and escaped.
 */
export function evidenceWarnings(path: string, log: ReadLog, max = 10): string[] {
  const all = [
    ...log.bad.map((b) => ({ line: b.line, text: `${path}:${b.line}: ${b.why}, skipped: ${b.text}` })),
    ...log.gaps.map((g) => ({
      line: g.line,
      text: `${path}:${g.line}: seq ${g.seq} after seq ${g.after}: ${g.seq - g.after - 1} event(s) missing`,
    })),
  ].sort((a, b) => a.line - b.line);
  const out = all.slice(0, max).map((w) => `warning: ${w.text}`);
  if (all.length > max) out.push(`warning: ${path}: ${all.length - max} more problem(s) not shown`);
  if (log.bad.length > 0) out.push(`warning: ${path}: ${log.bad.length} of ${log.lines} line(s) skipped`);
  return out;
}

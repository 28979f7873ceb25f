/**
 * The run's secrets and the one place that scrubs them out of anything the tool shows: log lines (src/log.ts
 * passes every line through `redactText` and every logged object through `redactFields`), console answers,
 * error messages and evidence (src/evidence/json-safe.ts).
 *
 * A secret is registered once, where it enters the process (`addSecret`): the network key where the host
 * loads or makes it, an install code, the same code without its CRC and the link key derived from it where a
 * device is put in the Device Log or an emulated device is made. From then on any string is scrubbed of it in
 * every form it could be printed in:
 *
 * - hex, upper or lower case, contiguous (`b63c17…`), byte by byte with separators (`b6:3c:17`, `B6 3C 17`,
 *   `0xb6, 0x3c, 0x17`), at any offset within a longer hex run (a whole MT frame dumped as hex);
 * - a byte array in decimal (`[182,60,23,…]`, which is how JSON shows a Buffer).
 *
 * Only the secret's own characters are replaced (by `[redacted]`); the text around it stays readable.
 * Fields named like key material (`networkKey`, `installCode`, `linkKey`, `key`, …) are redacted by name
 * whatever they hold.
 */

/** What replaces a secret or a field named like one. */
export const REDACTED = "[redacted]";

/** Names of fields that could hold key material (network key, install codes, link keys, passwords). */
export const SECRET_NAME = /key|install|secret|password|token/i;

/** The shortest secret: a 6-byte install code without its CRC. Shorter runs are never checked. */
const MIN_BYTES = 6;

/** Registered secrets as lower-case hex, by their first 6 bytes (12 hex digits). */
const byPrefix = new Map<string, string[]>();
const known = new Set<string>();
/** Whether some secret starts with these 2 bytes (4 hex digits): the cheap first test at every offset. */
const start16 = new Uint8Array(65_536);
/** Hex digits of the longest secret. */
let longest = 0;

function toBytes(value: Uint8Array | string): Buffer {
  if (typeof value !== "string") return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const hex = value.replace(/^0x/i, "").replace(/[\s:\-_.,]/g, "");
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new TypeError("addSecret: a string secret must be hex");
  return Buffer.from(hex, "hex");
}

/**
 * Registers secrets (bytes, or hex text with or without separators); from now on they are scrubbed from every
 * log line, console answer and evidence event. Values shorter than 6 bytes are refused (they would match by
 * chance); registering a value twice does nothing.
 */
export function addSecret(...values: (Uint8Array | string)[]): void {
  for (const value of values) {
    const bytes = toBytes(value);
    if (bytes.length < MIN_BYTES) throw new RangeError(`addSecret: a secret has at least ${MIN_BYTES} bytes`);
    const hex = bytes.toString("hex");
    if (known.has(hex)) continue;
    known.add(hex);
    start16[bytes.readUInt16BE(0)] = 1;
    longest = Math.max(longest, hex.length);
    const prefix = hex.slice(0, MIN_BYTES * 2);
    const list = byPrefix.get(prefix) ?? [];
    // longest first: a code with its CRC is found before the same code without it
    list.push(hex);
    list.sort((a, b) => b.length - a.length);
    byPrefix.set(prefix, list);
  }
}

/** How many secrets are registered. */
export function secretCount(): number {
  return known.size;
}

interface Span {
  from: number;
  to: number;
}

/** Nibbles of the run being looked at, and where each was in the text (reused, grown when needed). */
let nibbles = new Uint8Array(256);
let positions = new Int32Array(256);

/**
 * Looks for secrets in the first `count` nibbles: at every offset (or every even one, for a run of whole
 * bytes), a table lookup of the next 4 nibbles, and only where a secret starts so the hex is compared.
 */
function findIn(count: number, step: 1 | 2, found: (at: number, length: number) => void): void {
  const nib = nibbles;
  for (let i = 0; i + MIN_BYTES * 2 <= count; i += step) {
    if (start16[(nib[i]! << 12) | (nib[i + 1]! << 8) | (nib[i + 2]! << 4) | nib[i + 3]!] === 0) continue;
    let hex = "";
    for (let k = i; k < count && k < i + longest; k++) hex += nib[k]!.toString(16);
    const s = byPrefix.get(hex.slice(0, MIN_BYTES * 2))?.find((c) => hex.startsWith(c));
    if (s) found(i, s.length);
  }
}

function push(count: number, nibble: number, at: number): void {
  if (count === nibbles.length) {
    const n = new Uint8Array(count * 2);
    n.set(nibbles);
    nibbles = n;
    const p = new Int32Array(count * 2);
    p.set(positions);
    positions = p;
  }
  nibbles[count] = nibble;
  positions[count] = at;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
/** Between the bytes or groups of a written-out key: space, `:`, `,`, `-`, `_`, `.`, quotes. */
const isSep = (c: number) =>
  c === 0x20 ||
  c === 0x3a ||
  c === 0x2c ||
  c === 0x2d ||
  c === 0x5f ||
  c === 0x2e ||
  c === 0x22 ||
  c === 0x27 ||
  c === 0x09;
const isX = (c: number) => c === 0x78 || c === 0x58;

/** Looks for secrets in the hex digits of `text[from, to)` (without `0x` prefixes and separators). */
function hexRun(text: string, from: number, to: number, out: Span[]): void {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // an x is only ever that of a `0x` prefix: drop it and its 0
    if (isX(c)) count--;
    else if (isDigit(c)) push(count++, c - 0x30, i);
    else if (c >= 0x61 && c <= 0x66) push(count++, c - 0x57, i);
    else if (c >= 0x41 && c <= 0x46) push(count++, c - 0x37, i);
  }
  findIn(count, 1, (i, n) => {
    const from = positions[i]!;
    // a secret written `0x…` goes with its prefix
    const prefixed = from >= 2 && text.charCodeAt(from - 2) === 0x30 && isX(text.charCodeAt(from - 1));
    out.push({ from: prefixed ? from - 2 : from, to: positions[i + n - 1]! + 1 });
  });
}

/** Looks for secrets in `text[from, to)` read as decimal bytes separated by commas (`182, 60, 23`). */
function decimalRun(text: string, from: number, to: number, out: Span[]): void {
  let count = 0;
  const ends: number[] = [];
  const flush = () => {
    if (count >= MIN_BYTES * 2) {
      const starts = positions.slice(0, count);
      const last = ends;
      findIn(count, 2, (i, n) => out.push({ from: starts[i]!, to: last[(i + n) / 2 - 1]! }));
    }
    count = 0;
    ends.length = 0;
  };
  for (let i = from; i < to; ) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    let v = 0;
    while (j < to && isDigit(text.charCodeAt(j))) v = v * 10 + text.charCodeAt(j++) - 0x30;
    if (v > 255) flush();
    else {
      push(count++, v >> 4, i);
      push(count++, v & 15, i);
      ends.push(j);
    }
    i = j;
  }
  flush();
}

/**
 * Finds every run of hex digits (groups with optional `0x`, joined by up to 4 separators) long enough to hold a
 * secret, and every comma-separated run of at least 6 decimal numbers, and looks for secrets in them.
 */
function scan(text: string, out: Span[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isHex(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let j = i;
    let digits = 0;
    let groups = 0;
    let decimal = true;
    let end = i;
    for (;;) {
      if (text.charCodeAt(j) === 0x30 && isX(text.charCodeAt(j + 1)) && isHex(text.charCodeAt(j + 2))) {
        j += 2;
        decimal = false;
      }
      const g = j;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (!isHex(c)) break;
        if (!isDigit(c)) decimal = false;
        j++;
      }
      if (j - g > 3) decimal = false;
      digits += j - g;
      groups++;
      end = j;
      let k = j;
      let commas = 0;
      while (k < n && k - j < 4 && isSep(text.charCodeAt(k))) {
        const c = text.charCodeAt(k);
        if (c === 0x2c) commas++;
        else if (c !== 0x20) decimal = false;
        k++;
      }
      if (k === j || k >= n || !isHex(text.charCodeAt(k))) break;
      if (commas !== 1) decimal = false;
      j = k;
    }
    if (digits >= MIN_BYTES * 2) hexRun(text, start, end, out);
    if (decimal && groups >= MIN_BYTES) decimalRun(text, start, end, out);
    i = end;
  }
}

/** Text shorter than this never holds a secret in any form: `redactText` returns it as it is. */
export const SHORTEST_SECRET_TEXT = MIN_BYTES * 2;

/** `text` with every registered secret, in any of the forms above, replaced by `[redacted]`. */
export function redactText(text: string): string {
  if (known.size === 0 || text.length < SHORTEST_SECRET_TEXT) return text;
  const spans: Span[] = [];
  scan(text, spans);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.from - b.from || b.to - a.to);
  let out = "";
  let pos = 0;
  for (const s of spans) {
    if (s.to <= pos) continue;
    out += text.slice(pos, Math.max(pos, s.from)) + (s.from >= pos ? REDACTED : "");
    pos = s.to;
  }
  return out + text.slice(pos);
}

/**
 * A copy of `value` for a log line: fields named like key material become `[redacted]`, bytes become hex (so
 * that `redactText` sees them as any other hex), at any depth. Errors are kept as they are (the logger
 * serialises them; their text is scrubbed with the whole line).
 */
export function redactFields(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || value instanceof Error || depth > 8) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_NAME.test(k) ? REDACTED : redactFields(v, depth + 1);
  return out;
}

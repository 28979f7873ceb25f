/** What may go into an evidence line: JSON-safe values, no registered secret, nothing named like key material. */
import { redactText, SECRET_NAME, SHORTEST_SECRET_TEXT, secretCount } from "../redact.js";

/**
 * A copy of `value` without any field named like key material, at any depth: the one rule by which the
 * reports keep keys out even when a producer slipped one into the run event's hub parameters.
 */
export function withoutKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!SECRET_NAME.test(k)) out[k] = withoutKeys(v);
    return out;
  }
  return value;
}

/** Strings up to this length are remembered once scrubbed. */
const SHORT = 64;
/** Scrubbed strings remembered at most (the memory is emptied when it is full). */
const REMEMBERED_MAX = 4096;
/** Short strings already scrubbed, and the number of secrets they were scrubbed of. */
const scrubbed = new Map<string, string>();
let scrubbedFor = -1;

/**
 * `redactText(text)`. The short strings of evidence repeat (EUI-64s, roles, cluster, command and item names,
 * period starts, the bytes of a device's polls), so their answers are remembered until a secret is added:
 * a string scrubbed before a secret was registered is scrubbed again after.
 */
function scrub(text: string): string {
  // what redactText returns unchanged without looking (roles, kinds, short names): not remembered either
  if (text.length < SHORTEST_SECRET_TEXT) return text;
  if (text.length > SHORT) return redactText(text);
  const secrets = secretCount();
  if (secrets !== scrubbedFor) {
    scrubbed.clear();
    scrubbedFor = secrets;
  }
  let out = scrubbed.get(text);
  if (out === undefined) {
    out = redactText(text);
    if (scrubbed.size >= REMEMBERED_MAX) scrubbed.clear();
    scrubbed.set(text, out);
  }
  return out;
}

/**
 * Converts bigints and Buffers so that any decoded value can go into a JSON line, and scrubs the run's
 * registered secrets (src/redact.ts) from every string and byte field.
 */
export function jsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case "string":
      return scrub(value);
    case "boolean":
    case "undefined":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return value;
  }
  if (value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = jsonSafe(value[i]);
    return out;
  }
  if (value instanceof Uint8Array) {
    return scrub(
      (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString("hex"),
    );
  }
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = jsonSafe((value as Record<string, unknown>)[k]);
  return out;
}

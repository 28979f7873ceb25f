/**
 * Builds an evidence event from its body as `{ seq, t, wall, ...body }` with every body value made JSON-safe,
 * in a compact form: one object literal per list of body keys, so that every field is stored inside the
 * object. A spread keeps only the first fields inside the object and the rest in a second, separate array
 * (~25 bytes more per event; a 16-device run holds ~200,000 events). The keys, their order and the values are
 * those of the spread.
 */
import type { Evidence, EvidenceBody } from "./events.js";
import { jsonSafe } from "./json-safe.js";

type Build = (
  seq: number,
  t: string,
  wall: string,
  body: Record<string, unknown>,
  safe: (v: unknown) => unknown,
) => Evidence;

interface Shape {
  keys: string[];
  build: Build;
}

/** Key lists kept per kind: more (a producer whose keys vary without end) use the spread. */
const SHAPES_PER_KIND = 16;
/** Bodies with more keys use the spread. */
const MAX_KEYS = 64;

const shapes = new Map<string, Shape[]>();

/** Whether the body's own enumerable keys are `keys`, in that order. */
function hasKeys(body: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in body) {
    if (keys[i] !== k) return false;
    i++;
  }
  return i === keys.length;
}

function spread(seq: number, t: string, wall: string, body: EvidenceBody): Evidence {
  const event = { seq, t, wall, ...body } as Evidence;
  const fields = event as unknown as Record<string, unknown>;
  for (const k in body) fields[k] = jsonSafe(fields[k]);
  return event;
}

function shapeOf(body: EvidenceBody): Shape | undefined {
  const keys = Object.keys(body);
  let own = 0;
  for (const _ in body) own++;
  // inherited enumerable keys, or a key an object literal would read as its prototype: the spread's case
  if (own !== keys.length || keys.length > MAX_KEYS || keys.includes("__proto__")) return undefined;
  const fields = keys.map((k) => `${JSON.stringify(k)}: safe(body[${JSON.stringify(k)}])`);
  // the body's values are read and made JSON-safe in key order, as the spread and its loop do
  const build = new Function("seq", "t", "wall", "body", "safe", `return { seq, t, wall, ${fields.join(", ")} };`);
  return { keys, build: build as Build };
}

/** `{ seq, t, wall, ...body }`, each body value passed through jsonSafe (nested objects are copies). */
export function eventOf(seq: number, t: string, wall: string, body: EvidenceBody): Evidence {
  const kind = body.kind;
  let list = shapes.get(kind);
  if (list) {
    for (const s of list) {
      if (hasKeys(body, s.keys)) return s.build(seq, t, wall, body as unknown as Record<string, unknown>, jsonSafe);
    }
  } else {
    list = [];
    shapes.set(kind, list);
  }
  if (list.length >= SHAPES_PER_KIND) return spread(seq, t, wall, body);
  const shape = shapeOf(body);
  if (!shape) return spread(seq, t, wall, body);
  list.push(shape);
  return shape.build(seq, t, wall, body as unknown as Record<string, unknown>, jsonSafe);
}

/**
 * Edits of recorded evidence (test/support/recorded-run.ts) for the verdicts a clean run cannot give: a
 * probe that got no answer, a bench error, a run cut short. Each edit changes the events it is given and
 * keeps the log well formed (seq numbers 1, 2, … in order).
 */
import type { Evidence, EvidenceBody, ProbeEvent } from "../../src/evidence/events.js";

type Probe = Evidence & ProbeEvent;

function ieeeOf(events: Evidence[], label: string): string {
  const run = events.find((e) => e.kind === "run");
  const d = run?.kind === "run" ? [...run.duts, ...(run.admitted ?? [])].find((x) => x.label === label) : undefined;
  if (!d) throw new Error(`no device ${label} in the run`);
  return d.ieee;
}

/** The span of a phase: the indexes of its start and end events. */
function phaseSpan(events: Evidence[], name: string): [number, number] {
  const start = events.findIndex((e) => e.kind === "phase" && e.name === name && e.state === "start");
  const end = events.findIndex((e) => e.kind === "phase" && e.name === name && e.state === "end");
  if (start < 0 || end < 0) throw new Error(`no phase ${name}`);
  return [start, end];
}

/**
 * The probes of a device (by label) whose purpose matches (within `phase`, if given) get no answer: `ok` false
 * with `error`.
 */
export function failProbes(
  events: Evidence[],
  opts: { label: string; purpose: RegExp; error: string; method?: ProbeEvent["method"]; phase?: string },
): void {
  const ieee = ieeeOf(events, opts.label);
  const [from, to] = opts.phase === undefined ? [0, events.length] : phaseSpan(events, opts.phase);
  for (const e of events.slice(from, to)) {
    if (e.kind !== "probe" || e.device !== ieee || !opts.purpose.test(e.purpose)) continue;
    const p = e as Probe;
    p.ok = false;
    p.error = opts.error;
    delete p.holdings;
    if (opts.method) p.method = opts.method;
  }
}

/** The device is probed by an operator, and no terminal was there to ask one. */
export function withoutOperator(events: Evidence[], label: string): void {
  const run = events.find((e) => e.kind === "run");
  if (run?.kind !== "run") throw new Error("no run event");
  for (const d of run.duts) if (d.label === label) d.probe = "operator";
  failProbes(events, {
    label,
    purpose: /./,
    error: "no terminal for the operator prompt",
    method: "operator",
  });
}

/** The run ends with phase `name` (a run cut short). */
export function cutAfterPhase(events: Evidence[], name: string): void {
  const end = events.findIndex((e) => e.kind === "phase" && e.name === name && e.state === "end");
  if (end < 0) throw new Error(`no end of phase ${name}`);
  events.splice(end + 1);
}

/**
 * A bench error at the start of phase `phase` (of one device, by label, or of the bench), after which that
 * phase's probes got no answer (of that device, or of every device).
 */
export function benchError(events: Evidence[], opts: { phase: string; message: string; label?: string }): void {
  const [start, end] = phaseSpan(events, opts.phase);
  const device = opts.label === undefined ? undefined : ieeeOf(events, opts.label);
  for (const e of events.slice(start, end)) {
    if (e.kind !== "probe" || (device !== undefined && e.device !== device)) continue;
    const p = e as Probe;
    p.ok = false;
    p.error = "aborted after a bench error";
    delete p.holdings;
  }
  const at = events[start]!;
  insert(events, start + 1, at, {
    kind: "error",
    source: "runner",
    message: opts.message,
    ...(device !== undefined ? { device } : {}),
  });
}

/** Inserts an event at `index` with the times of `like`, renumbering the events after it. */
export function insert(events: Evidence[], index: number, like: Evidence, body: EvidenceBody): Evidence {
  const e = { seq: 0, t: like.t, wall: like.wall, ...body } as Evidence;
  events.splice(index, 0, e);
  events.forEach((x, i) => {
    x.seq = i + 1;
  });
  return e;
}

/** The DUT labelled `from` is labelled `to` (the same device by name in another run, e.g. after a firmware update). */
export function relabel(events: Evidence[], from: string, to: string): void {
  const run = events.find((e) => e.kind === "run");
  const d = run?.kind === "run" ? run.duts.find((x) => x.label === from) : undefined;
  if (!d) throw new Error(`no device ${from} under test`);
  d.label = to;
}

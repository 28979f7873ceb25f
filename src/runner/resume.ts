/**
 * `hanbench run --resume EVIDENCE`: a bench run continues after its process ended (the bench PC restarted,
 * SIGTERM, a power cut). This module reads what the interrupted run's evidence says of where it stopped, and
 * brings a new hub back to the state that evidence records:
 *
 * - the log: every line kept (a line cut by a power failure is dropped: `cutTornLine`), seq going on from the
 *   last; a run that finished, a virtual run, or a log that is not a whole run's evidence is refused;
 * - the plan: the phases that ended stay done, the first phase with a start and no end is redone from its
 *   start (the cases read its last attempt: cluster-cot view.ts), then the phases not yet walked;
 * - the hub: each meter's CoTs and resets as the cot / cot-reset events record them (T, control, issuer
 *   event ids), the supplier messages published (its active one), the DUTs in its Device Log and the Type 1
 *   devices whose link keys the coordinator holds, all without new cot events (the cases count CoTs by
 *   their events); the windows learned per DUT and the newest CoT for the steps that read them. The network
 *   comes back from the state directory as on any bench restart.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { phasesOf } from "../cluster-cot/provenance.js";
import type { PhaseRecord } from "../cluster-cot/results.js";
import type { CotRecord, Tenancy } from "../cluster-cot/tenancy.js";
import type { Evidence, RunEvent, ServedEvent, WindowEvent } from "../evidence/events.js";
import type { Ev } from "../evidence/log-index.js";
import { EvidenceReadError, parseEvidence, type ReadLog } from "../evidence/read.js";
import type { Hub } from "../hub/hub.js";
import type { EndpointRole } from "../hub/types.js";
import { ClusterId } from "../zcl/index.js";

/** The evidence cannot be resumed: why, and what to do instead. */
export class ResumeError extends Error {
  override name = "ResumeError";
}

export interface ResumePoint {
  path: string;
  run: Evidence & RunEvent;
  /** The events kept, in seq order. */
  events: Evidence[];
  /** How the earlier process ended. */
  reason: string;
  /** The first phase with a start and no end: redone from its start. */
  redo?: string;
  /** Phases whose last attempt ended: not walked again. */
  ended: ReadonlySet<string>;
  /** Phases that could not run (a note says so): the phases that build on them do not run either. */
  cannotRun: ReadonlySet<string>;
  /** A line a power failure cut: dropped from the file by `cutTornLine`. */
  dropped?: { line: number; bytes: number };
  /** Bytes of the file to keep, and whether its last kept line lacks its newline. */
  keepBytes: number;
  addNewline: boolean;
}

/**
 * The note the run loop writes when phase `name` could not run (`ended early`: it stopped on PhaseCannotRun;
 * `not run`: it builds on one that could not). A resumed run reads these notes back (`cannotRun`).
 */
export function cannotRunNote(name: string, how: "ended early" | "not run", why: string): string {
  return `phase ${name} ${how}: ${why}`;
}

/** A `cannotRunNote`: the phase's name. */
const CANNOT_RUN = /^phase (\S+) (?:ended early|not run):/;

/**
 * Reads an interrupted bench run's evidence. Throws ResumeError for a file that cannot be read, is not a run's
 * evidence, has lines that are not events anywhere but at its very end, is a virtual run's or a serve session's,
 * or whose run finished.
 */
export function readResumePoint(path: string): ResumePoint {
  let data: Buffer;
  let log: ReadLog;
  try {
    data = readFileSync(path);
    log = parseEvidence(data);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = err instanceof EvidenceReadError ? err.message : (code ?? (err as Error).message);
    throw new ResumeError(`cannot be read (${why}): give the evidence.jsonl of the interrupted bench run`);
  }
  const lastNl = data.lastIndexOf(0x0a);
  const tail = data.subarray(lastNl + 1);
  let dropped: ResumePoint["dropped"];
  let keepBytes = data.length;
  let addNewline = false;
  const bad = [...log.bad];
  if (tail.length > 0) {
    // the file does not end with a newline: a power failure cut its last line, or cut just before the newline
    let lastLine = 1; // the tail's line number: one more than the newlines before it
    for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) lastLine++;
    const torn = bad.findIndex((b) => b.line === lastLine);
    if (torn >= 0) {
      bad.splice(torn, 1);
      dropped = { line: lastLine, bytes: tail.length };
      keepBytes = lastNl + 1;
    } else addNewline = true;
  }
  if (bad.length > 0) {
    const b = bad[0]!;
    throw new ResumeError(
      `cannot be read: line ${b.line} ${b.why}; only a cut last line is dropped on resume (check the file, or start a new run)`,
    );
  }
  if (log.gaps.length > 0) {
    const g = log.gaps[0]!;
    throw new ResumeError(
      `cannot be read: seq ${g.seq} after seq ${g.after} at line ${g.line}, events are missing (check the file, or start a new run)`,
    );
  }
  const events = log.events;
  // a bench's host starts (and notes it) before the run event
  const run = events.find((e): e is Ev<"run"> => e.kind === "run");
  if (!run)
    throw new ResumeError(
      "is not a run's evidence (it has no run event: a run that stopped before it began has nothing to resume); start a new run",
    );
  if (run.session === "serve")
    throw new ResumeError("is a hanbench serve session's evidence: only a bench run resumes");
  if (run.mode !== "bench") {
    throw new ResumeError(
      "is a virtual run's evidence: only a bench run resumes (a virtual run takes minutes; run it again)",
    );
  }
  const outcome = events.find((e): e is Ev<"outcome"> => e.kind === "outcome");
  if (outcome) {
    throw new ResumeError(
      `is of a run that finished: ${outcome.outcome} (render it with 'hanbench report', or start a new run)`,
    );
  }
  const lastResume = events.findLast((e) => e.kind === "resume")?.seq ?? 0;
  const end = events.findLast((e): e is Ev<"end"> => e.kind === "end");
  const endNow = end && end.seq > lastResume ? end : undefined;
  if (endNow && !endNow.aborted) {
    throw new ResumeError(
      "is of a run that finished (its end event is there): render it with 'hanbench report', or start a new run",
    );
  }
  const reason = endNow
    ? `the run stopped: ${endNow.aborted}`
    : `the log ends at seq ${events.at(-1)!.seq} without an end event (the process ended without closing it)`;
  // each phase's last attempt, the phases in the order they first started
  const lastAttempt = new Map<string, PhaseRecord>();
  for (const p of phasesOf(events)) lastAttempt.set(p.name, p);
  const attempts = [...lastAttempt.values()];
  const ended = new Set(attempts.filter((p) => p.end !== undefined).map((p) => p.name));
  const redo = attempts.find((p) => p.end === undefined)?.name;
  const cannotRun = new Set<string>();
  for (const e of events) {
    if (e.kind !== "note") continue;
    const m = CANNOT_RUN.exec(e.message);
    if (m) cannotRun.add(m[1]!);
  }
  return {
    path,
    run,
    events,
    reason,
    ...(redo ? { redo } : {}),
    ended,
    cannotRun,
    ...(dropped ? { dropped } : {}),
    keepBytes,
    addNewline,
  };
}

/**
 * Makes the file end with the last whole line before it is appended to: a torn last line is cut off, a last
 * line that lost only its newline gets it back. Call once every check has passed.
 */
export function cutTornLine(point: ResumePoint): void {
  if (!point.dropped && !point.addNewline) return;
  const fd = openSync(point.path, "r+");
  try {
    if (point.dropped) ftruncateSync(fd, point.keepBytes);
    else writeSync(fd, "\n", point.keepBytes);
  } finally {
    closeSync(fd);
  }
}

/** The CoT of each meter as the hub recorded it (a cot event), in the form of the run's tenancy. */
function cotRecordOf(e: Ev<"cot">): CotRecord {
  return {
    meter: e.meter,
    providerId: e.providerId,
    issuerEventId: e.issuerEventId,
    tariffType: e.tariffType,
    implementationTime: Date.parse(e.implementationTime),
    control: e.control,
    recordedAt: Date.parse(e.recordedAt),
    push: e.pushed,
  };
}

/** What `restoreHub` put back, for the progress line. */
export interface Restored {
  cots: number;
  resets: number;
  messages: number;
}

/**
 * The hub's meters carry the CoTs the evidence records (each through the run's tenancy, so issuer event ids
 * go on above them, and straight into the hub's schedule: no new cot event), with each reset in its place;
 * the supplier messages published are published again without a push, the last one each meter's active
 * message. The hub has not started serving yet.
 */
export async function restoreHub(hub: Hub, tenancy: Tenancy, events: readonly Evidence[]): Promise<Restored> {
  const restored: Restored = { cots: 0, resets: 0, messages: 0 };
  const quiet = {
    recordCot: (r: CotRecord) => {
      const { push: _push, ...rec } = r;
      hub.cots.record(rec);
    },
    resetCot: (meter: EndpointRole) => hub.cots.reset(meter),
  };
  const messages = new Map<number, { text: string; roles: EndpointRole[]; publishedAt: number }>();
  let lastId: number | undefined;
  for (const e of events) {
    if (e.kind === "cot") {
      const r = cotRecordOf(e);
      // the recorded values as they are: a date-only meter's control 0, a provider-zero GPF's provider id 0
      await tenancy.record(
        { recordCot: () => quiet.recordCot(r) },
        {
          meter: r.meter,
          control: r.control,
          implementationTime: r.implementationTime,
          recordedAt: r.recordedAt,
          issuerEventId: r.issuerEventId,
          correction: true,
        },
      );
      restored.cots++;
    } else if (e.kind === "cot-reset") {
      tenancy.reset(quiet, e.meter);
      restored.resets++;
    } else if (e.kind === "served" && e.device === "*" && e.clusterId === ClusterId.messaging && e.role) {
      lastId = pushedMessage(messages, e, lastId);
    }
  }
  for (const [messageId, m] of [...messages].sort(([a], [b]) => a - b)) {
    hub.messages.publish({ messageId, now: m.publishedAt, text: m.text, roles: m.roles });
    restored.messages++;
  }
  return restored;
}

/** A DisplayMessage push (served to every device, one per meter, its id then its text): id, text, meters, time. */
function pushedMessage(
  into: Map<number, { text: string; roles: EndpointRole[]; publishedAt: number }>,
  e: Evidence & ServedEvent,
  lastId: number | undefined,
): number | undefined {
  const role = e.role as EndpointRole;
  if (e.item === "displayMessage.messageId" && typeof e.value === "number") {
    const m = into.get(e.value) ?? { text: "", roles: [], publishedAt: Date.parse(e.t) };
    if (!m.roles.includes(role)) m.roles.push(role);
    into.set(e.value, m);
    return e.value;
  }
  if (e.item === "displayMessage.message" && typeof e.value === "string" && lastId !== undefined) {
    into.get(lastId)!.text = e.value;
  }
  return lastId;
}

/** The newest CoTs of the run (those one step recorded, one per meter) and the seq before them. */
export function lastCotOf(events: readonly Evidence[]): { records: CotRecord[]; seq: number } | undefined {
  const cots = events.filter((e): e is Ev<"cot"> => e.kind === "cot");
  const last = cots.at(-1);
  if (!last) return undefined;
  let i = cots.length - 1;
  while (i > 0 && cots[i - 1]!.recordedAt === last.recordedAt && cots[i - 1]!.meter !== cots[i]!.meter) i--;
  const set = cots.slice(i);
  return { records: set.map(cotRecordOf), seq: set[0]!.seq };
}

/** The EUI-64s of the Type 1 devices whose link key the coordinator took (`ke` installed). */
export function keyedDevices(events: readonly Evidence[]): string[] {
  const out = new Set<string>();
  for (const e of events) if (e.kind === "ke" && e.step === "installed") out.add(e.device.toLowerCase());
  return [...out];
}

/**
 * The run's timing after the baseline learned each DUT's window (`--window auto`): the rest of the run is timed
 * by the longest of them, as the learn-window step set it (steps.ts `timingOfWindows`).
 */
export function learnedWindows(events: readonly Evidence[]): (Evidence & WindowEvent)[] {
  const last = new Map<string, Evidence & WindowEvent>();
  for (const e of events) if (e.kind === "window") last.set(e.device.toLowerCase(), e);
  return [...last.values()];
}

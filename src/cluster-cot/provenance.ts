/**
 * Provenance of a run's results (docs/reports.md): read from the evidence log alone (the run event, the CoTs,
 * the DUTs' Basic clusters, the end event), so that `hanbench report` says the same as the run did.
 */
import { formatDuration } from "../duration.js";
import type { DutDeclaration, Evidence, RequirementsMap } from "../evidence/events.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import type { CotPerformed, DutIdentity, EvidenceSeal, PhaseRecord, Provenance, ResumeRecord } from "./results.js";
import type { DutView, Run } from "./view.js";

/** Declared field → the Basic attribute it is compared with. */
const COMPARED = [
  ["firmware", "swBuildId"],
  ["manufacturer", "manufacturerName"],
  ["model", "modelId"],
  ["hardwareVersion", "hwVersion"],
  ["dateCode", "dateCode"],
] as const;

/** The DUT as declared and as its Basic cluster reported itself (its last successful interview). */
export function identityOf(view: DutView, dut: DutDeclaration): DutIdentity {
  const declared = Object.fromEntries(
    (["firmware", "manufacturer", "model", "hardwareVersion", "dateCode", "claims"] as const)
      .filter((k) => dut[k] !== undefined)
      .map((k) => [k, dut[k]]),
  ) as DutIdentity["declared"];
  const basic = view.basic().at(-1);
  if (!basic) return { declared, mismatches: [] };
  const { seq, kind: _kind, device: _device, t: _t, wall: _wall, ...fields } = basic;
  const read = { ...fields, seq };
  const mismatches: DutIdentity["mismatches"] = [];
  for (const [d, r] of COMPARED) {
    const want = declared[d];
    const got = read[r];
    if (want === undefined || got === undefined) continue;
    if (String(want).trim() !== String(got).trim())
      mismatches.push({ field: d, declared: String(want), read: String(got) });
  }
  return { declared, read, mismatches };
}

/** Every CoT the hub recorded; a CoT event without `meter` is on both meters (the v1 hub records it so). */
function cotsOf(events: readonly Evidence[]): CotPerformed[] {
  const out: CotPerformed[] = [];
  for (const e of events) {
    if (e.kind !== "cot") continue;
    const meter = (e as { meter?: unknown }).meter;
    out.push({
      seq: e.seq,
      t: e.t,
      wall: e.wall,
      implementationTime: e.implementationTime,
      control: e.control,
      meters: meter === "gpf" || meter === "esme" ? [meter] : ["gpf", "esme"],
      pushed: e.pushed,
      providerId: e.providerId,
      issuerEventId: e.issuerEventId,
    });
  }
  return out;
}

/** The phases of the log in the order they started (each attempt of one), each with its end and why it ended. */
export function phasesOf(events: readonly Evidence[]): PhaseRecord[] {
  const out: PhaseRecord[] = [];
  for (const e of events) {
    if (e.kind !== "phase") continue;
    if (e.state === "start") out.push({ name: e.name, start: e.t });
    else {
      const p = out.findLast((x) => x.name === e.name && x.end === undefined);
      if (!p) continue;
      p.end = e.t;
      if (e.ended) p.ended = e.ended;
    }
  }
  return out;
}

/** "resumed 2026-12-05T02:10:00.000Z (the run stopped: stopped (SIGTERM)), observe redone": for a report line. */
export function describeResumes(resumes: readonly ResumeRecord[]): string {
  return resumes.map((r) => `resumed ${r.wall} (${r.reason})${r.phase ? `, ${r.phase} redone` : ""}`).join("; ");
}

/**
 * "observe 1h30m (window elapsed), repeat 3h (complete)": the phases, their hub time and why each ended, for a
 * report line.
 */
export function describePhases(phases: readonly PhaseRecord[]): string {
  return phases
    .map((p) => {
      const span = p.end ? ` ${formatDuration(Date.parse(p.end) - Date.parse(p.start))}` : " (not finished)";
      const why = p.ended === "complete" ? " (complete)" : p.ended === "window" ? " (window elapsed)" : "";
      return `${p.name}${span}${why}`;
    })
    .join(", ");
}

export interface ProvenanceInputs {
  /** The evidence file and its SHA-256, when the log was read from (or written to) a file. */
  evidence?: { file?: string; sha256?: string; seal?: EvidenceSeal };
  /** The requirements map the results carry. */
  requirements?: RequirementsMap;
}

/** The hub variant the run was made under, as the hub parameters in the run event name it. */
function hubVariantOf(run: Run): string | undefined {
  const v = run.hub?.variant;
  return typeof v === "string" ? v : undefined;
}

/** Provenance from the evidence (events sorted by seq). */
export function provenanceOf(events: readonly Evidence[], run: Run, opts: ProvenanceInputs = {}): Provenance {
  const first = events[0] ?? run;
  const last = events.at(-1) ?? run;
  // the events of each kind from the log's index (the one the cases read), in log order: no scan of the log
  const index = EvidenceIndex.of(events);
  const end = index.all("end").at(-1);
  const phases = index.all("phase");
  const resumes: ResumeRecord[] = index.all("resume").map((e) => ({
    wall: e.wall,
    hubTime: e.t,
    reason: e.reason,
    ...(e.phase !== undefined ? { phase: e.phase } : {}),
  }));
  const requirements = opts.requirements ?? run.requirements;
  return {
    ...(run.reportId ? { reportId: run.reportId } : {}),
    wall: { start: first.wall, end: (end ?? last).wall },
    hubTime: { start: first.t, end: (end ?? last).t },
    ...(run.build ? { build: run.build } : {}),
    ...(run.herdsman ? { herdsman: run.herdsman } : {}),
    suite: {
      ...(run.suiteVersion ? { version: run.suiteVersion } : {}),
      baseline: run.baseline,
      ...(run.baselineFile ? { baselineFile: run.baselineFile } : {}),
      ...(run.selection ? { selection: run.selection } : {}),
    },
    ...(hubVariantOf(run) ? { hubVariant: hubVariantOf(run) } : {}),
    ...(run.endpointLayout ? { endpointLayout: run.endpointLayout } : {}),
    ...(run.coordinator ? { coordinator: run.coordinator } : {}),
    ...(run.lab ? { lab: run.lab } : {}),
    cots: cotsOf(index.all("cot")),
    ...(phases.length ? { phases: phasesOf(phases) } : {}),
    deviations: run.deviations ?? [],
    limitations: run.limitations ?? [],
    ...(requirements
      ? {
          requirements: {
            ...(requirements.file ? { file: requirements.file } : {}),
            ...(requirements.name ? { name: requirements.name } : {}),
          },
        }
      : {}),
    ...(end?.aborted ? { aborted: end.aborted } : {}),
    ...(resumes.length ? { resumed: resumes } : {}),
    evidence: { ...opts.evidence, events: events.length },
  };
}

/**
 * The results of a run, as every report renders them (JSON is this structure; JUnit and HTML are views
 * of it). Case ids, titles and verdict names are the public contract of cot-suite.md.
 */
import type {
  BasicEvent,
  BuildInfo,
  CoordinatorInfo,
  DutDeclaration,
  EndpointRole,
  LabInfo,
  RequirementEntry,
} from "../evidence/events.js";

import type { DutSecurity } from "./security.js";

export type { DutSecurity };

export const VERDICTS = ["pass", "fail", "inconclusive", "error", "not_applicable", "info"] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * What a case rests on (cot-suite.md "Basis of each case"): `gb` a GB requirement as far as public text shows
 * it, `interpretation` hanbench's reading where the public text is silent, `zse` ZigBee SE 1.4 generic
 * behaviour, `policy` a hanbench test policy (such as the detection window).
 */
export const BASES = ["gb", "interpretation", "zse", "policy"] as const;
export type Basis = (typeof BASES)[number];

export interface CaseResult {
  /** `COT-01` … `COT-12`. */
  id: string;
  title: string;
  /** One or two bases, as the suite contract gives them (`["gb", "policy"]`). */
  basis: Basis[];
  verdict: Verdict;
  /** One line naming the frames or values the verdict rests on. */
  reason: string;
  /** Hub time (ISO) of the first and last evidence the case looked at. */
  startedAt: string;
  finishedAt: string;
  /** Wall-clock ms between the first and the last evidence the case looked at (0 for a single event). */
  durationMs: number;
  /** `seq` numbers of the evidence events behind the verdict. */
  evidence: number[];
  /** The lab's clauses for this case (requirements map), when one was given. */
  clauses?: RequirementEntry["clauses"];
  /** The lab's decision on an `interpretation` case (requirements map). */
  interpretation?: RequirementEntry["interpretation"];
  /** For a failing case: what the DUT held in the probes the verdict rests on, by occupier and period. */
  held?: HeldSnapshot[];
}

/** One probe of a DUT, its holdings told apart by occupier (previous / new) around a CoT. */
export interface HeldSnapshot {
  /** The probe event. */
  probe: number;
  purpose: string;
  method: string;
  /** Hub time of the probe. */
  t: string;
  /**
   * The CoT set the occupiers are told apart by (the last one recorded before the probe), if any: its first
   * event and each meter's T (ISO).
   */
  cot?: { seq: number; ts: Partial<Record<EndpointRole, string>> };
  items: HeldItem[];
}

export interface HeldItem {
  category: string;
  /** `previous`: the previous occupier's (before its meter's T); `new`: the new occupier's; else neither. */
  occupier: "previous" | "new" | "unattributed";
  /**
   * The attribution's side (cluster-cot/attribution.ts): previous, new, straddling (a period across T),
   * pending (an aggregate not yet due), unjudged (meter state), untraced.
   */
  side: string;
  /** A previous occupier's message: held across T (true), fetched again after it (false), unknown (absent). */
  heldAcross?: boolean;
  role?: EndpointRole;
  item?: string;
  /** Start of the period the value belongs to (ISO). */
  period?: string;
  value?: unknown;
  messageId?: number;
  /** A message's text, in full. */
  text?: string;
  /** The served events it matched. */
  served: number[];
}

/** A DUT as declared (DUT file, or implied for an emulated device) and as its Basic cluster reported itself. */
export interface DutIdentity {
  declared: Pick<DutDeclaration, "firmware" | "manufacturer" | "model" | "hardwareVersion" | "dateCode" | "claims">;
  /**
   * What herdsman's interview read of its Basic cluster, with the evidence event's seq (absent: no successful
   * interview in the evidence).
   */
  read?: Omit<BasicEvent, "kind" | "device"> & { seq: number };
  /** Declared and read values that disagree: each is a warning in every report. */
  mismatches: { field: string; declared: string; read: string }[];
}

export interface DutResult {
  /** `ihd:keeps-history`, or the label of a DUT file. */
  label: string;
  kind: "ihd" | "ppmid";
  ieee: string;
  profile?: string;
  dutFile?: string;
  identity: DutIdentity;
  /** Device type, key establishment (suite, outcome) and the SE frames it sent without APS security. */
  security?: DutSecurity;
  /** The detection window learned for it in the baseline (`--window auto`) and why; absent: the run's window. */
  window?: { ms: number; reason: string; seq: number };
  results: CaseResult[];
}

/** A CoT the hub performed in the run. */
export interface CotPerformed {
  seq: number;
  /** Hub time it was recorded, and the wall clock then. */
  t: string;
  wall: string;
  /** T: when it takes effect. */
  implementationTime: string;
  /** ProposedTenancyChangeControl (PTCC). */
  control: number;
  /** The meters that carry it. */
  meters: EndpointRole[];
  pushed: boolean;
  providerId: number;
  issuerEventId: number;
}

/** A run's selection of cases (`--cases`, selection.ts), as the run event records it. */
export interface CaseSelection {
  /** What was asked (`gb`, `COT-03,COT-05`). */
  asked: string;
  /** The selected case ids, in suite order. */
  cases: string[];
  /** The suite's cases that were not selected, in suite order. */
  notSelected: string[];
  /** The plan's phases the run walks, in order, and those it skips. */
  phases: string[];
  skippedPhases: string[];
}

export type EvidenceSeal = "matches" | "differs" | "none";

/** A phase the run walked, from its start and end events. */
export interface PhaseRecord {
  name: string;
  /** Hub time (ISO) of its start and end events. */
  start: string;
  end?: string;
  ended?: "complete" | "window";
}

/** A resume of the run (a `resume` event). */
export interface ResumeRecord {
  wall: string;
  hubTime: string;
  reason: string;
  /** The phase redone from its start. */
  phase?: string;
}

/** Where the verdicts come from: who ran what, with what, when and on which evidence. */
export interface Provenance {
  reportId?: string;
  /** Wall clock (ISO, UTC) of the first and last events of the run. */
  wall: { start: string; end: string };
  /** Hub time (ISO, UTC) of the same: a virtual run steps it, on the bench it is the wall clock. */
  hubTime: { start: string; end: string };
  build?: BuildInfo;
  herdsman?: string;
  suite: {
    version?: string;
    baseline: Record<string, string>;
    baselineFile?: string;
    /** The cases selected with `--cases` and the phases skipped for them; absent: every case was run. */
    selection?: CaseSelection;
  };
  hubVariant?: string;
  endpointLayout?: string;
  coordinator?: CoordinatorInfo;
  lab?: LabInfo;
  cots: CotPerformed[];
  deviations: string[];
  limitations: string[];
  /** The lab's requirements map the results carry (its file and name). */
  requirements?: { file?: string; name?: string };
  /**
   * The phases the run walked, with their hub time, and why each ended: `complete` (its waits ended as soon as
   * the evidence its cases need was there) or `window` (a wait ran its whole length); absent when the log does
   * not say (older logs, a phase cut short).
   */
  phases?: PhaseRecord[];
  /** The run stopped before the plan was done. */
  aborted?: string;
  /**
   * Each time a bench run was resumed after its process ended (`hanbench run --resume`, the `resume` events):
   * wall clock and hub time of the resume, why the process had ended and the phase redone.
   */
  resumed?: ResumeRecord[];
  /**
   * The evidence log: its file, SHA-256 and size in events; `seal` says whether the hash matches the seal the
   * run wrote beside the log (`<file>.sha256`): `matches`, `differs` (the log changed after the run) or `none`.
   */
  evidence: { file?: string; sha256?: string; seal?: EvidenceSeal; events: number };
}

export interface RunReport {
  tool: "hanbench";
  version: string;
  mode: "virtual" | "bench";
  seed: number;
  /** Specification baseline of the suite (cot-suite.md "Baseline"). */
  baseline: Record<string, string>;
  /** Hub parameters, never keys. */
  hub: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
  provenance: Provenance;
  duts: DutResult[];
  summary: Record<Verdict, number>;
  /** Set when the run could not test (the key-establishment pre-check found an issuer mismatch): why. */
  notTestable?: string;
}

/** Counts verdicts over every case of every DUT. */
export function summarise(duts: DutResult[]): Record<Verdict, number> {
  const summary = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const d of duts) for (const r of d.results) summary[r.verdict]++;
  return summary;
}

/** The process exit code a run ends with: 1 any fail, else 3 any inconclusive/error, else 0. */
export function exitCodeFor(summary: Record<Verdict, number>): 0 | 1 | 3 {
  if (summary.fail > 0) return 1;
  if (summary.inconclusive > 0 || summary.error > 0) return 3;
  return 0;
}

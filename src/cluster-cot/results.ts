/**
 * The results of a run, as every report renders them (JSON is this structure; JUnit and HTML are views
 * of it). Case ids, titles and verdict names are the public contract of cot-suite.md.
 */

export const VERDICTS = ["pass", "fail", "inconclusive", "error", "not_applicable", "info"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface CaseResult {
  /** `COT-01` … `COT-12`. */
  id: string;
  title: string;
  verdict: Verdict;
  /** One line naming the frames or values the verdict rests on. */
  reason: string;
  /** Hub time (ISO) of the first and last evidence the case looked at. */
  startedAt: string;
  finishedAt: string;
  /** `seq` numbers of the evidence events behind the verdict. */
  evidence: number[];
}

export interface DutResult {
  /** `ihd:keeps-history`, or the label of a DUT file. */
  label: string;
  kind: "ihd" | "ppmid";
  ieee: string;
  profile?: string;
  dutFile?: string;
  results: CaseResult[];
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
  duts: DutResult[];
  summary: Record<Verdict, number>;
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

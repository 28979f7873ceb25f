/**
 * Which cases a run checks (`--cases`) and which phases of the plan it therefore walks (cot-suite.md: "A run
 * may select cases, with presets such as `gb`; phases that no selected case needs are skipped").
 *
 * Nothing here is listed by hand: a preset is derived from the cases' bases, the phases from the phases each
 * case reads (`CaseDef.phases`) and the earlier cases it builds on (`CaseDef.needs`), closed over the phases
 * each phase builds on (`Phase.needs`). Cases that are not selected are not run and not reported: every report
 * names them as not selected (docs/suite.md "Selecting cases").
 */
import type { CaseDef } from "./cases/case.js";
import type { Phase, PhaseName } from "./plan.js";
import type { CaseSelection } from "./results.js";

/** Presets of `--cases`: `all` (the default) and `gb`, every case whose basis includes a GB requirement. */
export const CASE_PRESETS = {
  all: (_c: CaseDef) => true,
  gb: (c: CaseDef) => c.basis.includes("gb"),
} as const;
export type CasePreset = keyof typeof CASE_PRESETS;

export class CaseSelectionError extends Error {
  override name = "CaseSelectionError";
}

/**
 * `--cases LIST`: case ids (`COT-03`, any case) and presets (`gb`, `all`), comma-separated; the union, in suite
 * order. Throws a CaseSelectionError naming the valid ids and presets on anything else.
 */
export function parseCaseList(text: string, suite: readonly CaseDef[]): string[] {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new CaseSelectionError(`no case given; ${validNames(suite)}`);
  const chosen = new Set<string>();
  for (const item of items) {
    const preset = Object.hasOwn(CASE_PRESETS, item.toLowerCase())
      ? CASE_PRESETS[item.toLowerCase() as CasePreset]
      : undefined;
    if (preset) {
      for (const c of suite.filter(preset)) chosen.add(c.id);
      continue;
    }
    const def = suite.find((c) => c.id.toLowerCase() === item.toLowerCase());
    if (!def) throw new CaseSelectionError(`'${item}' is not a case of the suite; ${validNames(suite)}`);
    chosen.add(def.id);
  }
  return suite.filter((c) => chosen.has(c.id)).map((c) => c.id);
}

function validNames(suite: readonly CaseDef[]): string {
  return `give case ids (${suite.map((c) => c.id).join(", ")}) or a preset (${Object.keys(CASE_PRESETS).join(", ")})`;
}

/** The selected cases and every case they build on (`CaseDef.needs`), in suite order. */
export function withNeededCases(ids: readonly string[], suite: readonly CaseDef[]): CaseDef[] {
  const want = new Set<string>();
  const visit = (id: string) => {
    if (want.has(id)) return;
    want.add(id);
    for (const n of suite.find((c) => c.id === id)?.needs ?? []) visit(n);
  };
  for (const id of ids) visit(id);
  return suite.filter((c) => want.has(c.id));
}

/**
 * The phases of `plan` a run of the selected cases walks, in plan order: the join, every phase a needed case
 * reads, and every phase those build on (`Phase.needs`; absent: every phase before it).
 */
export function phasesFor(ids: readonly string[], suite: readonly CaseDef[], plan: readonly Phase[]): Phase[] {
  const need = new Set<PhaseName>();
  const visit = (name: PhaseName) => {
    if (need.has(name)) return;
    need.add(name);
    const i = plan.findIndex((p) => p.name === name);
    if (i < 0) return;
    for (const n of plan[i]!.needs ?? plan.slice(0, i).map((p) => p.name)) visit(n);
  };
  if (plan[0]) visit(plan[0].name);
  for (const c of withNeededCases(ids, suite)) for (const p of c.phases) visit(p);
  return plan.filter((p) => need.has(p.name));
}

/** The selection a run records: what was asked, the cases, and the phases walked and skipped. */
export function selectionOf(
  asked: string,
  suite: readonly CaseDef[],
  plan: readonly Phase[],
): CaseSelection & { plan: Phase[] } {
  const cases = parseCaseList(asked, suite);
  const walked = phasesFor(cases, suite, plan);
  return {
    asked,
    cases,
    notSelected: suite.filter((c) => !cases.includes(c.id)).map((c) => c.id),
    phases: walked.map((p) => p.name),
    skippedPhases: plan.filter((p) => !walked.includes(p)).map((p) => p.name),
    plan: walked,
  };
}

/**
 * Two runs side by side (`hanbench report A --compare B`): the cases whose verdict differs, for a regression
 * check between device firmware versions. Devices are matched by label, then by EUI-64 among those left; a
 * device in one run only is listed as such. Decides nothing: it lists what the two reports say.
 */
import type { DutResult, RunReport, Verdict } from "../cluster-cot/results.js";
import { clip } from "./terminal.js";

export interface VerdictChange {
  /** The device's label in A (or in B when A lacks it). */
  label: string;
  id: string;
  a?: Verdict;
  b?: Verdict;
}

export interface Comparison {
  changes: VerdictChange[];
  /** Labels of devices in one run only. */
  onlyA: string[];
  onlyB: string[];
}

function pair(
  a: DutResult[],
  b: DutResult[],
): { pairs: [DutResult, DutResult][]; onlyA: DutResult[]; onlyB: DutResult[] } {
  const leftB = [...b];
  const take = (pred: (x: DutResult) => boolean) => {
    const i = leftB.findIndex(pred);
    return i < 0 ? undefined : leftB.splice(i, 1)[0];
  };
  const pairs: [DutResult, DutResult][] = [];
  const unmatched: DutResult[] = [];
  for (const d of a) {
    const m = take((x) => x.label === d.label);
    if (m) pairs.push([d, m]);
    else unmatched.push(d);
  }
  const onlyA: DutResult[] = [];
  for (const d of unmatched) {
    const m = take((x) => x.ieee.toLowerCase() === d.ieee.toLowerCase());
    if (m) pairs.push([d, m]);
    else onlyA.push(d);
  }
  return { pairs, onlyA, onlyB: leftB };
}

export function compareReports(a: RunReport, b: RunReport): Comparison {
  const { pairs, onlyA, onlyB } = pair(a.duts, b.duts);
  const changes: VerdictChange[] = [];
  for (const [da, db] of pairs) {
    const ids = [...new Set([...da.results.map((r) => r.id), ...db.results.map((r) => r.id)])].sort();
    for (const id of ids) {
      const va = da.results.find((r) => r.id === id)?.verdict;
      const vb = db.results.find((r) => r.id === id)?.verdict;
      if (va !== vb) changes.push({ label: da.label, id, ...(va ? { a: va } : {}), ...(vb ? { b: vb } : {}) });
    }
  }
  return { changes, onlyA: onlyA.map((d) => d.label), onlyB: onlyB.map((d) => d.label) };
}

/** The comparison as lines of at most `width` columns. */
export function renderComparison(c: Comparison, names: { a: string; b: string }, width = 80): string {
  const lines = [clip(`A ${names.a}`, width), clip(`B ${names.b}`, width)];
  for (const ch of c.changes)
    lines.push(clip(`${ch.label}  ${ch.id}  ${ch.a ?? "(no result)"} -> ${ch.b ?? "(no result)"}`, width));
  for (const l of c.onlyA) lines.push(clip(`${l}: in A only`, width));
  for (const l of c.onlyB) lines.push(clip(`${l}: in B only`, width));
  const n = c.changes.length;
  lines.push(n === 0 ? "no case differs" : `${n} case${n === 1 ? "" : "s"} differ${n === 1 ? "s" : ""}`);
  return `${lines.join("\n")}\n`;
}

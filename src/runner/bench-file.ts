/**
 * The bench file: who runs the tests and what they note, kept with the bench instead of typed on every run.
 *
 * { "lab": "Acme Test House, bench 2", "operator": "J. Smith", "notes": ["IHD on mains", "CH fw 1.2"] }
 *
 * `--lab`, `--operator` and `--note` on the command line override the lab and operator and add notes.
 */
import { readFileSync } from "node:fs";
import type { LabInfo } from "../evidence/events.js";

export class BenchFileError extends Error {
  override name = "BenchFileError";
}

function text(v: unknown, name: string, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !v.trim()) throw new BenchFileError(`${path}: "${name}" must be a non-empty string`);
  return v.trim();
}

export function parseBenchFile(source: string, path: string): LabInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (err) {
    throw new BenchFileError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new BenchFileError(`${path}: must be a JSON object`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!["lab", "operator", "notes"].includes(k))
      throw new BenchFileError(`${path}: unknown key "${k}" (known: lab, operator, notes)`);
  if (o.notes !== undefined && !Array.isArray(o.notes)) throw new BenchFileError(`${path}: "notes" must be a list`);
  const notes = ((o.notes as unknown[] | undefined) ?? []).map((n, i) => text(n, `notes[${i}]`, path)!);
  const lab = text(o.lab, "lab", path);
  const operator = text(o.operator, "operator", path);
  return {
    ...(lab ? { lab } : {}),
    ...(operator ? { operator } : {}),
    ...(notes.length ? { notes } : {}),
    benchFile: path,
  };
}

export function loadBenchFile(path: string): LabInfo {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (err) {
    throw new BenchFileError(`${path}: cannot read the bench file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseBenchFile(source, path);
}

/** The bench file's entries with the command line's on top: lab and operator replaced, notes added. */
export function labInfo(
  file: LabInfo | undefined,
  cli: { lab?: string; operator?: string; notes?: string[] },
): LabInfo | undefined {
  const notes = [...(file?.notes ?? []), ...(cli.notes ?? []).map((n) => n.trim()).filter(Boolean)];
  const lab = cli.lab?.trim() || file?.lab;
  const operator = cli.operator?.trim() || file?.operator;
  const out: LabInfo = {
    ...(lab ? { lab } : {}),
    ...(operator ? { operator } : {}),
    ...(notes.length ? { notes } : {}),
    ...(file?.benchFile ? { benchFile: file.benchFile } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/**
 * Baseline files (src/cluster-cot/baseline.ts): the one the project ships, `docs/baseline.json`, and a lab's
 * own (`hanbench run --baseline FILE`). What is wrong with a file is a BaselineError naming it.
 */
import { readFileSync } from "node:fs";
import { type Baseline, BaselineError, parseBaseline } from "../cluster-cot/baseline.js";

/** The shipped baseline, found from this module (src/runner or dist/runner, both two levels below the root). */
export const SHIPPED_BASELINE = new URL("../../docs/baseline.json", import.meta.url);

/** The baseline in `path` (a file a lab gives), or the shipped one. */
export function readBaseline(path?: string): Baseline {
  const source = path ?? "docs/baseline.json";
  let text: string;
  try {
    text = readFileSync(path ?? SHIPPED_BASELINE, "utf8");
  } catch (err) {
    throw new BaselineError(`cannot read ${source} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseBaseline(text, source);
}

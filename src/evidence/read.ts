/** Reading an evidence log back from its file. */
import { readFileSync } from "node:fs";
import type { Evidence } from "./events.js";

/**
 * Reads an evidence file back. A line that is not valid JSON (for example the half-written last line of
 * a crashed run) is reported in `bad` and skipped; every good line is kept.
 */
export function readEvidence(path: string): { events: Evidence[]; bad: { line: number; text: string }[] } {
  const events: Evidence[] = [];
  const bad: { line: number; text: string }[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      events.push(JSON.parse(text) as Evidence);
    } catch {
      bad.push({ line: i + 1, text: text.slice(0, 80) });
    }
  });
  return { events, bad };
}

/**
 * The verdict table on a terminal: every line fits `width` columns (80 by default). Each case is one line (id,
 * verdict, title); a case that failed, erred or was inconclusive gets its reason below, wrapped to two lines at
 * most and cut after that (the JSON, JUnit and HTML reports have it in full). Colour marks fail and error only,
 * and only when asked (a TTY). The closing lines name the cases per device that did not pass
 * (`FAIL ihd:keeps-messages: COT-06`), the cases not selected for the run (`--cases`), then the counts.
 */
import { type RunReport, VERDICTS, type Verdict } from "../cluster-cot/results.js";
import { formatDuration } from "../duration.js";

export interface TerminalOptions {
  /** Columns (default 80). */
  width?: number;
  /** ANSI colour for fail and error (default none). */
  color?: boolean;
}

const REASON_LINES = 2;
const INDENT = "          ";
const COLOR: Partial<Record<Verdict, string>> = { fail: "\x1b[1;31m", error: "\x1b[1;35m" };
const RESET = "\x1b[0m";

/** The verdict column: the longest verdict name and one space. */
const VERDICT_COLUMN = Math.max(...VERDICTS.map((v) => v.length)) + 1;

/** Display width of plain text: code points (the table writes no wide characters of its own). */
function len(s: string): number {
  return [...s].length;
}

/** `s` cut to `width` columns, ending in "…" when cut. */
export function clip(s: string, width: number): string {
  const cps = [...s];
  return cps.length <= width ? s : `${cps.slice(0, Math.max(0, width - 1)).join("")}…`;
}

/** `line` shortened to `width` columns by dropping whole words from its end (cut inside a lone long word). */
function cutAtWord(line: string, width: number): string {
  let s = line;
  while (len(s) > width && s.trimStart().includes(" ")) s = s.slice(0, s.lastIndexOf(" "));
  return len(s) > width ? [...s].slice(0, width).join("") : s;
}

/** Words of `text` in lines of at most `width` columns after `indent`; a word longer than a line is cut. */
export function wrap(text: string, width: number, indent = "", firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const raw of text.split(/\s+/).filter(Boolean)) {
    const room = width - len(empty ? line : `${line} `);
    const word = len(raw) > width - len(indent) ? clip(raw, width - len(indent)) : raw;
    if (!empty && len(word) > room) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line = empty ? `${line}${word}` : `${line} ${word}`;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

function paint(verdict: Verdict, text: string, color: boolean): string {
  const c = COLOR[verdict];
  return color && c ? `${c}${text}${RESET}` : text;
}

/** The table, the lines naming what did not pass, and the counts. */
export function renderTerminal(report: RunReport, opts: TerminalOptions = {}): string {
  const width = opts.width ?? 80;
  const color = opts.color ?? false;
  const out: string[] = [];
  let cut = false;
  for (const d of report.duts) {
    out.push(clip(`${d.label}  ${d.kind} ${d.ieee}${d.dutFile ? `  ${d.dutFile}` : ""}`, width));
    if (d.window)
      out.push(...wrap(`detection window ${formatDuration(d.window.ms)}: ${d.window.reason}`, width, "    ", "  "));
    for (const m of d.identity?.mismatches ?? [])
      out.push(
        ...wrap(`warning: declared ${m.field} '${m.declared}', the device reports '${m.read}'`, width, "    ", "  "),
      );
    for (const r of d.results) {
      const head = `  ${r.id.padEnd(6)}  `;
      const verdict = r.verdict.padEnd(VERDICT_COLUMN);
      const title = clip(r.title, width - len(head) - len(verdict));
      out.push(`${head}${paint(r.verdict, verdict, color)}${title}`.trimEnd());
      if (!["fail", "error", "inconclusive"].includes(r.verdict)) continue;
      const lines = wrap(r.reason, width, INDENT);
      if (lines.length > REASON_LINES) {
        cut = true;
        lines.length = REASON_LINES;
        lines[REASON_LINES - 1] = `${cutAtWord(lines[REASON_LINES - 1]!, width - 2)} …`;
      }
      out.push(...lines);
    }
    out.push("");
  }
  for (const [verdict, word] of [
    ["fail", "FAIL"],
    ["error", "ERROR"],
    ["inconclusive", "INCONCLUSIVE"],
  ] as const) {
    for (const d of report.duts) {
      const ids = d.results.filter((r) => r.verdict === verdict).map((r) => r.id);
      if (!ids.length) continue;
      const lead = `${word} ${clip(d.label, width - word.length - 12)}: `;
      const lines = wrap(ids.join(", "), width, " ".repeat(Math.min(len(lead), 20)), lead);
      out.push(...lines.map((l, i) => (i === 0 ? l.replace(word, paint(verdict, word, color)) : l)));
    }
  }
  const selection = report.provenance.suite.selection;
  if (selection?.notSelected.length) {
    out.push(...wrap(`not selected, not run (--cases ${selection.asked}): ${selection.notSelected.join(", ")}`, width));
  }
  out.push(
    VERDICTS.filter((v) => report.summary[v] > 0)
      .map((v) => `${report.summary[v]} ${v}`)
      .join(", ") || "no cases",
  );
  if (cut) out.push("(reasons cut short here are in full in the JSON, JUnit and HTML reports)");
  return `${out.join("\n")}\n`;
}

/**
 * A lab's requirements map (docs/reports.md, cot-suite.md "Basis of each case"): for each case id, the clause
 * ids (and texts) of the lab's own requirement documents that the case checks, and, for an `interpretation`
 * case, whether the lab confirms hanbench's reading or holds the case not applicable. Every report carries it.
 *
 * Two formats, the same content:
 *
 * JSON  { "name": "…", "cases": { "COT-03": { "clauses": [{ "id": "IHDTS 5.0 5.4.2", "text": "…" }],
 *                                              "interpretation": "confirm" } } }
 * CSV   a header row naming the columns `case`, `clause`, `text` and optionally `interpretation` (any order),
 *       then one row per clause (RFC 4180 quoting: "a, ""b""" is the text a, "b"); a case's rows give one
 *       interpretation or none.
 *
 * A case id the suite does not have is an error, and so is `interpretation` on a case whose basis is not
 * `interpretation`: a map that says something about the suite it does not mean is refused, not half-used.
 */
import type { RequirementEntry, RequirementsMap } from "../evidence/events.js";
import type { CaseDef } from "./cases/case.js";
import type { CaseResult } from "./results.js";

export class RequirementsError extends Error {
  override name = "RequirementsError";
}

const INTERPRETATIONS = ["confirm", "not_applicable"] as const;

type Suite = readonly Pick<CaseDef, "id" | "basis">[];

function fail(where: string, message: string): never {
  throw new RequirementsError(`${where}: ${message}`);
}

function caseRange(suite: Suite): string {
  return suite.length ? `${suite[0]!.id}..${suite.at(-1)!.id}` : "none";
}

/** Checks a map's content against the suite; returns it normalised (clause texts trimmed, empty ones dropped). */
export function validateRequirements(raw: unknown, where: string, suite: Suite): RequirementsMap {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) fail(where, 'must be a JSON object with "cases"');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!["name", "cases", "file"].includes(k)) fail(where, `unknown key "${k}" (known: name, cases)`);
  if (o.name !== undefined && typeof o.name !== "string") fail(where, '"name" must be a string');
  const cases = o.cases;
  if (!cases || typeof cases !== "object" || Array.isArray(cases))
    fail(where, '"cases" must be an object keyed by case id');
  const byId = new Map(suite.map((c) => [c.id, c]));
  const out: Record<string, RequirementEntry> = {};
  for (const [id, entry] of Object.entries(cases as Record<string, unknown>)) {
    const def = byId.get(id);
    if (!def) fail(where, `unknown case id '${id}' (the suite has ${caseRange(suite)})`);
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) fail(where, `${id} must be an object`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!["clauses", "interpretation"].includes(k))
        fail(where, `${id}: unknown key "${k}" (known: clauses, interpretation)`);
    const clauses = e.clauses ?? [];
    if (!Array.isArray(clauses)) fail(where, `${id}: "clauses" must be a list`);
    const list = clauses.map((c, i) => {
      if (!c || typeof c !== "object") fail(where, `${id} clause ${i + 1} must be an object with "id"`);
      const cl = c as Record<string, unknown>;
      if (typeof cl.id !== "string" || !cl.id.trim()) fail(where, `${id} clause ${i + 1} needs a non-empty "id"`);
      if (cl.text !== undefined && typeof cl.text !== "string")
        fail(where, `${id} clause ${cl.id}: "text" must be a string`);
      const text = typeof cl.text === "string" ? cl.text.trim() : "";
      return { id: cl.id.trim(), ...(text ? { text } : {}) };
    });
    let interpretation: RequirementEntry["interpretation"];
    if (e.interpretation !== undefined) {
      if (!INTERPRETATIONS.includes(e.interpretation as never))
        fail(
          where,
          `${id}: "interpretation" must be ${INTERPRETATIONS.join(" or ")}, not ${JSON.stringify(e.interpretation)}`,
        );
      if (!def.basis.includes("interpretation"))
        fail(
          where,
          `${id}: "interpretation" applies to interpretation cases only; ${id}'s basis is ${def.basis.join(", ")}`,
        );
      interpretation = e.interpretation as RequirementEntry["interpretation"];
    }
    if (list.length === 0 && !interpretation) fail(where, `${id}: no clauses`);
    out[id] = { clauses: list, ...(interpretation ? { interpretation } : {}) };
  }
  return { ...(typeof o.name === "string" && o.name.trim() ? { name: o.name.trim() } : {}), cases: out };
}

/** RFC 4180 rows: commas, double quotes (doubled inside quotes), CRLF or LF; a quoted field may span lines. */
export function parseCsv(text: string): { row: string[]; line: number }[] {
  const rows: { row: string[]; line: number }[] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const src = text.replace(/^\uFEFF/, "");
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0]!.trim() !== "") rows.push({ row, line: rowLine });
    row = [];
    field = "";
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < src.length && !",\r\n".includes(src[i]!))
          throw new RequirementsError(`line ${line}: text after a closing quote`);
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
      i++;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRow();
      i += ch === "\r" && src[i + 1] === "\n" ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      if (ch === '"') throw new RequirementsError(`line ${line}: a quote inside an unquoted field`);
      field += ch;
      i++;
    }
  }
  if (quoted) throw new RequirementsError(`line ${rowLine}: a quoted field is not closed`);
  if (field !== "" || row.length) endRow();
  return rows;
}

function fromCsv(text: string, where: string): unknown {
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (err) {
    fail(where, (err as Error).message);
  }
  const head = rows.shift();
  if (!head) fail(where, "empty: a header row (case,clause,text[,interpretation]) is needed");
  const cols = head.row.map((c) => c.trim().toLowerCase());
  for (const c of cols)
    if (!["case", "clause", "text", "interpretation"].includes(c))
      fail(where, `line ${head.line}: unknown column '${c}' (known: case, clause, text, interpretation)`);
  const at = (name: string) => cols.indexOf(name);
  if (at("case") < 0 || at("clause") < 0)
    fail(where, `line ${head.line}: the header needs the columns case and clause`);
  const cases: Record<string, { clauses: { id: string; text: string }[]; interpretation?: string }> = {};
  for (const { row, line } of rows) {
    if (row.length > cols.length) fail(where, `line ${line}: ${row.length} fields, the header has ${cols.length}`);
    const get = (name: string) => (at(name) >= 0 ? (row[at(name)] ?? "").trim() : "");
    const id = get("case");
    if (!id) fail(where, `line ${line}: no case id`);
    const entry = cases[id] ?? { clauses: [] };
    cases[id] = entry;
    const clause = get("clause");
    if (clause) entry.clauses.push({ id: clause, text: get("text") });
    else if (get("text")) fail(where, `line ${line}: a text without a clause id`);
    const interp = get("interpretation");
    if (interp) {
      if (entry.interpretation !== undefined && entry.interpretation !== interp)
        fail(where, `line ${line}: ${id} has two interpretations (${entry.interpretation}, ${interp})`);
      entry.interpretation = interp;
    }
  }
  return { cases };
}

/**
 * Parses a map from its text: CSV when `file` ends in `.csv`, else JSON. Throws RequirementsError, with the file
 * name in front, on anything it cannot use.
 */
export function parseRequirements(text: string, file: string, suite: Suite): RequirementsMap {
  let raw: unknown;
  if (/\.csv$/i.test(file)) raw = fromCsv(text, file);
  else {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      fail(file, `not valid JSON (${(err as Error).message}); a CSV map needs a name ending in .csv`);
    }
  }
  return { file, ...validateRequirements(raw, file, suite) };
}

/**
 * A case result with what the lab's map says about it: its clauses, and for an interpretation case the lab's
 * decision. `not_applicable` makes the verdict `not_applicable` and keeps hanbench's own in the reason.
 */
export function withRequirements(result: CaseResult, entry: RequirementEntry | undefined): CaseResult {
  if (!entry) return result;
  const out: CaseResult = { ...result, clauses: entry.clauses.map((c) => ({ ...c })) };
  if (!entry.interpretation) return out;
  out.interpretation = entry.interpretation;
  if (entry.interpretation === "not_applicable") {
    out.verdict = "not_applicable";
    out.reason = `the lab's requirements map holds this interpretation case not applicable; hanbench's reading gave ${result.verdict}: ${result.reason}`;
  }
  return out;
}

/**
 * The HTML report: one self-contained page (inline CSS, no scripts, no external assets) that prints on A4,
 * verdict first:
 *
 * 1. a banner with the overall result (FAIL, INCONCLUSIVE or PASS, as the exit code) and the counts, and any
 *    warning (a DUT reporting another identity than declared, a log changed after the run, a run cut short);
 * 2. a device × case grid, each cell coloured and worded (so a grey print still reads);
 * 3. per failing (or erroneous) case: its reason, basis and clauses, the evidence it rests on decoded field by
 *    field, and what the DUT held, by previous / new occupier and period, message texts in full;
 * 4. a timeline of the hub's answers to each device's CoT queries;
 * 5. the provenance: report id, times, versions, suite and baseline, hub variant, CoTs performed,
 *    coordinator, DUT identity, lab, deviations and limitations, the evidence log and its SHA-256;
 * 6. the details: per device every verdict with its reason and the requests around the CoT, the events
 *    cited, operator answers, errors.
 *
 * Everything comes from the RunReport and the evidence log; every string from them is escaped, since device
 * names, messages and operator answers can hold anything. Keys never show (hub parameters pass `withoutKeys`).
 */
import { describePhases, describeResumes } from "../cluster-cot/provenance.js";
import { formatDuration } from "../duration.js";
import type { CotEvent, Evidence, ProbeEvent, ZclEvent } from "../evidence/events.js";
import { withoutKeys } from "../evidence/json-safe.js";
import {
  type CaseResult,
  type DutResult,
  type HeldItem,
  type HeldSnapshot,
  type RunReport,
  VERDICTS,
  type Verdict,
} from "../cluster-cot/results.js";
import { hex } from "../hex.js";
import { ClusterId, DataType, PTCC, PTCC_FIELDS } from "../zcl/index.js";
import { type Field, formatValue, payloadFields, zclFields } from "./zcl-fields.js";

export interface HtmlOptions {
  /** Most rows of a device's request timeline (the rows nearest to a CoT are kept). Default 300. */
  timelineLimit?: number;
  /** Most rows of a device's timeline of hub answers to CoT queries. Default 400. */
  answersLimit?: number;
  /** Most evidence events listed behind the verdicts. Default 1000. */
  evidenceLimit?: number;
  /** Most held items listed per occupier in a probe under a failing case. Default 60. */
  heldLimit?: number;
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function esc(value: unknown): string {
  const s = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const VERDICT_CLASS = new Set<string>(VERDICTS);
function verdictClass(v: string): string {
  return VERDICT_CLASS.has(v) ? `v-${v}` : "v-unknown";
}

/** The word a grid cell shows: what matters reads in capitals. */
const CELL_TEXT: Record<Verdict, string> = {
  pass: "pass",
  fail: "FAIL",
  error: "ERROR",
  inconclusive: "INCONCL.",
  not_applicable: "n/a",
  info: "info",
};

const PTCC_LIMITS = { bits: PTCC, fields: PTCC_FIELDS };

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:14px;margin:12px 0 4px}h5{font-size:13px;margin:10px 0 4px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #d0d0d5;padding:4px 7px;text-align:left;vertical-align:top}th{background:#f3f3f6;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.kv th{width:230px}.note{color:#555;font-style:italic}.muted{color:#777}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;margin-right:6px;font-weight:600;font-size:13px;border:1px solid #999}
.v-pass{background:#d8f5dd;color:#0b5d1e}.v-fail{background:#fbd9d9;color:#8a1111}.v-inconclusive{background:#fff0c2;color:#6b4e00}
.v-error{background:#f1d5f5;color:#6b1577}.v-not_applicable{background:#e6e6ea;color:#444}.v-info{background:#dbe9fb;color:#123f7a}
.v-unknown{background:#eee;color:#000}td.verdict{font-weight:700;white-space:nowrap}
.banner{border:3px solid #333;border-radius:8px;padding:12px 18px;margin:8px 0 16px}
.banner .result{font-size:30px;font-weight:800;letter-spacing:.04em}.banner .counts{font-size:16px;margin:4px 0}
.banner.v-fail{border-color:#8a1111}.banner.v-pass{border-color:#0b5d1e}.banner.v-inconclusive{border-color:#6b4e00}
.banner ul.warnings{margin:8px 0 0;padding-left:20px;font-weight:600}
table.grid td,table.grid th{text-align:center;padding:3px 4px;font-size:12.5px}
table.grid th.dut,table.grid td.dut{text-align:left;white-space:nowrap}
table.grid td.cell{font-weight:600}table.grid td.v-fail,table.grid td.v-error{font-weight:800;outline:2px solid currentColor;outline-offset:-3px}
table.grid td.v-inconclusive{font-style:italic}
.legend{font-size:12px;color:#444}.legend span{display:inline-block;margin-right:12px}
article.case{border:1px solid #d0d0d5;border-left:6px solid #8a1111;border-radius:4px;padding:6px 14px;margin:12px 0}
article.case.k-error{border-left-color:#6b1577}
.reason{font-size:14.5px;margin:6px 0}
div.ev{margin:6px 0 10px}div.ev .head{font-weight:600}
table.fields th{width:260px;font-weight:500}table.fields td{word-break:break-word}
tr.cot td{background:#fff4d6;font-weight:600}tr.presence td,tr.membership td{background:#f4f4f8}
tr.previous td.occ{background:#fbd9d9}tr.new td.occ{background:#d8f5dd}
td.nowrap{white-space:nowrap}td.fields{word-break:break-word}.field{display:inline-block;margin:0 14px 2px 0}
pre{white-space:pre-wrap;word-break:break-word;margin:0}a{color:#0b57d0}
@page{size:A4;margin:14mm 12mm}
@media print{
body{max-width:none;padding:0;font-size:9.5pt}
table,code,.mono{font-size:8.5pt}table.grid td,table.grid th{font-size:8pt;padding:2px}
a{color:inherit;text-decoration:none}
.banner,.badge,td.verdict,table.grid td,tr.cot td,tr.previous td.occ,tr.new td.occ{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2,h3,h4,h5{break-after:avoid}tr,div.ev,.banner{break-inside:avoid}
section.details{break-before:page}
}
`;

function kvTable(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join("")}</table>`;
}

function fieldTable(fields: Field[]): string {
  return `<table class="fields">${fields.map((f) => `<tr><th>${esc(f.name)}</th><td>${esc(f.value)}</td></tr>`).join("")}</table>`;
}

function ptcc(control: number): string {
  return formatValue(DataType.BITMAP32, control, PTCC_LIMITS);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** FAIL if a case failed, INCONCLUSIVE if one was inconclusive or in error, else PASS: as the exit code. */
function overall(summary: Record<Verdict, number>): { word: string; cls: string } {
  if (summary.fail > 0) return { word: "FAIL", cls: "v-fail" };
  if (summary.error > 0 || summary.inconclusive > 0) return { word: "INCONCLUSIVE", cls: "v-inconclusive" };
  return { word: "PASS", cls: "v-pass" };
}

function badges(counts: Partial<Record<Verdict, number>>): string {
  return VERDICTS.filter((v) => (counts[v] ?? 0) > 0)
    .map((v) => `<span class="badge ${verdictClass(v)}">${esc(v)} ${counts[v]}</span>`)
    .join("");
}

function countsOf(results: CaseResult[]): Partial<Record<Verdict, number>> {
  const c: Partial<Record<Verdict, number>> = {};
  for (const r of results) c[r.verdict] = (c[r.verdict] ?? 0) + 1;
  return c;
}

function warnings(report: RunReport): string[] {
  const out: string[] = [];
  for (const d of report.duts)
    for (const m of d.identity?.mismatches ?? [])
      out.push(`${d.label}: declared ${m.field} '${m.declared}', but its Basic cluster reports '${m.read}'`);
  const ev = report.provenance?.evidence;
  if (ev?.seal === "differs")
    out.push("the evidence log does not match the SHA-256 sealed when the run closed it: it changed after the run");
  if (report.provenance?.aborted) out.push(`the run stopped before the plan was done: ${report.provenance.aborted}`);
  return out;
}

function banner(report: RunReport): string {
  const s = report.summary;
  const total = Object.values(s).reduce((a, b) => a + b, 0);
  const { word, cls } = overall(s);
  const p = report.provenance;
  const meta = [
    p?.reportId ? `report ${p.reportId}` : undefined,
    report.mode === "virtual" ? "virtual dry-run" : "bench run",
    p?.wall ? `${p.wall.start.replace("T", " ").replace(/\.\d+Z$/, " UTC")}` : undefined,
    p?.lab?.lab,
  ].filter((x): x is string => !!x);
  const warn = warnings(report);
  const counts = VERDICTS.filter((v) => s[v] > 0)
    .map((v) => `${s[v]} ${v}`)
    .join(" · ");
  return [
    `<header id="banner" class="banner ${cls}">`,
    `<div class="result">${esc(word)}</div>`,
    `<div class="counts">${esc(counts || "no cases")} — ${esc(plural(total, "case"))} on ${esc(plural(report.duts.length, "device"))}</div>`,
    `<div>${badges(s)}</div>`,
    `<div class="meta muted">${esc(meta.join(" · "))}</div>`,
    warn.length ? `<ul class="warnings">${warn.map((w) => `<li>warning: ${esc(w)}</li>`).join("")}</ul>` : "",
    "</header>",
  ].join("\n");
}

function caseAnchor(dutIndex: number, id: string): string {
  return `case-${dutIndex}-${id.replace(/[^\w-]/g, "")}`;
}

function grid(report: RunReport): string {
  const ids: { id: string; title: string }[] = [];
  for (const d of report.duts)
    for (const r of d.results) if (!ids.some((x) => x.id === r.id)) ids.push({ id: r.id, title: r.title });
  ids.sort((a, b) => a.id.localeCompare(b.id));
  const head = `<tr><th class="dut">device</th>${ids.map((c) => `<th title="${esc(c.title)}">${esc(c.id)}</th>`).join("")}</tr>`;
  const rows = report.duts.map((d, i) => {
    const cells = ids.map((c) => {
      const r = d.results.find((x) => x.id === c.id);
      if (!r) return '<td class="cell muted">—</td>';
      const text = esc(CELL_TEXT[r.verdict] ?? r.verdict);
      const linked = r.verdict === "fail" || r.verdict === "error";
      return `<td class="cell ${verdictClass(r.verdict)}" title="${esc(`${r.id} ${r.verdict}: ${r.reason}`)}">${linked ? `<a href="#${caseAnchor(i, r.id)}">${text}</a>` : text}</td>`;
    });
    return `<tr><td class="dut"><a href="#dut-${i}">${esc(d.label)}</a></td>${cells.join("")}</tr>`;
  });
  const legend = ids.map((c) => `<span><b>${esc(c.id)}</b> ${esc(c.title)}</span>`).join("");
  const words = VERDICTS.map((v) => `<span><b>${esc(CELL_TEXT[v])}</b> ${esc(v)}</span>`).join("");
  return [
    `<h2 id="grid">Verdicts</h2>`,
    `<table class="grid"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`,
    `<p class="legend">${legend}</p>`,
    `<p class="legend">${words}</p>`,
  ].join("\n");
}

/** "DUT ep 1 → GPF (hub ep 2)" / "GPF (hub ep 2) → DUT ep 1". */
function route(e: ZclEvent): string {
  const hub = `${e.role ? `${e.role.toUpperCase()} ` : ""}(hub ep ${e.hubEp})`;
  const dev = `device ${e.device} ep ${e.deviceEp}`;
  return e.dir === "in" ? `${dev} → ${hub}` : `${hub} → ${dev}`;
}

/** An event of the log, field by field: ZCL frames decoded, CoTs with their control bits named. */
export function eventFields(e: Evidence): Field[] {
  switch (e.kind) {
    case "zcl":
      return [{ name: "route", value: route(e) }, ...zclFields(e)];
    case "cot": {
      const c = e as Evidence & CotEvent;
      const meter = (c as { meter?: string }).meter;
      return [
        { name: "recorded (hub time)", value: c.t },
        { name: "implementation time T", value: c.implementationTime },
        { name: "control (PTCC)", value: ptcc(c.control) },
        { name: "meter", value: meter ? meter.toUpperCase() : "GPF and ESME" },
        { name: "pushed", value: c.pushed ? "yes (PublishChangeOfTenancy sent unasked)" : "no" },
        { name: "provider id", value: hex(c.providerId, 8) },
        { name: "issuer event id", value: String(c.issuerEventId) },
        { name: "tariff type", value: String(c.tariffType) },
      ];
    }
    case "probe": {
      const p = e as Evidence & ProbeEvent;
      const rows: Field[] = [
        { name: "device", value: `${p.label} (${p.device})` },
        { name: "purpose", value: p.purpose },
        { name: "method", value: p.method },
        { name: "answered", value: p.ok ? "yes" : `no: ${p.error ?? "no reason given"}` },
      ];
      const h = p.holdings;
      if (h) {
        rows.push({
          name: "held",
          value: `${plural(h.consumption?.length ?? 0, "consumption value")}, ${plural(h.messages?.length ?? 0, "message")}, ${plural(h.topUps?.length ?? 0, "top-up")}, ${h.debts?.length ?? 0} debt-recovery entries`,
        });
        for (const m of h.messages ?? []) rows.push({ name: `message ${m.messageId}`, value: m.text });
      }
      for (const [q, a] of Object.entries(p.answers ?? {})) rows.push({ name: `asked: ${q}`, value: a });
      return rows;
    }
    case "served":
      return [
        { name: "to", value: `${e.device === "*" ? "every device" : e.device} from the ${e.role.toUpperCase()}` },
        { name: "cluster", value: hex(e.clusterId, 4) },
        { name: "item", value: e.item },
        { name: "value", value: formatValue(undefined, e.value) },
        ...((e as { tenancy?: number }).tenancy !== undefined
          ? [{ name: "tenancy", value: String((e as { tenancy?: number }).tenancy) }]
          : []),
        ...(e.period ? [{ name: "period", value: e.period }] : []),
      ];
    default:
      return Object.entries(e)
        .filter(([k]) => !["seq", "t", "wall", "kind"].includes(k))
        .map(([k, v]) => ({ name: k, value: typeof v === "string" ? v : JSON.stringify(v) }));
  }
}

function evidenceBlock(e: Evidence | undefined, seq: number, cited: ReadonlySet<number>): string {
  if (!e) return `<div class="ev"><div class="head">#${seq}: not in the evidence log</div></div>`;
  const link = cited.has(seq) ? `<a href="#ev-${seq}">#${seq}</a>` : `#${seq}`;
  return `<div class="ev"><div class="head">${link} ${esc(e.kind)} · hub time ${esc(e.t)}</div>${fieldTable(eventFields(e))}</div>`;
}

const OCCUPIER_TITLE: Record<HeldItem["occupier"], string> = {
  previous: "Previous occupier",
  new: "New occupier",
  unattributed:
    "Neither occupier's (a period across T, not yet due, meter state, or not traced to what the hub served)",
};

function heldValue(i: HeldItem): string {
  if (i.text !== undefined) return `message ${i.messageId ?? ""}: ${i.text}`;
  return `${i.role ? `${i.role.toUpperCase()} ` : ""}${i.item ?? ""} = ${formatValue(undefined, i.value)}`;
}

function servedLinks(seqs: number[], cited: ReadonlySet<number>): string {
  return seqs.map((n) => (cited.has(n) ? `<a href="#ev-${n}">#${n}</a>` : `#${n}`)).join(" ");
}

/** One occupier's items: messages first, one row each with the text in full; then values, one row per period. */
function occupierTable(
  occ: HeldItem["occupier"],
  items: HeldItem[],
  opts: { limit: number; cited: ReadonlySet<number>; cotT: string | undefined },
): string {
  const { limit, cited, cotT } = opts;
  const sides = (list: HeldItem[]) =>
    [
      ...new Set(
        list.map((i) =>
          i.heldAcross === undefined
            ? i.side
            : `${i.side}, ${i.heldAcross ? "held across T" : "fetched again after T"}`,
        ),
      ),
    ].join(", ") || "—";
  const rows: string[] = [];
  for (const m of items.filter((i) => i.text !== undefined))
    rows.push(
      `<tr class="${occ}"><td class="occ nowrap">${esc(sides([m]))}</td><td>message</td><td>${esc(heldValue(m))}</td><td class="mono">${servedLinks(m.served, cited)}</td></tr>`,
    );
  const periods = new Map<string, HeldItem[]>();
  for (const v of items.filter((i) => i.text === undefined)) {
    const key = v.period ?? "";
    periods.set(key, [...(periods.get(key) ?? []), v]);
  }
  // over the limit: the periods nearest the CoT's T, shown in order
  const near = (k: string) => Math.abs((Date.parse(k) || 0) - (Date.parse(cotT ?? "") || 0));
  let shown = 0;
  const kept = new Set<string>();
  for (const k of [...periods.keys()].sort((a, b) => near(a) - near(b) || a.localeCompare(b))) {
    if (shown >= limit) break;
    kept.add(k);
    shown += periods.get(k)!.length;
  }
  for (const k of [...kept].sort()) {
    const list = periods.get(k)!.sort((a, b) => (a.item ?? "").localeCompare(b.item ?? ""));
    rows.push(
      `<tr class="${occ}"><td class="occ nowrap">${esc(sides(list))}</td><td class="mono nowrap">${esc(k || "no period")}</td><td>${list.map((v) => `${esc(v.category)}: ${esc(heldValue(v))}`).join("<br>")}</td><td class="mono">${list.map((v) => servedLinks(v.served.slice(0, 2), cited)).join("<br>")}</td></tr>`,
    );
  }
  const values = items.length - items.filter((i) => i.text !== undefined).length;
  const more =
    shown < values
      ? `<p class="note">Showing ${shown} of ${values} values (the periods nearest the CoT's T); the evidence log has them all.</p>`
      : "";
  return `<h5>${esc(OCCUPIER_TITLE[occ])} (${esc(plural(items.length, "item"))})</h5><table class="held"><thead><tr><th>side</th><th>period</th><th>held</th><th>served as</th></tr></thead><tbody>${rows.join("")}</tbody></table>${more}`;
}

function heldSection(s: HeldSnapshot, limit: number, cited: ReadonlySet<number>): string {
  const cot = s.cot
    ? `the previous occupier's is what ends by its meter's T, the new occupier's what starts from it (CoT #${s.cot.seq}: ${Object.entries(
        s.cot.ts,
      )
        .map(([m, t]) => `${m.toUpperCase()} T ${t}`)
        .join(", ")})`
    : "no CoT recorded before the probe";
  const groups = (["previous", "new", "unattributed"] as const)
    .map((occ) => {
      const items = s.items.filter((i) => i.occupier === occ);
      return items.length ? occupierTable(occ, items, { limit, cited, cotT: Object.values(s.cot?.ts ?? {})[0] }) : "";
    })
    .join("");
  return [
    `<p>Probe ${servedLinks([s.probe], cited)} <b>${esc(s.purpose)}</b> (${esc(s.method)}) at hub time ${esc(s.t)}: ${esc(cot)}.</p>`,
    groups || '<p class="muted">it held nothing</p>',
  ].join("\n");
}

function failingCases(
  report: RunReport,
  bySeq: ReadonlyMap<number, Evidence>,
  cited: ReadonlySet<number>,
  heldLimit: number,
): string {
  const articles = report.duts.flatMap((d, i) =>
    d.results
      .filter((r) => r.verdict === "fail" || r.verdict === "error")
      .map((r) => {
        const clauses = r.clauses?.length
          ? `<p>clauses: ${r.clauses.map((c) => `<b>${esc(c.id)}</b>${c.text ? ` ${esc(c.text)}` : ""}`).join("; ")}</p>`
          : "";
        return [
          `<article id="${caseAnchor(i, r.id)}" class="case k-${esc(r.verdict)}">`,
          `<h3><span class="badge ${verdictClass(r.verdict)}">${esc(CELL_TEXT[r.verdict])}</span>${esc(d.label)} — ${esc(r.id)} ${esc(r.title)}</h3>`,
          `<p class="muted">basis: ${esc(r.basis.join(", "))}${r.interpretation ? ` · lab's interpretation: ${esc(r.interpretation)}` : ""}</p>`,
          clauses,
          `<p class="reason">${esc(r.reason)}</p>`,
          `<h4>The evidence it rests on</h4>`,
          r.evidence.map((n) => evidenceBlock(bySeq.get(n), n, cited)).join("\n") || '<p class="muted">none cited</p>',
          r.held?.length
            ? `<h4>What the device held</h4>${r.held.map((s) => heldSection(s, heldLimit, cited)).join("\n")}`
            : "",
          "</article>",
        ].join("\n");
      }),
  );
  if (!articles.length) return "";
  return `<h2 id="failing">Failing cases</h2>\n${articles.join("\n")}`;
}

/** "+1h 02m 03s" / "−4m 10s" from ms. */
function relative(ms: number): string {
  const sign = ms < 0 ? "−" : "+";
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : "", `${s}s`].filter(Boolean);
  return `${sign}${parts.join(" ")}`;
}

/** Time since the last CoT recorded at or before `t` (else before the first one). */
function sinceCot(cotTimes: number[], t: string): string {
  const ms = Date.parse(t);
  if (!cotTimes.length || Number.isNaN(ms)) return "";
  const prior = cotTimes.filter((c) => c <= ms);
  return relative(ms - (prior.length ? prior[prior.length - 1]! : cotTimes[0]!));
}

function cotLine(c: Evidence & CotEvent): string {
  const meter = (c as { meter?: string }).meter;
  return `CoT recorded${meter ? ` on the ${meter.toUpperCase()}` : ""}: T ${c.implementationTime}, PTCC ${ptcc(c.control)}, issuer event ${c.issuerEventId}, ${c.pushed ? "pushed" : "not pushed"}`;
}

/** What the hub answered, in one line: the attributes read, a command's fields, or a Default Response. */
function answerText(e: ZclEvent): string {
  const fields = payloadFields(e);
  const body = fields.map((f) => `${f.name.replace(/^0x[0-9a-f]{4} /, "")} ${f.value}`).join("; ");
  return `${e.command}: ${body}`;
}

interface AnswerRow {
  seq: number;
  t: string;
  cls: string;
  where: string;
  what: string;
  times: number;
  until?: string;
}

function answerRows(events: readonly Evidence[], ieee: string): AnswerRow[] {
  const device = ieee.toLowerCase();
  const rows: AnswerRow[] = [];
  let lastByMeter = new Map<string, AnswerRow>();
  for (const e of events) {
    if (e.kind === "cot") {
      rows.push({ seq: e.seq, t: e.t, cls: "cot", where: "hub", what: cotLine(e), times: 1 });
      lastByMeter = new Map();
      continue;
    }
    if (e.kind !== "zcl" || e.dir !== "out" || e.clusterId !== ClusterId.deviceManagement) continue;
    if (e.device.toLowerCase() !== device) continue;
    const where = `${e.role ? e.role.toUpperCase() : "hub"} ep ${e.hubEp}`;
    const what = answerText(e);
    const last = lastByMeter.get(where);
    if (last && last.what === what) {
      last.times++;
      last.until = e.t;
      continue;
    }
    const row = { seq: e.seq, t: e.t, cls: "zcl", where, what, times: 1 };
    rows.push(row);
    lastByMeter.set(where, row);
  }
  return rows;
}

function answersTimeline(
  report: RunReport,
  events: readonly Evidence[],
  limit: number,
  cited: ReadonlySet<number>,
): string {
  const cotTimes = events.filter((e) => e.kind === "cot").map((e) => Date.parse(e.t));
  const parts = report.duts.map((d) => {
    const all = answerRows(events, d.ieee);
    if (!all.some((r) => r.cls !== "cot"))
      return `<h3>${esc(d.label)}</h3><p class="muted">the hub answered no CoT query of this device</p>`;
    const rows = all.slice(0, limit);
    const body = rows
      .map(
        (r) =>
          `<tr class="${r.cls}"><td class="mono">${evLink(r.seq, cited)}</td><td class="mono nowrap">${esc(r.t)}</td><td class="mono nowrap">${esc(sinceCot(cotTimes, r.t))}</td><td class="nowrap">${esc(r.where)}</td><td>${esc(r.what)}${r.times > 1 ? ` <span class="muted">(the same ${r.times} times, until ${esc(r.until)})</span>` : ""}</td></tr>`,
      )
      .join("");
    const note =
      rows.length < all.length ? `<p class="note">Showing the first ${rows.length} of ${all.length} rows.</p>` : "";
    return `<h3>${esc(d.label)}</h3>${note}<table class="replies"><thead><tr><th>#</th><th>hub time</th><th>since CoT</th><th>from</th><th>answer</th></tr></thead><tbody>${body}</tbody></table>`;
  });
  return `<h2 id="cot-answers">The hub's answers to CoT queries</h2>
<p class="muted">Every answer the hub (or the ESME) sent each device on Device Management (0x0708), with the CoTs recorded; an answer repeated unchanged since the last CoT is one row.</p>
${parts.join("\n")}`;
}

function hubRows(hub: Record<string, unknown>): [string, string][] {
  // never shown, even if a producer slipped one in
  return Object.entries(withoutKeys(hub) as Record<string, unknown>).map(([k, v]) => [
    k,
    `<code>${esc(typeof v === "number" && k.toLowerCase().includes("pan") ? `0x${v.toString(16).padStart(4, "0")}` : v)}</code>`,
  ]);
}

function list(items: string[] | undefined, none: string): string {
  return items?.length
    ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`
    : `<span class="muted">${esc(none)}</span>`;
}

function identityTable(report: RunReport): string {
  const fields: [string, string, string][] = [
    ["firmware", "firmware", "swBuildId"],
    ["manufacturer", "manufacturer", "manufacturerName"],
    ["model", "model", "modelId"],
    ["hardware version", "hardwareVersion", "hwVersion"],
    ["date code", "dateCode", "dateCode"],
  ];
  const rows = report.duts.flatMap((d) => {
    const id = d.identity;
    const declared = (id?.declared ?? {}) as Record<string, unknown>;
    const read = (id?.read ?? {}) as Record<string, unknown>;
    const head = `<tr><th colspan="4">${esc(d.label)} <span class="muted">${esc(d.kind)} ${esc(d.ieee)}${d.dutFile ? ` · DUT file ${esc(d.dutFile)}` : d.profile ? ` · emulated, profile ${esc(d.profile)}` : ""}${declared.claims ? ` · claims ${esc(String(declared.claims))}` : ""}${d.window ? ` · detection window ${esc(formatDuration(d.window.ms))}: ${esc(d.window.reason)}` : ""}</span></th></tr>`;
    const body = fields.map(([label, dk, rk]) => {
      const mismatch = id?.mismatches.some((m) => m.field === dk);
      const dv = declared[dk] === undefined ? '<span class="muted">not declared</span>' : esc(String(declared[dk]));
      const rv = !id?.read
        ? '<span class="muted">no interview</span>'
        : read[rk] === undefined
          ? '<span class="muted">not read</span>'
          : esc(String(read[rk]));
      return `<tr${mismatch ? ' class="previous"' : ""}><td>${esc(label)}</td><td>${dv}</td><td>${rv}</td><td class="occ">${mismatch ? "<b>differs</b>" : ""}</td></tr>`;
    });
    const more = id?.read
      ? `<tr><td>other Basic attributes</td><td></td><td colspan="2">${esc(
          Object.entries(read)
            .filter(([k]) => !["swBuildId", "manufacturerName", "modelId", "hwVersion", "dateCode", "seq"].includes(k))
            .map(([k, v]) => `${k} ${v}`)
            .join(" · "),
        )} <span class="muted">(#${esc(String(read.seq))})</span></td></tr>`
      : "";
    return [head, ...body, more];
  });
  return `<table class="identity"><thead><tr><th>field</th><th>declared</th><th>read from its Basic cluster</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function cotsTable(report: RunReport): string {
  const cots = report.provenance?.cots ?? [];
  if (!cots.length) return '<p class="muted">none</p>';
  const rows = cots.map(
    (c) =>
      `<tr><td class="mono">${c.seq}</td><td class="mono nowrap">${esc(c.t)}</td><td class="mono nowrap">${esc(c.implementationTime)}</td><td>${esc(ptcc(c.control))}</td><td>${esc(c.meters.map((m) => m.toUpperCase()).join(" and "))}</td><td>${c.pushed ? "yes" : "no"}</td><td class="mono">${esc(String(c.issuerEventId))}</td></tr>`,
  );
  return `<table class="cots"><thead><tr><th>#</th><th>recorded (hub time)</th><th>T</th><th>PTCC</th><th>meter</th><th>pushed</th><th>issuer event</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function provenance(report: RunReport, windowMs: number | undefined): string {
  const p = report.provenance;
  const b = p?.build;
  const build = b
    ? `hanbench ${b.version}${b.commit ? `, commit ${b.commit}${b.dirty ? " (with changes not committed)" : ""}` : ", no git commit known"}${b.from === "dist" ? `, built ${b.builtAt ?? "(time unknown)"}` : b.from === "source" ? ", run from source" : ""}`
    : `hanbench ${report.version}`;
  const c = p?.coordinator;
  const meta = c?.meta
    ? Object.entries(c.meta)
        .map(([k, v]) => `${k} ${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(", ")
    : "";
  const ev = p?.evidence;
  const seal =
    ev?.seal === "matches"
      ? "matches the seal written when the run closed the log"
      : ev?.seal === "differs"
        ? "DOES NOT MATCH the seal written when the run closed the log"
        : ev?.seal === "none"
          ? "no seal beside the log (the run did not close it)"
          : "";
  const lab = p?.lab;
  const rows: [string, string][] = [
    ["report id", esc(p?.reportId ?? "(not recorded)")],
    ["mode", esc(report.mode === "virtual" ? "virtual dry-run (emulated dongle and devices)" : "bench run")],
    ["wall clock (UTC)", esc(p ? `${p.wall.start} → ${p.wall.end}` : "")],
    [
      report.mode === "virtual" ? "hub time span (stepped)" : "hub time (the wall clock)",
      esc(p ? `${p.hubTime.start} → ${p.hubTime.end}` : `${report.startedAt} → ${report.finishedAt}`),
    ],
    ["hanbench", esc(build)],
    ["zigbee-herdsman", esc(p?.herdsman ?? "(not recorded)")],
    [
      "suite",
      esc(
        `CoT suite ${p?.suite.version ? `v${p.suite.version}` : "(version not recorded)"}${windowMs !== undefined ? `; detection window ${windowMs / 3_600_000} h of hub time (${windowMs} ms)` : ""}; seed ${report.seed}`,
      ),
    ],
    [
      "cases",
      esc(
        p?.suite.selection
          ? `--cases ${p.suite.selection.asked}: ${p.suite.selection.cases.join(", ")}; not selected, not run: ${p.suite.selection.notSelected.join(", ") || "none"}; phases skipped: ${p.suite.selection.skippedPhases.join(", ") || "none"}`
          : "every case of the suite",
      ),
    ],
    ...(p?.phases
      ? ([["phases (hub time, why each ended)", esc(describePhases(p.phases))]] as [string, string][])
      : []),
    ...(p?.resumed ? ([["resumed (--resume)", esc(describeResumes(p.resumed))]] as [string, string][]) : []),
    [
      "baseline",
      `${esc(p?.suite.baselineFile ? `file ${p.suite.baselineFile}: ` : "built in: ")}${esc(
        Object.entries(report.baseline)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      )}`,
    ],
    ["hub variant", esc(p?.hubVariant ?? "(not recorded)")],
    ["endpoint layout", esc(p?.endpointLayout ?? "(not recorded)")],
    [
      "coordinator",
      esc(
        c
          ? `${c.adapter}${c.port ? ` on ${c.port}` : ""}; firmware ${c.type ?? "(not reported)"}${meta ? ` (${meta})` : ""}; IEEE ${c.ieee ?? "(unknown)"}`
          : "(not recorded)",
      ),
    ],
    ["lab", esc(lab?.lab ?? "—")],
    ["operator", esc(lab?.operator ?? "—")],
    ["notes", list(lab?.notes, "none")],
    ...(lab?.benchFile ? ([["bench file", `<code>${esc(lab.benchFile)}</code>`]] as [string, string][]) : []),
    ["deviations", list(p?.deviations, "none")],
    ["known limitations", list(p?.limitations, "none recorded")],
    [
      "requirements map",
      esc(
        p?.requirements
          ? `${p.requirements.name ?? "(untitled)"}${p.requirements.file ? ` from ${p.requirements.file}` : ""}`
          : "none given",
      ),
    ],
    [
      "evidence log",
      `<code>${esc(ev?.file ?? "(in memory)")}</code>, ${esc(plural(ev?.events ?? 0, "event"))}${ev?.sha256 ? `<br>SHA-256 <code>${esc(ev.sha256)}</code>${seal ? ` — ${esc(seal)}` : ""}` : ""}`,
    ],
  ];
  return [
    `<h2 id="provenance">Provenance</h2>`,
    kvTable(rows),
    `<h3>CoTs performed</h3>`,
    cotsTable(report),
    `<h3>Devices under test: declared and read</h3>`,
    identityTable(report),
    `<h3>Hub parameters</h3>`,
    kvTable(hubRows(report.hub)),
  ].join("\n");
}

/** A link to an event listed under "Events cited by the verdicts", or the bare number if it is not listed. */
function evLink(seq: number, cited: ReadonlySet<number>): string {
  return cited.has(seq) ? `<a href="#ev-${seq}">${seq}</a>` : String(seq);
}

function verdictTable(dut: DutResult, cited: ReadonlySet<number>): string {
  const rows = dut.results.map((r: CaseResult) => {
    const refs = r.evidence.map((n) => (cited.has(n) ? `<a href="#ev-${n}">#${n}</a>` : `#${n}`)).join(" ");
    const clauses = r.clauses?.length
      ? `<br><span class="muted">clauses: ${esc(r.clauses.map((c) => c.id).join("; "))}</span>`
      : "";
    return `<tr><td class="mono">${esc(r.id)}</td><td>${esc(r.title)}</td><td class="verdict ${verdictClass(r.verdict)}">${esc(r.verdict)}</td><td>${esc(r.reason)}${clauses}</td><td>${esc(r.basis.join(", "))}</td><td class="mono">${refs}</td></tr>`;
  });
  return `<table class="verdicts"><thead><tr><th>case</th><th>title</th><th>verdict</th><th>reason</th><th>basis</th><th>evidence</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function describeZcl(e: ZclEvent): string {
  const what = `${e.cluster ?? hex(e.clusterId, 4)} ${e.command}`;
  const fields = payloadFields(e);
  const text = fields.map((f) => (f.name === "attribute" ? f.value : `${f.name} ${f.value}`)).join(", ");
  return text ? `${what} ${text.length > 240 ? `${text.slice(0, 239)}…` : text}` : what;
}

interface Row {
  seq: number;
  t: string;
  cls: string;
  what: string;
  where: string;
  isCot: boolean;
}

function timelineRows(events: readonly Evidence[], ieee: string): Row[] {
  const device = ieee.toLowerCase();
  const rows: Row[] = [];
  for (const e of events) {
    if (e.kind === "cot") {
      rows.push({ seq: e.seq, t: e.t, cls: "cot", isCot: true, where: "hub", what: cotLine(e) });
      continue;
    }
    if (!("device" in e) || typeof e.device !== "string" || e.device.toLowerCase() !== device) continue;
    if (e.kind === "zcl" && e.dir === "in") {
      const where = `device ep ${e.deviceEp} → ${e.role ? `${e.role.toUpperCase()} ` : ""}ep ${e.hubEp}`;
      rows.push({ seq: e.seq, t: e.t, cls: "zcl", isCot: false, where, what: describeZcl(e) });
    } else if (e.kind === "presence") {
      rows.push({
        seq: e.seq,
        t: e.t,
        cls: "presence",
        isCot: false,
        where: "",
        what: e.online ? "comes online" : "goes offline",
      });
    } else if (e.kind === "join" || e.kind === "leave") {
      const what =
        e.kind === "join"
          ? `join ${e.accepted ? "accepted" : "refused"}: ${e.reason}`
          : `leaves${e.reason ? `: ${e.reason}` : ""}`;
      rows.push({ seq: e.seq, t: e.t, cls: "membership", isCot: false, where: "", what });
    } else if (e.kind === "discovery") {
      rows.push({
        seq: e.seq,
        t: e.t,
        cls: "zcl",
        isCot: false,
        where: "ZDO",
        what: `${e.request} → endpoints ${e.endpoints.join(", ") || "none"}`,
      });
    }
  }
  return rows;
}

/** Keeps every CoT row and the rows nearest (in sequence) to a CoT, up to `limit`. */
function capRows(rows: Row[], limit: number): Row[] {
  if (rows.length <= limit) return rows;
  const cots = rows.filter((r) => r.isCot).map((r) => r.seq);
  const distance = (r: Row) => (cots.length ? Math.min(...cots.map((c) => Math.abs(c - r.seq))) : r.seq);
  const keep = new Set(
    rows
      .map((r) => ({ r, d: r.isCot ? -1 : distance(r) }))
      .sort((a, b) => a.d - b.d || a.r.seq - b.r.seq)
      .slice(0, limit)
      .map((x) => x.r),
  );
  return rows.filter((r) => keep.has(r));
}

function timeline(events: readonly Evidence[], ieee: string, limit: number, cited: ReadonlySet<number>): string {
  const all = timelineRows(events, ieee);
  if (!all.some((r) => !r.isCot)) return '<p class="muted">no requests from this device were recorded</p>';
  const rows = capRows(all, limit);
  const cotTimes = all.filter((r) => r.isCot).map((r) => Date.parse(r.t));
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.cls}"><td class="mono">${evLink(r.seq, cited)}</td><td class="mono nowrap">${esc(r.t)}</td><td class="mono nowrap">${esc(sinceCot(cotTimes, r.t))}</td><td class="nowrap">${esc(r.where)}</td><td>${esc(r.what)}</td></tr>`,
    )
    .join("");
  const note =
    rows.length < all.length
      ? `<p class="note">Showing ${rows.length} of ${all.length} timeline rows (those nearest to a CoT); the evidence log has them all.</p>`
      : "";
  return `${note}<table class="timeline"><thead><tr><th>#</th><th>hub time</th><th>since CoT</th><th>from → to</th><th>what</th></tr></thead><tbody>${body}</tbody></table>`;
}

function dutSection(
  dut: DutResult,
  i: number,
  events: readonly Evidence[],
  limit: number,
  cited: ReadonlySet<number>,
): string {
  const facts: [string, string][] = [
    ["kind", esc(dut.kind)],
    ["EUI-64", `<code>${esc(dut.ieee)}</code>`],
  ];
  if (dut.profile) facts.push(["profile", esc(dut.profile)]);
  if (dut.dutFile) facts.push(["DUT file", `<code>${esc(dut.dutFile)}</code>`]);
  return [
    `<h2 id="dut-${i}">${esc(dut.label)}</h2>`,
    `<p>${badges(countsOf(dut.results))}</p>`,
    kvTable(facts),
    `<h3>Verdicts</h3>`,
    verdictTable(dut, cited),
    `<h3>Requests around the CoT</h3>`,
    timeline(events, dut.ieee, limit, cited),
  ].join("\n");
}

/** Evidence seq → the "DUT case" names citing it. */
function citations(report: RunReport): Map<number, string[]> {
  const citedBy = new Map<number, string[]>();
  for (const d of report.duts)
    for (const r of d.results)
      for (const n of r.evidence) citedBy.set(n, [...(citedBy.get(n) ?? []), `${d.label} ${r.id}`]);
  return citedBy;
}

const MAX_VALUE = 600;

/** An event's own fields as "name value" pairs, for the list of cited events. */
function inlineFields(e: Evidence): string {
  return eventFields(e)
    .map((f) => {
      const text =
        f.value.length > MAX_VALUE ? `${f.value.slice(0, MAX_VALUE)}… (cut; the evidence log has it all)` : f.value;
      return `<span class="field"><b>${esc(f.name)}</b> <code>${esc(text)}</code></span>`;
    })
    .join(" ");
}

function evidenceSection(citedBy: Map<number, string[]>, bySeq: ReadonlyMap<number, Evidence>, limit: number): string {
  if (citedBy.size === 0) return "";
  const seqs = [...citedBy.keys()].sort((a, b) => a - b);
  const shown = seqs.slice(0, limit);
  const rows = shown.map((n) => {
    const e = bySeq.get(n);
    const body = e ? inlineFields(e) : '<span class="muted">not in the evidence log</span>';
    return `<tr id="ev-${n}"><td class="mono">${n}</td><td class="mono">${esc(e?.kind ?? "?")}</td><td class="mono nowrap">${esc(e?.t ?? "")}</td><td>${esc(citedBy.get(n)!.join(", "))}</td><td class="fields">${body}</td></tr>`;
  });
  const note =
    shown.length < seqs.length ? `<p class="note">Showing ${shown.length} of ${seqs.length} cited events.</p>` : "";
  return `<h2 id="evidence">Events cited by the verdicts</h2>${note}<table class="evidence"><thead><tr><th>#</th><th>kind</th><th>hub time</th><th>cited by</th><th>event</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function answersSection(events: readonly Evidence[], cited: ReadonlySet<number>): string {
  const probes = events.filter(
    (e): e is Evidence & ProbeEvent => e.kind === "probe" && !!e.answers && Object.keys(e.answers).length > 0,
  );
  if (!probes.length) return "";
  const rows = probes.flatMap((p) =>
    Object.entries(p.answers!).map(
      ([q, a]) =>
        `<tr><td class="mono">${evLink(p.seq, cited)}</td><td class="mono">${esc(p.t)}</td><td>${esc(p.label)}</td><td>${esc(p.purpose)}</td><td>${esc(q)}</td><td>${esc(a)}</td></tr>`,
    ),
  );
  return `<h2 id="answers">Operator answers</h2><table class="answers"><thead><tr><th>#</th><th>hub time</th><th>device</th><th>purpose</th><th>question</th><th>answer</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function errorsSection(events: readonly Evidence[]): string {
  const errors = events.filter((e) => e.kind === "error");
  if (!errors.length) return "";
  const rows = errors
    .slice(0, 200)
    .map((e) =>
      e.kind === "error"
        ? `<tr><td class="mono">${e.seq}</td><td class="mono">${esc(e.t)}</td><td>${esc(e.source)}</td><td>${esc(e.device ?? "")}</td><td>${esc(e.message)}</td></tr>`
        : "",
    );
  const note = errors.length > 200 ? `<p class="note">Showing 200 of ${errors.length} errors.</p>` : "";
  return `<h2 id="errors">Errors during the run</h2>${note}<table><thead><tr><th>#</th><th>hub time</th><th>source</th><th>device</th><th>message</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Renders the whole report page. */
export function renderHtml(report: RunReport, events: Evidence[], opts: HtmlOptions = {}): string {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const run = sorted.find((e) => e.kind === "run");
  const bySeq = new Map(sorted.map((e) => [e.seq, e]));
  const citedBy = citations(report);
  const evidenceLimit = opts.evidenceLimit ?? 1000;
  // only events actually listed get anchors to link to
  const cited = new Set([...citedBy.keys()].sort((a, b) => a - b).slice(0, evidenceLimit));
  const title = `hanbench report ${report.provenance?.reportId ?? ""} — ${overall(report.summary).word} — ${report.duts.map((d) => d.label).join(", ")}`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>hanbench — Change-of-Tenancy report</h1>`,
    banner(report),
    grid(report),
    failingCases(report, bySeq, cited, opts.heldLimit ?? 60),
    answersTimeline(report, sorted, opts.answersLimit ?? 400, cited),
    provenance(report, run?.kind === "run" ? run.windowMs : undefined),
    `<section class="details">`,
    ...report.duts.map((d, i) => dutSection(d, i, sorted, opts.timelineLimit ?? 300, cited)),
    evidenceSection(citedBy, bySeq, evidenceLimit),
    answersSection(sorted, cited),
    errorsSection(sorted),
    `</section>`,
    `<p class="muted">Times are UTC. Hub time is the time of the emulated Comms Hub (stepped in a virtual run); event numbers (#) are positions in the run's evidence log.</p>`,
    "</body></html>",
    "",
  ].join("\n");
}

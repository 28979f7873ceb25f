/**
 * The HTML report: one self-contained page (inline CSS, no scripts, no external assets) that a person
 * reads after a run. Everything shown comes from the RunReport and the evidence log; every string from
 * them is escaped, since device names, messages and operator answers can hold anything.
 */
import type { CotEvent, DutDeclaration, Evidence, ProbeEvent, RunEvent, ZclEvent } from "../evidence/events.js";
import { withoutKeys } from "../evidence/json-safe.js";
import { type CaseResult, type DutResult, type RunReport, VERDICTS, type Verdict } from "../cluster-cot/results.js";
import { hex } from "../hex.js";
import { attributeId, ClusterId } from "../zcl/index.js";
import { readAttributeIds } from "../evidence/zcl-event.js";

export interface HtmlOptions {
  /** Most timeline rows per device (the rows nearest to a CoT are kept). Default 300. */
  timelineLimit?: number;
  /** Most evidence events listed behind the verdicts. Default 1000. */
  evidenceLimit?: number;
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

const COT_ATTRS = new Map<number, string>([
  [attributeId(ClusterId.deviceManagement, "changeOfTenancyUpdateDateTime"), "ChangeOfTenancyUpdateDateTime"],
  [attributeId(ClusterId.deviceManagement, "proposedTenancyChangeControl"), "ProposedTenancyChangeControl"],
]);

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #d0d0d5;padding:4px 7px;text-align:left;vertical-align:top}th{background:#f3f3f6;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.kv th{width:220px}.note{color:#555;font-style:italic}.muted{color:#777}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;margin-right:6px;font-weight:600;font-size:13px}
.v-pass{background:#d8f5dd;color:#0b5d1e}.v-fail{background:#fbd9d9;color:#8a1111}.v-inconclusive{background:#fff0c2;color:#6b4e00}
.v-error{background:#f1d5f5;color:#6b1577}.v-not_applicable{background:#e6e6ea;color:#444}.v-info{background:#dbe9fb;color:#123f7a}
.v-unknown{background:#eee;color:#000}td.verdict{font-weight:700;white-space:nowrap}
tr.cot td{background:#fff4d6;font-weight:600}tr.presence td,tr.membership td{background:#f4f4f8}
td.nowrap{white-space:nowrap}td.fields{word-break:break-word}.field{display:inline-block;margin:0 14px 2px 0}pre{white-space:pre-wrap;word-break:break-word;margin:0}a{color:#0b57d0}
`;

function kvTable(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join("")}</table>`;
}

function hubRows(hub: Record<string, unknown>): [string, string][] {
  // never shown, even if a producer slipped one in
  return Object.entries(withoutKeys(hub) as Record<string, unknown>).map(([k, v]) => [
    k,
    `<code>${esc(typeof v === "number" && k.toLowerCase().includes("pan") ? hex(v, 4) : v)}</code>`,
  ]);
}

function header(report: RunReport, run: RunEvent | undefined): string {
  const s = report.summary;
  const badges = VERDICTS.filter((v) => (s[v] ?? 0) > 0)
    .map((v) => `<span class="badge ${verdictClass(v)}">${esc(v)} ${s[v]}</span>`)
    .join("");
  const identity: [string, string][] = [
    ["tool", esc(`${report.tool} ${report.version}`)],
    ["mode", esc(report.mode)],
    ["seed", esc(String(report.seed))],
    ["started (hub time)", esc(report.startedAt)],
    ["finished (hub time)", esc(report.finishedAt)],
  ];
  if (run) identity.push(["detection window", esc(`${run.windowMs / 3_600_000} h of hub time (${run.windowMs} ms)`)]);
  const baseline = Object.entries(report.baseline).map(([k, v]): [string, string] => [k, esc(v)]);
  return [
    `<h1>hanbench — Change-of-Tenancy report</h1>`,
    `<p>${badges || '<span class="muted">no cases</span>'}</p>`,
    `<h2 id="run">Run</h2>`,
    kvTable(identity),
    `<h3>Hub parameters</h3>`,
    kvTable(hubRows(report.hub)),
    `<h3>Baseline</h3>`,
    baseline.length ? kvTable(baseline) : '<p class="muted">none given</p>',
  ].join("\n");
}

function dutAnchor(i: number): string {
  return `dut-${i}`;
}

function verdictTable(dut: DutResult): string {
  const rows = dut.results.map((r: CaseResult) => {
    const refs = r.evidence.map((n) => `<a href="#ev-${Number(n)}">#${Number(n)}</a>`).join(" ");
    return `<tr><td class="mono">${esc(r.id)}</td><td>${esc(r.title)}</td><td class="verdict ${verdictClass(r.verdict)}">${esc(r.verdict)}</td><td>${esc(r.reason)}</td><td class="mono">${refs}</td></tr>`;
  });
  return `<table class="verdicts"><thead><tr><th>case</th><th>title</th><th>verdict</th><th>reason</th><th>evidence</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function describeZcl(e: ZclEvent): string {
  const what = `${e.cluster ?? hex(e.clusterId, 4)} ${e.command}`;
  const ids: readonly unknown[] | undefined = readAttributeIds(e);
  if (ids) {
    const attrs = ids.map((a) =>
      typeof a === "number"
        ? e.clusterId === ClusterId.deviceManagement && COT_ATTRS.has(a)
          ? `${hex(a, 4)} ${COT_ATTRS.get(a)}`
          : hex(a, 4)
        : String(a),
    );
    return `${what} ${attrs.join(", ")}`;
  }
  if (e.payload === undefined || e.payload === null) return what;
  const p = JSON.stringify(e.payload);
  return `${what} ${p.length > 160 ? `${p.slice(0, 157)}…` : p}`;
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

interface Row {
  seq: number;
  t: string;
  cls: string;
  what: string;
  where: string;
  isCot: boolean;
}

function timelineRows(events: Evidence[], ieee: string): Row[] {
  const rows: Row[] = [];
  for (const e of events) {
    if (e.kind === "cot") {
      const c = e as Evidence & CotEvent;
      rows.push({
        seq: e.seq,
        t: e.t,
        cls: "cot",
        isCot: true,
        where: "hub",
        what: `CoT recorded on the ${String(c.meter).toUpperCase()}: from ${c.implementationTime}, control ${hex(c.control, 8)}, issuer event ${c.issuerEventId}${c.pushed ? ", pushed" : ", not pushed"}`,
      });
      continue;
    }
    if (!("device" in e) || e.device !== ieee) continue;
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

/** A link to an event listed under "Values behind the verdicts", or the bare number if it is not listed. */
function evLink(seq: number, cited: ReadonlySet<number>): string {
  return cited.has(seq) ? `<a href="#ev-${seq}">${seq}</a>` : String(seq);
}

function timeline(events: Evidence[], ieee: string, limit: number, cited: ReadonlySet<number>): string {
  const all = timelineRows(events, ieee);
  if (!all.some((r) => !r.isCot)) return '<p class="muted">no requests from this device were recorded</p>';
  const rows = capRows(all, limit);
  const cotTimes = all.filter((r) => r.isCot).map((r) => Date.parse(r.t));
  const since = (t: string) => {
    const ms = Date.parse(t);
    if (!cotTimes.length || Number.isNaN(ms)) return "";
    const prior = cotTimes.filter((c) => c <= ms);
    const ref = prior.length ? prior[prior.length - 1]! : cotTimes[0]!;
    return relative(ms - ref);
  };
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.cls}"><td class="mono">${evLink(r.seq, cited)}</td><td class="mono nowrap">${esc(r.t)}</td><td class="mono nowrap">${esc(since(r.t))}</td><td class="nowrap">${esc(r.where)}</td><td>${esc(r.what)}</td></tr>`,
    )
    .join("");
  const note =
    rows.length < all.length
      ? `<p class="note">Showing ${rows.length} of ${all.length} timeline rows (those nearest to a CoT); the evidence log has them all.</p>`
      : "";
  return `${note}<table class="timeline"><thead><tr><th>#</th><th>hub time</th><th>since CoT</th><th>from → to</th><th>what</th></tr></thead><tbody>${body}</tbody></table>`;
}

interface DutContext {
  decl: DutDeclaration | undefined;
  events: Evidence[];
  limit: number;
  cited: ReadonlySet<number>;
}

function dutSection(dut: DutResult, i: number, ctx: DutContext): string {
  const { decl, events, limit, cited } = ctx;
  const facts: [string, string][] = [
    ["kind", esc(dut.kind)],
    ["EUI-64", `<code>${esc(dut.ieee)}</code>`],
  ];
  if (dut.profile) facts.push(["profile", esc(dut.profile)]);
  if (dut.dutFile) facts.push(["DUT file", `<code>${esc(dut.dutFile)}</code>`]);
  if (decl?.firmware) facts.push(["firmware", esc(decl.firmware)]);
  if (decl?.claims) facts.push(["claims (IHDTS/PPMIDTS)", esc(decl.claims)]);
  if (decl?.probe) facts.push(["probe", esc(decl.probe)]);
  return [
    `<h2 id="${dutAnchor(i)}">${esc(dut.label)}</h2>`,
    kvTable(facts),
    `<h3>Verdicts</h3>`,
    verdictTable(dut),
    `<h3>Requests around the CoT</h3>`,
    timeline(events, dut.ieee, limit, cited),
  ].join("\n");
}

/** Fields shown as hex, with their digit count. */
const HEX_FIELDS = new Map<string, number>([
  ["nwk", 4],
  ["clusterId", 4],
  ["profileId", 4],
  ["control", 8],
]);
const MAX_VALUE = 600;

/** An event's own fields (not seq, times or kind, which have columns) as "name value" pairs. */
function eventFields(e: Evidence): string {
  return Object.entries(e)
    .filter(([k]) => !["seq", "t", "wall", "kind"].includes(k))
    .map(([k, v]) => {
      const width = HEX_FIELDS.get(k);
      let text = typeof v === "number" && width ? hex(v, width) : typeof v === "string" ? v : JSON.stringify(v);
      if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE)}… (cut; the evidence log has it all)`;
      return `<span class="field"><b>${esc(k)}</b> <code>${esc(text)}</code></span>`;
    })
    .join(" ");
}

/** Evidence seq → the "DUT case" names citing it. */
function citations(report: RunReport): Map<number, string[]> {
  const citedBy = new Map<number, string[]>();
  for (const d of report.duts)
    for (const r of d.results)
      for (const n of r.evidence) citedBy.set(n, [...(citedBy.get(n) ?? []), `${d.label} ${r.id}`]);
  return citedBy;
}

function evidenceSection(citedBy: Map<number, string[]>, events: Evidence[], limit: number): string {
  if (citedBy.size === 0) return "";
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const seqs = [...citedBy.keys()].sort((a, b) => a - b);
  const shown = seqs.slice(0, limit);
  const rows = shown.map((n) => {
    const e = bySeq.get(n);
    const body = e ? eventFields(e) : '<span class="muted">not in the evidence log</span>';
    return `<tr id="ev-${n}"><td class="mono">${n}</td><td class="mono">${esc(e?.kind ?? "?")}</td><td class="mono nowrap">${esc(e?.t ?? "")}</td><td>${esc(citedBy.get(n)!.join(", "))}</td><td class="fields">${body}</td></tr>`;
  });
  const note =
    shown.length < seqs.length ? `<p class="note">Showing ${shown.length} of ${seqs.length} cited events.</p>` : "";
  return `<h2 id="evidence">Values behind the verdicts</h2>${note}<table class="evidence"><thead><tr><th>#</th><th>kind</th><th>hub time</th><th>cited by</th><th>event</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function answersSection(events: Evidence[], cited: ReadonlySet<number>): string {
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

function errorsSection(events: Evidence[]): string {
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
  const run = events.find((e): e is Evidence & RunEvent => e.kind === "run");
  const limit = opts.timelineLimit ?? 300;
  const citedBy = citations(report);
  const evidenceLimit = opts.evidenceLimit ?? 1000;
  // only events actually listed get anchors to link to
  const cited = new Set([...citedBy.keys()].sort((a, b) => a - b).slice(0, evidenceLimit));
  const toc = report.duts.map((d, i) => {
    const counts = VERDICTS.map((v) => [v, d.results.filter((r) => r.verdict === v).length] as [Verdict, number])
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `<span class="badge ${verdictClass(v)}">${esc(v)} ${n}</span>`)
      .join("");
    return `<li><a href="#${dutAnchor(i)}">${esc(d.label)}</a> ${counts}</li>`;
  });
  const duts = report.duts.map((d, i) =>
    dutSection(d, i, {
      decl: run?.duts.find((x) => x.ieee === d.ieee && x.label === d.label) ?? run?.duts.find((x) => x.ieee === d.ieee),
      events,
      limit,
      cited,
    }),
  );
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`hanbench report — ${report.duts.map((d) => d.label).join(", ")}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    header(report, run),
    `<h2>Devices under test</h2><ul>${toc.join("")}</ul>`,
    ...duts,
    evidenceSection(citedBy, events, evidenceLimit),
    answersSection(events, cited),
    errorsSection(events),
    `<p class="muted">Times are hub time (UTC). Event numbers (#) are positions in the run's evidence log.</p>`,
    "</body></html>",
    "",
  ].join("\n");
}

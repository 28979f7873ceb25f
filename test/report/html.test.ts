import { describe, expect, it } from "vitest";
import { renderHtml } from "../../src/report/html.js";
import { HOSTILE, IHD_A, buildSample } from "./html-sample.js";

const VOID = new Set(["meta", "br", "img", "hr", "link", "input", "wbr"]);

/** HOSTILE as the page must show it: every markup character as its entity. */
const HOSTILE_TEXT =
  "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=&quot;http://evil.example/x.png&quot; onerror=&#39;boom()&#39;&gt;";

/** The text of an escaped cell (the five entities the page uses), or undefined if it holds raw markup characters. */
function text(cell: string): string | undefined {
  if (/[<>"']/.test(cell) || /&(?!(lt|gt|quot|#39|amp);)/.test(cell)) return undefined;
  return cell
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

interface Tag {
  name: string;
  close: boolean;
  attrs: string;
  at: number;
}

/** Tags of the page, in order. Sound for pages whose text and attribute values are escaped. */
function tags(html: string): Tag[] {
  return [...html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/g)].map((m) => ({
    close: m[1] === "/",
    name: m[2]!.toLowerCase(),
    attrs: m[3]!,
    at: m.index!,
  }));
}

/** Throws at the first tag that does not nest properly. */
function checkNesting(html: string): void {
  const stack: string[] = [];
  for (const t of tags(html)) {
    if (VOID.has(t.name)) continue;
    if (!t.close) stack.push(t.name);
    else if (stack.pop() !== t.name) throw new Error(`</${t.name}> at ${t.at} closes ${stack.at(-1) ?? "nothing"}`);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(" > ")}`);
}

/** The inner HTML of each element `name` with `class` containing `cls`, in order (no nesting of the same tag). */
function elements(html: string, name: string, cls: string): string[] {
  const re = new RegExp(`<${name}[^>]*class="[^"]*\\b${cls}\\b[^"]*"[^>]*>([\\s\\S]*?)</${name}>`, "g");
  return [...html.matchAll(re)].map((m) => m[1]!);
}

function cells(row: string): string[] {
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!);
}

function rows(table: string): string[] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[0]);
}

describe("HTML report", () => {
  const { report, events } = buildSample();
  const html = renderHtml(report, events);

  it("is one well-formed page with inline CSS, no scripts and no external URLs", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    checkNesting(html);
    const names = new Set(tags(html).map((t) => t.name));
    expect(names.has("style")).toBe(true);
    for (const banned of ["script", "img", "link", "iframe", "object", "embed"]) expect(names.has(banned)).toBe(false);
    for (const t of tags(html)) {
      expect(t.attrs).not.toMatch(/\bon[a-z]+\s*=/i);
      const ref = /\b(?:href|src)="([^"]*)"/.exec(t.attrs)?.[1];
      if (ref !== undefined) expect(ref).toMatch(/^#[\w-]+$/);
    }
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(css).not.toMatch(/url\(|@import/);
    expect(html).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\/?[^"\s<]*"/i);
  });

  it("names the run: tool version, mode, seed, baseline and hub parameters without keys", () => {
    for (const s of ["hanbench 0.1.0", "virtual", ">42<", "IHDTS", "CHTS", "0x1a62", "gpfEndpoint", "24 h of hub time"])
      expect(html).toContain(s);
    expect(html).not.toContain("networkKey");
    expect(html).not.toContain("must-not-show");
    expect(html).toContain(report.startedAt);
    expect(html).toContain(report.finishedAt);
  });

  it("has a verdict table per DUT with one row per case, verdict coloured by class", () => {
    const tables = elements(html, "table", "verdicts");
    expect(tables).toHaveLength(report.duts.length);
    report.duts.forEach((dut, i) => {
      const trs = rows(tables[i]!);
      expect(trs).toHaveLength(dut.results.length);
      dut.results.forEach((r, j) => {
        const c = cells(trs[j]!);
        expect(c[0]).toBe(r.id);
        expect(text(c[1]!)).toBe(r.title);
        expect(c[2]).toBe(r.verdict);
        expect(trs[j]).toContain(`class="verdict v-${r.verdict}"`);
        expect(text(c[3]!)).toBe(r.reason);
      });
    });
    expect(html).toMatch(/\.v-fail\{[^}]*background:#fbd9d9/);
  });

  it("escapes a hostile reason, label and operator answer", () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain("<script");
    expect(html).toContain(HOSTILE_TEXT);
    expect(tags(html).some((t) => t.name === "img")).toBe(false);
    const hostileCells = elements(html, "table", "verdicts")
      .flatMap(rows)
      .flatMap(cells)
      .filter((c) => c.includes("evil.example"));
    expect(hostileCells).toEqual([HOSTILE_TEXT]);
  });

  it("links every case's evidence to the listed event, and lists what each event says", () => {
    const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(ids.has(h), h).toBe(true);
    const cited = new Set(report.duts.flatMap((d) => d.results.flatMap((r) => r.evidence)));
    const evRows = rows(elements(html, "table", "evidence")[0]!);
    expect(evRows).toHaveLength(cited.size);
    const cot = events.find((e) => e.kind === "cot")!;
    const cotRow = evRows.find((r) => r.includes(`id="ev-${cot.seq}"`))!;
    expect(cells(cotRow)[1]).toBe("cot");
    expect(cotRow).toContain("<b>control</b> <code>0x00000600</code>");
    expect(cotRow).toContain("<b>implementationTime</b> <code>2026-03-01T09:01:10.000Z</code>");
    expect(cells(cotRow)[3]).toContain("ihd:compliant COT-03");
  });

  it("shows each device's requests around the CoT in hub time, with endpoint and role, CoT marked", () => {
    const tl = elements(html, "table", "timeline");
    expect(tl).toHaveLength(2);
    const a = rows(tl[0]!);
    const cotRows = a.filter((r) => r.startsWith('<tr class="cot"'));
    expect(cotRows).toHaveLength(1);
    expect(cotRows[0]).toContain("CoT recorded on the GPF");
    expect(cotRows[0]).toContain("0x00000600");
    const reads = a.filter((r) => r.includes("seDeviceManagement read"));
    expect(reads).toHaveLength(3);
    const last = cells(reads[2]!);
    expect(last[2]).toBe("+30m 4s");
    expect(last[3]).toBe("device ep 1 → ESME ep 10");
    expect(last[4]).toContain("0x0200 ChangeOfTenancyUpdateDateTime, 0x0201 ProposedTenancyChangeControl");
    expect(cells(reads[0]!)[2]).toMatch(/^−1m \d+s$/);
    // the other device's reads are not in this device's timeline
    const aSeqs = events.filter((e) => e.kind === "zcl" && e.device === IHD_A).length;
    expect(reads.length).toBe(aSeqs);
  });

  it("lists operator answers verbatim (escaped)", () => {
    const t = elements(html, "table", "answers")[0]!;
    const r = rows(t);
    expect(r).toHaveLength(2);
    expect(cells(r[0]!)[4]).toBe("Does the display still show the message &#39;T1-MSG-4821 previous occupier&#39;?");
    expect(cells(r[0]!)[5]).toBe("no");
    expect(cells(r[1]!)[5]).toBe(`yes ${HOSTILE_TEXT}`);
  });

  it("caps a long timeline, keeping the CoT and the rows nearest to it, and says so", () => {
    const long = buildSample({ requests: 600 });
    const page = renderHtml(long.report, long.events, { timelineLimit: 40 });
    checkNesting(page);
    const tl = elements(page, "table", "timeline");
    const a = rows(tl[0]!);
    expect(a).toHaveLength(40);
    expect(a.some((r) => r.startsWith('<tr class="cot"'))).toBe(true);
    const total =
      long.events.filter(
        (e) => (e.kind === "zcl" || e.kind === "join" || e.kind === "discovery") && "device" in e && e.device === IHD_A,
      ).length + 1;
    expect(page).toContain(`Showing 40 of ${total} timeline rows`);
    // kept rows are the ones nearest the CoT: the last poll of the run is dropped
    const lastSeq = Math.max(...long.events.filter((e) => e.kind === "zcl" && e.device === IHD_A).map((e) => e.seq));
    expect(a.some((r) => cells(r)[0] === String(lastSeq))).toBe(false);
  });
});

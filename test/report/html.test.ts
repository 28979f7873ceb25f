/**
 * The HTML report, verdict first: banner, device × case grid, failing cases with their evidence decoded by field
 * and what the device held, the hub's answers to CoT queries, the provenance, then the details. Expected text is
 * written out (escaped by hand where the sample's hostile string is in it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import type { RunReport } from "../../src/cluster-cot/results.js";
import type { Evidence } from "../../src/evidence/events.js";
import { renderHtml } from "../../src/report/html.js";
import { withoutOperator } from "../cluster-cot/evidence-edits.js";
import { recordedRun } from "../support/recorded-run.js";
import { IHD_A, buildSample } from "./html-sample.js";

const HOSTILE_ESCAPED =
  "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=&quot;http://evil.example/x.png&quot; onerror=&#39;boom()&#39;&gt;";
const MESSAGE =
  "T1-MSG-4821 previous occupier: your tariff changes on 1 April; the standing charge rises by 2p a day and the unit rate falls by 0.4p per kWh. Call 0800 000 0000 for a review of your payment plan.";

const VOID = new Set(["meta", "br", "img", "hr", "link", "input", "wbr"]);

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

/** The inner HTML of the element with this id (no nesting of the same tag inside). */
function byId(html: string, name: string, id: string): string {
  const m = new RegExp(`<${name}[^>]*id="${id}"[^>]*>([\\s\\S]*?)</${name}>`).exec(html);
  if (!m) throw new Error(`no <${name} id="${id}">`);
  return m[1]!;
}

function cells(row: string): string[] {
  return [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1]!);
}

function rows(table: string): string[] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[0]);
}

/** Text without tags, entities as they are. */
const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("HTML report", () => {
  const { report, events } = buildSample();
  const html = renderHtml(report, events);

  it("is one well-formed page with inline CSS, no scripts and no external URLs, laid out for A4 print", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    checkNesting(html);
    const names = new Set(tags(html).map((t) => t.name));
    expect(names.has("style")).toBe(true);
    for (const banned of ["script", "img", "link", "iframe", "object", "embed"]) expect(names.has(banned)).toBe(false);
    for (const t of tags(html)) {
      // no event handler attributes (an escaped "onerror=" inside a quoted title is text)
      expect(t.attrs.replace(/"[^"]*"/g, '""')).not.toMatch(/\bon[a-z]+\s*=/i);
      const ref = /\b(?:href|src)="([^"]*)"/.exec(t.attrs)?.[1];
      if (ref !== undefined) expect(ref).toMatch(/^#[\w-]+$/);
    }
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(css).not.toMatch(/url\(|@import/);
    expect(css).toContain("@page{size:A4;");
    expect(css).toMatch(/@media print\{[\s\S]*print-color-adjust:exact/);
    expect(html).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\/?[^"\s<]*"/i);
  });

  it("opens with a banner: the overall result, the counts and the warnings", () => {
    const banner = byId(html, "header", "banner");
    expect(html.indexOf('id="banner"')).toBeLessThan(html.indexOf('id="grid"'));
    expect(/<header id="banner" class="banner v-fail">/.test(html)).toBe(true);
    expect(elements(banner, "div", "result")).toEqual(["FAIL"]);
    expect(elements(banner, "div", "counts")).toEqual([
      "6 pass · 2 fail · 1 inconclusive · 1 not_applicable · 1 info — 11 cases on 2 devices",
    ]);
    expect(banner).toContain("report hb-20260301T090000Z-5a3c9e01 · virtual dry-run · ");
    expect(banner).toContain("Acme Test House, bench 2");
    expect(banner).toContain(
      `<li>warning: ${HOSTILE_ESCAPED}: declared firmware &#39;5.0.3&#39;, but its Basic cluster reports &#39;5.0.4&#39;</li>`,
    );
  });

  it("says PASS or INCONCLUSIVE as the exit code would", async () => {
    const pass = buildReport(await recordedRun(["ihd:compliant"]));
    const withoutTerminal = await recordedRun(["ihd:compliant"]);
    withoutOperator(withoutTerminal, "ihd:compliant");
    const operator = buildReport(withoutTerminal);
    expect(elements(renderHtml(pass, []), "div", "result")).toEqual(["PASS"]);
    expect(elements(renderHtml(operator, []), "div", "result")).toEqual(["INCONCLUSIVE"]);
  }, 600_000);

  it("has a device × case grid, each cell coloured by class and worded, failing cells linked to their case", () => {
    const grid = elements(html, "table", "grid")[0]!;
    const head = cells(/<thead>([\s\S]*?)<\/thead>/.exec(grid)![1]!);
    expect(head).toEqual(["device", "COT-01", "COT-03", "COT-04", "COT-05", "COT-06", "COT-07", "COT-11", "COT-12"]);
    const [a, b] = rows(grid);
    expect(cells(a!).map(text)).toEqual(["ihd:compliant", "pass", "pass", "pass", "pass", "—", "—", "n/a", "—"]);
    expect(cells(b!).map(text)).toEqual([
      HOSTILE_ESCAPED,
      "pass",
      "pass",
      "—",
      "FAIL",
      "FAIL",
      "INCONCL.",
      "—",
      "info",
    ]);
    expect(b).toContain('<td class="cell v-fail" title="COT-06 fail: after-cot probe seq');
    expect(b).toContain('<a href="#case-1-COT-06">FAIL</a>');
    expect(a).toContain('<td class="cell v-not_applicable"');
    expect(html).toMatch(/table\.grid td\.v-fail,table\.grid td\.v-error\{font-weight:800;outline:2px solid/);
  });

  it("shows each failing case: reason, basis, its evidence decoded field by field, and what the device held", () => {
    const article = byId(html, "article", "case-1-COT-06");
    expect(article).toContain("— COT-06 Clears supplier messages</h3>");
    expect(article).toContain("basis: gb");
    expect(article).toMatch(
      /<p class="reason">after-cot probe seq \d+ still holds 1 supplier message\(s\) it held across T \(msg 4821\)/,
    );
    // the DisplayMessage frame, decoded from its bytes
    const rowsOf = (name: string) =>
      [...article.matchAll(new RegExp(`<tr><th>${name}</th><td>([^<]*)</td></tr>`, "g"))].map((m) => m[1]);
    expect(rowsOf("cluster")[0]).toBe("0x0703 seMessaging");
    expect(rowsOf("command")[0]).toBe("displayMessage (specific 0x00, serverToClient)");
    expect(rowsOf("messageId")).toEqual(["4821"]);
    expect(rowsOf("startTime")).toEqual(["2026-03-01T09:00:30Z"]);
    expect(rowsOf("durationInMinutes")).toEqual(["untilChanged (65535)"]);
    expect(rowsOf("message")).toEqual([MESSAGE]);
    // the CoT, its control bits named
    expect(rowsOf("control \\(PTCC\\)")).toEqual([
      "0x00000600 · clearIhdDataConsumer, clearIhdDataSupplier · meterContactorState supplyOff",
    ]);
    expect(article).not.toContain("{&quot;");
    // what it held, by occupier and period, the message in full
    const held = elements(article, "table", "held");
    expect(held).toHaveLength(2);
    expect(article).toContain("<h5>Previous occupier (2 items)</h5>");
    expect(article).toContain("<h5>New occupier (1 item)</h5>");
    const previous = rows(held[0]!).map((r) => cells(r).map(text));
    expect(previous).toEqual([
      ["previous, held across T", "message", `message 4821: ${MESSAGE}`, expect.stringMatching(/^#\d+$/)],
      [
        "previous",
        "2026-02-28T00:00:00.000Z",
        "consumption: ESME previousDayConsumptionDelivered = 1234",
        expect.stringMatching(/^#\d+$/),
      ],
    ]);
    expect(rows(held[1]!).map((r) => cells(r).map(text)[2])).toEqual([
      "consumption: GPF currentDayConsumptionDelivered = 77",
    ]);
    // an escaped hostile reason, and no held section for a failing case that has none
    const cot05 = byId(html, "article", "case-1-COT-05");
    expect(cot05).toContain(`<p class="reason">${HOSTILE_ESCAPED}</p>`);
    expect(cot05).not.toContain("What the device held");
  });

  it("lays out the hub's answers to each device's CoT queries, decoded, an unchanged answer once", () => {
    const [a] = elements(html, "table", "replies");
    const r = rows(a!).map((x) => cells(x).map(text));
    expect(r.map((x) => x[3])).toEqual(["GPF ep 9", "hub", "GPF ep 9", "ESME ep 10"]);
    expect(r[0]![4]).toBe(
      "readRsp: changeOfTenancyUpdateDateTime no CoT / invalid (4294967295) (UTC); proposedTenancyChangeControl 0x00000000 · no bits set · meterContactorState supplyOff (BITMAP32)",
    );
    expect(r[1]![4]).toBe(
      "CoT recorded on the GPF: T 2026-03-01T09:01:10.000Z, PTCC 0x00000600 · clearIhdDataConsumer, clearIhdDataSupplier · meterContactorState supplyOff, issuer event 7, not pushed",
    );
    expect(r[2]![4]).toMatch(
      /^readRsp: changeOfTenancyUpdateDateTime 2026-03-01T09:01:10Z \(UTC\); proposedTenancyChangeControl 0x00000600 .* \(the same 2 times, until 2026-03-01T09:3\d:\d\d\.000Z\)$/,
    );
    expect(r[2]![2]).toBe("+30m 2s");
  });

  it("states the provenance: run, versions, suite, coordinator, lab, CoTs, DUT identity, evidence hash; no keys", () => {
    const prov = html.slice(html.indexOf('id="provenance"'), html.indexOf('class="details"'));
    const kv = Object.fromEntries(
      [...prov.matchAll(/<tr><th>([^<]*)<\/th><td>([\s\S]*?)<\/td><\/tr>/g)].map((m) => [m[1], text(m[2]!)]),
    );
    expect(kv).toMatchObject({
      "report id": "hb-20260301T090000Z-5a3c9e01",
      hanbench: "hanbench 0.1.0, commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904, run from source",
      "zigbee-herdsman": "11.1.1",
      suite: "CoT suite v1; detection window 24 h of hub time (86400000 ms); seed 42",
      baseline: "built in: ESMETS 5.1, IHDTS 5.0, PPMIDTS 5.0, GBCS 5.0, CHTS 1.5",
      "hub variant": "reference",
      "endpoint layout": "default",
      coordinator:
        "zstack on tcp://127.0.0.1:6638; firmware ZStack3x0 (product 1, majorrel 2, minorrel 7, revision 20230507); IEEE 0x00db1234567890ff",
      lab: "Acme Test House, bench 2",
      operator: "J. Smith",
      notes: `IHD on mains${HOSTILE_ESCAPED}`,
      deviations: "none",
      "known limitations": "no Certificate-Based Key Establishment and no APS security",
      "requirements map": "none given",
    });
    expect(kv["hub time span (stepped)"]).toBe("2026-03-01T09:00:00.000Z → 2026-03-01T10:31:17.000Z");
    expect(kv["evidence log"]).toContain(
      `SHA-256 ${"5e".repeat(32)} — matches the seal written when the run closed the log`,
    );
    const cots = rows(elements(prov, "table", "cots")[0]!).map((r) => cells(r).map(text));
    expect(cots).toEqual([
      [
        expect.stringMatching(/^\d+$/),
        "2026-03-01T09:01:07.000Z",
        "2026-03-01T09:01:10.000Z",
        "0x00000600 · clearIhdDataConsumer, clearIhdDataSupplier · meterContactorState supplyOff",
        "GPF",
        "no",
        "7",
      ],
    ]);
    const identity = rows(elements(prov, "table", "identity")[0]!).map((r) => cells(r).map(text));
    expect(identity).toContainEqual(["firmware", "5.0.3", "5.0.4", "differs"]);
    expect(identity).toContainEqual(["model", "not declared", "IHD-7", ""]);
    expect(identity).toContainEqual(["firmware", "compliant", "compliant", ""]);
    expect(html).not.toContain("networkKey");
    expect(html).not.toContain("must-not-show");
  });

  it("keeps the per-device details: every verdict with its reason and basis, the requests around the CoT", () => {
    const tables = elements(html, "table", "verdicts");
    expect(tables).toHaveLength(report.duts.length);
    const first = rows(tables[0]!).map((r) => cells(r).map(text));
    expect(first[1]).toEqual([
      "COT-03",
      "Queries the GPF for CoT",
      "pass",
      "read 0x0200 on GPF ep 9 30 min after the CoT",
      "gb, policy",
      expect.stringMatching(/^#\d+ #\d+$/),
    ]);
    const tl = elements(html, "table", "timeline");
    expect(tl).toHaveLength(2);
    const reads = rows(tl[0]!).filter((r) => r.includes("seDeviceManagement read"));
    expect(reads).toHaveLength(4);
    const last = cells(reads[3]!);
    expect(last[3]).toBe("device ep 1 → GPF ep 9");
    expect(last[4]).toBe(
      "seDeviceManagement read 0x0200 changeOfTenancyUpdateDateTime, 0x0201 proposedTenancyChangeControl",
    );
    expect(cells(reads[0]!)[2]).toMatch(/^−1m \d+s$/);
  });

  it("links every case's evidence to the listed event, and escapes hostile operator answers", () => {
    const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(ids.has(h), h).toBe(true);
    const answers = rows(elements(html, "table", "answers")[0]!);
    expect(cells(answers[1]!)[5]).toBe(`yes ${HOSTILE_ESCAPED}`);
    expect(html).not.toContain("<script");
    expect(tags(html).some((t) => t.name === "img")).toBe(false);
  });

  it("caps a long request timeline, keeping the CoT and the rows nearest to it, and says so", () => {
    const long = buildSample({ requests: 600 });
    const page = renderHtml(long.report, long.events, { timelineLimit: 40 });
    checkNesting(page);
    const a = rows(elements(page, "table", "timeline")[0]!);
    expect(a).toHaveLength(40);
    expect(a.some((r) => r.startsWith('<tr class="cot"'))).toBe(true);
    const total =
      long.events.filter(
        (e: Evidence) =>
          ((e.kind === "zcl" && e.dir === "in") || e.kind === "join" || e.kind === "discovery") && e.device === IHD_A,
      ).length + 1;
    expect(page).toContain(`Showing 40 of ${total} timeline rows`);
    const lastSeq = Math.max(...long.events.filter((e) => e.kind === "zcl" && e.device === IHD_A).map((e) => e.seq));
    expect(a.some((r) => cells(r)[0] === String(lastSeq))).toBe(false);
  });
});

describe("HTML report of a recorded virtual run", () => {
  let report: RunReport;
  let events: Evidence[];
  beforeAll(async () => {
    events = await recordedRun(["ihd:keeps-messages", "ppmid:compliant"]);
    report = buildReport(events);
  }, 600_000);

  it("shows the failing COT-06 with the previous occupier's message the device kept, in full", () => {
    const html = renderHtml(report, events);
    checkNesting(html);
    expect(elements(html, "div", "result")).toEqual(["FAIL"]);
    const article = byId(html, "article", "case-0-COT-06");
    const previous = /<h5>Previous occupier \(\d+ items?\)<\/h5><table class="held">([\s\S]*?)<\/table>/.exec(article);
    expect(previous).not.toBeNull();
    // the message the device kept, as its probe reported it (the probe event's holdings), in full
    const snapshot = report.duts[0]!.results.find((r) => r.id === "COT-06")!.held![0]!;
    const probe = events.find((e) => e.seq === snapshot.probe);
    const held = probe?.kind === "probe" ? (probe.holdings?.messages ?? []) : [];
    expect(held.length).toBeGreaterThan(0);
    const kept = snapshot.items.filter((i) => i.occupier === "previous" && i.text !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    for (const k of kept) {
      const m = held.find((x) => x.messageId === k.messageId)!;
      expect(m.text).not.toBe("");
      expect(text(previous![1]!)).toContain(`message ${m.messageId}: ${m.text}`);
    }
    // COT-06, and COT-13 and COT-20, which ask for the messages to go too
    expect(elements(html, "article", "case")).toHaveLength(3);
  });
});

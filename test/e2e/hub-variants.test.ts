/**
 * The compliant IHD and PPMID under every hub variant (cot-suite.md "Hub variants") and both endpoint layouts
 * ("Actors and hub topology": `default`, `silabs`), through the whole stack: every pass/fail case passes; the query case of a meter that carries no CoT is not_applicable, and so is
 * COT-17 for the IHD (Type 2); the run event names the variant; the meters hold the CoT as the variant has
 * it; where GetChangeOfTenancy is answered the devices take the PublishChangeOfTenancy path.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import type { RunReport } from "../../src/cluster-cot/results.js";
import type { Evidence } from "../../src/evidence/events.js";
import { ENDPOINT_LAYOUTS, type EndpointLayoutName } from "../../src/hub/layout.js";
import { HUB_VARIANTS, type HubVariantName } from "../../src/hub/variants.js";
import { runSuite } from "../../src/runner/run.js";

/**
 * The query case of each meter that carries no CoT under the variant, and COT-15 (a CoT on each meter of a
 * dual-fuel home, one at a time).
 */
const NOT_APPLICABLE: Partial<Record<HubVariantName, string[]>> = {
  "esme-pre-5.1": ["COT-04", "COT-15"],
  "gpf-pre-1.5": ["COT-03", "COT-15"],
  "electricity-only": ["COT-03", "COT-15"],
};

/**
 * What ihd:bits-only fails beyond COT-13 where a meter's CoT carries no control bits. With the ESME's control
 * reading 0 or absent, the main and the second CoT leave its electricity history (COT-05, COT-20; the
 * messages go with the GPF's 0x600, and COT-08/10 see something cleared), and so do the back-dated CoTs
 * (COT-14) and, joining after a CoT, it fetches the electricity history before T (COT-19). With the ESME alone
 * carrying a date only (gpf-pre-1.5) it clears nothing at any CoT. (Under electricity-only the ESME's CoT carries its
 * control: only COT-13.)
 */
const BITS_ONLY_FAILS: Partial<Record<HubVariantName, string[]>> = {
  "esme-date-only": ["COT-05", "COT-13", "COT-14", "COT-19", "COT-20"],
  "esme-ptcc-unsupported": ["COT-05", "COT-13", "COT-14", "COT-19", "COT-20"],
  "gpf-pre-1.5": ["COT-05", "COT-06", "COT-08", "COT-10", "COT-13", "COT-14", "COT-19", "COT-20"],
};

/**
 * The devices of each variant's run: the compliant IHD and PPMID, an IHD that clears only what the bits name,
 * one that acts only on the first CoT it sees and one that clears again after its own restarts.
 */
const DEVICES = [
  { kind: "ihd", profile: "compliant", label: "ihd:compliant" },
  { kind: "ppmid", profile: "compliant", label: "ppmid:compliant" },
  { kind: "ihd", profile: "bits-only", label: "ihd:bits-only" },
  { kind: "ihd", profile: "first-cot-only", label: "ihd:first-cot-only" },
  { kind: "ihd", profile: "restart-clear", label: "ihd:restart-clear" },
  { kind: "ihd", profile: "ignores-past", label: "ihd:ignores-past" },
] as const;

async function run(
  variant: HubVariantName,
  endpointLayout: EndpointLayoutName,
  devices: { kind: "ihd" | "ppmid"; profile: string; label: string }[] = [...DEVICES],
  cases?: string,
): Promise<{ report: RunReport; events: Evidence[] }> {
  const dir = mkdtempSync(join(tmpdir(), `hb-variant-${variant}-`));
  try {
    const outcome = await runSuite({
      mode: "virtual",
      devices,
      endpointLayout,
      ...(cases !== undefined ? { cases } : {}),
      seed: 4,
      windowMs: 24 * 3_600_000,
      evidencePath: join(dir, "evidence.jsonl"),
      hubVariant: variant,
      quiet: true,
      tool: "hanbench",
      version: "test",
    });
    expect(outcome.aborted).toBeUndefined();
    return { report: buildReport(outcome.events), events: outcome.events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MATRIX = HUB_VARIANTS.flatMap((variant) => ENDPOINT_LAYOUTS.map((layout) => [variant, layout] as const));

describe.each(MATRIX)("hub variant %s, endpoint layout %s", (variant, layout) => {
  let report: RunReport;
  let events: Evidence[];
  beforeAll(async () => {
    ({ report, events } = await run(variant, layout));
  }, 120_000);

  it("the compliant IHD and PPMID pass every pass/fail case; a meter without a CoT is not_applicable", () => {
    const na = NOT_APPLICABLE[variant] ?? [];
    expect(report.duts.map((d) => d.label)).toEqual([
      "ihd:compliant",
      "ppmid:compliant",
      "ihd:bits-only",
      "ihd:first-cot-only",
      "ihd:restart-clear",
      "ihd:ignores-past",
    ]);
    for (const d of report.duts.filter((x) => x.profile === "compliant")) {
      for (const r of d.results) {
        // COT-17: the IHD is Type 2; the PPMID keys its link with the CHF's ESI endpoint under every variant
        const expected =
          na.includes(r.id) || (r.id === "COT-17" && d.label.startsWith("ihd:"))
            ? ["not_applicable"]
            : r.id === "COT-11" || r.id === "COT-12" || r.id === "COT-18"
              ? ["info", "not_applicable"]
              : r.id === "COT-15"
                ? ["info"]
                : ["pass"];
        expect([d.label, r.id, r.verdict, r.reason]).toEqual([d.label, r.id, expect.toBeOneOf(expected), r.reason]);
      }
    }
  });

  it("bits-only fails COT-13, and where a meter's CoT carries no control bits what that leaves", () => {
    const d = report.duts.find((x) => x.label === "ihd:bits-only")!;
    const failed = d.results.filter((r) => r.verdict === "fail").map((r) => r.id);
    expect(failed).toEqual(BITS_ONLY_FAILS[variant] ?? ["COT-13"]);
    expect(d.results.filter((r) => r.verdict === "error")).toEqual([]);
  });

  it("first-cot-only fails COT-20 and the cases of the later CoTs it leaves alone (future, away, COT-13's, COT-14's)", () => {
    const d = report.duts.find((x) => x.label === "ihd:first-cot-only")!;
    const failed = d.results.filter((r) => r.verdict === "fail").map((r) => r.id);
    expect(failed).toEqual(["COT-08", "COT-10", "COT-13", "COT-14", "COT-20"]);
    expect(d.results.filter((r) => r.verdict === "error")).toEqual([]);
  });

  it("ignores-past fails COT-14 and COT-19 and nothing else", () => {
    const d = report.duts.find((x) => x.label === "ihd:ignores-past")!;
    const failed = d.results.filter((r) => r.verdict === "fail").map((r) => r.id);
    expect(failed).toEqual(["COT-14", "COT-19"]);
    expect(d.results.filter((r) => r.verdict === "error")).toEqual([]);
  });

  it("restart-clear fails COT-16 alone: it clears the new tenancy's data again after its restarts", () => {
    const d = report.duts.find((x) => x.label === "ihd:restart-clear")!;
    const failed = d.results.filter((r) => r.verdict === "fail").map((r) => r.id);
    expect(failed).toEqual(["COT-16"]);
    expect(d.results.filter((r) => r.verdict === "error" || r.verdict === "inconclusive")).toEqual([]);
  });

  it("names the variant and the layout in the run event, and the meters hold the CoT as the variant has it", () => {
    const runEvent = events.find((e) => e.kind === "run");
    expect(runEvent?.kind === "run" && runEvent.hub.variant).toBe(variant);
    expect(runEvent?.kind === "run" && runEvent.endpointLayout).toBe(layout);
    expect(report.provenance.endpointLayout).toBe(layout);
    const cots = events.filter((e): e is Extract<Evidence, { kind: "cot" }> => e.kind === "cot");
    const meters = new Set(cots.map((c) => c.meter));
    expect([...meters].sort()).toEqual(
      variant === "esme-pre-5.1"
        ? ["gpf"]
        : variant === "gpf-pre-1.5" || variant === "electricity-only"
          ? ["esme"]
          : ["esme", "gpf"],
    );
    const esme = cots.filter((c) => c.meter === "esme");
    const gpf = cots.filter((c) => c.meter === "gpf");
    if (variant === "esme-date-only" || variant === "gpf-pre-1.5" || variant === "esme-ptcc-unsupported") {
      expect(esme.every((c) => c.control === 0)).toBe(true);
    }
    if (variant === "reference") expect(esme.some((c) => c.control === 0x600)).toBe(true);
    if (variant === "provider-zero") expect(gpf.every((c) => c.providerId === 0)).toBe(true);
    else expect(cots.every((c) => c.providerId !== 0)).toBe(true);
  });

  it("the devices get PublishChangeOfTenancy where GetChangeOfTenancy is answered", () => {
    const published = events.filter(
      (e) => e.kind === "zcl" && e.dir === "out" && e.clusterId === 0x0708 && e.command === "publishChangeOfTenancy",
    );
    if (variant === "attributes-only") expect(published).toEqual([]);
    else expect(published.length).toBeGreaterThan(0);
  });
});

describe("hub variant electricity-only: the ESME's CoT is the main CoT, and COT-05/06 judge it", () => {
  let report: RunReport;
  let events: Evidence[];
  beforeAll(async () => {
    ({ report, events } = await run(
      "electricity-only",
      "default",
      [
        { kind: "ihd", profile: "keeps-history", label: "ihd:keeps-history" },
        { kind: "ihd", profile: "keeps-messages", label: "ihd:keeps-messages" },
      ],
      "COT-05,COT-06",
    ));
  }, 120_000);

  it("records the main CoT on the ESME alone and fails each device on the clear it skips", () => {
    const cots = events.filter((e) => e.kind === "cot");
    expect(cots.map((c) => c.kind === "cot" && c.meter)).toEqual(["esme"]);
    const result = (label: string, id: string) =>
      report.duts.find((d) => d.label === label)!.results.find((r) => r.id === id)!;
    for (const [label, failed, passed] of [
      ["ihd:keeps-history", "COT-05", "COT-06"],
      ["ihd:keeps-messages", "COT-06", "COT-05"],
    ] as const) {
      expect([result(label, failed).verdict, result(label, failed).reason]).toEqual([
        "fail",
        expect.stringMatching(/; CoT ESME seq \d+ T \S+/),
      ]);
      expect(result(label, failed).reason).not.toMatch(/GPF seq/);
      expect(result(label, passed).verdict).toBe("pass");
    }
  });
});

describe("endpoint layout silabs: a device fixed on endpoint 1 reaches the ESI there, but not the meters", () => {
  let report: RunReport;
  beforeAll(async () => {
    ({ report } = await run("reference", "silabs", [
      { kind: "ihd", profile: "fixed-endpoint", label: "ihd:fixed-endpoint" },
    ]));
  }, 120_000);

  it("still fails COT-01", () => {
    const cot01 = report.duts[0]!.results.find((r) => r.id === "COT-01")!;
    expect([cot01.verdict, cot01.reason]).toEqual(["fail", expect.stringContaining("sent no ZDO discovery")]);
  });
});

/**
 * Key establishment through the whole stack, for what the default run does not show: a PPMID whose
 * certificate another CA issued makes the run "not testable with this hub certificate" right after the join
 * (the hub's Terminate UNKNOWN_ISSUER, a run outcome, no further phase), and `--security off` runs without
 * key establishment or APS security (COT-17 not applicable).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import type { Evidence } from "../../src/evidence/events.js";
import { type RunSpec, runSuite } from "../../src/runner/run.js";

const dir = mkdtempSync(join(tmpdir(), "hb-e2e-security-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(name: string, over: Partial<RunSpec>): RunSpec {
  return {
    mode: "virtual",
    devices: [],
    seed: 5,
    windowMs: 24 * 3_600_000,
    evidencePath: join(dir, `${name}.jsonl`),
    quiet: true,
    tool: "hanbench",
    version: "test",
    ...over,
  };
}

const ofKind = <K extends Evidence["kind"]>(events: Evidence[], kind: K) =>
  events.filter((e): e is Extract<Evidence, { kind: K }> => e.kind === kind);

describe("a PPMID with a certificate from another CA", () => {
  it("makes the run not testable with this hub certificate, right after the join", async () => {
    const outcome = await runSuite(
      spec("foreign", {
        devices: [
          { kind: "ihd", profile: "compliant", label: "ihd:compliant" },
          { kind: "ppmid", profile: "compliant", label: "ppmid:compliant", foreignCa: true },
        ],
      }),
    );
    expect(outcome.aborted).toBeUndefined();
    expect(outcome.notTestable).toMatch(
      /^the hub's certificate \(issuer 4842544553544341\) and that of ppmid:compliant are from different certification authorities/,
    );
    const events = outcome.events;
    const ppmid = ofKind(events, "run")[0]!.duts.find((d) => d.kind === "ppmid")!.ieee;
    const ke = ofKind(events, "ke").filter((e) => e.device === ppmid);
    expect(ke.map((e) => `${e.by}:${e.step}`)).toEqual(["device:initiate", "hub:terminate"]);
    expect(ke[0]!.issuer).toBe(Buffer.from("HBOTHRCA").toString("hex"));
    expect(ke[1]).toMatchObject({ status: 1, statusName: "UNKNOWN_ISSUER" });
    expect(ofKind(events, "outcome")).toEqual([expect.objectContaining({ outcome: "not-testable", devices: [ppmid] })]);
    // nothing after the join phase: no CoT, no long wait
    expect(ofKind(events, "phase").map((p) => `${p.name}:${p.state}`)).toEqual(["join:start", "join:end"]);
    expect(ofKind(events, "cot")).toHaveLength(0);
    const report = buildReport(events);
    expect(report.notTestable).toBe(outcome.notTestable);
    const cot17 = report.duts.find((d) => d.ieee === ppmid)!.results.find((r) => r.id === "COT-17")!;
    expect(cot17.verdict).toBe("inconclusive");
    expect(cot17.reason).toMatch(/not testable with this hub certificate/);
  }, 300_000);
});

describe("--security off", () => {
  it("runs without key establishment or APS security; COT-17 is not applicable", async () => {
    const outcome = await runSuite(
      spec("off", { security: "off", devices: [{ kind: "ppmid", profile: "compliant", label: "ppmid:compliant" }] }),
    );
    const events = outcome.events;
    expect(ofKind(events, "run")[0]!.security).toEqual({ mode: "off" });
    expect(ofKind(events, "ke")).toHaveLength(0);
    const ppmid = ofKind(events, "run")[0]!.duts[0]!.ieee;
    const frames = ofKind(events, "zcl").filter((z) => z.device === ppmid && z.clusterId === 0x0702);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((z) => z.apsSecured !== true)).toBe(true);
    const report = buildReport(events);
    const results = report.duts[0]!.results;
    expect(results.find((r) => r.id === "COT-17")!.verdict).toBe("not_applicable");
    expect(results.filter((r) => r.verdict === "fail")).toEqual([]);
  }, 300_000);
});

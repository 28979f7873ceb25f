/**
 * `--window auto` end to end (issue 18): each DUT's window is learned from its CoT polls in the baseline, the
 * waits of the rest of the run follow the longest, each DUT is judged by its own, and the evidence and the
 * reports say which window and why. A DUT never seen polling keeps the 24 h ceiling.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { VIRTUAL_PLAN } from "../../src/cluster-cot/plan.js";
import { AUTO_WINDOW } from "../../src/cluster-cot/window.js";
import type { Evidence } from "../../src/evidence/events.js";
import { renderJunit } from "../../src/report/junit.js";
import { renderTerminal } from "../../src/report/terminal.js";
import { runSuite } from "../../src/runner/run.js";

const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), "hb-window-auto-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(name: string, devices: string[], cases: string, pollIntervalMs?: number): Promise<Evidence[]> {
  const outcome = await runSuite({
    mode: "virtual",
    devices: devices.map((d) => {
      const [kind, profile] = d.split(":") as ["ihd" | "ppmid", string];
      return { kind, profile, label: d };
    }),
    seed: 2,
    windowMs: AUTO_WINDOW.ceilingMs,
    windowAuto: AUTO_WINDOW,
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    cases,
    evidencePath: join(dir, `${name}.jsonl`),
    quiet: true,
    tool: "hanbench",
    version: "test",
  });
  expect(outcome.aborted).toBeUndefined();
  return outcome.events;
}

/** Hub ms from a phase's start to its end. */
function phaseSpan(events: Evidence[], name: string): number {
  const at = (state: string) =>
    Date.parse(events.find((e) => e.kind === "phase" && e.name === name && e.state === state)!.t);
  return at("end") - at("start");
}

/** Why a phase ended, as its end event says. */
function phaseEnd(events: Evidence[], name: string): string | undefined {
  const e = events.find((x) => x.kind === "phase" && x.name === name && x.state === "end");
  return e?.kind === "phase" ? e.ended : undefined;
}

describe("--window auto, displays polling every 30 minutes, the gb cases", () => {
  it("learns 1h30m for each (3 × 30m), waits it, passes every case and says which window and why", async () => {
    const events = await run("gb", ["ihd:compliant", "ppmid:compliant"], "gb", 30 * MIN);
    const windows = events.filter((e) => e.kind === "window");
    expect(windows.map((w) => (w.kind === "window" ? [w.windowMs, w.intervalMs] : []))).toEqual([
      [90 * MIN, 30 * MIN],
      [90 * MIN, 30 * MIN],
    ]);
    const run0 = events.find((e) => e.kind === "run");
    expect(run0?.kind === "run" && run0.windowAuto).toEqual(AUTO_WINDOW);
    // the detection windows of the rest of the run are the learned one, in hub time
    expect(phaseSpan(events, "observe")).toBe(90 * MIN);
    // the clears are judged at max(T, recorded) + the window: observe waits all of it; COT-09 needs each display
    // to re-read the CoT after each change (its next poll, at most 30 min away, over a minute later, seen on the
    // 5 min checks of an early end), so each of the three waits of repeat ends within 36 min, not 1h30m
    expect(phaseEnd(events, "observe")).toBe("window");
    expect(phaseEnd(events, "repeat")).toBe("complete");
    const repeat = VIRTUAL_PLAN.find((p) => p.name === "repeat")!;
    expect(repeat.steps.filter((s) => s.do === "wait" && s.until === "window")).toHaveLength(3);
    expect(phaseSpan(events, "repeat")).toBeGreaterThan(3 * MIN);
    // (a CoT dated back is recorded on the next whole second of hub time)
    expect(phaseSpan(events, "repeat")).toBeLessThanOrEqual(3 * 36 * MIN + 3 * 1000);
    expect(phaseEnd(events, "second-cot")).toBe("window");
    expect(phaseEnd(events, "away-cot")).toBe("window");
    const report = buildReport(events);
    for (const d of report.duts) {
      expect(
        d.results.filter((r) => r.verdict !== "pass" && r.verdict !== "info" && r.verdict !== "not_applicable"),
      ).toEqual([]);
      expect(d.window).toMatchObject({
        ms: 90 * MIN,
        reason: "auto: 3 × 30m, the slowest interval between the DUT's CoT polls in the baseline (GPF 30m, ESME 30m)",
      });
    }
    const cot03 = report.duts[0]!.results.find((r) => r.id === "COT-03")!;
    expect(cot03.reason).toMatch(/\(window 1\.5 h\)$/);
    expect(renderTerminal(report, { width: 200 })).toContain(
      "  detection window 1h30m: auto: 3 × 30m, the slowest interval between the DUT's CoT polls in the baseline (GPF 30m, ESME 30m)",
    );
    expect(renderJunit(report)).toContain('name="window" value="5400000 ms (auto: 3 × 30m');
    // the reports say why each phase ended
    const observe = report.provenance.phases?.find((p) => p.name === "observe");
    expect(observe).toMatchObject({ ended: "window" });
    expect(Date.parse(observe!.end!) - Date.parse(observe!.start)).toBe(90 * MIN);
    expect(report.provenance.phases?.find((p) => p.name === "repeat")?.ended).toBe("complete");
    expect(renderJunit(report)).toMatch(
      /name="phases" value="[^"]*observe 1h30m \(window elapsed\)[^"]*repeat \S+ \(complete\)/,
    );
  }, 120_000);
});

describe("--window auto with a display that never queries the CoT", () => {
  it("keeps the 24 h ceiling for it, saying why, and judges the one that polls by its own window", async () => {
    const events = await run("no-query", ["ihd:compliant", "ihd:no-query"], "COT-03,COT-04");
    const report = buildReport(events);
    const [good, silent] = report.duts;
    expect(good!.window?.ms).toBe(3 * 60 * MIN); // the virtual displays' default hourly poll
    expect(silent!.window).toMatchObject({
      ms: 24 * 60 * MIN,
      reason:
        "auto: the 1d ceiling, the DUT did not poll the CoT twice on every meter in the baseline (polls: GPF 0, ESME 0)",
    });
    expect(good!.results.map((r) => r.verdict)).toEqual(["pass", "pass"]);
    expect(silent!.results.map((r) => r.verdict)).toEqual(["fail", "fail"]);
    expect(silent!.results[0]!.reason).toMatch(/within 24 h/);
    // the run waits for the longest window: COT-03/04 need only the queries, and one display never queries
    expect(phaseSpan(events, "observe")).toBe(24 * 60 * MIN);
    expect(phaseEnd(events, "observe")).toBe("window");
  }, 120_000);
});

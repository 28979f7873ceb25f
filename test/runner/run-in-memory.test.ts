/**
 * A run without an evidence file (src/runner/run.ts `RunSpec.evidencePath` absent): a virtual run keeps its
 * evidence in memory only, whole (its run event, the joins, its end), and names no file and no seal; a bench run refuses to start.
 */
import { describe, expect, it } from "vitest";
import { runSuite } from "../../src/runner/run.js";

const spec = {
  devices: [{ kind: "ihd" as const, profile: "compliant", label: "ihd:compliant" }],
  seed: 4,
  security: "off" as const,
  windowMs: 3_600_000,
  cases: "COT-01",
  quiet: true,
  tool: "hanbench",
  version: "test",
};

describe("a run without an evidence file", () => {
  it("keeps a virtual run's evidence in memory, from its run event to its end, unsealed", async () => {
    const outcome = await runSuite({ ...spec, mode: "virtual" });
    expect(outcome.aborted).toBeUndefined();
    expect(outcome.evidencePath).toBeUndefined();
    expect(outcome.sha256).toBeUndefined();
    expect(outcome.events.filter((e) => e.kind === "run")).toHaveLength(1);
    expect(outcome.events.at(-1)?.kind).toBe("end");
    expect(outcome.events.some((e) => e.kind === "join")).toBe(true);
  });

  it("refuses a bench run", async () => {
    await expect(runSuite({ ...spec, mode: "bench" })).rejects.toThrow(/a bench run writes its evidence to a file/);
  });
});

/**
 * The factory reset of the DUTs (phase late-join) on a bench: the operator is asked; without a terminal there is
 * nobody to ask, the evidence says so, and the step ends the phase (PhaseCannotRun) instead of waiting for joins
 * that cannot come.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/cluster-cot/plan.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { Dut, RunEnv } from "../../src/runner/env.js";
import { PowerPrompt } from "../../src/runner/operator-prompt.js";
import { Progress } from "../../src/runner/progress.js";
import { PhaseCannotRun, runStep } from "../../src/runner/steps.js";

const IEEE = "0x0d6f0053cbe880fe";

function setup() {
  const evidence = new EvidenceLog({ now: () => Date.parse("2026-12-04T12:00:00Z") });
  const progress = new Progress({ quiet: true });
  // no terminal: a pipe
  const power = new PowerPrompt({ io: { input: new PassThrough(), output: new PassThrough() }, evidence, progress });
  const dut = {
    decl: { label: "ihd-1", ieee: IEEE },
    factoryReset: () => power.ask({ label: "ihd-1", ieee: IEEE, online: false, factoryReset: true }),
  } as unknown as Dut;
  let advanced = 0;
  const env = {
    mode: "bench",
    duts: [dut],
    evidence,
    advance: async () => {
      advanced++;
      return true;
    },
  } as unknown as RunEnv;
  return { evidence, progress, env, advanced: () => advanced };
}

describe("factory reset on a bench", () => {
  it("without a terminal: nobody resets the DUT, the evidence says so and the phase cannot go on", async () => {
    const { evidence, progress, env, advanced } = setup();
    const err = await runStep({ env, timing: defaultTiming(), progress }, { do: "factory-reset" }).catch((e) => e);
    expect(err).toBeInstanceOf(PhaseCannotRun);
    expect((err as Error).message).toBe("not reset to factory settings: ihd-1");
    expect(advanced()).toBe(0);
    const notes = evidence.events.filter((e) => e.kind === "note");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      message: expect.stringMatching(/^no terminal to ask the operator to reset it to factory settings .* for ihd-1/),
      data: { device: IEEE, away: true, factoryReset: true },
    });
    // no presence event: nothing says the DUT was off or reset
    expect(evidence.events.some((e) => e.kind === "presence")).toBe(false);
  });
});

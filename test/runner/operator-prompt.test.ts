/**
 * The bench's power prompt (away-cot): every DUT in one prompt, a presence record for each once the operator
 * confirms; without a terminal nobody is asked and nothing is recorded as done (COT-10 stays inconclusive).
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { EvidenceLog } from "../../src/evidence/log.js";
import { PowerPrompt } from "../../src/runner/operator-prompt.js";
import { Progress } from "../../src/runner/progress.js";

const duts = [
  { label: "ihd-1", ieee: "0x0d6f0053cbe880fe" },
  { label: "ppmid-1", ieee: "0x0d6f00ed070d6138" },
];

/** An evidence log in memory. */
const sink = () => new EvidenceLog({ now: () => Date.UTC(2026, 11, 5) });

describe("power prompt", () => {
  it("asks once for every DUT and records each as off after the Enter", async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let asked = "";
    output.on("data", (d: Buffer) => {
      asked += d.toString();
      if (asked.endsWith("press Enter ")) setImmediate(() => input.write("\n"));
    });
    const evidence = sink();
    const prompt = new PowerPrompt({ io: { input, output }, evidence, progress: new Progress({ quiet: true }) });
    await prompt.askAll(duts, false);
    expect(asked.match(/press Enter/g)).toHaveLength(1);
    expect(asked).toContain(
      "ihd-1 (0x0d6f0053cbe880fe), ppmid-1 (0x0d6f00ed070d6138): switch each of them off (or take its batteries out), then press Enter",
    );
    expect(evidence.events.map((e) => (e.kind === "presence" ? [e.device, e.online] : e.kind))).toEqual([
      ["0x0d6f0053cbe880fe", false],
      ["0x0d6f00ed070d6138", false],
    ]);
  });

  it("without a terminal asks nobody and records no presence, only why", async () => {
    const evidence = sink();
    const prompt = new PowerPrompt({
      io: { input: new PassThrough(), output: new PassThrough() },
      evidence,
      progress: new Progress({ quiet: true }),
    });
    await prompt.askAll(duts, true);
    expect(evidence.events.map((e) => e.kind)).toEqual(["note", "note"]);
  });
});

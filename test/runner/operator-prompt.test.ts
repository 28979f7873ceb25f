/**
 * The bench's power prompt (away-cot) and restart prompt (COT-16): every DUT in one prompt, a presence or restart
 * record for each once the operator confirms; without a terminal nobody is asked and nothing is recorded as done
 * (COT-10 stays inconclusive).
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

/** A prompt on a terminal whose operator presses Enter at each question; `asked()`: everything written to it. */
function atTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = new PassThrough();
  let asked = "";
  output.on("data", (d: Buffer) => {
    asked += d.toString();
    if (asked.endsWith("press Enter ")) setImmediate(() => input.write("\n"));
  });
  const evidence = sink();
  const prompt = new PowerPrompt({ io: { input, output }, evidence, progress: new Progress({ quiet: true }) });
  return { prompt, evidence, asked: () => asked };
}

describe("power prompt", () => {
  it("asks once for every DUT and records each as off after the Enter", async () => {
    const { prompt, evidence, asked: written } = atTerminal();
    await prompt.askAll(duts, false);
    const asked = written();
    expect(asked.match(/press Enter/g)).toHaveLength(1);
    expect(asked).toContain(
      "ihd-1 (0x0d6f0053cbe880fe), ppmid-1 (0x0d6f00ed070d6138): switch each of them off (or take its batteries out), then press Enter",
    );
    expect(evidence.events.map((e) => (e.kind === "presence" ? [e.device, e.online] : e.kind))).toEqual([
      ["0x0d6f0053cbe880fe", false],
      ["0x0d6f00ed070d6138", false],
    ]);
  });

  it("asks once for every DUT's restart and records its power cycle and rejoin after the Enter", async () => {
    const { prompt, evidence, asked } = atTerminal();
    await prompt.askRestarts(duts);
    expect(asked().match(/press Enter/g)).toHaveLength(1);
    expect(asked()).toMatch(
      /^ {2}ihd-1 \(0x0d6f0053cbe880fe\), ppmid-1 \(0x0d6f00ed070d6138\): for each, switch it off /,
    );
    expect(evidence.events.map((e) => (e.kind === "restart" ? [e.what, e.device, e.by] : e.kind))).toEqual([
      ["power-cycle", "0x0d6f0053cbe880fe", "operator"],
      ["leave-rejoin", "0x0d6f0053cbe880fe", "operator"],
      ["power-cycle", "0x0d6f00ed070d6138", "operator"],
      ["leave-rejoin", "0x0d6f00ed070d6138", "operator"],
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

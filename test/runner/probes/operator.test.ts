import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { OperatorProbe } from "../../../src/runner/probes/operator.js";
import type { LookFor } from "../../../src/runner/probes/types.js";

const lookFor: LookFor = {
  messages: [
    { messageId: 4821, text: "T1-MSG-4821 previous occupier", tenancy: 1 },
    { messageId: 5102, text: "T2-MSG-5102 welcome", tenancy: 2 },
  ],
  consumption: [
    {
      role: "esme",
      clusterId: 0x0702,
      item: "previousDayConsumptionDelivered",
      period: "2026-11-26T00:00:00Z",
      value: 4123,
      tenancy: 1,
    },
    {
      role: "esme",
      clusterId: 0x0702,
      item: "previousDayConsumptionDelivered",
      period: "2026-11-27T00:00:00Z",
      value: 3311,
      tenancy: 2,
    },
  ],
};

function tty(answers: string[]) {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = new PassThrough();
  let asked = "";
  output.on("data", (d: Buffer) => {
    asked += d.toString();
    if (/\[y\/n\] $/.test(asked) || asked.endsWith("please answer y or n\n")) {
      if (/\[y\/n\] $/.test(asked)) {
        const next = answers.shift();
        if (next !== undefined) setImmediate(() => input.write(`${next}\n`));
      }
    }
  });
  return { io: { input, output }, transcript: () => asked };
}

describe("operator probe", () => {
  it("asks about each marker text and consumption sample, and records what the person said", async () => {
    const { io, transcript } = tty(["n", "yes", "maybe", "y", "n"]);
    const answer = await new OperatorProbe("ihd:bench", io).take("after-cot", lookFor);
    expect(transcript()).toContain('"T1-MSG-4821 previous occupier" (id 4821)');
    expect(transcript()).toContain("previousDayConsumptionDelivered (2026-11-26) = 4123");
    expect(transcript()).toContain("please answer y or n");
    expect(answer.ok).toBe(true);
    expect(answer.holdings?.messages).toEqual([{ messageId: 5102, text: "T2-MSG-5102 welcome" }]);
    expect(answer.holdings?.consumption.map((c) => c.value)).toEqual([4123]);
    expect(Object.values(answer.answers ?? {})).toEqual(["n", "yes", "y", "n"]);
  });

  it("without a terminal, answers nothing rather than guessing", async () => {
    const input = new PassThrough();
    const answer = await new OperatorProbe("ihd:bench", { input, output: new PassThrough() }).take(
      "after-cot",
      lookFor,
    );
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/needs a terminal/);
    expect(answer.holdings).toBeUndefined();
  });
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { displayPeriod, OperatorProbe, periodsToAsk } from "../../../src/runner/probes/operator.js";
import type { LookFor } from "../../../src/runner/probes/types.js";

const day = (d: number) => ({
  role: "esme" as const,
  clusterId: 0x0702,
  view: "day" as const,
  measure: "consumption" as const,
  start: `2026-11-${d}T00:00:00.000Z`,
  end: `2026-11-${d + 1}T00:00:00.000Z`,
});

const lookFor: LookFor = {
  messages: [
    { messageId: 849_000_001, text: "Supplier message 1", publishedAt: "2026-11-24T10:00:00.000Z", roles: ["esme"] },
    { messageId: 849_100_002, text: "Supplier message 2", publishedAt: "2026-11-26T14:00:00.000Z", roles: ["esme"] },
  ],
  // 24, 25 and 26 November were served; 27 is the running day
  periods: [day(24), day(25), day(26), day(27)],
  cots: [{ meter: "esme", implementationTime: "2026-11-26T12:00:01.000Z" }],
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
  it("asks in display terms (message text, UK local dates, views), never raw values, and records the answers", async () => {
    const { io, transcript } = tty(["n", "yes", "maybe", "y", "n"]);
    const answer = await new OperatorProbe("ihd:bench", io).take("after-cot", lookFor);
    const asked = transcript();
    // the latest message first; the previous occupier's last day (25th, ended before T) and the latest complete day
    expect(asked).toContain('Does ihd:bench show the supplier message "Supplier message 2"?');
    expect(asked).toContain('Does ihd:bench show the supplier message "Supplier message 1"?');
    expect(asked).toContain("Does ihd:bench show electricity use for Wednesday, 25 November 2026 (daily view)?");
    expect(asked).toContain("Does ihd:bench show electricity use for Thursday, 26 November 2026 (daily view)?");
    expect(asked).not.toMatch(/Delivered|849|24 November|27 November|0x/);
    expect(asked).toContain("please answer y or n");
    expect(answer.ok).toBe(true);
    expect(answer.holdings?.messages).toEqual([{ messageId: 849_000_001, text: "Supplier message 1" }]);
    expect(answer.holdings?.consumption).toEqual([
      {
        role: "esme",
        clusterId: 0x0702,
        item: "day view",
        period: "2026-11-25T00:00:00.000Z",
        periodEnd: "2026-11-26T00:00:00.000Z",
      },
    ]);
    expect(Object.values(answer.answers ?? {})).toEqual(["n", "yes", "y", "n"]);
  });

  it("names weeks and months as a display does, in UK local time", () => {
    expect(displayPeriod("week", "2026-07-12T23:00:00.000Z")).toBe("the week starting Monday, 13 July 2026");
    expect(displayPeriod("month", "2026-06-30T23:00:00.000Z")).toBe("July 2026");
    expect(displayPeriod("day", "2026-03-29T00:00:00.000Z")).toBe("Sunday, 29 March 2026");
  });

  it("without a CoT asks only about the latest complete period of each view", () => {
    expect(periodsToAsk({ ...lookFor, cots: [] }).map((p) => p.start)).toEqual(["2026-11-26T00:00:00.000Z"]);
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

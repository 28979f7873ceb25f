/**
 * COT-18 "Does not show the old message again (information)" on the recorded evidence of a real virtual run:
 * a display that kept the previous occupier's message reports none fetched again; the same log with the
 * probe saying the copy came after T (a display that cleared it and fetched it again from the meter, which
 * still serves it) names the message and the meter that served it again.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import { recordedRun } from "../support/recorded-run.js";

describe("COT-18 Does not show the old message again (information)", () => {
  it("is info either way, and names a previous-occupier message shown again with its meter", async () => {
    const events = await recordedRun(["ihd:keeps-messages"]);
    const [kept] = evaluate(events);
    const before = kept!.results.find((r) => r.id === "COT-18")!;
    expect(before.verdict).toBe("info");
    expect(before.reason).toMatch(/^after-cot probe seq \d+ shows no previous-occupier message fetched again after T/);

    // the copy held at the after-cot probe was received after T: fetched again, not held across
    const cot = events.find((e) => e.kind === "cot")!;
    const probe = events.find((e) => e.kind === "probe" && e.purpose === "after-cot");
    if (probe?.kind !== "probe" || cot.kind !== "cot") throw new Error("no after-cot probe or CoT");
    const messages = probe.holdings!.messages;
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) m.receivedAt = probe.t;
    const [again] = evaluate(events);
    const after = again!.results.find((r) => r.id === "COT-18")!;
    expect(after.verdict).toBe("info");
    expect(after.reason).toMatch(
      new RegExp(`shows message ${messages[0]!.messageId} \\(served again by the (GPF|ESME), seq \\d+\\)`),
    );
    // COT-06 no longer sees it held across T
    expect(again!.results.find((r) => r.id === "COT-06")!.verdict).toBe("pass");
  }, 600_000);
});

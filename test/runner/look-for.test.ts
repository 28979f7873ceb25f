/** What a probe is told to look for: display terms gathered from the served evidence, never raw values. */
import { describe, expect, it } from "vitest";
import type { Evidence, EvidenceBody } from "../../src/evidence/events.js";
import { lookForDut } from "../../src/runner/look-for.js";

const DEV = "0x00db1234567890a0";

function log(bodies: (EvidenceBody & { t?: string })[]): Evidence[] {
  return bodies.map(
    ({ t, ...b }, i) => ({ seq: i + 1, t: t ?? "2026-11-27T10:00:00.000Z", wall: "", ...b }) as Evidence,
  );
}

describe("lookForDut", () => {
  it("gathers messages with their publication, the periods served per meter and view, and each meter's latest CoT", () => {
    const events = log([
      { kind: "served", device: "*", role: "esme", clusterId: 0x0703, item: "displayMessage.messageId", value: 7 },
      { kind: "served", device: "*", role: "esme", clusterId: 0x0703, item: "displayMessage.message", value: "Hi" },
      { kind: "served", device: "*", role: "gpf", clusterId: 0x0703, item: "displayMessage.messageId", value: 7 },
      { kind: "served", device: "*", role: "gpf", clusterId: 0x0703, item: "displayMessage.message", value: "Hi" },
      {
        kind: "served",
        device: DEV,
        role: "esme",
        clusterId: 0x0702,
        item: "previousDayConsumpDelivered",
        value: 4123,
        period: "2026-11-26T00:00:00.000Z",
        periodEnd: "2026-11-27T00:00:00.000Z",
      },
      {
        kind: "served",
        device: DEV,
        role: "gpf",
        clusterId: 0x0702,
        item: "previousWeekAlternativeConsumptionDelivered",
        value: 99123,
        period: "2026-11-16T00:00:00.000Z",
        periodEnd: "2026-11-23T00:00:00.000Z",
      },
      {
        kind: "served",
        device: DEV,
        role: "esme",
        clusterId: 0x0702,
        item: "getProfileResponse.intervals[0]",
        value: 200,
        period: "2026-11-27T09:30:00.000Z",
        periodEnd: "2026-11-27T10:00:00.000Z",
      },
      {
        kind: "served",
        device: "0x0000000000000001", // another device's
        role: "esme",
        clusterId: 0x0702,
        item: "previousDay2ConsumptionDelivered",
        value: 1,
        period: "2026-11-25T00:00:00.000Z",
        periodEnd: "2026-11-26T00:00:00.000Z",
      },
      {
        kind: "cot",
        meter: "esme",
        providerId: 1,
        issuerEventId: 2,
        tariffType: 0,
        implementationTime: "2026-11-27T10:00:00.000Z",
        recordedAt: "2026-11-27T10:00:00.000Z",
        control: 0x600,
        pushed: false,
      },
    ]);
    const l = lookForDut(events, DEV);
    expect(l.messages).toEqual([
      { messageId: 7, text: "Hi", publishedAt: "2026-11-27T10:00:00.000Z", roles: ["esme", "gpf"] },
    ]);
    expect(l.periods).toEqual([
      {
        role: "esme",
        clusterId: 0x0702,
        view: "day",
        measure: "consumption",
        start: "2026-11-26T00:00:00.000Z",
        end: "2026-11-27T00:00:00.000Z",
      },
      {
        role: "gpf",
        clusterId: 0x0702,
        view: "week",
        measure: "energy",
        start: "2026-11-16T00:00:00.000Z",
        end: "2026-11-23T00:00:00.000Z",
      },
    ]);
    expect(l.cots).toEqual([{ meter: "esme", implementationTime: "2026-11-27T10:00:00.000Z" }]);
    expect(JSON.stringify(l)).not.toMatch(/4123|99123/); // no raw values
  });

  it("finds what the log gained since the last probe", () => {
    const events = log([
      { kind: "served", device: DEV, role: "esme", clusterId: 0x0703, item: "displayMessage.messageId", value: 7 },
      { kind: "served", device: DEV, role: "esme", clusterId: 0x0703, item: "displayMessage.message", value: "Hi" },
    ]);
    expect(lookForDut(events, DEV).messages.map((m) => m.messageId)).toEqual([7]);
    const later = { seq: 3, t: "2026-11-27T11:00:00.000Z", wall: "" };
    events.push(
      {
        ...later,
        kind: "served",
        device: "*",
        role: "gpf",
        clusterId: 0x0703,
        item: "displayMessage.messageId",
        value: 8,
      },
      {
        ...later,
        seq: 4,
        kind: "served",
        device: "*",
        role: "gpf",
        clusterId: 0x0703,
        item: "displayMessage.message",
        value: "Bye",
      },
      {
        ...later,
        seq: 5,
        kind: "cot",
        meter: "gpf",
        providerId: 1,
        issuerEventId: 3,
        tariffType: 0,
        implementationTime: "2026-11-27T11:00:00.000Z",
        recordedAt: "2026-11-27T11:00:00.000Z",
        control: 0x600,
        pushed: false,
      } as Evidence,
    );
    const l = lookForDut(events, DEV);
    expect(l.messages.map((m) => [m.messageId, m.text])).toEqual([
      [7, "Hi"],
      [8, "Bye"],
    ]);
    expect(l.cots).toEqual([{ meter: "gpf", implementationTime: "2026-11-27T11:00:00.000Z" }]);
  });
});

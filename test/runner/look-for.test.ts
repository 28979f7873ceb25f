/** What a probe looks for on a DUT: the messages and consumption the hub served it, per tenancy. */
import { describe, expect, it } from "vitest";
import type { EvidenceBody } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { lookForDut } from "../../src/runner/look-for.js";

const DUT = "0x0d6f000000000001";
const OTHER = "0x0d6f000000000002";

function served(device: string, clusterId: number, item: string, value: unknown, tenancy: number, period?: string) {
  return {
    kind: "served",
    device,
    role: "esme",
    clusterId,
    item,
    value,
    tenancy,
    ...(period ? { period } : {}),
  } as EvidenceBody;
}

describe("lookForDut", () => {
  it("gathers the messages pushed to every device and served to this one, and three consumption values per tenancy", () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const log = new EvidenceLog({ now: () => now });
    // a push to every device: message id and text in the same batch (same hub time)
    log.append(served("*", 0x0703, "displayMessage.messageId", 4821, 1));
    log.append(served("*", 0x0703, "displayMessage.message", "T1-MSG-4821 hello", 1));
    for (const [i, day] of ["01", "02", "03", "04"].entries()) {
      log.append(served(DUT, 0x0702, "previousDayConsumpDelivered", 100 + i, 1, `2026-02-${day}T00:00:00.000Z`));
    }
    log.append(served(OTHER, 0x0702, "previousDayConsumpDelivered", 999, 1, "2026-02-05T00:00:00.000Z"));
    log.append(served(DUT, 0x0702, "currentSummDelivered", 5, 1)); // no period: not a consumption sample
    const first = lookForDut(log.events, DUT);
    expect(first.messages).toEqual([{ messageId: 4821, text: "T1-MSG-4821 hello", tenancy: 1 }]);
    expect(first.consumption.map((c) => [c.value, c.tenancy])).toEqual([
      [100, 1],
      [101, 1],
      [102, 1],
    ]);

    // what is appended later is found by the next probe, for the next tenancy too
    now += 3_600_000;
    log.append(served(DUT, 0x0703, "displayMessage.messageId", 5001, 2));
    log.append(served(DUT, 0x0703, "displayMessage.message", "T2-MSG-5001 new occupier", 2));
    log.append(served(DUT, 0x0702, "previousDayConsumpDelivered", 200, 2, "2026-03-01T00:00:00.000Z"));
    const second = lookForDut(log.events, DUT);
    expect(second.messages.map((m) => [m.messageId, m.tenancy])).toEqual([
      [4821, 1],
      [5001, 2],
    ]);
    expect(second.consumption.map((c) => [c.value, c.tenancy])).toEqual([
      [100, 1],
      [101, 1],
      [102, 1],
      [200, 2],
    ]);
    expect(lookForDut(log.events, OTHER).consumption.map((c) => c.value)).toEqual([999]);
  });
});

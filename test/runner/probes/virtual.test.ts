/**
 * The virtual probe and takeProbe: the holdings recorded are the device's at the probe, whatever the device or
 * the caller does with its objects afterwards (the log copies what it records; the probe makes no copy of its
 * own), and a probe that does not read what to look for is given nothing to look for.
 */
import { describe, expect, it } from "vitest";
import type { Holdings } from "../../../src/evidence/events.js";
import { EvidenceLog } from "../../../src/evidence/log.js";
import { takeProbe } from "../../../src/runner/env.js";
import type { LookFor, Probe, ProbeAnswer } from "../../../src/runner/probes/types.js";
import { VirtualProbe } from "../../../src/runner/probes/virtual.js";

const DEV = "0x0d6f00c89b6dfebf";
const decl = { ieee: DEV, label: "ppmid:test" };

function held(value: number): Holdings {
  return {
    consumption: [
      { role: "gpf", clusterId: 0x0702, item: "currentDayConsumpDelivered", value, period: "2026-03-04T00:00:00.000Z" },
    ],
    messages: [{ messageId: 7, text: "hello", receivedAt: "2026-03-04T01:00:00.000Z" }],
    topUps: [{ role: "gpf", clusterId: 0x0705, item: "topUp", value: { code: "12345", amount: 500 } }],
    debts: [],
  };
}

describe("the virtual probe", () => {
  it("records the holdings as they were at the probe, even when the objects it was given change after", async () => {
    const log = new EvidenceLog({ now: () => 0 });
    let current = held(1);
    const probe = new VirtualProbe({ holdings: () => current });
    const first = await takeProbe(log, { decl, probe }, "baseline");
    const given = current;
    // the device's answer changed in place, then replaced
    given.consumption[0]!.value = 99;
    (given.topUps[0]!.value as { amount: number }).amount = 1;
    given.messages.push({ messageId: 8, text: "later" });
    current = held(2);
    const second = await takeProbe(log, { decl, probe }, "after-cot");
    expect(first.holdings).toEqual(held(1));
    expect(second.holdings).toEqual(held(2));
    expect(log.events.map((e) => e.kind)).toEqual(["probe", "probe"]);
  });

  it("is given nothing to look for; a probe that reads it is given what the log says", async () => {
    const log = new EvidenceLog({ now: () => 0 });
    log.append({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0703,
      item: "displayMessage.messageId",
      value: 7,
    });
    log.append({
      kind: "served",
      device: DEV,
      role: "gpf",
      clusterId: 0x0703,
      item: "displayMessage.message",
      value: "hi",
    });
    const seen: LookFor[] = [];
    const asking = (readsLookFor?: boolean): Probe => ({
      method: "operator",
      ...(readsLookFor === undefined ? {} : { readsLookFor }),
      take: async (_purpose: string, lookFor: LookFor): Promise<ProbeAnswer> => {
        seen.push(lookFor);
        return { ok: true };
      },
    });
    await takeProbe(log, { decl, probe: asking(false) }, "baseline");
    await takeProbe(log, { decl, probe: asking() }, "baseline");
    expect(seen[0]).toEqual({ messages: [], periods: [], cots: [] });
    expect(seen[1]!.messages.map((m) => [m.messageId, m.text])).toEqual([[7, "hi"]]);
    expect(new VirtualProbe({ holdings: () => held(0) }).readsLookFor).toBe(false);
  });
});

/**
 * The questions asked of the evidence: a CoT query is one thing for the runner's wait and for the verdict
 * (COT-03/04), over the same index.
 */
import { describe, expect, it, vi } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import {
  hasAcknowledgedMessage,
  hasFetchedConsumption,
  hasQueriedCot,
  isCotQuery,
  isInterviewed,
} from "../../src/cluster-cot/questions.js";
import { DutView, type Run } from "../../src/cluster-cot/view.js";
import type { EvidenceBody, ZclEvent } from "../../src/evidence/events.js";
import { EvidenceIndex } from "../../src/evidence/log-index.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { type DecodedZcl, zclEvent } from "../../src/evidence/zcl-event.js";

const DUT = "0x0d6f000000000001";
const meta = { device: DUT, nwk: 0x1234, deviceEp: 1, hubEp: 2, role: "gpf" as const, clusterId: 0x0708 };
const frame = (dir: "in" | "out", hex: string, decoded?: DecodedZcl, clusterId = 0x0708): ZclEvent =>
  zclEvent(dir, { ...meta, clusterId }, Buffer.from(hex, "hex"), decoded);

/** Read Attributes 0x0200 and 0x0201, client → server. */
const READ_COT = frame("in", "00420000020102", { read: [0x0200, 0x0201] });
const GET_COT = frame("in", "016000", { command: "getChangeOfTenancy", payload: {} });

describe("isCotQuery", () => {
  it.each([
    ["a read of ChangeOfTenancyUpdateDateTime", READ_COT, true],
    ["GetChangeOfTenancy", GET_COT, true],
    ["a read of ProposedTenancyChangeControl only", frame("in", "0042000102", { read: [0x0201] }), false],
    ["the same read, server to client", frame("in", "08420000020102", { read: [0x0200, 0x0201] }), false],
    ["the same read, hub to device", frame("out", "00420000020102", { read: [0x0200, 0x0201] }), false],
    ["a read of 0x0200 of another cluster", frame("in", "0042000002", { read: [0x0200] }, 0x0702), false],
    ["GetChangeOfSupplier", frame("in", "016001", { command: "getChangeOfSupplier", payload: {} }), false],
    ["an undecoded read (no attribute ids)", frame("in", "00420000020102"), false],
    [
      "a read whose payload holds records, a shape no tap writes",
      { ...READ_COT, payload: [{ attrId: 0x0200 }] },
      false,
    ],
  ])("%s: %s", (_name, z, yes) => {
    expect(isCotQuery(z)).toBe(yes);
  });
});

function run(...bodies: EvidenceBody[]): { log: EvidenceLog; index: EvidenceIndex; run: Run } {
  const log = new EvidenceLog({ now: () => Date.UTC(2026, 0, 1) });
  log.append({
    kind: "run",
    tool: "hanbench",
    version: "test",
    mode: "virtual",
    seed: 1,
    hub: { endpoints: { gpf: 2, esme: 3 } },
    baseline: {},
    windowMs: 86_400_000,
    duts: [{ label: "ihd", kind: "ihd", ieee: DUT, probe: "virtual" }],
  });
  for (const b of bodies) log.append(b);
  return { log, index: EvidenceIndex.of(log.events), run: log.events[0] as Run };
}

describe("the runner's waits and the verdicts ask the same question", () => {
  it("a server-to-client read of 0x0200 is a CoT query for neither", () => {
    const { log, index, run: r } = run(frame("in", "08420000020102", { read: [0x0200] }));
    const view = new DutView({ events: log.events, run: r, dut: r.duts[0]! });
    expect(hasQueriedCot(index, DUT, 1)).toBe(false);
    expect(view.cotQueries({ afterSeq: 0 })).toEqual([]);
  });

  it("a read of 0x0200 is one for both, from the seq asked", () => {
    const { log, index, run: r } = run(READ_COT);
    const view = new DutView({ events: log.events, run: r, dut: r.duts[0]! });
    expect(hasQueriedCot(index, DUT, 2)).toBe(true);
    expect(hasQueriedCot(index, DUT, 3)).toBe(false);
    expect(view.cotQueries({ afterSeq: 1 }).map((z) => z.seq)).toEqual([2]);
    log.append(GET_COT);
    expect(hasQueriedCot(index, DUT, 3)).toBe(true);
  });

  it("evaluating the run's own log reads the index the runner built; a file's lines out of order are sorted first", () => {
    const { log, index } = run(READ_COT);
    expect(hasQueriedCot(index, DUT, 1)).toBe(true);
    const of = vi.spyOn(EvidenceIndex, "of");
    try {
      evaluate(log.events);
      expect(of.mock.calls.length).toBeGreaterThan(0);
      expect(of.mock.results.every((r) => r.value === index)).toBe(true);
      of.mockClear();
      const shuffled = [log.events[1]!, log.events[0]!];
      evaluate(shuffled);
      expect(of.mock.calls.every(([events]) => events !== shuffled && events[0]!.seq === 1)).toBe(true);
    } finally {
      of.mockRestore();
    }
  });
});

describe("the runner's other questions", () => {
  it("interview, consumption fetched, message acknowledged", () => {
    const { log, index } = run({ kind: "interview", device: DUT, status: "started" });
    expect(isInterviewed(index, DUT)).toBe(false);
    log.append({ kind: "interview", device: DUT, status: "failed" });
    expect(isInterviewed(index, DUT)).toBe(true);

    log.append({ kind: "served", device: DUT, role: "gpf", clusterId: 0x0703, item: "x", value: 1, tenancy: 1 });
    expect(hasFetchedConsumption(index, DUT, 1, 0)).toBe(false);
    log.append({ kind: "served", device: DUT, role: "gpf", clusterId: 0x0702, item: "x", value: 1, tenancy: 2 });
    expect(hasFetchedConsumption(index, DUT, 1, 0)).toBe(false);
    expect(hasFetchedConsumption(index, DUT, 2, 0)).toBe(true);
    expect(hasFetchedConsumption(index, DUT, 2, 6)).toBe(false);

    // Default Response to DisplayMessage from the device; the hub's own Default Response does not count
    log.append(frame("out", "18070b0000", { command: "defaultRsp", payload: {} }, 0x0703));
    expect(hasAcknowledgedMessage(index, DUT, 0)).toBe(false);
    log.append(frame("in", "18070b0000", { command: "defaultRsp", payload: {} }, 0x0703));
    expect(hasAcknowledgedMessage(index, DUT, 0)).toBe(true);
  });
});

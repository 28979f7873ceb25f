/**
 * The questions asked of the evidence: a CoT query is one thing for the runner's wait and for the verdict
 * (COT-03/04), over the same index.
 */
import { describe, expect, it, vi } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import {
  hasAcknowledgedMessage,
  hasFetchedHistory,
  hasQueriedCot,
  isCotQuery,
  isInterviewed,
} from "../../src/cluster-cot/questions.js";
import { DutView, type Run } from "../../src/cluster-cot/view.js";
import type { Evidence, EvidenceBody, ZclEvent } from "../../src/evidence/events.js";
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
  it("interview, history fetched, message acknowledged", () => {
    const { log, index } = run({ kind: "interview", device: DUT, status: "started" });
    expect(isInterviewed(index, DUT)).toBe(false);
    log.append({ kind: "interview", device: DUT, status: "failed" });
    expect(isInterviewed(index, DUT)).toBe(true);

    const day = (d: number) => ({
      period: new Date(Date.UTC(2026, 0, d)).toISOString(),
      periodEnd: new Date(Date.UTC(2026, 0, d + 1)).toISOString(),
    });
    log.append({ kind: "served", device: DUT, role: "gpf", clusterId: 0x0703, item: "x", value: 1 });
    expect(hasFetchedHistory(index, DUT, undefined, 0)).toBe(false);
    // the log's clock (the hub time of every event) is 2026-01-01T00:00Z: a day ending then is complete
    log.append({ kind: "served", device: DUT, role: "gpf", clusterId: 0x0702, item: "x", value: 1, ...day(0) });
    expect(hasFetchedHistory(index, DUT, undefined, 0)).toBe(true);
    expect(hasFetchedHistory(index, DUT, new Date(Date.UTC(2026, 0, 0)).toISOString(), 0)).toBe(true);
    expect(hasFetchedHistory(index, DUT, "2026-01-01T00:00:00.000Z", 0)).toBe(false);
    expect(hasFetchedHistory(index, DUT, undefined, 7)).toBe(false);

    // Default Response to DisplayMessage from the device; the hub's own Default Response does not count
    log.append(frame("out", "18070b0000", { command: "defaultRsp", payload: {} }, 0x0703));
    expect(hasAcknowledgedMessage(index, DUT, 0)).toBe(false);
    log.append(frame("in", "18070b0000", { command: "defaultRsp", payload: {} }, 0x0703));
    expect(hasAcknowledgedMessage(index, DUT, 0)).toBe(true);
    // per meter: that acknowledgement went to the GPF's endpoint, the ESME's push is still unanswered
    expect(hasAcknowledgedMessage(index, DUT, 0, "gpf")).toBe(true);
    expect(hasAcknowledgedMessage(index, DUT, 0, "esme")).toBe(false);
    log.append(
      zclEvent("in", { ...meta, hubEp: 3, role: "esme", clusterId: 0x0703 }, Buffer.from("18080b0000", "hex"), {
        command: "defaultRsp",
        payload: {},
      }),
    );
    expect(hasAcknowledgedMessage(index, DUT, 0, "esme")).toBe(true);
  });
});

describe("hasFetchedHistory", () => {
  const at = (t: string, body: EvidenceBody, seq: number) => ({ seq, t, wall: "", ...body }) as Evidence;
  const figure = (role: "gpf" | "esme", item: string, period: string, periodEnd: string) =>
    ({ kind: "served", device: DUT, role, clusterId: 0x0702, item, value: 1, period, periodEnd }) as const;
  const T = "2026-11-27T10:00:00.000Z";

  it("waits for a complete period's figure from every meter that serves the device, not for running values", () => {
    const running = figure(
      "esme",
      "currentDayConsumpDelivered",
      "2026-11-27T00:00:00.000Z",
      "2026-11-28T00:00:00.000Z",
    );
    const esmeDay = figure(
      "esme",
      "previousDayConsumpDelivered",
      "2026-11-26T00:00:00.000Z",
      "2026-11-27T00:00:00.000Z",
    );
    const gpfRunning = { ...running, role: "gpf" as const };
    const gpfDay = { ...esmeDay, role: "gpf" as const };
    const fetched = (bodies: EvidenceBody[]) =>
      hasFetchedHistory(EvidenceIndex.of(bodies.map((b, i) => at(T, b, i + 1))), DUT, undefined, 0);
    expect(fetched([running])).toBe(false);
    expect(fetched([running, esmeDay])).toBe(true);
    // the GPF has served it too, but only running values so far
    expect(fetched([running, esmeDay, gpfRunning])).toBe(false);
    expect(fetched([running, esmeDay, gpfRunning, gpfDay])).toBe(true);
  });

  it("after a CoT, counts only periods starting at or after its date", () => {
    const half = (start: string, end: string) => figure("esme", "getProfileResponse.intervals[0]", start, end);
    const early = at(T, half("2026-11-27T09:30:00.000Z", T), 1);
    const late = at("2026-11-27T12:00:00.000Z", half("2026-11-27T11:00:00.000Z", "2026-11-27T11:30:00.000Z"), 2);
    expect(hasFetchedHistory(EvidenceIndex.of([early]), DUT, "2026-11-27T10:30:00.000Z", 0)).toBe(false);
    expect(hasFetchedHistory(EvidenceIndex.of([early, late]), DUT, "2026-11-27T10:30:00.000Z", 0)).toBe(true);
  });
});

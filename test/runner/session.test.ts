/**
 * A serve session as evidence: the run event, devices declared while it runs (merged into the run by
 * cluster-cot's runOf), phases opened by what the person does, the purpose each probe gets, and which cases
 * the verdict judges. Evidence in memory, hub time on a SteppedClock.
 */
import { describe, expect, it } from "vitest";
import { runOf } from "../../src/cluster-cot/index.js";
import type { CotRecord } from "../../src/cluster-cot/tenancy.js";
import { SteppedClock } from "../../src/hub/clock.js";
import type { DutDeclaration, Evidence } from "../../src/evidence/events.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { Probe } from "../../src/runner/probes/types.js";
import { ServeSession } from "../../src/runner/session.js";

const T0 = Date.parse("2026-12-04T12:00:00Z");
const WINDOW = 60_000;
const IHD: DutDeclaration = { label: "0x0d6f0053cbe880fe", kind: "ihd", ieee: "0x0d6f0053cbe880fe", probe: "console" };

function setup() {
  const clock = new SteppedClock(T0);
  const evidence = new EvidenceLog({ now: () => clock.now() });
  const session = new ServeSession({
    evidence,
    clock,
    windowMs: WINDOW,
    tool: "hanbench",
    version: "test",
    seed: 1,
    hubParameters: () => ({ endpoints: { gpf: 2, esme: 3 } }),
  });
  const purposes: string[] = [];
  const probe: Probe = {
    method: "console",
    async take(purpose) {
      purposes.push(purpose);
      return { ok: true, holdings: { consumption: [], messages: [], topUps: [], debts: [] } };
    },
  };
  return { clock, evidence, session, probe, purposes };
}

/** The CoTs of one `cot` line: one per meter, recorded at one hub time. */
function cot(at: number, recordedAt: number, issuerEventId = 1): CotRecord[] {
  return (["gpf", "esme"] as const).map((meter) => ({
    meter,
    providerId: 1,
    issuerEventId,
    tariffType: 0,
    implementationTime: at,
    control: 0x600,
    recordedAt,
    push: false,
  }));
}

const phases = (events: Evidence[]) =>
  events
    .filter((e) => e.kind === "phase")
    .map((e) => `${(e as { name: string }).name} ${(e as { state: string }).state}`);

describe("a serve session as evidence", () => {
  it("a refused CoT (nothing recorded) leaves no main CoT, and the next one is bracketed by the same cot phase", () => {
    const { evidence, session } = setup();
    session.start({ duts: [{ decl: IHD }], admitted: [] });
    session.beforeCot();
    session.afterCot([]);
    expect(session.windowEnd).toBeUndefined();
    expect(session.probePurpose()).toBe("baseline");
    session.beforeCot();
    session.afterCot(cot(T0, T0));
    expect(session.windowEnd).toBe(T0 + WINDOW);
    expect(phases(evidence.events)).toEqual(["cot start", "cot end", "observe start"]);
  });

  it("writes a run event marked as a serve session, and merges devices declared later into it", () => {
    const { evidence, session, probe } = setup();
    session.start({ duts: [], admitted: [] });
    expect(evidence.events[0]).toMatchObject({
      kind: "run",
      mode: "bench",
      session: "serve",
      windowMs: WINDOW,
      duts: [],
    });
    session.declare({ decl: IHD, probe });
    session.declare({ decl: IHD, probe }); // the same again: nothing new
    session.admit({ label: "esme", ieee: "0x0d6f009708e2e015" });
    expect(evidence.events.filter((e) => e.kind === "declared")).toHaveLength(2);
    const run = runOf(evidence.events)!;
    expect(run.duts).toEqual([IHD]);
    expect(run.admitted).toEqual([{ label: "esme", ieee: "0x0d6f009708e2e015" }]);
    expect(session.nameOf("0x0d6f009708e2e015")).toBe("esme (0x0d6f009708e2e015)");
  });

  it("opens the phases as the session goes: join at permit, baseline at the first message, cot around the first CoT", async () => {
    const { clock, evidence, session } = setup();
    session.start({ duts: [{ decl: IHD }], admitted: [] });
    session.permitted();
    session.permitted();
    session.baselineAction();
    session.beforeCot();
    session.afterCot(cot(T0, T0));
    await clock.advanceTo(T0 + 1_000);
    session.beforeCot(); // a later CoT ends the observation of the main one
    session.afterCot(cot(T0 + 1_000, T0 + 1_000, 2));
    session.end();
    expect(phases(evidence.events)).toEqual([
      "join start",
      "join end",
      "baseline start",
      "baseline end",
      "cot start",
      "cot end",
      "observe start",
      "observe end",
    ]);
  });

  it("gives probes the purpose a run would: baseline, during-window, after-cot once the window has passed, then session", async () => {
    const { clock, session, probe, purposes } = setup();
    session.start({ duts: [{ decl: IHD, probe }], admitted: [] });
    await session.probe(IHD.ieee);
    // a CoT dated 30 s ahead: its window ends 30 s + WINDOW after it is recorded
    session.beforeCot();
    session.afterCot(cot(T0 + 30_000, T0));
    expect(session.windowEnd).toBe(T0 + 30_000 + WINDOW);
    await clock.advanceTo(T0 + 30_000 + WINDOW - 1);
    await session.probe(IHD.ieee);
    await clock.advanceTo(T0 + 30_000 + WINDOW);
    await session.probe(IHD.ieee);
    session.beforeCot();
    session.afterCot(cot(T0 + 200_000, T0 + 100_000, 2));
    await session.probe(IHD.ieee);
    expect(purposes).toEqual(["baseline", "during-window", "after-cot", "session"]);
  });

  it("a probe before any message opens the baseline", async () => {
    const { evidence, session, probe } = setup();
    session.start({ duts: [{ decl: IHD, probe }], admitted: [] });
    await session.probe(IHD.ieee);
    expect(phases(evidence.events)).toEqual(["baseline start"]);
    expect(evidence.events.at(-1)).toMatchObject({ kind: "probe", purpose: "baseline", method: "console", ok: true });
  });

  it("judges only the cases whose phases the session went through", () => {
    const { session } = setup();
    session.start({ duts: [{ decl: IHD }], admitted: [] });
    expect(session.verdict().notJudged).toHaveLength(20);
    session.permitted();
    expect(session.verdict().duts[0]!.results.map((r) => r.id)).toEqual(["COT-01", "COT-17"]);
    session.baselineAction();
    session.beforeCot();
    session.afterCot(cot(T0, T0));
    const v = session.verdict();
    expect(v.phases).toEqual(["join", "baseline", "cot", "observe"]);
    expect(v.duts[0]!.results.map((r) => r.id)).toEqual([
      "COT-01",
      "COT-02",
      "COT-03",
      "COT-04",
      "COT-05",
      "COT-06",
      "COT-11",
      "COT-17",
      "COT-18",
    ]);
    expect(v.notJudged).toEqual([
      "COT-07",
      "COT-08",
      "COT-09",
      "COT-10",
      "COT-12",
      "COT-13",
      "COT-14",
      "COT-15",
      "COT-16",
      "COT-19",
      "COT-20",
    ]);
  });
});

/**
 * The provenance every report carries comes from the evidence log alone: the run event's fields, the CoTs,
 * what each DUT's Basic cluster said at its interview (compared with what was declared), the end event. The
 * log is that of a real virtual run (test/support/recorded-run.ts), amended where a test needs other values.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Evidence, EvidenceBody, RunEvent } from "../../src/evidence/events.js";
import { buildReport } from "../../src/cluster-cot/run-report.js";
import { recordedRun } from "../support/recorded-run.js";

let base: Evidence[];
beforeAll(async () => {
  base = await recordedRun(["ihd:compliant", "ppmid:keeps-history"]);
}, 600_000);

/**
 * The log with the run event amended and events appended (numbered on, at the last event's times); an `end`
 * appended replaces the run's own.
 */
function withEvents(events: Evidence[], run: Partial<RunEvent>, more: EvidenceBody[], wallEnd?: string): Evidence[] {
  const ends = more.some((b) => b.kind === "end");
  const kept = events.filter((e) => !(ends && e.kind === "end"));
  const last = kept.at(-1)!;
  const out = kept.map((e) => (e.kind === "run" ? ({ ...e, ...run } as Evidence) : e));
  more.forEach((body, i) => {
    out.push({ seq: last.seq + 1 + i, t: last.t, wall: wallEnd ?? last.wall, ...body } as Evidence);
  });
  return out;
}

describe("provenance", () => {
  it("names the run, the build, the coordinator, the lab and the limits as the run event recorded them", () => {
    const events = withEvents(
      base,
      {
        reportId: "hb-20260504T090000Z-0a1b2c3d",
        build: { version: "0.1.0", commit: "0123456789abcdef0123456789abcdef01234567", dirty: false, from: "source" },
        herdsman: "11.1.1",
        suiteVersion: "1",
        endpointLayout: "default",
        coordinator: { adapter: "zstack", port: "/dev/ttyACM0", type: "ZStack3x0", meta: { revision: 20230507 } },
        lab: { lab: "Acme Test House", operator: "J. Smith", notes: ["IHD on mains"] },
        deviations: ["single-dongle ESME"],
        limitations: ["no APS security"],
      },
      [{ kind: "end" }],
      "2026-05-04T09:00:07.500Z",
    );
    const p = buildReport(events, {
      evidence: { file: "e.jsonl", sha256: "ab".repeat(32), seal: "matches" },
    }).provenance;
    expect(p).toMatchObject({
      reportId: "hb-20260504T090000Z-0a1b2c3d",
      wall: { start: base[0]!.wall, end: "2026-05-04T09:00:07.500Z" },
      build: { commit: "0123456789abcdef0123456789abcdef01234567" },
      herdsman: "11.1.1",
      suite: { version: "1", baseline: { IHDTS: "5.0", CHTS: "1.5" } },
      hubVariant: "reference",
      endpointLayout: "default",
      coordinator: { type: "ZStack3x0", meta: { revision: 20230507 } },
      lab: { lab: "Acme Test House", operator: "J. Smith", notes: ["IHD on mains"] },
      deviations: ["single-dongle ESME"],
      limitations: ["no APS security"],
      evidence: { file: "e.jsonl", sha256: "ab".repeat(32), seal: "matches", events: events.length },
    });
    expect(p.hubTime.start).toBe(base[0]!.t);
    expect(p.hubTime.end).toBe(events.at(-1)!.t);
    expect(p.aborted).toBeUndefined();
  });

  it("names the hub variant the run event's hub parameters name, and none when they name none", () => {
    expect(buildReport(base).provenance.hubVariant).toBe("reference");
    const variant = (name: string | undefined) =>
      base.map((e) => (e.kind === "run" ? ({ ...e, hub: { ...e.hub, variant: name } } as Evidence) : e));
    expect(buildReport(variant("attributes-only")).provenance.hubVariant).toBe("attributes-only");
    expect(buildReport(variant(undefined)).provenance.hubVariant).toBeUndefined();
  });

  it("starts the run at its first event (the host starts before the run event is written)", () => {
    const note = { seq: 1, t: base[0]!.t, wall: "2026-05-04T08:59:58.250Z", kind: "note", message: "host started" };
    const events = [note as Evidence, ...base.map((e) => ({ ...e, seq: e.seq + 1 }) as Evidence)];
    const p = buildReport(events).provenance;
    expect(p.wall.start).toBe("2026-05-04T08:59:58.250Z");
    expect(p.wall.end).toBe(base.at(-1)!.wall);
  });

  it("lists every CoT performed: time, T, PTCC, the meter carrying it, pushed or not", () => {
    const p = buildReport(base).provenance;
    const cots = base.filter((e) => e.kind === "cot");
    expect(p.cots).toHaveLength(cots.length);
    // the run records each CoT on both meters (suite v2), one event per meter
    expect(p.cots.map((c) => c.control)).toEqual([
      // main, the older date after the reset (COT-09), second, future, away
      ...[0x600, 0x600, 0x600, 0x600, 0x600].flatMap((c) => [c, c]),
      // COT-13: the GPF with bit 9 only, the ESME with a date only
      0x200,
      0,
      ...[0x200, 0x400, 0x600, 0, 0x80, 0x100, 0x2000, 0x4000].flatMap((c) => [c, c]),
      // the CoT a DUT joining afresh finds (COT-19), then COT-14's back-dated ones: the correction on both, 45
      // days back on the ESME only and 10 on the GPF only (COT-15's), 1 day on both
      ...[0x600, 0x600].flatMap((c) => [c, c]),
      0x600,
      0x600,
      ...[0x600].flatMap((c) => [c, c]),
    ]);
    expect(p.cots.map((c) => c.meters.join())).toEqual(cots.map((c) => (c as { meter?: string }).meter));
    expect(p.cots[0]).toMatchObject({
      seq: cots[0]!.seq,
      t: cots[0]!.t,
      implementationTime: (cots[0] as { implementationTime?: string }).implementationTime,
      meters: ["gpf"],
      pushed: false,
    });
    // a CoT event of a v1 log names no meter: it was on both
    const v1 = base.map((e) => {
      if (e.seq !== cots[0]!.seq) return e;
      const { meter: _meter, ...rest } = e as Evidence & { meter?: string };
      return rest as Evidence;
    });
    expect(buildReport(v1).provenance.cots[0]!.meters).toEqual(["gpf", "esme"]);
  });

  it("says when the run stopped early, from its end event", () => {
    const events = withEvents(base, {}, [{ kind: "end", aborted: "stopped (SIGINT)" }]);
    expect(buildReport(events).provenance.aborted).toBe("stopped (SIGINT)");
  });

  it("compares each DUT's declaration with what its Basic cluster reported, and warns when they differ", () => {
    const [ihd, ppmid] = (base.find((e) => e.kind === "run") as Evidence & RunEvent).duts;
    const [a, b] = buildReport(base).duts;
    expect(b!.identity.mismatches).toEqual([]);
    // the emulated devices declare what their Basic cluster says
    expect(a!.identity.declared).toMatchObject({
      firmware: "compliant",
      manufacturer: "hanbench",
      model: "virtual-ihd",
    });
    expect(a!.identity.read).toMatchObject({
      manufacturerName: "hanbench",
      modelId: "virtual-ihd",
      swBuildId: "compliant",
    });
    expect(a!.identity.mismatches).toEqual([]);
    // the declarations amended: another firmware for the IHD, the PPMID's hardware version as it reports it
    const declared = base.map((e) =>
      e.kind === "run"
        ? ({
            ...e,
            duts: [
              { ...ihd, firmware: "5.0.3" },
              { ...ppmid, hardwareVersion: 1 },
            ],
          } as Evidence)
        : e,
    );
    const [c, d] = buildReport(declared).duts;
    expect(c!.identity.mismatches).toEqual([{ field: "firmware", declared: "5.0.3", read: "compliant" }]);
    expect(d!.identity.mismatches).toEqual([]);
    expect(d!.identity.read?.powerSource).toBe("Mains (single phase)");
    // a later interview is the one compared
    const again = withEvents(declared, {}, [
      { kind: "basic", device: ihd!.ieee, manufacturerName: "hanbench", modelId: "IHD-7", swBuildId: "5.0.3" },
    ]);
    expect(buildReport(again).duts[0]!.identity.mismatches).toEqual([
      { field: "model", declared: "virtual-ihd", read: "IHD-7" },
    ]);
    // no interview in the evidence, nothing declared: nothing read, nothing to warn about
    const bare = base
      .filter((e) => e.kind !== "basic")
      .map((e) =>
        e.kind === "run"
          ? ({
              ...e,
              duts: e.duts.map((x) => ({ label: x.label, kind: x.kind, ieee: x.ieee, probe: x.probe })),
            } as Evidence)
          : e,
      );
    expect(buildReport(bare).duts[0]!.identity).toEqual({ declared: {}, mismatches: [] });
  });
});

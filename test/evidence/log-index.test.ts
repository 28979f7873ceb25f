/** The one index over a log: incremental, shared by every asker of the same log. */
import { describe, expect, it } from "vitest";
import type { EvidenceBody } from "../../src/evidence/events.js";
import { EvidenceIndex } from "../../src/evidence/log-index.js";
import { EvidenceLog } from "../../src/evidence/log.js";

const A = "0x00db1234567890a0";
const B = "0x00db1234567890b0";

function log(...bodies: EvidenceBody[]): EvidenceLog {
  const l = new EvidenceLog({ now: () => Date.UTC(2026, 0, 1) });
  for (const b of bodies) l.append(b);
  return l;
}
const join = (device: string): EvidenceBody => ({ kind: "join", device, nwk: 1, accepted: true, reason: "" });
const interview = (device: string, status: "started" | "successful"): EvidenceBody => ({
  kind: "interview",
  device,
  status,
});

describe("EvidenceIndex", () => {
  it("is one index per log", () => {
    const l = log();
    expect(EvidenceIndex.of(l.events)).toBe(EvidenceIndex.of(l.events));
    expect(EvidenceIndex.of(l.events)).not.toBe(EvidenceIndex.of(log().events));
  });

  it("takes in what was appended since it was last asked", () => {
    const l = log(join(A), interview(A, "started"));
    const index = EvidenceIndex.of(l.events);
    expect(index.all("join").map((e) => e.seq)).toEqual([1]);
    expect(index.ofDevice("interview", A).map((e) => e.seq)).toEqual([2]);
    l.append(join(B));
    l.append(interview(A, "successful"));
    expect(index.all("join").map((e) => e.seq)).toEqual([1, 3]);
    expect(index.ofDevice("interview", A).map((e) => e.seq)).toEqual([2, 4]);
    expect(index.ofDevice("join", B.toUpperCase().replace("0X", "0x")).map((e) => e.seq)).toEqual([3]);
    expect(index.ofDevice("join", "0x0000000000000000")).toEqual([]);
    expect(index.nextSeq()).toBe(5);
  });

  it("finds an event by seq", () => {
    const l = log(join(A), join(B), join(A));
    const index = EvidenceIndex.of(l.events);
    expect(index.event(2)).toBe(l.events[1]);
    expect(index.event(0)).toBeUndefined();
    expect(index.event(4)).toBeUndefined();
  });

  it("anySince: looks from fromSeq, sees later appends, and a yes stays a yes", () => {
    const l = log(interview(A, "successful"), interview(A, "started"));
    const index = EvidenceIndex.of(l.events);
    const done = (from: number) => index.anySince("interviewed", "interview", A, from, (e) => e.status !== "started");
    expect(done(1)).toBe(true);
    expect(done(2)).toBe(false);
    l.append(interview(B, "successful"));
    expect(done(2)).toBe(false); // another device's event
    l.append(interview(A, "successful"));
    expect(done(2)).toBe(true);
    expect(done(2)).toBe(true);
    // another question over the same events keeps its own answer
    expect(index.anySince("started", "interview", A, 3, (e) => e.status === "started")).toBe(false);
  });
});

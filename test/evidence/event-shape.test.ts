import { describe, expect, it } from "vitest";
import type { EvidenceBody } from "../../src/evidence/events.js";
import { eventOf } from "../../src/evidence/event-shape.js";

/** Hub time and wall clock of the events built here. */
const T = "2026-01-01T00:00:00.000Z";
const W = "2026-01-01T00:00:01.000Z";

describe("eventOf", () => {
  it("gives the spread's keys in the spread's order, for each list of keys of a kind", () => {
    const a = eventOf(1, T, W, { kind: "served", device: "*", role: "gpf", clusterId: 1794, item: "x", value: 1 });
    const b = eventOf(2, T, W, {
      kind: "served",
      device: "*",
      role: "gpf",
      clusterId: 1794,
      item: "y",
      value: 2,
      period: T,
      periodEnd: W,
    });
    // the same keys in another order: another literal, not the first one's order
    const c = eventOf(3, T, W, { kind: "served", value: 3, item: "z", role: "esme", clusterId: 1795, device: "*" });
    expect(JSON.stringify(a)).toBe(
      `{"seq":1,"t":"${T}","wall":"${W}","kind":"served","device":"*","role":"gpf","clusterId":1794,"item":"x","value":1}`,
    );
    expect(Object.keys(b)).toEqual([
      "seq",
      "t",
      "wall",
      "kind",
      "device",
      "role",
      "clusterId",
      "item",
      "value",
      "period",
      "periodEnd",
    ]);
    expect(Object.keys(c)).toEqual(["seq", "t", "wall", "kind", "value", "item", "role", "clusterId", "device"]);
    expect(c).toMatchObject({ seq: 3, value: 3, item: "z", role: "esme" });
  });

  it("makes every value JSON-safe and copies nested objects, leaving the caller's body as it was", () => {
    const payload = { n: 10n, bytes: Buffer.from([1, 2]), list: [Number.NaN, { d: new Date(0) }] };
    const body = { kind: "note", message: "m", data: payload } as unknown as EvidenceBody;
    const e = eventOf(7, T, W, body) as unknown as { data: Record<string, unknown> };
    expect(e.data).toEqual({ n: "10", bytes: "0102", list: [null, { d: "1970-01-01T00:00:00.000Z" }] });
    expect(e.data).not.toBe(payload);
    expect(payload.n).toBe(10n);
    expect(Buffer.isBuffer(payload.bytes)).toBe(true);
  });

  it("lets a body's seq, t or wall win in the first places, as the spread did", () => {
    const e = eventOf(1, T, W, { kind: "note", message: "m", t: "body's" } as unknown as EvidenceBody);
    expect(Object.keys(e)).toEqual(["seq", "t", "wall", "kind", "message"]);
    expect(e.t).toBe("body's");
  });

  it("keeps a key named __proto__ as a field, not as the event's prototype", () => {
    const body = JSON.parse('{"kind":"note","message":"m","__proto__":{"x":1}}') as EvidenceBody;
    const e = eventOf(1, T, W, body);
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect(Object.keys(e)).toContain("__proto__");
    expect(JSON.stringify(e)).toBe(
      `{"seq":1,"t":"${T}","wall":"${W}","kind":"note","message":"m","__proto__":{"x":1}}`,
    );
  });

  it("builds right events for a kind whose keys vary without end (beyond its kept key lists)", () => {
    for (let i = 0; i < 40; i++) {
      const body = { kind: "phase", [`k${i}`]: i, name: "n" } as unknown as EvidenceBody;
      const e = eventOf(i, T, W, body);
      expect(Object.keys(e)).toEqual(["seq", "t", "wall", "kind", `k${i}`, "name"]);
      expect((e as unknown as Record<string, unknown>)[`k${i}`]).toBe(i);
    }
  });
});

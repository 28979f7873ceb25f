/** Requests waiting for replies: one key for the request sent and the frame that answers it. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestCorrelator, zclReplyKey, zdoReplyKey } from "../../../src/virtual/han/correlator.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("reply keys", () => {
  it("a ZCL reply matches by sender, endpoint, cluster, TSN and direction", () => {
    const key = zclReplyKey(0x1234, 2, 0x0702, 9, "serverToClient");
    expect(zclReplyKey(0x1234, 2, 0x0702, 9, "serverToClient")).toBe(key);
    for (const other of [
      zclReplyKey(0x1234, 2, 0x0702, 9, "clientToServer"), // the other side's own request with the same TSN
      zclReplyKey(0x1235, 2, 0x0702, 9, "serverToClient"),
      zclReplyKey(0x1234, 3, 0x0702, 9, "serverToClient"),
      zclReplyKey(0x1234, 2, 0x0708, 9, "serverToClient"),
      zclReplyKey(0x1234, 2, 0x0702, 10, "serverToClient"),
    ])
      expect(other).not.toBe(key);
  });

  it("a ZDO response matches by sender, response cluster and TSN", () => {
    expect(zdoReplyKey(0, 0x8006, 7)).toBe(zdoReplyKey(0, 0x8006, 7));
    expect(zdoReplyKey(0, 0x8006, 7)).not.toBe(zdoReplyKey(0, 0x8004, 7));
    expect(zdoReplyKey(0, 0x8006, 7)).not.toBe(zdoReplyKey(1, 0x8006, 7));
  });
});

describe("RequestCorrelator", () => {
  it("hands a reply to the request waiting under its key, once", async () => {
    const c = new RequestCorrelator();
    expect(c.waiting).toBe(false);
    const p = c.expect("k", 1000, "a read", "ihd");
    expect(c.waiting).toBe(true);
    expect(c.settle("other", Buffer.from([1]))).toBe(false);
    expect(c.settle("k", Buffer.from([2]))).toBe(true);
    await expect(p).resolves.toEqual(Buffer.from([2]));
    expect(c.settle("k", Buffer.from([3]))).toBe(false);
    expect(c.waiting).toBe(false);
  });

  it("rejects a request nobody answers when its time is up", async () => {
    vi.useFakeTimers();
    const c = new RequestCorrelator();
    const p = c.expect("k", 500, "ZCL cluster 0x702 tsn 9", "ihd-1");
    const outcome = p.then(
      () => "answered",
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(499);
    expect(c.waiting).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe("ihd-1: no response to ZCL cluster 0x702 tsn 9 within 500 ms");
    expect(c.waiting).toBe(false);
  });

  it("fails every waiting request at once", async () => {
    const c = new RequestCorrelator();
    const a = c.expect("a", 1000, "x", "n");
    const b = c.expect("b", 1000, "y", "n");
    c.failAll(new Error("n was powered off"));
    await expect(a).rejects.toThrow("n was powered off");
    await expect(b).rejects.toThrow("n was powered off");
    expect(c.waiting).toBe(false);
  });
});

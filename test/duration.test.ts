import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../src/duration.js";

describe("durations", () => {
  it.each([
    ["24h", 86_400_000],
    ["30m", 1_800_000],
    ["90s", 90_000],
    ["2d", 172_800_000],
    ["1h30m", 5_400_000],
    ["250ms", 250],
    ["1500", 1500],
    ["0.5h", 1_800_000],
  ])("parses %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "h", "24x", "1h 30m", "-5m", "24hours"])("refuses %j with examples", (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration \(examples/);
  });

  it("formats back", () => {
    expect(formatDuration(86_400_000)).toBe("1d");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(90_250)).toBe("1m30s250ms");
    expect(parseDuration(formatDuration(93_784_005))).toBe(93_784_005);
  });
});

/** `hanbench serve` options: defaults, and one-line usage errors. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { parseServeArgs } from "../../src/cli/serve.js";

const NOW = new Date("2026-11-28T14:00:00.000Z");

describe("hanbench serve options", () => {
  it("has bench defaults: zstack, .hanbench/state, an evidence file per start, endpoint layout default (ESI 2, mirror 4, ESME 3)", () => {
    expect(parseServeArgs([], NOW)).toEqual({
      adapter: "zstack",
      acceptRisk: false,
      reset: false,
      state: ".hanbench/state",
      evidence: ".hanbench/serve/2026-11-28T14-00-00-000Z/evidence.jsonl",
      hubVariant: "attributes-only",
      endpointLayout: "default",
      endpoints: { esi: 2, mirror: 4, esme: 3 },
      providerId: 0x1234,
      seed: 1,
      windowMs: 86_400_000,
      verbose: false,
    });
  });

  it("takes the verdict's detection window and --verbose, and refuses a window that is not a duration", () => {
    expect(parseServeArgs(["--window", "30s", "--verbose"], NOW)).toMatchObject({ windowMs: 30_000, verbose: true });
    expect(() => parseServeArgs(["--window", "soon"], NOW)).toThrow(/^--window: /);
    expect(() => parseServeArgs(["--window", "500ms"], NOW)).toThrow("--window 500ms is too short; give at least 1s");
  });

  it("takes --hub-variant (default attributes-only, as a bench run) and refuses an unknown one", () => {
    expect(parseServeArgs(["--hub-variant", "esme-date-only"], NOW)).toMatchObject({ hubVariant: "esme-date-only" });
    expect(() => parseServeArgs(["--hub-variant", "gb"], NOW)).toThrow(
      /^--hub-variant must be one of reference, attributes-only, .*, got 'gb'$/,
    );
  });

  it("takes --reset", () => {
    expect(parseServeArgs(["--reset"], NOW)).toMatchObject({ reset: true });
  });

  it("takes a port, endpoints, channel and the rest", () => {
    const o = parseServeArgs(
      ["--port", "tcp://127.0.0.1:6638", "--gpf-ep", "35", "--esme-ep", "36", "--channel", "25", "--baud", "460800"],
      NOW,
    );
    expect(o).toMatchObject({
      port: "tcp://127.0.0.1:6638",
      endpoints: { esi: 35, mirror: 4, esme: 36 },
      channel: 25,
      baudRate: 460800,
    });
    expect(parseServeArgs(["--endpoint-layout", "silabs"], NOW)).toMatchObject({
      endpointLayout: "silabs",
      endpoints: { esi: 1, mirror: 2, esme: 3 },
    });
    expect(parseServeArgs(["-h"], NOW)).toBe("help");
  });

  it.each([
    [["--adapter", "foo"], /--adapter must be one of zstack, ember/],
    [["--gpf-ep", "0"], /--gpf-ep must be an integer 1\.\.240/],
    [["--gpf-ep", "5", "--esme-ep", "5"], /must differ/],
    [["--gpf-ep", "4"], /the esi and mirror endpoints must differ/],
    [["--endpoint-layout", "zstack"], /--endpoint-layout must be one of default, silabs/],
    [["--channel", "10"], /--channel must be an integer 11\.\.26/],
    [["--port", "tcp://localhost"], /is not tcp:\/\/HOST:PORT/],
    [["--frobnicate"], /Unknown option/],
    [["extra"], /positional/i],
  ])("refuses %j with one line", (argv, re) => {
    let err: unknown;
    try {
      parseServeArgs(argv, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain("\n");
  });
});

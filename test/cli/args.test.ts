import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/cli/args.js";
import { UsageError } from "../../src/cli/errors.js";
import { writeOutput } from "../../src/cli/report.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-cli-args-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("command lines", () => {
  const options = { seed: { type: "string" }, quiet: { type: "boolean" } } as const;

  it("gives parseArgs' values", () => {
    const { values } = parseCommandLine({ args: ["--seed", "7", "--quiet"], options });
    expect(values).toEqual({ seed: "7", quiet: true });
  });

  it("turns what parseArgs refuses into one usage line, with the hint after it", () => {
    const bad = () => parseCommandLine({ args: ["--sead", "7"], options }, "See 'hanbench x --help'.");
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(/^Unknown option '--sead'.*\. See 'hanbench x --help'\.$/);
    expect(() => parseCommandLine({ args: ["--seed"], options })).toThrow(UsageError);
  });
});

describe("report files", () => {
  it("are written with their directory made", () => {
    const path = join(dir, "a", "b", "report.json");
    writeOutput(path, "{}\n");
    expect(readFileSync(path, "utf8")).toBe("{}\n");
  });

  it("that cannot be written are a usage error naming the path", () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "");
    const path = join(file, "report.xml");
    expect(() => writeOutput(path, "<x/>")).toThrow(UsageError);
    expect(() => writeOutput(path, "<x/>")).toThrow(`cannot write ${path}`);
  });
});

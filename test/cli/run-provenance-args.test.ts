/**
 * `hanbench run`'s provenance options: lab, operator and notes from the command line and a bench file, and the
 * lab's requirements map. What is wrong with them is one usage line (exit 2) before anything starts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { parseRunArgs } from "../../src/cli/run.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hanbench-run-prov-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const parsed = (argv: string[]) => {
  const o = parseRunArgs(argv);
  if (o === "help") throw new Error("help");
  return o;
};

describe("hanbench run: lab, operator, notes, bench file", () => {
  it("takes them from the command line", () => {
    expect(parsed(["--lab", "Acme", "--operator", "J. Smith", "--note", "one", "--note", "two"]).lab).toEqual({
      lab: "Acme",
      operator: "J. Smith",
      notes: ["one", "two"],
    });
    expect(parsed([]).lab).toBeUndefined();
  });

  it("takes a bench file, the command line overriding lab and operator and adding notes", () => {
    const bench = file(
      "bench.json",
      JSON.stringify({ lab: "Acme, bench 2", operator: "A. N. Other", notes: ["IHD on mains"] }),
    );
    expect(parsed(["--bench-file", bench, "--operator", "J. Smith", "--note", "second"]).lab).toEqual({
      lab: "Acme, bench 2",
      operator: "J. Smith",
      notes: ["IHD on mains", "second"],
      benchFile: bench,
    });
  });

  it.each([
    ["{nope", /bench\.json: not valid JSON/],
    ['{"lab": 3}', /"lab" must be a non-empty string/],
    ['{"notes": "one"}', /"notes" must be a list/],
    ['{"laboratory": "x"}', /unknown key "laboratory" \(known: lab, operator, notes\)/],
  ])("refuses the bench file %s", (text, message) => {
    const bench = file("bench.json", text);
    expect(() => parseRunArgs(["--bench-file", bench])).toThrow(UsageError);
    expect(() => parseRunArgs(["--bench-file", bench])).toThrow(message);
  });
});

describe("hanbench run --requirements", () => {
  it("reads the lab's map into the run options", () => {
    const map = file(
      "map.json",
      JSON.stringify({ name: "lab map", cases: { "COT-05": { clauses: [{ id: "L-5" }] } } }),
    );
    expect(parsed(["--requirements", map]).requirements).toEqual({
      file: map,
      name: "lab map",
      cases: { "COT-05": { clauses: [{ id: "L-5" }] } },
    });
  });

  it("refuses an unknown case id with one line and exit 2, before anything starts", () => {
    const map = file("bad.csv", "case,clause\nCOT-99,L-99\n");
    const p = spawnSync(process.execPath, [BIN, "run", "--requirements", map], { encoding: "utf8", timeout: 60_000 });
    expect(p.status).toBe(2);
    expect(p.stderr.trim()).toBe(
      `hanbench run: --requirements: ${map}: unknown case id 'COT-99' (the suite has COT-01..COT-20)`,
    );
    const missing = spawnSync(process.execPath, [BIN, "run", "--requirements", join(dir, "none.json")], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^hanbench run: --requirements: cannot read .*none\.json \(ENOENT\)$/);
  });
});

/**
 * docs/suite.md, the user-facing description of the suite, against the code: every case id, behaviour profile,
 * hub variant and endpoint layout the code has is in its table, and each table names nothing the code does not have.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CASES } from "../../src/cluster-cot/index.js";
import { ENDPOINT_LAYOUTS } from "../../src/hub/layout.js";
import { HUB_VARIANTS } from "../../src/hub/variants.js";
import { PROFILES } from "../../src/virtual/devices/profiles.js";

const DOC = readFileSync(new URL("../../docs/suite.md", import.meta.url), "utf8");

/** The first cell of each row of the table under `## heading`. */
function firstCells(heading: string): string[] {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/suite.md has no section '${heading}'`);
  const end = DOC.indexOf("\n## ", start + 1);
  const section = DOC.slice(start, end < 0 ? undefined : end);
  return section
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("|---"))
    .slice(1) // the header row
    .map((l) => l.split("|")[1]!.trim().replace(/^`|`$/g, ""));
}

describe("docs/suite.md", () => {
  it("lists every case of the code, and no other", () => {
    expect(firstCells("Cases")).toEqual(CASES.map((c) => c.id));
  });

  it("lists every behaviour profile, and no other", () => {
    expect(firstCells("Emulated device behaviour profiles")).toEqual([...PROFILES]);
  });

  it("lists every endpoint layout, and no other", () => {
    expect(firstCells("Hub topology")).toEqual([...ENDPOINT_LAYOUTS]);
  });

  it("lists every hub variant, and no other", () => {
    expect(firstCells("Hub variants")).toEqual([...HUB_VARIANTS]);
  });
});

/** Each run's own directory (issue 11, item 4): made exclusively, the next free suffix when the second is taken. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newRunDir } from "../../src/runner/run.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-run-dir-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("newRunDir", () => {
  it("names a run after its start second and gives runs of the same second a suffix each", () => {
    const root = join(dir, "runs");
    const at = Date.parse("2026-11-28T14:05:09.250Z");
    const made = [newRunDir(root, at), newRunDir(root, at + 500), newRunDir(root, at + 700)];
    expect(made).toEqual([
      join(root, "2026-11-28T14-05-09Z"),
      join(root, "2026-11-28T14-05-09Z-2"),
      join(root, "2026-11-28T14-05-09Z-3"),
    ]);
    expect(readdirSync(root).sort()).toEqual([
      "2026-11-28T14-05-09Z",
      "2026-11-28T14-05-09Z-2",
      "2026-11-28T14-05-09Z-3",
    ]);
  });
});

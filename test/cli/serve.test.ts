/** `hanbench serve` refusing an adapter that cannot serve Smart Energy: one line, exit 2, naming the option. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { AdapterRiskError, checkAdapterForSe } from "../../src/host/endpoints.js";

const dir = mkdtempSync(join(tmpdir(), "hanbench-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hanbench serve --adapter", () => {
  it("checkAdapterForSe refuses with an AdapterRiskError naming the adapter", () => {
    let err: unknown;
    try {
      checkAdapterForSe("deconz", false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AdapterRiskError);
    expect(err).toMatchObject({ adapter: "deconz" });
  });

  it("an adapter refused for Smart Energy is a usage error that names --accept-adapter-risk", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const code = await main([
        "serve",
        "--adapter",
        "deconz",
        "--port",
        "tcp://127.0.0.1:9",
        "--state",
        join(dir, "state"),
        "--evidence",
        join(dir, "e.jsonl"),
      ]);
      expect(code).toBe(2);
      const text = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
      expect(text.split("\n").filter(Boolean)).toHaveLength(1);
      expect(text).toMatch(
        /^hanbench serve: adapter 'deconz' cannot serve the hub's Smart Energy endpoints: .* \(--accept-adapter-risk\)\n$/,
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
